//! Files and directories on disk, and standard input.
//!
//! Directories are walked in parallel by the `ignore` crate: `.gitignore`/`.ignore` honoured unless
//! disabled, hidden files included, `.git` never entered, symlinks never followed (so symlink loops cannot
//! trap the walk). Each walker thread reads a file once into its own reusable buffer: first a probe for
//! binary content, then the rest. Archives and UTF-16 text are recognised from the probe and handed to
//! [`archive::deliver`].

use std::io::{self, Read};
use std::path::{Path, PathBuf};

use ignore::{WalkBuilder, WalkState};

use super::archive::{self, ArchiveLimits};
use super::control::{self, IgnoreRules};
use super::paths::PathPatterns;
use super::{BlobSink, Skip, BINARY_PROBE};

/// How to walk.
#[derive(Clone, Debug)]
pub struct FsOptions {
    /// Honour `.gitignore`, `.ignore` and git's exclude files.
    pub respect_ignore: bool,
    /// Files larger than this are skipped.
    pub max_file_size: u64,
    pub threads: usize,
    /// Relative paths matching these (`[allowlist] paths`) are not scanned.
    pub exclude: PathPatterns,
    /// Bounds on opening archives.
    pub archives: ArchiveLimits,
}

/// What a path argument is.
#[derive(Debug, thiserror::Error)]
pub enum RootError {
    #[error("{0}: no such file or directory")]
    Missing(PathBuf),
    /// A FIFO, socket or device named on the command line: opening it could block forever.
    #[error("{0}: not scanned: {1} (only regular files and directories are; use `-` to read a stream from standard input)")]
    NotRegular(PathBuf, &'static str),
}

/// Walks `roots` (files, directories, or `-` for stdin), feeding one sink per worker thread.
/// A root that does not exist, or that is neither a directory nor a regular file (after following a
/// symlink the user named), is an error before anything is scanned.
pub fn walk<S, F>(roots: &[PathBuf], opts: &FsOptions, make_sink: F) -> Result<(), RootError>
where
    S: BlobSink,
    F: Fn() -> S + Sync,
{
    for root in roots.iter().filter(|r| r.as_os_str() != "-") {
        if std::fs::symlink_metadata(root).is_err() {
            return Err(RootError::Missing(root.clone()));
        }
        if let Ok(meta) = std::fs::metadata(root) {
            if !meta.is_dir() && !meta.is_file() {
                return Err(RootError::NotRegular(root.clone(), control::kind(&meta)));
            }
        }
    }
    for root in roots {
        if root.as_os_str() == "-" {
            let mut sink = make_sink();
            read_stdin(opts, &mut sink);
        } else if root.is_dir() {
            walk_dir(root, opts, &make_sink);
        } else {
            let mut sink = make_sink();
            let mut buf = Vec::new();
            let display = root.to_string_lossy().replace('\\', "/");
            if !opts.exclude.is_match(root, false) {
                read_and_scan(root, true, &display, opts, &mut buf, &mut sink);
            }
        }
    }
    Ok(())
}

/// The label of standard input in reports and warnings.
const STDIN: &str = "<stdin>";

/// `-`: at most `--max-file-size` bytes of standard input are read and scanned (the memory it can
/// take); a longer stream is cut there, with a warning, and the rest is not read.
fn read_stdin<S: BlobSink>(opts: &FsOptions, sink: &mut S) {
    let mut buf = Vec::new();
    let read = io::stdin()
        .lock()
        .take(opts.max_file_size.saturating_add(1))
        .read_to_end(&mut buf);
    if let Err(e) = read {
        sink.warning(STDIN, e.to_string());
        return;
    }
    let cut = buf.len() as u64 > opts.max_file_size;
    buf.truncate(opts.max_file_size as usize);
    archive::deliver(&archive::Place::file(STDIN), &buf, &opts.archives, sink);
    if cut {
        sink.warning(
            STDIN,
            format!(
                "longer than the size limit (--max-file-size, {} bytes): only the first {} bytes were scanned",
                opts.max_file_size, opts.max_file_size
            ),
        );
    }
}

/// Work for the scanner threads.
enum Job {
    File { path: PathBuf, display: String },
    Warning { path: String, message: String },
}

/// Walker threads only list files; `opts.threads` scanner threads read and scan them. (The `ignore`
/// walker hands all files of a directory to the thread that read it, so scanning inside the walker would
/// leave flat directories on one core.)
fn walk_dir<S, F>(root: &Path, opts: &FsOptions, make_sink: &F)
where
    S: BlobSink,
    F: Fn() -> S + Sync,
{
    let (tx, rx) = crossbeam_channel::bounded::<Job>(4096);
    std::thread::scope(|scope| {
        for _ in 0..opts.threads.max(1) {
            let rx = rx.clone();
            scope.spawn(move || {
                let mut sink = make_sink();
                let mut buf: Vec<u8> = Vec::new();
                for job in rx {
                    match job {
                        Job::File { path, display } => {
                            read_and_scan(&path, false, &display, opts, &mut buf, &mut sink)
                        }
                        Job::Warning { path, message } => sink.warning(&path, message),
                    }
                }
            });
        }
        drop(rx);
        // `.gitignore` / `.ignore` are read by `control::IgnoreRules` (regular files only, bounded), not
        // by the walker, which opens them by name without limit (a FIFO hangs it, /dev/zero exhausts
        // memory).
        let rules = opts
            .respect_ignore
            .then(|| std::sync::Arc::new(IgnoreRules::new(root)));
        let filter_rules = rules.clone();
        let walker = WalkBuilder::new(root)
            .hidden(false)
            .parents(false)
            .ignore(false)
            .git_ignore(false)
            .git_global(false) // the user's global excludes must not hide files from a security scan
            .git_exclude(opts.respect_ignore)
            .require_git(false)
            .follow_links(false)
            .threads(opts.threads.clamp(1, 4))
            .filter_entry(move |e| {
                e.file_name() != ".git"
                    && !filter_rules.as_ref().is_some_and(|r| {
                        r.is_ignored(e.path(), e.file_type().is_some_and(|t| t.is_dir()))
                    })
            })
            .build_parallel();
        walker.run(|| {
            let tx = tx.clone();
            Box::new(move |entry| {
                let job = match entry {
                    Err(err) => Job::Warning {
                        path: error_path(&err).unwrap_or_default(),
                        message: err.to_string(),
                    },
                    Ok(entry) => {
                        let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
                        if entry.file_type().is_some_and(|t| t.is_dir()) {
                            // An excluded directory is not entered.
                            return if entry.depth() > 0 && opts.exclude.is_match(rel, true) {
                                WalkState::Skip
                            } else {
                                WalkState::Continue
                            };
                        }
                        if !entry.file_type().is_some_and(|t| t.is_file())
                            || opts.exclude.is_match(rel, false)
                        {
                            return WalkState::Continue;
                        }
                        Job::File {
                            display: rel.to_string_lossy().replace('\\', "/"),
                            path: entry.into_path(),
                        }
                    }
                };
                if tx.send(job).is_err() {
                    return WalkState::Quit;
                }
                WalkState::Continue
            })
        });
        if let Some(rules) = &rules {
            for (path, message) in rules.take_warnings() {
                let _ = tx.send(Job::Warning { path, message });
            }
        }
        drop(tx);
    });
}

fn error_path(err: &ignore::Error) -> Option<String> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.to_string_lossy().into_owned()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child.to_string_lossy().into_owned()),
        _ => None,
    }
}

