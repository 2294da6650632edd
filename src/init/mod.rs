//! `errdex init`: a new site that checks, builds and serves at once: `site.yaml`, one tool
//! folder with a complete, sourced example entry, a `.gitignore`, and a GitHub workflow that
//! checks pull requests and publishes main with GitHub Pages. The files are in `starter/`.

use std::path::{Path, PathBuf};

/// The starter files: their path in the new site and their text (`{today}` and `{checked}` are
/// filled in).
const FILES: [(&str, &str); 5] = [
    ("site.yaml", include_str!("starter/site.yaml")),
    (".gitignore", include_str!("starter/gitignore")),
    (
        "content/http/_section.yaml",
        include_str!("starter/content/http/_section.yaml"),
    ),
    (
        "content/http/404-not-found.md",
        include_str!("starter/content/http/404-not-found.md"),
    ),
    (
        ".github/workflows/errdex.yml",
        include_str!("starter/workflows/errdex.yml"),
    ),
];

/// The day the example entry's source was read.
const SOURCE_READ: &str = "2026-12-02";

/// Why `init` wrote nothing, or not everything.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error(
        "{0} is not empty; pass --force to add the starter files that are missing (none is overwritten)"
    )]
    NotEmpty(PathBuf),
    #[error("{0} exists and is not a folder")]
    NotAFolder(PathBuf),
    #[error("cannot write {0}: {1}")]
    Io(PathBuf, std::io::Error),
    #[error("{0} is a symbolic link; errdex init writes only inside the site's folder")]
    Link(PathBuf),
}

/// What `init` did: the files it wrote and those it left as they were (with `--force`).
#[derive(Debug, Default)]
pub struct Created {
    pub written: Vec<PathBuf>,
    pub kept: Vec<PathBuf>,
}

/// Writes the starter site into `dir` (created if missing). An existing non-empty folder is
/// refused unless `force`, and even then no file that exists is touched.
pub fn init(dir: &Path, force: bool, today: jiff::civil::Date) -> Result<Created, InitError> {
    match std::fs::symlink_metadata(dir) {
        Ok(meta) if !meta.is_dir() => return Err(InitError::NotAFolder(dir.to_path_buf())),
        Ok(_) => {
            let mut entries =
                std::fs::read_dir(dir).map_err(|e| InitError::Io(dir.to_path_buf(), e))?;
            if entries.next().is_some() && !force {
                return Err(InitError::NotEmpty(dir.to_path_buf()));
            }
        }
        Err(_) => {}
    }
    let checked = SOURCE_READ
        .parse::<jiff::civil::Date>()
        .map_or(today, |read| read.min(today));
    let mut created = Created::default();
    for (rel, text) in FILES {
        let path = dir.join(rel);
        let text = text
            .replace("{today}", &today.to_string())
            .replace("{checked}", &checked.to_string());
        // A folder of the site that is a link (`content` → elsewhere) would take the files
        // outside it: refused before anything is written there.
        let mut inside = dir.to_path_buf();
        for part in Path::new(rel)
            .parent()
            .into_iter()
            .flat_map(Path::components)
        {
            inside.push(part);
            if std::fs::symlink_metadata(&inside).is_ok_and(|m| m.file_type().is_symlink()) {
                return Err(InitError::Link(inside));
            }
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| InitError::Io(parent.to_path_buf(), e))?;
        }
        // create_new: never over a file (or through a link) that is already there.
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path);
        match file {
            Ok(mut f) => {
                std::io::Write::write_all(&mut f, text.as_bytes())
                    .map_err(|e| InitError::Io(path.clone(), e))?;
                created.written.push(PathBuf::from(rel));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                created.kept.push(PathBuf::from(rel));
            }
            Err(e) => return Err(InitError::Io(path, e)),
        }
    }
    Ok(created)
}
