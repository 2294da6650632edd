//! An entry's page: its view (body and inline fields rendered, table of contents, related
//! errors, taxonomy links) and its JSON-LD.

use super::pages::Renderer;
use super::taxonomy::{Taxonomy, category_slug, kind_title};
use super::templates::TemplateSet;
use super::views::*;
use super::{Page, PageKind};
use crate::diagnostic::Diagnostic;
use crate::entry::Entry;
use crate::labels::{Labels, fill};
use crate::markdown;
use crate::urls;

/// How much of the error signature a report's prefilled body quotes, in characters.
const REPORT_SIGNATURE_CHARS: usize = 1000;

/// The heading of a fixed section of an entry page, by its id (`urls::SECTION_IDS`).
fn section_title<'l>(labels: &'l Labels, id: &str) -> &'l str {
    match id {
        "causes" => &labels.causes,
        "quick-fixes" => &labels.quick_fixes,
        "checks" => &labels.checks,
        "steps" => &labels.steps,
        "prevention" => &labels.prevention,
        "sources" => &labels.sources,
        "related" => &labels.related,
        "faq" => &labels.faq,
        _ => "",
    }
}

impl Renderer<'_> {
    pub(super) fn entry_view(&self, e: &Entry) -> EntryView {
        let mut toc: Vec<TocItem> = e
            .headings
            .iter()
            .filter(|h| h.level == 2)
            .map(|h| TocItem {
                id: h.id.clone(),
                title: h.text.clone(),
            })
            .collect();
        let related = self.related(e);
        toc.extend(
            e.sections(!related.is_empty())
                .into_iter()
                .map(|id| TocItem {
                    id: id.to_string(),
                    title: section_title(self.labels(), id).to_string(),
                }),
        );
        let category_url = self.url(&format!("category/{}/", category_slug(&e.category)));
        EntryView {
            id: e.id.clone(),
            url: self.url(&format!("{}/", e.id)),
            title: e.title.clone(),
            summary: e.summary.clone(),
            signature: e.signature.value.clone(),
            signature_html: pattern_html(&e.signature.value),
            variants: e.variants.clone(),
            variants_html: e.variants.iter().map(|v| pattern_html(v)).collect(),
            code: e.code.clone(),
            kind: e.kind.clone(),
            tool: Link {
                title: self.tool_title(&e.tool),
                url: self.tool_url(&e.tool),
            },
            category: Link {
                title: e.category.clone(),
                url: category_url,
            },
            quick_fix_html: self.inline(&e.quick_fix, &e.id),
            updated: e.updated.to_string(),
            updated_human: self.labels().date(e.updated),
            body_html: e.body_html.clone(),
            toc,
            causes: self.inlines(&e.causes, &e.id),
            quick_fixes: self.inlines(&e.quick_fixes, &e.id),
            checks: self.inlines(&e.checks, &e.id),
            steps: self.inlines(&e.steps, &e.id),
            prevention: self.inlines(&e.prevention, &e.id),
            sources: e
                .sources
                .iter()
                .map(|s| {
                    let verified = self.verified(&s.url, &s.quotes);
                    SourceView {
                        verified_human: verified
                            .parse()
                            .map(|d| self.labels().date(d))
                            .unwrap_or_default(),
                        verified,
                        url: s.url.clone(),
                        title: s.title.clone(),
                        note: self.inline(&s.note, &e.id),
                        checked: s.checked.map(|d| d.to_string()).unwrap_or_default(),
                        checked_human: s.checked.map(|d| self.labels().date(d)).unwrap_or_default(),
                        quotes: s.quotes.clone(),
                    }
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
                        &f.a,
                        &self.view.base_path,
                        &mut Vec::new(),
                        &|url: &str| urls::md_link_url(&e.id, url),
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
            report_url: self
                .site
                .config
                .report_url
                .as_ref()
                .map(|t| self.report_url(t, e)),
            code_link: Taxonomy::Code
                .terms_of(e)
                .first()
                .map(|(slug, name)| self.term_link(Taxonomy::Code, slug, name)),
            kind_link: e
                .kind
                .as_deref()
                .map(|k| self.term_link(Taxonomy::Kind, k, &kind_title(&self.site.config, k))),
            tag_links: Taxonomy::Tag
                .terms_of(e)
                .iter()
                .map(|(slug, name)| self.term_link(Taxonomy::Tag, slug, name))
                .collect(),
            json_ld: self.json_ld(e),
        }
    }

    /// The tracker's new-issue address with the page's title, URL and error signature filled
    /// in (`title=` and `body=`, the parameters GitHub, Gitea and Forgejo read).
    fn report_url(&self, tracker: &str, e: &Entry) -> String {
        let page = self.absolute(&self.url(&format!("{}/", e.id)));
        // Trackers refuse an address of more than a few kilobytes: a signature that long is
        // cut (the page's URL leads to the rest).
        let signature: String = e
            .signature
            .value
            .chars()
            .take(REPORT_SIGNATURE_CHARS)
            .collect();
        let cut = if signature.len() < e.signature.value.len() {
            "\n…"
        } else {
            ""
        };
        // A fence longer than any run of backticks in the signature, so none can close it.
        let longest = signature
            .split(|c| c != '`')
            .map(str::len)
            .max()
            .unwrap_or(0);
        let fence = "`".repeat(longest.max(2) + 1);
        let title = fill(&self.labels().report_title, &[("title", &e.title)]);
        let body = format!(
            "Page: {}\nURL: {page}\n\nError signature:\n\n{fence}\n{signature}{cut}\n{fence}\n\n\
             What happened? (what you tried, what you saw instead, the tool's version and your \
             platform)\n",
            e.title
        );
        urls::with_query(tracker, &[("title", &title), ("body", &body)])
    }

    /// Structured data for search engines: the article, its breadcrumb trail, its FAQ.
    fn json_ld(&self, e: &Entry) -> String {
        let url = self.absolute(&self.url(&format!("{}/", e.id)));
        // The trail the page shows: its tool only where pages show the tool layer.
        let tool = (
            self.tool_title(&e.tool),
            self.absolute(&self.tool_url(&e.tool)),
        );
        let crumbs: Vec<(String, String)> = self
            .view
            .tool_layer
            .then_some(tool)
            .into_iter()
            .chain([
                (
                    e.category.clone(),
                    self.absolute(&self.url(&format!("category/{}/", category_slug(&e.category)))),
                ),
                (e.title.clone(), url.clone()),
            ])
            .collect();
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
        super::json_for_script(&serde_json::to_string(&doc).unwrap_or_default())
    }

    /// The key of entry `e`'s page (at `i` in the site's entries): `shared` (what every page is
    /// made from) with the entry as parsed and what the page shows of its related errors.
    pub(super) fn entry_key(
        &self,
        mut shared: crate::incremental::Hash128,
        i: usize,
        e: &Entry,
    ) -> u128 {
        shared.debug(e);
        for &j in self.site.related.get(i).map_or(&[][..], Vec::as_slice) {
            shared.debug(&self.summary(&self.site.entries[j]));
        }
        shared.finish()
    }

    pub(super) fn entry_page(&self, t: &TemplateSet, e: &Entry) -> Result<Page, Diagnostic> {
        let entry = self.entry_view(e);
        let breadcrumbs = if self.view.tool_layer {
            vec![entry.tool.clone(), entry.category.clone()]
        } else {
            vec![entry.category.clone()]
        };
        let mut page = self.meta(
            format!("{} | {}", e.title, self.view.title),
            e.summary.clone(),
            &format!("{}/", e.id),
            breadcrumbs,
        );
        page.og_type = "article";
        let html = t.render(
            PageKind::Entry.template(),
            &self.site_value,
            &EntryPage { page, entry },
        )?;
        Ok(Page {
            path: format!("{}/index.html", e.id),
            content: html.into_bytes(),
        })
    }

    /// The date `sources.lock` says a source was last found answering with every quote of
    /// this entry's (moved pages count: they answer), or empty.
    fn verified(&self, url: &str, quotes: &[String]) -> String {
        use crate::sources::lock::Verdict;
        match self.site.source_records.sources.get(url) {
            Some(r)
                if matches!(r.verdict, Verdict::Ok | Verdict::Moved)
                    && quotes.iter().all(|q| r.quotes.get(q) == Some(&true)) =>
            {
                r.verified.clone()
            }
            _ => String::new(),
        }
    }
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

/// A signature or variant as HTML: escaped, each `{{name}}` placeholder as
/// `<var class="placeholder">name</var>`.
pub(super) fn pattern_html(text: &str) -> String {
    let escape = |s: &str| {
        let mut buf = Vec::with_capacity(s.len());
        // Writing to a Vec cannot fail.
        let _ = tera::escape_html(s, &mut buf);
        String::from_utf8(buf).unwrap_or_default()
    };
    let Some(re) = crate::search::PLACEHOLDER.as_ref() else {
        return escape(text);
    };
    let mut out = String::with_capacity(text.len() + 16);
    let mut last = 0;
    for c in re.captures_iter(text) {
        let (Some(m), Some(name)) = (c.get(0), c.get(1)) else {
            continue;
        };
        out.push_str(&escape(&text[last..m.start()]));
        out.push_str(r#"<var class="placeholder">"#);
        out.push_str(&escape(name.as_str()));
        out.push_str("</var>");
        last = m.end();
    }
    out.push_str(&escape(&text[last..]));
    out
}
