//! The typed views templates see: the template API, mirrored in docs/templates.md. Keep them in
//! step.

use std::collections::BTreeMap;

use serde::Serialize;

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
    /// The feed's title (`labels.feed_title` with the site's title).
    pub feed_title: String,
    /// The search manifest's URL (`/search/manifest.json`, not fingerprinted), which names the
    /// fingerprinted index; read by the search script.
    pub search_index: String,
    /// The search page's URL: `/search/`.
    pub search_url: String,
    /// Every fingerprinted static file: its name in `static/` → its URL.
    pub assets: BTreeMap<String, String>,
    /// The tools with entries. Empty when the site has no tool layer (its entries are directly
    /// in `content/`).
    pub tools: Vec<ToolView>,
    /// True when pages show the tool layer: navigation, breadcrumb, filters. False for a site
    /// whose entries are directly in `content/` and for a site with a single tool.
    pub tool_layer: bool,
    /// The UI's words (site.yaml's `labels`; English by default).
    pub labels: crate::labels::Labels,
    /// The labels the page scripts print, as JSON ready for a `<script type="application/json">`
    /// (print with `| safe`).
    pub script_labels: String,
    /// An example for the paste box: `labels.paste_example` with the first line of an entry's
    /// signature (placeholders shown as `…`), or empty for a site without entries.
    pub paste_example: String,
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
    pub signature_html: String,
    pub code: Option<String>,
    pub tool: String,
    /// `YYYY-MM-DD`
    pub updated: String,
    /// The date as the site writes it.
    pub updated_human: String,
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
    /// `checked` as the site writes dates (`labels.date`), or empty.
    pub checked_human: String,
    /// Verbatim passages of the source (plain text).
    pub quotes: Vec<String>,
    /// `YYYY-MM-DD` when `errdex sources` last found the page answering and holding every
    /// quote (from `sources.lock`), or empty.
    pub verified: String,
    /// `verified` as the site writes dates, or empty.
    pub verified_human: String,
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
    pub signature_html: String,
    pub variants: Vec<String>,
    pub variants_html: Vec<String>,
    pub code: Option<String>,
    pub kind: Option<String>,
    pub tool: Link,
    pub category: Link,
    pub quick_fix_html: String,
    /// `YYYY-MM-DD`
    pub updated: String,
    /// `20 November 2026`: the date as the site writes it (`labels.date` and `labels.months`).
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
    /// `report_url` from site.yaml with a prefilled `title` and `body` in its query; `None`
    /// when site.yaml has none.
    pub report_url: Option<String>,
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
pub(super) struct EntryPage {
    pub(super) page: PageMeta,
    pub(super) entry: EntryView,
}

#[derive(Serialize)]
pub(super) struct HomePage {
    pub(super) page: PageMeta,
    pub(super) categories: Vec<ToolView>,
    pub(super) recent: Vec<EntrySummary>,
    pub(super) entry_count: usize,
}

#[derive(Serialize)]
pub(super) struct ListPage {
    pub(super) page: PageMeta,
    pub(super) heading: String,
    pub(super) description: String,
    /// `tool` or `category`
    pub(super) list_kind: &'static str,
    pub(super) homepage: Option<String>,
    pub(super) entries: Vec<EntrySummary>,
}

#[derive(Serialize)]
pub(super) struct SearchPage {
    pub(super) page: PageMeta,
    pub(super) categories: Vec<ToolView>,
    /// The kinds that some entry has (`slug` is the kind's id), for the search filter.
    pub(super) kinds: Vec<ToolView>,
}

#[derive(Serialize)]
pub(super) struct PlainPage {
    pub(super) page: PageMeta,
}

#[derive(Serialize)]
pub(super) struct RedirectPage {
    pub(super) page: PageMeta,
    pub(super) target: String,
}

#[derive(Serialize)]
pub(super) struct FeedPage {
    /// Absolute URL of the feed itself.
    pub(super) feed_url: String,
    /// Absolute URL of the home page.
    pub(super) home_url: String,
    /// The newest entry's date, `YYYY-MM-DD`.
    pub(super) updated: String,
    /// The most recently updated entries (at most 20), with absolute URLs.
    pub(super) entries: Vec<EntrySummary>,
}

#[derive(Serialize)]
pub(super) struct SitemapPage {
    pub(super) urls: Vec<SitemapUrl>,
}

#[derive(Serialize)]
pub(super) struct SitemapUrl {
    pub(super) loc: String,
    pub(super) lastmod: Option<String>,
}
