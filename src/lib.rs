//! errdex: a static-site generator for troubleshooting sites.
//!
//! Data flows one way, one module per stage; each imports only the stages before it:
//!
//! ```text
//! site.yaml ──config──► Config
//! content/*.md ──site::discover──► files ──entry (markdown)──► Entry ──site──► Site
//!     ──render (Tera, markdown)──► Vec<Page> ──(relative)──► ──output──► public/
//!        │
//!        └── every stage adds Diagnostics (diagnostic) instead of stopping
//! ```
//!
//! `relative` runs only for `build --relative-urls`: it rewrites each HTML page's URLs relative
//! to the page, for a site opened from disk; the search index is then written as scripts.
//!
//! Below every stage: `diagnostic` (what went wrong and where), `yaml` (serde-saphyr errors as
//! diagnostics), `urls` (the URL scheme and reserved names), `labels` (the pages' own words,
//! which site.yaml may replace), `markdown`, `timing`, `progress` (the stages report how far
//! they are; a bar shows on a terminal). Above them:
//! this file's commands, `serve` (and its in-memory `rebuild`), and `main.rs`, the command line.
//!
//! An entry's body is rendered to HTML when the entry is read (the one parse also gives its
//! headings and links to check); its inline fields are rendered with the page.
//!
//! Commands compose the stages: [`check`] runs everything up to the rendered pages in memory and
//! writes nothing; [`build`] is check plus [`output`]. Beside them: [`search`] (the index, ranking
//! and `match`, from the Site) and [`sources`] (`errdex sources`: fetches the Site's source URLs
//! and writes `sources.lock`, which `site` reads back for the pages' "Verified" dates and
//! `check`'s warnings; the build never fetches).
//!
//! Where a change starts:
//! - a new front-matter field: its line in `src/entry/fields.rs`;
//! - a new whole-site check: a function in `src/site/checks.rs`;
//! - a new page kind: a `PageKind` variant in `src/render/mod.rs`;
//! - a new diagnostic: a `Problem` variant in `src/diagnostic.rs`.

pub mod config;
pub mod diagnostic;
pub mod entry;
pub mod incremental;
pub mod init;
pub mod labels;
pub mod markdown;
pub mod output;
pub mod progress;
pub mod relative;
pub mod render;
pub mod search;
pub mod serve;
pub mod site;
pub mod sources;
pub mod timing;
pub mod urls;
pub mod yaml;

use std::path::{Path, PathBuf};

use config::Project;
use diagnostic::{Diagnostic, Summary, has_errors};
use progress::Progress;
use render::Page;
use site::{LoadOptions, Site};
use timing::timing;

/// What to build and how.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub output: PathBuf,
    pub load: LoadOptions,
    /// Every page's links and files relative to the page, and the search index as scripts:
    /// a site to open from disk (`build --relative-urls`, [`relative`]).
    pub relative_urls: bool,
    /// Nothing of the previous output is reused (`build --full`, [`incremental`]).
    pub full: bool,
}

/// The result of `check` or `build`: every diagnostic, sorted, and what was produced.
#[derive(Debug)]
pub struct Outcome {
    pub diagnostics: Vec<Diagnostic>,
    pub summary: Summary,
    /// The pages rendered, kept only for `serve` (`check` counts them, a build writes them as
    /// they come; neither keeps any).
    pub pages: Vec<Page>,
    /// How many files were rendered (and, for `build`, written).
    pub files: usize,
}

impl Outcome {
    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0
    }
}

/// Loads, checks and renders the site in memory; writes nothing.
/// Pages are rendered and counted, not kept.
pub fn check(root: &Path, load: &LoadOptions) -> Outcome {
    let project = Project::new(root);
    check_with(&project, load, &mut site::ParseCache::none(), false).0
}

/// [`check`], reusing unchanged entries from `cache`, keeping the pages; also returns the site
/// it rendered (for `serve`).
pub fn check_cached(
    project: &Project,
    load: &LoadOptions,
    cache: &mut site::ParseCache,
) -> (Outcome, Option<Site>) {
    check_with(project, load, cache, true)
}

