//! The front matter as written: split off the file, read in one pass with every key's
//! position, and the raw types of its nested values (sources, FAQ items). The JSON Schema for
//! editors is generated from these types and [`RawFields`].

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;
use serde_saphyr::Spanned;

use super::fields::RawFields;
use crate::diagnostic::{Diagnostic, Problem};
use crate::yaml::{error_byte, is_value_error, range_of, yaml_error};

/// Where the front matter sits in the file, in bytes.
pub(super) struct Split<'a> {
    pub(super) yaml: &'a str,
    pub(super) yaml_offset: usize,
    pub(super) body: &'a str,
    pub(super) body_offset: usize,
}

/// Splits `---\n yaml \n---\n body`. The opening fence must be the first line.
pub(super) fn split_front_matter<'a>(path: &Path, text: &'a str) -> Result<Split<'a>, Diagnostic> {
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

/// A source: link, title, the evidence note, the date it was checked.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    /// An `http(s)` URL.
    #[schemars(with = "String", regex(pattern = "^https?://[^/\\s]"))]
    pub(super) url: Spanned<String>,
    /// The source's title.
    #[schemars(with = "String", length(min = 1))]
    pub(super) title: Spanned<String>,
    /// The evidence note: what this source shows.
    #[schemars(with = "String", required, length(min = 1))]
    pub(super) note: Option<Spanned<String>>,
    /// When the source was checked, `YYYY-MM-DD`.
    #[schemars(with = "Option<String>", extend("format" = "date"))]
    pub(super) checked: Option<Spanned<String>>,
    /// Short verbatim passages of the source that the entry rests on: one text or a list.
    #[schemars(with = "Option<Quotes>")]
    pub(super) quote: Option<Spanned<RawQuotes>>,
}

/// `quote:` as written: one passage, or a list of them.
#[derive(Debug, Clone, Default)]
pub struct RawQuotes(pub(super) Vec<String>);

