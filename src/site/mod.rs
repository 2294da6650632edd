//! `content/` → [`Site`]: find the files (`discover`), read tool folders and their defaults and
//! parse every entry in parallel (`load`), work out related errors (`related`), then run the
//! checks that need the whole site (`checks`: URL collisions, `related` ids, internal links and
//! their `#anchors`, duplicate signatures). Returns the site and every diagnostic found;
//! ordering is by id, so the result never depends on the file system's order or on how rayon
//! split the work.

mod checks;
mod discover;
mod load;
mod related;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use jiff::civil::Date;

use crate::config::{Config, Project};
use crate::diagnostic::{self, Diagnostic};
use crate::entry::{self, Defaults, Entry, SectionMeta, SentenceKey};
use crate::markdown;
use crate::progress::Progress;
use crate::timing::timing;
use crate::urls::prefix;

pub use checks::check_links_of;
pub use discover::is_hidden;
pub use load::{ParseCache, Parser, Stamp};

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
    /// What the files with errors link to, checked like the rest.
    pub failed_refs: Vec<FailedFile>,
    /// For each entry (same order), its related errors as positions in `entries`: its own
    /// `related` list first, then neighbours with the same code, then the same kind in the same
    /// tool; never itself; at most six unless it lists more.
    pub related: Arc<Vec<Vec<usize>>>,
    /// Each tool folder's defaults, for parsing one entry again (`serve`).
    pub defaults: HashMap<String, Defaults>,
    /// Every page's URL (home, search, tools, entries, taxonomies) and what it is.
    pub page_urls: Arc<HashMap<String, String>>,
    /// What `errdex sources` last found at each source URL (`sources.lock`; empty without one).
    pub source_records: Arc<crate::sources::lock::Lock>,
}

/// A file with errors: no entry, but what it refers to is checked like an entry's.
#[derive(Debug, Clone)]
pub struct FailedFile {
    pub id: String,
    /// The file, relative to the site root.
    pub path: PathBuf,
    pub refs: entry::Refs,
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

/// The URLs of the pages a site has, and what each is (aliases not included).
fn page_urls(tools: &[Tool], entries: &[Arc<Entry>]) -> HashMap<String, String> {
    let mut urls: HashMap<String, String> = HashMap::new();
    urls.insert("/".into(), "the home page".into());
    urls.insert(format!("/{}/", prefix::SEARCH), "the search page".into());
    for t in tools.iter().filter(|t| !t.slug.is_empty()) {
        urls.insert(format!("/{}/", t.slug), "a tool page".into());
    }
    for e in entries {
        urls.insert(format!("/{}/", e.id), e.id.clone());
        let category = format!("/{}/{}/", prefix::CATEGORY, markdown::slugify(&e.category));
        urls.entry(category)
            .or_insert_with(|| "a category page".into());
        if let Some(code) = &e.code {
            let url = format!("/{}/{}/", prefix::CODE, markdown::slugify(code));
            urls.entry(url).or_insert_with(|| "a code page".into());
        }
        if let Some(kind) = &e.kind {
            let url = format!("/{}/{}/", prefix::KIND, kind);
            urls.entry(url).or_insert_with(|| "a kind page".into());
        }
        for tag in &e.tags {
            let url = format!("/{}/{}/", prefix::TAG, markdown::slugify(tag));
            urls.entry(url).or_insert_with(|| "a tag page".into());
        }
    }
    urls
}

/// How to load: the root and whether drafts are included.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub drafts: bool,
    /// Replaces `base_url` from site.yaml (for previews).
    pub base_url: Option<String>,
    /// "Today" for date checks.
    pub today: Option<Date>,
    /// Where the load, and the stages after it, say how far they are (hidden by default).
    pub progress: Progress,
}

