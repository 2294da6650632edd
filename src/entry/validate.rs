//! Raw fields → validated [`Fields`], collecting every problem with its place in the file.
//!
//! Each front-matter field is checked by one rule here (a method named in `fields.rs`); the
//! prose it reads is noted for the quality warnings (`quality.rs`) and the links in it for the
//! whole-site checks.

use std::ops::Range;
use std::path::Path;

use jiff::civil::Date;
use serde_saphyr::Spanned;

use super::fields::{FIELDS, required_fields};
use super::front_matter::{RawFaq, RawQuotes, RawSource};
use super::section::Defaults;
use super::{Faq, Located, Source};
use crate::diagnostic::{Diagnostic, LineIndex, Problem, did_you_mean};
use crate::markdown;
use crate::urls::check_external_url;
use crate::yaml::{forbidden_control, key_range, range_of};

/// A piece of prose an author wrote and where it starts, for the quality warnings.
pub(super) struct Prose {
    pub(super) field: &'static str,
    pub(super) text: String,
    pub(super) start: usize,
}

/// Validates raw fields, collecting every problem with its place in `text`.
pub(super) struct Validator<'a> {
    /// The ids of the site's kinds.
    kinds: &'a [String],
    pub(super) path: &'a Path,
    pub(super) text: &'a str,
    pub(super) index: LineIndex<'a>,
    pub(super) offset: usize,
    pub(super) problems: Vec<Diagnostic>,
    pub(super) today: Date,
    pub(super) prose: Vec<Prose>,
    /// Where this file sets `updated`, for the stale warning.
    pub(super) updated_at: Option<Range<usize>>,
    /// False when the YAML can hold no control character in a value: the parser refuses raw
    /// ones except U+0085, so only that or a double-quoted escape (`\x01`) can write one.
    pub(super) escapes: bool,
    /// Every sentence of eight words or more, for the site-wide check of shared sentences.
    pub(super) sentences: Vec<super::quality::SentenceKey>,
}

impl<'a> Validator<'a> {
    pub(super) fn new(
        path: &'a Path,
        text: &'a str,
        offset: usize,
        today: Date,
        kinds: &'a [String],
    ) -> Self {
        Validator {
            kinds,
            path,
            text,
            index: LineIndex::new(text),
            offset,
            problems: Vec::new(),
            today,
            prose: Vec::new(),
            updated_at: None,
            escapes: may_hold_controls(&text[offset.min(text.len())..]),
            sentences: Vec::new(),
        }
    }

    /// The keys as written: unknown ones (with a did-you-mean), and the required fields that
    /// neither they nor the tool folder's defaults set, reported at the mapping.
    pub(super) fn keys(&mut self, keys: &[Spanned<String>], defaults: &Defaults) {
        for key in keys {
            if !FIELDS.contains(&key.value.as_str()) {
                let range = key_range(key, self.text, self.offset);
                self.problems.push(self.diag_at(
                    Problem::UnknownField {
                        field: key.value.clone(),
                        suggestion: did_you_mean(&key.value, FIELDS),
                    },
                    range,
                ));
            }
        }
        for field in required_fields() {
            let present =
                keys.iter().any(|k| k.value == field) || defaults.keys.iter().any(|k| k == field);
            // A misspelt key already says "did you mean `field`?": once is enough.
            let misspelt = keys.iter().any(|k| {
                !FIELDS.contains(&k.value.as_str())
                    && did_you_mean(&k.value, FIELDS).as_deref() == Some(field)
            });
            if !present && !misspelt && !defaults.failed {
                // Point at the mapping: its first key, or the opening fence when it is empty.
                let at = keys
                    .first()
                    .map_or(0..3, |k| key_range(k, self.text, self.offset));
                self.problems.push(self.diag_at(
                    Problem::MissingField {
                        field: field.into(),
                    },
                    at,
                ));
            }
        }
    }

