//! `site.yaml` → [`Config`], and the site's folder layout ([`Project`]).
//!
//! Unknown keys are errors (a misspelt key should never pass silently); every other key has a
//! default, so a site can start with `title:` and `base_url:` alone.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostic::{Diagnostic, Problem};
use crate::yaml::yaml_error;

/// The site's settings, from `site.yaml`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The site's name, in every page's `<title>` and header.
    pub title: String,
    /// One sentence, for the home page and its meta description.
    #[serde(default)]
    pub description: String,
    /// The absolute URL the site is published at; may carry a path (`https://user.github.io/errors/`).
    pub base_url: String,
    /// `<html lang>`.
    #[serde(default = "default_language")]
    pub language: String,
    /// A link template with `{path}` (the entry's path under the site root), for "Edit this page".
    #[serde(default)]
    pub edit_url: Option<String>,
    /// Entries not updated in this many days get a warning.
    #[serde(default = "default_stale_after_days")]
    pub stale_after_days: i64,
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

    /// Parses `site.yaml`'s text; `path` is used for diagnostics only.
    pub fn parse(path: &Path, text: &str) -> Result<Config, Vec<Diagnostic>> {
        let config: Config =
            serde_saphyr::from_str(text).map_err(|e| vec![yaml_error(&e, path, text, 0)])?;
        let mut problems = Vec::new();
        let base = &config.base_url;
        if !(base.starts_with("https://") || base.starts_with("http://")) {
            let at = text
                .find(base.as_str())
                .filter(|_| !base.is_empty())
                .unwrap_or(0);
            problems.push(Diagnostic::at(
                Problem::BadUrl {
                    url: base.clone(),
                    detail: "`base_url` must be an absolute http(s) URL".into(),
                },
                path,
                text,
                at..at + base.len(),
            ));
        }
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(problems)
        }
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

    /// Reads and parses `site.yaml`.
    pub fn load_config(&self) -> Result<Config, Vec<Diagnostic>> {
        let path = self.config_file();
        let shown = self.relative(&path);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            vec![Diagnostic::new(
                Problem::Io {
                    detail: format!("{}: {e}", path.display()),
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
            stale_after_days: 180,
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
