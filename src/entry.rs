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

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::diagnostic::{Diagnostic, LineIndex, Location, Problem, did_you_mean};
use crate::markdown;

/// The failure class of an error; each has its own taxonomy page.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Deserialize,
    serde::Serialize,
    schemars::JsonSchema,
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
    /// The Markdown after the front matter, rendered when the file is read (one parse gives the
    /// HTML, the headings and the links to check): links to other entries' files already point
    /// at their pages, root-relative links carry the base path.
    pub body_html: String,
    /// The body's headings with their ids on the page (the table of contents, and the targets
    /// of links to `#anchors`).
    pub headings: Vec<markdown::Heading>,
    /// Links in the body and in inline fields, with where they are, for the cross-entry checks.
    pub links: Vec<Located<String>>,
    /// Where the signature is written, for the duplicate-signature warning.
    pub signature_location: Location,
}

/// Every field an entry (or a tool folder's `defaults`) may hold, as written, with positions.
/// All optional here: required fields are checked after the defaults are merged. The JSON Schema
/// that `errdex schema` prints is generated from this type (the `schemars` attributes give the
/// plain types behind the `Spanned` wrappers), so editors check the same rules.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[schemars(deny_unknown_fields, title = "errdex entry front matter")]
pub struct RawFields {
    /// The page's `<h1>` and `<title>`.
    #[schemars(with = "String", required, length(min = 1))]
    title: Option<Spanned<String>>,
    /// One plain sentence under the title; the meta description and search result text (160 characters at most read well).
    #[schemars(with = "String", required, length(min = 1))]
    summary: Option<Spanned<String>>,
    /// The exact error text a user sees, verbatim.
    #[schemars(with = "String", required, length(min = 1))]
    signature: Option<Spanned<String>>,
    /// Other texts of the same error (older versions, other surfaces).
    #[schemars(with = "Option<Vec<String>>")]
    variants: Option<Vec<Spanned<String>>>,
    /// The error's code as the tool prints it (`401`, `529`, `ECONNRESET`); quote numbers.
    #[schemars(with = "Option<String>")]
    code: Option<Spanned<String>>,
    /// The failure class.
    #[schemars(with = "Option<Kind>")]
    kind: Option<Spanned<Kind>>,
    /// The second breadcrumb and the Category fact; usually set in the tool folder's `_section.yaml` defaults.
    #[schemars(with = "Option<String>")]
    category: Option<Spanned<String>>,
    /// The first thing to try, one line of inline Markdown.
    #[schemars(with = "String", required, length(min = 1))]
    quick_fix: Option<Spanned<String>>,
    /// When the entry was last checked, `YYYY-MM-DD`; not in the future.
    #[schemars(with = "String", required, extend("format" = "date"))]
    updated: Option<Spanned<String>>,
    /// Common causes, inline Markdown, at least one.
    #[schemars(with = "Vec<String>", required, length(min = 1))]
    causes: Option<Spanned<Vec<Spanned<String>>>>,
    /// Quick fixes, inline Markdown, at least one.
    #[schemars(with = "Vec<String>", required, length(min = 1))]
    quick_fixes: Option<Spanned<Vec<Spanned<String>>>>,
    /// Platform/tool-specific checks, inline Markdown.
    #[schemars(with = "Option<Vec<String>>")]
    checks: Option<Vec<Spanned<String>>>,
    /// Step-by-step troubleshooting, in order, inline Markdown.
    #[schemars(with = "Option<Vec<String>>")]
    steps: Option<Vec<Spanned<String>>>,
    /// How to prevent it, inline Markdown.
    #[schemars(with = "Option<Vec<String>>")]
    prevention: Option<Vec<Spanned<String>>>,
    /// The sources checked, each with what it shows; at least one.
    #[schemars(with = "Vec<RawSource>", required, length(min = 1))]
    sources: Option<Spanned<Vec<Spanned<RawSource>>>>,
    /// Ids of related entries (`claude-code/529-overloaded`); each must exist.
    #[schemars(with = "Option<Vec<String>>")]
    related: Option<Vec<Spanned<String>>>,
    /// Questions and answers.
    #[schemars(with = "Option<Vec<RawFaq>>")]
    faq: Option<Vec<Spanned<RawFaq>>>,
    /// Versions and platforms affected.
    #[schemars(with = "Option<Vec<String>>")]
    applies_to: Option<Vec<Spanned<String>>>,
    /// Extra search terms.
    #[schemars(with = "Option<Vec<String>>")]
    tags: Option<Vec<Spanned<String>>>,
    /// Old site paths that redirect here (`/old/path/`).
    #[schemars(with = "Option<Vec<String>>")]
    aliases: Option<Vec<Spanned<String>>>,
    /// Left out of the site unless `build --drafts`.
    #[schemars(with = "Option<bool>")]
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

/// A source: link, title, the evidence note, the date it was checked.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawSource {
    /// An `http(s)` URL.
    #[schemars(with = "String", regex(pattern = "^https?://[^/\\s]"))]
    url: Spanned<String>,
    /// The source's title.
    #[schemars(with = "String", length(min = 1))]
    title: Spanned<String>,
    /// The evidence note: what this source shows.
    #[schemars(with = "String", required, length(min = 1))]
    note: Option<Spanned<String>>,
    /// When the source was checked, `YYYY-MM-DD`.
    #[schemars(with = "Option<String>", extend("format" = "date"))]
    checked: Option<Spanned<String>>,
}

