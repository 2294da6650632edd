//! The words the pages print that are not content: headings, buttons, the dates' month names.
//!
//! English by default; `labels:` in site.yaml replaces any of them, so a site in French or
//! Japanese reads naturally (`language:` sets `<html lang>`). Templates see them as
//! `site.labels`; the page scripts get the ones they print through a JSON block in the page.
//!
//! A label may hold `{name}` placeholders, each filled by the page (`{count} results`); which
//! names a label may use is part of its definition, and `check` reports any other at its value.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use crate::diagnostic::{Diagnostic, LineIndex, Problem};
use crate::yaml::{forbidden_control, range_of};

/// Defines [`Labels`] (the resolved words), `RawLabels` (as written, with positions) and
/// [`LABELS`] (each key with its English text and its placeholders, for docs and checks).
macro_rules! labels {
    ($( $(#[doc = $doc:literal])* $key:ident = $default:literal $([$($ph:literal),*])? ;)*) => {
        /// The site's words, every one resolved (site.yaml's or the English default).
        #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
        pub struct Labels {
            $( $(#[doc = $doc])* pub $key: String, )*
            /// The months' names, January first (12).
            pub months: Vec<String>,
        }

        impl Default for Labels {
            fn default() -> Self {
                Labels {
                    $( $key: $default.into(), )*
                    months: ENGLISH_MONTHS.iter().map(|m| (*m).to_string()).collect(),
                }
            }
        }

        /// `labels:` as written in site.yaml.
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        pub(crate) struct RawLabels {
            $( #[serde(default)] $key: Option<Spanned<String>>, )*
            #[serde(default)]
            months: Option<Spanned<Vec<Spanned<String>>>>,
        }

        /// Every label key with its English text and the placeholders it may use.
        pub const LABELS: &[(&str, &str, &[&str])] = &[
            $( (stringify!($key), $default, &[$($($ph),*)?]), )*
        ];

        impl RawLabels {
            /// The labels, or every problem with them (each at its value).
            pub(crate) fn resolve(self, path: &Path, text: &str) -> Result<Labels, Vec<Diagnostic>> {
                let mut problems = Vec::new();
                let mut labels = Labels::default();
                $(
                    if let Some(value) = self.$key {
                        let allowed: &[&str] = &[$($($ph),*)?];
                        match check_label(stringify!($key), &value.value, allowed) {
                            Ok(()) => labels.$key = value.value.clone(),
                            Err(problem) => problems.push(at(problem, &value, path, text)),
                        }
                    }
                )*
                if let Some(months) = self.months {
                    match check_months(&months) {
                        Ok(names) => labels.months = names,
                        Err((problem, range)) => problems.push(Diagnostic::new(
                            problem,
                            path,
                            Some(LineIndex::new(text).location(range_of(range.unwrap_or(&months), text, 0))),
                        )),
                    }
                }
                if problems.is_empty() { Ok(labels) } else { Err(problems) }
            }
        }
    };
}

const ENGLISH_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

labels! {
    /// How a date reads: `{day}`, `{month}` (its name from `months`), `{month_number}`, `{year}`.
    date = "{day} {month} {year}" ["day", "month", "month_number", "year"];

    // The frame of every page.
    /// The first link of every page, for keyboard users.
    skip_to_content = "Skip to content";
    /// The search buttons, the footer's link to the search page and its heading.
    search = "Search";
    /// The header search box's accessible name.
    search_label = "Search errors";
    /// The header search box's placeholder.
    search_placeholder = "Search or paste an error";
    /// The theme button, while the page is light.
    dark_mode = "Dark mode";
    /// The theme button, while the page is dark.
    light_mode = "Light mode";
    /// The footer's link to the feed.
    atom_feed = "Atom feed";
    /// The feed's title.
    feed_title = "{site}: recently updated" ["site"];
    /// The footer's link to the sitemap.
    sitemap = "Sitemap";
    /// The layer above entries (a tool, a product, a service), in the singular.
    tool = "Tool";
    /// The same, in the plural: the navigation's name and the home page's list.
    tools = "Tools";
    /// The search page's filter, when no tool is chosen.
    all_tools = "All tools";
    /// The breadcrumb trail's accessible name.
    breadcrumb = "Breadcrumb";
    /// One entry, after a count.
    entry_one = "entry";
    /// Several entries, after a count.
    entry_other = "entries";

    // The home page.
    /// The paste box's label.
    paste_error = "Paste your error";
    /// The paste box's placeholder; `{signature}` is the first line of an entry's signature.
    paste_example = "e.g. {signature}" ["signature"];
    /// The paste box's button.
    find_fix = "Find the fix";
    /// The result lists' accessible name.
    search_results = "Search results";
    /// The home page's and the search page's list of categories.
    categories = "Categories";
    /// The home page's list of the newest entries.
    recently_updated = "Recently updated";

    // An entry's page.
    /// The Category fact.
    category = "Category";
    /// The Error signature fact.
    error_signature = "Error signature";
    /// The control that unfolds a long signature.
    show_all = "Show all";
    /// The same control, unfolded.
    show_less = "Show less";
    /// What "Show all" shows, for screen readers (after "Show all").
    show_all_what = "of the error signature";
    /// The other forms of the signature.
    also_seen_as = "Also seen as";
    /// The Quick fix fact, and before each search result's quick fix.
    quick_fix = "Quick fix";
    /// The Updated fact.
    updated = "Updated";
    /// The Code fact.
    code = "Code";
    /// The Kind fact and the search page's filter.
    kind = "Kind";
    /// The search page's kind filter, when no kind is chosen.
    all_kinds = "All kinds";
    /// The Applies to fact.
    applies_to = "Applies to";
    /// The table of contents' heading.
    on_this_page = "On this page";
    /// The section of `causes`.
    causes = "Common causes";
    /// The section of `quick_fixes`.
    quick_fixes = "Quick fixes";
    /// The section of `checks`.
    checks = "Platform/tool-specific checks";
    /// The section of `steps`.
    steps = "Step-by-step troubleshooting";
    /// The section of `prevention`.
    prevention = "How to prevent it";
    /// The section of `sources`.
    sources = "Sources checked";
    /// The section of related entries.
    related = "Related errors";
    /// The section of `faq`.
    faq = "FAQ";
    /// The accessible name of a heading's `#` link.
    section_link = "Link to this section";
    /// Before a source's note.
    evidence_note = "Evidence note:";
    /// Before the date `errdex sources` last found a source holding its quotes.
    verified = "Verified";
    /// Before a source's `checked` date.
    checked = "Checked";
    /// Before the report link.
    did_it_fix = "Did this fix it?";
    /// The link to `report_url`.
    report_problem = "Report a problem";
    /// The prefilled title of a report.
    report_title = "Report: {title}" ["title"];
    /// Before the tag links.
    tags = "Tags:";
    /// Before the date in an entry's footer.
    last_updated = "Last updated";
    /// The link to `edit_url`.
    edit_page = "Edit this page";

    // Lists.
    /// A tool page's link to the tool's `homepage`.
    official_docs = "Official documentation";
    /// A tool page's `<title>` (before ` | ` and the site's title).
    tool_page_title = "{tool} errors" ["tool"];
    /// A tool page's description, when its `_section.yaml` has none.
    tool_description = "Troubleshooting {tool} errors." ["tool"];
    /// A category page's description.
    category_description = "Troubleshooting entries in {category}." ["category"];
    /// A code page's heading.
    code_heading = "Error code {code}" ["code"];
    /// A code page's description.
    code_description = "Errors that report the code {code}." ["code"];
    /// A kind page's description, when its `kinds:` item has none.
    kind_description = "{kind} errors." ["kind"];
    /// A tag page's heading.
    tag_heading = "Tagged \u{201c}{tag}\u{201d}" ["tag"];
    /// A tag page's description.
    tag_description = "Entries tagged {tag}." ["tag"];

    // The search page and the results.
    /// The search page's description.
    search_description = "Paste an error message to find the page that fixes it.";
    /// The search page's box label.
    search_prompt = "Paste your error or type a few words";
    /// The search page without JavaScript.
    search_noscript = "Search needs JavaScript, which is turned off. Browse the lists below instead.";
    /// Above the results when none is confident.
    not_confident = "No known error matches this confidently. The closest pages:";
    /// When nothing matches.
    no_match = "No page matches. Try the error code or the most specific words of the message.";
    /// Announced when nothing matches.
    no_results = "No results";
    /// Announced: one result.
    result_one = "{count} result" ["count"];
    /// Announced: several results.
    result_other = "{count} results" ["count"];
    /// Announced after the count when no result is confident.
    none_confident = "none matches confidently";
    /// When the search files cannot be loaded, before the reason.
    search_unavailable = "Search is unavailable:";

    // Copy buttons.
    /// A copy button.
    copy = "Copy";
    /// A copy button, once it copied.
    copied = "Copied";
    /// A copy button, where the clipboard cannot be written (the text is selected).
    copy_by_hand = "Press Ctrl+C";
    /// The signature's copy button's name.
    copy_signature = "Copy the error signature";
    /// A code block's copy button's name.
    copy_code = "Copy this code";
    /// An inline command's copy button's name; `{text}` is the command.
    copy_text = "Copy {text}" ["text"];

    // The page for a missing address.
    /// Its heading and title.
    not_found = "Page not found";
    /// Its description.
    not_found_description = "This page does not exist.";
    /// Its text.
    not_found_text = "There is no page at this address. It may have moved, or the link may be mistyped.";
    /// Its link home.
    go_home = "Go to the home page";

    // The page an `aliases` address leaves.
    /// Before the link to the entry's page.
    moved_to = "This page has moved to";
}

/// The labels the page scripts print (search results, copy buttons, the theme button).
pub const SCRIPT_LABELS: [&str; 16] = [
    "quick_fix",
    "not_confident",
    "no_match",
    "no_results",
    "result_one",
    "result_other",
    "none_confident",
    "search_unavailable",
    "copy",
    "copied",
    "copy_by_hand",
    "copy_signature",
    "copy_code",
    "copy_text",
    "dark_mode",
    "light_mode",
];

impl Labels {
    /// A date as the site writes it (`2 December 2026`).
    pub fn date(&self, date: jiff::civil::Date) -> String {
        let month = usize::try_from(date.month() - 1).unwrap_or(0);
        fill(
            &self.date,
            &[
                ("day", &date.day().to_string()),
                ("month", self.months.get(month).map_or("", String::as_str)),
                ("month_number", &date.month().to_string()),
                ("year", &date.year().to_string()),
            ],
        )
    }

    /// The labels the page scripts print, as a JSON object.
    pub fn script_json(&self) -> String {
        let all = serde_json::to_value(self).unwrap_or_default();
        let picked: serde_json::Map<String, serde_json::Value> = SCRIPT_LABELS
            .iter()
            .filter_map(|k| Some(((*k).to_string(), all.get(*k)?.clone())))
            .collect();
        serde_json::Value::Object(picked).to_string()
    }
}

/// `template` with each `{name}` replaced by its value (names not given stay as written).
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            values
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v, close))
        });
        match value {
            Some((v, close)) => {
                out.push_str(v);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The `{name}`s a label uses.
fn placeholders(value: &str) -> impl Iterator<Item = &str> {
    value.split('{').skip(1).filter_map(|s| {
        let name = &s[..s.find('}')?];
        (!name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
            .then_some(name)
    })
}

fn check_label(key: &str, value: &str, allowed: &[&str]) -> Result<(), Problem> {
    if let Some(c) = forbidden_control(value) {
        return Err(Problem::ControlCharacter {
            field: format!("labels.{key}"),
            code: u32::from(c),
        });
    }
    if value.trim().is_empty() {
        return Err(Problem::EmptyValue {
            field: format!("labels.{key}"),
        });
    }
    if let Some(unknown) = placeholders(value).find(|p| !allowed.contains(p)) {
        let hint = if allowed.is_empty() {
            format!("`{key}` takes no placeholder: remove `{{{unknown}}}`")
        } else {
            let names: Vec<String> = allowed.iter().map(|a| format!("`{{{a}}}`")).collect();
            format!("`{key}` may use {}", names.join(", "))
        };
        return Err(Problem::InvalidValue {
            detail: format!("label `{key}` uses the unknown placeholder `{{{unknown}}}`"),
            hint,
        });
    }
    Ok(())
}

type Months = Spanned<Vec<Spanned<String>>>;

fn check_months(months: &Months) -> Result<Vec<String>, (Problem, Option<&Months>)> {
    if months.value.len() != 12 {
        return Err((
            Problem::InvalidValue {
                detail: format!("`months` lists {} names", months.value.len()),
                hint: "list the twelve months' names, January first".into(),
            },
            None,
        ));
    }
    let mut names = Vec::with_capacity(12);
    for m in &months.value {
        check_label("months", &m.value, &[]).map_err(|p| (p, None))?;
        names.push(m.value.clone());
    }
    Ok(names)
}

fn at(problem: Problem, value: &Spanned<String>, path: &Path, text: &str) -> Diagnostic {
    let location = LineIndex::new(text).location(range_of(value, text, 0));
    Diagnostic::new(problem, path, Some(location))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_known_names_only() {
        assert_eq!(fill("{count} results", &[("count", "3")]), "3 results");
        assert_eq!(fill("a {b} {c}", &[("b", "x")]), "a x {c}");
        assert_eq!(fill("{ {x}", &[("x", "1")]), "{ 1");
        assert_eq!(fill("no braces", &[]), "no braces");
    }

    #[test]
    fn dates_follow_the_labels() {
        let d = jiff::civil::date(2026, 12, 2);
        assert_eq!(Labels::default().date(d), "2 December 2026");
        let ja = Labels {
            date: "{year}年{month_number}月{day}日".into(),
            ..Labels::default()
        };
        assert_eq!(ja.date(d), "2026年12月2日");
    }

    #[test]
    fn every_default_uses_only_its_placeholders() {
        for (key, default, allowed) in LABELS {
            assert!(check_label(key, default, allowed).is_ok(), "{key}");
        }
    }

    #[test]
    fn script_labels_are_labels() {
        for key in SCRIPT_LABELS {
            assert!(LABELS.iter().any(|(k, _, _)| *k == key), "{key}");
        }
        let labels = Labels {
            copy: "</script><b>".into(),
            ..Labels::default()
        };
        let json = labels.script_json();
        assert_eq!(json.matches('"').count(), 4 * SCRIPT_LABELS.len(), "{json}");
        let back: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
        assert_eq!(back["copy"], "</script><b>");
    }
}
