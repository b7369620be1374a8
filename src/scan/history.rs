//! Git scans: full history (every blob of every ref, once), pull-request ranges, and the staged index.
//! The git source reads objects; this module turns blob matches into findings at every (path, commit)
//! that introduced the blob, with the commit's author and date.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Mutex;

use git2::Repository;

use super::{to_finding, BlobMatches, Collected, EngineSink, RunError, ScanError, ScanResult};
use crate::config::Config;
use crate::engine::Engine;
use crate::enrich::owners::CODEOWNERS_LOCATIONS;
use crate::finding::{CommitInfo, Finding, Fingerprint, LastSeen, Match, SecretMask};
use crate::source::git::{self, CommitMeta, HeadTree, Introduction, ObjectId, Selection};
use crate::source::{loose, BlobSink, Origin};

fn repo_path(config: &Config) -> PathBuf {
    config
        .paths
        .first()
        .cloned()
        .unwrap_or_else(|| PathBuf::from("."))
}

fn commit_info(meta: CommitMeta) -> CommitInfo {
    CommitInfo {
        id: meta.id.to_string(),
        author_name: meta.author_name,
        author_email: meta.author_email,
        date: crate::clock::git_rfc3339(meta.time, meta.offset_minutes),
        timestamp: meta.time,
        summary: meta.summary,
    }
}

/// Commit metadata, read once per commit.
struct Commits<'r> {
    repo: &'r Repository,
    cache: HashMap<ObjectId, Option<CommitInfo>>,
    /// Secrets to mask in summaries (those found in messages).
    mask: SecretMask,
}

