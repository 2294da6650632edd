//! Static files: the defaults compiled in, a site's own `static/` over them, each fingerprinted.

use std::collections::BTreeMap;
use std::path::Path;

use super::{Assets, Page};
use crate::diagnostic::{Diagnostic, Problem};

pub(super) fn asset_url(assets: &Assets, base_path: &str, name: &str) -> String {
    let path = assets.files.get(name).map_or(name, String::as_str);
    format!("{base_path}{path}")
}

/// The default static files, compiled in. A site's `static/<name>` replaces the one named alike.
pub const DEFAULT_STATIC: [(&str, &[u8]); 4] = [
    ("search.js", include_bytes!("../../static/search.js")),
    ("site.js", include_bytes!("../../static/site.js")),
    ("theme.js", include_bytes!("../../static/theme.js")),
    ("style.css", include_bytes!("../../static/style.css")),
];

/// The static files to copy: the defaults, then the site's own `static/` over them; CSS and
/// JavaScript fingerprinted. Returns the files and where each went.
pub fn static_files(static_dir: &Path) -> Result<(Vec<Page>, Assets), Vec<Diagnostic>> {
    let mut files: BTreeMap<String, Vec<u8>> = DEFAULT_STATIC
        .iter()
        .map(|(name, bytes)| (name.to_string(), bytes.to_vec()))
        .collect();
    let mut problems = Vec::new();
    if static_dir.is_dir() {
        for item in walkdir::WalkDir::new(static_dir).sort_by_file_name() {
            match item {
                Ok(i) if i.file_type().is_file() => {
                    let rel = i.path().strip_prefix(static_dir).unwrap_or(i.path());
                    let name = rel.to_string_lossy().replace('\\', "/");
                    match std::fs::read(i.path()) {
                        Ok(bytes) => {
                            files.insert(name, bytes);
                        }
                        Err(e) => problems.push(Diagnostic::new(
                            Problem::Io {
                                detail: e.to_string(),
                            },
                            Path::new("static").join(rel),
                            None,
                        )),
                    }
                }
                Ok(_) => {}
                Err(e) => problems.push(Diagnostic::new(
                    Problem::Io {
                        detail: e.to_string(),
                    },
                    "static",
                    None,
                )),
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    // CSS and JavaScript get their content's hash in their names, so they can be cached forever.
    let mut assets = Assets::default();
    let mut pages = Vec::with_capacity(files.len());
    for (name, content) in files {
        let path = match name.rsplit_once('.') {
            Some((stem, ext @ ("css" | "js"))) => crate::search::fingerprint(stem, ext, &content),
            _ => name.clone(),
        };
        assets.files.insert(name, path.clone());
        pages.push(Page { path, content });
    }
    Ok((pages, assets))
}
