//! The ways entries are grouped, each with its own pages: `/category/…/`, `/code/401/`,
//! `/kind/auth/`, `/tag/…/`.

use crate::config::Config;
use crate::entry::Entry;
use crate::labels::fill;
use crate::markdown;
use crate::urls::prefix;

/// A category: the name shown and its slug in `/category/<slug>/`.
pub(super) fn category_slug(name: &str) -> String {
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
            Taxonomy::Category => prefix::CATEGORY,
            Taxonomy::Code => prefix::CODE,
            Taxonomy::Kind => prefix::KIND,
            Taxonomy::Tag => prefix::TAG,
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
            Taxonomy::Kind => e.kind.iter().map(|k| (k.clone(), k.clone())).collect(),
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
    pub(super) fn title(self, name: &str, config: &Config) -> String {
        let l = &config.labels;
        match self {
            Taxonomy::Category => name.to_string(),
            Taxonomy::Code => fill(&l.code_heading, &[("code", name)]),
            Taxonomy::Kind => kind_title(config, name),
            Taxonomy::Tag => fill(&l.tag_heading, &[("tag", name)]),
        }
    }

    pub(super) fn description(self, name: &str, config: &Config) -> String {
        let l = &config.labels;
        match self {
            Taxonomy::Category => fill(&l.category_description, &[("category", name)]),
            Taxonomy::Code => fill(&l.code_description, &[("code", name)]),
            Taxonomy::Kind => config
                .kind(name)
                .and_then(|k| k.description.clone())
                .unwrap_or_else(|| {
                    fill(&l.kind_description, &[("kind", &kind_title(config, name))])
                }),
            Taxonomy::Tag => fill(&l.tag_description, &[("tag", name)]),
        }
    }
}

/// The display name of one of the site's kinds (`title` in site.yaml's `kinds`).
pub fn kind_title(config: &Config, kind: &str) -> String {
    config
        .kind(kind)
        .map_or_else(|| kind.to_string(), |k| k.title.clone())
}
