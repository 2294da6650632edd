//! `site.yaml` → [`Config`], and the site's folder layout ([`Project`]).
//!
//! Unknown keys are errors (a misspelt key should never pass silently); every other key has a
//! default, so a site can start with `title:` and `base_url:` alone.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::diagnostic::{Diagnostic, LineIndex, Problem};
use crate::labels::{Labels, RawLabels};
use crate::urls::{check_base_url, check_external_url};
use crate::yaml::{forbidden_control, range_of, yaml_error};

/// The site's settings, from `site.yaml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The site's name, in every page's `<title>` and header.
    pub title: String,
    /// One sentence, for the home page and its meta description.
    pub description: String,
    /// The absolute URL the site is published at; may carry a path (`https://user.github.io/errors/`).
    pub base_url: String,
    /// `<html lang>`.
    pub language: String,
    /// A link template with `{path}` (the entry's path under the site root), for "Edit this page".
    pub edit_url: Option<String>,
    /// The tracker's "new issue" address, for "Report a problem": each entry page links to it
    /// with a prefilled `title` and `body` added to its query.
    pub report_url: Option<String>,
    /// Entries not updated in this many days get a warning.
    pub stale_after_days: i64,
    /// The failure classes an entry's `kind` may name, in the site's order.
    pub kinds: Vec<KindDef>,
    /// The words the pages print that are not content (`labels:`; English by default).
    pub labels: Labels,
}

/// One failure class of the site (`kinds:` in site.yaml).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindDef {
    /// What entries write in `kind` (lowercase `a-z0-9-`): also the kind page's slug.
    pub id: String,
    /// The kind's display name (the Kind fact, the kind page's heading).
    pub title: String,
    /// One sentence for the kind page; by default "<title> errors, across tools."
    #[serde(default)]
    pub description: Option<String>,
}

/// The kinds of a site that declares none: the failure classes of AI coding tools' errors.
pub const DEFAULT_KINDS: [(&str, &str); 7] = [
    ("auth", "Authentication"),
    ("quota", "Quotas and rate limits"),
    ("model", "Models"),
    ("runtime", "Runtime"),
    ("config", "Configuration"),
    ("network", "Network"),
    ("install", "Installation"),
];

impl Config {
    /// The kind `id` declares, if the site has it.
    pub fn kind(&self, id: &str) -> Option<&KindDef> {
        self.kinds.iter().find(|k| k.id == id)
    }
}

fn default_kinds() -> Vec<KindDef> {
    DEFAULT_KINDS
        .iter()
        .map(|(id, title)| KindDef {
            id: (*id).into(),
            title: (*title).into(),
            description: None,
        })
        .collect()
}

/// The keys `site.yaml` may hold, in the order of docs/authoring.md's table (a test keeps it in
/// step with [`RawConfig`]).
pub const KEYS: [&str; 9] = [
    "title",
    "description",
    "base_url",
    "language",
    "edit_url",
    "report_url",
    "stale_after_days",
    "kinds",
    "labels",
];

/// `site.yaml` as written, with the positions of the values that are checked after reading.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: Spanned<String>,
    #[serde(default)]
    description: Option<Spanned<String>>,
    base_url: Spanned<String>,
    #[serde(default)]
    language: Option<Spanned<String>>,
    #[serde(default)]
    edit_url: Option<Spanned<String>>,
    #[serde(default)]
    report_url: Option<Spanned<String>>,
    #[serde(default)]
    stale_after_days: Option<Spanned<i64>>,
    #[serde(default)]
    kinds: Option<Spanned<Vec<Spanned<KindDef>>>>,
    #[serde(default)]
    labels: Option<RawLabels>,
}