impl<'r> Commits<'r> {
    /// An empty cache that masks, in every summary, the secrets found in commit or tag `messages`.
    fn new(repo: &'r Repository, messages: &[(Origin, Vec<Match>)]) -> Commits<'r> {
        Commits {
            repo,
            cache: HashMap::new(),
            mask: SecretMask::new(
                messages
                    .iter()
                    .flat_map(|(_, ms)| ms.iter().map(|m| m.secret.expose())),
            ),
        }
    }

    fn get(&mut self, id: ObjectId) -> Option<CommitInfo> {
        let (repo, mask) = (self.repo, &self.mask);
        self.cache
            .entry(id)
            .or_insert_with(|| {
                git::commit_meta(repo, id).map(|m| {
                    let mut info = commit_info(m);
                    mask.apply_in_place(&mut info.summary);
                    info
                })
            })
            .clone()
    }
}

/// Matches per blob with matches: (archive member suffix, `!dir/file` or empty; match).
type ByBlob = HashMap<ObjectId, Vec<(String, Match)>>;

/// Full history, or only what `range` (from, to) introduces.
pub fn scan_history(
    config: &Config,
    range: Option<&(String, String)>,
    engine: &Engine,
) -> Result<ScanResult, RunError> {
    let timings = Timings::from_env();
    let path = repo_path(config);
    let repo = git::open(&path, false)?;
    // Before libgit2 reads anything: corrupt loose objects are hidden from it (it would loop forever
    // on a truncated one) and reported by id.
    let quarantine = loose::quarantine(&repo);
    let shared = Mutex::new(Collected::default());

    // Pass 1: which blobs to scan (and, for a range, where they were introduced).
    let (mut selected, range_intros) = select_blobs(&repo, range, &quarantine, engine, &shared)?;
    timings.mark("pass 1: select commits, enumerate trees and blobs, scan messages");

    // Pass 2: inflate and scan each unique blob once, in parallel.
    let git_dir = repo.path().to_path_buf();
    git::read_blobs(
        &git_dir,
        quarantine.objects_dir(),
        &selected.blobs,
        config.threads,
        config.max_file_size,
        || EngineSink::new(engine, &shared),
    )?;
    drop(std::mem::take(&mut selected.blobs));
    let mut collected = shared.into_inner().unwrap_or_else(|e| e.into_inner());
    collected.stats.commits = selected.commits.len() as u64;
    timings.mark("pass 2: inflate and scan unique blobs");

    // Pass 3: where each blob with matches was introduced.
    let (mut by_blob, messages) = group_by_blob(std::mem::take(&mut collected.blobs));
    if engine.has_path_rules() {
        add_path_rule_matches(
            engine,
            &repo,
            &selected.commits,
            range_intros.as_deref(),
            config.max_file_size,
            &mut by_blob,
        );
    }
    timings.mark("path-only rules");
    let (intros, last_seen) = match range_intros {
        Some(all) => (
            all.into_iter()
                .filter(|i| by_blob.contains_key(&i.blob))
                .collect(),
            HashMap::new(),
        ),
        None => history_introductions(engine, &repo, &selected, &by_blob, &mut collected.errors),
    };
    timings.mark("pass 3: introductions of blobs with matches");
    let head = HeadTree::new(&repo);
    let mut placer = Placer {
        engine,
        head: &head,
        repository: git::repository_label(&repo),
        meta: Commits::new(&repo, &messages),
        findings: &mut collected.findings,
    };
    placer.blob_findings(intros, &last_seen, &by_blob);
    placer.message_findings(messages, range.is_none());
    timings.mark("findings with commit metadata");
    let mut result = collected.into_result();
    result.codeowners = head_codeowners(&repo, &head);
    Ok(result)
}

/// Pass 1: reports the quarantined loose objects, selects the commits and lists the blobs to scan:
/// every blob of the history, or for a range the blobs it introduces, returned with those
/// introductions. Commit and tag messages, and warnings, go to `shared`.
fn select_blobs(
    repo: &Repository,
    range: Option<&(String, String)>,
    quarantine: &loose::Quarantine,
    engine: &Engine,
    shared: &Mutex<Collected>,
) -> Result<(git::Enumeration, Option<Vec<Introduction>>), RunError> {
    let selection = match range {
        None => Selection::AllRefs,
        Some((from, to)) => Selection::Range {
            from: from.clone(),
            to: to.clone(),
        },
    };
    // Messages and warnings from the sequential passes go through one sink on this thread.
    let mut main_sink = EngineSink::new(engine, shared);
    for (id, why) in &quarantine.corrupt {
        main_sink.warning(&format!("object {id}"), why.clone());
    }
    if let Some(first) = quarantine.mismatched.first() {
        let n = quarantine.mismatched.len();
        main_sink.warning(
            &format!("object {first}"),
            format!(
                "content does not match the object id ({n} loose object{} in this repository): the repository is damaged or was tampered with; the content is scanned as it is",
                if n == 1 { "" } else { "s" }
            ),
        );
    }
    let selected = git::select_commits(repo, &selection, &mut main_sink)?;
    warn_if_shallow(repo, &selected.commits, &mut main_sink);
    Ok(match range {
        None => (git::enumerate(repo, selected, &mut main_sink), None),
        Some(_) => {
            let commits = selected.commits;
            git::scan_messages(repo, &commits, &mut main_sink);
            let intros =
                git::introductions(repo, &commits, &[], &[], None, &mut main_sink).introductions;
            let mut seen = HashSet::new();
            let blobs: Vec<ObjectId> = intros
                .iter()
                .map(|i| i.blob)
                .filter(|b| seen.insert(*b))
                .collect();
            let enumeration = git::Enumeration {
                commits,
                blobs,
                tips: Vec::new(),
                ref_objects: Vec::new(),
            };
            (enumeration, Some(intros))
        }
    })
}

/// Splits the blobs with matches of pass 2 into matches per blob id and the matches of commit and
/// tag messages (which have no blob), keeping their order.
fn group_by_blob(blobs: Vec<BlobMatches>) -> (ByBlob, Vec<(Origin, Vec<Match>)>) {
    let mut by_blob: ByBlob = HashMap::new();
    let mut messages: Vec<(Origin, Vec<Match>)> = Vec::new();
    for b in blobs {
        match b.origin.blob {
            Some(id) => {
                let member = b.origin.path;
                by_blob
                    .entry(id)
                    .or_default()
                    .extend(b.matches.into_iter().map(|m| (member.clone(), m)))
            }
            None => messages.push((b.origin, b.matches)),
        }
    }
    (by_blob, messages)
}

/// Adds the matches of the path-only rules to `by_blob`. They need every path a blob was introduced
/// at, not only those of blobs with matches: a range's introductions (`range_intros`), or for full
/// history one walk of `commits` without pruning (only when such rules are configured).
fn add_path_rule_matches(
    engine: &Engine,
    repo: &Repository,
    commits: &[ObjectId],
    range_intros: Option<&[Introduction]>,
    max_size: u64,
    by_blob: &mut ByBlob,
) {
    let all;
    let every = match range_intros {
        Some(intros) => intros,
        None => {
            let discard = Mutex::new(Collected::default());
            let mut quiet = EngineSink::new(engine, &discard);
            all = git::introductions(repo, commits, &[], &[], None, &mut quiet).introductions;
            &all
        }
    };
    path_rule_matches(engine, repo, every, max_size, by_blob);
}

/// Pass 3 of a full-history scan: the introductions of the blobs in `by_blob` and when each was last
/// seen. Warnings are added to `errors`, except those pass 1 already reported.
fn history_introductions(
    engine: &Engine,
    repo: &Repository,
    selected: &git::Enumeration,
    by_blob: &ByBlob,
    errors: &mut Vec<ScanError>,
) -> (Vec<Introduction>, HashMap<ObjectId, git::LastSeen>) {
    let wanted: HashSet<ObjectId> = by_blob.keys().copied().collect();
    let pass3 = Mutex::new(Collected::default());
    let mut sink = EngineSink::new(engine, &pass3);
    let provenance = git::introductions(
        repo,
        &selected.commits,
        &selected.tips,
        &selected.ref_objects,
        Some(&wanted),
        &mut sink,
    );
    drop(sink);
    let warnings = pass3.into_inner().unwrap_or_else(|e| e.into_inner());
    // Pass 1 read every tree pass 3 reads: an object it could not read was reported then.
    let known: HashSet<_> = errors.iter().cloned().collect();
    errors.extend(warnings.errors.into_iter().filter(|e| !known.contains(e)));
    (provenance.introductions, provenance.last_seen)
}

/// Turns the matches of a history scan into findings with their commit, provenance, presence in HEAD
/// and last-seen date.
struct Placer<'a, 'r> {
    engine: &'a Engine,
    head: &'a HeadTree<'r>,
    repository: String,
    meta: Commits<'r>,
    findings: &'a mut Vec<Finding>,
}

impl Placer<'_, '_> {
    /// One finding per match of each introduced blob, at the path it was introduced at.
    fn blob_findings(
        &mut self,
        intros: Vec<Introduction>,
        last_seen: &HashMap<ObjectId, git::LastSeen>,
        by_blob: &ByBlob,
    ) {
        let meta = &mut self.meta;
        let mut seen_cache: HashMap<ObjectId, Option<LastSeen>> = HashMap::new();
        for Introduction {
            blob,
            path,
            commit,
            gap,
        } in intros
        {
            // Where history stops is not an introduction: no commit, author or date is reported for it.
            let provenance = gap.zip(commit).map(|(g, c)| g.provenance(c));
            let commit_info = commit.filter(|_| gap.is_none()).and_then(|c| meta.get(c));
            let in_head = self.head.blob_at(&path) == Some(blob);
            let seen = seen_cache
                .entry(blob)
                .or_insert_with(|| {
                    last_seen.get(&blob).map(|s| {
                        let (present, at) = match *s {
                            git::LastSeen::Present(at) => (true, at),
                            git::LastSeen::Removed(c, t) => (false, Some((c, t))),
                        };
                        LastSeen {
                            present,
                            date: at.and_then(|(c, _)| meta.get(c).map(|i| (i.date, i.timestamp))),
                        }
                    })
                })
                .clone();
            for (member, m) in &by_blob[&blob] {
                let mut f = to_finding(self.engine, m.clone(), &format!("{path}{member}"));
                f.commit = commit_info.clone();
                f.provenance = provenance.clone();
                f.in_head = Some(in_head);
                f.last_seen = seen.clone();
                f.repository = Some(self.repository.clone());
                self.findings.push(f);
            }
        }
    }

