//! `content/` → [`Site`]: walk the folder, read tool folders and their defaults, parse every entry
//! in parallel, then run the checks that need the whole site (URL collisions, `related` ids,
//! internal links and their `#anchors`, duplicate signatures). Returns the site and every
//! diagnostic found; ordering is by id, so the result never depends on the file system's order or
//! on how rayon split the work.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::civil::Date;
use rayon::prelude::*;

use crate::config::{Config, Project};
use crate::diagnostic::{Diagnostic, Location, Problem, did_you_mean};
use crate::entry::{self, Defaults, Entry, ParseContext, SectionMeta};
use crate::markdown;

/// A tool folder: `content/<slug>/` with its `_section.yaml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tool {
    pub slug: String,
    pub meta: SectionMeta,
}

/// Everything a build renders: the settings, the tools and the entries, sorted.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: Config,
    /// Sorted by slug.
    pub tools: Vec<Tool>,
    /// Sorted by id. Shared, so that `serve` reuses unchanged entries without copying them.
    pub entries: Vec<Arc<Entry>>,
    /// How many entry files were read, including those that failed or are drafts left out.
    pub files_read: usize,
    /// Ids of entry files that failed to parse: links to them are not reported as broken
    /// (the file's own diagnostics already say what is wrong).
    pub failed_ids: Vec<String>,
    /// What the files with errors link to (id, file, links), checked like the rest.
    pub failed_refs: Vec<(String, PathBuf, entry::Refs)>,
    /// For each entry (same order), its related errors as positions in `entries`: its own
    /// `related` list first, then neighbours with the same code, then the same kind in the same
    /// tool; never itself; at most six unless it lists more.
    pub related: Arc<Vec<Vec<usize>>>,
    /// Each tool folder's defaults, for parsing one entry again (`serve`).
    pub defaults: HashMap<String, Defaults>,
    /// Every page's URL (home, search, tools, entries, taxonomies) and what it is.
    pub page_urls: Arc<HashMap<String, String>>,
}

/// The URLs of the pages a site has, and what each is (aliases not included).
fn page_urls(tools: &[Tool], entries: &[Arc<Entry>]) -> HashMap<String, String> {
    let mut urls: HashMap<String, String> = HashMap::new();
    urls.insert("/".into(), "the home page".into());
    urls.insert("/search/".into(), "the search page".into());
    for t in tools {
        urls.insert(format!("/{}/", t.slug), "a tool page".into());
    }
    for e in entries {
        urls.insert(format!("/{}/", e.id), e.id.clone());
        let category = format!("/category/{}/", markdown::slugify(&e.category));
        urls.entry(category)
            .or_insert_with(|| "a category page".into());
        if let Some(code) = &e.code {
            let url = format!("/code/{}/", markdown::slugify(code));
            urls.entry(url).or_insert_with(|| "a code page".into());
        }
        if let Some(kind) = e.kind {
            let url = format!("/kind/{}/", kind.as_str());
            urls.entry(url).or_insert_with(|| "a kind page".into());
        }
        for tag in &e.tags {
            let url = format!("/tag/{}/", markdown::slugify(tag));
            urls.entry(url).or_insert_with(|| "a tag page".into());
        }
    }
    urls
}

/// How many related errors a page shows at most, unless its own list is longer.
const MAX_RELATED: usize = 6;

/// Computes every entry's related errors at once, with indexes by code and by (kind, tool).
fn related_errors(entries: &[Arc<Entry>]) -> Vec<Vec<usize>> {
    let position: HashMap<&str, usize> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), i))
        .collect();
    let mut by_code: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut by_kind_tool: HashMap<(crate::entry::Kind, &str), Vec<usize>> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        if let Some(code) = &e.code {
            by_code.entry(code).or_default().push(i);
        }
        if let Some(kind) = e.kind {
            by_kind_tool.entry((kind, &e.tool)).or_default().push(i);
        }
    }
    let none = Vec::new();
    entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let mut picked: Vec<usize> = e
                .related
                .iter()
                .filter_map(|r| position.get(r.value.as_str()).copied())
                .filter(|&j| j != i)
                .collect();
            let cap = MAX_RELATED.max(picked.len());
            let same_code = e
                .code
                .as_deref()
                .and_then(|c| by_code.get(c))
                .unwrap_or(&none);
            let same_kind_tool = e
                .kind
                .and_then(|k| by_kind_tool.get(&(k, e.tool.as_str())))
                .unwrap_or(&none);
            for &j in same_code.iter().chain(same_kind_tool) {
                if picked.len() >= cap {
                    break;
                }
                if j != i && !picked.contains(&j) {
                    picked.push(j);
                }
            }
            picked
        })
        .collect()
}

