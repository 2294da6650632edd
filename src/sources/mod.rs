//! `errdex sources`: fetches every source URL the site cites and says, per URL and at each
//! place that cites it, whether the page is dead, has moved, or no longer holds a quote the
//! entry gives; records it in `sources.lock` (see [`lock`]), from which the pages take their
//! "Verified" dates and `check` its warnings. docs/sources.md is the guide.
//!
//! - [`fetch`]: the polite HTTP fetcher;
//! - [`text`]: a page's bytes as the words a reader sees, normalised;
//! - [`lock`]: the lock file.

pub mod fetch;
pub mod lock;
pub mod text;

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Location, Problem};
use crate::progress::Progress;
use crate::site::Site;
use fetch::{Fetched, Politeness};
use lock::{Lock, Record, Verdict};

/// How `errdex sources` runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Only the URLs that match this glob (`*` matches anything, `/` included).
    pub only: Option<glob::Pattern>,
    /// URLs verified at most this many days ago (with the same quotes) are not fetched again.
    pub max_age_days: Option<i64>,
    pub polite: Politeness,
    /// The date written as "verified".
    pub today: jiff::civil::Date,
}

/// One place that cites a URL.
#[derive(Debug, Clone, Serialize)]
pub struct Place {
    pub entry: String,
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    #[serde(skip)]
    pub location: Location,
    pub quotes: Vec<String>,
}

/// A URL with what became of it in this run.
#[derive(Debug, Clone, Serialize)]
pub struct Checked {
    pub url: String,
    /// The record now (fresh, or the lock's when the URL was not fetched).
    pub record: Record,
    /// Not fetched in this run, and why (`recent`, `not matched by --only`, `time budget`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<&'static str>,
    /// The page's text differs from the last run's.
    pub changed: bool,
    pub cited_by: Vec<Place>,
}

/// What a run found.
#[derive(Debug, Clone, Serialize)]
pub struct Run {
    pub sources: Vec<Checked>,
    pub summary: Summary,
    #[serde(skip)]
    pub lock: Lock,
}

/// Counts of a run (skipped URLs are counted by their last record, and as skipped).
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Summary {
    pub sources: usize,
    pub fetched: usize,
    pub skipped: usize,
    pub ok: usize,
    pub moved: usize,
    pub quote_missing: usize,
    pub dead: usize,
    pub changed: usize,
}

impl Summary {
    /// Nothing dead, no quote missing.
    pub fn passed(&self) -> bool {
        self.dead == 0 && self.quote_missing == 0
    }

    pub fn line(&self) -> String {
        format!(
            "{} sources ({} fetched, {} skipped): {} ok, {} moved, {} with a quote missing, {} dead; {} changed since the last run",
            self.sources,
            self.fetched,
            self.skipped,
            self.ok,
            self.moved,
            self.quote_missing,
            self.dead,
            self.changed
        )
    }
}

/// Every cited URL of the site, sorted, with the places that cite it.
pub fn cited(site: &Site) -> BTreeMap<String, Vec<Place>> {
    let mut urls: BTreeMap<String, Vec<Place>> = BTreeMap::new();
    for e in &site.entries {
        for s in &e.sources {
            urls.entry(s.url.clone()).or_default().push(Place {
                entry: e.id.clone(),
                path: e.path.clone(),
                line: s.location.start.line,
                column: s.location.start.column,
                location: s.location.clone(),
                quotes: s.quotes.clone(),
            });
        }
    }
    urls
}

