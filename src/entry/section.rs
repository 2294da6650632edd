//! A tool folder's `_section.yaml` → its own fields ([`SectionMeta`]) and the [`Defaults`] its
//! entries inherit, validated like an entry's fields (positions in the section file).

use std::collections::HashMap;
use std::path::Path;

use jiff::civil::Date;
use serde::Deserialize;
use serde_saphyr::Spanned;

use super::fields::{FIELDS, Fields, RawFields};
use super::validate::Validator;
use crate::diagnostic::{Diagnostic, Problem, did_you_mean};
use crate::urls::check_external_url;
use crate::yaml::yaml_error;

/// Section defaults as parsed from `_section.yaml`, positioned in that file.
#[derive(Debug, Clone, Default)]
pub struct Defaults {
    /// The section file had errors: its entries are not checked for fields it might have given.
    pub(super) failed: bool,
    pub(super) fields: Fields,
    /// Which fields the defaults provide.
    pub(super) keys: Vec<String>,
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

/// Parses a tool folder's `_section.yaml`: its own fields and the `defaults` for its entries,
/// validated like an entry's fields (positions in the section file).
pub fn parse_defaults(
    path: &Path,
    text: &str,
    today: Date,
    kinds: &[String],
) -> Result<(SectionMeta, Defaults), Vec<Diagnostic>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    crate::yaml::require_not_blank(path, text)?;
    let raw: RawSection =
        serde_saphyr::from_str(text).map_err(|e| vec![yaml_error(&e, path, text, 0)])?;
    let survey: SectionSurvey =
        serde_saphyr::from_str(text).map_err(|e| vec![yaml_error(&e, path, text, 0)])?;
    let mut v = Validator::new(path, text, 0, today, kinds);
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
    v.clean("title", &raw.title);
    if let Some(d) = &raw.description {
        v.clean("description", d);
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
            title: raw.title.value,
            description: raw.description.map(|d| d.value).unwrap_or_default(),
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
    title: Spanned<String>,
    description: Option<Spanned<String>>,
    homepage: Option<Spanned<String>>,
    defaults: Option<RawFields>,
}