impl Site {
    /// Tool slug → its display name.
    pub fn tool_titles(&self) -> BTreeMap<String, String> {
        self.tools
            .iter()
            .map(|t| (t.slug.clone(), t.meta.title.clone()))
            .collect()
    }
}

/// The fixed sections of an entry page after the body, in the reference page's order, with their
/// anchor ids. A section with nothing in it is left out of the page.
pub const SECTIONS: [(&str, &str); 8] = [
    ("causes", "Common causes"),
    ("quick-fixes", "Quick fixes"),
    ("checks", "Platform/tool-specific checks"),
    ("steps", "Step-by-step troubleshooting"),
    ("prevention", "How to prevent it"),
    ("sources", "Sources checked"),
    ("related", "Related errors"),
    ("faq", "FAQ"),
];

/// The ids of the fixed sections an entry's page shows; `has_related` from [`Site::related`].
pub fn present_sections(entry: &Entry, has_related: bool) -> Vec<&'static str> {
    let present = [
        !entry.causes.is_empty(),
        !entry.quick_fixes.is_empty(),
        !entry.checks.is_empty(),
        !entry.steps.is_empty(),
        !entry.prevention.is_empty(),
        !entry.sources.is_empty(),
        has_related,
        !entry.faq.is_empty(),
    ];
    SECTIONS
        .iter()
        .zip(present)
        .filter(|(_, p)| *p)
        .map(|((id, _), _)| *id)
        .collect()
}

/// Ids reserved on every entry page (the facts box and the fixed sections).
pub fn reserved_ids() -> Vec<String> {
    let mut ids: Vec<String> = SECTIONS.iter().map(|(id, _)| id.to_string()).collect();
    ids.extend(["facts", "main", "toc"].map(String::from));
    ids
}

/// How to load: the root and whether drafts are included.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub drafts: bool,
    /// Replaces `base_url` from site.yaml (for previews).
    pub base_url: Option<String>,
    /// "Today" for date checks.
    pub today: Option<Date>,
}

/// Loads and checks the whole site. The site is `None` only when site.yaml itself is unusable.
pub fn load(project: &Project, options: &LoadOptions) -> (Option<Site>, Vec<Diagnostic>) {
    load_cached(project, options, &mut ParseCache::default())
}

/// Parsed entry files kept between builds (for `serve`): a file whose modification time and
/// size are unchanged is not read or parsed again. Clear it when anything an entry's parse
/// depends on changes (site.yaml, a `_section.yaml`).
#[derive(Debug, Default)]
pub struct ParseCache {
    files: HashMap<PathBuf, (FileStamp, ParsedFile)>,
}

pub(crate) type FileStamp = (Option<std::time::SystemTime>, u64);
pub(crate) type ParsedFile = (Option<Arc<Entry>>, Option<entry::Refs>, Vec<Diagnostic>);

impl ParseCache {
    pub fn clear(&mut self) {
        self.files.clear();
    }

    /// Records a file parsed elsewhere (`serve`'s quick path).
    pub(crate) fn put(&mut self, path: PathBuf, stamp: FileStamp, parsed: ParsedFile) {
        self.files.insert(path, (stamp, parsed));
    }
}

pub(crate) fn stamp(path: &Path) -> Option<FileStamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok(), meta.len()))
}

/// Reads and parses one entry file, `(tool, slug)` giving its id.
pub(crate) fn parse_file(
    project: &Project,
    path: &Path,
    (tool, slug): (&str, &str),
    cx: &ParseContext,
) -> ParsedFile {
    let text = match read_text(project, path) {
        Ok(t) => t,
        Err(d) => return (None, None, d),
    };
    let parsed = entry::parse(
        &project.relative(path),
        &format!("{tool}/{slug}"),
        &text,
        cx,
    );
    (parsed.entry.map(Arc::new), parsed.refs, parsed.diagnostics)
}

