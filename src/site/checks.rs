//! The checks that need the whole site: aliases (a page path no other page takes), `related`
//! ids that exist, internal links and their `#anchors`, signatures written twice, and sentences
//! shared by more than two entries. Files with errors have their links checked all the same, in
//! the same pass.
//!
//! A new whole-site check is one more function here, called from [`cross_checks`] (the
//! shared-sentence check runs beside it, from `site::load_cached`, since it needs the files).

use std::collections::HashMap;
use std::path::Path;

use rayon::prelude::*;

use super::Site;
use crate::diagnostic::{Diagnostic, Location, Problem, did_you_mean};
use crate::entry::{Entry, Located};
use crate::markdown;
use crate::urls::{check_alias, link_path, normalize_site_path, resolve_link};

/// Every whole-site check.
pub(super) fn cross_checks(site: &Site) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let aliases = alias_urls(site, Some(&mut out));
    references(site, &aliases, None, &mut out);
    duplicate_signatures(site, &mut out);
    out
}

/// The checks of the links and related ids of the entries `ids` only (for `serve`, when
/// nothing else can have changed).
pub fn check_links_of(site: &Site, ids: &[String]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let aliases = alias_urls(site, None);
    references(site, &aliases, Some(ids), &mut out);
    out
}

/// Alias URL → the entry it redirects to. With `report`, says which aliases are not page paths
/// or take another page's URL.
fn alias_urls<'a>(
    site: &'a Site,
    mut report: Option<&mut Vec<Diagnostic>>,
) -> HashMap<String, &'a str> {
    let mut alias_urls: HashMap<String, &str> = HashMap::new();
    if let Some(out) = report.as_deref_mut() {
        for failed in &site.failed_refs {
            for alias in &failed.refs.aliases {
                if let Err(detail) = check_alias(&alias.value) {
                    let problem = Problem::BadUrl {
                        url: alias.value.clone(),
                        detail,
                    };
                    out.push(at(&failed.path, alias.location.clone(), problem));
                }
            }
        }
    }
    for e in &site.entries {
        for alias in &e.aliases {
            let url = match check_alias(&alias.value) {
                Ok(url) => url,
                Err(detail) => {
                    if let Some(out) = report.as_deref_mut() {
                        out.push(at(
                            &e.path,
                            alias.location.clone(),
                            Problem::BadUrl {
                                url: alias.value.clone(),
                                detail,
                            },
                        ));
                    }
                    continue;
                }
            };
            let taken = site
                .page_urls
                .get(&url)
                .map(String::as_str)
                .or(alias_urls.get(&url).copied());
            match (taken, report.as_deref_mut()) {
                (Some(other), Some(out)) => out.push(at(
                    &e.path,
                    alias.location.clone(),
                    Problem::UrlCollision {
                        url: url.clone(),
                        other: other.to_string(),
                    },
                )),
                (Some(_), None) => {}
                (None, _) => {
                    alias_urls.insert(url, &e.id);
                }
            }
        }
    }
    alias_urls
}

/// What one file refers to: its `related` ids and its links.
struct References<'a> {
    id: &'a str,
    file: &'a Path,
    related: &'a [Located<String>],
    links: &'a [Located<String>],
    /// The entry, when the file has no errors (its own `#anchors` can then be checked).
    entry: Option<&'a Entry>,
}

