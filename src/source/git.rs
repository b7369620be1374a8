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

use super::archive::{self, ArchiveLimits, Place};
use super::{BlobSink, Origin, Skip};

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
    configure_libgit2();
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

/// Sets libgit2's process-wide options, once. [`open`] calls it; a caller that opens repositories from
/// several threads at once (bulk scans) calls it first, on one thread, so the options are never written
/// while another thread uses libgit2.
pub fn configure_libgit2() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(set_libgit2_options);
}

fn set_libgit2_options() {
    // We execute nothing from the repository, so the ownership check (which protects `git` from running
    // a hostile repo's configured commands) only stops legitimate scans of checkouts owned by others.
    // SAFETY: called before any repository is opened by this process's threads.
    unsafe {
        let _ = git2::opts::set_verify_owner_validation(false);
    }
    // libgit2 re-hashes every object it reads (SHA-1 with collision detection), which was 40% of a history
    // scan. `git` does not verify on read either; a corrupt object still fails to inflate or parse, and is
    // reported as a warning.
    git2::opts::strict_hash_verification(false);
    // libgit2's object cache (256 MiB per repository by default, and each worker opens one) is no use
    // here: every unique tree and blob is read about once, and pass 3 keeps its own parsed-tree cache.
    // Off, a 30k-commit history scan used 12% less CPU and 29% less memory (380 -> 270 MB).
    git2::opts::enable_caching(false);
}

/// A name for the repository in reports: its `origin` remote URL with any user name and password removed,
/// else its directory (the working tree, or the git directory of a bare repository), made absolute.
pub fn repository_label(repo: &Repository) -> String {
    if let Some(url) = repo
        .find_remote("origin")
        .ok()
        .and_then(|r| r.url().ok().map(str::to_string))
    {
        return strip_userinfo(&url);
    }
    let dir = repo.workdir().unwrap_or_else(|| repo.path());
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let text = dir.display().to_string();
    text.strip_suffix('/').map(str::to_string).unwrap_or(text)
}

/// `scheme://user:pass@host/…` -> `scheme://host/…` (a clone URL may carry a token).
pub fn strip_userinfo(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        if let Some((_, host)) = authority.rsplit_once('@') {
            return format!("{scheme}://{host}{path}");
        }
    }
    url.to_string()
}

/// Which commits to read.
#[derive(Clone, Debug)]
pub enum Selection {
    /// Everything reachable from every ref (branches, tags, remotes, stash, notes).
    AllRefs,
    /// Commits reachable from `to` and not from `from` (`from..to`).
    Range { from: String, to: String },
}

/// The commits to read, and refs that point straight at a tree or blob (outside any commit).
#[derive(Debug, Default)]
pub struct Selected {
    /// Topological order, parents first.
    pub commits: Vec<Oid>,
    /// (ref name, tree or blob id).
    pub ref_objects: Vec<(String, Oid)>,
    /// The commits refs point at (after peeling tags), sorted; empty for ranges.
    pub tips: Vec<Oid>,
}

/// Deepest tree nesting followed; deeper (or cyclic, in a corrupt repository) trees are a warning.
const MAX_TREE_DEPTH: usize = 512;

/// What the first pass found.
#[derive(Debug, Default)]
pub struct Enumeration {
    /// Commits in topological order, parents first.
    pub commits: Vec<Oid>,
    /// Unique blob ids, in discovery order (close to pack order, good for locality).
    pub blobs: Vec<Oid>,
    /// Refs that point straight at a tree or blob.
    pub ref_objects: Vec<(String, Oid)>,
    /// The commits refs point at.
    pub tips: Vec<Oid>,
}

/// The first commit that made a blob appear at a path (absent from every parent).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Introduction {
    pub blob: Oid,
    pub path: String,
    /// `None` for a blob reached from a ref that points at a tree or blob, outside any commit.
    pub commit: Option<Oid>,
    /// Set when the commit's parents (or their trees) are not in the repository: the blob may have been
    /// there long before, so `commit` is where history stops, not an introduction.
    pub gap: Option<HistoryGap>,
}

/// Why the history before a commit cannot be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HistoryGap {
    /// The commit is a shallow clone's boundary (listed in the git directory's `shallow` file).
    Shallow,
    /// A parent commit or one of its trees is missing (a partial clone, or a damaged repository).
    Missing,
}

impl HistoryGap {
    /// The provenance reported for what `commit` holds: `unknown (shallow history before <commit>)`.
    pub fn provenance(self, commit: Oid) -> String {
        match self {
            HistoryGap::Shallow => format!("unknown (shallow history before {commit})"),
            HistoryGap::Missing => format!("unknown (objects missing before {commit})"),
        }
    }
}

