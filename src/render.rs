//! [`Site`] → `Vec<Page>` through Tera.
//!
//! The repo's `templates/` are compiled into the binary as the defaults; a site's own
//! `templates/` override them file by file (and may add partials). Every template gets a typed
//! view struct (the template API, mirrored in docs/templates.md), never loose string keys.
//! Markdown is rendered here, through `markdown`. Nothing here touches the output folder.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::diagnostic::{Diagnostic, Location, Problem};
use crate::entry::Entry;
use crate::markdown;
use crate::site::{self, Site};

/// The default templates, compiled in. A site's `templates/<name>` replaces the one named alike.
pub const DEFAULT_TEMPLATES: [(&str, &str); 10] = [
    ("atom.xml", include_str!("../templates/atom.xml")),
    ("search.html", include_str!("../templates/search.html")),
    ("base.html", include_str!("../templates/base.html")),
    ("entry.html", include_str!("../templates/entry.html")),
    ("home.html", include_str!("../templates/home.html")),
    ("list.html", include_str!("../templates/list.html")),
    ("404.html", include_str!("../templates/404.html")),
    ("redirect.html", include_str!("../templates/redirect.html")),
    ("sitemap.xml", include_str!("../templates/sitemap.xml")),
    ("robots.txt", include_str!("../templates/robots.txt")),
];

/// One output file: its path under the output folder and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub path: String,
    pub content: Vec<u8>,
}

/// Where each template came from, to point template errors at the right file.
struct TemplateSet {
    tera: Tera,
    /// name → (shown path, source)
    sources: BTreeMap<String, (PathBuf, String)>,
}

/// Loads the defaults, then the site's own templates over them.
fn load_templates(templates_dir: &Path) -> Result<TemplateSet, Vec<Diagnostic>> {
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
    fn render<T: Serialize>(
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
                let at = byte_at_line_col(src, line_no, col);
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

/// The byte offset of a 1-based line and column (in characters).
fn byte_at_line_col(src: &str, line: usize, col: usize) -> usize {
    let start: usize = src
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let start = start.min(src.len());
    start
        + src[start..]
            .chars()
            .take(col.saturating_sub(1))
            .map(char::len_utf8)
            .sum::<usize>()
}

// ---- Views: what templates see. Keep docs/templates.md in step. ----

/// The site, on every page as `site`.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub title: String,
    pub description: String,
    /// Absolute, without a trailing slash: `https://user.github.io/errors`.
    pub base_url: String,
    /// Prefix of every internal link: `/` or `/errors/`.
    pub base_path: String,
    pub language: String,
    /// Stylesheet URL (root-relative, fingerprinted: `/style.3f2a91c0.css`).
    pub stylesheet: String,
    /// Search script URL (root-relative, fingerprinted).
    pub script: String,
    /// Page script (copy buttons, theme toggle) and the early theme script, fingerprinted.
    pub site_script: String,
    pub theme_script: String,
    /// The Atom feed's URL: `/atom.xml`.
    pub feed_url: String,
    /// The search manifest's URL (`/search/manifest.json`, not fingerprinted), which names the
    /// fingerprinted index; read by the search script.
    pub search_index: String,
    /// The search page's URL: `/search/`.
    pub search_url: String,
    /// Every fingerprinted static file: its name in `static/` → its URL.
    pub assets: BTreeMap<String, String>,
    pub tools: Vec<ToolView>,
}

/// A link with its text.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub title: String,
    pub url: String,
}

/// A tool on the home page and in navigation.
#[derive(Debug, Clone, Serialize)]
pub struct ToolView {
    pub slug: String,
    pub title: String,
    pub description: String,
    pub homepage: Option<String>,
    pub url: String,
    pub count: usize,
}

/// What every page has besides its content.
#[derive(Debug, Clone, Serialize)]
pub struct PageMeta {
    /// The `<title>`.
    pub title: String,
    /// The meta description.
    pub description: String,
    /// The absolute canonical URL.
    pub canonical: String,
    /// The page's root-relative URL.
    pub url: String,
    /// Breadcrumb trail, the page itself excluded.
    pub breadcrumbs: Vec<Link>,
    /// Open Graph type: `article` for entries, `website` for the rest.
    pub og_type: &'static str,
}

/// An entry in a list (home, tool, category).
#[derive(Debug, Clone, Serialize)]
pub struct EntrySummary {
    pub id: String,
    pub url: String,
    pub title: String,
    pub summary: String,
    pub signature: String,
    pub code: Option<String>,
    pub tool: String,
    pub updated: String,
}

/// A source with its evidence note.
#[derive(Debug, Clone, Serialize)]
pub struct SourceView {
    pub url: String,
    pub title: String,
    /// HTML.
    pub note: String,
    /// `YYYY-MM-DD`, or empty.
    pub checked: String,
}

/// A question and its answer (HTML).
#[derive(Debug, Clone, Serialize)]
pub struct FaqView {
    /// The question as plain text.
    pub q: String,
    /// The question as HTML (it may hold inline Markdown such as `code`).
    pub q_html: String,
    /// The answer as HTML.
    pub a: String,
}