/// A question and its answer.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawFaq {
    /// The question, inline Markdown.
    #[schemars(with = "String", length(min = 1))]
    q: Spanned<String>,
    /// The answer, Markdown.
    #[schemars(with = "String", length(min = 1))]
    a: Spanned<String>,
}

/// The JSON Schema (draft 2020-12) of an entry's front matter, for editors.
pub fn schema() -> serde_json::Value {
    let mut schema = serde_json::to_value(schemars::schema_for!(RawFields)).unwrap_or_default();
    if let Some(obj) = schema.as_object_mut() {
        obj.insert(
            "description".into(),
            "The YAML front matter of an errdex entry (content/<tool>/<slug>.md). See docs/authoring.md.".into(),
        );
    }
    schema
}

/// Declares the front-matter keys once: [`FIELDS`] and the one-pass reader [`FrontMatter`],
/// whose `match` on a key's name sets the [`RawFields`] field of the same name.
macro_rules! front_matter_fields {
    ($($name:ident),* $(,)?) => {
        /// The front matter keys an entry may have, in the order of docs/authoring.md.
        pub const FIELDS: [&str; [$(stringify!($name)),*].len()] = [$(stringify!($name)),*];

        impl<'de> serde::de::Visitor<'de> for FrontMatterVisitor {
            type Value = FrontMatter;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a mapping of front-matter fields")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<FrontMatter, A::Error> {
                let mut keys: Vec<Spanned<String>> = Vec::new();
                let mut fields = RawFields::default();
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    match key.value.as_str() {
                        $(stringify!($name) => fields.$name = map.next_value()?,)*
                        _ => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                    }
                    keys.push(key);
                }
                Ok(FrontMatter { keys, fields })
            }
        }
    };
}

front_matter_fields!(
    title,
    summary,
    signature,
    variants,
    code,
    kind,
    category,
    quick_fix,
    updated,
    causes,
    quick_fixes,
    checks,
    steps,
    prevention,
    sources,
    related,
    faq,
    applies_to,
    tags,
    aliases,
    draft,
);

/// An entry's front matter read in one pass: every key with where it is written (unknown ones
/// too, for their diagnostics) and the typed fields.
struct FrontMatter {
    keys: Vec<Spanned<String>>,
    fields: RawFields,
}

struct FrontMatterVisitor;

impl<'de> Deserialize<'de> for FrontMatter {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(FrontMatterVisitor)
    }
}

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
    /// The section file had errors: its entries are not checked for fields it might have given.
    failed: bool,
    fields: Fields,
    /// Which fields the defaults provide.
    keys: Vec<String>,
}

impl Defaults {
    /// Stands in for a section file that had errors, so its entries do not each repeat them as
    /// missing fields.
    pub fn unusable() -> Self {
        Defaults {
            failed: true,
            ..Defaults::default()
        }
    }
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
            detail: describe_budget(&format!("{breach:?}")),
        },
        E::Unexpected { expected, .. } => Problem::InvalidValue {
            detail: format!("expected {}", expected.trim_end_matches(" start")),
            hint: "check the field's type in docs/authoring.md: a text, a list (`- item` lines) or a mapping".into(),
        },
        other => {
            let detail = first_line_of_message(other);
            if let Some(budget) = detail.strip_prefix("budget breached: ") {
                Problem::ResourceLimit {
                    detail: describe_budget(budget),
                }
            } else if detail.contains("recursion limit") {
                Problem::ResourceLimit {
                    detail: "nested too deeply".into(),
                }
            } else if detail.starts_with("invalid ") {
                Problem::InvalidValue {
                    hint: "check the value's type in the docs".into(),
                    detail,
                }
            } else {
                Problem::YamlSyntax { detail }
            }
        }
    };
    let location = error.location().map(|l| {
        let start = offset + yaml_byte(text, offset, &l);
        let len = l.span().byte_len().map_or(1, |n| n as usize).max(1);
        Location::from_bytes(text, start..start + len)
    });
    Diagnostic::new(problem, path, location)
}

/// The error's own message, without serde-saphyr's positions (counted in the front matter, not
/// the file; the diagnostic carries the file's) and snippet.
fn first_line_of_message(error: &serde_saphyr::Error) -> String {
    let full = error.to_string();
    let line = full.lines().next().unwrap_or_default();
    let line = line.strip_prefix("error: ").unwrap_or(line);
    let line = match line.split_once(": ") {
        Some((prefix, rest)) if prefix.starts_with("line ") => rest,
        _ => line,
    };
    line.split(" at line ").next().unwrap_or(line).to_string()
}

