//! The templates: the defaults compiled in, a site's own `templates/` over them file by file,
//! and every Tera error turned into a diagnostic at the template's line and column.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use tera::{Context, Tera};

use crate::diagnostic::{Diagnostic, Location, Problem};

/// The default templates, compiled in. A site's `templates/<name>` replaces the one named alike.
pub const DEFAULT_TEMPLATES: [(&str, &str); 10] = [
    ("atom.xml", include_str!("../../templates/atom.xml")),
    ("search.html", include_str!("../../templates/search.html")),
    ("base.html", include_str!("../../templates/base.html")),
    ("entry.html", include_str!("../../templates/entry.html")),
    ("home.html", include_str!("../../templates/home.html")),
    ("list.html", include_str!("../../templates/list.html")),
    ("404.html", include_str!("../../templates/404.html")),
    (
        "redirect.html",
        include_str!("../../templates/redirect.html"),
    ),
    ("sitemap.xml", include_str!("../../templates/sitemap.xml")),
    ("robots.txt", include_str!("../../templates/robots.txt")),
];

/// Where each template came from, to point template errors at the right file.
pub(super) struct TemplateSet {
    tera: Tera,
    /// name → (shown path, source)
    sources: BTreeMap<String, (PathBuf, String)>,
}

/// Loads the defaults, then the site's own templates over them.
pub(super) fn load_templates(templates_dir: &Path) -> Result<TemplateSet, Vec<Diagnostic>> {
    let mut sources: BTreeMap<String, (PathBuf, String)> = DEFAULT_TEMPLATES
        .iter()
        .map(|(name, src)| {
            (
                name.to_string(),
                (
                    PathBuf::from(format!("<built-in>/templates/{name}")),
                    src.to_string(),
                ),
            )
        })
        .collect();
    let mut problems = Vec::new();
    if templates_dir.is_dir() {
        for item in walkdir::WalkDir::new(templates_dir).sort_by_file_name() {
            let item = match item {
                Ok(i) if i.file_type().is_file() => i,
                Ok(_) => continue,
                Err(e) => {
                    problems.push(Diagnostic::new(
                        Problem::Io {
                            detail: e.to_string(),
                        },
                        "templates",
                        None,
                    ));
                    continue;
                }
            };
            let rel = item
                .path()
                .strip_prefix(templates_dir)
                .unwrap_or(item.path());
            let name = rel.to_string_lossy().replace('\\', "/");
            let shown = Path::new("templates").join(rel);
            match std::fs::read_to_string(item.path()) {
                Ok(src) => {
                    sources.insert(name, (shown, src));
                }
                Err(e) => problems.push(Diagnostic::new(
                    Problem::Io {
                        detail: e.to_string(),
                    },
                    shown,
                    None,
                )),
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut tera = Tera::new();
    tera.autoescape_on([".html", ".xml"]);
    let all = sources
        .iter()
        .map(|(name, (_, src))| (name.as_str(), src.as_str()));
    let set = TemplateSet {
        tera: Tera::new(),
        sources: sources.clone(),
    };
    match tera.add_raw_templates(all) {
        Ok(()) => Ok(TemplateSet { tera, sources }),
        Err(e) => Err(set.validation_errors(&e)),
    }
}

/// A Tera error as a diagnostic at the template's file:line:col.
fn template_error(error: &tera::Error, shown: &Path, src: &str) -> Diagnostic {
    match error.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            let range = report.span().range.clone();
            let location = if range.end > 0 || !src.is_empty() {
                Some(Location::from_bytes(src, range))
            } else {
                None
            };
            Diagnostic::new(
                Problem::Template {
                    detail: report.message().to_string(),
                },
                shown,
                location,
            )
        }
        other => Diagnostic::new(
            Problem::Template {
                detail: other.to_string(),
            },
            shown,
            None,
        ),
    }
}

impl TemplateSet {
    /// Renders `name` with the fields of `view` and `site`, the site's own variables (made a
    /// template value once per build and shared: Tera's maps are reference-counted).
    pub(super) fn render<T: Serialize>(
        &self,
        name: &str,
        site: &tera::Value,
        view: &T,
    ) -> Result<String, Diagnostic> {
        let mut context = Context::from_serialize(view).map_err(|e| self.error(name, &e))?;
        context.insert_value("site", site.clone());
        self.tera
            .render(name, &context)
            .map_err(|e| self.error(name, &e))
    }

    /// Tera reports every unknown filter, test or function at once, as one message of
    /// `error: ...` / ` --> name:line:col` blocks; each becomes its own diagnostic.
    fn validation_errors(&self, e: &tera::Error) -> Vec<Diagnostic> {
        let tera::ErrorKind::Msg(message) = e.kind() else {
            return vec![self.error("", e)];
        };
        let mut out = Vec::new();
        let mut current = None;
        for line in message.lines() {
            if let Some(m) = line.strip_prefix("error: ") {
                current = Some(m.to_string());
            } else if let Some(place) = line.trim_start().strip_prefix("--> ") {
                let mut parts = place.rsplitn(3, ':');
                let (col, line_no, name) = (parts.next(), parts.next(), parts.next());
                let (Some(col), Some(line_no), Some(name)) = (col, line_no, name) else {
                    continue;
                };
                let (Ok(line_no), Ok(col)) = (line_no.parse::<usize>(), col.parse::<usize>())
                else {
                    continue;
                };
                let Some((shown, src)) = self.sources.get(name) else {
                    continue;
                };
                let at = crate::diagnostic::byte_at(src, line_no, col);
                let word = src[at..]
                    .find(|c: char| c.is_whitespace() || c == '}' || c == '(')
                    .unwrap_or(0);
                out.push(Diagnostic::new(
                    Problem::Template {
                        detail: current.take().unwrap_or_else(|| "invalid template".into()),
                    },
                    shown,
                    Some(Location::from_bytes(src, at..at + word)),
                ));
            }
        }
        if out.is_empty() {
            out.push(self.error("", e));
        }
        out
    }

    fn error(&self, name: &str, e: &tera::Error) -> Diagnostic {
        // A rendering error names the template it happened in, which may be a parent.
        let file = match e.kind() {
            tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => r.filename(),
            tera::ErrorKind::MissingParent { current, .. } => current.as_str(),
            tera::ErrorKind::CircularExtend { tpl, .. }
            | tera::ErrorKind::CircularInclude { tpl, .. } => tpl.as_str(),
            _ => name,
        };
        match self.sources.get(file).or_else(|| self.sources.get(name)) {
            Some((shown, src)) => template_error(e, shown, src),
            None => template_error(
                e,
                Path::new(if name.is_empty() { "templates" } else { name }),
                "",
            ),
        }
    }
}
