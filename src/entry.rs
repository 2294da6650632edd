//! One file's text → [`Entry`].
//!
//! Pure: `(path, text, section defaults) → Result<Entry, Vec<Diagnostic>>`, no I/O. The steps:
//! split the front matter off (BOM and CRLF accepted), survey its keys (not a mapping, duplicate
//! keys, every unknown key with a did-you-mean), deserialize the raw fields with their positions
//! (serde-saphyr's `Spanned`), merge the tool folder's defaults, then validate into a typed entry,
//! collecting every problem rather than stopping at the first. Every position is counted in the
//! *file*, not in the front matter.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::diagnostic::{Diagnostic, Location, Problem, did_you_mean};
use crate::markdown;

/// The failure class of an error; each has its own taxonomy page.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Auth,
    Quota,
    Model,
    Runtime,
    Config,
    Network,
    Install,
}

impl Kind {
    pub const ALL: [&'static str; 7] = [
        "auth", "quota", "model", "runtime", "config", "network", "install",
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Auth => "auth",
            Kind::Quota => "quota",
            Kind::Model => "model",
            Kind::Runtime => "runtime",
            Kind::Config => "config",
            Kind::Network => "network",
            Kind::Install => "install",
        }
    }
}

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
}

/// One question and its answer (Markdown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Faq {
    pub q: String,
    pub a: String,
}

/// One troubleshooting entry, validated. Inline fields hold Markdown source; rendering is later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// `claude-code/401-oauth-token-expired`: the path under `content/` without `.md`.
    pub id: String,
    /// The tool folder's name (`claude-code`).
    pub tool: String,
    /// The file, relative to the site root.
    pub path: PathBuf,
    pub title: String,
    pub summary: String,
    pub signature: String,
    pub variants: Vec<String>,
    pub code: Option<String>,
    pub kind: Option<Kind>,
    pub category: String,
    pub quick_fix: String,
    pub updated: Date,
    pub causes: Vec<String>,
    pub quick_fixes: Vec<String>,
    pub checks: Vec<String>,
    pub steps: Vec<String>,
    pub prevention: Vec<String>,
    pub sources: Vec<Source>,
    pub related: Vec<Located<String>>,
    pub faq: Vec<Faq>,
    pub applies_to: Vec<String>,
    pub tags: Vec<String>,
    pub aliases: Vec<Located<String>>,
    pub draft: bool,
    /// The Markdown after the front matter.
    pub body: String,
    /// Links in the body and in inline fields, with where they are, for the cross-entry checks.
    pub links: Vec<Located<String>>,
    /// Where the signature is written, for the duplicate-signature warning.
    pub signature_location: Location,
}

/// Every field an entry (or a tool folder's `defaults`) may hold, as written, with positions.
/// All optional: required fields are checked after the defaults are merged.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RawFields {
    title: Option<Spanned<String>>,
    summary: Option<Spanned<String>>,
    signature: Option<Spanned<String>>,
    variants: Option<Vec<Spanned<String>>>,
    code: Option<Spanned<String>>,
    kind: Option<Spanned<Kind>>,
    category: Option<Spanned<String>>,
    quick_fix: Option<Spanned<String>>,
    updated: Option<Spanned<String>>,
    causes: Option<Spanned<Vec<Spanned<String>>>>,
    quick_fixes: Option<Spanned<Vec<Spanned<String>>>>,
    checks: Option<Vec<Spanned<String>>>,
    steps: Option<Vec<Spanned<String>>>,
    prevention: Option<Vec<Spanned<String>>>,
    sources: Option<Spanned<Vec<Spanned<RawSource>>>>,
    related: Option<Vec<Spanned<String>>>,
    faq: Option<Vec<Spanned<RawFaq>>>,
    applies_to: Option<Vec<Spanned<String>>>,
    tags: Option<Vec<Spanned<String>>>,
    aliases: Option<Vec<Spanned<String>>>,
    draft: Option<Spanned<bool>>,
}