/// A heading in the table of contents.
#[derive(Debug, Clone, Serialize)]
pub struct TocItem {
    pub id: String,
    pub title: String,
}

/// Everything about one entry. Fields named `*_html` and lists of HTML are already escaped
/// Markdown output; print them with `| safe`. Everything else is plain text.
#[derive(Debug, Clone, Serialize)]
pub struct EntryView {
    pub id: String,
    pub url: String,
    pub title: String,
    pub summary: String,
    pub signature: String,
    pub variants: Vec<String>,
    pub code: Option<String>,
    pub kind: Option<String>,
    pub tool: Link,
    pub category: Link,
    pub quick_fix_html: String,
    /// `YYYY-MM-DD`
    pub updated: String,
    /// `20 November 2026`
    pub updated_human: String,
    pub body_html: String,
    /// The body's `##` headings and the fixed sections, in page order.
    pub toc: Vec<TocItem>,
    pub causes: Vec<String>,
    pub quick_fixes: Vec<String>,
    pub checks: Vec<String>,
    pub steps: Vec<String>,
    pub prevention: Vec<String>,
    pub sources: Vec<SourceView>,
    pub related: Vec<EntrySummary>,
    pub faq: Vec<FaqView>,
    pub applies_to: Vec<String>,
    pub tags: Vec<String>,
    pub edit_url: Option<String>,
    /// Link to the `/code/<code>/` page.
    pub code_link: Option<Link>,
    /// Link to the `/kind/<kind>/` page, titled with the kind's display name.
    pub kind_link: Option<Link>,
    /// Links to the `/tag/<tag>/` pages.
    pub tag_links: Vec<Link>,
    /// JSON-LD (TechArticle, BreadcrumbList, FAQPage when there is an FAQ), ready to print
    /// inside `<script type="application/ld+json">` with `| safe`.
    pub json_ld: String,
}

#[derive(Serialize)]
struct EntryPage {
    page: PageMeta,
    entry: EntryView,
}

#[derive(Serialize)]
struct HomePage {
    page: PageMeta,
    categories: Vec<ToolView>,
    recent: Vec<EntrySummary>,
    entry_count: usize,
}

#[derive(Serialize)]
struct ListPage {
    page: PageMeta,
    heading: String,
    description: String,
    /// `tool` or `category`
    list_kind: &'static str,
    homepage: Option<String>,
    entries: Vec<EntrySummary>,
}

#[derive(Serialize)]
struct SearchPage {
    page: PageMeta,
    categories: Vec<ToolView>,
}

#[derive(Serialize)]
struct PlainPage {
    page: PageMeta,
}

#[derive(Serialize)]
struct RedirectPage {
    page: PageMeta,
    target: String,
}

#[derive(Serialize)]
struct FeedPage {
    /// Absolute URL of the feed itself.
    feed_url: String,
    /// Absolute URL of the home page.
    home_url: String,
    /// The newest entry's date, `YYYY-MM-DD`.
    updated: String,
    /// The most recently updated entries (at most 20), with absolute URLs.
    entries: Vec<EntrySummary>,
}

#[derive(Serialize)]
struct SitemapPage {
    urls: Vec<SitemapUrl>,
}

#[derive(Serialize)]
struct SitemapUrl {
    loc: String,
    lastmod: Option<String>,
}

/// A category: the name shown and its slug in `/category/<slug>/`.
fn category_slug(name: &str) -> String {
    markdown::slugify(name)
}

/// The ways entries are grouped, each with its own pages: `/category/…/`, `/code/401/`,
/// `/kind/auth/`, `/tag/…/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taxonomy {
    Category,
    Code,
    Kind,
    Tag,
}

impl Taxonomy {
    pub const ALL: [Taxonomy; 4] = [
        Taxonomy::Category,
        Taxonomy::Code,
        Taxonomy::Kind,
        Taxonomy::Tag,
    ];

    /// The first segment of its pages' URLs.
    pub fn prefix(self) -> &'static str {
        match self {
            Taxonomy::Category => "category",
            Taxonomy::Code => "code",
            Taxonomy::Kind => "kind",
            Taxonomy::Tag => "tag",
        }
    }

    /// An entry's terms in this taxonomy, as (slug, name).
    pub fn terms_of(self, e: &Entry) -> Vec<(String, String)> {
        match self {
            Taxonomy::Category => vec![(category_slug(&e.category), e.category.clone())],
            Taxonomy::Code => e
                .code
                .iter()
                .map(|c| (markdown::slugify(c), c.clone()))
                .collect(),
            Taxonomy::Kind => e
                .kind
                .iter()
                .map(|k| (k.as_str().to_string(), k.as_str().to_string()))
                .collect(),
            // Two tags with one slug (`model`, `/model`) are one term: the first is kept.
            Taxonomy::Tag => {
                let mut terms: Vec<(String, String)> = Vec::with_capacity(e.tags.len());
                for t in &e.tags {
                    let slug = markdown::slugify(t);
                    if !terms.iter().any(|(s, _)| *s == slug) {
                        terms.push((slug, t.clone()));
                    }
                }
                terms
            }
        }
    }

    /// The heading of a term's page.
    fn title(self, name: &str) -> String {
        match self {
            Taxonomy::Category => name.to_string(),
            Taxonomy::Code => format!("Error code {name}"),
            Taxonomy::Kind => kind_title(name).to_string(),
            Taxonomy::Tag => format!("Tagged \u{201c}{name}\u{201d}"),
        }
    }

    fn description(self, name: &str) -> String {
        match self {
            Taxonomy::Category => format!("Troubleshooting entries in {name}."),
            Taxonomy::Code => format!("Errors that report the code {name}, across tools."),
            Taxonomy::Kind => format!("{} errors, across tools.", kind_title(name)),
            Taxonomy::Tag => format!("Entries tagged {name}."),
        }
    }
}

