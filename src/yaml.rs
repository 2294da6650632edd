//! serde-saphyr's errors and positions → diagnostics in the *file*.
//!
//! Front matter, `_section.yaml` and `site.yaml` are all read with serde-saphyr. Its errors are
//! translated here into [`Problem`]s (library internals never reach the reader) and its
//! positions, counted in the YAML text, are shifted to the file that holds it.

use std::ops::Range;
use std::path::Path;

use serde_saphyr::Spanned;

use crate::diagnostic::{Diagnostic, Location, Problem, byte_at, did_you_mean};

/// The first control character in a value other than tab and line ends. YAML's escapes
/// (`"\x01"`, `"\0"`) can write them; HTML and XML cannot hold them, so values are refused
/// with them.
pub fn forbidden_control(value: &str) -> Option<char> {
    // This runs on every value and every body, so bytes first, 64 at a time with no early exit
    // inside a block (the compiler turns that into vector code): C0 and DEL are single bytes,
    // C1 controls are 0xC2 followed by 0x80..=0x9F. Only a text with one of those lead bytes
    // is looked at byte by byte.
    let bytes = value.as_bytes();
    let suspect = bytes.chunks(64).any(|block| {
        block
            .iter()
            .fold(false, |found, &b| found | c0_or_del(b) | (b == 0xc2))
    });
    if !suspect {
        return None;
    }
    bytes.iter().enumerate().find_map(|(i, &b)| {
        let c1 = b == 0xc2 && matches!(bytes.get(i + 1), Some(0x80..=0x9f));
        (c0_or_del(b) || c1)
            .then(|| value[i..].chars().next())
            .flatten()
    })
}

/// True for a control character HTML and XML cannot hold: every one but tab and line ends.
pub fn is_forbidden_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// A C0 control character other than tab and line ends, or DEL (branch-free).
fn c0_or_del(b: u8) -> bool {
    ((b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r')) | (b == 0x7f)
}

/// Turns a serde-saphyr error into a diagnostic positioned in the file (`offset` is where the YAML
/// starts in `text`).
pub fn yaml_error(
    error: &serde_saphyr::Error,
    path: &Path,
    text: &str,
    offset: usize,
) -> Diagnostic {
    let problem = problem_of(error);
    let error = error.without_snippet();
    let location = error.location().map(|l| {
        let start = offset + yaml_byte(text, offset, &l);
        let len = l.span().byte_len().map_or(1, |n| n as usize).max(1);
        Location::from_bytes(text, start..start + len)
    });
    Diagnostic::new(problem, path, location)
}

/// What a serde-saphyr error means for the author, in our words.
fn problem_of(error: &serde_saphyr::Error) -> Problem {
    use serde_saphyr::Error as E;
    match error.without_snippet() {
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
    }
}

/// Where in the YAML text (a byte offset) an error is, when it says.
pub fn error_byte(error: &serde_saphyr::Error, yaml: &str) -> Option<usize> {
    error.location().map(|l| yaml_byte(yaml, 0, &l))
}

/// True for an error about a value's type or form (the document itself is well formed): the
/// rest of the document can still be read without that value.
pub fn is_value_error(error: &serde_saphyr::Error) -> bool {
    matches!(problem_of(error), Problem::InvalidValue { .. })
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
    byte_at(&text[offset..], l.line() as usize, l.column() as usize)
}

/// Byte range of a spanned value in the file.
pub fn range_of<T>(s: &Spanned<T>, text: &str, offset: usize) -> Range<usize> {
    let l = &s.referenced;
    let start = offset + yaml_byte(text, offset, l);
    let len = l.span().byte_len().map_or(0, |n| n as usize);
    start..start + len
}

/// Where a key is written: its own text, not its value.
pub fn key_range(key: &Spanned<String>, text: &str, offset: usize) -> Range<usize> {
    let start = range_of(key, text, offset).start;
    let len = text
        .get(start..)
        .filter(|rest| rest.starts_with(key.value.as_str()))
        .map_or(1, |_| key.value.len());
    start..start + len
}

/// A settings file (site.yaml, `_section.yaml`) that is blank is a mapping without its required
/// `title`: that diagnostic, at the file's start.
pub fn require_not_blank(path: &Path, text: &str) -> Result<(), Vec<Diagnostic>> {
    if !is_blank(text) {
        return Ok(());
    }
    let missing = Problem::MissingField {
        field: "title".into(),
    };
    Err(vec![Diagnostic::at(missing, path, text, 0..0)])
}

/// True for a YAML text with nothing but blank lines and comments: an empty mapping, whose
/// missing keys are the problem (not its syntax).
pub fn is_blank(text: &str) -> bool {
    text.lines().all(|l| {
        let l = l.trim();
        l.is_empty() || l.starts_with('#')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_found_by_bytes_as_by_chars() {
        let by_chars = |s: &str| {
            s.chars()
                .find(|&c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        };
        for s in [
            "plain text\twith tabs\r\n",
            "a \u{1} b",
            "nul \0",
            "del \u{7f}",
            "c1 \u{85} next line",
            "c1 \u{9f}",
            "not c1: \u{a0} \u{b7} \u{a9} · © ½",
            &"x".repeat(200),
            &format!("{}\u{1b}[31m", "y".repeat(130)),
            "",
        ] {
            assert_eq!(forbidden_control(s), by_chars(s), "{s:?}");
        }
    }
}