fn check_with(
    project: &Project,
    load: &LoadOptions,
    cache: &mut site::ParseCache,
    keep_pages: bool,
) -> (Outcome, Option<Site>) {
    let started = std::time::Instant::now();
    let (site, mut diagnostics) = site::load_cached(project, load, cache);
    timing("load and check", started);
    let entries = site.as_ref().map_or(0, |s| s.files_read);
    let mut pages = Vec::new();
    let mut files = 0;
    if let Some(site) = &site {
        let progress = &load.progress;
        progress.stage("rendering pages", Some(site.entries.len()));
        let rendered = if keep_pages {
            render_all(project, site, progress).map(|p| {
                pages = p;
                pages.len()
            })
        } else {
            render_each(project, site, false, &|_| {}, progress, None)
        };
        match rendered {
            Ok(n) => files = n,
            Err(d) => diagnostics.extend(d),
        }
    }
    diagnostic::sort(&mut diagnostics);
    let summary = Summary::of(&diagnostics, entries);
    let outcome = Outcome {
        diagnostics,
        summary,
        files,
        pages,
    };
    (outcome, site)
}

/// The search index files for a site: JSON with root-relative page URLs, or, for a relative
/// build, scripts whose page URLs are relative to the output's root (`tool/x/`).
pub fn search_files(site: &Site, relative: bool) -> Vec<Page> {
    let (form, base_path) = if relative {
        (search::Form::Script, String::new())
    } else {
        (search::Form::Json, site.config.base_path())
    };
    let index = search::Index::build(&site.entries, &site.tool_titles(), &base_path);
    search::index_files(&index, form)
        .into_iter()
        .map(|f| Page {
            path: f.path,
            content: f.text.into_bytes(),
        })
        .collect()
}

fn render_all(
    project: &Project,
    site: &Site,
    progress: &Progress,
) -> Result<Vec<Page>, Vec<Diagnostic>> {
    render::collect(|emit| render_each(project, site, false, emit, progress, None))
}

/// Every file of the site (static files, search index, pages), each handed to `emit` when ready;
/// with `relative`, as [`relative`] rewrites them. Every path is checked to stay inside the
/// output folder before it is handed on, and the whole set to be writable as one folder tree
/// (no path twice, no file where another path needs a folder), so that `check` fails exactly
/// where `build` could not write.
fn render_each(
    project: &Project,
    site: &Site,
    relative: bool,
    emit: &(dyn Fn(Page) + Sync),
    progress: &Progress,
    reuse: Option<&render::Reuse>,
) -> Result<usize, Vec<Diagnostic>> {
    let paths = std::sync::Mutex::new(Vec::new());
    // A page taken from the previous output is laid out like one rendered.
    let paths_ref = &paths;
    let take = reuse.map(|reuse| {
        move |path: &str, key: u128| {
            if !urls::is_safe_output_path(path) || !(reuse.take)(path, key) {
                return false;
            }
            if let Ok(mut paths) = paths_ref.lock() {
                paths.push(path.to_string());
            }
            true
        }
    });
    let reuse = match (reuse, &take) {
        (Some(reuse), Some(take)) => Some(render::Reuse {
            global: reuse.global,
            take,
        }),
        _ => None,
    };
    let guarded = |page: Page| {
        if let Ok(mut paths) = paths.lock() {
            paths.push(page.path.clone());
        }
        if urls::is_safe_output_path(&page.path) {
            emit(page);
        }
    };
    let outside: Vec<Diagnostic> = [project.templates_dir(), project.static_dir()]
        .into_iter()
        .filter(|dir| dir.is_symlink() && !project.contains(dir))
        .map(|dir| {
            let target = std::fs::read_link(&dir).map(|t| t.display().to_string());
            let problem = diagnostic::Problem::OutsideSite {
                target: target.unwrap_or_default(),
            };
            Diagnostic::new(problem, project.relative(&dir), None)
        })
        .collect();
    if !outside.is_empty() {
        return Err(outside);
    }
    let count = render_unchecked(project, site, relative, &guarded, progress, reuse.as_ref())?;
    let problems = layout_problems(site, paths.into_inner().unwrap_or_default());
    if problems.is_empty() {
        Ok(count)
    } else {
        Err(problems)
    }
}