/// The boundary commits of a shallow clone (the `shallow` file of its git directory); empty when the
/// repository is complete. libgit2 grafts these commits to have no parents, so without this list they
/// would look like root commits that introduced everything they hold.
pub fn shallow_boundary(repo: &Repository) -> HashSet<Oid> {
    if !repo.is_shallow() {
        return HashSet::new();
    }
    std::fs::read_to_string(repo.commondir().join("shallow"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| Oid::from_str(l.trim()).ok())
        .collect()
}

/// When a wanted blob was last in the repository (full-history provenance only).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LastSeen {
    /// Still in the tree of a ref tip (the commit a branch, tag, stash… points at):
    /// the newest such tip. `None` when only a ref to a tree or blob holds it.
    Present(Option<(Oid, i64)>),
    /// In no tip any more: the newest commit that removed it from a path (blob absent or changed there).
    Removed(Oid, i64),
}

/// Where wanted blobs entered and left the history.
#[derive(Debug, Default)]
pub struct Provenance {
    pub introductions: Vec<Introduction>,
    /// Blob -> when it was last seen. Filled only when `wanted` is given (full-history scans).
    pub last_seen: HashMap<Oid, LastSeen>,
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
) -> Result<Selected, GitError> {
    let other = |e: git2::Error| GitError::Other {
        path: repo.path().to_path_buf(),
        message: e.message().to_string(),
    };
    let mut tips: Vec<Oid> = Vec::new();
    let mut ref_objects: Vec<(String, Oid)> = Vec::new();
    match selection {
        Selection::AllRefs => {
            let refs = repo.references().map_err(other)?;
            // Many refs point at the same object (a million tags on one commit cost a million
            // reads of it, with libgit2's object cache off): each target is peeled once.
            let mut peeled: HashMap<Oid, Option<Peeled>> = HashMap::new();
            for r in refs {
                let r = match r {
                    Ok(r) => r,
                    Err(e) => {
                        warn_obj(sink, "reference", "", &e);
                        continue;
                    }
                };
                let name = r.name().unwrap_or("<non-UTF-8 ref>").to_string();
                // A direct ref is its own resolution (resolving looks it up again by name).
                let target = match r.target() {
                    Some(id) => Some(id),
                    None => r.resolve().ok().and_then(|r| r.target()),
                };
                let Some(id) = target else {
                    sink.warning(&name, "reference cannot be resolved".into());
                    continue;
                };
                let outcome = *peeled
                    .entry(id)
                    .or_insert_with(|| peel(repo, id, &name, sink));
                match outcome {
                    Some(Peeled::Commit(c)) => tips.push(c),
                    Some(Peeled::Object(o)) => ref_objects.push((name, o)),
                    None => {}
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
            let mut walk = repo.revwalk().map_err(other)?;
            walk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME | Sort::REVERSE)
                .map_err(other)?;
            walk.push(to).map_err(other)?;
            walk.hide(from).map_err(other)?;
            let commits = walk
                .collect::<Result<Vec<Oid>, _>>()
                .map_err(|e| GitError::Other {
                    path: repo.path().to_path_buf(),
                    message: format!("walking {from}..{to}: {}", e.message()),
                })?;
            return Ok(Selected {
                commits,
                ref_objects,
                tips: Vec::new(),
            });
        }
    }
    tips.sort();
    tips.dedup();
    ref_objects.sort();
    Ok(Selected {
        commits: topological(repo, &tips, sink),
        ref_objects,
        tips,
    })
}

/// What a ref's target peels to.
#[derive(Clone, Copy)]
enum Peeled {
    Commit(Oid),
    /// A tree or blob, outside any commit.
    Object(Oid),
}

/// Peels `id` (the target of ref `name`) through annotated tags, handing each tag's message to `sink`
/// (path `<tag-message:NAME>`); `None`, after a warning, when an object cannot be read.
fn peel(repo: &Repository, mut id: Oid, name: &str, sink: &mut impl BlobSink) -> Option<Peeled> {
    loop {
        match repo.find_object(id, None) {
            Ok(obj) => match obj.kind() {
                Some(ObjectType::Tag) => {
                    let tag = obj.into_tag().expect("kind is tag");
                    let origin = Origin {
                        path: format!("<tag-message:{}>", tag.name().unwrap_or(name)),
                        blob: None,
                        commit: Some(tag.id()),
                    };
                    sink.blob(&origin, tag.message_bytes().unwrap_or_default());
                    id = tag.target_id();
                }
                Some(ObjectType::Commit) => return Some(Peeled::Commit(id)),
                Some(ObjectType::Tree | ObjectType::Blob) => return Some(Peeled::Object(id)),
                _ => return None,
            },
            Err(e) => {
                warn_obj(sink, &format!("{name}: object"), id, &e);
                return None;
            }
        }
    }
}

/// Every commit reachable from `tips`, parents before children (post-order depth-first walk). A commit
/// that cannot be read (missing, corrupt, or cut off by a shallow clone's edge without a graft) is a
/// warning; its children are still read, as if it were not there.
fn topological(repo: &Repository, tips: &[Oid], sink: &mut impl BlobSink) -> Vec<Oid> {
    let mut order = Vec::new();
    let mut seen: HashSet<Oid> = HashSet::new();
    let mut stack: Vec<(Oid, bool)> = Vec::new();
    for &tip in tips {
        stack.push((tip, false));
        while let Some((id, expanded)) = stack.pop() {
            if expanded {
                order.push(id);
                continue;
            }
            if !seen.insert(id) {
                continue;
            }
            match repo.find_commit(id) {
                Ok(commit) => {
                    stack.push((id, true));
                    for p in commit.parent_ids() {
                        if !seen.contains(&p) {
                            stack.push((p, false));
                        }
                    }
                }
                Err(e) => warn_obj(sink, "commit", id, &e),
            }
        }
    }
    order
}

/// Pass 1 (full history): every unique blob reachable from `commits`, reading each unique tree once.
/// Commit messages are handed to `sink` (path `<commit-message>`).
pub fn enumerate(repo: &Repository, selected: Selected, sink: &mut impl BlobSink) -> Enumeration {
    let Selected {
        commits,
        ref_objects,
        tips,
    } = selected;
    let mut seen_trees: HashSet<Oid> = HashSet::new();
    let mut seen_blobs: HashSet<Oid> = HashSet::new();
    let mut blobs = Vec::new();
    let mut stack: Vec<Oid> = Vec::new();
    for (_, id) in &ref_objects {
        match repo.find_object(*id, None).ok().and_then(|o| o.kind()) {
            Some(ObjectType::Tree) => stack.push(*id),
            _ => {
                if seen_blobs.insert(*id) {
                    blobs.push(*id);
                }
            }
        }
    }
    let ref_roots = std::mem::take(&mut stack);
    let roots = ref_roots.into_iter().map(|t| (None, t));
    let commit_roots = commits.iter().map(|&c| (Some(c), c));
    for (commit_id, id) in roots.chain(commit_roots) {
        let tree_id = match commit_id {
            None => id,
            Some(_) => {
                let commit = match repo.find_commit(id) {
                    Ok(c) => c,
                    Err(e) => {
                        warn_obj(sink, "commit", id, &e);
                        continue;
                    }
                };
                scan_message(&commit, sink);
                commit.tree_id()
            }
        };
        stack.push(tree_id);
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
    Enumeration {
        commits,
        blobs,
        ref_objects,
        tips,
    }
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

/// Pass 2: inflates `blobs` on `threads` rayon workers, one `Repository` and one sink per worker; with
/// `objects`, each reads from that object directory (a [`super::loose::Quarantine`]'s).
pub fn read_blobs<S, F>(
    repo_path: &Path,
    objects: Option<&Path>,
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
    // A partial clone lacks blobs by design: counted and summarised once, not one warning each.
    let partial = Repository::open_ext(
        repo_path,
        RepositoryOpenFlags::NO_SEARCH,
        std::iter::empty::<&OsStr>(),
    )
    .is_ok_and(|r| is_partial_clone(&r));
    let unavailable = AtomicUsize::new(0);
    pool.broadcast(|_| {
        let mut sink = make_sink();
        let Some(repo) = open_worker_repo(repo_path, objects, &mut sink) else {
            return;
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
                read_blob_into(&odb, id, max_size, partial, &unavailable, &mut sink);
            }
        }
    });
    let unavailable = unavailable.into_inner();
    if unavailable > 0 {
        make_sink().warning(
            &repo_path.display().to_string(),
            format!(
                "partial clone: {unavailable} blob{} not available (never fetched from the promisor remote; sprawl does not fetch): not scanned",
                if unavailable == 1 { "" } else { "s" }
            ),
        );
    }
    Ok(())
}

/// A worker's own `Repository` for [`read_blobs`], reading from the `objects` directory when given;
/// `None` after a warning to `sink` when it cannot be opened.
fn open_worker_repo(
    repo_path: &Path,
    objects: Option<&Path>,
    sink: &mut impl BlobSink,
) -> Option<Repository> {
    let repo = match Repository::open_ext(
        repo_path,
        RepositoryOpenFlags::NO_SEARCH,
        std::iter::empty::<&OsStr>(),
    ) {
        Ok(r) => r,
        Err(e) => {
            sink.warning(&repo_path.display().to_string(), e.message().to_string());
            return None;
        }
    };
    if let Some(dir) = objects {
        if let Err(e) = super::loose::apply(&repo, dir) {
            sink.warning(&repo_path.display().to_string(), e);
            return None;
        }
    }
    Some(repo)
}

/// Inflates blob `id` and hands it to `sink` (text as is, UTF-16 transcoded, archives opened). Larger
/// than `max_size` is a skip; absent from a `partial` clone is counted in `unavailable`, not warned
/// about; any other read error is a warning.
fn read_blob_into(
    odb: &git2::Odb<'_>,
    id: Oid,
    max_size: u64,
    partial: bool,
    unavailable: &AtomicUsize,
    sink: &mut impl BlobSink,
) {
    let label = format!("blob {id}");
    match odb.read_header(id) {
        Ok((size, _)) if size as u64 > max_size => {
            sink.skipped(&label, Skip::TooLarge(size as u64));
            return;
        }
        Ok(_) => {}
        Err(e) if partial && e.code() == git2::ErrorCode::NotFound => {
            unavailable.fetch_add(1, Ordering::Relaxed);
            return;
        }
        Err(e) => {
            sink.warning(&label, e.message().to_string());
            return;
        }
    }
    match odb.read(id) {
        Ok(obj) => {
            let origin = Origin {
                path: String::new(),
                blob: Some(id),
                commit: None,
            };
            // Text as is, UTF-16 transcoded, archives opened: a member's origin path is
            // `!member`, appended to the blob's paths once they are known.
            let place = Place { origin, label };
            archive::deliver(&place, obj.data(), &ArchiveLimits::default(), sink);
        }
        Err(e) => sink.warning(&label, e.message().to_string()),
    }
}

/// Whether `repo` is a partial clone (`git clone --filter`): a promisor remote, or
/// `extensions.partialClone`, is configured.
pub fn is_partial_clone(repo: &Repository) -> bool {
    let Ok(config) = repo.config() else {
        return false;
    };
    let Ok(mut entries) =
        config.entries(Some(r"^(remote\..*\.promisor|extensions\.partialclone)$"))
    else {
        return false;
    };
    let mut found = false;
    while let Some(Ok(e)) = entries.next() {
        let name = e.name().unwrap_or("");
        let value = e.value().unwrap_or("");
        found |= name.eq_ignore_ascii_case("extensions.partialclone") && !value.is_empty()
            || name.ends_with(".promisor") && value.eq_ignore_ascii_case("true");
    }
    found
}

/// Pass 3: every (blob, path, commit) where a blob of `wanted` appears at a path in a commit and at that
/// path in none of the commit's parents. With `wanted = None`, every blob (used for short ranges).
/// Descends only into trees that differ from the parents' and contain a wanted blob.
///
/// With `wanted`, also when each wanted blob was last seen: present in some tip's tree, or else the
/// newest commit that removed it from a path (a parent had it there, the commit does not).
pub fn introductions(
    repo: &Repository,
    commits: &[Oid],
    tips: &[Oid],
    ref_objects: &[(String, Oid)],
    wanted: Option<&HashSet<Oid>>,
    sink: &mut impl BlobSink,
) -> Provenance {
    let mut walker = Introducer {
        repo,
        wanted,
        contains: HashMap::new(),
        trees: TreeCache::default(),
        out: Vec::new(),
        removed: HashMap::new(),
        current: None,
        warnings: Vec::new(),
        broken: HashSet::new(),
    };
    let tips = walker.diff_commits(commits, tips);
    let last_seen = if wanted.is_some() {
        walker.last_seen(tips, ref_objects)
    } else {
        HashMap::new()
    };
    walker.diff_ref_objects(ref_objects);
    for (what, message) in walker.warnings {
        sink.warning(&what, message);
    }
    Provenance {
        introductions: walker.out,
        last_seen,
    }
}

/// A parsed tree: entries (name, mode, id) in git's order.
type Entries = std::rc::Rc<Vec<(Box<[u8]>, i32, Oid)>>;

/// Parsed trees, bounded: commits are visited parents first, so a parent's trees were usually parsed one
/// commit earlier. Cleared when it grows past its budget, which keeps memory flat on any history size.
#[derive(Default)]
struct TreeCache {
    map: HashMap<Oid, Entries>,
    bytes: usize,
}

const TREE_CACHE_BYTES: usize = 64 << 20;

impl TreeCache {
    fn get(&mut self, repo: &Repository, id: Oid) -> Result<Entries, git2::Error> {
        if let Some(t) = self.map.get(&id) {
            return Ok(t.clone());
        }
        let tree = repo.find_tree(id)?;
        let entries: Vec<(Box<[u8]>, i32, Oid)> = tree
            .iter()
            .map(|e| (e.name_bytes().into(), e.filemode(), e.id()))
            .collect();
        self.bytes += entries.iter().map(|e| e.0.len() + 48).sum::<usize>();
        if self.bytes > TREE_CACHE_BYTES {
            self.map.clear();
            self.bytes = 0;
        }
        let entries = std::rc::Rc::new(entries);
        self.map.insert(id, entries.clone());
        Ok(entries)
    }
}

/// Git's tree order: names compared bytewise, a tree's name as if followed by `/`.
fn git_order(a: &[u8], a_tree: bool, b: &[u8], b_tree: bool) -> std::cmp::Ordering {
    let n = a.len().min(b.len());
    match a[..n].cmp(&b[..n]) {
        std::cmp::Ordering::Equal => {
            let next = |name: &[u8], tree: bool| name.get(n).copied().or(tree.then_some(b'/'));
            next(a, a_tree).cmp(&next(b, b_tree))
        }
        other => other,
    }
}

struct Introducer<'r> {
    repo: &'r Repository,
    wanted: Option<&'r HashSet<Oid>>,
    /// Tree id -> whether it (transitively) contains a wanted blob.
    contains: HashMap<Oid, bool>,
    trees: TreeCache,
    out: Vec<Introduction>,
    /// Wanted blob -> the newest commit that removed it from a path, and that commit's time.
    removed: HashMap<Oid, (Oid, i64)>,
    /// The commit being diffed and its time.
    current: Option<(Oid, i64)>,
    warnings: Vec<(String, String)>,
    /// Trees already warned about.
    broken: HashSet<Oid>,
}

impl Introducer<'_> {
    fn wanted_blob(&self, id: Oid) -> bool {
        self.wanted.is_none_or(|w| w.contains(&id))
    }

    fn tree(&mut self, id: Oid) -> Option<Entries> {
        match self.trees.get(self.repo, id) {
            Ok(t) => Some(t),
            Err(e) => {
                // Each broken tree once, however many commits share it.
                if self.broken.insert(id) {
                    self.warnings
                        .push((format!("tree {id}"), e.message().to_string()));
                }
                None
            }
        }
    }

    fn tree_contains_wanted(&mut self, id: Oid) -> bool {
        self.contains_at_depth(id, 0)
    }

    fn contains_at_depth(&mut self, id: Oid, depth: usize) -> bool {
        if depth > MAX_TREE_DEPTH {
            return false;
        }
        if self.wanted.is_none() {
            return true;
        }
        if let Some(&known) = self.contains.get(&id) {
            return known;
        }
        // Provisionally "no": a tree that (in a corrupt repository) contains itself ends here.
        self.contains.insert(id, false);
        let found = match self.tree(id) {
            Some(entries) => entries
                .iter()
                .any(|(_, mode, eid)| match entry_kind(*mode) {
                    Kind::Blob => self.wanted_blob(*eid),
                    Kind::Tree => self.contains_at_depth(*eid, depth + 1),
                    Kind::Other => false,
                }),
            None => false,
        };
        self.contains.insert(id, found);
        found
    }

    /// Removals are tracked for full-history provenance (a wanted set), not for ranges.
    fn tracks_removals(&self) -> bool {
        self.wanted.is_some()
    }

    /// Records a removal of `blob` by the current commit (keeping the newest).
    fn record_removal(&mut self, blob: Oid) {
        let Some((commit, time)) = self.current else {
            return;
        };
        let slot = self.removed.entry(blob).or_insert((commit, time));
        if time > slot.1 {
            *slot = (commit, time);
        }
    }

    /// Records the wanted blobs of tree `id` (at `path`) that no parent tree has at the same path, and
    /// (when tracking removals) the wanted blobs of each parent tree that `id` no longer has there.
    /// With a `gap` (the parents, or a parent's tree here, are missing), what is recorded is where
    /// history stops, not an introduction.
    fn diff(
        &mut self,
        commit: Option<Oid>,
        id: Oid,
        parents: &[Option<Oid>],
        path: &mut Vec<u8>,
        depth: usize,
        gap: Option<HistoryGap>,
    ) {
        let introduces = !parents.contains(&Some(id)) && self.tree_contains_wanted(id);
        let mut losers: Vec<Oid> = Vec::new();
        if self.tracks_removals() {
            for p in parents.iter().flatten() {
                if *p != id && self.tree_contains_wanted(*p) {
                    losers.push(*p);
                }
            }
        }
        if !introduces && losers.is_empty() {
            return;
        }
        if depth > MAX_TREE_DEPTH {
            self.warnings.push((
                format!("tree {id}"),
                format!("nested deeper than {MAX_TREE_DEPTH} directories; not followed"),
            ));
            return;
        }
        let Some(entries) = self.tree(id) else { return };
        for p in losers {
            if let Some(parent) = self.tree(p) {
                self.removed_entries(&parent, &entries, depth);
            }
        }
        let parent_entries: Vec<Option<Entries>> = parents
            .iter()
            .map(|p| p.and_then(|p| self.tree(p)))
            .collect();
        let missing_parent_tree = parents
            .iter()
            .zip(&parent_entries)
            .any(|(p, e)| p.is_some() && e.is_none());
        let gap = gap.or(missing_parent_tree.then_some(HistoryGap::Missing));
        let mut cursors = vec![0usize; parents.len()];
        for (name, mode, eid) in entries.iter() {
            let kind = entry_kind(*mode);
            let counterparts = counterparts(
                &parent_entries,
                &mut cursors,
                name,
                matches!(kind, Kind::Tree),
            );
            let same_in_a_parent = counterparts.iter().any(|c| c.map(|c| c.1) == Some(*eid));
            match kind {
                Kind::Blob => {
                    if !same_in_a_parent && self.wanted_blob(*eid) {
                        self.introduce(*eid, path, name, commit, gap);
                    }
                }
                Kind::Tree => {
                    // A subtree equal to the only parent's changed nothing; in a merge it may still
                    // have dropped what another parent had there.
                    if same_in_a_parent && (parents.len() < 2 || !self.tracks_removals()) {
                        continue;
                    }
                    let sub_parents = subtree_parents(&counterparts);
                    let len = path.len();
                    path.extend_from_slice(name);
                    path.push(b'/');
                    self.diff(commit, *eid, &sub_parents, path, depth + 1, gap);
                    path.truncate(len);
                }
                Kind::Other => {}
            }
        }
    }

    /// Records blob `id` at `path` + `name` as introduced by `commit` (or where history stops, with
    /// a `gap`).
    fn introduce(
        &mut self,
        id: Oid,
        path: &[u8],
        name: &[u8],
        commit: Option<Oid>,
        gap: Option<HistoryGap>,
    ) {
        let mut full = path.to_vec();
        full.extend_from_slice(name);
        self.out.push(Introduction {
            blob: id,
            path: String::from_utf8_lossy(&full).into_owned(),
            commit,
            gap,
        });
    }
}

