//! `sources.lock`: what `errdex sources` found at each source URL, committed with the site. JSON,
//! keys sorted, one field per line, so a run that finds nothing new leaves it byte for byte the
//! same and a change reads as a small diff. The build reads it (the pages' "Verified" dates,
//! `check`'s warnings) and never fetches anything.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::config::Project;
use crate::diagnostic::{Diagnostic, LineIndex, Problem};

/// The file's name, in the site's root folder.
pub const LOCK_FILE: &str = "sources.lock";

/// The lock file's format version.
const VERSION: u32 = 1;

/// What a source URL gave when it was last verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The page answers and holds every quote.
    Ok,
    /// The page answers, at the end of a permanent redirect: the URL to write instead.
    Moved,
    /// The page answers but no longer holds a quote.
    QuoteMissing,
    /// No page: DNS, refused, timeout, TLS, an HTTP error, a redirect loop.
    Dead,
}

impl Verdict {
    /// As the lock file writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::Moved => "moved",
            Verdict::QuoteMissing => "quote-missing",
            Verdict::Dead => "dead",
        }
    }
}

/// One URL's last verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub verdict: Verdict,
    /// `YYYY-MM-DD`.
    pub verified: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub final_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moved_to: Option<String>,
    /// Why it is dead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    /// Of the page's normalised text: whether it changed since.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// Each quote the site's entries give for this URL, and whether the page held it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub quotes: BTreeMap<String, bool>,
}

/// The whole file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lock {
    pub version: u32,
    pub sources: BTreeMap<String, Record>,
}

impl Lock {
    /// The site's lock file; an empty one when there is none. A file that cannot be read or
    /// parsed is a diagnostic at its line and column.
    pub fn read(project: &Project) -> Result<Lock, Diagnostic> {
        let path = project.root.join(LOCK_FILE);
        if std::fs::symlink_metadata(&path).is_err() {
            return Ok(Lock::default());
        }
        let bytes = project.read(&path)?;
        let text = String::from_utf8_lossy(&bytes);
        serde_json::from_str(&text).map_err(|e| {
            let index = LineIndex::new(&text);
            let at = crate::diagnostic::byte_at(&text, e.line(), e.column());
            Diagnostic::new(
                Problem::InvalidValue {
                    detail: format!("{LOCK_FILE} is not a lock file errdex wrote: {e}"),
                    hint: format!("delete {LOCK_FILE} and run `errdex sources` to write it again"),
                },
                Path::new(LOCK_FILE),
                Some(index.location(at..at)),
            )
        })
    }

    /// The lock file's text: sorted, two-space indented, one trailing newline.
    pub fn to_text(&self) -> String {
        let lock = Lock {
            version: VERSION,
            sources: self.sources.clone(),
        };
        let mut text = serde_json::to_string_pretty(&lock).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Writes `sources.lock` in the site's root, atomically: a new file next to it (never one
    /// that is already there, so not through a planted link), then renamed over it. This is the
    /// one file errdex writes outside its output folder, and only `errdex sources` writes it.
    pub fn write(&self, project: &Project) -> std::io::Result<()> {
        use std::io::Write as _;
        let path = project.root.join(LOCK_FILE);
        let temp = project
            .root
            .join(format!(".{LOCK_FILE}.{}.tmp", std::process::id()));
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        let written = file
            .write_all(self.to_text().as_bytes())
            .and_then(|()| file.sync_all());
        drop(file);
        if let Err(e) = written.and_then(|()| std::fs::rename(&temp, &path)) {
            let _ = std::fs::remove_file(&temp);
            return Err(e);
        }
        Ok(())
    }
}