impl RawFields {
    /// The names of the fields that are set.
    fn present_keys(&self) -> Vec<String> {
        let set = [
            self.title.is_some(),
            self.summary.is_some(),
            self.signature.is_some(),
            self.variants.is_some(),
            self.code.is_some(),
            self.kind.is_some(),
            self.category.is_some(),
            self.quick_fix.is_some(),
            self.updated.is_some(),
            self.causes.is_some(),
            self.quick_fixes.is_some(),
            self.checks.is_some(),
            self.steps.is_some(),
            self.prevention.is_some(),
            self.sources.is_some(),
            self.related.is_some(),
            self.faq.is_some(),
            self.applies_to.is_some(),
            self.tags.is_some(),
            self.aliases.is_some(),
            self.draft.is_some(),
        ];
        FIELDS
            .iter()
            .zip(set)
            .filter(|(_, s)| *s)
            .map(|(f, _)| f.to_string())
            .collect()
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    url: Spanned<String>,
    title: Spanned<String>,
    note: Option<Spanned<String>>,
    checked: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFaq {
    q: Spanned<String>,
    a: Spanned<String>,
}

/// The front matter keys an entry may have, in the order of docs/authoring.md.
pub const FIELDS: [&str; 21] = [
    "title",
    "summary",
    "signature",
    "variants",
    "code",
    "kind",
    "category",
    "quick_fix",
    "updated",
    "causes",
    "quick_fixes",
    "checks",
    "steps",
    "prevention",
    "sources",
    "related",
    "faq",
    "applies_to",
    "tags",
    "aliases",
    "draft",
];

/// Required after defaults are merged.
const REQUIRED: [&str; 9] = [
    "title",
    "summary",
    "signature",
    "category",
    "quick_fix",
    "updated",
    "causes",
    "quick_fixes",
    "sources",
];

/// The text `errdex new` puts in fields; `check` warns while any is left.
pub const PLACEHOLDER: &str = "TODO:";

/// Section defaults as parsed from `_section.yaml`, positioned in that file.
#[derive(Debug, Clone, Default)]
pub struct Defaults {
    fields: RawFields,
    /// Which fields the defaults provide.
    keys: Vec<String>,
}

/// Where the front matter sits in the file, in bytes.
struct Split<'a> {
    yaml: &'a str,
    yaml_offset: usize,
    body: &'a str,
    body_offset: usize,
}

/// Splits `---\n yaml \n---\n body`. The opening fence must be the first line.
fn split_front_matter<'a>(path: &Path, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    let first_line_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if text[..first_line_end].trim_end() != "---" {
        return Err(Diagnostic::at(
            Problem::NoFrontMatter,
            path,
            text,
            0..first_line_end.min(3),
        ));
    }
    let yaml_offset = first_line_end;
    let mut at = yaml_offset;
    while at < text.len() {
        let end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
        if text[at..end].trim_end() == "---" {
            return Ok(Split {
                yaml: &text[yaml_offset..at],
                yaml_offset,
                body: &text[end..],
                body_offset: end,
            });
        }
        at = end;
    }
    Err(Diagnostic::at(
        Problem::UnclosedFrontMatter,
        path,
        text,
        0..3,
    ))
}

/// Turns a serde-saphyr error into a diagnostic positioned in the file (`offset` is where the YAML
/// starts in `text`).
pub fn yaml_error(
    error: &serde_saphyr::Error,
    path: &Path,
    text: &str,
    offset: usize,
) -> Diagnostic {
    use serde_saphyr::Error as E;
    let error = error.without_snippet();
    let problem = match error {
        E::SerdeMissingField { field, .. } => Problem::MissingField {
            field: (*field).to_string(),
        },
        E::SerdeUnknownField {
            field, expected, ..
        } => Problem::UnknownField {
            field: field.clone(),
            suggestion: did_you_mean(field, expected.iter().copied()),
        },
        E::DuplicateMappingKey { key, .. } => Problem::DuplicateKey {
            key: key.clone().unwrap_or_default(),
        },
        E::SerdeUnknownVariant {
            variant, expected, ..
        } => Problem::InvalidValue {
            detail: format!("`{variant}` is not one of {}", expected.join(", ")),
            hint: match did_you_mean(variant, expected.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("use one of: {}", expected.join(", ")),
            },
        },
        E::SerdeInvalidType {
            unexpected,
            expected,
            ..
        }
        | E::SerdeInvalidValue {
            unexpected,
            expected,
            ..
        } => Problem::InvalidValue {
            detail: format!("expected {expected}, found {unexpected}"),
            hint: format!("write {expected} here"),
        },
        E::Budget { breach, .. } => Problem::ResourceLimit {
            detail: format!("{breach:?}"),
        },
        E::Unexpected { expected, .. } => Problem::InvalidValue {
            detail: format!("expected {}", expected.trim_end_matches(" start")),
            hint: "check the field's type in docs/authoring.md: a text, a list (`- item` lines) or a mapping".into(),
        },
        other => Problem::YamlSyntax {
            detail: first_line_of_message(other),
        },
    };
    let location = error.location().map(|l| {
        let start = offset + yaml_byte(text, offset, &l);
        let len = l.span().byte_len().map_or(1, |n| n as usize).max(1);
        Location::from_bytes(text, start..start + len)
    });
    Diagnostic::new(problem, path, location)
}

