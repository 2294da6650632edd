//! The site kept in memory between changes, for `serve`: redo only what a change touches.
//!
//! A change to entry files that already existed is parsed alone (the rest comes from a
//! [`ParseCache`]); when what other pages show of those entries (title, summary, signature,
//! code, kind, tool, category, tags, date, related list, aliases) is unchanged, only their own
//! pages and the search index are rendered again. Anything else (a new or deleted entry, a
//! change that shows on other pages, site.yaml, a `_section.yaml`, a template, a static file)
//! renders the whole site, still reusing every unchanged parse. Either way the result is the
//! same, byte for byte, as a full `build` (a test holds it to that).
//!
//! A change with errors keeps the last good pages; its diagnostics say what to fix. After an
//! entry-only change the search index is rebuilt by [`Rebuild::refresh_search`] once changes
//! pause, so the page a reader looks at reloads first.

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::Project;
use crate::diagnostic::{self, Diagnostic, Severity, has_errors};
use crate::entry::Entry;
use crate::render::{self, Page, PageKind, Selection};
use crate::site::{self, LoadOptions, ParseCache, Parser, Site, Stamp};
use crate::timing::timing;

/// What an update did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Nothing that the site is made from changed.
    Nothing,
    /// These pages were rendered again (entry pages; the search index follows).
    Pages(Vec<String>),
    /// The whole site was rendered again.
    Site,
    /// The change has errors: the last good pages stay; see `diagnostics`.
    Failed,
}

/// Output files by path.
pub type Pages = BTreeMap<String, Arc<Vec<u8>>>;

/// The last good site, in memory.
pub struct Rebuild {
    project: Project,
    load: LoadOptions,
    cache: ParseCache,
    /// Every output file of the last good build, by path.
    pub pages: Pages,
    /// The diagnostics of the last attempt.
    pub diagnostics: Vec<Diagnostic>,
    /// What other pages show of each entry, hashed.
    shown: HashMap<String, u64>,
    /// Paths of entry files, by id.
    files: HashMap<PathBuf, String>,
    /// The site whose search index is still to be rebuilt, after an entry-only change.
    stale_search: Option<Site>,
    /// The last good site, for the quick path.
    last_site: Option<Site>,
    generation: u64,
    /// Modification time and size of every site file, so that events which change nothing
    /// (a file read, touched to the same content by a tool) cause no rebuild.
    stamps: HashMap<PathBuf, Option<Stamp>>,
}

impl Rebuild {
    /// Builds the site in memory.
    pub fn new(root: &Path, load: LoadOptions) -> Self {
        // Watchers report absolute paths: compare with the canonical root.
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let mut r = Rebuild {
            project: Project::new(root),
            load,
            cache: ParseCache::default(),
            pages: BTreeMap::new(),
            diagnostics: Vec::new(),
            shown: HashMap::new(),
            files: HashMap::new(),
            stamps: HashMap::new(),
            stale_search: None,
            last_site: None,
            generation: 0,
        };
        for dir in [
            r.project.content_dir(),
            r.project.templates_dir(),
            r.project.static_dir(),
        ] {
            for item in walkdir::WalkDir::new(dir)
                .into_iter()
                .filter_map(Result::ok)
            {
                r.stamps
                    .insert(item.path().to_path_buf(), Stamp::of(item.path()));
            }
        }
        r.stamps
            .insert(r.project.config_file(), Stamp::of(&r.project.config_file()));
        r.full();
        r
    }