/// The ids of the `counterparts` that are trees: the parents of a subtree.
fn subtree_parents(counterparts: &[Option<(i32, Oid)>]) -> Vec<Option<Oid>> {
    counterparts
        .iter()
        .map(|c| {
            c.filter(|(m, _)| matches!(entry_kind(*m), Kind::Tree))
                .map(|c| c.1)
        })
        .collect()
}

/// The counterpart (mode, id) of entry `name` (a tree when `is_tree`) in each parent's entries, or
/// `None` where a parent has no such name or its tree could not be read. One cursor per parent, moved forward: entries
/// are in git order on both sides, so a merge join finds each name's counterpart without searching.
fn counterparts(
    parents: &[Option<Entries>],
    cursors: &mut [usize],
    name: &[u8],
    is_tree: bool,
) -> Vec<Option<(i32, Oid)>> {
    let mut counterparts = Vec::with_capacity(parents.len());
    for (pi, pe) in parents.iter().enumerate() {
        let found = pe.as_ref().and_then(|pe| {
            while let Some((pname, pmode, pid)) = pe.get(cursors[pi]) {
                let p_tree = matches!(entry_kind(*pmode), Kind::Tree);
                match git_order(pname, p_tree, name, is_tree) {
                    std::cmp::Ordering::Less => cursors[pi] += 1,
                    std::cmp::Ordering::Equal => return Some((*pmode, *pid)),
                    std::cmp::Ordering::Greater => return None,
                }
            }
            None
        });
        counterparts.push(found);
    }
    counterparts
}