/// Checks the site's sources: fetches what needs fetching, judges each page, and returns the
/// run with the lock file it leads to (the caller writes it). `progress` counts the URLs
/// fetched.
pub fn run(site: &Site, previous: &Lock, options: &Options, progress: &Progress) -> Run {
    let cited = cited(site);
    let today = options.today;
    let mut plan: Vec<(String, Vec<Place>, Option<&'static str>)> = Vec::new();
    for (url, places) in cited {
        let quotes = quotes_of(&places);
        let skip = if options.only.as_ref().is_some_and(|g| !g.matches(&url)) {
            Some("not matched by --only")
        } else if is_recent(
            previous.sources.get(&url),
            &quotes,
            options.max_age_days,
            today,
        ) {
            Some("verified recently")
        } else {
            None
        };
        plan.push((url, places, skip));
    }
    let to_fetch: Vec<String> = plan
        .iter()
        .filter(|(_, _, skip)| skip.is_none())
        .map(|(url, _, _)| url.clone())
        .collect();
    progress.stage("checking sources", Some(to_fetch.len()));
    let fetched = fetch::fetch_all(&to_fetch, &options.polite, progress);
    let mut fetched: BTreeMap<String, Fetched> = to_fetch.into_iter().zip(fetched).collect();
    let mut lock = Lock::default();
    let mut sources = Vec::new();
    let mut summary = Summary::default();
    for (url, places, skip) in plan {
        let quotes = quotes_of(&places);
        let old = previous.sources.get(&url);
        let judged = fetched.remove(&url).and_then(|f| judge(f, &quotes, today));
        let (record, skipped, changed) = match (skip, judged) {
            (None, Some(record)) => {
                let changed = match (
                    old.and_then(|o| o.fingerprint.as_ref()),
                    &record.fingerprint,
                ) {
                    (Some(a), Some(b)) => a != b,
                    _ => false,
                };
                (Some(record), None, changed)
            }
            (None, None) => (old.cloned(), Some("time budget spent"), false),
            (Some(why), _) => (old.cloned(), Some(why), false),
        };
        summary.sources += 1;
        if skipped.is_some() {
            summary.skipped += 1;
        } else {
            summary.fetched += 1;
        }
        summary.changed += usize::from(changed);
        let Some(record) = record else {
            continue; // never verified, and not fetched now
        };
        match record.verdict {
            Verdict::Ok => summary.ok += 1,
            Verdict::Moved => summary.moved += 1,
            Verdict::QuoteMissing => summary.quote_missing += 1,
            Verdict::Dead => summary.dead += 1,
        }
        lock.sources.insert(url.clone(), record.clone());
        sources.push(Checked {
            url,
            record,
            skipped,
            changed,
            cited_by: places,
        });
    }
    Run {
        sources,
        summary,
        lock,
    }
}

/// The quotes that any entry gives for a URL, each once, sorted.
fn quotes_of(places: &[Place]) -> Vec<String> {
    let mut quotes: Vec<String> = places.iter().flat_map(|p| p.quotes.clone()).collect();
    quotes.sort();
    quotes.dedup();
    quotes
}

/// Verified within `max_age_days` of today, and for the same quotes.
fn is_recent(
    old: Option<&Record>,
    quotes: &[String],
    max_age_days: Option<i64>,
    today: jiff::civil::Date,
) -> bool {
    let (Some(old), Some(days)) = (old, max_age_days) else {
        return false;
    };
    let Ok(verified) = old.verified.parse::<jiff::civil::Date>() else {
        return false;
    };
    let same_quotes = old.quotes.keys().eq(quotes.iter());
    let age = (today - verified).get_days() as i64;
    same_quotes && (0..=days).contains(&age)
}

/// The verdict on one fetched URL (none for one the time budget left unfetched).
fn judge(fetched: Fetched, quotes: &[String], today: jiff::civil::Date) -> Option<Record> {
    let verified = today.to_string();
    match fetched {
        Fetched::Page {
            final_url,
            status,
            content_type,
            body,
            truncated,
            moved_to,
        } => {
            let kind = text::Kind::of(content_type.as_deref(), &final_url);
            let decoded = text::decode(&body, content_type.as_deref(), kind);
            let page = text::normalize(&text::visible_text(&decoded, kind));
            let found: BTreeMap<String, bool> = quotes
                .iter()
                .map(|q| (q.clone(), page.contains(&text::normalize(q))))
                .collect();
            let verdict = if found.values().any(|f| !f) {
                Verdict::QuoteMissing
            } else if moved_to.is_some() {
                Verdict::Moved
            } else {
                Verdict::Ok
            };
            Some(Record {
                verdict,
                verified,
                status: Some(status),
                final_url: Some(final_url),
                moved_to,
                cause: truncated.then(|| {
                    "the page is larger than the body cap: only its start was read".to_string()
                }),
                fingerprint: Some(text::fingerprint(&page)),
                quotes: found,
            })
        }
        Fetched::Failed { cause, status } => Some(Record {
            verdict: Verdict::Dead,
            verified,
            status,
            final_url: None,
            moved_to: None,
            cause: Some(cause),
            fingerprint: None,
            quotes: quotes.iter().map(|q| (q.clone(), false)).collect(),
        }),
        Fetched::Skipped => None,
    }
}

/// The warnings a record gives at one place that cites its URL: dead, moved, or each of the
/// place's quotes that the page no longer holds.
pub fn problems(url: &str, record: &Record, place_quotes: &[String]) -> Vec<Problem> {
    match record.verdict {
        Verdict::Ok => Vec::new(),
        Verdict::Dead => vec![Problem::SourceDead {
            url: url.to_string(),
            cause: record.cause.clone().unwrap_or_default(),
            verified: record.verified.clone(),
        }],
        Verdict::Moved => vec![Problem::SourceMoved {
            url: url.to_string(),
            to: record.moved_to.clone().unwrap_or_default(),
        }],
        Verdict::QuoteMissing => {
            let mut out: Vec<Problem> = place_quotes
                .iter()
                .filter(|q| record.quotes.get(*q) == Some(&false))
                .map(|q| Problem::QuoteMissing {
                    url: url.to_string(),
                    quote: q.clone(),
                    verified: record.verified.clone(),
                })
                .collect();
            if let Some(to) = &record.moved_to {
                out.push(Problem::SourceMoved {
                    url: url.to_string(),
                    to: to.clone(),
                });
            }
            out
        }
    }
}

/// The diagnostics of a run: at each place that cites a URL with a problem.
pub fn diagnostics(run: &Run) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for c in &run.sources {
        for place in &c.cited_by {
            for p in problems(&c.url, &c.record, &place.quotes) {
                out.push(Diagnostic::new(
                    p,
                    place.path.clone(),
                    Some(place.location.clone()),
                ));
            }
        }
    }
    crate::diagnostic::sort(&mut out);
    out
}

/// `check`'s warnings from the lock file: each source of the site that it marks dead, moved or
/// missing one of the source's quotes (quotes the lock does not know are not judged).
pub fn lock_warnings(site: &Site) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for e in &site.entries {
        for s in &e.sources {
            let Some(record) = site.source_records.sources.get(&s.url) else {
                continue;
            };
            for p in problems(&s.url, record, &s.quotes) {
                out.push(Diagnostic::new(p, e.path.clone(), Some(s.location.clone())));
            }
        }
    }
    out
}
