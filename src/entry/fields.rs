//! The front-matter fields, declared once.
//!
//! [`fields!`] below is the only list of them. Each line gives a field's documentation (which
//! becomes the JSON Schema's description), its schema constraints, whether the entry must have
//! it, its type on the [`Entry`], its type as written in YAML, the [`Validator`] rule that turns
//! one into the other, and an example value. From that list come: the [`Entry`] model,
//! [`RawFields`] (what a file or a tool folder's `defaults` may hold, with positions),
//! [`FIELDS`], the required fields, the one-pass reader of the front matter, [`Fields`] (the
//! validated values) with the merge of defaults, [`Validator::fields`] and the step from
//! [`Fields`] to [`Entry`].
//!
//! Adding a field: one line here (and a rule in `validate.rs` if no existing one fits), its use
//! in a template (`render/views.rs`, `templates/entry.html`) and its documentation
//! (`docs/authoring.md`).
//!
//! The modes: `required` fields must be set (by the file or its tool folder's defaults);
//! `default` fields are the type's default when not set; `optional` fields stay `Option`.

use jiff::civil::Date;
use serde::Deserialize;
use serde_saphyr::Spanned;

use super::front_matter::{FrontMatter, FrontMatterVisitor, RawFaq, RawSource};
use super::validate::Validator;
use super::{Faq, Located, Source};
use crate::markdown;

/// The type a field has on an [`Entry`], by its mode.
macro_rules! entry_type {
    (required $t:ty) => { $t };
    (default $t:ty) => { $t };
    (optional $t:ty) => { Option<$t> };
}

/// Whether a mode makes a field required.
macro_rules! is_required {
    (required) => {
        true
    };
    ($other:ident) => {
        false
    };
}

/// A validated field's value on the [`Entry`], by its mode (`?`: the entry needs it).
macro_rules! entry_value {
    (required $v:expr) => {
        $v?
    };
    (default $v:expr) => {
        $v.unwrap_or_default()
    };
    (optional $v:expr) => {
        $v
    };
}

