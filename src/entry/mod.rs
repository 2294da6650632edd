//! One file's text → [`Entry`].
//!
//! Pure: `(path, text, section defaults) → Result<Entry, Vec<Diagnostic>>`, no I/O. The steps:
//! split the front matter off (BOM and CRLF accepted), read its keys and raw fields in one pass
//! with their positions (serde-saphyr's `Spanned`; every unknown key gets a did-you-mean), merge
//! the tool folder's defaults, then validate into a typed entry, collecting every problem rather
//! than stopping at the first. When the one pass fails (bad syntax, not a mapping, a duplicate
//! key, a value of the wrong type), the keys are surveyed on their own so that unknown and missing
//! fields are still reported beside the error. Every position is counted in the
//! *file*, not in the front matter.
//!
//! The parts: `fields` (the one declaration of the front-matter fields, from which the
//! [`Entry`] model, the raw and validated field types and the reader are generated),
//! `front_matter` (splitting, the one-pass read, the raw nested types, the JSON Schema),
//! `validate` (one rule per field), `quality` (warnings), `section` (`_section.yaml` and its
//! defaults), `skeleton` (what `errdex new` writes). YAML errors are translated by
//! [`crate::yaml`].

mod fields;
mod front_matter;
mod quality;
mod section;
pub mod skeleton;
mod validate;

use std::path::Path;
use std::sync::Arc;

use jiff::civil::Date;

use crate::diagnostic::{Diagnostic, Location, Problem, has_errors};
use crate::markdown;
use crate::urls;
use crate::yaml::yaml_error;

pub use fields::{Entry, FIELDS, RawFields, required_fields};
pub use front_matter::schema;
pub use quality::{PLACEHOLDER, SentenceKey};
pub use section::{Defaults, SectionMeta, parse_defaults};
use validate::Validator;

/// A value and where it was written, for checks that run after parsing (unknown `related` ids,
/// links that lead nowhere).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub location: Location,
}

/// A source checked for the entry, with what it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub url: String,
    pub title: String,
    /// The evidence note: what this source shows.
    pub note: String,
    pub checked: Option<Date>,
    /// Verbatim passages of the source that the entry rests on (`quote`).
    pub quotes: Vec<String>,
    /// Where the source's `url` is written (for the warnings about it).
    pub location: Location,
}

/// One question and its answer (Markdown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Faq {
    pub q: String,
    pub a: String,
}

impl Entry {
    /// The ids of the fixed sections its page shows, in page order (a section with nothing in
    /// it is left out); `has_related` from the site's related errors.
    pub fn sections(&self, has_related: bool) -> Vec<&'static str> {
        let present = [
            !self.causes.is_empty(),
            !self.quick_fixes.is_empty(),
            !self.checks.is_empty(),
            !self.steps.is_empty(),
            !self.prevention.is_empty(),
            !self.sources.is_empty(),
            has_related,
            !self.faq.is_empty(),
        ];
        urls::SECTION_IDS
            .into_iter()
            .zip(present)
            .filter_map(|(id, shown)| shown.then_some(id))
            .collect()
    }
}

/// Today's date, for "in the future" and "stale" checks. `ERRDEX_TODAY=YYYY-MM-DD` pins it, so
/// tests and reproducible builds do not depend on the clock.
pub fn today() -> Date {
    std::env::var("ERRDEX_TODAY")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| jiff::ZonedDateTime::now().date())
}

/// Settings the validation needs besides the file itself.
pub struct ParseContext<'a> {
    pub defaults: &'a Defaults,
    /// The ids of the site's kinds (`kinds` in site.yaml, or the default seven).
    pub kinds: &'a [String],
    pub today: Date,
    /// Entries not updated in this many days get a warning.
    pub stale_after_days: i64,
    /// The site's base path (`/`, `/errors/`), for the links in the body.
    pub base_path: &'a str,
}