/// Loads and checks the whole site, reusing unchanged entries from `cache`.
pub fn load_cached(
    project: &Project,
    options: &LoadOptions,
    cache: &mut ParseCache,
) -> (Option<Site>, Vec<Diagnostic>) {
    let mut config = match project.load_config() {
        Ok(c) => c,
        Err(d) => return (None, d),
    };
    if let Some(url) = &options.base_url {
        config.base_url = url.clone();
    }
    let today = options.today.unwrap_or_else(entry::today);
    let started = std::time::Instant::now();
    let files = discover(project);
    crate::timing("discover", started);
    let files_entries = files.entries;
    let mut diagnostics = files.problems;

    let mut tools = Vec::new();
    let mut defaults: HashMap<String, Defaults> = HashMap::new();
    for (slug, path) in &files.sections {
        match read_text(project, path)
            .and_then(|text| entry::parse_defaults(&project.relative(path), &text, today))
        {
            Ok((meta, d)) => {
                tools.push(Tool {
                    slug: slug.clone(),
                    meta,
                });
                defaults.insert(slug.clone(), d);
            }
            Err(d) => {
                diagnostics.extend(d);
                defaults.insert(slug.clone(), Defaults::unusable());
            }
        }
    }
    tools.sort_by(|a, b| a.slug.cmp(&b.slug));

    let no_defaults = Defaults::default();
    let stale_after_days = config.stale_after_days;
    let base_path = config.base_path();
    let started = std::time::Instant::now();
    let known = &cache.files;
    // (stamp, result, freshly parsed)
    let parsed: Vec<(Option<FileStamp>, ParsedFile, bool)> = files_entries
        .par_iter()
        .map(|(tool, slug, path)| {
            let now = stamp(path);
            if let (Some(now), Some((then, result))) = (now, known.get(path))
                && now == *then
            {
                return (Some(now), result.clone(), false);
            }
            let cx = ParseContext {
                defaults: defaults.get(tool).unwrap_or(&no_defaults),
                today,
                stale_after_days,
                base_path: &base_path,
            };
            (now, parse_file(project, path, (tool, slug), &cx), true)
        })
        .collect();
    let present: std::collections::HashSet<&PathBuf> =
        files_entries.iter().map(|(_, _, p)| p).collect();
    cache.files.retain(|p, _| present.contains(p));
    for ((_, _, path), (now, result, fresh)) in files_entries.iter().zip(&parsed) {
        if let (Some(now), true) = (now, fresh) {
            cache.files.insert(path.clone(), (*now, result.clone()));
        }
    }
    let parsed: Vec<ParsedFile> = parsed.into_iter().map(|(_, r, _)| r).collect();
    crate::timing("parse (or reuse) entries", started);
    let mut entries = Vec::with_capacity(parsed.len());
    let mut failed_ids = Vec::new();
    let mut failed_refs = Vec::new();
    for ((tool, slug, path), (entry, refs, found)) in files_entries.iter().zip(parsed) {
        if entry.is_none() {
            failed_ids.push(format!("{tool}/{slug}"));
        }
        if let Some(refs) = refs {
            failed_refs.push((format!("{tool}/{slug}"), project.relative(path), refs));
        }
        let is_draft = entry.as_ref().is_some_and(|e| e.draft);
        if !is_draft || options.drafts {
            diagnostics.extend(found);
        }
        match entry {
            Some(e) if e.draft && !options.drafts => {}
            Some(e) => entries.push(e),
            None => {}
        }
    }
    entries.sort_by(|a, b| a.id.cmp(&b.id));
    // Tools whose section file failed to parse still group their entries.
    for e in &entries {
        if !tools.iter().any(|t| t.slug == e.tool) {
            tools.push(Tool {
                slug: e.tool.clone(),
                meta: SectionMeta {
                    title: e.tool.clone(),
                    description: String::new(),
                    homepage: None,
                },
            });
        }
    }
    tools.sort_by(|a, b| a.slug.cmp(&b.slug));
    let site = Site {
        config,
        tools,
        entries,
        files_read: files_entries.len(),
        failed_ids,
        failed_refs,
        related: Arc::new(Vec::new()),
        defaults,
        page_urls: Arc::new(HashMap::new()),
    };
    let started = std::time::Instant::now();
    let site = Site {
        related: Arc::new(related_errors(&site.entries)),
        page_urls: Arc::new(page_urls(&site.tools, &site.entries)),
        ..site
    };
    crate::timing("related errors", started);
    let started = std::time::Instant::now();
    diagnostics.extend(cross_checks(&site));
    crate::timing("cross-entry checks", started);
    crate::diagnostic::sort(&mut diagnostics);
    (Some(site), diagnostics)
}

