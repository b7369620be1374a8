//! Loose objects checked before libgit2 reads them.
//!
//! libgit2 1.9 loops forever inflating a truncated loose object (its zstream treats `Z_BUF_ERROR` at the
//! end of the input as "try again": libgit2 issue 7342, fixed after 1.9.7), so a repository with one cut
//! object file would hang a history scan at full CPU. Every loose object's zlib stream is therefore
//! inflated once here (output discarded) before the history is read; a stream that does not reach its
//! end, or is damaged, marks the object corrupt. When any is corrupt, the repository is given an object
//! database without it (a private directory of symlinks to the good loose objects, the packs and the
//! alternates), so libgit2 reports it as missing, a warning naming its id, and the rest is scanned.
//! Packed objects are not affected by that bug and are not checked.
//!
//! The same pass checks that each loose object's content hashes to its id (libgit2's own check is off
//! for speed, see `git::configure_libgit2`): a loose object file can be replaced by hand, so a mismatch
//! is one warning per repository, and the content is still scanned as it is.

use std::path::{Path, PathBuf};

use flate2::{Decompress, FlushDecompress, Status};
use git2::{Odb, Oid, Repository};

/// Whether the loose object file at `path` holds a complete, undamaged zlib stream. Inflates at most
/// `limit` bytes (a stream that inflates further is treated as complete: libgit2 reads such objects'
/// headers only, and skips them for size).
pub fn stream_is_complete(path: &Path, limit: u64) -> Result<(), String> {
    inflate(path, limit, None)
}

/// Loose objects up to this size (inflated) have their content checked against their id.
pub const HASH_CHECK_MAX: usize = 16 << 20;

/// Whether the complete loose object file `path` holds the object `id`: its inflated bytes (`type
/// size\0content`) hash to `id`. `None` when the object is larger than [`HASH_CHECK_MAX`] (not checked)
/// or its header does not parse (libgit2 reports that when it reads it).
fn content_matches(path: &Path, id: Oid) -> Option<bool> {
    let mut raw = Vec::new();
    inflate(path, HASH_CHECK_MAX as u64, Some(&mut raw)).ok()?;
    if raw.len() > HASH_CHECK_MAX {
        return None;
    }
    let nul = memchr::memchr(0, &raw)?;
    let kind = std::str::from_utf8(&raw[..nul]).ok()?.split(' ').next()?;
    let kind = git2::ObjectType::from_str(kind)?;
    Some(Oid::hash_object(kind, &raw[nul + 1..]).ok()? == id)
}

/// Inflates the zlib stream of the file at `path` (see [`stream_is_complete`]), appending the output to
/// `keep` when given.
fn inflate(path: &Path, limit: u64, mut keep: Option<&mut Vec<u8>>) -> Result<(), String> {
    let data = std::fs::read(path).map_err(|e| e.to_string())?;
    let mut z = Decompress::new(true);
    let mut out = vec![0u8; 64 << 10];
    loop {
        let consumed = z.total_in() as usize;
        let before = (z.total_in(), z.total_out());
        let result = z.decompress(&data[consumed..], &mut out, FlushDecompress::None);
        if let Some(k) = keep.as_deref_mut() {
            k.extend_from_slice(&out[..(z.total_out() - before.1) as usize]);
        }
        match result {
            Ok(Status::StreamEnd) => return Ok(()),
            Ok(_) if z.total_out() > limit => return Ok(()),
            Ok(_) if (z.total_in(), z.total_out()) == before => {
                return Err("corrupt loose object: its zlib stream is truncated".into())
            }
            Ok(_) => {}
            Err(_) => return Err("corrupt loose object: its zlib stream is damaged".into()),
        }
    }
}

/// The loose object file of `id` in `objects`, if there is one.
pub fn loose_path(objects: &Path, id: Oid) -> Option<PathBuf> {
    let hex = id.to_string();
    let p = objects.join(&hex[..2]).join(&hex[2..]);
    p.is_file().then_some(p)
}

