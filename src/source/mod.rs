//! Sources produce blobs: bytes plus where they came from. They know nothing about rules or reports;
//! each blob is handed to a [`BlobSink`], one sink per worker thread, so the consumer can keep per-thread
//! scratch without locks.

pub mod archive;
pub mod control;
pub mod fs;
pub mod git;
pub mod loose;
pub mod paths;
pub mod strings;

/// Where a blob came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// Path relative to the scanned root, `/`-separated; `<stdin>` for standard input; empty for a git
    /// blob (its paths are found afterwards, see [`git::introductions`]).
    pub path: String,
    /// The git blob, for history scans.
    pub blob: Option<git::ObjectId>,
    /// The commit (or tag object) whose message this is.
    pub commit: Option<git::ObjectId>,
}

impl Origin {
    /// A file on disk (or standard input).
    pub fn file(path: impl Into<String>) -> Origin {
        Origin {
            path: path.into(),
            blob: None,
            commit: None,
        }
    }
}

/// Why a file was not scanned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Skip {
    /// A NUL byte in the first 8 KiB (and the sink does not want binary content, `--no-binary`).
    Binary,
    /// Larger than the size limit (its size in bytes).
    TooLarge(u64),
}

/// Consumer of blobs, one per worker thread.
pub trait BlobSink: Send {
    /// A blob to scan. `data` is only valid during the call.
    fn blob(&mut self, origin: &Origin, data: &[u8]);
    /// Whether binary content (neither text nor an archive) is wanted, through [`BlobSink::binary`].
    /// When it is not, sources skip it ([`Skip::Binary`]) and read no more of a file than its probe.
    fn wants_binary(&self) -> bool {
        false
    }
    /// Binary content, delivered only when [`BlobSink::wants_binary`]. `data` is only valid during the
    /// call.
    fn binary(&mut self, origin: &Origin, data: &[u8]) {
        let _ = (origin, data);
    }
    /// A file that was deliberately not scanned.
    fn skipped(&mut self, path: &str, why: Skip);
    /// Something that could not be read; the walk goes on. `message` never contains file content.
    fn warning(&mut self, path: &str, message: String);
}

/// Bytes examined for a NUL to call a file binary.
pub const BINARY_PROBE: usize = 8 * 1024;

/// True if the first [`BINARY_PROBE`] bytes contain a NUL.
pub fn looks_binary(data: &[u8]) -> bool {
    memchr::memchr(0, &data[..data.len().min(BINARY_PROBE)]).is_some()
}
