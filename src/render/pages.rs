//! The `Renderer`: the site turned into each page's view, rendered through the templates. The
//! entry page is in `entry_page`; everything else (home, tool and taxonomy lists, search, 404,
//! redirects, sitemap, feed, robots.txt) is here.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;

use super::assets::asset_url;
use super::taxonomy::Taxonomy;
use super::templates::TemplateSet;
use super::views::*;
use super::{Assets, Page, PageKind};
use crate::diagnostic::Diagnostic;
use crate::entry::Entry;
use crate::labels::{Labels, fill};
use crate::markdown;
use crate::site::Site;
use crate::urls;

pub(super) struct Renderer<'a> {
    pub(super) site: &'a Site,
    pub(super) view: SiteView,
    /// `view` as a template value, made once and shared by every page.
    pub(super) site_value: tera::Value,
    /// Entry id → its position in `site.entries`.
    pub(super) position: HashMap<&'a str, usize>,
    /// Tool slug → its display name.
    pub(super) tool_titles: HashMap<&'a str, &'a str>,
}

impl<'a> Renderer<'a> {
    pub(super) fn new(site: &'a Site, assets: &Assets) -> Self {
        let base_path = site.config.base_path();
        let tools: Vec<ToolView> = site
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
            // Entries directly in content/ have the tool "" and no tool page.
            .filter(|t| t.count > 0 && !t.slug.is_empty())
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
            feed_title: fill(
                &site.config.labels.feed_title,
                &[("site", &site.config.title)],
            ),
            search_index: format!("{base_path}{}", assets.search_index),
            search_url: format!("{base_path}search/"),
            assets: assets
                .files
                .iter()
                .map(|(name, path)| (name.clone(), format!("{base_path}{path}")))
                .collect(),
            base_path,
            language: site.config.language.clone(),
            tool_layer: tools.len() > 1,
            tools,
            labels: site.config.labels.clone(),
            script_labels: super::json_for_script(&site.config.labels.script_json()),
            paste_example: paste_example(site),
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
    pub(super) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.view.base_path)
    }

    pub(super) fn absolute(&self, url: &str) -> String {
        let origin = self
            .view
            .base_url
            .trim_end_matches(self.view.base_path.trim_end_matches('/'));
        format!("{origin}{url}")
    }

    pub(super) fn meta(
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

    /// The URL of a tool's page; the home page for the tool "" of a site without tool folders.
    pub(super) fn tool_url(&self, slug: &str) -> String {
        if slug.is_empty() {
            self.url("")
        } else {
            self.url(&format!("{slug}/"))
        }
    }

    /// The site's words (site.yaml's `labels`).
    pub(super) fn labels(&self) -> &Labels {
        &self.site.config.labels
    }

    pub(super) fn tool_title(&self, slug: &str) -> String {
        self.tool_titles
            .get(slug)
            .map_or_else(|| slug.to_string(), |t| t.to_string())
    }

    pub(super) fn summary(&self, e: &Entry) -> EntrySummary {
        EntrySummary {
            id: e.id.clone(),
            url: self.url(&format!("{}/", e.id)),
            title: e.title.clone(),
            summary: e.summary.clone(),
            signature: e.signature.value.clone(),
            signature_html: super::entry_page::pattern_html(&e.signature.value),
            code: e.code.clone(),
            tool: self.tool_title(&e.tool),
            updated: e.updated.to_string(),
            updated_human: self.labels().date(e.updated),
        }
    }

    /// An inline field of entry `id`, Markdown → HTML, with `x.md` links made page URLs.
    pub(super) fn inline(&self, md: &str, id: &str) -> String {
        let relink = |url: &str| urls::md_link_url(id, url);
        markdown::render_inline(md, &self.view.base_path, &relink)
    }

    pub(super) fn inlines(&self, list: &[String], id: &str) -> Vec<String> {
        list.iter().map(|s| self.inline(s, id)).collect()
    }

    /// The page of a kind that has exactly one; `None` for the others.
    pub(super) fn single(
        &self,
        t: &TemplateSet,
        kind: PageKind,
    ) -> Option<Result<Page, Diagnostic>> {
        Some(match kind {
            PageKind::Home => self.home_page(t),
            PageKind::NotFound => self.not_found_page(t),
            PageKind::Search => self.search_page(t),
            PageKind::Sitemap => self.sitemap(t),
            PageKind::Feed => self.feed(t),
            PageKind::Robots => self.robots(t),
            PageKind::Entry | PageKind::List | PageKind::Redirect => return None,
        })
    }

    pub(super) fn home_page(&self, t: &TemplateSet) -> Result<Page, Diagnostic> {
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
            PageKind::Home.template(),
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
                title: taxonomy.title(&name, &self.site.config),
                slug,
                description: taxonomy.description(&name, &self.site.config),
                homepage: None,
                count,
            })
            .collect()
    }

    pub(super) fn term_link(&self, taxonomy: Taxonomy, slug: &str, name: &str) -> Link {
        Link {
            title: name.to_string(),
            url: self.url(&format!("{}/{slug}/", taxonomy.prefix())),
        }
    }

    /// Related errors, as the site model chose them.
    pub(super) fn related(&self, e: &Entry) -> Vec<EntrySummary> {
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
    pub(super) fn list_pages(
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
                let (title, description, path) = if list_kind == "tool" {
                    let description = if item.description.is_empty() {
                        fill(&self.labels().tool_description, &[("tool", &item.title)])
                    } else {
                        item.description.clone()
                    };
                    let title = format!(
                        "{} | {}",
                        fill(&self.labels().tool_page_title, &[("tool", &item.title)]),
                        self.view.title
                    );
                    (title, description, format!("{}/", item.slug))
                } else {
                    (
                        format!("{} | {}", item.title, self.view.title),
                        item.description.clone(),
                        format!("{list_kind}/{}/", item.slug),
                    )
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
            PageKind::List.template(),
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

    pub(super) fn search_page(&self, t: &TemplateSet) -> Result<Page, Diagnostic> {
        let page = self.meta(
            format!("{} | {}", self.labels().search, self.view.title),
            self.labels().search_description.clone(),
            "search/",
            Vec::new(),
        );
        let html = t.render(
            PageKind::Search.template(),
            &self.site_value,
            &SearchPage {
                page,
                categories: self.categories(),
                kinds: self.terms(Taxonomy::Kind),
            },
        )?;
        Ok(Page {
            path: "search/index.html".into(),
            content: html.into_bytes(),
        })
    }

    pub(super) fn not_found_page(&self, t: &TemplateSet) -> Result<Page, Diagnostic> {
        let page = self.meta(
            format!("{} | {}", self.labels().not_found, self.view.title),
            self.labels().not_found_description.clone(),
            "404.html",
            Vec::new(),
        );
        let html = t.render(
            PageKind::NotFound.template(),
            &self.site_value,
            &PlainPage { page },
        )?;
        Ok(Page {
            path: "404.html".into(),
            content: html.into_bytes(),
        })
    }

    pub(super) fn redirects(&self, t: &TemplateSet) -> Vec<Result<Page, Diagnostic>> {
        let aliases: Vec<(&Entry, &str)> = self
            .site
            .entries
            .iter()
            .flat_map(|e| e.aliases.iter().map(move |a| (&**e, a.value.as_str())))
            .collect();
        // An alias `check` refuses (E012) gets no page: it could name a path outside the output.
        aliases
            .into_par_iter()
            .filter_map(|(e, alias)| Some((e, urls::check_alias(alias).ok()?)))
            .map(|(e, from)| {
                let target = self.url(&format!("{}/", e.id));
                let page = self.meta(
                    e.title.clone(),
                    e.summary.clone(),
                    &format!("{}/", e.id),
                    Vec::new(),
                );
                let html = t.render(
                    PageKind::Redirect.template(),
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

    pub(super) fn sitemap(&self, t: &TemplateSet) -> Result<Page, Diagnostic> {
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
        let xml = t.render(
            PageKind::Sitemap.template(),
            &self.site_value,
            &SitemapPage { urls },
        )?;
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

    pub(super) fn feed(&self, t: &TemplateSet) -> Result<Page, Diagnostic> {
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
            PageKind::Feed.template(),
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

    pub(super) fn robots(&self, t: &TemplateSet) -> Result<Page, Diagnostic> {
        let page = self.meta(String::new(), String::new(), "sitemap.xml", Vec::new());
        let txt = t.render(
            PageKind::Robots.template(),
            &self.site_value,
            &PlainPage { page },
        )?;
        Ok(Page {
            path: "robots.txt".into(),
            content: txt.into_bytes(),
        })
    }
}

/// The paste box's example: the first line of the signature of the site's first entry (by id),
/// its placeholders shown as `…`.
fn paste_example(site: &Site) -> String {
    let Some(e) = site.entries.first() else {
        return String::new();
    };
    let line = e.signature.value.lines().next().unwrap_or_default();
    let line = crate::search::PLACEHOLDER
        .as_ref()
        .map_or_else(|| line.into(), |re| re.replace_all(line, "\u{2026}"));
    let line: String = line.chars().take(80).collect();
    fill(&site.config.labels.paste_example, &[("signature", &line)])
}
