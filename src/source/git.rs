//! Git history, pull-request ranges and the staged index, read with libgit2 (git2).
//!
//! The scanned repository is untrusted: nothing in it is executed. libgit2 runs no hooks, reads no
//! `core.fsmonitor`, applies no filters when blobs are read from the object database, and we never shell
//! out to `git`. A missing or corrupt object is a warning naming it; the rest is still read.
//!
//! Full history is read in three passes, so that each unique blob is inflated and scanned once and memory
//! stays bounded: (1) [`enumerate`] walks every commit reachable from every ref, and each unique tree once,
//! collecting unique blob ids (compact: 20 bytes a blob) and scanning commit and tag messages; (2)
//! [`read_blobs`] inflates blobs in parallel, one `Repository` per worker thread, handing each to a
//! [`BlobSink`]; (3) [`introductions`] finds, only for the blobs that had matches, every (path, commit)
//! that introduced them, descending only into trees that contain one of those blobs.

use std::collections::{HashMap, HashSet};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use git2::{ObjectType, Oid, Repository, RepositoryOpenFlags, Sort};

use super::{looks_binary, BlobSink, Origin, Skip};

pub use git2::Oid as ObjectId;

/// Why a repository cannot be read at all.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("{path}: not a git repository ({message})")]
    NotARepository { path: PathBuf, message: String },
    #[error("cannot resolve `{rev}` in {path}: {message}. In CI, fetch enough history (actions/checkout with `fetch-depth: 0`)")]
    BadRevision {
        rev: String,
        path: PathBuf,
        message: String,
    },
    #[error("{path}: {message}")]
    Other { path: PathBuf, message: String },
}

/// Opens the repository at `path` (exactly there, or searching parent directories when `search`).
pub fn open(path: &Path, search: bool) -> Result<Repository, GitError> {
    // We execute nothing from the repository, so the ownership check (which protects `git` from running
    // a hostile repo's configured commands) only stops legitimate scans of checkouts owned by others.
    // SAFETY: called before any repository is opened by this process's threads.
    unsafe {
        let _ = git2::opts::set_verify_owner_validation(false);
    }
    let flags = if search {
        RepositoryOpenFlags::empty()
    } else {
        RepositoryOpenFlags::NO_SEARCH
    };
    Repository::open_ext(path, flags, std::iter::empty::<&OsStr>()).map_err(|e| {
        GitError::NotARepository {
            path: path.to_path_buf(),
            message: e.message().to_string(),
        }
    })
}

/// Which commits to read.
#[derive(Clone, Debug)]
pub enum Selection {
    /// Everything reachable from every ref (branches, tags, remotes, stash, notes).
    AllRefs,
    /// Commits reachable from `to` and not from `from` (`from..to`).
    Range { from: String, to: String },
}

/// What the first pass found.
#[derive(Debug, Default)]
pub struct Enumeration {
    /// Commits in topological order, parents first.
    pub commits: Vec<Oid>,
    /// Unique blob ids, in discovery order (close to pack order, good for locality).
    pub blobs: Vec<Oid>,
}

/// The first commit that made a blob appear at a path (absent from every parent).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Introduction {
    pub blob: Oid,
    pub path: String,
    pub commit: Oid,
}

fn warn_obj(sink: &mut impl BlobSink, what: &str, id: impl std::fmt::Display, e: &git2::Error) {
    sink.warning(&format!("{what} {id}"), e.message().to_string());
}

