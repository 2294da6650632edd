//! [`Site`] → `Vec<Page>` through Tera.
//!
//! The repo's `templates/` are compiled into the binary as the defaults; a site's own
//! `templates/` override them file by file (and may add partials). Every template gets a typed
//! view struct (the template API, mirrored in docs/templates.md), never loose string keys.
//! Markdown is rendered here, through `markdown`. Nothing here touches the output folder.
//!
//! The stages inside: `templates` (the defaults and a site's overrides, compiled once, errors
//! pointed at the template's file), `views` (the typed structs templates see, mirrored in
//! docs/templates.md), `taxonomy` (categories, codes, kinds and tags), `pages` (a `Renderer` that
//! turns the site into each page's view and renders it), `entry_page` (an entry's page and its
//! JSON-LD) and `assets` (static files, fingerprinted).

mod assets;
mod entry_page;
mod pages;
mod taxonomy;
mod templates;
mod views;

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::entry::Entry;
use crate::progress::Progress;
use crate::site::Site;

pub use assets::{DEFAULT_STATIC, static_files};
use pages::Renderer;
pub use taxonomy::{Taxonomy, kind_title};
pub use templates::DEFAULT_TEMPLATES;
use templates::load_templates;
pub use views::*;

/// The kinds of page a site has, each made by one template: the table `render` and `serve`'s
/// rebuilds share (a changed template renders the pages of its kind). A new kind of page is a
/// variant here, its template, and its arm in `Renderer::single` (or its own list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PageKind {
    Entry,
    List,
    Home,
    NotFound,
    Search,
    Sitemap,
    Feed,
    Robots,
    Redirect,
}

impl PageKind {
    pub const ALL: [PageKind; 9] = [
        PageKind::Entry,
        PageKind::List,
        PageKind::Home,
        PageKind::NotFound,
        PageKind::Search,
        PageKind::Sitemap,
        PageKind::Feed,
        PageKind::Robots,
        PageKind::Redirect,
    ];

    /// The kinds with exactly one page each.
    pub const SINGLES: [PageKind; 6] = [
        PageKind::Home,
        PageKind::NotFound,
        PageKind::Search,
        PageKind::Sitemap,
        PageKind::Feed,
        PageKind::Robots,
    ];

    /// The pages that show every entry (home, search, sitemap, feed): rendered again when what
    /// other pages show of an entry changes.
    pub const SHOW_EVERY_ENTRY: [PageKind; 4] = [
        PageKind::Home,
        PageKind::Search,
        PageKind::Sitemap,
        PageKind::Feed,
    ];

    /// The template that renders pages of this kind.
    pub fn template(self) -> &'static str {
        match self {
            PageKind::Entry => "entry.html",
            PageKind::List => "list.html",
            PageKind::Home => "home.html",
            PageKind::NotFound => "404.html",
            PageKind::Search => "search.html",
            PageKind::Sitemap => "sitemap.xml",
            PageKind::Feed => "atom.xml",
            PageKind::Robots => "robots.txt",
            PageKind::Redirect => "redirect.html",
        }
    }

    /// The kind a template renders; `None` for `base.html`, partials and anything else that
    /// many kinds may use.
    pub fn of_template(name: &str) -> Option<PageKind> {
        PageKind::ALL.into_iter().find(|k| k.template() == name)
    }
}

/// Which pages to render again (for `serve`): the entry pages of `ids`, the list pages among
/// `lists` (output paths), and the pages of `kinds` besides entries and lists.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub ids: Vec<String>,
    pub lists: std::collections::HashSet<String>,
    pub kinds: Vec<PageKind>,
}

