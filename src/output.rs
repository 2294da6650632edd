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
//! Pages are written into a staging folder `.NAME.errdex-staging-PID` beside the output `NAME`,
//! marker first, so that it is recognisably errdex's from the start. When all are written:
//! - On Linux, `renameat2(RENAME_EXCHANGE)` exchanges the staging folder and the output in one
//!   step: at every moment the output is the previous one or the new one, whole. The previous
//!   one, now under the staging name, is then kept as the spare (below).
//! - Elsewhere, or on a file system without the exchange, two renames: the output becomes
//!   `.NAME.errdex-old-PID`, then the staging folder becomes the output, then the old one is
//!   deleted. A build killed between the two renames leaves no output until recovery (below).
//!
//! A build that fails deletes its staging folder and leaves the output as it was.
//!
//! # The spare
//!
//! The previous output, once swapped out, is kept beside the output as `.NAME.errdex-spare`
//! (deleted instead when one is already there), and the next build makes it its staging folder:
//! it deletes everything in it but its folders and the marker (files, and links, which are never
//! followed), writes the new files into the folders already there, and deletes the folders left
//! empty before the swap. Creating and deleting thousands of folders is, on some file systems
//! (ext4 mounted with `discard`), most of the time of a build that writes little. A spare without
//! the marker is neither used nor deleted. It shares the files that did not change with the
//! output (hard links, see [`crate::incremental`]); deleting it is always safe.
//!
//! # Recovery and leftovers
//!
//! Every build first ([`check_target`]) looks beside the output for `.NAME.errdex-staging-PID`
//! and `.NAME.errdex-old-PID` folders whose process PID no longer runs (a build that was killed):
//! - When the output is missing and such an old folder is there, a swap by two renames was
//!   interrupted between them. It is finished: the staging folder of the same PID, complete since
//!   the swap had begun, becomes the output; without one, the old folder goes back (rolled back).
//! - The others are deleted, but only if they hold the marker or are empty.
//!
//! The folders of a build that still runs, and anything not named, marked and left by a dead
//! process in this way, are never touched. (On other systems than Unix, whether a process runs
//! is not known: leftovers are kept.)

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

/// The build cache's file in every output folder (see [`crate::incremental`]); a static file of
/// this name is left out, like one named as the marker.
pub const CACHE: &str = ".errdex-cache";

/// The largest file [`Staging::reuse`] reads back from the previous output.
const MAX_REUSED: u64 = 1 << 30;

