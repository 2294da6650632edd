//! Pages → the output folder, atomically, and only over a folder errdex may replace.
//!
//! # What errdex may replace
//!
//! errdex renames or deletes only a folder it can prove is one of its outputs: a real folder (not
//! a symbolic link) holding the marker file [`MARKER`], a regular file with exactly
//! [`MARKER_TEXT`] in it, which every output gets; or an empty folder. Or it creates a path that
//! does not exist. Anything else given as `--output` is refused before anything changes: a file,
//! named pipe, socket or device; a symbolic link (give the folder it points to); a non-empty
//! folder without the marker (or with a marker errdex did not write); and `/`, the home folder,
//! the site root, its `content/`, `templates/` or `static/`. What is at the output is looked at
//! (never through a symbolic link) again just before the swap, and what the swap took out is
//! checked once more: something that changed during the build is put back and refused, not
//! deleted.
//!
//! # The swap
//!
//! Everything is written into a staging folder `.NAME.errdex-staging-PID` beside the output
//! `NAME` and swapped in only when all of it is written, so a failed build leaves the previous
//! output byte for byte.

use std::ffi::{OsStr, OsString};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::render::Page;

/// The file errdex leaves in every output folder it writes.
pub const MARKER: &str = ".errdex-output";

/// The marker's exact contents: a folder is errdex's output only if its marker says this.
pub const MARKER_TEXT: &str =
    "This folder is written by errdex build; it is replaced on every build.\n";

/// The kinds of folder a build leaves beside the output while it runs: `.NAME.KIND-PID`.
const STAGING: &str = "errdex-staging";
const OLD: &str = "errdex-old";

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
    let absolute = absolute(path);
    match (absolute.parent(), absolute.file_name()) {
        (Some(parent), Some(name)) => resolve(parent).join(name),
        _ => absolute,
    }
}

fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    }
}

/// The output as errdex uses it: the folder it is in resolved (symbolic links included), its own
/// name kept as given, so that an output that is a symbolic link is seen as one.
struct Target {
    out: PathBuf,
    parent: PathBuf,
    name: OsString,
}

impl Target {
    fn of(output: &Path) -> Target {
        let absolute = absolute(output);
        let out = match (absolute.parent(), absolute.file_name()) {
            (Some(parent), Some(name)) => resolve(parent).join(name),
            // `/`, or a path ending in `..`: a folder, never a link.
            _ => resolve(&absolute),
        };
        let parent = out.parent().map_or_else(|| out.clone(), Path::to_path_buf);
        let name = out
            .file_name()
            .map_or_else(|| OsString::from("public"), OsStr::to_os_string);
        Target { out, parent, name }
    }

    /// `.NAME.KIND-PID` beside the output.
    fn sibling(&self, kind: &str, pid: u32) -> PathBuf {
        let mut name = OsString::from(".");
        name.push(&self.name);
        name.push(format!(".{kind}-{pid}"));
        self.parent.join(name)
    }
}

/// What is at a path, as far as replacing it goes (never followed if a symbolic link).
#[derive(Debug, PartialEq)]
enum Found {
    Nothing,
    /// An empty folder.
    Empty,
    /// A folder with errdex's marker in it.
    Output,
    /// Anything else, and why errdex must not replace it.
    Other(String),
}

fn look(path: &Path) -> io::Result<Found> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Found::Nothing),
        Err(e) => return Err(e),
    };
    if let Some(what) = not_a_folder(path, &meta) {
        return Ok(Found::Other(what));
    }
    match std::fs::symlink_metadata(path.join(MARKER)) {
        Ok(_) if has_marker(path)? => Ok(Found::Output),
        Ok(_) => Ok(Found::Other(format!(
            "its {MARKER} was not written by errdex (errdex writes a file with fixed contents); \
             remove the folder's contents or choose another --output"
        ))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if std::fs::read_dir(path)?.next().is_none() {
                Ok(Found::Empty)
            } else {
                Ok(Found::Other(format!(
                    "the folder is not empty and was not written by errdex (no {MARKER} in it); \
                     empty it or choose another --output"
                )))
            }
        }
        Err(e) => Err(e),
    }
}