/// Resolves the commits of `selection`, in topological order (parents first). Annotated tag messages met on
/// the way are handed to `sink` (path `<tag-message:NAME>`), as are refs that cannot be resolved (warnings).
pub fn select_commits(
    repo: &Repository,
    selection: &Selection,
    sink: &mut impl BlobSink,
) -> Result<Vec<Oid>, GitError> {
    let other = |e: git2::Error| GitError::Other {
        path: repo.path().to_path_buf(),
        message: e.message().to_string(),
    };
    let mut walk = repo.revwalk().map_err(other)?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME | Sort::REVERSE)
        .map_err(other)?;
    let mut pushed = 0usize;
    match selection {
        Selection::AllRefs => {
            let refs = repo.references().map_err(other)?;
            for r in refs {
                let r = match r {
                    Ok(r) => r,
                    Err(e) => {
                        warn_obj(sink, "reference", "", &e);
                        continue;
                    }
                };
                let name = r.name().unwrap_or("<non-UTF-8 ref>").to_string();
                let Some(mut id) = r.resolve().ok().and_then(|r| r.target()) else {
                    sink.warning(&name, "reference cannot be resolved".into());
                    continue;
                };
                // Peel annotated tags (scanning their messages) down to a commit.
                loop {
                    match repo.find_object(id, None) {
                        Ok(obj) => match obj.kind() {
                            Some(ObjectType::Tag) => {
                                let tag = obj.into_tag().expect("kind is tag");
                                let origin = Origin {
                                    path: format!("<tag-message:{}>", tag.name().unwrap_or(&name)),
                                    blob: None,
                                    commit: Some(tag.id()),
                                };
                                sink.blob(&origin, tag.message_bytes().unwrap_or_default());
                                id = tag.target_id();
                            }
                            Some(ObjectType::Commit) => {
                                if walk.push(id).is_ok() {
                                    pushed += 1;
                                }
                                break;
                            }
                            _ => break, // a ref to a tree or blob: rare, not part of any commit's history
                        },
                        Err(e) => {
                            warn_obj(sink, &format!("{name}: object"), id, &e);
                            break;
                        }
                    }
                }
            }
        }
        Selection::Range { from, to } => {
            let resolve = |rev: &str| -> Result<Oid, GitError> {
                repo.revparse_single(rev)
                    .and_then(|o| o.peel_to_commit())
                    .map(|c| c.id())
                    .map_err(|e| GitError::BadRevision {
                        rev: rev.to_string(),
                        path: repo.path().to_path_buf(),
                        message: e.message().to_string(),
                    })
            };
            let (from, to) = (resolve(from)?, resolve(to)?);
            walk.push(to).map_err(other)?;
            walk.hide(from).map_err(other)?;
            pushed = 1;
        }
    }
    if pushed == 0 {
        return Ok(Vec::new());
    }
    let mut commits = Vec::new();
    for id in walk {
        match id {
            Ok(id) => commits.push(id),
            Err(e) => warn_obj(sink, "commit walk:", "", &e),
        }
    }
    Ok(commits)
}

/// Pass 1 (full history): every unique blob reachable from `commits`, reading each unique tree once.
/// Commit messages are handed to `sink` (path `<commit-message>`).
pub fn enumerate(repo: &Repository, commits: Vec<Oid>, sink: &mut impl BlobSink) -> Enumeration {
    let mut seen_trees: HashSet<Oid> = HashSet::new();
    let mut seen_blobs: HashSet<Oid> = HashSet::new();
    let mut blobs = Vec::new();
    let mut stack: Vec<Oid> = Vec::new();
    for &id in &commits {
        let commit = match repo.find_commit(id) {
            Ok(c) => c,
            Err(e) => {
                warn_obj(sink, "commit", id, &e);
                continue;
            }
        };
        scan_message(&commit, sink);
        stack.push(commit.tree_id());
        while let Some(tree_id) = stack.pop() {
            if !seen_trees.insert(tree_id) {
                continue;
            }
            let tree = match repo.find_tree(tree_id) {
                Ok(t) => t,
                Err(e) => {
                    warn_obj(sink, "tree", tree_id, &e);
                    continue;
                }
            };
            for entry in tree.iter() {
                match entry_kind(entry.filemode()) {
                    Kind::Tree => stack.push(entry.id()),
                    Kind::Blob => {
                        if seen_blobs.insert(entry.id()) {
                            blobs.push(entry.id());
                        }
                    }
                    Kind::Other => {}
                }
            }
        }
    }
    Enumeration { commits, blobs }
}