/// Loads and checks the whole site. The site is `None` only when site.yaml itself is unusable.
pub fn load(project: &Project, options: &LoadOptions) -> (Option<Site>, Vec<Diagnostic>) {
    load_cached(project, options, &mut ParseCache::none())
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
    let progress = &options.progress;
    progress.stage("finding entries", None);
    let started = std::time::Instant::now();
    let files = discover::discover(project);
    timing("discover", started);
    let mut diagnostics = files.problems;
    let kind_ids: Vec<String> = config.kinds.iter().map(|k| k.id.clone()).collect();
    let (tools, defaults) =
        load::sections(project, &files.sections, today, &kind_ids, &mut diagnostics);
    progress.stage("reading entries", Some(files.entries.len()));
    let started = std::time::Instant::now();
    let parser = Parser::new(project, &config, &defaults, today);
    let parsed = load::entries(&parser, &files.entries, cache, progress);
    timing("parse (or reuse) entries", started);
    let mut site = Site {
        config,
        tools,
        entries: Vec::with_capacity(parsed.len()),
        files_read: files.entries.len(),
        failed_ids: Vec::new(),
        failed_refs: Vec::new(),
        related: Arc::new(Vec::new()),
        defaults: HashMap::new(),
        page_urls: Arc::new(HashMap::new()),
        source_records: Arc::new(crate::sources::lock::Lock::default()),
    };
    match crate::sources::lock::Lock::read(project) {
        Ok(lock) => site.source_records = Arc::new(lock),
        Err(d) => diagnostics.push(d),
    }
    let mut added: Vec<(Arc<Entry>, Vec<SentenceKey>)> = files
        .entries
        .iter()
        .zip(parsed)
        .filter_map(|(file, parsed)| {
            site.add(project, file, parsed, options.drafts, &mut diagnostics)
        })
        .collect();
    site.defaults = defaults;
    added.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    // Each sentence with its entry's place in the sorted site, for the shared-sentence check;
    // the entries keep none of it (a large site has millions of sentences).
    let mut sentences: Vec<(u64, u32, u32)> = Vec::new();
    for (i, (entry, keys)) in added.into_iter().enumerate() {
        let slot = u32::try_from(i).unwrap_or(u32::MAX);
        sentences.extend(keys.iter().map(|k| (k.hash, slot, k.at)));
        site.entries.push(entry);
    }
    site.add_tools_without_section();
    progress.stage("checking the site", None);
    let started = std::time::Instant::now();
    site.related = Arc::new(related::related_errors(&site.entries));
    site.page_urls = Arc::new(page_urls(&site.tools, &site.entries));
    timing("related errors", started);
    let started = std::time::Instant::now();
    let read = |path: &std::path::Path| load::read_text(project, &project.root.join(path)).ok();
    // Independent of each other; the sentence check is the longer one on a large site.
    let (links, sentences) = rayon::join(
        || checks::cross_checks(&site),
        || checks::shared_sentences(&site, sentences, &read),
    );
    diagnostics.extend(links);
    diagnostics.extend(sentences);
    diagnostics.extend(crate::sources::lock_warnings(&site));
    timing("cross-entry checks", started);
    diagnostic::sort(&mut diagnostics);
    (Some(site), diagnostics)
}

impl Site {
    /// Takes in one parsed file: what it refers to when it has errors, its diagnostics (a
    /// draft's only with `drafts`); returns its entry (drafts only with `drafts`), with its
    /// sentences, for the caller to place.
    fn add(
        &mut self,
        project: &Project,
        file: &discover::EntryFile,
        parsed: entry::Parsed,
        drafts: bool,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<(Arc<Entry>, Vec<SentenceKey>)> {
        if parsed.entry.is_none() {
            self.failed_ids.push(file.id());
        }
        if let Some(refs) = parsed.refs {
            self.failed_refs.push(FailedFile {
                id: file.id(),
                path: project.relative(&file.path),
                refs,
            });
        }
        let is_draft = parsed.entry.as_ref().is_some_and(|e| e.draft);
        if !is_draft || drafts {
            diagnostics.extend(parsed.diagnostics);
        }
        match parsed.entry {
            Some(e) if e.draft && !drafts => None,
            Some(e) => Some((e, parsed.sentences)),
            None => None,
        }
    }

    /// Tools whose section file failed to parse still group their entries.
    fn add_tools_without_section(&mut self) {
        for e in &self.entries {
            if !self.tools.iter().any(|t| t.slug == e.tool) {
                // Entries directly in content/ without a `_section.yaml`: the site is the product.
                let title = if e.tool.is_empty() {
                    self.config.title.clone()
                } else {
                    e.tool.clone()
                };
                self.tools.push(Tool {
                    slug: e.tool.clone(),
                    meta: SectionMeta {
                        title,
                        description: String::new(),
                        homepage: None,
                    },
                });
            }
        }
        self.tools.sort_by(|a, b| a.slug.cmp(&b.slug));
    }
}
