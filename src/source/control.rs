//! Control files: files in the scanned tree that change what is scanned or how it is reported
//! (`.gitignore`, `.ignore`, `CODEOWNERS`). The tree is untrusted and a pull request can commit any of
//! them as a symlink to `/dev/zero` or create them as a FIFO, so they are read only when they are
//! regular files, never through a symlink, opened without blocking, and at most [`CONTROL_FILE_MAX`]
//! bytes; anything else is a warning and the file is treated as absent.
//!
//! [`IgnoreRules`] applies `.gitignore` and `.ignore` files read this way (the `ignore` crate's walker
//! opens them by name, with no size bound, so its own handling is turned off).

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::Match;

/// The largest control file that is read (1 MiB); a larger one is ignored with a warning.
pub const CONTROL_FILE_MAX: u64 = 1 << 20;

/// Reads `path` if it is a regular file of at most [`CONTROL_FILE_MAX`] bytes. `Ok(None)`: there is no
/// such file. `Err(message)`: it exists but is not read (a symlink, FIFO, device, directory, too large,
/// or unreadable); the message never contains the file's contents.
pub fn read_control_file(path: &Path) -> Result<Option<Vec<u8>>, String> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("not read: {e}")),
    };
    if !meta.file_type().is_file() {
        return Err(format!(
            "not read: {} (only regular files are read)",
            kind(&meta)
        ));
    }
    match open_regular(path, false) {
        Ok(Ok(file)) => read_capped(file),
        Ok(Err(kind)) => Err(format!("not read: {kind} (only regular files are read)")),
        Err(e) => Err(format!("not read: {e}")),
    }
}

/// Opens `path` for reading if it is a regular file. Opened with O_NONBLOCK (a FIFO swapped in after
/// any earlier check does not hang the open) and, unless `follow`, O_NOFOLLOW; fstat on the open
/// descriptor decides. `Ok(Err(kind))`: it is something else (`"a FIFO"`, `"a symlink"`, …).
pub fn open_regular(path: &Path, follow: bool) -> std::io::Result<Result<File, &'static str>> {
    let flags = if follow {
        libc::O_NONBLOCK
    } else {
        libc::O_NOFOLLOW | libc::O_NONBLOCK
    };
    let file = match OpenOptions::new().read(true).custom_flags(flags).open(path) {
        Ok(f) => f,
        // O_NOFOLLOW on a symlink.
        Err(e) if !follow && e.raw_os_error() == Some(libc::ELOOP) => return Ok(Err("a symlink")),
        Err(e) => return Err(e),
    };
    let meta = file.metadata()?;
    if !meta.file_type().is_file() {
        return Ok(Err(kind(&meta)));
    }
    Ok(Ok(file))
}

fn read_capped(file: File) -> Result<Option<Vec<u8>>, String> {
    let mut data = Vec::new();
    file.take(CONTROL_FILE_MAX + 1)
        .read_to_end(&mut data)
        .map_err(|e| format!("not read: {e}"))?;
    if data.len() as u64 > CONTROL_FILE_MAX {
        return Err(format!(
            "not read: larger than {} bytes (the limit for control files)",
            CONTROL_FILE_MAX
        ));
    }
    Ok(Some(data))
}

/// What a non-regular file is, for messages: `a symlink`, `a FIFO`, `a device`, ….
pub fn kind(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_symlink() {
        "a symlink"
    } else if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else {
        "not a regular file"
    }
}

/// The ignore files honoured in each directory, highest precedence first (as the `ignore` crate does:
/// `.ignore` beats `.gitignore`).
const IGNORE_FILES: [&str; 2] = [".ignore", ".gitignore"];

/// `.gitignore` and `.ignore` rules of a walk, read with [`read_control_file`] as each directory is
/// first needed and shared by the walker threads. Within the scanned root every directory's files
/// apply; above it, those of the directories up to the enclosing git repository's top (git's scope).
pub struct IgnoreRules {
    root: PathBuf,
    /// The directories above `root` whose ignore files apply, outermost first, absolute.
    parents: Vec<PathBuf>,
    /// `root` made absolute (to match entries against the parents' rules).
    abs_root: PathBuf,
    cache: Mutex<HashMap<PathBuf, Arc<Vec<Gitignore>>>>,
    /// Warnings about ignore files that were not read, taken by [`IgnoreRules::take_warnings`].
    warnings: Mutex<Vec<(String, String)>>,
}

impl IgnoreRules {
    pub fn new(root: &Path) -> IgnoreRules {
        let abs_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let mut parents = Vec::new();
        if !abs_root.join(".git").exists() {
            let mut found = false;
            for dir in abs_root.ancestors().skip(1) {
                parents.push(dir.to_path_buf());
                if dir.join(".git").exists() {
                    found = true;
                    break;
                }
            }
            if !found {
                parents.clear(); // not inside a repository: only the root's own files apply
            }
        }
        parents.reverse();
        IgnoreRules {
            root: root.to_path_buf(),
            parents,
            abs_root,
            cache: Mutex::new(HashMap::new()),
            warnings: Mutex::new(Vec::new()),
        }
    }

    /// Whether the walker should skip `path` (an entry under the root; `is_dir` for directories). The
    /// deepest directory whose rules match decides, as in git.
    pub fn is_ignored(&self, path: &Path, is_dir: bool) -> bool {
        let Ok(rel) = path.strip_prefix(&self.root) else {
            return false;
        };
        if rel.as_os_str().is_empty() {
            return false;
        }
        let mut dirs: Vec<PathBuf> = self.parents.clone();
        dirs.push(self.abs_root.clone());
        let mut sub = self.abs_root.clone();
        let comps: Vec<_> = rel.components().collect();
        for c in comps.iter().take(comps.len().saturating_sub(1)) {
            sub.push(c);
            dirs.push(sub.clone());
        }
        let abs = self.abs_root.join(rel);
        for dir in dirs.iter().rev() {
            for gi in self.rules_of(dir).iter() {
                match gi.matched(&abs, is_dir) {
                    Match::Ignore(_) => return true,
                    Match::Whitelist(_) => return false,
                    Match::None => {}
                }
            }
        }
        false
    }

    fn rules_of(&self, dir: &Path) -> Arc<Vec<Gitignore>> {
        if let Some(r) = self
            .cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(dir)
        {
            return r.clone();
        }
        let mut rules = Vec::new();
        for name in IGNORE_FILES {
            let file = dir.join(name);
            match read_control_file(&file) {
                Ok(Some(data)) => {
                    let mut b = GitignoreBuilder::new(dir);
                    for line in String::from_utf8_lossy(&data).lines() {
                        let _ = b.add_line(Some(file.clone()), line);
                    }
                    if let Ok(gi) = b.build() {
                        rules.push(gi);
                    }
                }
                Ok(None) => {}
                Err(message) => self.warn(&file, message),
            }
        }
        let rules = Arc::new(rules);
        self.cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(dir.to_path_buf(), rules.clone());
        rules
    }

    fn warn(&self, file: &Path, message: String) {
        let shown = file
            .strip_prefix(&self.abs_root)
            .map(|r| r.to_string_lossy().replace('\\', "/"))
            .unwrap_or_else(|_| file.to_string_lossy().into_owned());
        self.warnings
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((shown, message));
    }

    /// The warnings gathered so far (each unread ignore file once), sorted.
    pub fn take_warnings(&self) -> Vec<(String, String)> {
        let mut w = std::mem::take(&mut *self.warnings.lock().unwrap_or_else(|e| e.into_inner()));
        w.sort();
        w
    }
}