/// A file's bytes and identity, when it is a regular file (a symbolic link is not followed).
pub(crate) fn read_regular(path: &Path) -> Option<(Vec<u8>, (u64, u64))> {
    let file = open_no_follow(path).ok()?;
    let meta = file.metadata().ok()?;
    if !meta.is_file() || meta.len() > MAX_REUSED {
        return None;
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(MAX_REUSED + 1).read_to_end(&mut bytes).ok()?;
    Some((bytes, file_id(&meta)))
}

/// The device and inode of a file: the same for two names of one file (hard links).
#[cfg(unix)]
fn file_id(meta: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

/// Elsewhere no identity is known, and no link is made: the bytes are written.
#[cfg(not(unix))]
fn file_id(_meta: &std::fs::Metadata) -> (u64, u64) {
    (u64::MAX, u64::MAX)
}

/// The kinds of folder a build leaves beside the output while it runs: `.NAME.KIND-PID`.
const STAGING: &str = "errdex-staging";
const OLD: &str = "errdex-old";
/// The previous output, kept beside the output for its folders: `.NAME.errdex-spare`.
const SPARE: &str = "errdex-spare";

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

    /// `.NAME.errdex-spare` beside the output: the previous output, kept so that the next build
    /// reuses its folders.
    fn spare(&self) -> PathBuf {
        let mut name = OsString::from(".");
        name.push(&self.name);
        name.push(format!(".{SPARE}"));
        self.parent.join(name)
    }

    /// The kind and PID in `file` when it is named `.NAME.KIND-PID` for this output.
    fn leftover(&self, file: &OsStr) -> Option<(&'static str, u32)> {
        let rest = file
            .as_encoded_bytes()
            .strip_prefix(b".")?
            .strip_prefix(self.name.as_encoded_bytes())?
            .strip_prefix(b".")?;
        [STAGING, OLD].into_iter().find_map(|kind| {
            let pid = rest.strip_prefix(kind.as_bytes())?.strip_prefix(b"-")?;
            if pid.is_empty() || !pid.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let pid = std::str::from_utf8(pid).ok()?.parse().ok()?;
            Some((kind, pid))
        })
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

/// Opens a file for reading, not through a symbolic link, and without waiting on a named pipe.
fn open_no_follow(path: &Path) -> io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let flags = rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::NONBLOCK;
        options.custom_flags(i32::try_from(flags.bits()).unwrap_or_default());
    }
    options.open(path)
}

/// True when `dir` holds errdex's marker: a regular file (not a link) with [`MARKER_TEXT`].
fn has_marker(dir: &Path) -> io::Result<bool> {
    let Ok(file) = open_no_follow(&dir.join(MARKER)) else {
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

/// Whether the process `pid` may still run. Unknown counts as running.
#[cfg(unix)]
fn is_running(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    else {
        return true;
    };
    // `kill(pid, 0)`: no such process is the only sure answer; EPERM means it runs.
    rustix::process::test_kill_process(pid) != Err(rustix::io::Errno::SRCH)
}

#[cfg(not(unix))]
fn is_running(_pid: u32) -> bool {
    true
}

/// Checks that `output` may be replaced by a build of the site at `root`, nothing changed when
/// it may not. When it may, first recovers what killed builds left beside it (see the module
/// doc): an interrupted swap is finished or rolled back, their leftovers are deleted.
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
    // Not a folder: refused before anything beside it is touched.
    if let Ok(meta) = std::fs::symlink_metadata(&target.out)
        && let Some(reason) = not_a_folder(&target.out, &meta)
    {
        return refuse(&reason);
    }
    recover(&target)?;
    match look(&target.out).map_err(io_err(output))? {
        Found::Other(reason) => refuse(&reason),
        Found::Nothing | Found::Empty | Found::Output => Ok(()),
    }
}

/// Finishes or rolls back a swap that a dead build left half-done, then deletes the staging and
/// old folders that dead builds left beside the output, if they hold the marker or are empty.
fn recover(target: &Target) -> Result<(), OutputError> {
    let entries = match std::fs::read_dir(&target.parent) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_err(&target.parent)(e)),
    };
    let mut dead = Vec::new();
    for entry in entries {
        let entry = entry.map_err(io_err(&target.parent))?;
        if let Some((kind, pid)) = target.leftover(&entry.file_name())
            && !is_running(pid)
        {
            dead.push((kind, pid, entry.path()));
        }
    }
    dead.sort();
    let errdex = |path: &Path| matches!(look(path), Ok(Found::Output | Found::Empty));
    let mut placed = None;
    if matches!(look(&target.out), Ok(Found::Nothing))
        && let Some((_, pid, old)) = dead.iter().find(|(k, _, p)| *k == OLD && errdex(p))
    {
        // Between the two renames of a swap: the new output, if there, was whole.
        let new = dead
            .iter()
            .find(|(k, p, path)| {
                *k == STAGING && p == pid && look(path).ok() == Some(Found::Output)
            })
            .map_or(old, |(_, _, path)| path);
        std::fs::rename(new, &target.out).map_err(io_err(&target.out))?;
        placed = Some(new.clone());
    }
    for (_, _, path) in &dead {
        if placed.as_ref() == Some(path) {
            continue;
        }
        // Best effort: what cannot be deleted now is tried again by the next build.
        match look(path) {
            Ok(Found::Output) => {
                let _ = remove_output(path);
            }
            Ok(Found::Empty) => {
                let _ = std::fs::remove_dir(path);
            }
            // A build killed as it wrote the marker.
            Ok(Found::Other(_)) if only_part_of_a_marker(path) => {
                let _ = remove_output(path);
            }
            // Not errdex's: left alone.
            _ => {}
        }
    }
    Ok(())
}