/// Why something that is not a folder must not be replaced; `None` for a folder.
fn not_a_folder(path: &Path, meta: &std::fs::Metadata) -> Option<String> {
    let kind = meta.file_type();
    if kind.is_dir() {
        return None;
    }
    let what = if kind.is_symlink() {
        let to = std::fs::read_link(path).unwrap_or_default();
        return Some(format!(
            "it is a symbolic link (to {}); errdex would replace the link, not the folder it \
             points to: give that folder as --output",
            to.display()
        ));
    } else if kind.is_file() {
        "a file"
    } else {
        special_file(&kind)
    };
    Some(format!(
        "it is {what}, not a folder; errdex only replaces a folder it wrote or an empty one"
    ))
}

#[cfg(unix)]
fn special_file(kind: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_fifo() {
        "a named pipe (FIFO)"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special_file(_kind: &std::fs::FileType) -> &'static str {
    "a special file"
}

/// True when `dir` holds errdex's marker: a regular file (not a link) with [`MARKER_TEXT`].
fn has_marker(dir: &Path) -> io::Result<bool> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Not through a symbolic link, and without waiting on a named pipe.
        let flags = rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::NONBLOCK;
        options.custom_flags(i32::try_from(flags.bits()).unwrap_or_default());
    }
    let Ok(file) = options.open(dir.join(MARKER)) else {
        return Ok(false);
    };
    let meta = file.metadata()?;
    let want = MARKER_TEXT.len() as u64;
    if !meta.is_file() || meta.len() != want {
        return Ok(false);
    }
    let mut text = Vec::with_capacity(MARKER_TEXT.len());
    file.take(want + 1).read_to_end(&mut text)?;
    Ok(text == MARKER_TEXT.as_bytes())
}