impl RawConfig {
    /// Every problem of the values serde cannot check: control characters, URLs, numbers.
    fn problems(&self, path: &Path, text: &str) -> Vec<Diagnostic> {
        let index = LineIndex::new(text);
        let mut problems = Vec::new();
        let mut report = |problem: Problem, at: std::ops::Range<usize>| {
            problems.push(Diagnostic::new(problem, path, Some(index.location(at))));
        };
        for (field, value) in [
            ("title", Some(&self.title)),
            ("description", self.description.as_ref()),
            ("language", self.language.as_ref()),
        ] {
            if let Some(v) = value
                && let Some(c) = forbidden_control(&v.value)
            {
                let problem = Problem::ControlCharacter {
                    field: field.into(),
                    code: u32::from(c),
                };
                report(problem, range_of(v, text, 0));
            }
        }
        if let Err(detail) = check_base_url(&self.base_url.value) {
            report(
                Problem::BadUrl {
                    url: self.base_url.value.clone(),
                    detail: format!("`base_url` {detail}"),
                },
                range_of(&self.base_url, text, 0),
            );
        }
        // Both are on every entry page: a `javascript:` address must never get there.
        for (field, value) in [
            ("edit_url", &self.edit_url),
            ("report_url", &self.report_url),
        ] {
            if let Some(url) = value
                && let Err(detail) = check_external_url(&url.value)
            {
                report(
                    Problem::BadUrl {
                        url: url.value.clone(),
                        detail: format!("`{field}` must be an absolute http(s) URL: {detail}"),
                    },
                    range_of(url, text, 0),
                );
            }
        }
        if let Some(days) = &self.stale_after_days
            && days.value < 1
        {
            report(
                Problem::InvalidValue {
                    detail: format!("`stale_after_days` is {}", days.value),
                    hint: "write a number of days of 1 or more".into(),
                },
                range_of(days, text, 0),
            );
        }
        if let Some(kinds) = &self.kinds {
            if kinds.value.is_empty() {
                report(
                    Problem::EmptyValue {
                        field: "kinds".into(),
                    },
                    range_of(kinds, text, 0),
                );
            }
            let mut seen: Vec<&str> = Vec::new();
            for k in &kinds.value {
                let detail = if !crate::urls::is_valid_name(&k.value.id) {
                    Some(format!(
                        "kind id `{}` is not lowercase `a-z0-9-`",
                        k.value.id
                    ))
                } else if seen.contains(&k.value.id.as_str()) {
                    Some(format!("kind `{}` is declared twice", k.value.id))
                } else if k.value.title.trim().is_empty() {
                    Some(format!("kind `{}` has an empty title", k.value.id))
                } else {
                    forbidden_control(&k.value.title)
                        .or_else(|| k.value.description.as_deref().and_then(forbidden_control))
                        .map(|c| {
                            format!(
                                "kind `{}` holds the control character U+{:04X}",
                                k.value.id,
                                u32::from(c)
                            )
                        })
                };
                seen.push(&k.value.id);
                if let Some(detail) = detail {
                    report(
                        Problem::InvalidValue {
                            detail,
                            hint: "each kind is `- {id: lowercase-id, title: Display name}`, with an optional `description`, and ids are unique".into(),
                        },
                        range_of(k, text, 0),
                    );
                }
            }
        }
        problems
    }
}

fn default_language() -> String {
    "en".into()
}

fn default_stale_after_days() -> i64 {
    180
}

impl Config {
    /// The path part of `base_url`, always starting and ending with `/` (`/` or `/errors/`).
    /// Internal links are this prefix plus the page's path, so a project page works.
    pub fn base_path(&self) -> String {
        let after_scheme = self
            .base_url
            .split_once("://")
            .map_or(self.base_url.as_str(), |(_, rest)| rest);
        let path = after_scheme.find('/').map_or("", |i| &after_scheme[i..]);
        let trimmed = path.trim_matches('/');
        if trimmed.is_empty() {
            "/".into()
        } else {
            format!("/{trimmed}/")
        }
    }

    /// `base_url` without a trailing slash, for absolute URLs (`sitemap.xml`, canonical links).
    pub fn origin_and_path(&self) -> String {
        self.base_url.trim_end_matches('/').to_string()
    }

    /// Parses `site.yaml`'s text; `path` is used for diagnostics only. Every problem is
    /// reported, each at its value.
    pub fn parse(path: &Path, text: &str) -> Result<Config, Vec<Diagnostic>> {
        // An empty file (or one of comments only) is a mapping without its required keys.
        crate::yaml::require_not_blank(path, text)?;
        let raw: RawConfig =
            serde_saphyr::from_str(text).map_err(|e| vec![yaml_error(&e, path, text, 0)])?;
        let mut problems = raw.problems(path, text);
        let labels = match raw.labels {
            Some(labels) => labels.resolve(path, text).unwrap_or_else(|mut p| {
                problems.append(&mut p);
                Labels::default()
            }),
            None => Labels::default(),
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Config {
            title: raw.title.value,
            description: raw.description.map(|d| d.value).unwrap_or_default(),
            base_url: raw.base_url.value,
            language: raw.language.map_or_else(default_language, |l| l.value),
            edit_url: raw.edit_url.map(|e| e.value),
            report_url: raw.report_url.map(|r| r.value),
            stale_after_days: raw
                .stale_after_days
                .map_or_else(default_stale_after_days, |d| d.value),
            kinds: raw.kinds.map_or_else(default_kinds, |k| {
                k.value.into_iter().map(|k| k.value).collect()
            }),
            labels,
        })
    }
}

/// Where a site's parts live. Only the root is chosen; the rest follows from it.
#[derive(Debug, Clone)]
pub struct Project {
    pub root: PathBuf,
}