macro_rules! fields {
    ($(
        $(#[doc = $doc:literal])*
        #[schemars($($schema:tt)*)]
        $name:ident: $mode:ident $ty:ty = $raw:ty, by $rule:ident, e.g. $example:literal;
    )*) => {
        /// The front matter keys an entry may have, in the order of docs/authoring.md.
        pub const FIELDS: [&str; [$(stringify!($name)),*].len()] = [$(stringify!($name)),*];

        /// For each of [`FIELDS`], whether an entry must have it.
        const IS_REQUIRED: [bool; FIELDS.len()] = [$(is_required!($mode)),*];

        /// A value of each of [`FIELDS`], as YAML (for tests and examples).
        #[cfg(test)]
        pub(super) const EXAMPLES: [&str; FIELDS.len()] = [$($example),*];

        /// One troubleshooting entry, validated. Inline fields hold Markdown source; the body is
        /// rendered when the file is read.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct Entry {
            /// `claude-code/401-oauth-token-expired`: the path under `content/` without `.md`.
            pub id: String,
            /// The tool folder's name (`claude-code`).
            pub tool: String,
            /// The file, relative to the site root.
            pub path: std::path::PathBuf,
            $($(#[doc = $doc])* pub $name: entry_type!($mode $ty),)*
            /// The Markdown after the front matter, rendered when the file is read (one parse
            /// gives the HTML, the headings and the links to check): links to other entries'
            /// files already point at their pages, root-relative links carry the base path.
            pub body_html: String,
            /// The body's headings with their ids on the page (the table of contents, and the
            /// targets of links to `#anchors`).
            pub headings: Vec<markdown::Heading>,
            /// Links in the body and in inline fields, with where they are, for the cross-entry
            /// checks.
            pub links: Vec<Located<String>>,
        }

        /// Every field an entry (or a tool folder's `defaults`) may hold, as written, with
        /// positions. All optional here: required fields are checked after the defaults are
        /// merged. The JSON Schema that `errdex schema` prints is generated from this type (the
        /// `schemars` attributes give the plain types behind the `Spanned` wrappers), so
        /// editors check the same rules.
        #[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
        #[schemars(deny_unknown_fields, title = "errdex entry front matter")]
        pub struct RawFields {
            $($(#[doc = $doc])* #[schemars($($schema)*)] pub(super) $name: Option<$raw>,)*
        }

        impl RawFields {
            /// The names of the fields that are set.
            pub(super) fn present_keys(&self) -> Vec<String> {
                let mut keys = Vec::new();
                $(if self.$name.is_some() {
                    keys.push(stringify!($name).to_string());
                })*
                keys
            }
        }

        /// Fields after validation; `None` where the file does not set them.
        #[derive(Debug, Clone, Default)]
        pub struct Fields {
            $(pub(super) $name: Option<$ty>,)*
        }

        impl Fields {
            /// This file's own values, then the defaults for the rest.
            pub(super) fn or(self, d: &Fields) -> Fields {
                Fields {
                    $($name: self.$name.or_else(|| d.$name.clone()),)*
                }
            }

            /// The entry, once every required field is known to be there.
            pub(super) fn into_entry(
                self,
                path: &std::path::Path,
                id: &str,
                body: markdown::Rendered,
                links: Vec<Located<String>>,
            ) -> Option<Entry> {
                Some(Entry {
                    id: id.to_string(),
                    tool: id.rsplit_once('/').map(|(tool, _)| tool.to_string()).unwrap_or_default(),
                    path: path.to_path_buf(),
                    $($name: entry_value!($mode self.$name),)*
                    body_html: body.html,
                    headings: body.headings,
                    links,
                })
            }
        }

        impl Validator<'_> {
            /// Validates every field that is set, each by its rule, collecting every problem.
            pub(super) fn fields(&mut self, raw: RawFields) -> Fields {
                Fields {
                    $($name: self.$rule(stringify!($name), raw.$name),)*
                }
            }
        }

        /// Reads the front matter in one pass: each key's `match` arm sets the [`RawFields`]
        /// field of the same name; unknown keys are kept (for their diagnostics) and skipped.
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

/// The fields an entry must have (after its tool folder's defaults are merged), in
/// [`FIELDS`] order.
pub fn required_fields() -> impl Iterator<Item = &'static str> {
    FIELDS
        .into_iter()
        .zip(IS_REQUIRED)
        .filter_map(|(name, required)| required.then_some(name))
}

fields! {
    /// The page's `<h1>` and `<title>`.
    #[schemars(with = "String", required, length(min = 1))]
    title: required String = Spanned<String>, by string, e.g. "t";
    /// One plain sentence under the title; the meta description and search result text (160 characters at most read well).
    #[schemars(with = "String", required, length(min = 1))]
    summary: required String = Spanned<String>, by string, e.g. "s";
    /// The exact error text a user sees, verbatim; `{{name}}` marks a part that changes between occurrences; may be a block of several lines.
    #[schemars(with = "String", required, length(min = 1))]
    signature: required Located<String> = Spanned<String>, by located_pattern, e.g. "x";
    /// Other texts of the same error (older versions, other surfaces), written as the signature.
    #[schemars(with = "Option<Vec<String>>")]
    variants: default Vec<String> = Vec<Spanned<String>>, by patterns, e.g. "[v]";
    /// Lines printed with the error that are not the error itself (a hint, the fix the tool suggests): they support a match in a log, never make one alone.
    #[schemars(with = "Option<Vec<String>>")]
    context: default Vec<String> = Vec<Spanned<String>>, by patterns, e.g. "[c]";
    /// The error's code as the tool prints it (`401`, `529`, `ECONNRESET`); quote numbers.
    #[schemars(with = "Option<String>")]
    code: optional String = Spanned<String>, by optional_string, e.g. "'1'";
    /// The failure class: one of the site's kinds (`kinds` in site.yaml; by default auth, quota, model, runtime, config, network, install).
    #[schemars(with = "Option<String>")]
    kind: optional String = Spanned<String>, by kind, e.g. "auth";
    /// The second breadcrumb and the Category fact; usually set in the tool folder's `_section.yaml` defaults.
    #[schemars(with = "Option<String>")]
    category: required String = Spanned<String>, by string, e.g. "c";
    /// The first thing to try, one line of inline Markdown.
    #[schemars(with = "String", required, length(min = 1))]
    quick_fix: required String = Spanned<String>, by string, e.g. "q";
    /// When the entry was last checked, `YYYY-MM-DD`; not in the future.
    #[schemars(with = "String", required, extend("format" = "date"))]
    updated: required Date = Spanned<String>, by date, e.g. "2026-11-20";
    /// Common causes, inline Markdown, at least one.
    #[schemars(with = "Vec<String>", required, length(min = 1))]
    causes: required Vec<String> = Spanned<Vec<Spanned<String>>>, by required_list, e.g. "[c]";
    /// Quick fixes, inline Markdown, at least one.
    #[schemars(with = "Vec<String>", required, length(min = 1))]
    quick_fixes: required Vec<String> = Spanned<Vec<Spanned<String>>>, by required_list, e.g. "[q]";
    /// Platform/tool-specific checks, inline Markdown.
    #[schemars(with = "Option<Vec<String>>")]
    checks: default Vec<String> = Vec<Spanned<String>>, by strings, e.g. "[c]";
    /// Step-by-step troubleshooting, in order, inline Markdown.
    #[schemars(with = "Option<Vec<String>>")]
    steps: default Vec<String> = Vec<Spanned<String>>, by strings, e.g. "[s]";
    /// How to prevent it, inline Markdown.
    #[schemars(with = "Option<Vec<String>>")]
    prevention: default Vec<String> = Vec<Spanned<String>>, by strings, e.g. "[p]";
    /// The sources checked, each with what it shows; at least one.
    #[schemars(with = "Vec<RawSource>", required, length(min = 1))]
    sources: required Vec<Source> = Spanned<Vec<Spanned<RawSource>>>, by sources, e.g. "[{url: 'https://example.com/', title: t, note: n}]";
    /// Ids of related entries (`claude-code/529-overloaded`); each must exist.
    #[schemars(with = "Option<Vec<String>>")]
    related: default Vec<Located<String>> = Vec<Spanned<String>>, by located_list, e.g. "[t/x]";
    /// Questions and answers.
    #[schemars(with = "Option<Vec<RawFaq>>")]
    faq: default Vec<Faq> = Vec<Spanned<RawFaq>>, by faq, e.g. "[{q: q, a: a}]";
    /// Versions and platforms affected.
    #[schemars(with = "Option<Vec<String>>")]
    applies_to: default Vec<String> = Vec<Spanned<String>>, by strings, e.g. "[a]";
    /// Extra search terms.
    #[schemars(with = "Option<Vec<String>>")]
    tags: default Vec<String> = Vec<Spanned<String>>, by strings, e.g. "[t]";
    /// Old site paths that redirect here (`/old/path/`).
    #[schemars(with = "Option<Vec<String>>")]
    aliases: default Vec<Located<String>> = Vec<Spanned<String>>, by located_list, e.g. "[/a/]";
    /// Left out of the site unless `build --drafts`.
    #[schemars(with = "Option<bool>")]
    draft: default bool = Spanned<bool>, by value, e.g. "false";
}