/// A budget breach in words (serde-saphyr names them as Rust values).
fn describe_budget(breach: &str) -> String {
    let name = breach.split([' ', '{', '(']).next().unwrap_or(breach);
    match name {
        "Depth" => "nested deeper than 64 levels".into(),
        "Nodes" => "more than 250,000 YAML values (an alias bomb?)".into(),
        "Aliases" | "AliasAnchorRatio" => "too many alias expansions (an alias bomb?)".into(),
        "Anchors" => "too many anchors".into(),
        "Events" => "too many YAML events".into(),
        "ScalarBytes" | "TotalScalarBytes" => "too much text in values".into(),
        _ => format!("YAML limit exceeded ({name})"),
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

/// Where a key is written: its own text, not its value.
fn key_range(key: &Spanned<String>, text: &str, offset: usize) -> Range<usize> {
    let start = range_of(key, text, offset).start;
    let len = text
        .get(start..)
        .filter(|rest| rest.starts_with(key.value.as_str()))
        .map_or(1, |_| key.value.len());
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

/// Parses a tool folder's `_section.yaml`: its own fields and the `defaults` for its entries,
/// validated like an entry's fields (positions in the section file).
pub fn parse_defaults(
    path: &Path,
    text: &str,
    today: Date,
) -> Result<(SectionMeta, Defaults), Vec<Diagnostic>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let raw: RawSection =
        serde_saphyr::from_str(text).map_err(|e| vec![yaml_error(&e, path, text, 0)])?;
    let survey: SectionSurvey =
        serde_saphyr::from_str(text).map_err(|e| vec![yaml_error(&e, path, text, 0)])?;
    let mut v = Validator::new(path, text, 0, today);
    for key in survey.defaults.unwrap_or_default().into_keys() {
        if !FIELDS.contains(&key.value.as_str()) {
            v.report(
                Problem::UnknownField {
                    suggestion: did_you_mean(&key.value, FIELDS),
                    field: key.value.clone(),
                },
                &key,
            );
        }
    }
    if let Some(home) = &raw.homepage
        && let Err(detail) = check_external_url(&home.value)
    {
        v.report(
            Problem::BadUrl {
                url: home.value.clone(),
                detail,
            },
            home,
        );
    }
    let raw_fields = raw.defaults.unwrap_or_default();
    let keys = raw_fields.present_keys();
    let fields = v.fields(raw_fields);
    if !v.problems.is_empty() {
        return Err(v.problems);
    }
    Ok((
        SectionMeta {
            title: raw.title,
            description: raw.description.unwrap_or_default(),
            homepage: raw.homepage.map(|h| h.value),
        },
        Defaults {
            failed: false,
            fields,
            keys,
        },
    ))
}

#[derive(Deserialize)]
struct SectionSurvey {
    defaults: Option<HashMap<Spanned<String>, serde::de::IgnoredAny>>,
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
    homepage: Option<Spanned<String>>,
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
    };
    let split = match split_front_matter(path, text) {
        Ok(s) => s,
        Err(d) => return fail(vec![d]),
    };
    // One pass reads the keys and the typed fields. Only when it fails are the keys surveyed on
    // their own, so that every unknown and missing field is still reported beside the error.
    let read = if split.yaml.trim().is_empty() {
        Ok(FrontMatter {
            keys: Vec::new(),
            fields: RawFields::default(),
        })
    } else {
        serde_saphyr::from_str::<FrontMatter>(split.yaml)
    };
    let (keys, raw, typed_error) = match read {
        Ok(FrontMatter { keys, fields }) => (keys, fields, None),
        Err(typed_error) => {
            let keys = survey_keys(split.yaml).map_err(|e| {
                let mut d = yaml_error(&e, path, text, split.yaml_offset);
                // At the top level, a value of the wrong type is this one mistake.
                if matches!(*d.problem, Problem::InvalidValue { .. }) {
                    d.problem = Box::new(Problem::NotAMapping);
                }
                vec![d]
            });
            match keys {
                Ok(k) => (k, RawFields::default(), Some(typed_error)),
                Err(d) => return fail(d),
            }
        }
    };
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
                key_range(key, text, split.yaml_offset),
            ));
        }
    }
    for field in REQUIRED {
        let present =
            keys.iter().any(|k| k.value == field) || cx.defaults.keys.iter().any(|k| k == field);
        // A misspelt key already says "did you mean `field`?": once is enough.
        let misspelt = keys.iter().any(|k| {
            !FIELDS.contains(&k.value.as_str())
                && did_you_mean(&k.value, FIELDS).as_deref() == Some(field)
        });
        if !present && !misspelt && !cx.defaults.failed {
            // Point at the mapping: its first key, or the opening fence when it is empty.
            let at = keys
                .first()
                .map_or(0..3, |k| key_range(k, text, split.yaml_offset));
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
    if let Some(e) = typed_error {
        problems.push(yaml_error(&e, path, text, split.yaml_offset));
        return fail(problems);
    }
    let mut v = Validator::new(path, text, split.yaml_offset, cx.today);
    v.problems = problems;
    let own = v.fields(raw);
    let fields = own.or(&cx.defaults.fields);
    v.warnings(&fields, split.body, split.body_offset, cx.stale_after_days);
    let relink = |url: &str| crate::site::md_link_url(id, url);
    let body = markdown::render_body(
        split.body,
        cx.base_path,
        &mut crate::site::reserved_ids(),
        &relink,
    );
    let links = v.links(&body.links, split.body_offset);
    let has_errors = v
        .problems
        .iter()
        .any(|d| d.severity() == crate::diagnostic::Severity::Error);
    let (entry, refs) = if has_errors {
        let refs = Refs {
            related: fields.related.unwrap_or_default(),
            links,
        };
        (None, Some(refs))
    } else {
        (into_entry(path, id, fields, body, links), None)
    };
    Parsed {
        entry,
        refs,
        diagnostics: v.problems,
    }
}

/// What parsing one file gave: the entry when it has no error, and every diagnostic.
#[derive(Debug)]
pub struct Parsed {
    pub entry: Option<Entry>,
    /// For a file with errors, what it links to, so the cross-entry checks still run on it
    /// in the same pass.
    pub refs: Option<Refs>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The `related` ids and links a file holds.
#[derive(Debug, Clone, Default)]
pub struct Refs {
    pub related: Vec<Located<String>>,
    pub links: Vec<Located<String>>,
}

/// Builds the entry once every required field is known to be there.
fn into_entry(
    path: &Path,
    id: &str,
    f: Fields,
    body: markdown::Rendered,
    links: Vec<Located<String>>,
) -> Option<Entry> {
    let (signature, signature_location) = f.signature?;
    Some(Entry {
        id: id.to_string(),
        tool: id.split('/').next().unwrap_or_default().to_string(),
        path: path.to_path_buf(),
        title: f.title?,
        summary: f.summary?,
        signature,
        variants: f.variants.unwrap_or_default(),
        code: f.code,
        kind: f.kind,
        category: f.category?,
        quick_fix: f.quick_fix?,
        updated: f.updated?,
        causes: f.causes?,
        quick_fixes: f.quick_fixes?,
        checks: f.checks.unwrap_or_default(),
        steps: f.steps.unwrap_or_default(),
        prevention: f.prevention.unwrap_or_default(),
        sources: f.sources?,
        related: f.related.unwrap_or_default(),
        faq: f.faq.unwrap_or_default(),
        applies_to: f.applies_to.unwrap_or_default(),
        tags: f.tags.unwrap_or_default(),
        aliases: f.aliases.unwrap_or_default(),
        draft: f.draft.unwrap_or(false),
        body_html: body.html,
        headings: body.headings,
        links,
        signature_location,
    })
}

/// Fields after validation; `None` where the file does not set them.
#[derive(Debug, Clone, Default)]
pub struct Fields {
    title: Option<String>,
    summary: Option<String>,
    signature: Option<(String, Location)>,
    variants: Option<Vec<String>>,
    code: Option<String>,
    kind: Option<Kind>,
    category: Option<String>,
    quick_fix: Option<String>,
    updated: Option<Date>,
    causes: Option<Vec<String>>,
    quick_fixes: Option<Vec<String>>,
    checks: Option<Vec<String>>,
    steps: Option<Vec<String>>,
    prevention: Option<Vec<String>>,
    sources: Option<Vec<Source>>,
    related: Option<Vec<Located<String>>>,
    faq: Option<Vec<Faq>>,
    applies_to: Option<Vec<String>>,
    tags: Option<Vec<String>>,
    aliases: Option<Vec<Located<String>>>,
    draft: Option<bool>,
}

impl Fields {
    /// This file's own values, then the defaults for the rest.
    fn or(self, d: &Fields) -> Fields {
        let d = d.clone();
        Fields {
            title: self.title.or(d.title),
            summary: self.summary.or(d.summary),
            signature: self.signature.or(d.signature),
            variants: self.variants.or(d.variants),
            code: self.code.or(d.code),
            kind: self.kind.or(d.kind),
            category: self.category.or(d.category),
            quick_fix: self.quick_fix.or(d.quick_fix),
            updated: self.updated.or(d.updated),
            causes: self.causes.or(d.causes),
            quick_fixes: self.quick_fixes.or(d.quick_fixes),
            checks: self.checks.or(d.checks),
            steps: self.steps.or(d.steps),
            prevention: self.prevention.or(d.prevention),
            sources: self.sources.or(d.sources),
            related: self.related.or(d.related),
            faq: self.faq.or(d.faq),
            applies_to: self.applies_to.or(d.applies_to),
            tags: self.tags.or(d.tags),
            aliases: self.aliases.or(d.aliases),
            draft: self.draft.or(d.draft),
        }
    }
}

/// A piece of prose an author wrote and where it starts, for the quality warnings.
struct Prose {
    field: &'static str,
    text: String,
    start: usize,
}

/// Validates raw fields, collecting every problem with its place in `text`.
struct Validator<'a> {
    path: &'a Path,
    text: &'a str,
    index: LineIndex<'a>,
    offset: usize,
    problems: Vec<Diagnostic>,
    today: Date,
    prose: Vec<Prose>,
    /// Where this file sets `updated`, for the stale warning.
    updated_at: Option<Range<usize>>,
}

impl<'a> Validator<'a> {
    fn new(path: &'a Path, text: &'a str, offset: usize, today: Date) -> Self {
        Validator {
            path,
            text,
            index: LineIndex::new(text),
            offset,
            problems: Vec::new(),
            today,
            prose: Vec::new(),
            updated_at: None,
        }
    }

    fn range<T>(&self, at: &Spanned<T>) -> Range<usize> {
        range_of(at, self.text, self.offset)
    }

    fn diag_at(&self, problem: Problem, range: Range<usize>) -> Diagnostic {
        Diagnostic::new(problem, self.path, Some(self.index.location(range)))
    }

    fn report<T>(&mut self, problem: Problem, at: &Spanned<T>) {
        let range = self.range(at);
        self.problems.push(self.diag_at(problem, range));
    }

    fn located(&self, s: &Spanned<String>) -> Located<String> {
        Located {
            value: s.value.trim().to_string(),
            location: self.index.location(self.range(s)),
        }
    }

    /// A string that must not be empty when it is set.
    fn string(&mut self, field: &'static str, value: Option<Spanned<String>>) -> Option<String> {
        let s = value?;
        if s.value.trim().is_empty() {
            self.report(
                Problem::EmptyValue {
                    field: field.into(),
                },
                &s,
            );
            return None;
        }
        self.note_prose(field, &s);
        Some(s.value.trim().to_string())
    }

    fn note_prose(&mut self, field: &'static str, s: &Spanned<String>) {
        let start = self.range(s).start;
        self.prose.push(Prose {
            field,
            text: s.value.clone(),
            start,
        });
    }

    fn strings(
        &mut self,
        field: &'static str,
        values: Option<Vec<Spanned<String>>>,
    ) -> Option<Vec<String>> {
        let values = values?;
        let mut out = Vec::with_capacity(values.len());
        for s in values {
            if let Some(v) = self.string(field, Some(s)) {
                out.push(v);
            }
        }
        Some(out)
    }

    /// A required list: when set, it must hold at least one item.
    fn required_list(
        &mut self,
        field: &'static str,
        values: Option<Spanned<Vec<Spanned<String>>>>,
    ) -> Option<Vec<String>> {
        let list = values?;
        if list.value.is_empty() {
            self.report(
                Problem::EmptyValue {
                    field: field.into(),
                },
                &list,
            );
            return None;
        }
        self.strings(field, Some(list.value))
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

    fn fields(&mut self, raw: RawFields) -> Fields {
        let signature = raw.signature.and_then(|s| {
            let location = self.index.location(self.range(&s));
            self.string("signature", Some(s)).map(|v| (v, location))
        });
        Fields {
            title: self.string("title", raw.title),
            summary: self.string("summary", raw.summary),
            signature,
            variants: self.strings("variants", raw.variants),
            code: raw.code.and_then(|c| {
                self.note_prose("code", &c);
                Some(c.value.trim().to_string()).filter(|c| !c.is_empty())
            }),
            kind: raw.kind.map(|k| k.value),
            category: self.string("category", raw.category),
            quick_fix: self.string("quick_fix", raw.quick_fix),
            updated: raw.updated.and_then(|u| {
                self.updated_at = Some(self.range(&u));
                self.date("updated", &u)
            }),
            causes: self.required_list("causes", raw.causes),
            quick_fixes: self.required_list("quick_fixes", raw.quick_fixes),
            checks: self.strings("checks", raw.checks),
            steps: self.strings("steps", raw.steps),
            prevention: self.strings("prevention", raw.prevention),
            sources: raw.sources.map(|s| self.sources(s)),
            related: raw
                .related
                .map(|r| r.iter().map(|s| self.located(s)).collect()),
            faq: raw.faq.map(|f| self.faq(f)),
            applies_to: self.strings("applies_to", raw.applies_to),
            tags: self.strings("tags", raw.tags),
            aliases: raw
                .aliases
                .map(|r| r.iter().map(|s| self.located(s)).collect()),
            draft: raw.draft.map(|b| b.value),
        }
    }

    fn faq(&mut self, items: Vec<Spanned<RawFaq>>) -> Vec<Faq> {
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let q = self.string("faq.q", Some(item.value.q));
            let a = self.string("faq.a", Some(item.value.a));
            if let (Some(q), Some(a)) = (q, a) {
                out.push(Faq { q, a });
            }
        }
        out
    }

    fn sources(&mut self, list: Spanned<Vec<Spanned<RawSource>>>) -> Vec<Source> {
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
            let item_range = self.range(&item);
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
            let note = match s.note {
                Some(n) if !n.value.trim().is_empty() => {
                    self.note_prose("sources.note", &n);
                    n.value.trim().to_string()
                }
                Some(n) => {
                    self.report(Problem::MissingSourceNote, &n);
                    String::new()
                }
                None => {
                    self.problems
                        .push(self.diag_at(Problem::MissingSourceNote, item_range));
                    String::new()
                }
            };
            let checked = s.checked.as_ref().and_then(|c| self.date("checked", c));
            out.push(Source {
                url: s.url.value.trim().to_string(),
                title: self
                    .string("sources.title", Some(s.title))
                    .unwrap_or_default(),
                note,
                checked,
            });
        }
        out
    }

    /// Every Markdown link the author wrote, with its place: in the inline fields, and in the
    /// body (`body`: found when it was rendered, its ranges `body_offset` into the file).
    fn links(&self, body: &[(String, Range<usize>)], body_offset: usize) -> Vec<Located<String>> {
        let mut out = Vec::new();
        let fields = self
            .prose
            .iter()
            .filter(|p| !matches!(p.field, "code" | "body"))
            .flat_map(|p| {
                markdown::links(&p.text)
                    .into_iter()
                    .map(move |(url, range)| (Some(p), url, range))
            });
        let body = body
            .iter()
            .map(|(url, range)| (None, url.clone(), range.clone()));
        for (field, url, range) in fields.chain(body) {
            // External links need no check beyond their scheme, which is allowed.
            let lower = url.trim_start().get(..8).unwrap_or("").to_ascii_lowercase();
            if lower.starts_with("https://") || lower.starts_with("http://") {
                continue;
            }
            let at = match field {
                // The body is the file's own text.
                None => body_offset + range.start..body_offset + range.end,
                // Inline fields may be quoted or folded in the file: find the link's own text.
                Some(p) => {
                    let written = &p.text[range.clone()];
                    self.text
                        .get(p.start..)
                        .and_then(|rest| rest.find(written))
                        .map_or(p.start..p.start + 1, |i| {
                            p.start + i..p.start + i + written.len()
                        })
                }
            };
            out.push(Located {
                value: url,
                location: self.index.location(at),
            });
        }
        out
    }

    /// Quality warnings: a long summary, a stale date, placeholders left in, repeated sentences.
    fn warnings(&mut self, fields: &Fields, body: &str, body_offset: usize, stale_after_days: i64) {
        if let Some(p) = self.prose.iter().find(|p| p.field == "summary") {
            let chars = p.text.trim().chars().count();
            if chars > 160 {
                let d = self.diag_at(Problem::SummaryTooLong { chars }, p.start..p.start + 1);
                self.problems.push(d);
            }
        }
        if let Some(updated) = fields.updated {
            let days = self
                .today
                .since(updated)
                .map_or(0, |span| i64::from(span.get_days()));
            if days > stale_after_days {
                // From the defaults, the entry has no line of its own: point at its opening fence.
                let at = self.updated_at.clone().map_or(0, |r| r.start);
                self.problems.push(self.diag_at(
                    Problem::StaleEntry {
                        days,
                        limit: stale_after_days,
                    },
                    at..at + 10,
                ));
            }
        }
        let placeholders: Vec<(String, usize)> = self
            .prose
            .iter()
            .filter(|p| p.text.trim_start().starts_with(PLACEHOLDER))
            .map(|p| {
                let start = self.text[p.start..]
                    .find(PLACEHOLDER)
                    .map_or(p.start, |i| p.start + i);
                (p.field.to_string(), start)
            })
            .collect();
        for (field, start) in placeholders {
            self.problems.push(self.diag_at(
                Problem::Placeholder { field },
                start..start + PLACEHOLDER.len(),
            ));
        }
        let mut line_start = 0;
        for line in body.split_inclusive('\n') {
            if line.trim_start().starts_with(PLACEHOLDER) {
                let at = body_offset + line_start + (line.len() - line.trim_start().len());
                self.problems.push(self.diag_at(
                    Problem::Placeholder {
                        field: "body".into(),
                    },
                    at..at + PLACEHOLDER.len(),
                ));
            }
            line_start += line.len();
        }
        self.prose.push(Prose {
            field: "body",
            text: body.to_string(),
            start: body_offset,
        });
        self.repeated_sentences();
    }

    /// Sentences of eight words or more that appear more than once in the entry. Quoting the
    /// error's own text (its signature or a variant) again is not repetition. At most
    /// `MAX_REPEAT_WARNINGS` are reported per entry: past that, one more tells nothing new.
    fn repeated_sentences(&mut self) {
        const MAX_REPEAT_WARNINGS: usize = 10;
        let mut quoted: Vec<Vec<u8>> = Vec::new();
        for p in self
            .prose
            .iter()
            .filter(|p| matches!(p.field, "signature" | "variants"))
        {
            let mut loose = Vec::new();
            loose_text(&p.text, &mut loose);
            quoted.push(loose);
        }
        // Sentences are counted by the hash of their loose text: this runs on every sentence of
        // every entry, and almost every sentence is unique. Fx is several times faster than
        // SipHash here; the text is the authors' own, so hash flooding is no concern.
        use std::hash::BuildHasher;
        let hasher = rustc_hash::FxBuildHasher;
        let mut seen: rustc_hash::FxHashMap<u64, usize> = rustc_hash::FxHashMap::default();
        let mut repeats: Vec<(usize, usize, u64)> = Vec::new();
        let mut loose = Vec::new();
        for p in self
            .prose
            .iter()
            .filter(|p| !matches!(p.field, "signature" | "variants" | "title" | "code"))
        {
            for (offset, sentence) in sentences(&p.text) {
                let words = loose_text(sentence, &mut loose);
                if words < MIN_REPEAT_WORDS {
                    continue;
                }
                let hash = hasher.hash_one(loose.as_slice());
                let count = seen.entry(hash).or_insert(0);
                *count += 1;
                // Quoting the error's own text again is not repetition.
                if *count == 2
                    && repeats.len() < MAX_REPEAT_WARNINGS
                    && !quoted
                        .iter()
                        .any(|q| memchr::memmem::find(q, &loose).is_some())
                {
                    // Point at the second time it is written. The body is the file's own text;
                    // a YAML value may be quoted or folded, so look for it near the value.
                    let at = if p.field == "body" {
                        Some(p.start + offset)
                    } else {
                        let window_end = (p.start + 2 * p.text.len() + 64).min(self.text.len());
                        self.text
                            .get(p.start..window_end)
                            .and_then(|w| w.find(sentence))
                            .map(|i| p.start + i)
                    };
                    let at = at.map_or(p.start..p.start + 1, |i| i..i + sentence.len());
                    repeats.push((at.start, at.end, hash));
                }
            }
        }
        for (start, end, hash) in repeats {
            let times = seen.get(&hash).copied().unwrap_or(2);
            self.problems
                .push(self.diag_at(Problem::RepeatedSentence { times }, start..end));
        }
    }
}