/// The paths that cannot all be written into one folder: unsafe ones, duplicates, and files
/// where another path needs a folder. Reported at the alias that made one of them, if any.
fn layout_problems(site: &Site, mut paths: Vec<String>) -> Vec<Diagnostic> {
    paths.sort_unstable();
    let files: std::collections::HashSet<&str> = paths.iter().map(String::as_str).collect();
    let mut conflicts: Vec<(String, String)> = Vec::new();
    let aliases = alias_pages(site);
    for pair in paths.windows(2) {
        // An alias that takes another page's URL is already reported as such (E013).
        if pair[0] == pair[1] && !aliases.contains_key(&pair[0]) {
            conflicts.push((pair[0].clone(), "two files have this path".into()));
        }
    }
    for path in &paths {
        if !urls::is_safe_output_path(path) {
            conflicts.push((path.clone(), "it would leave the output folder".into()));
            continue;
        }
        for (i, _) in path.match_indices('/') {
            if files.contains(&path[..i]) {
                conflicts.push((
                    path.clone(),
                    format!("`{}` is a file, so it cannot be a folder", &path[..i]),
                ));
            }
        }
    }
    conflicts.dedup();
    conflicts
        .into_iter()
        .map(|(path, detail)| {
            let problem = diagnostic::Problem::OutputConflict {
                path: path.clone(),
                detail,
            };
            match aliases.get(&path) {
                Some((file, alias)) => {
                    Diagnostic::new(problem, *file, Some(alias.location.clone()))
                }
                None => Diagnostic::new(problem, "static", None),
            }
        })
        .collect()
}

/// The output path of every alias's redirect page, with the file and place it is written.
fn alias_pages(site: &Site) -> std::collections::HashMap<String, (&Path, &entry::Located<String>)> {
    site.entries
        .iter()
        .flat_map(|e| e.aliases.iter().map(move |a| (e, a)))
        .filter_map(|(e, a)| {
            let url = urls::check_alias(&a.value).ok()?;
            let path = format!("{}index.html", url.trim_start_matches('/'));
            Some((path, (e.path.as_path(), a)))
        })
        .collect()
}