    /// One finding per match in a commit or tag message; with `full_history`, each is present and
    /// last seen in its commit.
    fn message_findings(&mut self, messages: Vec<(Origin, Vec<Match>)>, full_history: bool) {
        for (origin, matches) in messages {
            let commit_info = origin.commit.and_then(|c| self.meta.get(c));
            // A message stays in its commit for good: present, last seen in that commit.
            let seen = full_history.then(|| LastSeen {
                present: true,
                date: commit_info.as_ref().map(|c| (c.date.clone(), c.timestamp)),
            });
            for m in matches {
                let mut f = to_finding(self.engine, m, &origin.path);
                f.commit = commit_info.clone();
                f.in_head = Some(false);
                f.last_seen = seen.clone();
                f.repository = Some(self.repository.clone());
                self.findings.push(f);
            }
        }
    }
}

/// Owners of history findings come from HEAD's CODEOWNERS (the team that owns the code today):
/// its location (`HEAD:<path>`) and text.
fn head_codeowners(repo: &Repository, head: &HeadTree<'_>) -> Option<(String, String)> {
    CODEOWNERS_LOCATIONS.iter().find_map(|place| {
        let id = head.blob_at(place)?;
        let data = git::read_blob(repo, id, 1 << 20).ok()?.ok()?;
        Some((
            format!("HEAD:{place}"),
            String::from_utf8_lossy(&data).into_owned(),
        ))
    })
}

/// One warning when `commits` include a shallow clone's boundary: what those commits hold has no known
/// introduction (see [`git::HistoryGap`]).
fn warn_if_shallow(repo: &Repository, commits: &[ObjectId], sink: &mut EngineSink<'_>) {
    let boundary = git::shallow_boundary(repo);
    let cut: Vec<&ObjectId> = commits.iter().filter(|c| boundary.contains(c)).collect();
    let Some(first) = cut.first() else { return };
    let n = cut.len();
    sink.warning(
        &repo.path().display().to_string(),
        format!(
            "shallow clone: the history before commit {first}{} is not in the repository, so credentials in {} are reported with provenance unknown (no introducing commit, author or first-seen date); fetch the whole history (`git fetch --unshallow`, or actions/checkout with `fetch-depth: 0`)",
            if n == 1 { String::new() } else { format!(" and {} other boundary commits", n - 1) },
            if n == 1 { "its tree" } else { "their trees" },
        ),
    );
}

/// Matches of the path-only rules for every blob introduced at a path they match, added to
/// `by_blob`. Each is bound to its rule's path ([`crate::finding::Pending::rule_path`]), so a blob is
/// reported only at the paths the rule matches, not at every path it was introduced at.
fn path_rule_matches(
    engine: &Engine,
    repo: &Repository,
    intros: &[Introduction],
    max_size: u64,
    by_blob: &mut HashMap<ObjectId, Vec<(String, Match)>>,
) {
    let mut done: HashSet<(ObjectId, usize)> = HashSet::new();
    let mut found = Vec::new();
    for i in intros {
        if engine
            .path_rules_for(&i.path)
            .all(|r| done.contains(&(i.blob, r)))
        {
            continue;
        }
        // Unreadable or too large: the blob pass already warned about it.
        let Ok(Ok(data)) = git::read_blob(repo, i.blob, max_size) else {
            continue;
        };
        found.clear();
        engine.scan_path(&i.path, &data, &mut found);
        for mut m in found.drain(..) {
            if done.insert((i.blob, m.rule)) {
                m.pending.rule_path = Some(m.rule as u32);
                by_blob.entry(i.blob).or_default().push((String::new(), m));
            }
        }
    }
}

/// Phase durations on stderr when `SPRAWL_TIMINGS` is set (for benchmarks: where the time goes).
struct Timings {
    last: Option<std::cell::Cell<std::time::Instant>>,
}

impl Timings {
    fn from_env() -> Timings {
        Timings {
            last: std::env::var_os("SPRAWL_TIMINGS")
                .map(|_| std::cell::Cell::new(std::time::Instant::now())),
        }
    }