/// The error's own message, without serde-saphyr's `line N column M:` prefix and snippet.
fn first_line_of_message(error: &serde_saphyr::Error) -> String {
    let full = error.to_string();
    let line = full.lines().next().unwrap_or_default();
    let line = line.strip_prefix("error: ").unwrap_or(line);
    match line.split_once(": ") {
        Some((prefix, rest)) if prefix.starts_with("line ") => rest.to_string(),
        _ => line.to_string(),
    }
}

/// The byte offset within the YAML of a serde-saphyr location.
fn yaml_byte(text: &str, offset: usize, l: &serde_saphyr::Location) -> usize {
    if let Some(b) = l.span().byte_offset() {
        return b as usize;
    }
    // Fall back to line and column (both 1-based; column in characters).
    let yaml = &text[offset..];
    let line_start: usize = yaml
        .split_inclusive('\n')
        .take((l.line() as usize).saturating_sub(1))
        .map(str::len)
        .sum();
    let col: usize = yaml[line_start.min(yaml.len())..]
        .chars()
        .take((l.column() as usize).saturating_sub(1))
        .map(char::len_utf8)
        .sum();
    line_start + col
}

/// Byte range of a spanned value in the file.
fn range_of<T>(s: &Spanned<T>, text: &str, offset: usize) -> Range<usize> {
    let l = &s.referenced;
    let start = offset + yaml_byte(text, offset, l);
    let len = l.span().byte_len().map_or(0, |n| n as usize);
    start..start + len
}

/// A front-matter mapping's keys, with where each is written. Reports syntax errors, non-mapping
/// front matter and duplicate keys.
fn survey_keys(yaml: &str) -> Result<Vec<Spanned<String>>, serde_saphyr::Error> {
    if yaml.trim().is_empty() {
        return Ok(Vec::new());
    }
    let map: HashMap<Spanned<String>, serde::de::IgnoredAny> = serde_saphyr::from_str(yaml)?;
    let mut keys: Vec<Spanned<String>> = map.into_keys().collect();
    keys.sort_by_key(|k| k.referenced.span().offset());
    Ok(keys)
}

/// Parses a tool folder's `defaults:` block, given as the YAML text of `_section.yaml`.
pub fn parse_defaults(path: &Path, text: &str) -> Result<(SectionMeta, Defaults), Vec<Diagnostic>> {
    let raw: RawSection =
        serde_saphyr::from_str(text).map_err(|e| vec![yaml_error(&e, path, text, 0)])?;
    let fields = raw.defaults.unwrap_or_default();
    let keys = fields.present_keys();
    Ok((
        SectionMeta {
            title: raw.title,
            description: raw.description.unwrap_or_default(),
            homepage: raw.homepage,
        },
        Defaults { fields, keys },
    ))
}

/// The tool folder's own fields from `_section.yaml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionMeta {
    pub title: String,
    pub description: String,
    pub homepage: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    title: String,
    description: Option<String>,
    homepage: Option<String>,
    defaults: Option<RawFields>,
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
    pub today: Date,
}

/// Parses one entry file. `path` is relative to the site root (`content/<tool>/<slug>.md`).
pub fn parse(path: &Path, text: &str, cx: &ParseContext) -> Result<Entry, Vec<Diagnostic>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let split = split_front_matter(path, text).map_err(|d| vec![d])?;
    let keys = survey_keys(split.yaml).map_err(|e| {
        let mut d = yaml_error(&e, path, text, split.yaml_offset);
        // At the top level, a value of the wrong type is this one mistake.
        if matches!(*d.problem, Problem::InvalidValue { .. }) {
            d.problem = Box::new(Problem::NotAMapping);
        }
        vec![d]
    })?;
    let mut problems = Vec::new();
    for key in &keys {
        if !FIELDS.contains(&key.value.as_str()) {
            problems.push(Diagnostic::at(
                Problem::UnknownField {
                    field: key.value.clone(),
                    suggestion: did_you_mean(&key.value, FIELDS),
                },
                path,
                text,
                range_of(key, text, split.yaml_offset),
            ));
        }
    }
    for field in REQUIRED {
        let present =
            keys.iter().any(|k| k.value == field) || cx.defaults.keys.iter().any(|k| k == field);
        if !present {
            // Point at the mapping: its first key, or the opening fence when it is empty.
            let at = keys
                .first()
                .map_or(0..3, |k| range_of(k, text, split.yaml_offset));
            problems.push(Diagnostic::at(
                Problem::MissingField {
                    field: field.into(),
                },
                path,
                text,
                at,
            ));
        }
    }
    let raw: RawFields = if split.yaml.trim().is_empty() {
        RawFields::default()
    } else {
        match serde_saphyr::from_str(split.yaml) {
            Ok(raw) => raw,
            Err(e) => {
                problems.push(yaml_error(&e, path, text, split.yaml_offset));
                return Err(problems);
            }
        }
    };
    let mut v = Validator {
        path,
        text,
        offset: split.yaml_offset,
        problems,
        today: cx.today,
    };
    let entry = v.entry(raw, &cx.defaults.fields, &split);
    match entry {
        Some(entry) if v.problems.is_empty() => Ok(entry),
        _ => Err(v.problems),
    }
}