/// Splits prose into sentences (with their byte offsets) at `.`, `?` or `!` followed by
/// whitespace, and at blank lines.
fn sentences(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    // Bytes, not chars: the marks are ASCII, which never occurs inside a multi-byte character,
    // and memchr finds them many bytes at a time. The two searches are merged in order.
    let mut marks = memchr::memchr3_iter(b'.', b'?', b'!', bytes).peekable();
    let mut breaks = memchr::memchr_iter(b'\n', bytes).peekable();
    loop {
        let next = match (marks.peek(), breaks.peek()) {
            (Some(m), Some(b)) if m < b => marks.next(),
            (_, Some(_)) => breaks.next(),
            (Some(_), None) => marks.next(),
            (None, None) => None,
        };
        let Some(i) = next else { break };
        let end_of_sentence =
            bytes[i] != b'\n' && bytes.get(i + 1).is_none_or(|b| b.is_ascii_whitespace());
        let paragraph = bytes[i] == b'\n' && bytes.get(i + 1) == Some(&b'\n');
        if end_of_sentence || paragraph {
            push_trimmed(&mut out, text, start..i + 1);
            start = i + 1;
        }
    }
    push_trimmed(&mut out, text, start..text.len());
    out.into_iter()
}

fn push_trimmed<'t>(out: &mut Vec<(usize, &'t str)>, text: &'t str, range: Range<usize>) {
    let raw = &text[range.clone()];
    let s = raw.trim_start();
    let lead = raw.len() - s.len();
    let s = s.trim_end();
    if !s.is_empty() {
        out.push((range.start + lead, s));
    }
}