impl Selection {
    /// Every page of the given kinds.
    pub fn every_page_of(site: &Site, kinds: &[PageKind]) -> Selection {
        let ids = if kinds.contains(&PageKind::Entry) {
            site.entries.iter().map(|e| e.id.clone()).collect()
        } else {
            Vec::new()
        };
        let lists = if kinds.contains(&PageKind::List) {
            site.entries.iter().flat_map(|e| list_paths_of(e)).collect()
        } else {
            std::collections::HashSet::new()
        };
        Selection {
            ids,
            lists,
            kinds: kinds.to_vec(),
        }
    }
}

/// One output file: its path under the output folder and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub path: String,
    pub content: Vec<u8>,
}

/// Where the files that pages refer to are, under the output folder (no leading `/`).
#[derive(Debug, Clone, Default)]
pub struct Assets {
    /// Static file name → fingerprinted path (`style.css` → `style.3f2a91c0.css`).
    pub files: BTreeMap<String, String>,
    /// The main search index (`search/index.0a1b2c3d.json`).
    pub search_index: String,
}

/// JSON made safe to embed in an HTML `<script>` element: `<`, `>` and `&` (which could end the
/// element or open a comment, `<!--`, that swallows the rest of the page) and U+2028/U+2029
/// (line ends to older JavaScript parsers) become `\uXXXX` escapes. They can only occur inside
/// JSON strings, where the escapes mean the same characters.
pub fn json_for_script(json: &str) -> String {
    // Nearly every page needs no escape: find that out with SIMD searches, not a char loop.
    let bytes = json.as_bytes();
    let needs_escape = memchr::memchr3(b'<', b'>', b'&', bytes).is_some()
        || memchr::memmem::find(bytes, "\u{2028}".as_bytes()).is_some()
        || memchr::memmem::find(bytes, "\u{2029}".as_bytes()).is_some();
    if !needs_escape {
        return json.to_string();
    }
    let mut out = String::with_capacity(json.len() + 32);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// Runs something that emits pages (from any thread) and gathers them, sorted by path.
pub fn collect(
    run: impl FnOnce(&(dyn Fn(Page) + Sync)) -> Result<usize, Vec<Diagnostic>>,
) -> Result<Vec<Page>, Vec<Diagnostic>> {
    let pages = std::sync::Mutex::new(Vec::new());
    run(&|page| {
        if let Ok(mut pages) = pages.lock() {
            pages.push(page);
        }
    })?;
    let mut pages = pages.into_inner().unwrap_or_default();
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(pages)
}

/// Entry pages an incremental build may take from the previous output instead of rendering them
/// (see [`crate::incremental`]).
pub struct Reuse<'a> {
    /// The hash of everything but the site model that pages are made from.
    pub global: u128,
    /// Called with an entry page's path and key (the hash of all it is made from): true when
    /// the page was taken from the previous output, and is not to be rendered.
    pub take: &'a (dyn Fn(&str, u128) -> bool + Sync),
}

