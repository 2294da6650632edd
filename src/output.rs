//! Pages → the output folder, atomically.
//!
//! Everything is written into a staging folder beside the output and swapped in only when all of
//! it is written, so a failed build (or a crash half-way) leaves the previous output byte for byte.
//! errdex refuses to write to a folder it would be dangerous to replace: `/`, the home folder, the
//! site root, its `content/`, `templates/` or `static/`, or any non-empty folder it did not write
//! itself (it leaves a marker file in the folders it writes).

use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::render::Page;

/// The file errdex leaves in every output folder it writes.
pub const MARKER: &str = ".errdex-output";

/// Why an output folder was refused or could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("refusing to write the site into {path}: {reason}")]
    Refused { path: PathBuf, reason: String },
    #[error("cannot write {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The absolute, symlink-resolved form of a path that may not exist yet.
fn resolve(path: &Path) -> PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    match (absolute.parent(), absolute.file_name()) {
        (Some(parent), Some(name)) => resolve(parent).join(name),
        _ => absolute,
    }
}

/// Checks that `output` may be replaced by a build of the site at `root`.
pub fn check_target(output: &Path, root: &Path) -> Result<(), OutputError> {
    let out = resolve(output);
    let root = resolve(root);
    let refuse = |reason: &str| {
        Err(OutputError::Refused {
            path: output.to_path_buf(),
            reason: reason.to_string(),
        })
    };
    if out.parent().is_none() {
        return refuse("it is the file system's root");
    }
    if std::env::var_os("HOME").is_some_and(|h| resolve(Path::new(&h)) == out) {
        return refuse("it is your home folder");
    }
    if out == root {
        return refuse("it is the site's root folder; use a subfolder such as public/");
    }
    for part in ["content", "templates", "static"] {
        if out == root.join(part) || out.starts_with(root.join(part)) {
            return refuse(&format!("it is the site's {part}/ folder"));
        }
    }
    if root.starts_with(&out) {
        return refuse("it contains the site itself");
    }
    if out.is_file() {
        return refuse("it is a file");
    }
    if out.is_dir() && !out.join(MARKER).exists() {
        let empty = std::fs::read_dir(&out)
            .map_err(io_err(output))?
            .next()
            .is_none();
        if !empty {
            return refuse(&format!(
                "the folder is not empty and was not written by errdex (no {MARKER} in it); \
                 empty it or choose another --output"
            ));
        }
    }
    Ok(())
}

/// Writes `pages` into a staging folder beside `output`, then swaps it in.
pub fn write(output: &Path, pages: &[Page]) -> Result<(), OutputError> {
    let staging = Staging::begin(output)?;
    pages.par_iter().try_for_each(|p| staging.write(p))?;
    staging.finish()
}

/// A build being written: pages go into a folder beside the output as they are rendered (so
/// they need not all be held in memory), and [`Staging::finish`] swaps it in. Dropped without
/// finishing (an error), it removes itself and the output stays as it was.
pub struct Staging {
    dir: PathBuf,
    out: PathBuf,
    old: PathBuf,
    /// Folders already created.
    made: std::sync::Mutex<std::collections::HashSet<PathBuf>>,
    finished: bool,
}

impl Staging {
    /// Starts a staging folder for `output` (which [`check_target`] has allowed).
    pub fn begin(output: &Path) -> Result<Staging, OutputError> {
        let out = resolve(output);
        let parent = out.parent().map(Path::to_path_buf).unwrap_or_default();
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        std::fs::create_dir_all(&parent).map_err(io_err(&parent))?;
        let dir = parent.join(format!(".{name}.errdex-staging-{}", std::process::id()));
        let old = parent.join(format!(".{name}.errdex-old-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(io_err(&dir))?;
        }
        std::fs::create_dir_all(&dir).map_err(io_err(&dir))?;
        Ok(Staging {
            dir,
            out,
            old,
            made: std::sync::Mutex::new(std::collections::HashSet::new()),
            finished: false,
        })
    }

    /// Writes one page (from any thread).
    pub fn write(&self, page: &Page) -> Result<(), OutputError> {
        let path = self.dir.join(&page.path);
        let Some(folder) = path.parent() else {
            return std::fs::write(&path, &page.content).map_err(io_err(&path));
        };
        let new = self
            .made
            .lock()
            .map(|mut made| made.insert(folder.to_path_buf()))
            .unwrap_or(true);
        if new {
            std::fs::create_dir_all(folder).map_err(io_err(folder))?;
        }
        match std::fs::write(&path, &page.content) {
            // Another thread noted this folder first and may not have made it yet: make it
            // here too (create_dir_all accepts a folder that appears meanwhile), then retry.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(folder).map_err(io_err(folder))?;
                std::fs::write(&path, &page.content).map_err(io_err(&path))
            }
            written => written.map_err(io_err(&path)),
        }
    }

    /// Leaves the marker file and swaps the staging folder in place of the output.
    pub fn finish(mut self) -> Result<(), OutputError> {
        let marker = self.dir.join(MARKER);
        std::fs::write(
            &marker,
            "This folder is written by errdex build; it is replaced on every build.\n",
        )
        .map_err(io_err(&marker))?;
        swap(&self.dir, &self.out, &self.old)?;
        self.finished = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

fn swap(staging: &Path, out: &Path, old: &Path) -> Result<(), OutputError> {
    if out.exists() {
        std::fs::rename(out, old).map_err(io_err(out))?;
        if let Err(e) = std::fs::rename(staging, out) {
            // Put the previous output back.
            let _ = std::fs::rename(old, out);
            return Err(io_err(out)(e));
        }
        std::fs::remove_dir_all(old).map_err(io_err(old))?;
    } else {
        std::fs::rename(staging, out).map_err(io_err(out))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_whose_folder_another_thread_noted_first_is_still_written() {
        let root = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let out = root.path().join("public");
        let staging = Staging::begin(&out).unwrap_or_else(|e| unreachable!("{e}"));
        // As if another thread had noted `search/` and not yet made it.
        if let Ok(mut made) = staging.made.lock() {
            made.insert(staging.dir.join("search"));
        }
        let page = Page {
            path: "search/index.html".into(),
            content: b"<p>x</p>".to_vec(),
        };
        assert!(staging.write(&page).is_ok());
        assert!(staging.finish().is_ok());
        assert_eq!(
            std::fs::read(out.join("search/index.html")).unwrap_or_default(),
            b"<p>x</p>"
        );
    }
}