/// True when `dir` holds nothing but the beginning of errdex's marker (a build killed as it
/// wrote it).
fn only_part_of_a_marker(dir: &Path) -> bool {
    let mut entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(_) => return false,
    };
    let only = match (entries.next(), entries.next()) {
        (Some(Ok(entry)), None) => entry,
        _ => return false,
    };
    only.file_name() == MARKER
        && only.file_type().is_ok_and(|t| t.is_file())
        && std::fs::read(only.path()).is_ok_and(|text| MARKER_TEXT.as_bytes().starts_with(&text))
}

/// Deletes an output folder, its marker last, so that a kill half-way leaves a folder still known
/// for errdex's, which the next build deletes.
fn remove_output(dir: &Path) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_name() == MARKER {
            continue;
        }
        if entry.file_type()?.is_dir() {
            std::fs::remove_dir_all(entry.path())?;
        } else {
            std::fs::remove_file(entry.path())?;
        }
    }
    match std::fs::remove_file(dir.join(MARKER)) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    std::fs::remove_dir(dir)
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
    spare: PathBuf,
    /// Made from the spare: folders may be in the way of files, and empty ones are left over.
    recycled: bool,
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
        // This process's names can be taken only by a dead process that had the same PID, or an
        // earlier build in this one.
        for path in [&dir, &old] {
            match look(path).map_err(io_err(path))? {
                Found::Nothing => {}
                Found::Output => remove_output(path).map_err(io_err(path))?,
                Found::Empty => std::fs::remove_dir(path).map_err(io_err(path))?,
                Found::Other(reason) => {
                    return Err(OutputError::Refused {
                        path: path.clone(),
                        reason: format!("errdex needs this name for a build; {reason}"),
                    });
                }
            }
        }
        let spare = target.spare();
        let recycled = recycle(&spare, &dir);
        if !recycled {
            std::fs::create_dir(&dir).map_err(io_err(&dir))?;
        }
        let staging = Staging {
            dir,
            out: target.out,
            old,
            spare,
            recycled,
            made: std::sync::Mutex::new(std::collections::HashSet::new()),
            finished: false,
        };
        // Marked from the start, so that a killed build's folder is known for errdex's.
        staging.mark()?;
        Ok(staging)
    }

    fn mark(&self) -> Result<(), OutputError> {
        let marker = self.dir.join(MARKER);
        std::fs::write(&marker, MARKER_TEXT).map_err(io_err(&marker))
    }

    /// Writes one page (from any thread). A page named like the marker (a file in `static/`) is
    /// left out: the marker is errdex's.
    pub fn write(&self, page: &Page) -> Result<(), OutputError> {
        if Path::new(&page.path) == Path::new(MARKER) || Path::new(&page.path) == Path::new(CACHE) {
            return Ok(());
        }
        self.write_file(&page.path, &page.content)
    }

    /// The build cache (see [`crate::incremental`]), written last.
    pub fn write_cache(&self, text: &[u8]) -> Result<(), OutputError> {
        self.write_file(CACHE, text)
    }

    /// The folder the output is (or will be) at.
    pub fn output(&self) -> &Path {
        &self.out
    }

    /// Creates the folder the file `path` goes in, unless this build already did.
    fn make_folder(&self, path: &Path) -> Result<(), OutputError> {
        let Some(folder) = path.parent() else {
            return Ok(());
        };
        let new = self
            .made
            .lock()
            .map(|mut made| made.insert(folder.to_path_buf()))
            .unwrap_or(true);
        if new {
            std::fs::create_dir_all(folder).map_err(io_err(folder))?;
        }
        Ok(())
    }

    /// Puts the previous output's file `rel` into the staging folder, as a hard link (no bytes
    /// written), when it holds exactly the bytes whose hash is `expect`. The file is opened
    /// without following a link, must be a regular file, is read and hashed; the link made must
    /// be to the very file read. Where a hard link cannot be made (another file system, a
    /// system that has none), the bytes read are written instead. `false`, nothing written, when
    /// the file is not there or not as expected: the caller renders and writes it.
    pub fn reuse(&self, rel: &str, expect: u128) -> bool {
        if !crate::urls::is_safe_output_path(rel)
            || Path::new(rel) == Path::new(MARKER)
            || Path::new(rel) == Path::new(CACHE)
        {
            return false;
        }
        let from = self.out.join(rel);
        let Some((bytes, id)) = read_regular(&from) else {
            return false;
        };
        if crate::incremental::hash(&bytes) != expect {
            return false;
        }
        let to = self.dir.join(rel);
        if self.make_folder(&to).is_err() || self.clear_folder(&to).is_err() {
            return false;
        }
        let linked = cfg!(unix)
            && match std::fs::hard_link(&from, &to) {
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    // Another thread noted the folder first and may not have made it yet.
                    to.parent()
                        .is_some_and(|f| std::fs::create_dir_all(f).is_ok())
                        && std::fs::hard_link(&from, &to).is_ok()
                }
                linked => linked.is_ok(),
            };
        if linked {
            // The name may have been replaced between the read and the link.
            if std::fs::symlink_metadata(&to).is_ok_and(|m| m.is_file() && file_id(&m) == id) {
                return true;
            }
            let _ = std::fs::remove_file(&to);
        }
        std::fs::write(&to, &bytes).is_ok()
    }

    /// In a recycled staging folder, a folder of the previous output where a file now goes is
    /// deleted (inside the staging folder: `remove_dir_all` follows no link).
    fn clear_folder(&self, path: &Path) -> Result<(), OutputError> {
        if self.recycled && std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) {
            std::fs::remove_dir_all(path).map_err(io_err(path))?;
        }
        Ok(())
    }

    fn write_file(&self, rel: &str, content: &[u8]) -> Result<(), OutputError> {
        let path = self.dir.join(rel);
        let Some(folder) = path.parent() else {
            return std::fs::write(&path, content).map_err(io_err(&path));
        };
        self.make_folder(&path)?;
        self.clear_folder(&path)?;
        match std::fs::write(&path, content) {
            // Another thread noted this folder first and may not have made it yet: make it
            // here too (create_dir_all accepts a folder that appears meanwhile), then retry.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(folder).map_err(io_err(folder))?;
                std::fs::write(&path, content).map_err(io_err(&path))
            }
            written => written.map_err(io_err(&path)),
        }
    }

    /// Swaps the staging folder in place of the output.
    pub fn finish(mut self) -> Result<(), OutputError> {
        if self.recycled {
            remove_empty_folders(&self.dir);
        }
        swap(&self.dir, &self.out, &self.old, &self.spare)?;
        self.finished = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        // Only while it is still the staging folder (a swap put back is).
        if !self.finished && matches!(look(&self.dir), Ok(Found::Output)) {
            let _ = remove_output(&self.dir);
        }
    }
}