/// Hands the messages of `commits` to `sink` (for ranges, where [`enumerate`] is not run).
pub fn scan_messages(repo: &Repository, commits: &[Oid], sink: &mut impl BlobSink) {
    for &id in commits {
        match repo.find_commit(id) {
            Ok(c) => scan_message(&c, sink),
            Err(e) => warn_obj(sink, "commit", id, &e),
        }
    }
}

fn scan_message(commit: &git2::Commit<'_>, sink: &mut impl BlobSink) {
    let origin = Origin {
        path: "<commit-message>".into(),
        blob: None,
        commit: Some(commit.id()),
    };
    sink.blob(&origin, commit.message_raw_bytes());
}

enum Kind {
    Tree,
    Blob,
    Other,
}

fn entry_kind(mode: i32) -> Kind {
    match mode & 0o170000 {
        0o040000 => Kind::Tree,
        0o100000 | 0o120000 => Kind::Blob,
        _ => Kind::Other, // submodule commits
    }
}

/// Pass 2: inflates `blobs` on `threads` rayon workers, one `Repository` and one sink per worker.
pub fn read_blobs<S, F>(
    repo_path: &Path,
    blobs: &[Oid],
    threads: usize,
    max_size: u64,
    make_sink: F,
) -> Result<(), GitError>
where
    S: BlobSink,
    F: Fn() -> S + Sync,
{
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .map_err(|e| GitError::Other {
            path: repo_path.to_path_buf(),
            message: e.to_string(),
        })?;
    let next = AtomicUsize::new(0);
    pool.broadcast(|_| {
        let mut sink = make_sink();
        let repo = match Repository::open_ext(
            repo_path,
            RepositoryOpenFlags::NO_SEARCH,
            std::iter::empty::<&OsStr>(),
        ) {
            Ok(r) => r,
            Err(e) => {
                sink.warning(&repo_path.display().to_string(), e.message().to_string());
                return;
            }
        };
        let odb = match repo.odb() {
            Ok(o) => o,
            Err(e) => {
                sink.warning(&repo_path.display().to_string(), e.message().to_string());
                return;
            }
        };
        const BATCH: usize = 16;
        loop {
            let start = next.fetch_add(BATCH, Ordering::Relaxed);
            if start >= blobs.len() {
                break;
            }
            for &id in &blobs[start..(start + BATCH).min(blobs.len())] {
                let label = format!("blob {id}");
                match odb.read_header(id) {
                    Ok((size, _)) if size as u64 > max_size => {
                        sink.skipped(&label, Skip::TooLarge(size as u64));
                        continue;
                    }
                    Ok(_) => {}
                    Err(e) => {
                        sink.warning(&label, e.message().to_string());
                        continue;
                    }
                }
                match odb.read(id) {
                    Ok(obj) => {
                        let data = obj.data();
                        if looks_binary(data) {
                            sink.skipped(&label, Skip::Binary);
                        } else {
                            let origin = Origin {
                                path: String::new(),
                                blob: Some(id),
                                commit: None,
                            };
                            sink.blob(&origin, data);
                        }
                    }
                    Err(e) => sink.warning(&label, e.message().to_string()),
                }
            }
        }
    });
    Ok(())
}