/// A sentence as sentences are compared: its letters and digits, lower-cased, with everything
/// else (spaces, punctuation, marks) left out, into `out`. Returns its number of words
/// (whitespace-separated runs with a letter or digit in them).
fn loose_text(s: &str, out: &mut Vec<u8>) -> usize {
    if s.is_ascii() {
        loose_ascii(s.as_bytes(), out)
    } else {
        loose_chars(s, out)
    }
}

fn loose_chars(s: &str, out: &mut Vec<u8>) -> usize {
    out.clear();
    let mut words = 0;
    let mut in_word = false;
    for c in s.chars() {
        if c.is_alphanumeric() {
            words += usize::from(!in_word);
            in_word = true;
            for lower in c.to_lowercase() {
                let mut utf8 = [0; 4];
                out.extend_from_slice(lower.encode_utf8(&mut utf8).as_bytes());
            }
        } else if c.is_whitespace() {
            in_word = false;
        }
    }
    words
}

/// [`loose_chars`] for ASCII, nearly all text: every byte is written and then kept or not by the
/// count, so the loop has no branch on the text (word edges come too often to predict).
fn loose_ascii(s: &[u8], out: &mut Vec<u8>) -> usize {
    const ALNUM: u8 = 1;
    const SPACE: u8 = 2;
    // What each byte is, looked up rather than worked out byte by byte. Whitespace as
    // `char::is_whitespace` has it on ASCII (`u8::is_ascii_whitespace` leaves out the vertical tab).
    const CLASS: [u8; 256] = {
        let mut class = [0; 256];
        let mut b = 0;
        while b < 128 {
            let c = b as u8;
            if c.is_ascii_alphanumeric() {
                class[b] = ALNUM;
            } else if c.is_ascii_whitespace() || c == b'\x0B' {
                class[b] = SPACE;
            }
            b += 1;
        }
        class
    };
    out.clear();
    out.resize(s.len(), 0);
    let mut kept = 0;
    let mut words = 0;
    let mut in_word = false;
    for &b in s {
        let class = CLASS[usize::from(b)];
        let alnum = class == ALNUM;
        if let Some(slot) = out.get_mut(kept) {
            *slot = b.to_ascii_lowercase();
        }
        kept += usize::from(alnum);
        words += usize::from(alnum & !in_word);
        in_word = (in_word | alnum) & (class != SPACE);
    }
    out.truncate(kept);
    words
}