/// Puts `staging` in place of `out`, which must still be missing, empty or errdex's, then
/// deletes the previous output.
fn swap(staging: &Path, out: &Path, old: &Path, spare: &Path) -> Result<(), OutputError> {
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
    #[cfg(any(target_os = "linux", target_os = "android"))]
    if let Some(done) = swap_by_exchange(staging, out, &changed) {
        if done.is_ok() {
            retire(staging, spare);
        }
        return done;
    }
    swap_by_renames(staging, out, old, &changed)?;
    retire(old, spare);
    Ok(())
}

/// The previous output, once swapped out: kept as the spare for the next build's folders when
/// there is none, else deleted. Best effort: one left behind is deleted by the next build.
fn retire(previous: &Path, spare: &Path) {
    let kept = matches!(look(previous), Ok(Found::Output))
        && matches!(look(spare), Ok(Found::Nothing))
        && std::fs::rename(previous, spare).is_ok();
    if !kept {
        let _ = remove_output(previous);
    }
}

/// Makes the spare, if it is errdex's, the staging folder `dir`: moved there, everything in it
/// but its folders and the marker deleted (files, links, anything else), so that no byte of the
/// previous output remains and nothing in it leads elsewhere. Folders are what it saves: on some
/// file systems creating and deleting thousands of them costs more than the rest of a build.
/// `false`, and no staging folder, when there is no usable spare.
fn recycle(spare: &Path, dir: &Path) -> bool {
    if !matches!(look(spare), Ok(Found::Output)) || std::fs::rename(spare, dir).is_err() {
        return false;
    }
    let mut ok = true;
    for item in walkdir::WalkDir::new(dir).min_depth(1).contents_first(true) {
        let Ok(item) = item else {
            ok = false;
            break;
        };
        let kind = item.file_type();
        if kind.is_dir() || (item.depth() == 1 && item.file_name() == MARKER) {
            continue;
        }
        if std::fs::remove_file(item.path()).is_err() {
            ok = false;
            break;
        }
    }
    if !ok || !matches!(look(dir), Ok(Found::Output)) {
        let _ = remove_output(dir);
        if let Ok(Found::Empty) = look(dir) {
            let _ = std::fs::remove_dir(dir);
        }
        return false;
    }
    true
}