/// Pass 3: every (blob, path, commit) where a blob of `wanted` appears at a path in a commit and at that
/// path in none of the commit's parents. With `wanted = None`, every blob (used for short ranges).
/// Descends only into trees that differ from the parents' and contain a wanted blob.
pub fn introductions(
    repo: &Repository,
    commits: &[Oid],
    wanted: Option<&HashSet<Oid>>,
    sink: &mut impl BlobSink,
) -> Vec<Introduction> {
    let mut walker = Introducer {
        repo,
        wanted,
        contains: HashMap::new(),
        out: Vec::new(),
        warnings: Vec::new(),
    };
    for &id in commits {
        let commit = match repo.find_commit(id) {
            Ok(c) => c,
            Err(_) => continue, // already warned in pass 1
        };
        let Ok(tree) = commit.tree() else { continue };
        let parents: Vec<Option<git2::Tree<'_>>> = commit
            .parent_ids()
            .map(|p| repo.find_commit(p).ok().and_then(|c| c.tree().ok()))
            .collect();
        let mut path = Vec::new();
        walker.diff(id, &tree, &parents, &mut path);
    }
    for (what, message) in walker.warnings {
        sink.warning(&what, message);
    }
    walker.out
}

struct Introducer<'r> {
    repo: &'r Repository,
    wanted: Option<&'r HashSet<Oid>>,
    /// Tree id -> whether it (transitively) contains a wanted blob.
    contains: HashMap<Oid, bool>,
    out: Vec<Introduction>,
    warnings: Vec<(String, String)>,
}

impl<'r> Introducer<'r> {
    fn wanted_blob(&self, id: Oid) -> bool {
        self.wanted.is_none_or(|w| w.contains(&id))
    }

    fn tree_contains_wanted(&mut self, id: Oid) -> bool {
        if self.wanted.is_none() {
            return true;
        }
        if let Some(&known) = self.contains.get(&id) {
            return known;
        }
        let found = match self.repo.find_tree(id) {
            Ok(tree) => tree.iter().any(|e| match entry_kind(e.filemode()) {
                Kind::Blob => self.wanted_blob(e.id()),
                Kind::Tree => self.tree_contains_wanted(e.id()),
                Kind::Other => false,
            }),
            Err(e) => {
                self.warnings
                    .push((format!("tree {id}"), e.message().to_string()));
                false
            }
        };
        self.contains.insert(id, found);
        found
    }

    fn diff(
        &mut self,
        commit: Oid,
        tree: &git2::Tree<'r>,
        parents: &[Option<git2::Tree<'r>>],
        path: &mut Vec<u8>,
    ) {
        if parents.iter().flatten().any(|p| p.id() == tree.id()) {
            return;
        }
        if !self.tree_contains_wanted(tree.id()) {
            return;
        }
        for entry in tree.iter() {
            let name = entry.name_bytes();
            let in_parent = |p: &Option<git2::Tree<'r>>| {
                p.as_ref()
                    .and_then(|t| t.get_name_bytes(name).map(|e| e.id()))
            };
            match entry_kind(entry.filemode()) {
                Kind::Blob => {
                    if self.wanted_blob(entry.id())
                        && !parents.iter().any(|p| in_parent(p) == Some(entry.id()))
                    {
                        let mut full = path.clone();
                        full.extend_from_slice(name);
                        self.out.push(Introduction {
                            blob: entry.id(),
                            path: String::from_utf8_lossy(&full).into_owned(),
                            commit,
                        });
                    }
                }
                Kind::Tree => {
                    if parents.iter().any(|p| in_parent(p) == Some(entry.id())) {
                        continue;
                    }
                    let Ok(sub) = self.repo.find_tree(entry.id()) else {
                        continue;
                    };
                    let sub_parents: Vec<Option<git2::Tree<'r>>> = parents
                        .iter()
                        .map(|p| {
                            p.as_ref()
                                .and_then(|t| t.get_name_bytes(name))
                                .filter(|e| matches!(entry_kind(e.filemode()), Kind::Tree))
                                .and_then(|e| self.repo.find_tree(e.id()).ok())
                        })
                        .collect();
                    let len = path.len();
                    path.extend_from_slice(name);
                    path.push(b'/');
                    self.diff(commit, &sub, &sub_parents, path);
                    path.truncate(len);
                }
                Kind::Other => {}
            }
        }
    }
}