/// At least this many words make a sentence worth checking for repetition.
const MIN_REPEAT_WORDS: usize = 8;

/// The text `errdex new` writes: every field, placeholders that `check` flags until replaced.
pub fn skeleton(title: Option<&str>, today: Date) -> String {
    let title = match title {
        Some(t) => yaml_quote(t),
        None => format!("'{PLACEHOLDER} the error in a few words, e.g. Tool 401 Unauthorized'"),
    };
    format!(
        r#"---
title: {title}
summary: '{p} one plain sentence (160 characters at most): what failed and why.'
signature: '{p} the exact error text, copied verbatim from the terminal or log'
variants:
  - '{p} another wording of the same error, or delete this list'
code: '{p} the code the tool prints (401, 529, ECONNRESET), or delete this line'
# kind: auth    # one of: auth, quota, model, runtime, config, network, install
quick_fix: '{p} the first thing to try, in one line'
updated: {today}
causes:
  - '{p} a common cause'
quick_fixes:
  - '{p} a fix, with the command in `backticks`'
checks:
  - '{p} a platform- or tool-specific check, or delete this list'
steps:
  - '{p} the first troubleshooting step, or delete this list'
prevention:
  - '{p} how to keep it from happening again, or delete this list'
sources:
  - url: '{p} https://the page that shows it'
    title: '{p} the page title'
    note: '{p} what this source shows'
    checked: {today}
# related:      # ids of other entries, e.g. claude-code/529-overloaded
#   - tool/slug
faq:
  - q: '{p} a question readers ask'
    a: '{p} its answer'
# applies_to: [Tool 2.x, macOS]
# tags: [login]
# aliases: [/old/path/]
draft: false
---

## What this error means

{p} explain the error in plain words.

## Why this happens

{p} explain the causes, citing the sources.
"#,
        p = PLACEHOLDER,
    )
}