/// Renders every page and hands each to `emit` as soon as it is ready (from any thread), so a
/// build can write pages without holding them all. Returns how many there were. `progress` counts
/// the entry pages, the bulk of a site. With `reuse`, an entry page it takes is not rendered.
pub fn render_each(
    site: &Site,
    templates_dir: &Path,
    assets: &Assets,
    emit: &(dyn Fn(Page) + Sync),
    progress: &Progress,
    reuse: Option<&Reuse>,
) -> Result<usize, Vec<Diagnostic>> {
    let templates = load_templates(templates_dir)?;
    let r = Renderer::new(site, assets);
    let shared = reuse.map(|reuse| {
        let mut h = crate::incremental::Hash128::new();
        h.u128(reuse.global);
        h.json(&r.view);
        h
    });
    // The entry pages and the rest (lists, home, sitemap, feed, redirects) side by side: the
    // rest has a few large pages that would otherwise run alone at the end.
    let (failures, others) = rayon::join(
        || -> Vec<Diagnostic> {
            site.entries
                .par_iter()
                .enumerate()
                .filter_map(|(i, e)| {
                    if let (Some(reuse), Some(shared)) = (reuse, &shared) {
                        let key = r.entry_key(shared.clone(), i, e);
                        if (reuse.take)(&format!("{}/index.html", e.id), key) {
                            progress.inc(1);
                            return None;
                        }
                    }
                    let failed = r.entry_page(&templates, e).map(emit).err();
                    progress.inc(1);
                    failed
                })
                .collect()
        },
        || -> Vec<Result<usize, Diagnostic>> {
            let (singles, (lists, redirects)) = rayon::join(
                || {
                    PageKind::SINGLES
                        .into_par_iter()
                        .filter_map(|kind| r.single(&templates, kind))
                        .collect::<Vec<_>>()
                },
                || {
                    rayon::join(
                        || r.list_pages(&templates, &|_| true),
                        || r.redirects(&templates),
                    )
                },
            );
            singles
                .into_iter()
                .chain(lists)
                .chain(redirects)
                .map(|p| {
                    p.map(|p| {
                        emit(p);
                        1
                    })
                })
                .collect()
        },
    );
    let mut count = site.entries.len() - failures.len();
    let mut problems: Vec<Diagnostic> = Vec::new();
    for d in failures {
        if !problems.contains(&d) {
            problems.push(d);
        }
    }
    for p in others {
        match p {
            Ok(n) => count += n,
            Err(d) if !problems.contains(&d) => problems.push(d),
            Err(_) => {}
        }
    }
    if problems.is_empty() {
        Ok(count)
    } else {
        Err(problems)
    }
}

/// The output paths of the list pages an entry appears on: its tool's, its category's, and its
/// code's, kind's and tags' pages.
pub fn list_paths_of(e: &Entry) -> Vec<String> {
    // A site without tool folders has no tool page: its entries are listed on the home page.
    let mut paths = vec![if e.tool.is_empty() {
        "index.html".to_string()
    } else {
        format!("{}/index.html", e.tool)
    }];
    for taxonomy in Taxonomy::ALL {
        for (slug, _) in taxonomy.terms_of(e) {
            paths.push(format!("{}/{slug}/index.html", taxonomy.prefix()));
        }
    }
    paths
}

/// Renders the pages `selection` names. For `serve`, when it knows that no other page can have
/// changed.
pub fn render_selected(
    site: &Site,
    templates_dir: &Path,
    assets: &Assets,
    selection: &Selection,
) -> Result<Vec<Page>, Vec<Diagnostic>> {
    let templates = load_templates(templates_dir)?;
    let r = Renderer::new(site, assets);
    let mut pages = Vec::new();
    let mut problems = Vec::new();
    let entries = site
        .entries
        .iter()
        .filter(|e| selection.ids.contains(&e.id))
        .map(|e| r.entry_page(&templates, e));
    let singles = selection
        .kinds
        .iter()
        .filter_map(|&kind| r.single(&templates, kind));
    let lists = r.list_pages(&templates, &|path| selection.lists.contains(path));
    let redirects = if selection.kinds.contains(&PageKind::Redirect) {
        r.redirects(&templates)
    } else {
        Vec::new()
    };
    for p in entries.chain(singles).chain(lists).chain(redirects) {
        match p {
            Ok(p) => pages.push(p),
            Err(d) => problems.push(d),
        }
    }
    if problems.is_empty() {
        Ok(pages)
    } else {
        Err(problems)
    }
}

/// Renders only the pages of the entries `ids` (for `serve`, when nothing else can have changed).
pub fn render_entries(
    site: &Site,
    templates_dir: &Path,
    assets: &Assets,
    ids: &[String],
) -> Result<Vec<Page>, Vec<Diagnostic>> {
    let templates = load_templates(templates_dir)?;
    let r = Renderer::new(site, assets);
    site.entries
        .iter()
        .filter(|e| ids.contains(&e.id))
        .map(|e| r.entry_page(&templates, e).map_err(|d| vec![d]))
        .collect()
}