    fn mark(&self, what: &str) {
        if let Some(last) = &self.last {
            let now = std::time::Instant::now();
            eprintln!(
                "timing: {:>8.3} s  {what}",
                (now - last.get()).as_secs_f64()
            );
            last.set(now);
        }
    }
}

/// What is staged for the next commit: each staged file that differs from HEAD, reporting only the
/// credentials that HEAD's version of the same file does not already contain.
pub fn scan_staged(config: &Config, engine: &Engine) -> Result<ScanResult, RunError> {
    let path = repo_path(config);
    let repo = git::open(&path, true)?;
    let files = git::staged_files(&repo)?;
    let repository = git::repository_label(&repo);
    let shared = Mutex::new(Collected::default());
    let mut sink = EngineSink::new(engine, &shared);
    let mut findings = Vec::new();
    for file in files {
        let staged = match read_scannable(
            &repo,
            file.blob,
            config.max_file_size,
            &file.path,
            &mut sink,
        ) {
            Some(m) => m,
            None => continue,
        };
        let before: HashSet<Fingerprint> = file
            .head_blob
            .and_then(|id| {
                // HEAD's version is only compared against, not counted or reported.
                let discard = Mutex::new(Collected::default());
                let mut quiet = EngineSink::new(engine, &discard);
                read_scannable(&repo, id, config.max_file_size, &file.path, &mut quiet)
            })
            .unwrap_or_default()
            .into_iter()
            .map(|m| Fingerprint::new(&engine.rule(m.rule).meta.id, m.secret.expose()))
            .collect();
        for m in staged {
            let mut f = to_finding(engine, m, &file.path);
            f.repository = Some(repository.clone());
            if !before.contains(&f.fingerprint) {
                findings.push(f);
            }
        }
    }
    drop(sink);
    let mut collected = shared.into_inner().unwrap_or_else(|e| e.into_inner());
    collected.blobs.clear();
    collected.findings = findings;
    let mut result = collected.into_result();
    result.codeowners = repo
        .workdir()
        .and_then(|dir| super::read_codeowners(dir, &mut result.errors));
    Ok(result)
}

/// Reads and scans one blob through `sink` (so it is counted and its problems reported); returns its
/// matches, or `None` when it could not be read or was skipped.
fn read_scannable(
    repo: &Repository,
    id: ObjectId,
    max_size: u64,
    path: &str,
    sink: &mut EngineSink<'_>,
) -> Option<Vec<Match>> {
    use crate::source::archive::{text_kind, transcode_utf16, TextKind};
    use crate::source::{BlobSink, Skip};
    let data = match git::read_blob(repo, id, max_size) {
        Ok(Ok(d)) => d,
        Ok(Err(size)) => {
            sink.skipped(path, Skip::TooLarge(size));
            return None;
        }
        Err(e) => {
            sink.warning(path, format!("blob {id}: {}", e.message()));
            return None;
        }
    };
    // UTF-16 text is transcoded; archives are not opened here (yet).
    let data = match text_kind(&data) {
        TextKind::Bytes => data,
        TextKind::Utf16Le => transcode_utf16(&data, true),
        TextKind::Utf16Be => transcode_utf16(&data, false),
        TextKind::Binary if sink.wants_binary() => {
            return Some(sink.scan_binary_now(&Origin::file(path), &data))
        }
        TextKind::Binary => {
            sink.skipped(path, Skip::Binary);
            return None;
        }
    };
    Some(sink.scan_now(&Origin::file(path), &data))
}