/// Checks that `output` may be replaced by a build of the site at `root`, nothing changed when
/// it may not.
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
    let target = Target::of(output);
    match look(&target.out).map_err(io_err(output))? {
        Found::Other(reason) => refuse(&reason),
        Found::Nothing | Found::Empty | Found::Output => Ok(()),
    }
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
        let target = Target::of(output);
        std::fs::create_dir_all(&target.parent).map_err(io_err(&target.parent))?;
        let pid = std::process::id();
        let dir = target.sibling(STAGING, pid);
        let old = target.sibling(OLD, pid);
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(io_err(&dir))?;
        }
        std::fs::create_dir(&dir).map_err(io_err(&dir))?;
        let staging = Staging {
            dir,
            out: target.out,
            old,
            made: std::sync::Mutex::new(std::collections::HashSet::new()),
            finished: false,
        };
        Ok(staging)
    }

    fn mark(&self) -> Result<(), OutputError> {
        let marker = self.dir.join(MARKER);
        std::fs::write(&marker, MARKER_TEXT).map_err(io_err(&marker))
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
        self.mark()?;
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

/// Puts `staging` in place of `out`, which must still be missing, empty or errdex's, then
/// deletes the previous output.
fn swap(staging: &Path, out: &Path, old: &Path) -> Result<(), OutputError> {
    let changed = |reason: String| OutputError::Refused {
        path: out.to_path_buf(),
        reason: format!("it changed during the build: {reason}"),
    };
    match look(out).map_err(io_err(out))? {
        // A rename never replaces a non-empty folder or puts a folder over a file.
        Found::Nothing => return std::fs::rename(staging, out).map_err(io_err(out)),
        Found::Other(reason) => return Err(changed(reason)),
        Found::Empty | Found::Output => {}
    }
    swap_by_renames(staging, out, old, &changed)
}

/// What the swap took out of the output's place must be what was checked; otherwise it is
/// put back. Returns why it is not.
fn taken_is_replaceable(taken: &Path) -> Result<(), String> {
    match look(taken) {
        Ok(Found::Output | Found::Empty) => Ok(()),
        Ok(Found::Other(reason)) => Err(reason),
        Ok(Found::Nothing) => Err("it disappeared".into()),
        Err(e) => Err(e.to_string()),
    }
}

/// The swap in two renames.
fn swap_by_renames(
    staging: &Path,
    out: &Path,
    old: &Path,
    changed: &dyn Fn(String) -> OutputError,
) -> Result<(), OutputError> {
    std::fs::rename(out, old).map_err(io_err(out))?;
    if let Err(reason) = taken_is_replaceable(old) {
        std::fs::rename(old, out).map_err(io_err(out))?;
        return Err(changed(reason));
    }
    if let Err(e) = std::fs::rename(staging, out) {
        // Put the previous output back.
        let _ = std::fs::rename(old, out);
        return Err(io_err(out)(e));
    }
    std::fs::remove_dir_all(old).map_err(io_err(old))
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

    /// A PID above any system's limit (Linux: 2^22): never a running process.
    const DEAD: u32 = 2_000_000_000;

    fn tempdir() -> tempfile::TempDir {
        tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"))
    }

    /// A folder errdex could have written: the marker and one file saying `what`.
    fn output_folder(path: &Path, what: &str) {
        std::fs::create_dir_all(path).unwrap_or_else(|e| unreachable!("{e}"));
        std::fs::write(path.join(MARKER), MARKER_TEXT).unwrap_or_else(|e| unreachable!("{e}"));
        std::fs::write(path.join("index.html"), what).unwrap_or_else(|e| unreachable!("{e}"));
    }

    fn index(path: &Path) -> String {
        std::fs::read_to_string(path.join("index.html")).unwrap_or_default()
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .map(|d| {
                d.filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }

    #[test]
    fn only_a_marker_with_errdex_contents_makes_an_output() {
        let root = tempdir();
        let dir = root.path().join("out");
        output_folder(&dir, "x");
        assert_eq!(look(&dir).ok(), Some(Found::Output));
        std::fs::write(dir.join(MARKER), "mine\n").unwrap_or_else(|e| unreachable!("{e}"));
        assert!(matches!(look(&dir), Ok(Found::Other(_))));
        #[cfg(unix)]
        {
            std::fs::remove_file(dir.join(MARKER)).unwrap_or_else(|e| unreachable!("{e}"));
            let real = root.path().join("real-marker");
            std::fs::write(&real, MARKER_TEXT).unwrap_or_else(|e| unreachable!("{e}"));
            std::os::unix::fs::symlink(&real, dir.join(MARKER))
                .unwrap_or_else(|e| unreachable!("{e}"));
            assert!(matches!(look(&dir), Ok(Found::Other(_))), "a linked marker");
            // A link to an output is not an output.
            let link = root.path().join("link");
            output_folder(&root.path().join("elsewhere"), "x");
            std::os::unix::fs::symlink(root.path().join("elsewhere"), &link)
                .unwrap_or_else(|e| unreachable!("{e}"));
            assert!(matches!(look(&link), Ok(Found::Other(_))), "a link");
        }
    }

    #[test]
    fn a_swap_by_renames_replaces_an_output_and_puts_back_a_changed_one() {
        let root = tempdir();
        let target = Target::of(&root.path().join("public"));
        let staging = target.sibling(STAGING, DEAD);
        let old = target.sibling(OLD, DEAD);
        let changed = |reason: String| OutputError::Refused {
            path: PathBuf::new(),
            reason,
        };
        output_folder(&target.out, "old");
        output_folder(&staging, "new");
        assert!(swap_by_renames(&staging, &target.out, &old, &changed).is_ok());
        assert_eq!(index(&target.out), "new");
        assert_eq!(names(root.path()), ["public"]);
        // The output became someone's folder after it was checked: put back, refused.
        std::fs::remove_file(target.out.join(MARKER)).unwrap_or_else(|e| unreachable!("{e}"));
        output_folder(&staging, "newer");
        let swapped = swap_by_renames(&staging, &target.out, &old, &changed);
        assert!(matches!(swapped, Err(OutputError::Refused { .. })));
        assert_eq!(index(&target.out), "new");
        assert_eq!(index(&staging), "newer");
        assert!(!old.exists());
    }

    #[test]
    fn a_page_named_like_the_marker_does_not_replace_it() {
        let root = tempdir();
        let out = root.path().join("public");
        let staging = Staging::begin(&out).unwrap_or_else(|e| unreachable!("{e}"));
        let page = Page {
            path: MARKER.into(),
            content: b"from static/".to_vec(),
        };
        assert!(staging.write(&page).is_ok());
        assert!(staging.finish().is_ok());
        assert_eq!(look(&out).ok(), Some(Found::Output));
    }
}