/// [`render_each`] without the checks of the paths.
fn render_unchecked(
    project: &Project,
    site: &Site,
    relative: bool,
    emit: &(dyn Fn(Page) + Sync),
    progress: &Progress,
    reuse: Option<&render::Reuse>,
) -> Result<usize, Vec<Diagnostic>> {
    let (statics, mut assets) = render::static_files(&project.static_dir())?;
    // Pages name the static files (fingerprinted), and a relative build rewrites links by them.
    let reuse = reuse.map(|reuse| {
        let mut h = incremental::Hash128::new();
        h.u128(reuse.global);
        h.debug(&relative);
        for page in &statics {
            h.str(&page.path);
            h.bytes(&page.content);
        }
        render::Reuse {
            global: h.finish(),
            take: reuse.take,
        }
    });
    let rewriter = if relative {
        let files = statics.iter().map(|p| p.path.clone());
        let urls = urls::RelativeUrls::new(&site.config.base_url, files);
        Some(relative::Rewriter::new(urls).map_err(|e| vec![rewrite_error(e)])?)
    } else {
        None
    };
    let failures = std::sync::Mutex::new(Vec::new());
    let emit = |page: Page| match &rewriter {
        None => emit(page),
        Some(r) => match r.page(page) {
            Ok(page) => emit(page),
            Err(e) => {
                if let Ok(mut failures) = failures.lock() {
                    failures.push(rewrite_error(e));
                }
            }
        },
    };
    let count = statics.len();
    statics.into_iter().for_each(&emit);
    // Pages link to the index's unfingerprinted manifest, so the index and the pages are
    // independent: they are made side by side, and either keeps both cores busy while the
    // other waits.
    assets.search_index = if relative {
        search::Form::Script.manifest().into()
    } else {
        search::MANIFEST.into()
    };
    let started = std::time::Instant::now();
    let index_done = std::sync::atomic::AtomicBool::new(false);
    let (index, pages) = rayon::join(
        || {
            let index = search_files(site, relative);
            let n = index.len();
            index.into_iter().for_each(&emit);
            index_done.store(true, std::sync::atomic::Ordering::Relaxed);
            timing("search index", started);
            n
        },
        || {
            let n = render::render_each(
                site,
                &project.templates_dir(),
                &assets,
                &emit,
                progress,
                reuse.as_ref(),
            );
            timing("render (and write, for build)", started);
            if !index_done.load(std::sync::atomic::Ordering::Relaxed) {
                progress.stage("building the search index", None);
            }
            n
        },
    );
    let count = count + index + pages?;
    let failures = failures.into_inner().unwrap_or_default();
    if failures.is_empty() {
        Ok(count)
    } else {
        Err(failures)
    }
}

/// A page whose links could not be rewritten (its HTML is beyond the rewriter), reported as a
/// problem of the templates that made it.
fn rewrite_error(detail: String) -> Diagnostic {
    Diagnostic::new(diagnostic::Problem::Template { detail }, "templates", None)
}

/// Why a build did not write anything.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Output(#[from] output::OutputError),
}

/// Checks, renders and, when there is no error, writes the site to the output folder.
/// On any error the previous output is left as it was.
/// Pages are written into the staging folder as they are rendered, so a build holds only a few
/// in memory at a time.
pub fn build(options: &BuildOptions) -> Result<Outcome, BuildError> {
    output::check_target(&options.output, &options.root)?;
    let project = Project::new(&options.root);
    let started = std::time::Instant::now();
    let (site, mut diagnostics) = site::load(&project, &options.load);
    timing("load and check", started);
    let entries = site.as_ref().map_or(0, |s| s.files_read);
    let mut files = 0;
    if let Some(site) = &site {
        let progress = &options.load.progress;
        let content_ok = !has_errors(&diagnostics);
        if content_ok {
            progress.stage("rendering and writing pages", Some(site.entries.len()));
            let staging = output::Staging::begin(&options.output)?;
            let writer = incremental::Build::new(&staging, !options.full);
            let failed: std::sync::Mutex<Option<output::OutputError>> = std::sync::Mutex::new(None);
            let emit = |page: Page| {
                if let Err(e) = writer.write(&page)
                    && let Ok(mut slot) = failed.lock()
                {
                    slot.get_or_insert(e);
                }
            };
            let take = |path: &str, key: u128| writer.take(path, key);
            // Keys are worked out with `--full` too, for the next build's cache.
            let global =
                incremental::global_inputs(&project.templates_dir(), site, options.relative_urls);
            let reuse = global.map(|global| render::Reuse {
                global,
                take: &take,
            });
            let rendered = render_each(
                &project,
                site,
                options.relative_urls,
                &emit,
                progress,
                reuse.as_ref(),
            );
            match rendered {
                Ok(n) => {
                    if let Some(e) = failed.into_inner().ok().flatten() {
                        return Err(e.into());
                    }
                    let (reused, written) = writer.counts();
                    timing(
                        &format!(
                            "write: {written} files written, {reused} from the previous output"
                        ),
                        started,
                    );
                    writer.finish()?;
                    progress.stage("replacing the output", None);
                    staging.finish()?;
                    files = n;
                }
                // The staging folder goes when dropped; the output stays as it was.
                Err(d) => diagnostics.extend(d),
            }
        } else {
            // As `check` does, report template errors too.
            progress.stage("rendering pages", Some(site.entries.len()));
            if let Err(d) = render_each(
                &project,
                site,
                options.relative_urls,
                &|_| {},
                progress,
                None,
            ) {
                diagnostics.extend(d);
            }
        }
    }
    diagnostic::sort(&mut diagnostics);
    let summary = Summary::of(&diagnostics, entries);
    Ok(Outcome {
        diagnostics,
        summary,
        pages: Vec::new(),
        files,
    })
}