/// Author, date and summary of a commit (or tagger, date and name of a tag object).
#[derive(Clone, Debug)]
pub struct CommitMeta {
    pub id: Oid,
    pub author_name: String,
    pub author_email: String,
    /// Seconds since the epoch, and the author's UTC offset in minutes.
    pub time: i64,
    pub offset_minutes: i32,
    pub summary: String,
}

/// Reads the metadata of a commit or tag object.
pub fn commit_meta(repo: &Repository, id: Oid) -> Option<CommitMeta> {
    if let Ok(c) = repo.find_commit(id) {
        let a = c.author();
        return Some(CommitMeta {
            id,
            author_name: String::from_utf8_lossy(a.name_bytes()).into_owned(),
            author_email: String::from_utf8_lossy(a.email_bytes()).into_owned(),
            time: a.when().seconds(),
            offset_minutes: a.when().offset_minutes(),
            summary: String::from_utf8_lossy(c.summary_bytes().unwrap_or_default()).into_owned(),
        });
    }
    let tag = repo.find_tag(id).ok()?;
    let tagger = tag.tagger();
    Some(CommitMeta {
        id,
        author_name: tagger
            .as_ref()
            .map(|t| String::from_utf8_lossy(t.name_bytes()).into_owned())
            .unwrap_or_default(),
        author_email: tagger
            .as_ref()
            .map(|t| String::from_utf8_lossy(t.email_bytes()).into_owned())
            .unwrap_or_default(),
        time: tagger.as_ref().map_or(0, |t| t.when().seconds()),
        offset_minutes: tagger.as_ref().map_or(0, |t| t.when().offset_minutes()),
        summary: tag.name().unwrap_or_default().to_string(),
    })
}

/// True if HEAD's tree has `blob` at `path`. False for an unborn HEAD.
pub struct HeadTree<'r> {
    tree: Option<git2::Tree<'r>>,
}

impl<'r> HeadTree<'r> {
    pub fn new(repo: &'r Repository) -> HeadTree<'r> {
        HeadTree {
            tree: repo.head().ok().and_then(|h| h.peel_to_tree().ok()),
        }
    }

    pub fn blob_at(&self, path: &str) -> Option<Oid> {
        let entry = self.tree.as_ref()?.get_path(Path::new(path)).ok()?;
        matches!(entry_kind(entry.filemode()), Kind::Blob).then(|| entry.id())
    }
}

/// A staged file that differs from HEAD.
#[derive(Clone, Debug)]
pub struct StagedFile {
    pub path: String,
    pub blob: Oid,
    /// The blob at the same path in HEAD, if any (to report only what the commit adds).
    pub head_blob: Option<Oid>,
}

/// Files staged in the index that differ from HEAD (all of them in a repository with no commits yet).
pub fn staged_files(repo: &Repository) -> Result<Vec<StagedFile>, GitError> {
    let index = repo.index().map_err(|e| GitError::Other {
        path: repo.path().to_path_buf(),
        message: e.message().to_string(),
    })?;
    let head = HeadTree::new(repo);
    let mut out = Vec::new();
    for entry in index.iter() {
        let stage = (entry.flags >> 12) & 0x3;
        if stage != 0 || !matches!(entry_kind(entry.mode as i32), Kind::Blob) {
            continue;
        }
        let path = String::from_utf8_lossy(&entry.path).into_owned();
        let head_blob = head.blob_at(&path);
        if head_blob == Some(entry.id) {
            continue;
        }
        out.push(StagedFile {
            path,
            blob: entry.id,
            head_blob,
        });
    }
    Ok(out)
}

/// Reads one blob's content (for staged files and their HEAD versions).
pub fn read_blob(repo: &Repository, id: Oid) -> Result<Vec<u8>, git2::Error> {
    Ok(repo.odb()?.read(id)?.data().to_vec())
}
