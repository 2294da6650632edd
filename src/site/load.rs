//! Reading the files [`discover`](super::discover) found: tool folders' `_section.yaml`, then
//! every entry in parallel, reusing a [`ParseCache`] for files that did not change (`serve`).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use rayon::prelude::*;

use super::Tool;
use super::discover::{EntryFile, SectionFile};
use crate::config::{Config, Project};
use crate::diagnostic::{Diagnostic, Location, Problem};
use crate::entry::{self, Defaults, ParseContext, Parsed};
use crate::progress::Progress;

/// A file's modification time and size: when both are unchanged, so is the file (as far as a
/// rebuild needs to know).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    modified: Option<std::time::SystemTime>,
    len: u64,
}

impl Stamp {
    /// The stamp of the file at `path`, `None` when it cannot be read.
    pub fn of(path: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        Some(Stamp {
            modified: meta.modified().ok(),
            len: meta.len(),
        })
    }
}

/// Parsed entry files kept between builds (for `serve`): a file whose modification time and
/// size are unchanged is not read or parsed again. Clear it when anything an entry's parse
/// depends on changes (site.yaml, a `_section.yaml`).
#[derive(Debug)]
pub struct ParseCache {
    files: HashMap<PathBuf, (Stamp, Parsed)>,
    /// False for a one-off load (`check`, `build`): nothing is kept.
    keep: bool,
}

impl Default for ParseCache {
    fn default() -> Self {
        ParseCache {
            files: HashMap::new(),
            keep: true,
        }
    }
}

impl ParseCache {
    /// A cache that keeps nothing, for a load that happens once.
    pub fn none() -> Self {
        ParseCache {
            files: HashMap::new(),
            keep: false,
        }
    }

    pub fn clear(&mut self) {
        self.files.clear();
    }

    /// Records a file parsed elsewhere (`serve`'s quick path).
    pub(crate) fn put(&mut self, path: PathBuf, stamp: Stamp, parsed: Parsed) {
        self.files.insert(path, (stamp, parsed));
    }
}

/// Parses entry files with what their validation needs besides the file: the tool folders'
/// defaults, "today", the stale limit and the base path. The one place a [`ParseContext`] is
/// made, for a full load and for `serve`'s quick path alike.
pub struct Parser<'a> {
    project: &'a Project,
    /// The ids of the site's kinds.
    kinds: Vec<String>,
    defaults: &'a HashMap<String, Defaults>,
    today: Date,
    stale_after_days: i64,
    base_path: String,
}

impl<'a> Parser<'a> {
    pub fn new(
        project: &'a Project,
        config: &Config,
        defaults: &'a HashMap<String, Defaults>,
        today: Date,
    ) -> Self {
        Parser {
            project,
            kinds: config.kinds.iter().map(|k| k.id.clone()).collect(),
            defaults,
            today,
            stale_after_days: config.stale_after_days,
            base_path: config.base_path(),
        }
    }

    /// Reads and parses one entry file of the tool folder `tool`, `slug` giving its id.
    pub fn parse(&self, path: &Path, tool: &str, slug: &str) -> Parsed {
        let text = match read_text(self.project, path) {
            Ok(t) => t,
            Err(d) => {
                return Parsed {
                    entry: None,
                    refs: None,
                    diagnostics: d,
                    sentences: Vec::new(),
                };
            }
        };
        let no_defaults = Defaults::default();
        let cx = ParseContext {
            defaults: self.defaults.get(tool).unwrap_or(&no_defaults),
            kinds: &self.kinds,
            today: self.today,
            stale_after_days: self.stale_after_days,
            base_path: &self.base_path,
        };
        entry::parse(
            &self.project.relative(path),
            &crate::urls::entry_id(tool, slug),
            &text,
            &cx,
        )
    }
}

/// The tool folders whose `_section.yaml` parsed, sorted by slug, and every folder's defaults
/// (a folder whose file failed gets [`Defaults::unusable`], so that its entries do not each
/// repeat its problems as missing fields).
pub(super) fn sections(
    project: &Project,
    files: &[SectionFile],
    today: Date,
    kinds: &[String],
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<Tool>, HashMap<String, Defaults>) {
    let mut tools = Vec::new();
    let mut defaults = HashMap::new();
    for SectionFile { tool, path } in files {
        match read_text(project, path)
            .and_then(|text| entry::parse_defaults(&project.relative(path), &text, today, kinds))
        {
            Ok((meta, d)) => {
                tools.push(Tool {
                    slug: tool.clone(),
                    meta,
                });
                defaults.insert(tool.clone(), d);
            }
            Err(d) => {
                diagnostics.extend(d);
                defaults.insert(tool.clone(), Defaults::unusable());
            }
        }
    }
    tools.sort_by(|a, b| a.slug.cmp(&b.slug));
    (tools, defaults)
}

/// Parses every entry file in parallel, in the order of `files`, reusing and refreshing
/// `cache`.
pub(super) fn entries(
    parser: &Parser,
    files: &[EntryFile],
    cache: &mut ParseCache,
    progress: &Progress,
) -> Vec<Parsed> {
    let known = &cache.files;
    // (stamp, result, freshly parsed)
    let parsed: Vec<(Option<Stamp>, Parsed, bool)> = files
        .par_iter()
        .map(|file| {
            let now = Stamp::of(&file.path);
            if let (Some(now), Some((then, result))) = (now, known.get(&file.path))
                && now == *then
            {
                return (Some(now), result.clone(), false);
            }
            (now, parser.parse(&file.path, &file.tool, &file.slug), true)
        })
        .inspect(|_| progress.inc(1))
        .collect();
    let present: HashSet<&PathBuf> = files.iter().map(|f| &f.path).collect();
    cache.files.retain(|p, _| present.contains(p));
    for (file, (now, result, fresh)) in files.iter().zip(&parsed) {
        if let (Some(now), true, true) = (now, fresh, cache.keep) {
            cache
                .files
                .insert(file.path.clone(), (*now, result.clone()));
        }
    }
    parsed.into_iter().map(|(_, r, _)| r).collect()
}

/// Reads a file as UTF-8, naming the first bad byte when it is not.
pub(super) fn read_text(project: &Project, path: &Path) -> Result<String, Vec<Diagnostic>> {
    let shown = project.relative(path);
    let bytes = project.read(path).map_err(|d| vec![d])?;
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let byte = bytes.get(offset).copied().unwrap_or_default();
        let valid = String::from_utf8_lossy(&bytes[..offset]).into_owned();
        let line_end = bytes[offset..]
            .iter()
            .position(|b| *b == b'\n')
            .map_or(bytes.len(), |p| offset + p);
        let mut shown_text = valid.clone();
        shown_text.push_str(&String::from_utf8_lossy(&bytes[offset..line_end]));
        let location = Location::from_bytes(&shown_text, offset..offset + 1);
        vec![Diagnostic::new(
            Problem::NotUtf8 { byte, offset },
            shown.clone(),
            Some(location),
        )]
    })
}