/// The site's entries, indexed for `search` and `match` (no build needed). Entries with errors
/// are left out; the diagnostics say which.
pub struct Searchable {
    pub index: search::Index,
    /// Absolute URL prefix (`https://example.org/errors`), for printing links.
    pub origin: String,
    pub diagnostics: Vec<Diagnostic>,
}

/// What `errdex sources` did.
pub struct SourcesOutcome {
    pub run: sources::Run,
    /// The run's problems at the places that cite each URL, then any about the site itself.
    pub diagnostics: Vec<Diagnostic>,
    /// Entries with errors were left out of the run.
    pub content_errors: usize,
    /// `sources.lock` was written (or could not be: why).
    pub lock_written: Result<bool, String>,
}

/// Verifies the site's sources (see [`sources`]) and, when `write_lock`, writes `sources.lock`.
/// `None` when site.yaml is unusable (its diagnostics are returned instead).
pub fn verify_sources(
    root: &Path,
    options: &sources::Options,
    write_lock: bool,
    progress: &Progress,
) -> Result<SourcesOutcome, Vec<Diagnostic>> {
    let project = Project::new(root);
    let load = LoadOptions {
        progress: progress.clone(),
        ..LoadOptions::default()
    };
    let (site, diagnostics) = site::load(&project, &load);
    let Some(site) = site else {
        return Err(diagnostics);
    };
    let content_errors = diagnostics
        .iter()
        .filter(|d| d.severity() == diagnostic::Severity::Error)
        .count();
    let run = sources::run(&site, &site.source_records, options, progress);
    let mut found = sources::diagnostics(&run);
    // A lock file that could not be read is the one problem of the site's own worth saying here.
    found.extend(
        diagnostics
            .into_iter()
            .filter(|d| d.path == Path::new(sources::lock::LOCK_FILE)),
    );
    let lock_written = if write_lock {
        // Records of URLs that --only left out stay as they were.
        run.lock
            .write(&project)
            .map(|()| true)
            .map_err(|e| e.to_string())
    } else {
        Ok(false)
    };
    Ok(SourcesOutcome {
        run,
        diagnostics: found,
        content_errors,
        lock_written,
    })
}

/// Loads and indexes the site's content for searching.
pub fn searchable(root: &Path, load: &LoadOptions) -> Option<Searchable> {
    let project = Project::new(root);
    let (site, diagnostics) = site::load(&project, load);
    let site = site?;
    let base_path = site.config.base_path();
    let index = search::Index::build(&site.entries, &site.tool_titles(), &base_path);
    let origin = site.config.origin_and_path();
    let origin = origin
        .strip_suffix(base_path.trim_end_matches('/'))
        .unwrap_or(&origin)
        .to_string();
    Some(Searchable {
        index,
        origin,
        diagnostics,
    })
}

/// Why `new` did not write an entry.
#[derive(Debug, thiserror::Error)]
pub enum NewError {
    #[error("`{0}` is not a `<tool>/<slug>` entry id with lowercase a-z0-9- names (try `{1}`)")]
    BadId(String, String),
    #[error(
        "this site keeps its entries in tool folders: give the id as `<tool>/{0}` (a site's entries are either all in tool folders or all directly in content/)"
    )]
    NeedsTool(String),
    #[error(
        "this site keeps its entries directly in content/: give the id as `{0}` (a site's entries are either all in tool folders or all directly in content/)"
    )]
    NoTools(String),
    #[error("`/{0}/` is the address of {1}: choose another name")]
    Reserved(String, &'static str),
    #[error("{0} already exists; errdex new never overwrites a file")]
    Exists(PathBuf),
    #[error(
        "{0} has no site.yaml: start a site there with `errdex init`, or pass --root with a site's folder"
    )]
    NoSite(PathBuf),
    #[error("cannot write {0}: {1}")]
    Io(PathBuf, std::io::Error),
}