/// Validates raw fields into an [`Entry`], collecting every problem.
struct Validator<'a> {
    path: &'a Path,
    text: &'a str,
    offset: usize,
    problems: Vec<Diagnostic>,
    today: Date,
}

impl Validator<'_> {
    fn report<T>(&mut self, problem: Problem, at: &Spanned<T>) {
        let range = range_of(at, self.text, self.offset);
        self.problems
            .push(Diagnostic::at(problem, self.path, self.text, range));
    }

    fn located(&self, s: &Spanned<String>) -> Located<String> {
        Located {
            value: s.value.clone(),
            location: Location::from_bytes(self.text, range_of(s, self.text, self.offset)),
        }
    }

    /// A required, non-empty string (already known to be present, or reported missing).
    fn string(&mut self, field: &str, value: Option<Spanned<String>>) -> String {
        match value {
            Some(s) if s.value.trim().is_empty() => {
                self.report(
                    Problem::EmptyValue {
                        field: field.into(),
                    },
                    &s,
                );
                String::new()
            }
            Some(s) => s.value.trim().to_string(),
            None => String::new(),
        }
    }

    fn strings(&mut self, field: &str, values: Option<Vec<Spanned<String>>>) -> Vec<String> {
        let mut out = Vec::new();
        for s in values.unwrap_or_default() {
            if s.value.trim().is_empty() {
                self.report(
                    Problem::EmptyValue {
                        field: field.into(),
                    },
                    &s,
                );
            } else {
                out.push(s.value.trim().to_string());
            }
        }
        out
    }

    /// A required list: present and non-empty.
    fn required_list(
        &mut self,
        field: &str,
        values: Option<Spanned<Vec<Spanned<String>>>>,
    ) -> Vec<String> {
        match values {
            Some(list) if list.value.is_empty() => {
                self.report(
                    Problem::EmptyValue {
                        field: field.into(),
                    },
                    &list,
                );
                Vec::new()
            }
            Some(list) => self.strings(field, Some(list.value)),
            None => Vec::new(),
        }
    }

    fn date(&mut self, field: &str, value: &Spanned<String>) -> Option<Date> {
        match value.value.trim().parse::<Date>() {
            Ok(date) if date > self.today => {
                self.report(
                    Problem::FutureDate {
                        field: field.into(),
                        date: date.to_string(),
                        today: self.today.to_string(),
                    },
                    value,
                );
                Some(date)
            }
            Ok(date) => Some(date),
            Err(e) => {
                let detail = e.to_string();
                let detail = detail.rsplit(": ").next().unwrap_or(&detail).to_string();
                self.report(
                    Problem::BadDate {
                        value: value.value.clone(),
                        detail,
                    },
                    value,
                );
                None
            }
        }
    }

    fn entry(&mut self, raw: RawFields, defaults: &RawFields, split: &Split) -> Option<Entry> {
        let d = defaults.clone();
        let title = self.string("title", raw.title.or(d.title));
        let summary = self.string("summary", raw.summary.or(d.summary));
        let signature_raw = raw.signature.or(d.signature);
        let signature_location = signature_raw.as_ref().map_or_else(
            || Location::from_bytes(self.text, 0..3),
            |s| Location::from_bytes(self.text, range_of(s, self.text, self.offset)),
        );
        let signature = self.string("signature", signature_raw);
        let category = self.string("category", raw.category.or(d.category));
        let quick_fix = self.string("quick_fix", raw.quick_fix.or(d.quick_fix));
        let updated = raw
            .updated
            .or(d.updated)
            .and_then(|u| self.date("updated", &u));
        let code = raw
            .code
            .or(d.code)
            .map(|c| c.value.trim().to_string())
            .filter(|c| !c.is_empty());
        let sources = self.sources(raw.sources.or(d.sources));
        let mut links = Vec::new();
        let related: Vec<Located<String>> = raw
            .related
            .or(d.related)
            .unwrap_or_default()
            .iter()
            .map(|s| self.located(s))
            .collect();
        let aliases: Vec<Located<String>> = raw
            .aliases
            .or(d.aliases)
            .unwrap_or_default()
            .iter()
            .map(|s| self.located(s))
            .collect();
        let faq = raw
            .faq
            .or(d.faq)
            .unwrap_or_default()
            .into_iter()
            .map(|f| Faq {
                q: f.value.q.value.trim().to_string(),
                a: f.value.a.value.trim().to_string(),
            })
            .collect();
        for (url, range) in markdown::links(split.body) {
            let start = split.body_offset + range.start;
            links.push(Located {
                value: url,
                location: Location::from_bytes(self.text, start..split.body_offset + range.end),
            });
        }
        let entry = Entry {
            id: String::new(),
            tool: String::new(),
            path: self.path.to_path_buf(),
            title,
            summary,
            signature,
            variants: self.strings("variants", raw.variants.or(d.variants)),
            code,
            kind: raw.kind.or(d.kind).map(|k| k.value),
            category,
            quick_fix,
            updated: updated?,
            causes: self.required_list("causes", raw.causes.or(d.causes)),
            quick_fixes: self.required_list("quick_fixes", raw.quick_fixes.or(d.quick_fixes)),
            checks: self.strings("checks", raw.checks.or(d.checks)),
            steps: self.strings("steps", raw.steps.or(d.steps)),
            prevention: self.strings("prevention", raw.prevention.or(d.prevention)),
            sources,
            related,
            faq,
            applies_to: self.strings("applies_to", raw.applies_to.or(d.applies_to)),
            tags: self.strings("tags", raw.tags.or(d.tags)),
            aliases,
            draft: raw.draft.or(d.draft).is_some_and(|b| b.value),
            body: split.body.to_string(),
            links,
            signature_location,
        };
        Some(entry)
    }

    fn sources(&mut self, raw: Option<Spanned<Vec<Spanned<RawSource>>>>) -> Vec<Source> {
        let Some(list) = raw else { return Vec::new() };
        if list.value.is_empty() {
            self.report(
                Problem::EmptyValue {
                    field: "sources".into(),
                },
                &list,
            );
        }
        let mut out = Vec::new();
        for item in list.value {
            let item_range = range_of(&item, self.text, self.offset);
            let s = item.value;
            if let Err(detail) = check_external_url(&s.url.value) {
                self.report(
                    Problem::BadUrl {
                        url: s.url.value.clone(),
                        detail,
                    },
                    &s.url,
                );
            }
            let note = match &s.note {
                Some(n) if !n.value.trim().is_empty() => n.value.trim().to_string(),
                Some(n) => {
                    self.report(Problem::MissingSourceNote, n);
                    String::new()
                }
                None => {
                    self.problems.push(Diagnostic::at(
                        Problem::MissingSourceNote,
                        self.path,
                        self.text,
                        item_range.clone(),
                    ));
                    String::new()
                }
            };
            let checked = s.checked.as_ref().and_then(|c| self.date("checked", c));
            out.push(Source {
                url: s.url.value.trim().to_string(),
                title: self.string("title", Some(s.title)),
                note,
                checked,
            });
        }
        out
    }
}

/// A source must be an absolute http(s) URL with a host.
pub fn check_external_url(url: &str) -> Result<(), String> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| "sources must be http(s) URLs".to_string())?;
    if rest.is_empty() || rest.starts_with('/') {
        return Err("the URL has no host".into());
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("the URL contains spaces".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Entry, Vec<Diagnostic>> {
        let defaults = Defaults::default();
        let cx = ParseContext {
            defaults: &defaults,
            today: "2026-11-28".parse().unwrap_or_default(),
        };
        parse(Path::new("content/t/e.md"), text, &cx)
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
    fn a_good_entry_parses() {
        let e = parse_str(GOOD);
        assert!(e.is_ok(), "{e:?}");
        let e = e.unwrap_or_else(|_| unreachable!());
        assert_eq!(e.signature, "Error: x");
        assert_eq!(e.updated.to_string(), "2026-11-20");
        assert!(e.body.contains("Body."));
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
    fn bom_and_crlf_are_accepted() {
        let text = format!("\u{feff}{}", GOOD.replace('\n', "\r\n"));
        assert!(parse_str(&text).is_ok());
    }
}