/// A YAML single-quoted scalar.
fn yaml_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A source must be an absolute http(s) URL with a host.
pub fn check_external_url(url: &str) -> Result<(), String> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| "it must be an http(s) URL".to_string())?;
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
    fn sentences_split_at_marks_and_blank_lines() {
        // The straightforward byte loop that `sentences` speeds up with memchr.
        fn reference(text: &str) -> Vec<(usize, &str)> {
            let (mut out, mut start, bytes) = (Vec::new(), 0, text.as_bytes());
            for (i, &c) in bytes.iter().enumerate() {
                let end = matches!(c, b'.' | b'?' | b'!')
                    && bytes.get(i + 1).is_none_or(|b| b.is_ascii_whitespace());
                if end || (c == b'\n' && bytes.get(i + 1) == Some(&b'\n')) {
                    push_trimmed(&mut out, text, start..i + 1);
                    start = i + 1;
                }
            }
            push_trimmed(&mut out, text, start..text.len());
            out
        }
        for text in [
            "One. Two?Three! Four\n\nFive.\nSix",
            "v1.2.3 is out. See https://example.com/a.b?c=d!\n\n\n- item.\n- other",
            "Ends with a mark.",
            "\n\n",
            "No marks at all",
            "Ünïcödé… fine. ok",
            "",
        ] {
            assert_eq!(
                sentences(text).collect::<Vec<_>>(),
                reference(text),
                "{text:?}"
            );
        }
    }

    #[test]
    fn sentences_compare_by_their_letters_and_digits() {
        let loose = |s: &str| {
            let mut out = Vec::new();
            let words = loose_text(s, &mut out);
            (String::from_utf8(out).unwrap_or_default(), words)
        };
        assert_eq!(
            loose("Run `claude /login` again, then retry: it works!"),
            ("runclaudeloginagainthenretryitworks".into(), 8)
        );
        assert_eq!(loose("-- a.b.c ... (D)e --"), ("abcde".into(), 2));
        assert_eq!(loose("Ünïcödé… FINE"), ("ünïcödéfine".into(), 2));
        assert_eq!(loose(""), (String::new(), 0));
        // Typographic quotes, case and spacing do not make two sentences different.
        assert_eq!(
            loose("He said \u{201c}Run the command again\u{201d}."),
            loose("he said  \"run the command\tagain\"")
        );
        // The byte loop for ASCII gives what the `char` loop gives.
        for s in [
            "  (Quoted) \"WORDS\"\tand ---x--- MiXeD a.b.c ",
            "  (Quoted) \"words\"\tand\x0Bvertical tabs\x0C--- ... \r\n",
            "UPPER lower MiXeD 123abc abc123 ---x--- -- x",
            "x--y-- --z-- ,a,, b!c? (d)e",
            "...",
        ] {
            let (mut fast, mut slow) = (Vec::new(), Vec::new());
            let fast_words = loose_ascii(s.as_bytes(), &mut fast);
            let slow_words = loose_chars(s, &mut slow);
            assert_eq!((fast, fast_words), (slow, slow_words), "{s:?}");
        }
    }

    #[test]
    fn one_pass_reads_every_field_with_its_key() {
        // A value of the right type for every field: each must land in the field of its name.
        let yaml = "title: t\nsummary: s\nsignature: x\nvariants: [v]\ncode: '1'\nkind: auth\n\
            category: c\nquick_fix: q\nupdated: 2026-11-20\ncauses: [c]\nquick_fixes: [q]\n\
            checks: [c]\nsteps: [s]\nprevention: [p]\n\
            sources: [{url: 'https://example.com/', title: t, note: n}]\nrelated: [t/x]\n\
            faq: [{q: q, a: a}]\napplies_to: [a]\ntags: [t]\naliases: [/a/]\ndraft: false\n";
        let read: Result<FrontMatter, _> = serde_saphyr::from_str(yaml);
        let read = read.unwrap_or_else(|e| unreachable!("{e}"));
        let keys: Vec<&str> = read.keys.iter().map(|k| k.value.as_str()).collect();
        assert_eq!(keys, FIELDS);
        assert_eq!(read.fields.present_keys(), FIELDS);
    }

    #[test]
    fn a_good_entry_parses() {
        let e = parse_str(GOOD);
        assert!(e.is_ok(), "{e:?}");
        let e = e.unwrap_or_else(|_| unreachable!());
        assert_eq!(e.signature, "Error: x");
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