/// What `new` wrote.
#[derive(Debug)]
pub struct NewEntry {
    pub path: PathBuf,
    /// The tool folder's `_section.yaml`, when it had to be created.
    pub section: Option<PathBuf>,
}

/// Writes a new entry skeleton at `content/<tool>/<slug>.md`, creating the tool folder and its
/// `_section.yaml` when missing, or at `content/<slug>.md` for an id without a tool, on a site
/// without tool folders. Never overwrites.
pub fn new_entry(root: &Path, id: &str, title: Option<&str>) -> Result<NewEntry, NewError> {
    let id = id.trim_end_matches(".md");
    let parts: Vec<&str> = id.split('/').collect();
    if !(1..=2).contains(&parts.len()) || !parts.iter().all(|p| urls::is_valid_name(p)) {
        let fixed: Vec<String> = id.split('/').map(markdown::slugify).collect();
        return Err(NewError::BadId(id.to_string(), fixed.join("/")));
    }
    if !root.join("site.yaml").is_file() {
        return Err(NewError::NoSite(root.to_path_buf()));
    }
    let project = Project::new(root);
    let has_tools = has_entries_at(&project.content_dir(), 2);
    let (folder, slug) = match parts[..] {
        [slug] if has_tools => return Err(NewError::NeedsTool(slug.into())),
        [slug] => (project.content_dir(), slug),
        [_, slug] if has_entries_at(&project.content_dir(), 1) => {
            return Err(NewError::NoTools(slug.into()));
        }
        [tool, slug] => (project.content_dir().join(tool), slug),
        _ => return Err(NewError::BadId(id.to_string(), id.to_string())),
    };
    if let Some(what) = urls::reserved_segment(parts[0]) {
        return Err(NewError::Reserved(parts[0].into(), what));
    }
    let path = folder.join(format!("{slug}.md"));
    if path.exists() {
        return Err(NewError::Exists(path));
    }
    std::fs::create_dir_all(&folder).map_err(|e| NewError::Io(folder.clone(), e))?;
    let section_path = folder.join("_section.yaml");
    let section = if parts.len() == 1 || section_path.exists() {
        None
    } else {
        let text = entry::skeleton::section_text(parts[0]);
        std::fs::write(&section_path, text).map_err(|e| NewError::Io(section_path.clone(), e))?;
        Some(section_path)
    };
    let text = entry::skeleton::skeleton(title, entry::today());
    // create_new: a file that appeared since the check above is still not overwritten.
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()))
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => NewError::Exists(path.clone()),
            _ => NewError::Io(path.clone(), e),
        })?;
    Ok(NewEntry { path, section })
}

/// True when `content/` has an entry file `depth` levels down: 1 directly in it, 2 in a tool
/// folder.
fn has_entries_at(content: &Path, depth: usize) -> bool {
    walkdir::WalkDir::new(content)
        .min_depth(depth)
        .max_depth(depth)
        .into_iter()
        .filter_map(Result::ok)
        .any(|e| is_entry_file(&e))
}

fn is_entry_file(e: &walkdir::DirEntry) -> bool {
    let name = e.file_name().to_string_lossy();
    e.file_type().is_file() && name.ends_with(".md") && !site::is_hidden(&name)
}

/// True when any diagnostic is an error, or any at all when `strict`.
pub fn fails(diagnostics: &[Diagnostic], strict: bool) -> bool {
    if strict {
        !diagnostics.is_empty()
    } else {
        has_errors(diagnostics)
    }
}