    /// The paths among `paths` whose contents may have changed since last seen: under
    /// content/ only entries and section files (not editors' temp files), folders only when
    /// they appear or go away (a changed listing is covered by its files' own events).
    fn really_changed<'p>(&mut self, paths: &'p [PathBuf]) -> Vec<&'p PathBuf> {
        let content = self.project.content_dir();
        let mut out = Vec::new();
        for p in paths.iter().filter(|p| is_site_file(&self.project, p)) {
            let known = self.stamps.contains_key(p);
            let is_dir = p.is_dir() || (known && p.extension().is_none() && !p.exists());
            let wanted = if is_dir {
                !known || !p.exists()
            } else {
                !p.starts_with(&content)
                    || p.extension().is_some_and(|e| e == "md")
                    || p.ends_with("_section.yaml")
            };
            let now = Stamp::of(p);
            let before = self.stamps.insert(p.clone(), now);
            if wanted && before != Some(now) {
                out.push(p);
            }
        }
        out
    }

    /// True when the last attempt had errors (the pages are from an earlier one).
    pub fn failed(&self) -> bool {
        has_errors(&self.diagnostics)
    }

    /// Renders the whole site again (reusing unchanged parses).
    pub fn full(&mut self) -> Change {
        let (outcome, site) = crate::check_cached(&self.project, &self.load, &mut self.cache);
        self.diagnostics = outcome.diagnostics;
        if self.failed() {
            return Change::Failed;
        }
        self.pages = outcome
            .pages
            .into_iter()
            .map(|p| (p.path, Arc::new(p.content)))
            .collect();
        self.stale_search = None;
        if let Some(site) = &site {
            self.remember(site);
        }
        self.last_site = site;
        Change::Site
    }

    fn remember(&mut self, site: &Site) {
        self.shown = site
            .entries
            .iter()
            .map(|e| (e.id.clone(), shown_hash(e)))
            .collect();
        self.files = site
            .entries
            .iter()
            .map(|e| (self.project.root.join(&e.path), e.id.clone()))
            .collect();
    }

    /// Applies a change to `paths`. `ready` is called once the pages a reader is looking at are
    /// current, before slower work (the search index) finishes.
    pub fn update(&mut self, paths: &[PathBuf], ready: &mut dyn FnMut(&Change, &Pages)) -> Change {
        let change = self.apply(paths, ready);
        if change != Change::Nothing {
            self.generation += 1;
        }
        change
    }

    fn apply(&mut self, paths: &[PathBuf], ready: &mut dyn FnMut(&Change, &Pages)) -> Change {
        let content = self.project.content_dir();
        let relevant = self.really_changed(paths);
        if relevant.is_empty() {
            return Change::Nothing;
        }
        let only_known_entries = relevant.iter().all(|p| {
            p.starts_with(&content)
                && p.extension().is_some_and(|e| e == "md")
                && p.is_file()
                && self.files.contains_key(*p)
        });
        if let Some(change) = self.templates_only(&relevant) {
            ready(&change, &self.pages);
            return change;
        }
        if !only_known_entries {
            if relevant
                .iter()
                .any(|p| p.ends_with("site.yaml") || p.ends_with("_section.yaml"))
            {
                self.cache.clear();
            }
            let change = self.full();
            ready(&change, &self.pages);
            return change;
        }
        let started = std::time::Instant::now();
        let changed: Vec<PathBuf> = relevant.iter().map(|p| (*p).clone()).collect();
        if let Some(change) = self.quick(&changed) {
            timing("serve: quick path", started);
            ready(&change, &self.pages);
            return change;
        }
        let (site, diagnostics) = site::load_cached(&self.project, &self.load, &mut self.cache);
        timing("serve: load with cached parses", started);
        let mut diagnostics = diagnostics;
        diagnostic::sort(&mut diagnostics);
        self.diagnostics = diagnostics;
        let Some(site) = site.filter(|_| !self.failed()) else {
            ready(&Change::Failed, &self.pages);
            return Change::Failed;
        };
        let ids: Vec<String> = relevant
            .iter()
            .filter_map(|p| self.files.get(*p).cloned())
            .collect();
        let same_elsewhere = ids.iter().all(|id| {
            site.entries
                .iter()
                .find(|e| &e.id == id)
                .is_some_and(|e| self.shown.get(id) == Some(&shown_hash(e)))
        });
        if !same_elsewhere {
            let change = self.dependents(site, &ids).unwrap_or_else(|| self.full());
            ready(&change, &self.pages);
            return change;
        }
        let started = std::time::Instant::now();
        match self.entries_only(&site, &ids) {
            Ok(paths) => {
                let change = Change::Pages(paths);
                timing("serve: render the changed pages", started);
                ready(&change, &self.pages);
                // The search index is brought up to date by `refresh_search`, when the
                // changes pause (it takes longer than the page).
                self.stale_search = Some(site.clone());
                self.last_site = Some(site);
                change
            }
            Err(d) => {
                self.diagnostics.extend(d);
                ready(&Change::Failed, &self.pages);
                Change::Failed
            }
        }
    }

    /// The quick path: when the only change is to existing, valid entries, in what only their
    /// own pages show (and not their headings, which other pages may link to), parse just those
    /// files, check just their links, and render just their pages. `None` means: take the
    /// general path.
    fn quick(&mut self, changed: &[PathBuf]) -> Option<Change> {
        if self.failed() {
            return None;
        }
        let mut site = self.last_site.clone()?;
        let today = self.load.today.unwrap_or_else(crate::entry::today);
        let mut ids = Vec::new();
        let mut warnings = Vec::new();
        let mut parsed_files = Vec::new();
        let parser = Parser::new(&self.project, &site.config, &site.defaults, today);
        for path in changed {
            let id = self.files.get(path)?.clone();
            let at = site.entries.binary_search_by(|e| e.id.cmp(&id)).ok()?;
            let old = site.entries[at].clone();
            let slug = id.rsplit('/').next()?;
            let stamp = Stamp::of(path)?;
            let parsed = parser.parse(path, &old.tool, slug);
            let entry = parsed.entry.clone()?;
            if self.shown.get(&id) != Some(&shown_hash(&entry)) || entry.headings != old.headings {
                return None;
            }
            warnings.extend(parsed.diagnostics.iter().cloned());
            parsed_files.push((path.clone(), stamp, parsed));
            site.entries[at] = entry;
            ids.push(id);
        }
        let paths: Vec<PathBuf> = changed.iter().map(|p| self.project.relative(p)).collect();
        let mut diagnostics: Vec<Diagnostic> = self
            .diagnostics
            .iter()
            .filter(|d| !paths.contains(&d.path))
            .cloned()
            .collect();
        diagnostics.extend(warnings);
        diagnostics.extend(site::check_links_of(&site, &ids));
        if has_errors(&diagnostics) {
            return None;
        }
        diagnostic::sort(&mut diagnostics);
        let rendered = self.entries_only(&site, &ids).ok()?;
        for (path, stamp, parsed) in parsed_files {
            self.cache.put(path, stamp, parsed);
        }
        self.diagnostics = diagnostics;
        self.stale_search = Some(site.clone());
        self.last_site = Some(site);
        Some(Change::Pages(rendered))
    }

    /// A change to templates that one kind of page uses ([`PageKind::template`]) renders the
    /// pages of those kinds. `base.html`, partials and the rest render the whole site. `None`:
    /// not a templates-only change.
    fn templates_only(&mut self, changed: &[&PathBuf]) -> Option<Change> {
        let templates = self.project.templates_dir();
        let kinds: Vec<PageKind> = changed
            .iter()
            .map(|p| {
                let name = p.strip_prefix(&templates).ok()?.to_string_lossy();
                PageKind::of_template(&name)
            })
            .collect::<Option<Vec<_>>>()?;
        if self.failed() {
            return None;
        }
        let site = self.last_site.clone()?;
        let selection = Selection::every_page_of(&site, &kinds);
        let assets = self.assets().ok()?;
        match render::render_selected(&site, &templates, &assets, &selection) {
            Ok(pages) => {
                self.diagnostics.retain(|d| d.severity() != Severity::Error);
                Some(Change::Pages(self.insert(pages)))
            }
            Err(problems) => {
                self.diagnostics.extend(problems);
                Some(Change::Failed)
            }
        }
    }

    /// Changes that show on other pages, when the set of pages stays the same: renders the changed
    /// entries, the entries whose related errors include them or changed, the list pages they
    /// were or are on, and the home page, search page, sitemap and feed. `None` when pages would
    /// appear or disappear (then the whole site is rendered).
    fn dependents(&mut self, site: Site, ids: &[String]) -> Option<Change> {
        let old = self.last_site.as_ref()?;
        if old.entries.len() != site.entries.len()
            || old
                .entries
                .iter()
                .zip(&site.entries)
                .any(|(a, b)| a.id != b.id)
        {
            return None;
        }
        let all_lists = |s: &Site| {
            s.entries
                .iter()
                .flat_map(|e| render::list_paths_of(e))
                .collect::<std::collections::HashSet<String>>()
        };
        if all_lists(old) != all_lists(&site) {
            return None;
        }
        let changed: Vec<usize> = ids
            .iter()
            .filter_map(|id| site.entries.binary_search_by(|e| e.id.cmp(id)).ok())
            .collect();
        for &i in &changed {
            let (a, b) = (&old.entries[i], &site.entries[i]);
            let aliases = |e: &Entry| {
                e.aliases
                    .iter()
                    .map(|x| x.value.clone())
                    .collect::<Vec<_>>()
            };
            if aliases(a) != aliases(b) || a.draft != b.draft {
                return None;
            }
        }
        let mut render_ids: Vec<String> = ids.to_vec();
        for (j, e) in site.entries.iter().enumerate() {
            let shows_changed = |rel: &Vec<usize>| rel.iter().any(|r| changed.contains(r));
            if old.related[j] != site.related[j]
                || shows_changed(&old.related[j])
                || shows_changed(&site.related[j])
            {
                render_ids.push(e.id.clone());
            }
        }
        render_ids.sort();
        render_ids.dedup();
        let lists: std::collections::HashSet<String> = changed
            .iter()
            .flat_map(|&i| {
                let mut paths = render::list_paths_of(&old.entries[i]);
                paths.extend(render::list_paths_of(&site.entries[i]));
                paths
            })
            .collect();
        let assets = self.assets().ok()?;
        let selection = Selection {
            ids: render_ids,
            lists,
            kinds: PageKind::SHOW_EVERY_ENTRY.to_vec(),
        };
        let pages =
            render::render_selected(&site, &self.project.templates_dir(), &assets, &selection)
                .ok()?;
        let paths = self.insert(pages);
        self.remember(&site);
        self.stale_search = Some(site.clone());
        self.last_site = Some(site);
        Some(Change::Pages(paths))
    }

    /// Where pages find the static files and the search index (as a full build names them).
    fn assets(&self) -> Result<render::Assets, Vec<Diagnostic>> {
        let (_, assets) = render::static_files(&self.project.static_dir())?;
        Ok(render::Assets {
            search_index: crate::search::MANIFEST.into(),
            ..assets
        })
    }

    fn entries_only(
        &mut self,
        site: &Site,
        ids: &[String],
    ) -> Result<Vec<String>, Vec<Diagnostic>> {
        let assets = self.assets()?;
        let pages = render::render_entries(site, &self.project.templates_dir(), &assets, ids)?;
        Ok(self.insert(pages))
    }

    /// Rebuilds the search index after entry-only changes; the pages then equal a full build.
    pub fn refresh_search(&mut self) {
        if let Some(site) = self.stale_search.take() {
            let files = crate::search_files(&site, false);
            self.install_search(files);
        }
    }

    /// The site whose index is out of date, to index elsewhere (a background thread); hand the
    /// files back with [`Rebuild::install_search`] unless another change came meanwhile.
    pub fn take_stale_search(&mut self) -> Option<(u64, Site)> {
        self.stale_search.take().map(|s| (self.generation, s))
    }

    /// Puts a freshly built search index in place of the old one.
    pub fn install_search(&mut self, files: Vec<Page>) {
        self.pages
            .retain(|path, _| !path.starts_with("search/") || path == "search/index.html");
        self.insert(files);
    }

    /// Bumped by every change that renders something.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    fn insert(&mut self, pages: Vec<Page>) -> Vec<String> {
        let mut paths = Vec::with_capacity(pages.len());
        for p in pages {
            paths.push(p.path.clone());
            self.pages.insert(p.path, Arc::new(p.content));
        }
        paths
    }
}

/// True for the files a site is made of: site.yaml and what is under content/, templates/ and
/// static/ (editors' backup and swap files excluded).
fn is_site_file(project: &Project, path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    if site::is_hidden(&name) || name.ends_with(".swp") {
        return false;
    }
    path == project.config_file()
        || [
            project.content_dir(),
            project.templates_dir(),
            project.static_dir(),
        ]
        .iter()
        .any(|dir| path.starts_with(dir))
}

/// A hash of what pages other than an entry's own show of it.
fn shown_hash(e: &Entry) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (
        &e.id,
        &e.title,
        &e.summary,
        &e.signature.value,
        &e.code,
        &e.kind,
    )
        .hash(&mut h);
    (
        &e.tool,
        &e.category,
        &e.tags,
        e.updated.to_string(),
        e.draft,
    )
        .hash(&mut h);
    for r in e.related.iter().chain(&e.aliases) {
        r.value.hash(&mut h);
    }
    e.related.len().hash(&mut h);
    h.finish()
}