/// A repository's corrupt loose objects, and the private object directory that hides them (removed on
/// drop).
#[derive(Default)]
pub struct Quarantine {
    /// (object id, why), in id order.
    pub corrupt: Vec<(Oid, String)>,
    /// Loose objects whose content does not hash to their id (read and scanned as they are), in id
    /// order.
    pub mismatched: Vec<Oid>,
    shadow: Option<PathBuf>,
}

impl Quarantine {
    /// The object directory every `Repository` of this scan must use (`None`: the repository's own).
    pub fn objects_dir(&self) -> Option<&Path> {
        self.shadow.as_deref()
    }
}

impl Drop for Quarantine {
    fn drop(&mut self) {
        if let Some(dir) = &self.shadow {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// Checks every loose object of `repo` and, if any is corrupt, points `repo` at an object database
/// without them; lists those whose content does not match their id. Cost: one inflate of each loose
/// object, a second one and a SHA-1 for those up to [`HASH_CHECK_MAX`] (none for packed objects,
/// whose ids `git index-pack` computed from their content when they were fetched).
pub fn quarantine(repo: &Repository) -> Quarantine {
    let objects = repo.path().join("objects");
    let mut q = Quarantine::default();
    let mut good: Vec<(String, String)> = Vec::new();
    let Ok(fans) = std::fs::read_dir(&objects) else {
        return q;
    };
    for fan in fans.flatten() {
        let name = fan.file_name().to_string_lossy().into_owned();
        if name.len() != 2 || !name.bytes().all(|b| b.is_ascii_hexdigit()) {
            continue;
        }
        let Ok(files) = std::fs::read_dir(fan.path()) else {
            continue;
        };
        for f in files.flatten() {
            let rest = f.file_name().to_string_lossy().into_owned();
            let Ok(id) = Oid::from_str(&format!("{name}{rest}")) else {
                continue; // temporary files, not objects
            };
            match stream_is_complete(&f.path(), u64::MAX) {
                Ok(()) => {
                    if content_matches(&f.path(), id) == Some(false) {
                        q.mismatched.push(id);
                    }
                    good.push((name.clone(), rest))
                }
                Err(why) => q.corrupt.push((id, why)),
            }
        }
    }
    q.mismatched.sort();
    if q.corrupt.is_empty() {
        return q;
    }
    q.corrupt.sort();
    match build_shadow(&objects, &good).and_then(|dir| apply(repo, &dir).map(|()| dir)) {
        Ok(dir) => q.shadow = Some(dir),
        Err(e) => {
            for (_, why) in &mut q.corrupt {
                why.push_str(&format!(" (and it cannot be hidden from libgit2: {e})"));
            }
        }
    }
    q
}

/// Makes `repo` read objects from `objects_dir` (a quarantine's shadow directory).
pub fn apply(repo: &Repository, objects_dir: &Path) -> Result<(), String> {
    let odb = Odb::new().map_err(|e| e.message().to_string())?;
    odb.add_disk_alternate(&objects_dir.to_string_lossy())
        .map_err(|e| e.message().to_string())?;
    repo.set_odb(&odb).map_err(|e| e.message().to_string())
}

fn build_shadow(objects: &Path, good: &[(String, String)]) -> Result<PathBuf, String> {
    use std::os::unix::fs::symlink;
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("sprawl-objects-{}-{n}", std::process::id()));
    let err = |e: std::io::Error| e.to_string();
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir(&dir).map_err(err)?;
    for sub in ["pack", "info"] {
        if objects.join(sub).is_dir() {
            symlink(objects.join(sub), dir.join(sub)).map_err(err)?;
        }
    }
    for (fan, rest) in good {
        let d = dir.join(fan);
        if !d.is_dir() {
            std::fs::create_dir(&d).map_err(err)?;
        }
        symlink(objects.join(fan).join(rest), d.join(rest)).map_err(err)?;
    }
    Ok(dir)
}