/// Checks the `related` ids and links of every entry and every file with errors (of `only`,
/// when given).
fn references(
    site: &Site,
    aliases: &HashMap<String, &str>,
    only: Option<&[String]>,
    out: &mut Vec<Diagnostic>,
) {
    let mut links = Links {
        site,
        ids: site.entries.iter().map(|e| e.id.as_str()).collect(),
        by_id: site.entries.iter().map(|e| (e.id.as_str(), &**e)).collect(),
        aliases,
        anchors: Anchors::new(site),
    };
    let entries = site.entries.iter().map(|e| References {
        id: &e.id,
        file: &e.path,
        related: &e.related,
        links: &e.links,
        entry: Some(e),
    });
    let failed = site.failed_refs.iter().map(|f| References {
        id: &f.id,
        file: &f.path,
        related: &f.refs.related,
        links: &f.refs.links,
        entry: None,
    });
    for refs in entries
        .chain(failed)
        .filter(|r| only.is_none_or(|ids| ids.iter().any(|i| i == r.id)))
    {
        for r in refs.related {
            if !links.by_id.contains_key(r.value.as_str()) && !site.failed_ids.contains(&r.value) {
                out.push(at(
                    refs.file,
                    r.location.clone(),
                    Problem::UnknownRelated {
                        id: r.value.clone(),
                        suggestion: did_you_mean(&r.value, links.ids.iter().copied()),
                    },
                ));
            }
        }
        for link in refs.links {
            out.extend(links.check(&refs, link));
        }
    }
}

/// What checking a link needs to know of the site.
struct Links<'a> {
    site: &'a Site,
    ids: Vec<&'a str>,
    by_id: HashMap<&'a str, &'a Entry>,
    aliases: &'a HashMap<String, &'a str>,
    anchors: Anchors<'a>,
}

impl<'a> Links<'a> {
    /// True when a site path is a page of the site or an alias.
    fn is_site_page(&self, url: &str) -> bool {
        self.site.page_urls.contains_key(url) || self.aliases.contains_key(url)
    }

    /// A diagnostic when a link written in `refs`'s file is refused or leads nowhere.
    fn check(&mut self, refs: &References<'a>, link: &Located<String>) -> Option<Diagnostic> {
        let file = refs.file;
        if !markdown::is_allowed_link(&link.value) {
            return Some(at(
                file,
                link.location.clone(),
                Problem::BadUrl {
                    url: link.value.clone(),
                    detail: "only http(s), mailto, site paths and #anchors are allowed".into(),
                },
            ));
        }
        let Some((target, anchor)) = resolve_link(refs.id, &link.value) else {
            let path = link_path(&link.value);
            let is_page = !path
                .rsplit('/')
                .next()
                .is_some_and(|last| last.contains('.'));
            if path.starts_with('/') && is_page && !self.is_site_page(&normalize_site_path(path)) {
                return Some(at(
                    file,
                    link.location.clone(),
                    Problem::BrokenLink {
                        target: link.value.clone(),
                        id: path.trim_matches('/').to_string(),
                        suggestion: None,
                    },
                ));
            }
            return match (link.value.strip_prefix('#'), refs.entry) {
                (Some(anchor), Some(e)) => self.anchors.check(file, e, anchor, link),
                _ => None,
            };
        };
        match self.by_id.get(target.as_str()) {
            None if self.site.failed_ids.contains(&target) => None,
            // An alias or another page of the site at that path.
            None if self.is_site_page(&normalize_site_path(link_path(&link.value))) => None,
            None => Some(at(
                file,
                link.location.clone(),
                Problem::BrokenLink {
                    target: link.value.clone(),
                    id: target.clone(),
                    suggestion: did_you_mean(&target, self.ids.iter().copied()),
                },
            )),
            Some(t) => match anchor.filter(|a| !a.is_empty()) {
                Some(anchor) => self.anchors.check(file, t, &anchor, link),
                None => None,
            },
        }
    }
}

/// How many entries may share a sentence before it is reported.
const MAX_SHARING: usize = 2;

