//! Incremental builds: a build writes only the files that changed, and takes every other file
//! from the previous output as a hard link (no bytes written), into the same staging folder that
//! is then swapped in whole (see [`crate::output`]). The output is the same, byte for byte, as
//! that of a build without the previous output.
//!
//! # The cache
//!
//! Every output holds the file [`CACHE`] (`.errdex-cache`, JSON), written with the output and
//! swapped in with it, so it always describes the output it is in. For each file of the output
//! it holds the hash of its bytes and, for an entry page, the hash of everything the page is made
//! from (its key). Deleting it (or the output) makes the next build a full one; a cache that
//! cannot be read, or of another format, is ignored (a full build). It holds hashes and the
//! output's own paths, nothing else: the same for the same site, whichever build wrote it.
//!
//! # What is reused
//!
//! - An **entry page** whose key is in the cache is not rendered at all. Its key hashes: errdex's
//!   version and executable, the default templates, the site's templates, its static files
//!   (their fingerprinted names are in every page), site.yaml as read (`--base-url` applied), the
//!   tool folders' `_section.yaml` as read, `sources.lock`, `--drafts` and `--relative-urls`,
//!   what every page shows of the site (the tools and their counts, the labels), the entry as
//!   parsed (its file, with its folder's defaults), and what its page shows of each related
//!   error (title, summary, signature, code, tool, date, URL).
//! - **Every other file** (lists, home, sitemap, feed, search index, redirects, static files) is
//!   rendered as before, and is linked instead of written when its bytes are those of the
//!   previous output's file.
//!
//! Either way the previous file is trusted only after it is read again: opened without
//! following a link, a regular file, its bytes hashing to what the cache says (so a file edited
//! in the output by hand is written again), and the link made must be to that very file. When a
//! link cannot be made (another file system), its bytes are written instead.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::hash::Hasher;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::{Deserialize, Serialize};
use siphasher::sip128::{Hasher128, SipHasher13};

use crate::output::{OutputError, Staging};
use crate::render::Page;

pub use crate::output::CACHE;

/// The cache file's format; a cache of another is ignored.
const FORMAT: u32 = 1;

/// The 128-bit hash of some bytes (SipHash-1-3, fixed keys: the same in every run).
pub fn hash(bytes: &[u8]) -> u128 {
    let mut h = Hash128::new();
    h.bytes(bytes);
    h.finish()
}

/// A 128-bit hash built from many parts, each length-prefixed so that two never run together.
#[derive(Clone)]
pub struct Hash128(SipHasher13);

impl Default for Hash128 {
    fn default() -> Self {
        Self::new()
    }
}

impl Hash128 {
    pub fn new() -> Self {
        Hash128(SipHasher13::new_with_keys(
            0x6572_7264_6578_2d63,
            0x6163_6865_2d76_3031,
        ))
    }

    pub fn bytes(&mut self, bytes: &[u8]) {
        self.0.write_u64(bytes.len() as u64);
        self.0.write(bytes);
    }

    pub fn str(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }

    pub fn u128(&mut self, v: u128) {
        self.0.write_u128(v);
    }

    /// A value's `Debug` form, streamed (derived `Debug` shows every field).
    pub fn debug(&mut self, value: &dyn fmt::Debug) {
        use fmt::Write;
        let mut sink = Sink(&mut self.0);
        let _ = write!(sink, "{value:?}");
        self.0.write_u8(0xff);
    }

    /// A value as JSON, streamed.
    pub fn json(&mut self, value: &impl Serialize) {
        let mut sink = Sink(&mut self.0);
        if serde_json::to_writer(&mut sink, value).is_err() {
            // Never for the plain views hashed here; were it to fail, nothing matches.
            self.str(&format!("{:?}", std::time::SystemTime::now()));
        }
        self.0.write_u8(0xfe);
    }

    pub fn finish(&self) -> u128 {
        self.0.finish128().as_u128()
    }
}

struct Sink<'a>(&'a mut SipHasher13);

impl fmt::Write for Sink<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.write(s.as_bytes());
        Ok(())
    }
}

impl std::io::Write for Sink<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The cache file as written.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    format: u32,
    /// Output path → `[hash of its bytes, key]`, the key empty for files other than entry pages.
    files: BTreeMap<String, (String, String)>,
}

/// What the cache knows of one output file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Record {
    hash: u128,
    key: Option<u128>,
}

fn hex(v: u128) -> String {
    format!("{v:032x}")
}

fn unhex(s: &str) -> Option<u128> {
    (s.len() == 32).then(|| u128::from_str_radix(s, 16).ok())?
}

/// Reads the cache of the output at `out`; empty when there is none or it cannot be used.
fn read_cache(out: &Path) -> HashMap<String, Record> {
    let Some((bytes, _)) = crate::output::read_regular(&out.join(CACHE)) else {
        return HashMap::new();
    };
    let Ok(file) = serde_json::from_slice::<File>(&bytes) else {
        return HashMap::new();
    };
    if file.format != FORMAT {
        return HashMap::new();
    }
    let mut records = HashMap::with_capacity(file.files.len());
    for (path, (hash, key)) in file.files {
        let Some(hash) = unhex(&hash) else {
            return HashMap::new();
        };
        let key = match key.as_str() {
            "" => None,
            k => match unhex(k) {
                Some(k) => Some(k),
                None => return HashMap::new(),
            },
        };
        records.insert(path, Record { hash, key });
    }
    records
}