    /// Required fields written with no value (`title:` or `title: ~`): YAML reads them as
    /// null, which would otherwise leave the entry out without a word.
    pub(super) fn null_values(&mut self, keys: &[Spanned<String>], set: &[String]) {
        for key in keys {
            let required = required_fields().any(|f| f == key.value);
            if required && !set.contains(&key.value) {
                let range = key_range(key, self.text, self.offset);
                self.problems.push(self.diag_at(
                    Problem::EmptyValue {
                        field: key.value.clone(),
                    },
                    range,
                ));
            }
        }
    }

    fn range<T>(&self, at: &Spanned<T>) -> Range<usize> {
        range_of(at, self.text, self.offset)
    }

    pub(super) fn diag_at(&self, problem: Problem, range: Range<usize>) -> Diagnostic {
        Diagnostic::new(problem, self.path, Some(self.index.location(range)))
    }

    pub(super) fn report<T>(&mut self, problem: Problem, at: &Spanned<T>) {
        let range = self.range(at);
        self.problems.push(self.diag_at(problem, range));
    }

    fn located(&mut self, field: &str, s: &Spanned<String>) -> Option<Located<String>> {
        if !self.clean(field, s) {
            return None;
        }
        Some(Located {
            value: s.value.trim().to_string(),
            location: self.index.location(self.range(s)),
        })
    }

    /// False, with a diagnostic, when a value holds a control character (see
    /// [`forbidden_control`]).
    pub(super) fn clean(&mut self, field: &str, s: &Spanned<String>) -> bool {
        if !self.escapes {
            return true;
        }
        match forbidden_control(&s.value) {
            Some(c) => {
                self.report(
                    Problem::ControlCharacter {
                        field: field.into(),
                        code: u32::from(c),
                    },
                    s,
                );
                false
            }
            None => true,
        }
    }