/// Deletes every empty folder under `dir` (a recycled staging folder's, which no file needed).
fn remove_empty_folders(dir: &Path) {
    for item in walkdir::WalkDir::new(dir)
        .min_depth(1)
        .contents_first(true)
        .into_iter()
        .flatten()
    {
        if item.file_type().is_dir() {
            // Fails, as it should, for a folder that is not empty.
            let _ = std::fs::remove_dir(item.path());
        }
    }
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

/// The swap in one step; `None` when the system or file system cannot exchange.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn swap_by_exchange(
    staging: &Path,
    out: &Path,
    changed: &dyn Fn(String) -> OutputError,
) -> Option<Result<(), OutputError>> {
    use rustix::io::Errno;
    let exchange = || {
        rustix::fs::renameat_with(
            rustix::fs::CWD,
            staging,
            rustix::fs::CWD,
            out,
            rustix::fs::RenameFlags::EXCHANGE,
        )
    };
    match exchange() {
        Ok(()) => {}
        Err(e) if [Errno::INVAL, Errno::NOSYS, Errno::NOTSUP, Errno::PERM].contains(&e) => {
            return None;
        }
        Err(e) => return Some(Err(io_err(out)(e.into()))),
    }
    // `staging` now holds the previous output.
    if let Err(reason) = taken_is_replaceable(staging) {
        return Some(match exchange() {
            Ok(()) => Err(changed(reason)),
            Err(e) => Err(io_err(out)(e.into())),
        });
    }
    Some(Ok(()))
}

