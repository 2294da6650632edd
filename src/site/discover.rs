//! `content/` → the files a site is made of: each tool folder's `_section.yaml` and its entry
//! files, sorted by name, with the problems of names and places (a bad file name, an entry
//! outside a tool folder, a tool folder without `_section.yaml`).
//!
//! A site has one of two layouts. Entries in tool folders (`content/<tool>/<slug>.md`), or, for
//! a site about one product, entries directly in `content/` (`content/<slug>.md`, with an
//! optional `content/_section.yaml` for their defaults): their tool is the empty name, their id
//! and URL are the slug alone, and the pages show no tool layer. Both at once is refused.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::Project;
use crate::diagnostic::{Diagnostic, Problem};
use crate::markdown;
use crate::urls::is_valid_name;

/// A tool folder's `_section.yaml`.
pub struct SectionFile {
    pub tool: String,
    pub path: PathBuf,
}

/// An entry file: `content/<tool>/<slug>.md`, or `content/<slug>.md` (tool `""`).
pub struct EntryFile {
    pub tool: String,
    pub slug: String,
    pub path: PathBuf,
}

impl EntryFile {
    /// The entry's id, `<tool>/<slug>`, or `<slug>` directly in `content/`.
    pub fn id(&self) -> String {
        crate::urls::entry_id(&self.tool, &self.slug)
    }
}

/// The files under content/, sorted, and the problems with their names and places.
pub struct Files {
    pub sections: Vec<SectionFile>,
    pub entries: Vec<EntryFile>,
    pub problems: Vec<Diagnostic>,
}

/// Walks `content/`, skipping hidden files and editors' backups.
pub fn discover(project: &Project) -> Files {
    let content = project.content_dir();
    let mut files = Files {
        sections: Vec::new(),
        entries: Vec::new(),
        problems: Vec::new(),
    };
    // Tool folder → whether it has a `_section.yaml`.
    let mut tool_dirs: BTreeMap<String, bool> = BTreeMap::new();
    // Links are followed only while they stay inside the site: one that leads out is reported
    // at its own path and neither read nor walked into.
    let mut outside: Vec<PathBuf> = Vec::new();
    let walker = walkdir::WalkDir::new(&content)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if is_hidden(e.file_name().to_string_lossy().as_ref()) && e.depth() > 0 {
                return false;
            }
            if e.path_is_symlink() && !project.contains(e.path()) {
                outside.push(e.path().to_path_buf());
                return false;
            }
            true
        });
    for item in walker {
        match item {
            Ok(item) => files.add(project, &item, &mut tool_dirs),
            Err(e) => {
                let path = e.path().map_or_else(|| content.clone(), Path::to_path_buf);
                let detail = if e.loop_ancestor().is_some() {
                    "symbolic link loop".to_string()
                } else {
                    e.to_string()
                };
                files.problems.push(Diagnostic::new(
                    Problem::Io { detail },
                    project.relative(&path),
                    None,
                ));
            }
        }
    }
    for path in outside {
        let target = std::fs::read_link(&path)
            .map(|t| t.display().to_string())
            .unwrap_or_else(|_| "?".into());
        files.problems.push(Diagnostic::new(
            Problem::OutsideSite { target },
            project.relative(&path),
            None,
        ));
    }
    // Entries directly in content/ are the site's entries only when no tool folder has any.
    let (top, in_folders): (Vec<EntryFile>, Vec<EntryFile>) =
        files.entries.drain(..).partition(|f| f.tool.is_empty());
    if in_folders.is_empty() {
        files.entries = top;
    } else {
        files.entries = in_folders;
        for f in top {
            files.problems.push(Diagnostic::new(
                Problem::OutsideToolFolder,
                project.relative(&f.path),
                None,
            ));
        }
        files.sections.retain(|s| !s.tool.is_empty());
    }
    for (tool, has_section) in tool_dirs {
        let has_entries = files.entries.iter().any(|f| f.tool == tool);
        if !has_section && has_entries {
            files.problems.push(Diagnostic::new(
                Problem::MissingSectionFile { tool: tool.clone() },
                project.relative(&content.join(&tool)),
                None,
            ));
        }
    }
    files
}