/// Parses one entry file. `path` is relative to the site root (`content/<tool>/<slug>.md`);
/// `id` is the entry's id (`<tool>/<slug>`).
pub fn parse(path: &Path, id: &str, text: &str, cx: &ParseContext) -> Parsed {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let fail = |diagnostics| Parsed {
        entry: None,
        refs: None,
        diagnostics,
        sentences: Vec::new(),
    };
    let split = match front_matter::split_front_matter(path, text) {
        Ok(s) => s,
        Err(d) => return fail(vec![d]),
    };
    let read = match front_matter::read(path, text, &split) {
        Ok(r) => r,
        Err(d) => return fail(vec![d]),
    };
    let mut v = Validator::new(path, text, split.yaml_offset, cx.today, cx.kinds);
    v.escapes = validate::may_hold_controls(split.yaml);
    v.keys(&read.keys, cx.defaults);
    if v.problems
        .iter()
        .any(|d| matches!(*d.problem, Problem::MissingField { .. }))
        && let Some(d) = closed_early(path, text, &split)
    {
        v.problems.push(d);
    }
    if !read.errors.is_empty() {
        for e in &read.errors {
            v.problems
                .push(yaml_error(e, path, text, split.yaml_offset));
        }
        // The values that did read are checked too: every mistake in one run.
        v.fields(read.fields);
        return fail(v.problems);
    }
    v.null_values(&read.keys, &read.fields.present_keys());
    let own = v.fields(read.fields);
    let fields = own.or(&cx.defaults.fields);
    v.warnings(&fields, split.body, split.body_offset, cx.stale_after_days);
    let relink = |url: &str| urls::md_link_url(id, url);
    let body = markdown::render_body(
        &without_controls(split.body),
        cx.base_path,
        &mut urls::reserved_ids(),
        &relink,
    );
    let links = v.links(&body.links, split.body_offset);
    let (entry, refs) = if has_errors(&v.problems) {
        let refs = Refs {
            related: fields.related.unwrap_or_default(),
            links,
            aliases: fields.aliases.unwrap_or_default(),
        };
        (None, Some(refs))
    } else {
        (fields.into_entry(path, id, body, links).map(Arc::new), None)
    };
    let mut sentences = if entry.is_some() {
        std::mem::take(&mut v.sentences)
    } else {
        Vec::new()
    };
    sentences.sort_unstable_by_key(|s| s.hash);
    sentences.dedup_by_key(|s| s.hash);
    Parsed {
        entry,
        refs,
        diagnostics: v.problems,
        sentences,
    }
}

/// When fields are missing because a `---` line closed the front matter too early (a block
/// scalar holding one, unindented), the diagnostic that says so, at that line: the body then
/// starts with `field: value` lines before another `---`.
fn closed_early(path: &Path, text: &str, split: &front_matter::Split) -> Option<Diagnostic> {
    let fence = text[..split.body_offset.saturating_sub(1)]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let before = text[..split.body_offset].lines().count();
    for (n, line) in split.body.lines().enumerate() {
        if line.trim_end() == "---" {
            break;
        }
        let key = line.split_once(':').map(|(k, _)| k.trim_end());
        if let Some(field) = key.filter(|k| FIELDS.contains(k) && !line.starts_with(' ')) {
            let problem = Problem::ClosedEarly {
                field: field.to_string(),
                line: before + n + 1,
            };
            return Some(Diagnostic::at(problem, path, text, fence..fence + 3));
        }
    }
    None
}