impl Introducer<'_> {
    /// Diffs each of `commits` against its parents (a shallow boundary or a missing parent is a
    /// history gap). The commits among `tips`, as (time, id, tree).
    fn diff_commits(&mut self, commits: &[Oid], tips: &[Oid]) -> Vec<(i64, Oid, Oid)> {
        let repo = self.repo;
        let shallow = shallow_boundary(repo);
        let tip_set: HashSet<Oid> = tips.iter().copied().collect();
        let mut tips: Vec<(i64, Oid, Oid)> = Vec::new();
        for &id in commits {
            let Ok(commit) = repo.find_commit(id) else {
                continue; // already warned in pass 1
            };
            let mut gap = shallow.contains(&id).then_some(HistoryGap::Shallow);
            let parents: Vec<Option<Oid>> = commit
                .parent_ids()
                .map(|p| {
                    let tree = repo.find_commit(p).ok().map(|c| c.tree_id());
                    if tree.is_none() {
                        gap = gap.or(Some(HistoryGap::Missing));
                    }
                    tree
                })
                .collect();
            self.current = Some((id, commit.time().seconds()));
            let mut path = Vec::new();
            self.diff(Some(id), commit.tree_id(), &parents, &mut path, 0, gap);
            if tip_set.contains(&id) {
                tips.push((commit.time().seconds(), id, commit.tree_id()));
            }
        }
        self.current = None;
        tips
    }

    /// When each wanted blob was last seen: present in the tree of the newest of `tips` (time, id,
    /// tree) that holds it, or in a tree or blob of `ref_objects`; else removed by the newest commit
    /// that removed it (`self.removed`, emptied here).
    fn last_seen(
        &mut self,
        mut tips: Vec<(i64, Oid, Oid)>,
        ref_objects: &[(String, Oid)],
    ) -> HashMap<Oid, LastSeen> {
        let mut last_seen = HashMap::new();
        // Newest tips first: a blob takes the first (newest) tip that holds it, so a tree shared by
        // several tips is walked once.
        tips.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut visited = HashSet::new();
        for (time, id, tree) in tips {
            self.present(tree, Some((id, time)), &mut visited, &mut last_seen, 0);
        }
        for (_, id) in ref_objects {
            match self.repo.find_object(*id, None).ok().and_then(|o| o.kind()) {
                Some(ObjectType::Tree) => self.present(*id, None, &mut visited, &mut last_seen, 0),
                _ => {
                    if self.wanted_blob(*id) {
                        last_seen.entry(*id).or_insert(LastSeen::Present(None));
                    }
                }
            }
        }
        for (blob, (commit, time)) in std::mem::take(&mut self.removed) {
            last_seen
                .entry(blob)
                .or_insert(LastSeen::Removed(commit, time));
        }
        last_seen
    }

    /// Records the wanted blobs of `ref_objects` (refs to a tree or a blob, not a commit) at
    /// `<ref:name>` paths, with no commit.
    fn diff_ref_objects(&mut self, ref_objects: &[(String, Oid)]) {
        for (name, id) in ref_objects {
            let label = format!("<ref:{name}>");
            match self.repo.find_object(*id, None).ok().and_then(|o| o.kind()) {
                Some(ObjectType::Tree) => {
                    let mut path = format!("{label}/").into_bytes();
                    self.diff(None, *id, &[], &mut path, 0, None);
                }
                _ => {
                    if self.wanted_blob(*id) {
                        self.out.push(Introduction {
                            blob: *id,
                            path: label,
                            commit: None,
                            gap: None,
                        });
                    }
                }
            }
        }
    }
}