/// The swap in two renames, for systems without the exchange. A kill between them leaves no
/// output; [`recover`] finishes such a swap.
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
    fn leftover_names_are_read_strictly() {
        let target = Target::of(Path::new("/srv/public"));
        let read = |name: &str| target.leftover(OsStr::new(name));
        assert_eq!(read(".public.errdex-staging-12"), Some((STAGING, 12)));
        assert_eq!(read(".public.errdex-old-7"), Some((OLD, 7)));
        for other in [
            "public",
            ".public.errdex-old-",
            ".public.errdex-old-+7",
            ".public.errdex-old-7x",
            ".public.errdex-old-99999999999",
            ".publicx.errdex-old-7",
            ".pub.errdex-old-7",
            ".public.errdex-older-7",
        ] {
            assert_eq!(read(other), None, "{other}");
        }
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
    fn a_swap_killed_between_its_two_renames_is_finished_by_the_next_build() {
        let root = tempdir();
        let target = Target::of(&root.path().join("public"));
        // The output was renamed to the old name; the staging folder, whole, was not moved yet.
        output_folder(&target.sibling(OLD, DEAD), "old");
        output_folder(&target.sibling(STAGING, DEAD), "new");
        assert!(recover(&target).is_ok());
        assert_eq!(index(&target.out), "new");
        assert_eq!(names(root.path()), ["public"]);
    }

    #[test]
    fn a_swap_killed_between_its_renames_without_its_staging_folder_is_rolled_back() {
        let root = tempdir();
        let target = Target::of(&root.path().join("public"));
        output_folder(&target.sibling(OLD, DEAD), "old");
        // Another dead build's unfinished staging folder is no output to put in place.
        output_folder(&target.sibling(STAGING, DEAD + 1), "partial");
        assert!(recover(&target).is_ok());
        assert_eq!(index(&target.out), "old");
        assert_eq!(names(root.path()), ["public"]);
    }

    #[test]
    fn recovery_deletes_only_the_marked_or_empty_leftovers_of_dead_builds() {
        let root = tempdir();
        let target = Target::of(&root.path().join("public"));
        output_folder(&target.out, "current");
        output_folder(&target.sibling(OLD, DEAD), "old");
        output_folder(&target.sibling(STAGING, DEAD + 1), "partial");
        std::fs::create_dir(target.sibling(STAGING, DEAD + 2))
            .unwrap_or_else(|e| unreachable!("{e}"));
        // Killed as it wrote its marker.
        let half_marked = target.sibling(STAGING, DEAD + 5);
        std::fs::create_dir(&half_marked).unwrap_or_else(|e| unreachable!("{e}"));
        std::fs::write(half_marked.join(MARKER), &MARKER_TEXT[..10])
            .unwrap_or_else(|e| unreachable!("{e}"));
        // Kept: a running build's folders (this process), and what errdex did not write.
        let running = target.sibling(STAGING, std::process::id());
        output_folder(&running, "being written");
        let unmarked = target.sibling(STAGING, DEAD + 3);
        std::fs::create_dir(&unmarked).unwrap_or_else(|e| unreachable!("{e}"));
        std::fs::write(unmarked.join("notes.txt"), "keep").unwrap_or_else(|e| unreachable!("{e}"));
        let other = root.path().join(".other.errdex-old-5");
        output_folder(&other, "another output's");
        #[cfg(unix)]
        {
            output_folder(&root.path().join("elsewhere"), "linked");
            std::os::unix::fs::symlink(
                root.path().join("elsewhere"),
                target.sibling(OLD, DEAD + 4),
            )
            .unwrap_or_else(|e| unreachable!("{e}"));
        }
        assert!(recover(&target).is_ok());
        assert_eq!(index(&target.out), "current");
        let mut kept = vec![
            ".other.errdex-old-5".to_string(),
            format!(".public.errdex-staging-{}", DEAD + 3),
            format!(".public.errdex-staging-{}", std::process::id()),
            "public".into(),
        ];
        if cfg!(unix) {
            kept.push("elsewhere".into());
            kept.push(format!(".public.errdex-old-{}", DEAD + 4));
        }
        kept.sort();
        assert_eq!(names(root.path()), kept);
        assert_eq!(index(&root.path().join("elsewhere")), "linked");
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
        // The previous output is kept as the spare, once.
        retire(&old, &target.spare());
        assert_eq!(names(root.path()), [".public.errdex-spare", "public"]);
        assert_eq!(index(&target.spare()), "old");
        // The output became someone's folder after it was checked: put back, refused.
        std::fs::remove_file(target.out.join(MARKER)).unwrap_or_else(|e| unreachable!("{e}"));
        output_folder(&staging, "newer");
        let swapped = swap_by_renames(&staging, &target.out, &old, &changed);
        assert!(matches!(swapped, Err(OutputError::Refused { .. })));
        assert_eq!(index(&target.out), "new");
        assert_eq!(index(&staging), "newer");
        assert!(!old.exists());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn an_exchange_that_took_out_something_else_exchanges_it_back() {
        let root = tempdir();
        let target = Target::of(&root.path().join("public"));
        let staging = target.sibling(STAGING, DEAD);
        let changed = |reason: String| OutputError::Refused {
            path: PathBuf::new(),
            reason,
        };
        std::fs::create_dir(&target.out).unwrap_or_else(|e| unreachable!("{e}"));
        std::fs::write(target.out.join("index.html"), "someone's")
            .unwrap_or_else(|e| unreachable!("{e}"));
        output_folder(&staging, "new");
        match swap_by_exchange(&staging, &target.out, &changed) {
            // The file system cannot exchange: nothing to test here.
            None => {}
            Some(swapped) => {
                assert!(matches!(swapped, Err(OutputError::Refused { .. })));
                assert_eq!(index(&target.out), "someone's");
                assert_eq!(index(&staging), "new");
            }
        }
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