/// Reads `path` once into `buf` (probe first, so a binary file the sink does not want costs 8 KiB) and
/// hands it to the sink.
/// Only a regular file is read, opened without blocking and (unless `follow`: a path the user named)
/// never through a symlink; anything else is a warning.
fn read_and_scan<S: BlobSink>(
    path: &Path,
    follow: bool,
    display: &str,
    opts: &FsOptions,
    buf: &mut Vec<u8>,
    sink: &mut S,
) {
    let result = (|| -> io::Result<Option<Skip>> {
        let mut file = match control::open_regular(path, follow)? {
            Ok(f) => f,
            Err(kind) => {
                return Err(io::Error::other(format!(
                    "not read: {kind} (only regular files are read)"
                )))
            }
        };
        buf.clear();
        (&mut file).take(BINARY_PROBE as u64).read_to_end(buf)?;
        // Archives and UTF-16 text have NUL bytes but are read whole, and other binaries when wanted.
        if !sink.wants_binary() && !archive::worth_reading(buf) {
            return Ok(Some(Skip::Binary));
        }
        if buf.len() < BINARY_PROBE {
            // The whole file fits in the probe: no stat needed.
            return Ok(
                (buf.len() as u64 > opts.max_file_size).then_some(Skip::TooLarge(buf.len() as u64))
            );
        }
        let size = file.metadata()?.len();
        if size > opts.max_file_size {
            return Ok(Some(Skip::TooLarge(size)));
        }
        buf.reserve(size as usize + 1 - buf.len().min(size as usize));
        // Bounded read: a file that grows while being read stops at the limit.
        file.take(opts.max_file_size + 1 - buf.len() as u64)
            .read_to_end(buf)?;
        if buf.len() as u64 > opts.max_file_size {
            return Ok(Some(Skip::TooLarge(buf.len() as u64)));
        }
        Ok(None)
    })();
    match result {
        Ok(None) => archive::deliver(&archive::Place::file(display), buf, &opts.archives, sink),
        Ok(Some(skip)) => sink.skipped(display, skip),
        Err(e) => sink.warning(display, e.to_string()),
    }
    if buf.capacity() > 64 << 20 {
        *buf = Vec::new(); // do not keep a huge file's buffer alive for the rest of the walk
    }
}