/// The files under content/, sorted, and the problems with their names and places.
struct Files {
    /// (tool slug, path of `_section.yaml`)
    sections: Vec<(String, PathBuf)>,
    /// (tool slug, entry slug, path)
    entries: Vec<(String, String, PathBuf)>,
    problems: Vec<Diagnostic>,
}

fn discover(project: &Project) -> Files {
    let content = project.content_dir();
    let mut files = Files {
        sections: Vec::new(),
        entries: Vec::new(),
        problems: Vec::new(),
    };
    let mut tool_dirs: BTreeMap<String, bool> = BTreeMap::new();
    let walker = walkdir::WalkDir::new(&content)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !is_hidden(e.file_name().to_string_lossy().as_ref()) || e.depth() == 0);
    for item in walker {
        let item = match item {
            Ok(i) => i,
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
                continue;
            }
        };
        let rel = item
            .path()
            .strip_prefix(&content)
            .unwrap_or(item.path())
            .to_path_buf();
        let parts: Vec<String> = rel
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        let name = item.file_name().to_string_lossy().into_owned();
        if item.file_type().is_dir() {
            if item.depth() == 1 {
                check_name(project, item.path(), &name, &mut files.problems);
                tool_dirs.entry(name).or_insert(false);
            }
            continue;
        }
        if parts.len() == 2 && name == "_section.yaml" {
            tool_dirs.insert(parts[0].clone(), true);
            files
                .sections
                .push((parts[0].clone(), item.path().to_path_buf()));
            continue;
        }
        let Some(stem) = name.strip_suffix(".md") else {
            continue;
        };
        if parts.len() != 2 {
            files.problems.push(Diagnostic::new(
                Problem::OutsideToolFolder,
                project.relative(item.path()),
                None,
            ));
            continue;
        }
        let tool_ok = parts[0]
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if check_name(project, item.path(), stem, &mut files.problems) && tool_ok {
            files.entries.push((
                parts[0].clone(),
                stem.to_string(),
                item.path().to_path_buf(),
            ));
        }
    }
    for (tool, has_section) in tool_dirs {
        let has_entries = files.entries.iter().any(|(t, _, _)| *t == tool);
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

/// Editor backups and hidden files are not content.
fn is_hidden(name: &str) -> bool {
    name.starts_with('.') || name.ends_with('~') || name.starts_with('#')
}

/// True when the name is lowercase `a-z0-9-`; otherwise reports it with a fixed name.
fn check_name(project: &Project, path: &Path, name: &str, problems: &mut Vec<Diagnostic>) -> bool {
    let ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
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

/// Reads a file as UTF-8, naming the first bad byte when it is not.
fn read_text(project: &Project, path: &Path) -> Result<String, Vec<Diagnostic>> {
    let shown = project.relative(path);
    let bytes = std::fs::read(path).map_err(|e| {
        vec![Diagnostic::new(
            Problem::Io {
                detail: e.to_string(),
            },
            shown.clone(),
            None,
        )]
    })?;
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

/// Resolves an internal link written in an entry to `(entry id, anchor)`. Returns `None` for
/// external links and links to other site paths (the home page, a tool page).
pub fn resolve_link(from_id: &str, url: &str) -> Option<(String, Option<String>)> {
    let url = url.trim();
    if ["/category/", "/code/", "/kind/", "/tag/", "/search/"]
        .iter()
        .any(|p| url.starts_with(p))
    {
        return None;
    }
    if url.contains("://") || url.starts_with("mailto:") || url.starts_with('#') {
        return None;
    }
    let (path, anchor) = match url.split_once('#') {
        Some((p, a)) => (p, Some(a.to_string())),
        None => (url, None),
    };
    let path = path.split('?').next().unwrap_or(path);
    let id = if let Some(rest) = path.strip_prefix('/') {
        let trimmed = rest.trim_end_matches('/').trim_end_matches("/index.html");
        if trimmed.matches('/').count() != 1 {
            return None;
        }
        trimmed.trim_end_matches(".md").to_string()
    } else if path.ends_with(".md") {
        // Relative to the entry's own file: `content/<tool>/<slug>.md`.
        let tool = from_id.split('/').next().unwrap_or_default();
        let mut parts = vec![tool.to_string()];
        for seg in path.trim_end_matches(".md").split('/') {
            match seg {
                "." | "" => {}
                ".." => {
                    parts.pop();
                }
                s => parts.push(s.to_string()),
            }
        }
        parts.join("/")
    } else {
        return None;
    };
    Some((id, anchor))
}

/// The root-relative URL of the page a link to an entry's file leads to (`../npm/x.md#why` →
/// `/npm/x/#why`, from an entry of `from_id`); `None` for any other link, left as written.
pub fn md_link_url(from_id: &str, url: &str) -> Option<String> {
    if !url.contains(".md") {
        return None;
    }
    let (id, anchor) = resolve_link(from_id, url)?;
    Some(match anchor {
        Some(a) => format!("/{id}/#{a}"),
        None => format!("/{id}/"),
    })
}

/// The anchors an entry page has: its fixed sections and its body's headings.
pub fn page_anchors(entry: &Entry, has_related: bool) -> Vec<String> {
    let mut anchors: Vec<String> = present_sections(entry, has_related)
        .iter()
        .map(|s| s.to_string())
        .collect();
    anchors.push("facts".into());
    anchors.extend(entry.headings.iter().map(|h| h.id.clone()));
    anchors
}

/// The cross-entry checks of the links and related ids of the entries `ids` only (for `serve`,
/// when nothing else can have changed).
pub fn check_links_of(site: &Site, ids: &[String]) -> Vec<Diagnostic> {
    cross_checks_of(site, Some(ids))
}

fn cross_checks(site: &Site) -> Vec<Diagnostic> {
    cross_checks_of(site, None)
}

fn cross_checks_of(site: &Site, only: Option<&[String]>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let ids: Vec<&str> = site.entries.iter().map(|e| e.id.as_str()).collect();
    let by_id: HashMap<&str, &Entry> = site.entries.iter().map(|e| (e.id.as_str(), &**e)).collect();

    // URLs: every page's own, and aliases, which must not take one.
    let pages = &site.page_urls;
    let mut alias_urls: HashMap<String, &str> = HashMap::new();
    for e in &site.entries {
        for alias in &e.aliases {
            let url = normalize_site_path(&alias.value);
            let last = url
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or_default();
            let report = only.is_none();
            if !alias.value.starts_with('/') || alias.value.contains("://") || last.contains('.') {
                if report {
                    out.push(at(
                        &e.path,
                        alias.location.clone(),
                        Problem::BadUrl {
                            url: alias.value.clone(),
                            detail: "an alias is a page path such as `/old/path/`".into(),
                        },
                    ));
                }
                continue;
            }
            let taken = pages
                .get(&url)
                .map(String::as_str)
                .or(alias_urls.get(&url).copied());
            match taken {
                Some(other) if report => out.push(at(
                    &e.path,
                    alias.location.clone(),
                    Problem::UrlCollision {
                        url: url.clone(),
                        other: other.to_string(),
                    },
                )),
                Some(_) => {}
                None => {
                    alias_urls.insert(url, &e.id);
                }
            }
        }
    }
    let is_site_page = |url: &str| pages.contains_key(url) || alias_urls.contains_key(url);

    let mut anchors = Anchors::new(site);
    // Entries, and files with errors (whose links are checked all the same).
    let sources = site
        .entries
        .iter()
        .map(|e| {
            (
                e.id.as_str(),
                e.path.as_path(),
                &e.related,
                &e.links,
                Some(e),
            )
        })
        .chain(
            site.failed_refs
                .iter()
                .map(|(id, path, r)| (id.as_str(), path.as_path(), &r.related, &r.links, None)),
        )
        .filter(|(id, ..)| only.is_none_or(|ids| ids.iter().any(|i| i == id)));
    for (id, file, related, links, entry) in sources {
        for r in related {
            if !by_id.contains_key(r.value.as_str()) && !site.failed_ids.contains(&r.value) {
                out.push(at(
                    file,
                    r.location.clone(),
                    Problem::UnknownRelated {
                        id: r.value.clone(),
                        suggestion: did_you_mean(&r.value, ids.iter().copied()),
                    },
                ));
            }
        }
        for link in links {
            if !markdown::is_allowed_link(&link.value) {
                out.push(at(
                    file,
                    link.location.clone(),
                    Problem::BadUrl {
                        url: link.value.clone(),
                        detail: "only http(s), mailto, site paths and #anchors are allowed".into(),
                    },
                ));
                continue;
            }
            let Some((target, anchor)) = resolve_link(id, &link.value) else {
                let path = link_path(&link.value);
                let is_page = !path
                    .rsplit('/')
                    .next()
                    .is_some_and(|last| last.contains('.'));
                if path.starts_with('/') && is_page && !is_site_page(&normalize_site_path(path)) {
                    out.push(at(
                        file,
                        link.location.clone(),
                        Problem::BrokenLink {
                            target: link.value.clone(),
                            id: link_path(&link.value).trim_matches('/').to_string(),
                            suggestion: None,
                        },
                    ));
                    continue;
                }
                if let (Some(anchor), Some(e)) = (link.value.strip_prefix('#'), entry) {
                    out.extend(anchors.check(file, e, anchor, link));
                }
                continue;
            };
            match by_id.get(target.as_str()) {
                None if site.failed_ids.contains(&target) => {}
                // An alias or another page of the site at that path.
                None if is_site_page(&normalize_site_path(link_path(&link.value))) => {}
                None => out.push(at(
                    file,
                    link.location.clone(),
                    Problem::BrokenLink {
                        target: link.value.clone(),
                        id: target.clone(),
                        suggestion: did_you_mean(&target, ids.iter().copied()),
                    },
                )),
                Some(t) => {
                    if let Some(anchor) = anchor.filter(|a| !a.is_empty()) {
                        out.extend(anchors.check(file, t, &anchor, link));
                    }
                }
            }
        }
    }

    let mut signatures: HashMap<&str, &str> = HashMap::new();
    for e in site.entries.iter().filter(|_| only.is_none()) {
        if let Some(other) = signatures.get(e.signature.as_str()) {
            out.push(at(
                &e.path,
                e.signature_location.clone(),
                Problem::DuplicateSignature {
                    other: other.to_string(),
                },
            ));
        } else {
            signatures.insert(&e.signature, &e.id);
        }
    }
    out
}

/// The anchors of the pages that links point into, computed once per page.
struct Anchors<'a> {
    site: &'a Site,
    position: HashMap<&'a str, usize>,
    cache: HashMap<&'a str, Vec<String>>,
}

impl<'a> Anchors<'a> {
    fn new(site: &'a Site) -> Self {
        Anchors {
            site,
            position: site
                .entries
                .iter()
                .enumerate()
                .map(|(i, e)| (e.id.as_str(), i))
                .collect(),
            cache: HashMap::new(),
        }
    }

    /// A diagnostic when `#anchor`, linked from `from`, is not on `target`'s page.
    fn check(
        &mut self,
        from: &Path,
        target: &'a Entry,
        anchor: &str,
        link: &entry::Located<String>,
    ) -> Option<Diagnostic> {
        let has_related = self
            .position
            .get(target.id.as_str())
            .is_some_and(|&i| !self.site.related[i].is_empty());
        let anchors = self
            .cache
            .entry(target.id.as_str())
            .or_insert_with(|| page_anchors(target, has_related));
        if anchors.iter().any(|a| a == anchor) {
            return None;
        }
        Some(at(
            from,
            link.location.clone(),
            Problem::BrokenAnchor {
                target: link.value.clone(),
                anchor: anchor.to_string(),
                page: format!("/{}/", target.id),
                available: anchors.clone(),
            },
        ))
    }
}

fn at(path: &Path, location: Location, problem: Problem) -> Diagnostic {
    Diagnostic::new(problem, path, Some(location))
}

/// The path of a link, without its `#anchor` or `?query`.
fn link_path(url: &str) -> &str {
    url.split(['#', '?']).next().unwrap_or(url)
}

/// `/old/path` and `/old/path/index.html` both mean `/old/path/`.
pub fn normalize_site_path(path: &str) -> String {
    let p = path.trim().trim_end_matches("index.html").trim_matches('/');
    if p.is_empty() {
        "/".into()
    } else {
        format!("/{p}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_resolve_to_ids() {
        let r = |u| resolve_link("claude-code/a", u);
        assert_eq!(r("/claude-code/b/"), Some(("claude-code/b".into(), None)));
        assert_eq!(
            r("/claude-code/b/#faq"),
            Some(("claude-code/b".into(), Some("faq".into())))
        );
        assert_eq!(r("b.md"), Some(("claude-code/b".into(), None)));
        assert_eq!(r("../x/y.md#z"), Some(("x/y".into(), Some("z".into()))));
        assert_eq!(r("https://example.com/a/b/"), None);
        assert_eq!(r("/claude-code/"), None);
    }
}