/// A build writing into a staging folder, reusing what it can of the previous output.
pub struct Build<'a> {
    staging: &'a Staging,
    old: HashMap<String, Record>,
    new: Mutex<BTreeMap<String, Record>>,
    /// Keys of the entry pages being rendered, by path, until they are written.
    keys: Mutex<HashMap<String, u128>>,
    reused: AtomicUsize,
    written: AtomicUsize,
}

impl<'a> Build<'a> {
    /// With `reuse` false, nothing of the previous output is used (its cache is not read).
    pub fn new(staging: &'a Staging, reuse: bool) -> Self {
        let old = if reuse {
            read_cache(staging.output())
        } else {
            HashMap::new()
        };
        Build {
            staging,
            old,
            new: Mutex::new(BTreeMap::new()),
            keys: Mutex::new(HashMap::new()),
            reused: AtomicUsize::new(0),
            written: AtomicUsize::new(0),
        }
    }

    fn record(&self, path: &str, record: Record) {
        if let Ok(mut new) = self.new.lock() {
            new.insert(path.to_string(), record);
        }
    }

    /// For an entry page whose inputs hash to `key`: true when it was taken from the previous
    /// output, so it need not be rendered. Otherwise the key is kept for when it is written.
    pub fn take(&self, path: &str, key: u128) -> bool {
        if let Some(old) = self.old.get(path)
            && old.key == Some(key)
            && self.staging.reuse(path, old.hash)
        {
            self.record(path, *old);
            self.reused.fetch_add(1, Ordering::Relaxed);
            return true;
        }
        if let Ok(mut keys) = self.keys.lock() {
            keys.insert(path.to_string(), key);
        }
        false
    }

    /// Puts a rendered file into the staging folder: a link to the previous output's file when
    /// it has the same bytes, else written.
    pub fn write(&self, page: &Page) -> Result<(), OutputError> {
        let p = Path::new(&page.path);
        if p == Path::new(crate::output::MARKER) || p == Path::new(CACHE) {
            return self.staging.write(page);
        }
        let hash = hash(&page.content);
        let key = self.keys.lock().ok().and_then(|mut k| k.remove(&page.path));
        let same = self.old.get(&page.path).is_some_and(|r| r.hash == hash);
        if same && self.staging.reuse(&page.path, hash) {
            self.reused.fetch_add(1, Ordering::Relaxed);
        } else {
            self.staging.write(page)?;
            self.written.fetch_add(1, Ordering::Relaxed);
        }
        self.record(&page.path, Record { hash, key });
        Ok(())
    }

    /// How many files were taken from the previous output, and how many written.
    pub fn counts(&self) -> (usize, usize) {
        (
            self.reused.load(Ordering::Relaxed),
            self.written.load(Ordering::Relaxed),
        )
    }

    /// Writes the cache into the staging folder: the last file before the swap.
    pub fn finish(self) -> Result<(), OutputError> {
        let files = self
            .new
            .into_inner()
            .unwrap_or_default()
            .into_iter()
            .map(|(path, r)| (path, (hex(r.hash), r.key.map(hex).unwrap_or_default())))
            .collect();
        let file = File {
            format: FORMAT,
            files,
        };
        let text = serde_json::to_vec(&file).unwrap_or_default();
        self.staging.write_cache(&text)
    }
}

/// The hash of what every page of a build is made from besides the site model: errdex itself
/// (version, executable, default templates), the site's templates, and the build's options.
/// `None` when one of them cannot be read: then no page is reused by its key.
pub fn global_inputs(
    templates_dir: &Path,
    site: &crate::site::Site,
    relative: bool,
) -> Option<u128> {
    let mut h = Hash128::new();
    h.str(env!("CARGO_PKG_VERSION"));
    // A build of errdex from other sources with the same version number renders differently.
    let exe = std::fs::metadata(std::env::current_exe().ok()?).ok()?;
    h.debug(&(exe.len(), exe.modified().ok()?));
    for (name, text) in crate::render::DEFAULT_TEMPLATES {
        h.str(name);
        h.str(text);
    }
    if templates_dir.exists() {
        for item in walkdir::WalkDir::new(templates_dir).sort_by_file_name() {
            let item = item.ok()?;
            let rel = item.path().strip_prefix(templates_dir).ok()?;
            h.str(&rel.to_string_lossy());
            if item.file_type().is_file() || item.path_is_symlink() {
                h.bytes(&std::fs::read(item.path()).ok()?);
            }
        }
    }
    h.debug(&site.config);
    h.debug(&site.tools);
    h.debug(&site.source_records);
    h.debug(&relative);
    Some(h.finish())
}