/// The display name of a failure class.
pub fn kind_title(kind: &str) -> &'static str {
    match kind {
        "auth" => "Authentication",
        "quota" => "Quotas and rate limits",
        "model" => "Models",
        "runtime" => "Runtime",
        "config" => "Configuration",
        "network" => "Network",
        "install" => "Installation",
        _ => "Other",
    }
}

/// Where the files that pages refer to are, under the output folder (no leading `/`).
#[derive(Debug, Clone, Default)]
pub struct Assets {
    /// Static file name → fingerprinted path (`style.css` → `style.3f2a91c0.css`).
    pub files: BTreeMap<String, String>,
    /// The main search index (`search/index.0a1b2c3d.json`).
    pub search_index: String,
}

/// Builds every page of the site, referring to the static files and search index in `assets`.
pub fn render(
    site: &Site,
    templates_dir: &Path,
    assets: &Assets,
) -> Result<Vec<Page>, Vec<Diagnostic>> {
    collect(|emit| render_each(site, templates_dir, assets, emit))
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

/// Renders every page and hands each to `emit` as soon as it is ready (from any thread), so a
/// build can write pages without holding them all. Returns how many there were.
pub fn render_each(
    site: &Site,
    templates_dir: &Path,
    assets: &Assets,
    emit: &(dyn Fn(Page) + Sync),
) -> Result<usize, Vec<Diagnostic>> {
    let templates = load_templates(templates_dir)?;
    let r = Renderer::new(site, assets);
    // The entry pages and the rest (lists, home, sitemap, feed, redirects) side by side: the
    // rest has a few large pages that would otherwise run alone at the end.
    let (failures, others) = rayon::join(
        || -> Vec<Diagnostic> {
            site.entries
                .par_iter()
                .filter_map(|e| match r.entry_page(&templates, e) {
                    Ok(page) => {
                        emit(page);
                        None
                    }
                    Err(d) => Some(d),
                })
                .collect()
        },
        || -> Vec<Result<usize, Diagnostic>> {
            type Single<'a> = &'a (dyn Fn() -> Result<Page, Diagnostic> + Sync);
            let singles: [Single; 6] = [
                &|| r.home_page(&templates),
                &|| r.not_found_page(&templates),
                &|| r.search_page(&templates),
                &|| r.sitemap(&templates),
                &|| r.feed(&templates),
                &|| r.robots(&templates),
            ];
            let (singles, (lists, redirects)) = rayon::join(
                || {
                    singles
                        .into_par_iter()
                        .map(|page| page())
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
    let mut paths = vec![format!("{}/index.html", e.tool)];
    for taxonomy in Taxonomy::ALL {
        for (slug, _) in taxonomy.terms_of(e) {
            paths.push(format!("{}/{slug}/index.html", taxonomy.prefix()));
        }
    }
    paths
}

/// Renders the entry pages of `ids`, the list pages among `lists` (output paths), and the
/// pages that show every entry (home, search, sitemap, feed). For `serve`, when it knows that
/// no other page can have changed.
pub fn render_selected(
    site: &Site,
    templates_dir: &Path,
    assets: &Assets,
    ids: &[String],
    lists: &std::collections::HashSet<String>,
) -> Result<Vec<Page>, Vec<Diagnostic>> {
    let templates = load_templates(templates_dir)?;
    let r = Renderer::new(site, assets);
    let mut pages = Vec::new();
    let mut problems = Vec::new();
    let entries = site
        .entries
        .iter()
        .filter(|e| ids.contains(&e.id))
        .map(|e| r.entry_page(&templates, e));
    let singles = [
        r.home_page(&templates),
        r.search_page(&templates),
        r.sitemap(&templates),
        r.feed(&templates),
    ];
    let lists = r.list_pages(&templates, &|path| lists.contains(path));
    for p in entries.chain(singles).chain(lists) {
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

struct Renderer<'a> {
    site: &'a Site,
    view: SiteView,
    /// `view` as a template value, made once and shared by every page.
    site_value: tera::Value,
    /// Entry id → its position in `site.entries`.
    position: HashMap<&'a str, usize>,
    /// Tool slug → its display name.
    tool_titles: HashMap<&'a str, &'a str>,
}

impl<'a> Renderer<'a> {
    fn new(site: &'a Site, assets: &Assets) -> Self {
        let base_path = site.config.base_path();
        let tools = site
            .tools
            .iter()
            .map(|t| ToolView {
                slug: t.slug.clone(),
                title: t.meta.title.clone(),
                description: t.meta.description.clone(),
                homepage: t.meta.homepage.clone(),
                url: format!("{base_path}{}/", t.slug),
                count: site.entries.iter().filter(|e| e.tool == t.slug).count(),
            })
            .filter(|t| t.count > 0)
            .collect();
        let view = SiteView {
            title: site.config.title.clone(),
            description: site.config.description.clone(),
            base_url: site.config.origin_and_path(),
            stylesheet: asset_url(assets, &base_path, "style.css"),
            script: asset_url(assets, &base_path, "search.js"),
            site_script: asset_url(assets, &base_path, "site.js"),
            theme_script: asset_url(assets, &base_path, "theme.js"),
            feed_url: format!("{base_path}atom.xml"),
            search_index: format!("{base_path}{}", assets.search_index),
            search_url: format!("{base_path}search/"),
            assets: assets
                .files
                .iter()
                .map(|(name, path)| (name.clone(), format!("{base_path}{path}")))
                .collect(),
            base_path,
            language: site.config.language.clone(),
            tools,
        };
        let position = site
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.as_str(), i))
            .collect();
        let tool_titles = site
            .tools
            .iter()
            .map(|t| (t.slug.as_str(), t.meta.title.as_str()))
            .collect();
        // Plain strings, lists and maps always convert; were it ever to fail, templates would
        // report `site` as undefined rather than the build panicking.
        let site_value =
            tera::Value::try_from_serializable(&view).unwrap_or_else(|_| tera::Value::none());
        Renderer {
            site,
            view,
            site_value,
            position,
            tool_titles,
        }
    }

    /// `claude-code/x/` → `/errors/claude-code/x/`
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.view.base_path)
    }

    fn absolute(&self, url: &str) -> String {
        let origin = self
            .view
            .base_url
            .trim_end_matches(self.view.base_path.trim_end_matches('/'));
        format!("{origin}{url}")
    }

    fn meta(
        &self,
        title: String,
        description: String,
        path: &str,
        breadcrumbs: Vec<Link>,
    ) -> PageMeta {
        let url = self.url(path);
        PageMeta {
            title,
            description,
            canonical: self.absolute(&url),
            url,
            breadcrumbs,
            og_type: "website",
        }
    }

    fn tool_title(&self, slug: &str) -> String {
        self.tool_titles
            .get(slug)
            .map_or_else(|| slug.to_string(), |t| t.to_string())
    }

    fn summary(&self, e: &Entry) -> EntrySummary {
        EntrySummary {
            id: e.id.clone(),
            url: self.url(&format!("{}/", e.id)),
            title: e.title.clone(),
            summary: e.summary.clone(),
            signature: e.signature.clone(),
            code: e.code.clone(),
            tool: self.tool_title(&e.tool),
            updated: e.updated.to_string(),
        }
    }

    /// An inline field of entry `id`: `x.md` links become page URLs, then Markdown → HTML.
    fn inline(&self, md: &str, id: &str) -> String {
        markdown::render_inline(&rewrite_md_links_for(md, id), &self.view.base_path)
    }

    fn inlines(&self, list: &[String], id: &str) -> Vec<String> {
        list.iter().map(|s| self.inline(s, id)).collect()
    }

    fn entry_view(&self, e: &Entry) -> EntryView {
        let mut taken = site::reserved_ids();
        let body = markdown::render_body(
            &rewrite_md_links_for(&e.body, &e.id),
            &self.view.base_path,
            &mut taken,
        );
        let mut toc: Vec<TocItem> = body
            .headings
            .iter()
            .filter(|h| h.level == 2)
            .map(|h| TocItem {
                id: h.id.clone(),
                title: h.text.clone(),
            })
            .collect();
        let related = self.related(e);
        let present = site::present_sections(e, !related.is_empty());
        toc.extend(
            site::SECTIONS
                .iter()
                .filter(|(id, _)| present.contains(id))
                .map(|(id, title)| TocItem {
                    id: id.to_string(),
                    title: title.to_string(),
                }),
        );
        let category_url = self.url(&format!("category/{}/", category_slug(&e.category)));
        EntryView {
            id: e.id.clone(),
            url: self.url(&format!("{}/", e.id)),
            title: e.title.clone(),
            summary: e.summary.clone(),
            signature: e.signature.clone(),
            variants: e.variants.clone(),
            code: e.code.clone(),
            kind: e.kind.map(|k| k.as_str().to_string()),
            tool: Link {
                title: self.tool_title(&e.tool),
                url: self.url(&format!("{}/", e.tool)),
            },
            category: Link {
                title: e.category.clone(),
                url: category_url,
            },
            quick_fix_html: self.inline(&e.quick_fix, &e.id),
            updated: e.updated.to_string(),
            updated_human: e.updated.strftime("%-d %B %Y").to_string(),
            body_html: body.html,
            toc,
            causes: self.inlines(&e.causes, &e.id),
            quick_fixes: self.inlines(&e.quick_fixes, &e.id),
            checks: self.inlines(&e.checks, &e.id),
            steps: self.inlines(&e.steps, &e.id),
            prevention: self.inlines(&e.prevention, &e.id),
            sources: e
                .sources
                .iter()
                .map(|s| SourceView {
                    url: s.url.clone(),
                    title: s.title.clone(),
                    note: self.inline(&s.note, &e.id),
                    checked: s.checked.map(|d| d.to_string()).unwrap_or_default(),
                })
                .collect(),
            related,
            faq: e
                .faq
                .iter()
                .map(|f| FaqView {
                    q: markdown::plain_text(&f.q),
                    q_html: self.inline(&f.q, &e.id),
                    a: markdown::render_body(
                        &rewrite_md_links_for(&f.a, &e.id),
                        &self.view.base_path,
                        &mut Vec::new(),
                    )
                    .html,
                })
                .collect(),
            applies_to: e.applies_to.clone(),
            tags: e.tags.clone(),
            edit_url: self
                .site
                .config
                .edit_url
                .as_ref()
                .map(|t| t.replace("{path}", &e.path.to_string_lossy().replace('\\', "/"))),
            code_link: Taxonomy::Code
                .terms_of(e)
                .first()
                .map(|(slug, name)| self.term_link(Taxonomy::Code, slug, name)),
            kind_link: e
                .kind
                .map(|k| self.term_link(Taxonomy::Kind, k.as_str(), kind_title(k.as_str()))),
            tag_links: Taxonomy::Tag
                .terms_of(e)
                .iter()
                .map(|(slug, name)| self.term_link(Taxonomy::Tag, slug, name))
                .collect(),
            json_ld: self.json_ld(e),
        }
    }

    /// Structured data for search engines: the article, its breadcrumb trail, its FAQ.
    fn json_ld(&self, e: &Entry) -> String {
        let url = self.absolute(&self.url(&format!("{}/", e.id)));
        let crumbs = [
            (
                self.tool_title(&e.tool),
                self.absolute(&self.url(&format!("{}/", e.tool))),
            ),
            (
                e.category.clone(),
                self.absolute(&self.url(&format!("category/{}/", category_slug(&e.category)))),
            ),
            (e.title.clone(), url.clone()),
        ];
        let mut graph = vec![
            ld::Node::Article(ld::Article {
                kind: "TechArticle",
                citation: e
                    .sources
                    .iter()
                    .map(|s| ld::Work {
                        kind: "CreativeWork",
                        name: &s.title,
                        url: &s.url,
                    })
                    .collect(),
                date_modified: e.updated.to_string(),
                description: &e.summary,
                headline: &e.title,
                in_language: &self.view.language,
                url,
            }),
            ld::Node::Breadcrumbs(ld::Breadcrumbs {
                kind: "BreadcrumbList",
                items: crumbs
                    .iter()
                    .enumerate()
                    .map(|(i, (name, item))| ld::Crumb {
                        kind: "ListItem",
                        item,
                        name,
                        position: i + 1,
                    })
                    .collect(),
            }),
        ];
        if !e.faq.is_empty() {
            graph.push(ld::Node::Faq(ld::FaqPage {
                kind: "FAQPage",
                main_entity: e
                    .faq
                    .iter()
                    .map(|f| ld::Question {
                        kind: "Question",
                        accepted_answer: ld::Answer {
                            kind: "Answer",
                            text: markdown::plain_text(&f.a),
                        },
                        name: markdown::plain_text(&f.q),
                    })
                    .collect(),
            }));
        }
        let doc = ld::Document {
            context: "https://schema.org",
            graph,
        };
        let json = serde_json::to_string(&doc).unwrap_or_default();
        // Inside <script>, `</` could end the element: JSON allows `<\/` for it.
        if json.contains("</") {
            json.replace("</", "<\\/")
        } else {
            json
        }
    }

    fn entry_page(&self, t: &TemplateSet, e: &Entry) -> Result<Page, Diagnostic> {
        let entry = self.entry_view(e);
        let breadcrumbs = vec![entry.tool.clone(), entry.category.clone()];
        let mut page = self.meta(
            format!("{} | {}", e.title, self.view.title),
            e.summary.clone(),
            &format!("{}/", e.id),
            breadcrumbs,
        );
        page.og_type = "article";
        let html = t.render("entry.html", &self.site_value, &EntryPage { page, entry })?;
        Ok(Page {
            path: format!("{}/index.html", e.id),
            content: html.into_bytes(),
        })
    }

    fn home_page(&self, t: &TemplateSet) -> Result<Page, Diagnostic> {
        let recent = self
            .recent()
            .into_iter()
            .take(10)
            .map(|e| self.summary(e))
            .collect();
        let page = self.meta(
            self.view.title.clone(),
            self.view.description.clone(),
            "",
            Vec::new(),
        );
        let html = t.render(
            "home.html",
            &self.site_value,
            &HomePage {
                page,
                categories: self.categories(),
                recent,
                entry_count: self.site.entries.len(),
            },
        )?;
        Ok(Page {
            path: "index.html".into(),
            content: html.into_bytes(),
        })
    }

    /// Categories as list items: slug, name, URL and count.
    fn categories(&self) -> Vec<ToolView> {
        self.terms(Taxonomy::Category)
    }

    /// The terms of a taxonomy with their entry counts, sorted by slug.
    fn terms(&self, taxonomy: Taxonomy) -> Vec<ToolView> {
        let mut by_slug: BTreeMap<String, (String, usize)> = BTreeMap::new();
        for e in &self.site.entries {
            for (slug, name) in taxonomy.terms_of(e) {
                by_slug.entry(slug).or_insert((name, 0)).1 += 1;
            }
        }
        by_slug
            .into_iter()
            .map(|(slug, (name, count))| ToolView {
                url: self.url(&format!("{}/{slug}/", taxonomy.prefix())),
                title: taxonomy.title(&name),
                slug,
                description: taxonomy.description(&name),
                homepage: None,
                count,
            })
            .collect()
    }

    fn term_link(&self, taxonomy: Taxonomy, slug: &str, name: &str) -> Link {
        Link {
            title: name.to_string(),
            url: self.url(&format!("{}/{slug}/", taxonomy.prefix())),
        }
    }

    /// Related errors, as the site model chose them.
    fn related(&self, e: &Entry) -> Vec<EntrySummary> {
        self.position
            .get(e.id.as_str())
            .map(|&i| {
                self.site.related[i]
                    .iter()
                    .map(|&j| self.summary(&self.site.entries[j]))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The tool, category, code, kind and tag pages whose output path `want` accepts, rendered
    /// on every core.
    fn list_pages(
        &self,
        t: &TemplateSet,
        want: &(dyn Fn(&str) -> bool + Sync),
    ) -> Vec<Result<Page, Diagnostic>> {
        // (the page's item, its list kind, its entries), each list gathered in one pass.
        let mut lists: Vec<(ToolView, &'static str, Vec<&Entry>)> = Vec::new();
        for tool in &self.view.tools {
            if want(&format!("{}/index.html", tool.slug)) {
                let entries = self
                    .site
                    .entries
                    .iter()
                    .filter(|e| e.tool == tool.slug)
                    .map(|e| &**e)
                    .collect();
                lists.push((tool.clone(), "tool", entries));
            }
        }
        for taxonomy in Taxonomy::ALL {
            let mut members: HashMap<String, Vec<&Entry>> = HashMap::new();
            for e in &self.site.entries {
                for (slug, _) in taxonomy.terms_of(e) {
                    members.entry(slug).or_default().push(e);
                }
            }
            for term in self.terms(taxonomy) {
                if want(&format!("{}/{}/index.html", taxonomy.prefix(), term.slug)) {
                    let entries = members.remove(&term.slug).unwrap_or_default();
                    lists.push((term, taxonomy.prefix(), entries));
                }
            }
        }
        lists
            .into_par_iter()
            .map(|(item, list_kind, entries)| {
                let (title, description) = if list_kind == "tool" {
                    let description = if item.description.is_empty() {
                        format!("Troubleshooting {} errors.", item.title)
                    } else {
                        item.description.clone()
                    };
                    (
                        format!("{} errors | {}", item.title, self.view.title),
                        description,
                    )
                } else {
                    (
                        format!("{} | {}", item.title, self.view.title),
                        item.description.clone(),
                    )
                };
                let path = if list_kind == "tool" {
                    format!("{}/", item.slug)
                } else {
                    format!("{list_kind}/{}/", item.slug)
                };
                let page = self.meta(title, description, &path, Vec::new());
                let entries = entries.into_iter().map(|e| self.summary(e)).collect();
                self.list_page(t, page, &item, list_kind, entries)
            })
            .collect()
    }

    fn list_page(
        &self,
        t: &TemplateSet,
        page: PageMeta,
        item: &ToolView,
        list_kind: &'static str,
        entries: Vec<EntrySummary>,
    ) -> Result<Page, Diagnostic> {
        let path = format!(
            "{}index.html",
            page.url
                .strip_prefix(&self.view.base_path)
                .unwrap_or(&page.url)
        );
        let html = t.render(
            "list.html",
            &self.site_value,
            &ListPage {
                heading: item.title.clone(),
                description: item.description.clone(),
                list_kind,
                homepage: item.homepage.clone(),
                page,
                entries,
            },
        )?;
        Ok(Page {
            path,
            content: html.into_bytes(),
        })
    }

    fn search_page(&self, t: &TemplateSet) -> Result<Page, Diagnostic> {
        let page = self.meta(
            format!("Search | {}", self.view.title),
            "Paste an error message to find the page that fixes it.".into(),
            "search/",
            Vec::new(),
        );
        let html = t.render(
            "search.html",
            &self.site_value,
            &SearchPage {
                page,
                categories: self.categories(),
            },
        )?;
        Ok(Page {
            path: "search/index.html".into(),
            content: html.into_bytes(),
        })
    }

    fn not_found_page(&self, t: &TemplateSet) -> Result<Page, Diagnostic> {
        let page = self.meta(
            format!("Page not found | {}", self.view.title),
            "This page does not exist.".into(),
            "404.html",
            Vec::new(),
        );
        let html = t.render("404.html", &self.site_value, &PlainPage { page })?;
        Ok(Page {
            path: "404.html".into(),
            content: html.into_bytes(),
        })
    }

    fn redirects(&self, t: &TemplateSet) -> Vec<Result<Page, Diagnostic>> {
        let aliases: Vec<(&Entry, &str)> = self
            .site
            .entries
            .iter()
            .flat_map(|e| e.aliases.iter().map(move |a| (&**e, a.value.as_str())))
            .collect();
        aliases
            .into_par_iter()
            .map(|(e, alias)| {
                let from = site::normalize_site_path(alias);
                let target = self.url(&format!("{}/", e.id));
                let page = self.meta(
                    e.title.clone(),
                    e.summary.clone(),
                    &format!("{}/", e.id),
                    Vec::new(),
                );
                let html = t.render(
                    "redirect.html",
                    &self.site_value,
                    &RedirectPage { page, target },
                );
                html.map(|html| Page {
                    path: format!("{}index.html", from.trim_start_matches('/')),
                    content: html.into_bytes(),
                })
            })
            .collect()
    }

    fn sitemap(&self, t: &TemplateSet) -> Result<Page, Diagnostic> {
        let mut urls = vec![SitemapUrl {
            loc: self.absolute(&self.url("")),
            lastmod: self
                .site
                .entries
                .iter()
                .map(|e| e.updated)
                .max()
                .map(|d| d.to_string()),
        }];
        for tool in &self.view.tools {
            urls.push(SitemapUrl {
                loc: self.absolute(&tool.url),
                lastmod: None,
            });
        }
        for taxonomy in Taxonomy::ALL {
            for term in self.terms(taxonomy) {
                urls.push(SitemapUrl {
                    loc: self.absolute(&term.url),
                    lastmod: None,
                });
            }
        }
        urls.push(SitemapUrl {
            loc: self.absolute(&self.view.search_url),
            lastmod: None,
        });
        for e in &self.site.entries {
            urls.push(SitemapUrl {
                loc: self.absolute(&self.url(&format!("{}/", e.id))),
                lastmod: Some(e.updated.to_string()),
            });
        }
        let xml = t.render("sitemap.xml", &self.site_value, &SitemapPage { urls })?;
        Ok(Page {
            path: "sitemap.xml".into(),
            content: xml.into_bytes(),
        })
    }

    /// Entries by date, newest first (ties by id).
    fn recent(&self) -> Vec<&Entry> {
        let mut recent: Vec<&Entry> = self.site.entries.iter().map(|e| &**e).collect();
        recent.sort_by(|a, b| b.updated.cmp(&a.updated).then_with(|| a.id.cmp(&b.id)));
        recent
    }

    fn feed(&self, t: &TemplateSet) -> Result<Page, Diagnostic> {
        let entries = self
            .recent()
            .into_iter()
            .take(20)
            .map(|e| {
                let mut s = self.summary(e);
                s.url = self.absolute(&s.url);
                s
            })
            .collect();
        let xml = t.render(
            "atom.xml",
            &self.site_value,
            &FeedPage {
                feed_url: self.absolute(&self.url("atom.xml")),
                home_url: self.absolute(&self.url("")),
                updated: self
                    .site
                    .entries
                    .iter()
                    .map(|e| e.updated)
                    .max()
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "1970-01-01".into()),
                entries,
            },
        )?;
        Ok(Page {
            path: "atom.xml".into(),
            content: xml.into_bytes(),
        })
    }

    fn robots(&self, t: &TemplateSet) -> Result<Page, Diagnostic> {
        let page = self.meta(String::new(), String::new(), "sitemap.xml", Vec::new());
        let txt = t.render("robots.txt", &self.site_value, &PlainPage { page })?;
        Ok(Page {
            path: "robots.txt".into(),
            content: txt.into_bytes(),
        })
    }
}

/// Turns `[x](../tool/slug.md#a)` into `[x](/tool/slug/#a)` for an entry's body.
fn rewrite_md_links_for<'a>(md: &'a str, from_id: &str) -> std::borrow::Cow<'a, str> {
    if !md.contains(".md") {
        return md.into();
    }
    let mut out = String::with_capacity(md.len());
    let mut last = 0;
    for (url, range) in markdown::links(md) {
        if let Some((id, anchor)) =
            site::resolve_link(from_id, &url).filter(|_| url.contains(".md"))
        {
            let new = format!(
                "/{id}/{}",
                anchor.map(|a| format!("#{a}")).unwrap_or_default()
            );
            let link = &md[range.clone()];
            if let Some(pos) = link.rfind(url.as_str()) {
                out.push_str(&md[last..range.start + pos]);
                out.push_str(&new);
                last = range.start + pos + url.len();
            }
        }
    }
    out.push_str(&md[last..]);
    out.into()
}

fn asset_url(assets: &Assets, base_path: &str, name: &str) -> String {
    let path = assets.files.get(name).map_or(name, String::as_str);
    format!("{base_path}{path}")
}

/// The default static files, compiled in. A site's `static/<name>` replaces the one named alike.
pub const DEFAULT_STATIC: [(&str, &[u8]); 4] = [
    ("search.js", include_bytes!("../static/search.js")),
    ("site.js", include_bytes!("../static/site.js")),
    ("theme.js", include_bytes!("../static/theme.js")),
    ("style.css", include_bytes!("../static/style.css")),
];

/// The static files to copy: the defaults, then the site's own `static/` over them; CSS and
/// JavaScript fingerprinted. Returns the files and where each went.
pub fn static_files(static_dir: &Path) -> Result<(Vec<Page>, Assets), Vec<Diagnostic>> {
    let mut files: BTreeMap<String, Vec<u8>> = DEFAULT_STATIC
        .iter()
        .map(|(name, bytes)| (name.to_string(), bytes.to_vec()))
        .collect();
    let mut problems = Vec::new();
    if static_dir.is_dir() {
        for item in walkdir::WalkDir::new(static_dir).sort_by_file_name() {
            match item {
                Ok(i) if i.file_type().is_file() => {
                    let rel = i.path().strip_prefix(static_dir).unwrap_or(i.path());
                    let name = rel.to_string_lossy().replace('\\', "/");
                    match std::fs::read(i.path()) {
                        Ok(bytes) => {
                            files.insert(name, bytes);
                        }
                        Err(e) => problems.push(Diagnostic::new(
                            Problem::Io {
                                detail: e.to_string(),
                            },
                            Path::new("static").join(rel),
                            None,
                        )),
                    }
                }
                Ok(_) => {}
                Err(e) => problems.push(Diagnostic::new(
                    Problem::Io {
                        detail: e.to_string(),
                    },
                    "static",
                    None,
                )),
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    // CSS and JavaScript get their content's hash in their names, so they can be cached forever.
    let mut assets = Assets::default();
    let mut pages = Vec::with_capacity(files.len());
    for (name, content) in files {
        let path = match name.rsplit_once('.') {
            Some((stem, ext @ ("css" | "js"))) => crate::search::fingerprint(stem, ext, &content),
            _ => name.clone(),
        };
        assets.files.insert(name, path.clone());
        pages.push(Page { path, content });
    }
    Ok((pages, assets))
}

/// The JSON-LD of an entry page (schema.org), serialized straight from these types. Fields are
/// declared in name order, so the JSON's keys come out sorted.
mod ld {
    use serde::Serialize;

    #[derive(Serialize)]
    pub struct Document<'a> {
        #[serde(rename = "@context")]
        pub context: &'static str,
        #[serde(rename = "@graph")]
        pub graph: Vec<Node<'a>>,
    }

    #[derive(Serialize)]
    #[serde(untagged)]
    pub enum Node<'a> {
        Article(Article<'a>),
        Breadcrumbs(Breadcrumbs<'a>),
        Faq(FaqPage),
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Article<'a> {
        #[serde(rename = "@type")]
        pub kind: &'static str,
        pub citation: Vec<Work<'a>>,
        pub date_modified: String,
        pub description: &'a str,
        pub headline: &'a str,
        pub in_language: &'a str,
        pub url: String,
    }

    #[derive(Serialize)]
    pub struct Work<'a> {
        #[serde(rename = "@type")]
        pub kind: &'static str,
        pub name: &'a str,
        pub url: &'a str,
    }

    #[derive(Serialize)]
    pub struct Breadcrumbs<'a> {
        #[serde(rename = "@type")]
        pub kind: &'static str,
        #[serde(rename = "itemListElement")]
        pub items: Vec<Crumb<'a>>,
    }

    #[derive(Serialize)]
    pub struct Crumb<'a> {
        #[serde(rename = "@type")]
        pub kind: &'static str,
        pub item: &'a str,
        pub name: &'a str,
        pub position: usize,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    pub struct FaqPage {
        #[serde(rename = "@type")]
        pub kind: &'static str,
        pub main_entity: Vec<Question>,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Question {
        #[serde(rename = "@type")]
        pub kind: &'static str,
        pub accepted_answer: Answer,
        pub name: String,
    }

    #[derive(Serialize)]
    pub struct Answer {
        #[serde(rename = "@type")]
        pub kind: &'static str,
        pub text: String,
    }
}