    /// A string that must not be empty when it is set.
    pub(super) fn string(
        &mut self,
        field: &'static str,
        value: Option<Spanned<String>>,
    ) -> Option<String> {
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
        if !self.clean(field, &s) {
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

    pub(super) fn strings(
        &mut self,
        field: &'static str,
        values: Option<Vec<Spanned<String>>>,
    ) -> Option<Vec<String>> {
        Some(self.each(values?, |v, s| v.string(field, Some(s))))
    }

    /// Each value that its rule accepts (the rule reports the others).
    fn each(
        &mut self,
        values: Vec<Spanned<String>>,
        mut rule: impl FnMut(&mut Self, Spanned<String>) -> Option<String>,
    ) -> Vec<String> {
        values.into_iter().filter_map(|s| rule(self, s)).collect()
    }

    /// Signature-like texts (`variants`, `context`): each a string whose placeholders are
    /// well formed.
    pub(super) fn patterns(
        &mut self,
        field: &'static str,
        values: Option<Vec<Spanned<String>>>,
    ) -> Option<Vec<String>> {
        Some(self.each(values?, |v, s| v.pattern(field, s)))
    }

    /// The signature: a pattern with where it is written (duplicates are reported there).
    pub(super) fn located_pattern(
        &mut self,
        field: &'static str,
        value: Option<Spanned<String>>,
    ) -> Option<Located<String>> {
        let s = value?;
        let location = self.index.location(self.range(&s));
        self.pattern(field, s)
            .map(|value| Located { value, location })
    }

    /// A non-empty text whose `{{placeholders}}` are well formed and that has words of its own.
    fn pattern(&mut self, field: &'static str, s: Spanned<String>) -> Option<String> {
        if let Some(detail) = pattern_problem(&s.value) {
            self.report(
                Problem::BadPlaceholder {
                    field: field.into(),
                    detail,
                },
                &s,
            );
            return None;
        }
        self.string(field, Some(s))
    }

    /// A required list: when set, it must hold at least one item.
    pub(super) fn required_list(
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

    /// A text that may be left empty (then it counts as not set).
    pub(super) fn optional_string(
        &mut self,
        field: &'static str,
        value: Option<Spanned<String>>,
    ) -> Option<String> {
        let s = value?;
        if !self.clean(field, &s) {
            return None;
        }
        self.note_prose(field, &s);
        Some(s.value.trim().to_string()).filter(|s| !s.is_empty())
    }

    /// A kind: one of the site's.
    pub(super) fn kind(
        &mut self,
        field: &'static str,
        value: Option<Spanned<String>>,
    ) -> Option<String> {
        let s = value?;
        let id = s.value.trim().to_string();
        if !self.clean(field, &s) {
            return None;
        }
        if self.kinds.contains(&id) {
            return Some(id);
        }
        let hint = match did_you_mean(&id, self.kinds.iter().map(String::as_str)) {
            Some(k) => format!("did you mean `{k}`?"),
            None => format!(
                "the site's kinds are {} (`kinds` in site.yaml declares them)",
                self.kinds
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        self.report(
            Problem::InvalidValue {
                detail: format!("`{id}` is not one of the site's kinds"),
                hint,
            },
            &s,
        );
        None
    }

    /// A value serde has already checked (an enum, a boolean).
    pub(super) fn value<T>(
        &mut self,
        _field: &'static str,
        value: Option<Spanned<T>>,
    ) -> Option<T> {
        value.map(|v| v.value)
    }

    /// Paths or ids, checked against the whole site later, with where each is written.
    pub(super) fn located_list(
        &mut self,
        field: &'static str,
        values: Option<Vec<Spanned<String>>>,
    ) -> Option<Vec<Located<String>>> {
        values.map(|list| list.iter().filter_map(|s| self.located(field, s)).collect())
    }

    /// A date field (`updated`): remembered for the stale warning, then checked.
    pub(super) fn date(
        &mut self,
        field: &'static str,
        value: Option<Spanned<String>>,
    ) -> Option<Date> {
        let value = value?;
        self.updated_at = Some(self.range(&value));
        self.checked_date(field, &value)
    }

    /// A `YYYY-MM-DD` date, not in the future.
    fn checked_date(&mut self, field: &str, value: &Spanned<String>) -> Option<Date> {
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
            Err(_) => {
                self.report(
                    Problem::BadDate {
                        value: value.value.clone(),
                        detail: why_not_a_date(value.value.trim()),
                    },
                    value,
                );
                None
            }
        }
    }

    /// Questions and answers, each a non-empty text.
    pub(super) fn faq(
        &mut self,
        _field: &'static str,
        items: Option<Vec<Spanned<RawFaq>>>,
    ) -> Option<Vec<Faq>> {
        let items = items?;
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let q = self.string("faq.q", Some(item.value.q));
            let a = self.string("faq.a", Some(item.value.a));
            if let (Some(q), Some(a)) = (q, a) {
                out.push(Faq { q, a });
            }
        }
        Some(out)
    }

    /// The sources: at least one, each with an http(s) URL, a title and an evidence note.
    pub(super) fn sources(
        &mut self,
        field: &'static str,
        list: Option<Spanned<Vec<Spanned<RawSource>>>>,
    ) -> Option<Vec<Source>> {
        let list = list?;
        if list.value.is_empty() {
            self.report(
                Problem::EmptyValue {
                    field: field.into(),
                },
                &list,
            );
        }
        let mut out = Vec::new();
        for item in list.value {
            let item_range = self.range(&item);
            let s = item.value;
            if !self.clean("sources.url", &s.url) {
            } else if let Err(detail) = check_external_url(&s.url.value) {
                self.report(
                    Problem::BadUrl {
                        url: s.url.value.clone(),
                        detail,
                    },
                    &s.url,
                );
            }
            let note = match s.note {
                Some(n) if !self.clean("sources.note", &n) => String::new(),
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
            let checked = s
                .checked
                .as_ref()
                .and_then(|c| self.checked_date("checked", c));
            let quotes = s.quote.map(|q| self.quotes(q)).unwrap_or_default();
            let location = self.index.location(self.range(&s.url));
            out.push(Source {
                quotes,
                location,
                url: s.url.value.trim().to_string(),
                title: self
                    .string("sources.title", Some(s.title))
                    .unwrap_or_default(),
                note,
                checked,
            });
        }
        Some(out)
    }

    /// A source's quotes: each a short, non-empty passage without control characters.
    fn quotes(&mut self, raw: Spanned<RawQuotes>) -> Vec<String> {
        let list = &raw.value.0;
        if list.is_empty() || list.len() > MAX_QUOTES {
            self.report(
                Problem::BadQuote {
                    detail: format!(
                        "a source takes 1 to {MAX_QUOTES} quotes, not {}",
                        list.len()
                    ),
                },
                &raw,
            );
            return Vec::new();
        }
        let mut out = Vec::new();
        for q in list {
            let q = q.split_whitespace().collect::<Vec<_>>().join(" ");
            let chars = q.chars().count();
            let detail = if q.is_empty() {
                Some("a quote is empty".to_string())
            } else if chars > MAX_QUOTE_CHARS {
                Some(format!(
                    "a quote is {chars} characters long (at most {MAX_QUOTE_CHARS})"
                ))
            } else {
                forbidden_control(&q)
                    .map(|c| format!("a quote holds the control character U+{:04X}", u32::from(c)))
            };
            match detail {
                Some(detail) => self.report(Problem::BadQuote { detail }, &raw),
                None => out.push(q),
            }
        }
        out
    }

    /// Every Markdown link the author wrote, with its place: in the inline fields, and in the
    /// body (`body`: found when it was rendered, its ranges `body_offset` into the file).
    pub(super) fn links(
        &self,
        body: &[(String, Range<usize>)],
        body_offset: usize,
    ) -> Vec<Located<String>> {
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
}

/// Why a text is not a date, in the author's terms (the date library's own message names its
/// internals).
fn why_not_a_date(text: &str) -> String {
    let parts: Vec<&str> = text.split('-').collect();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let shaped =
        parts.len() == 3 && digits(parts[0], 4) && digits(parts[1], 2) && digits(parts[2], 2);
    if !shaped {
        return "it is not written as YYYY-MM-DD".into();
    }
    let number = |s: &str| s.parse::<i16>().unwrap_or(0);
    let (year, month) = (number(parts[0]), number(parts[1]));
    if !(1..=12).contains(&month) {
        return format!("there is no month {month}");
    }
    match jiff::civil::Date::new(year, month as i8, 1) {
        Ok(first) => format!(
            "{} has {} days",
            first.strftime("%B %Y"),
            first.days_in_month()
        ),
        Err(_) => format!("the year {year} is out of range"),
    }
}

/// True when a YAML text may decode to a value with a control character (see
/// [`Validator::escapes`]): it has a backslash or a raw U+0085.
pub(super) fn may_hold_controls(yaml: &str) -> bool {
    memchr::memchr(b'\\', yaml.as_bytes()).is_some()
        || memchr::memmem::find(yaml.as_bytes(), "\u{85}".as_bytes()).is_some()
}

/// How many quotes a source may carry, and how long each may be: quotes are short passages, the
/// words a claim rests on, not copies of the page.
pub const MAX_QUOTES: usize = 5;
pub const MAX_QUOTE_CHARS: usize = 300;

/// What is wrong with a signature-like text's placeholders, if anything: every `{{` must open a
/// `{{name}}` placeholder, and some words must be left besides them.
fn pattern_problem(text: &str) -> Option<String> {
    let re = crate::search::PLACEHOLDER.as_ref()?;
    let mut from = 0;
    while let Some(at) = text[from..].find("{{") {
        let start = from + at;
        match re.find_at(text, start) {
            Some(m) if m.start() == start => from = m.end(),
            _ => {
                let shown: String = text[start..].chars().take(24).collect();
                return Some(format!(
                    "`{shown}` starts a placeholder but is not `{{{{name}}}}`"
                ));
            }
        }
    }
    if text.trim().is_empty() {
        return None; // the empty-value check reports it
    }
    let words = crate::search::pattern_tokens(text)
        .iter()
        .any(|t| matches!(t, crate::search::Tok::Word(_)));
    (!words).then(|| "it is only placeholders and noise, so it would match anything".to_string())
}