impl Introducer<'_> {
    /// Records the wanted blobs of `parent` that `child` (the same directory one commit later, possibly
    /// empty) does not have at the same name. Subtrees present on both sides are left to [`Self::diff`].
    fn removed_entries(&mut self, parent: &Entries, child: &Entries, depth: usize) {
        if depth > MAX_TREE_DEPTH {
            return;
        }
        let mut ci = 0;
        for (pname, pmode, pid) in parent.iter() {
            let pkind = entry_kind(*pmode);
            let p_tree = matches!(pkind, Kind::Tree);
            let mut counterpart = None;
            while let Some((cname, cmode, cid)) = child.get(ci) {
                let c_tree = matches!(entry_kind(*cmode), Kind::Tree);
                match git_order(cname, c_tree, pname, p_tree) {
                    std::cmp::Ordering::Less => ci += 1,
                    std::cmp::Ordering::Equal => {
                        counterpart = Some(*cid);
                        break;
                    }
                    std::cmp::Ordering::Greater => break,
                }
            }
            match pkind {
                Kind::Blob => {
                    if counterpart != Some(*pid) && self.wanted_blob(*pid) {
                        self.record_removal(*pid);
                    }
                }
                Kind::Tree => {
                    if counterpart.is_none() && self.tree_contains_wanted(*pid) {
                        if let Some(gone) = self.tree(*pid) {
                            let empty: Entries = Default::default();
                            self.removed_entries(&gone, &empty, depth + 1);
                        }
                    }
                }
                Kind::Other => {}
            }
        }
    }

    /// Marks the wanted blobs under tree (or blob) `id` as present at `tip` unless an earlier (newer)
    /// tip already holds them. Each tree is walked once across all tips.
    fn present(
        &mut self,
        id: Oid,
        tip: Option<(Oid, i64)>,
        visited: &mut HashSet<Oid>,
        out: &mut HashMap<Oid, LastSeen>,
        depth: usize,
    ) {
        if depth > MAX_TREE_DEPTH || !visited.insert(id) || !self.tree_contains_wanted(id) {
            return;
        }
        let Some(entries) = self.tree(id) else { return };
        for (_, mode, eid) in entries.iter() {
            match entry_kind(*mode) {
                Kind::Blob => {
                    if self.wanted_blob(*eid) {
                        out.entry(*eid).or_insert(LastSeen::Present(tip));
                    }
                }
                Kind::Tree => self.present(*eid, tip, visited, out, depth + 1),
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

/// HEAD's tree, for asking which blob a path holds there (none for an unborn HEAD).
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
/// Compares HEAD's tree with the index only: the working tree is never read, so no filter, attribute
/// driver or fsmonitor of the repository is involved.
pub fn staged_files(repo: &Repository) -> Result<Vec<StagedFile>, GitError> {
    let err = |e: git2::Error| GitError::Other {
        path: repo.path().to_path_buf(),
        message: e.message().to_string(),
    };
    // A pre-commit hook run by `git commit -a` or `git commit FILE` sees a temporary index named by
    // GIT_INDEX_FILE: that, not .git/index, is what is about to be committed.
    let index = match std::env::var_os("GIT_INDEX_FILE") {
        Some(file) => git2::Index::open(Path::new(&file)).map_err(err)?,
        None => repo.index().map_err(err)?,
    };
    let head = repo.head().ok().and_then(|h| h.peel_to_tree().ok());
    let mut opts = git2::DiffOptions::new();
    opts.ignore_submodules(true).include_typechange(true);
    let diff = repo
        .diff_tree_to_index(head.as_ref(), Some(&index), Some(&mut opts))
        .map_err(err)?;
    let mut out = Vec::new();
    for delta in diff.deltas() {
        use git2::Delta;
        if !matches!(
            delta.status(),
            Delta::Added | Delta::Modified | Delta::Renamed | Delta::Copied | Delta::Typechange
        ) {
            continue;
        }
        let new = delta.new_file();
        if !matches!(entry_kind(u32::from(new.mode()) as i32), Kind::Blob) {
            continue;
        }
        let Some(path) = new.path_bytes() else {
            continue;
        };
        let old = delta.old_file();
        let head_blob = (!old.id().is_zero()
            && matches!(entry_kind(u32::from(old.mode()) as i32), Kind::Blob))
        .then(|| old.id());
        out.push(StagedFile {
            path: String::from_utf8_lossy(path).into_owned(),
            blob: new.id(),
            head_blob,
        });
    }
    Ok(out)
}

/// Reads one blob's content (for staged files and their HEAD versions), unless it is larger than
/// `max_size`: then `Ok(Err(size))`, without inflating it.
pub fn read_blob(
    repo: &Repository,
    id: Oid,
    max_size: u64,
) -> Result<Result<Vec<u8>, u64>, git2::Error> {
    // A truncated loose object would hang libgit2 (see `loose`): check its stream first.
    if let Some(file) = super::loose::loose_path(&repo.path().join("objects"), id) {
        if let Err(why) = super::loose::stream_is_complete(&file, max_size.saturating_add(1 << 20))
        {
            return Err(git2::Error::from_str(&format!("{id}: {why}")));
        }
    }
    let odb = repo.odb()?;
    let (size, _) = odb.read_header(id)?;
    if size as u64 > max_size {
        return Ok(Err(size as u64));
    }
    let data = odb.read(id)?.data().to_vec();
    Ok(Ok(data))
}