impl Project {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Project { root: root.into() }
    }
    pub fn config_file(&self) -> PathBuf {
        self.root.join("site.yaml")
    }
    pub fn content_dir(&self) -> PathBuf {
        self.root.join("content")
    }
    pub fn templates_dir(&self) -> PathBuf {
        self.root.join("templates")
    }
    pub fn static_dir(&self) -> PathBuf {
        self.root.join("static")
    }
    /// `path` relative to the root, for messages (`content/x/y.md`, not `/tmp/.../content/x/y.md`).
    pub fn relative(&self, path: &Path) -> PathBuf {
        path.strip_prefix(&self.root).unwrap_or(path).to_path_buf()
    }

    /// True when `path`, with every symbolic link resolved, is inside the site's root.
    pub fn contains(&self, path: &Path) -> bool {
        match (self.root.canonicalize(), path.canonicalize()) {
            (Ok(root), Ok(path)) => path.starts_with(root),
            _ => false,
        }
    }

    /// Reads a file of the site. Refuses, with the diagnostic to report at it, anything but a
    /// regular file inside the root: a symbolic link out of the site would read another file
    /// (and its diagnostics would show its text), a FIFO or device would block or never end.
    pub fn read(&self, path: &Path) -> Result<Vec<u8>, Diagnostic> {
        let shown = self.relative(path);
        let refuse = |problem| Diagnostic::new(problem, shown.clone(), None);
        let io = |e: std::io::Error| {
            refuse(Problem::Io {
                detail: e.to_string(),
            })
        };
        let link = std::fs::symlink_metadata(path).map_err(io)?;
        if link.file_type().is_symlink() && !self.contains(path) {
            let target = std::fs::read_link(path).map_err(io)?;
            return Err(refuse(Problem::OutsideSite {
                target: target.display().to_string(),
            }));
        }
        if !std::fs::metadata(path).map_err(io)?.is_file() {
            return Err(refuse(Problem::NotAFile));
        }
        std::fs::read(path).map_err(io)
    }

    /// Reads and parses `site.yaml`.
    pub fn load_config(&self) -> Result<Config, Vec<Diagnostic>> {
        let path = self.config_file();
        let shown = self.relative(&path);
        let bytes = self.read(&path).map_err(|mut d| {
            // Name the folder looked in: a wrong `--root` is the usual cause.
            if let Problem::Io { detail } = &mut *d.problem {
                *detail = format!("{}: {detail}", path.display());
            }
            vec![d]
        })?;
        let text = String::from_utf8(bytes).map_err(|_| {
            vec![Diagnostic::new(
                Problem::Io {
                    detail: format!("{}: stream did not contain valid UTF-8", path.display()),
                },
                shown.clone(),
                None,
            )]
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        Config::parse(&shown, text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(base_url: &str) -> Config {
        Config {
            title: "t".into(),
            description: String::new(),
            base_url: base_url.into(),
            language: "en".into(),
            edit_url: None,
            report_url: None,
            stale_after_days: 180,
            kinds: default_kinds(),
            labels: Labels::default(),
        }
    }

    #[test]
    fn base_path_keeps_a_project_path() {
        assert_eq!(config("https://example.com").base_path(), "/");
        assert_eq!(config("https://example.com/").base_path(), "/");
        assert_eq!(
            config("https://user.github.io/errors/").base_path(),
            "/errors/"
        );
        assert_eq!(
            config("https://user.github.io/errors").base_path(),
            "/errors/"
        );
    }

    #[test]
    fn keys_are_the_fields_of_raw_config() {
        // serde names every field a struct accepts when it meets an unknown one; serde-saphyr
        // drops that list, serde_json keeps it (and stops before reading any value).
        let message = serde_json::from_str::<RawConfig>(r#"{"?": 0}"#)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        let expected = message.split("expected one of ").nth(1).unwrap_or_default();
        // `title`, `description`, ... at line 1 column 4: the names are between the backticks.
        let mut fields: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        let mut keys = KEYS.to_vec();
        fields.sort_unstable();
        keys.sort_unstable();
        assert_eq!(fields, keys, "{message}");
    }

    #[test]
    fn report_url_must_be_http() {
        let text = "title: t\nbase_url: https://x.org/\nreport_url: 'javascript:alert(1)'\n";
        let err = Config::parse(Path::new("site.yaml"), text)
            .err()
            .unwrap_or_default();
        assert_eq!(err.len(), 1);
        assert!(matches!(*err[0].problem, Problem::BadUrl { .. }));
        let at = err[0]
            .location
            .as_ref()
            .map(|l| (l.start.line, l.start.column));
        assert_eq!(at, Some((3, 13)));
        let text =
            "title: t\nbase_url: https://x.org/\nreport_url: https://git.example/o/r/issues/new\n";
        let config = Config::parse(Path::new("site.yaml"), text);
        assert_eq!(
            config.ok().and_then(|c| c.report_url).as_deref(),
            Some("https://git.example/o/r/issues/new")
        );
    }

    #[test]
    fn unknown_keys_are_errors() {
        let text = "title: t\nbase_url: https://x.org/\ntitel: y\n";
        let err = Config::parse(Path::new("site.yaml"), text)
            .err()
            .unwrap_or_default();
        assert_eq!(err.len(), 1);
        assert!(matches!(*err[0].problem, Problem::UnknownField { .. }));
        assert_eq!(err[0].location.as_ref().map(|l| l.start.line), Some(3));
    }
}
