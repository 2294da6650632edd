//! errdex: a static-site generator for troubleshooting sites.
//!
//! Data flows one way, one module per stage:
//!
//! ```text
//! site.yaml ──config──► Config
//! content/*.md ──entry──► Entry ──site──► Site ──render (Tera, markdown)──► Vec<Page> ──output──► public/
//!                                  │
//!                                  └── every stage adds Diagnostics (diagnostic) instead of stopping
//! ```
//!
//! Commands compose the stages: [`check`] runs everything up to the rendered pages in memory and
//! writes nothing; [`build`] is check plus [`output`].

pub mod config;
pub mod diagnostic;
pub mod entry;
pub mod markdown;
pub mod output;
pub mod render;
pub mod site;

use std::path::{Path, PathBuf};

use config::Project;
use diagnostic::{Diagnostic, Severity, Summary};
use render::Page;
use site::{LoadOptions, Site};

/// What to build and how.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub output: PathBuf,
    pub load: LoadOptions,
}

/// The result of `check` or `build`: every diagnostic, sorted, and what was produced.
#[derive(Debug)]
pub struct Outcome {
    pub diagnostics: Vec<Diagnostic>,
    pub summary: Summary,
    /// The pages rendered (written, for `build`), when rendering got that far.
    pub pages: Vec<Page>,
}

impl Outcome {
    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0
    }
}

/// Loads, checks and renders the site in memory; writes nothing.
pub fn check(root: &Path, load: &LoadOptions) -> Outcome {
    let project = Project::new(root);
    let (site, mut diagnostics) = site::load(&project, load);
    let entries = site.as_ref().map_or(0, |s| s.files_read);
    let mut pages = Vec::new();
    if let Some(site) = &site {
        match render_all(&project, site) {
            Ok(p) => pages = p,
            Err(d) => diagnostics.extend(d),
        }
    }
    diagnostic::sort(&mut diagnostics);
    let summary = Summary::of(&diagnostics, entries);
    Outcome {
        diagnostics,
        summary,
        pages,
    }
}

fn render_all(project: &Project, site: &Site) -> Result<Vec<Page>, Vec<Diagnostic>> {
    let assets = render::static_files(&project.static_dir());
    let mut pages = render::render(site, &project.templates_dir(), "style.css")?;
    pages.extend(assets?);
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(pages)
}

/// Why a build did not write anything.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Output(#[from] output::OutputError),
}

/// Checks, renders and, when there is no error, writes the site to the output folder.
/// On any error the previous output is left as it was.
pub fn build(options: &BuildOptions) -> Result<Outcome, BuildError> {
    output::check_target(&options.output, &options.root)?;
    let outcome = check(&options.root, &options.load);
    if !outcome.has_errors() {
        output::write(&options.output, &outcome.pages)?;
    }
    Ok(outcome)
}

/// True when any diagnostic is an error, or any at all when `strict`.
pub fn fails(diagnostics: &[Diagnostic], strict: bool) -> bool {
    diagnostics
        .iter()
        .any(|d| strict || d.severity() == Severity::Error)
}