impl Files {
    /// Files one item of the walk: a tool folder, a section file, an entry, or nothing.
    fn add(
        &mut self,
        project: &Project,
        item: &walkdir::DirEntry,
        tool_dirs: &mut BTreeMap<String, bool>,
    ) {
        let rel = item
            .path()
            .strip_prefix(project.content_dir())
            .unwrap_or(item.path())
            .to_path_buf();
        let parts: Vec<String> = rel
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        let name = item.file_name().to_string_lossy().into_owned();
        if item.file_type().is_dir() {
            if item.depth() == 1 {
                if check_name(project, item.path(), &name, &mut self.problems) {
                    not_reserved(project, item.path(), &name, &mut self.problems);
                }
                tool_dirs.entry(name).or_insert(false);
            }
            return;
        }
        let is_content = name.ends_with(".md") || name == "_section.yaml";
        if !item.file_type().is_file() {
            // A FIFO, socket or device: reading it would block or never end.
            if is_content {
                self.problems.push(Diagnostic::new(
                    Problem::NotAFile,
                    project.relative(item.path()),
                    None,
                ));
            }
            return;
        }
        if parts.len() == 2 && name == "_section.yaml" {
            tool_dirs.insert(parts[0].clone(), true);
            self.sections.push(SectionFile {
                tool: parts[0].clone(),
                path: item.path().to_path_buf(),
            });
            return;
        }
        if parts.len() == 1 && name == "_section.yaml" {
            self.sections.push(SectionFile {
                tool: String::new(),
                path: item.path().to_path_buf(),
            });
            return;
        }
        let Some(stem) = name.strip_suffix(".md") else {
            return;
        };
        if parts.len() > 2 {
            self.problems.push(Diagnostic::new(
                Problem::OutsideToolFolder,
                project.relative(item.path()),
                None,
            ));
            return;
        }
        let tool = if parts.len() == 2 { &parts[0] } else { "" };
        if check_name(project, item.path(), stem, &mut self.problems)
            && (tool.is_empty() || is_valid_name(tool))
            && (!tool.is_empty() || not_reserved(project, item.path(), stem, &mut self.problems))
        {
            self.entries.push(EntryFile {
                tool: tool.to_string(),
                slug: stem.to_string(),
                path: item.path().to_path_buf(),
            });
        }
    }
}

/// True unless `name`, the first segment of pages' URLs (a tool folder, or an entry directly in
/// `content/`), is one errdex's own pages use (`search`, `category`, ...); reports it if so.
fn not_reserved(
    project: &Project,
    path: &Path,
    name: &str,
    problems: &mut Vec<Diagnostic>,
) -> bool {
    let Some(what) = crate::urls::reserved_segment(name) else {
        return true;
    };
    problems.push(Diagnostic::new(
        Problem::UrlCollision {
            url: format!("/{name}/"),
            other: what.into(),
        },
        project.relative(path),
        None,
    ));
    false
}

/// Editor backups and hidden files are not content.
pub fn is_hidden(name: &str) -> bool {
    name.starts_with('.') || name.ends_with('~') || name.starts_with('#')
}

/// True when the name is lowercase `a-z0-9-`; otherwise reports it with a fixed name.
fn check_name(project: &Project, path: &Path, name: &str, problems: &mut Vec<Diagnostic>) -> bool {
    let ok = is_valid_name(name);
    if !ok {
        let ext = if path.extension().is_some_and(|e| e == "md") {
            ".md"
        } else {
            ""
        };
        problems.push(Diagnostic::new(
            Problem::BadFileName {
                name: format!("{name}{ext}"),
                suggestion: format!("{}{ext}", markdown::slugify(name)),
            },
            project.relative(path),
            None,
        ));
    }
    ok
}