/// The body with every control character but tab and line ends blanked (one space per byte,
/// so that positions in it stay those of the file): HTML cannot hold them, and a NUL or an
/// escape sequence pasted from a terminal must not reach the page.
fn without_controls(body: &str) -> std::borrow::Cow<'_, str> {
    if crate::yaml::forbidden_control(body).is_none() {
        return std::borrow::Cow::Borrowed(body);
    }
    let mut out = String::with_capacity(body.len());
    for c in body.chars() {
        if crate::yaml::is_forbidden_control(c) {
            out.extend(std::iter::repeat_n(' ', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// What parsing one file gave: the entry when it has no error, and every diagnostic.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub entry: Option<Arc<Entry>>,
    /// For a file with errors, what it links to, so the cross-entry checks still run on it
    /// in the same pass.
    pub refs: Option<Refs>,
    pub diagnostics: Vec<Diagnostic>,
    /// The entry's sentences of eight words or more (each once, sorted by hash), for the
    /// site-wide check of sentences shared by many entries; kept only while the site loads.
    pub sentences: Vec<SentenceKey>,
}

/// The `related` ids, links and aliases a file holds.
#[derive(Debug, Clone, Default)]
pub struct Refs {
    pub related: Vec<Located<String>>,
    pub links: Vec<Located<String>>,
    /// Checked for their form only (E012): whether they collide is known only for entries.
    pub aliases: Vec<Located<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Arc<Entry>, Vec<Diagnostic>> {
        let defaults = Defaults::default();
        let kinds: Vec<String> = crate::config::DEFAULT_KINDS
            .iter()
            .map(|(k, _)| (*k).to_string())
            .collect();
        let cx = ParseContext {
            defaults: &defaults,
            kinds: &kinds,
            today: "2026-11-28".parse().unwrap_or_default(),
            stale_after_days: 180,
            base_path: "/",
        };
        let parsed = parse(Path::new("content/t/e.md"), "t/e", text, &cx);
        match parsed.entry {
            Some(e) if parsed.diagnostics.is_empty() => Ok(e),
            _ => Err(parsed.diagnostics),
        }
    }

    const GOOD: &str = "---\ntitle: T\nsummary: S\nsignature: 'Error: x'\ncategory: C\nquick_fix: Q\nupdated: 2026-11-20\ncauses: [a]\nquick_fixes: [b]\nsources:\n  - url: https://example.com/\n    title: Ex\n    note: shows it\n---\n\n## What this error means\nBody.\n";

    fn problems(text: &str) -> Vec<(&'static str, usize, usize)> {
        parse_str(text)
            .err()
            .unwrap_or_default()
            .iter()
            .map(|d| {
                let l = d
                    .location
                    .as_ref()
                    .map_or((0, 0), |l| (l.start.line, l.start.column));
                (d.problem.code().0, l.0, l.1)
            })
            .collect()
    }

    #[test]
    fn one_pass_reads_every_field_with_its_key() {
        // A value of the right type for every field: each must land in the field of its name.
        let yaml: String = FIELDS
            .iter()
            .zip(fields::EXAMPLES)
            .map(|(name, value)| format!("{name}: {value}\n"))
            .collect();
        let split = front_matter::Split {
            yaml: &yaml,
            yaml_offset: 0,
            body: "",
            body_offset: yaml.len(),
        };
        let read = front_matter::read(Path::new("e.md"), &yaml, &split);
        let read = read.unwrap_or_else(|d| unreachable!("{d:?}"));
        assert!(read.errors.is_empty(), "{:?}", read.errors);
        let keys: Vec<&str> = read.keys.iter().map(|k| k.value.as_str()).collect();
        assert_eq!(keys, FIELDS);
        assert_eq!(read.fields.present_keys(), FIELDS);
    }

    #[test]
    fn a_good_entry_parses() {
        let e = parse_str(GOOD);
        assert!(e.is_ok(), "{e:?}");
        let e = e.unwrap_or_else(|_| unreachable!());
        assert_eq!(e.signature.value, "Error: x");
        assert_eq!(e.updated.to_string(), "2026-11-20");
        assert!(e.body_html.contains("<p>Body.</p>"));
        assert_eq!(e.headings[0].id, "what-this-error-means");
    }

    #[test]
    fn bad_inputs_point_at_the_file_line() {
        let cases: &[(&str, &str, usize, usize)] = &[
            ("no front matter\n", "E005", 1, 1),
            ("---\ntitle: x\n", "E006", 1, 1),
            ("---\n- a\n- b\n---\n", "E007", 2, 1),
            (&GOOD.replace("summary: S", "sumary: S"), "E002", 3, 1),
            (
                &GOOD.replace("updated: 2026-11-20", "updated: 2026-02-30"),
                "E010",
                7,
                10,
            ),
            (
                &GOOD.replace("updated: 2026-11-20", "updated: 2027-01-01"),
                "E011",
                7,
                10,
            ),
            (
                &GOOD.replace("quick_fix: Q\n", "quick_fix: Q\nquick_fix: R\n"),
                "E004",
                7,
                1,
            ),
            (&GOOD.replace("causes: [a]", "causes: {a: 1}"), "E003", 8, 9),
            (
                &GOOD.replace("https://example.com/", "javascript:alert(1)"),
                "E012",
                11,
                10,
            ),
            (&GOOD.replace("    note: shows it\n", ""), "E024", 11, 5),
            // A required field with no value is null to YAML: it must not drop the entry silently.
            (&GOOD.replace("title: T", "title:"), "E009", 2, 1),
            (&GOOD.replace("summary: S", "summary: ~"), "E009", 3, 1),
            // Every value of the wrong type, in one run.
            (
                &GOOD.replace("causes: [a]", "causes: x\ndraft: maybe"),
                "E003",
                9,
                8,
            ),
            (
                &GOOD.replace("\ntitle: T", "\ntitle: \"T\\x01\""),
                "E027",
                2,
                8,
            ),
        ];
        for (text, code, line, col) in cases {
            let got = problems(text);
            assert!(
                got.iter()
                    .any(|(c, l, k)| c == code && l == line && k == col),
                "expected {code} at {line}:{col} for {text:?}, got {got:?}"
            );
        }
    }

    #[test]
    fn missing_fields_are_all_reported_at_the_map() {
        let got = problems("---\ntitle: T\n---\n");
        let missing: Vec<_> = got.iter().filter(|p| p.0 == "E001").collect();
        assert_eq!(missing.len(), 8);
        assert!(missing.iter().all(|p| p.1 == 2 && p.2 == 1));
    }

    #[test]
    fn quality_warnings() {
        let long = "x".repeat(161);
        let para = "Same source documents that the login itself fails as a documented regression.";
        let cases: Vec<(String, &str, usize, usize)> = vec![
            (
                GOOD.replace("summary: S", &format!("summary: {long}")),
                "W001",
                3,
                10,
            ),
            (GOOD.replace("2026-11-20", "2025-01-01"), "W002", 7, 10),
            (
                GOOD.replace("quick_fix: Q", "quick_fix: 'TODO: the first thing to try'"),
                "W004",
                6,
                13,
            ),
            (GOOD.replace("Body.", "TODO: explain."), "W004", 17, 1),
            (
                GOOD.replace("causes: [a]", &format!("causes: ['{para}']"))
                    .replace("Body.", &format!("Intro. {para}")),
                "W003",
                17,
                8,
            ),
        ];
        for (text, code, line, col) in cases {
            let got = problems(&text);
            assert!(
                got.iter()
                    .any(|(c, l, k)| *c == code && *l == line && *k == col),
                "expected {code} at {line}:{col}, got {got:?}"
            );
            assert!(got.iter().all(|(c, _, _)| c.starts_with('W')), "{got:?}");
        }
        // Quoting the error's own text again is not a repetition.
        let quoted = GOOD
            .replace(
                "Body.",
                "The tool prints Error: x and stops working for every single request.",
            )
            .replace(
                "signature: 'Error: x'",
                "signature: 'Error: x and stops working for every single request.'",
            );
        assert!(problems(&quoted).is_empty(), "{:?}", problems(&quoted));
    }

    #[test]
    fn bom_and_crlf_are_accepted() {
        let text = format!("\u{feff}{}", GOOD.replace('\n', "\r\n"));
        assert!(parse_str(&text).is_ok());
    }
}