/// Sentences of eight words or more that appear in more than [`MAX_SHARING`] entries: reported
/// once per sentence, in the first entry (by id) that has it, naming the others. `all` holds
/// every sentence as (hash, the entry's place in `site.entries`, where it starts); `read` gives
/// a file's text again, for the position (entries do not keep their text).
pub(super) fn shared_sentences(
    site: &Site,
    mut all: Vec<(u64, u32, u32)>,
    read: &(dyn Fn(&Path) -> Option<String> + Sync),
) -> Vec<Diagnostic> {
    // Every (sentence, entry, place), sorted: a run of one hash is one sentence's entries, in
    // id order (each entry lists a sentence once). A sort of flat triples is several times
    // faster than a map of lists over a large site.
    all.par_sort_unstable();
    // (first entry, where in it, the other entries)
    let mut shared: Vec<(usize, u32, Vec<usize>)> = all
        .chunk_by(|a, b| a.0 == b.0)
        .filter(|run| run.len() > MAX_SHARING)
        .map(|run| {
            let others = run[1..].iter().map(|r| r.1 as usize).collect();
            (run[0].1 as usize, run[0].2, others)
        })
        .collect();
    drop(all);
    shared.sort_unstable();
    // Each file with something to report is read once, again, for the positions.
    shared
        .par_chunk_by(|a, b| a.0 == b.0)
        .flat_map_iter(|group| {
            let entry = &site.entries[group[0].0];
            let text = read(&entry.path);
            group
                .iter()
                .map(|(_, at, others)| {
                    const NAMED: usize = 5;
                    let names: Vec<String> = others
                        .iter()
                        .take(NAMED)
                        .map(|&i| site.entries[i].path.display().to_string())
                        .collect();
                    let mut named = names.join(", ");
                    if others.len() > NAMED {
                        named.push_str(&format!(" and {} more", others.len() - NAMED));
                    }
                    let problem = Problem::SharedSentence {
                        entries: others.len() + 1,
                        others: named,
                    };
                    let location = text.as_deref().map(|text| {
                        // Near the sentence, maybe inside a character: back to its start.
                        let mut at = (*at as usize).min(text.len());
                        while !text.is_char_boundary(at) {
                            at -= 1;
                        }
                        let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
                        Location::from_bytes(text, at..end)
                    });
                    Diagnostic::new(problem, &entry.path, location)
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Two entries with one signature: the second is reported.
fn duplicate_signatures(site: &Site, out: &mut Vec<Diagnostic>) {
    let mut signatures: HashMap<&str, &str> = HashMap::new();
    for e in &site.entries {
        if let Some(other) = signatures.get(e.signature.value.as_str()) {
            out.push(at(
                &e.path,
                e.signature.location.clone(),
                Problem::DuplicateSignature {
                    other: other.to_string(),
                },
            ));
        } else {
            signatures.insert(&e.signature.value, &e.id);
        }
    }
}

/// The anchors of the pages that links point into, computed once per page.
struct Anchors<'a> {
    site: &'a Site,
    position: HashMap<&'a str, usize>,
    cache: HashMap<&'a str, Vec<String>>,
}

impl<'a> Anchors<'a> {
    fn new(site: &'a Site) -> Self {
        Anchors {
            site,
            position: site
                .entries
                .iter()
                .enumerate()
                .map(|(i, e)| (e.id.as_str(), i))
                .collect(),
            cache: HashMap::new(),
        }
    }

    /// A diagnostic when `#anchor`, linked from `from`, is not on `target`'s page.
    fn check(
        &mut self,
        from: &Path,
        target: &'a Entry,
        anchor: &str,
        link: &Located<String>,
    ) -> Option<Diagnostic> {
        let has_related = self
            .position
            .get(target.id.as_str())
            .is_some_and(|&i| !self.site.related[i].is_empty());
        let anchors = self
            .cache
            .entry(target.id.as_str())
            .or_insert_with(|| page_anchors(target, has_related));
        if anchors.iter().any(|a| a == anchor) {
            return None;
        }
        Some(at(
            from,
            link.location.clone(),
            Problem::BrokenAnchor {
                target: link.value.clone(),
                anchor: anchor.to_string(),
                page: format!("/{}/", target.id),
                available: anchors.clone(),
            },
        ))
    }
}

/// The anchors an entry page has: its fixed sections and its body's headings.
fn page_anchors(entry: &Entry, has_related: bool) -> Vec<String> {
    let mut anchors: Vec<String> = entry
        .sections(has_related)
        .iter()
        .map(|s| s.to_string())
        .collect();
    anchors.push("facts".into());
    anchors.extend(entry.headings.iter().map(|h| h.id.clone()));
    anchors
}

fn at(path: &Path, location: Location, problem: Problem) -> Diagnostic {
    Diagnostic::new(problem, path, Some(location))
}