impl<'de> Deserialize<'de> for RawQuotes {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = RawQuotes;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a quoted passage, or a list of them")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawQuotes, E> {
                Ok(RawQuotes(vec![v.to_string()]))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<RawQuotes, A::Error> {
                let mut out = Vec::new();
                while let Some(q) = seq.next_element::<String>()? {
                    out.push(q);
                }
                Ok(RawQuotes(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// The schema of `quote:`.
#[allow(dead_code)]
#[derive(schemars::JsonSchema)]
#[serde(untagged)]
enum Quotes {
    One(#[schemars(length(min = 1, max = 300))] String),
    Many(#[schemars(length(min = 1, max = 5))] Vec<String>),
}

/// A question and its answer.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFaq {
    /// The question, inline Markdown.
    #[schemars(with = "String", length(min = 1))]
    pub(super) q: Spanned<String>,
    /// The answer, Markdown.
    #[schemars(with = "String", length(min = 1))]
    pub(super) a: Spanned<String>,
}

/// The JSON Schema (draft 2020-12) of an entry's front matter, for editors.
pub fn schema(kinds: &[String]) -> serde_json::Value {
    let mut schema = serde_json::to_value(schemars::schema_for!(RawFields)).unwrap_or_default();
    if let Some(obj) = schema.as_object_mut() {
        obj.insert(
            "description".into(),
            "The YAML front matter of an errdex entry (content/<tool>/<slug>.md). See docs/authoring.md.".into(),
        );
    }
    // The site's kinds, so that an editor offers and checks them.
    if let Some(kind) = schema
        .pointer_mut("/properties/kind")
        .and_then(|k| k.as_object_mut())
    {
        kind.insert("type".into(), "string".into());
        kind.insert("enum".into(), kinds.into());
    }
    schema
}

/// An entry's front matter read in one pass: every key with where it is written (unknown ones
/// too, for their diagnostics) and the typed fields.
pub(super) struct FrontMatter {
    pub(super) keys: Vec<Spanned<String>>,
    pub(super) fields: RawFields,
}

pub(super) struct FrontMatterVisitor;

impl<'de> Deserialize<'de> for FrontMatter {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(FrontMatterVisitor)
    }
}

/// The front matter read: its keys with their positions, the typed fields, and the errors of
/// values of the wrong type (the keys are then surveyed on their own, so that every unknown and
/// missing field is still reported beside them).
pub(super) struct Read {
    pub(super) keys: Vec<Spanned<String>>,
    pub(super) fields: RawFields,
    pub(super) errors: Vec<serde_saphyr::Error>,
}

/// Reads the keys and the typed fields in one pass. Only when that fails are the keys surveyed
/// on their own; when even that fails (bad syntax, not a mapping, a duplicate key), that error
/// is the diagnostic. A value of the wrong type is blanked out (its key's lines become spaces,
/// so every position stays the same) and the rest read again, until every such value is found:
/// `causes: x`, `draft: maybe` and `updated: 12345` are three diagnostics of one run.
pub(super) fn read(path: &Path, text: &str, split: &Split) -> Result<Read, Diagnostic> {
    let read = if split.yaml.trim().is_empty() {
        Ok(FrontMatter {
            keys: Vec::new(),
            fields: RawFields::default(),
        })
    } else {
        serde_saphyr::from_str::<FrontMatter>(split.yaml)
    };
    let first = match read {
        Ok(FrontMatter { keys, fields }) => {
            return Ok(Read {
                keys,
                fields,
                errors: Vec::new(),
            });
        }
        Err(e) => e,
    };
    let keys = survey_keys(split.yaml).map_err(|e| {
        let mut d = yaml_error(&e, path, text, split.yaml_offset);
        // At the top level, a value of the wrong type is this one mistake.
        if matches!(*d.problem, Problem::InvalidValue { .. }) {
            d.problem = Box::new(Problem::NotAMapping);
        }
        d
    })?;
    let (fields, errors) = read_around_errors(split.yaml, &keys, first);
    Ok(Read {
        keys,
        fields,
        errors,
    })
}

/// Reads `yaml` again and again, each time with the key of the last value error blanked out,
/// until it reads or an error is not one of a value (or not inside a key's lines).
fn read_around_errors(
    yaml: &str,
    keys: &[Spanned<String>],
    first: serde_saphyr::Error,
) -> (RawFields, Vec<serde_saphyr::Error>) {
    // Each key's lines: from where it is written to where the next one is.
    let starts: Vec<usize> = keys.iter().map(|k| range_of(k, yaml, 0).start).collect();
    let mut text = yaml.to_string();
    let mut blanked = vec![false; keys.len()];
    let mut errors = vec![first];
    while let Some(last) = errors.last().filter(|e| is_value_error(e)) {
        let Some(at) = error_byte(last, &text) else {
            break;
        };
        let Some(i) = starts.iter().rposition(|&s| s <= at) else {
            break;
        };
        if blanked[i] {
            break;
        }
        blanked[i] = true;
        let end = starts.get(i + 1).copied().unwrap_or(text.len());
        if end > text.len() || !text.is_char_boundary(starts[i]) || !text.is_char_boundary(end) {
            break;
        }
        let spaces: String = text[starts[i]..end]
            .bytes()
            .map(|b| if b == b'\n' { '\n' } else { ' ' })
            .collect();
        text.replace_range(starts[i]..end, &spaces);
        match serde_saphyr::from_str::<FrontMatter>(&text) {
            Ok(read) => return (read.fields, errors),
            Err(e) if is_value_error(&e) => errors.push(e),
            // Anything else comes from the blanking itself, not from the author.
            Err(_) => break,
        }
    }
    (RawFields::default(), errors)
}

/// A front-matter mapping's keys, with where each is written. Reports syntax errors, non-mapping
/// front matter and duplicate keys.
pub(super) fn survey_keys(yaml: &str) -> Result<Vec<Spanned<String>>, serde_saphyr::Error> {
    if yaml.trim().is_empty() {
        return Ok(Vec::new());
    }
    let map: HashMap<Spanned<String>, serde::de::IgnoredAny> = serde_saphyr::from_str(yaml)?;
    let mut keys: Vec<Spanned<String>> = map.into_keys().collect();
    keys.sort_by_key(|k| k.referenced.span().offset());
    Ok(keys)
}
