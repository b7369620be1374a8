//! Bulk scans of many repositories (an organisation): the repository list (a file, several paths, or an
//! organisation listed through the GitHub API), a deterministic shard of it, bare mirrors of remote
//! repositories, history scans run in parallel, and one JSON report per repository (`--output-dir`,
//! resumable) or one combined report.
//!
//! Orchestration above `scan` and `report`: each repository is an ordinary history scan
//! ([`scan::run_prepared`]) with the engine built once for the whole run. A repository that cannot be
//! cloned or opened is an error entry, and the run goes on.

pub mod clone;
pub mod github;
pub mod progress;

use std::collections::{HashMap, HashSet};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::finding::group_credentials;
use crate::report::{self, RenderOptions};
use crate::scan::{self, Prepared, RunError, ScanError, ScanResult, Stats};
use crate::source::git::strip_userinfo;

/// `--shard K/N`: the K-th (1-based) of N disjoint slices of the repository list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// 1-based, `1..=count`.
    pub index: u64,
    pub count: u64,
}

impl std::str::FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || {
            format!(
                "expected K/N with 1 <= K <= N (K is 1-based: a 0-based job index + 1), got {s:?}"
            )
        };
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u64 = k.trim().parse().map_err(|_| bad())?;
        let count: u64 = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// True if the repository named `name` (as given in the list) belongs to this shard. The hash is
    /// SHA-256, stable across machines, platforms and versions, so N machines split the list without
    /// talking to each other.
    pub fn contains(&self, name: &str) -> bool {
        shard_hash(name) % self.count == self.index - 1
    }
}

/// The first 8 bytes of SHA-256(`name`), big-endian.
pub fn shard_hash(name: &str) -> u64 {
    let digest = Sha256::digest(name.as_bytes());
    u64::from_be_bytes(digest[..8].try_into().expect("8 bytes"))
}

/// Where a repository is.
#[derive(Clone, PartialEq, Eq)]
pub enum Location {
    /// A local repository (bare or with a work tree).
    Path(PathBuf),
    /// A clone URL, mirrored before scanning. It may carry credentials: never print it, print the label.
    Url(String),
}

/// One repository of a bulk scan.
#[derive(Clone)]
pub struct Target {
    /// The repository as given (a URL without its user name and password): the `repository` of every
    /// finding, the shard key and the report's file name, so reports from different machines agree.
    pub label: String,
    pub location: Location,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label)
    }
}

impl Target {
    /// A line of a repository list (or a PATH argument): a URL (`https://`, `http://`, `ssh://`,
    /// `git://`, `file://`, `user@host:path`) or a local path.
    pub fn parse(given: &str) -> Target {
        if is_url(given) {
            Target {
                label: strip_userinfo(given),
                location: Location::Url(given.to_string()),
            }
        } else {
            Target {
                label: given.to_string(),
                location: Location::Path(PathBuf::from(given)),
            }
        }
    }
}

/// A clone URL rather than a local path: a scheme git clones from, or scp-like `user@host:path`.
pub fn is_url(s: &str) -> bool {
    const SCHEMES: [&str; 5] = ["https://", "http://", "ssh://", "git://", "file://"];
    if SCHEMES.iter().any(|p| s.starts_with(p)) {
        return true;
    }
    // scp-like syntax: `user@host:path`, no slash before the colon.
    match (s.find('@'), s.find(':'), s.find('/')) {
        (Some(at), Some(colon), slash) => at < colon && slash.is_none_or(|sl| colon < sl),
        _ => false,
    }
}

/// The repositories of a list file: one per line; blank lines and `#` comments are ignored.
pub fn parse_repo_list(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// Where the repository list of a bulk scan comes from (plain data, built by the CLI).
#[derive(Clone, Debug)]
pub enum RepoSource {
    /// `scan --git --repos FILE` and/or several PATHs.
    List {
        file: Option<PathBuf>,
        paths: Vec<PathBuf>,
    },
    /// `github-org ORG`.
    GithubOrg(github::OrgQuery),
}

/// How to run a bulk scan.
#[derive(Clone, Debug)]
pub struct BulkOptions {
    /// Repositories scanned at the same time; each gets `threads / repo_jobs` threads (at least 1).
    pub repo_jobs: usize,
    /// Where remote repositories are mirrored.
    pub clone_dir: PathBuf,
    /// One JSON report per repository here, and skip repositories that already have one.
    pub output_dir: Option<PathBuf>,
    pub shard: Option<Shard>,
    /// Draw a progress line on stderr (the CLI decides: stderr is a terminal).
    pub progress: bool,
    /// Extra HTTP header for clones from one host (a GitHub token for `github-org`).
    pub clone_auth: Option<clone::HostAuth>,
}

/// The default clone cache: `$XDG_CACHE_HOME/sprawl/clones`, else `$HOME/.cache/sprawl/clones`, else
/// `sprawl-clones` in the temporary directory.
pub fn default_clone_dir() -> PathBuf {
    let non_empty = |v: &str| {
        std::env::var_os(v)
            .filter(|s| !s.is_empty())
            .map(PathBuf::from)
    };
    if let Some(cache) = non_empty("XDG_CACHE_HOME") {
        cache.join("sprawl").join("clones")
    } else if let Some(home) = non_empty("HOME") {
        home.join(".cache").join("sprawl").join("clones")
    } else {
        std::env::temp_dir().join("sprawl-clones")
    }
}

/// Why a bulk scan could not start.
#[derive(Debug, thiserror::Error)]
pub enum BulkError {
    #[error(transparent)]
    Run(#[from] RunError),
    #[error("{path}: {message}")]
    Io { path: String, message: String },
    #[error(transparent)]
    Github(#[from] github::GithubError),
}

fn io_error(path: &Path, e: io::Error) -> BulkError {
    BulkError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

/// The repositories `source` names, in order, duplicates (same label) dropped.
pub fn targets(source: &RepoSource, github_token: Option<&str>) -> Result<Vec<Target>, BulkError> {
    let mut given: Vec<String> = Vec::new();
    match source {
        RepoSource::List { file, paths } => {
            if let Some(f) = file {
                let text = std::fs::read_to_string(f).map_err(|e| io_error(f, e))?;
                given.extend(parse_repo_list(&text));
            }
            given.extend(paths.iter().map(|p| p.display().to_string()));
        }
        RepoSource::GithubOrg(query) => {
            let listed = github::list_org_repos(query, github_token)?;
            crate::diag::note(&format!(
                "{}: {} repositories to scan ({} archived and {} forks left out)",
                query.org,
                listed.repos.len(),
                listed.archived_skipped,
                listed.forks_skipped
            ));
            let test_file_clones = github::test_file_clones();
            for r in listed.repos {
                if github::clone_url_allowed(&r.clone_url, &query.api_url, test_file_clones) {
                    given.push(r.clone_url);
                } else {
                    crate::diag::warn(
                        &r.full_name,
                        &format!(
                            "clone URL {} is not on {}; not cloned",
                            strip_userinfo(&r.clone_url),
                            github::web_origin(&query.api_url)
                        ),
                    );
                }
            }
        }
    }
    let mut seen = HashSet::new();
    Ok(given
        .iter()
        .map(|g| Target::parse(g))
        .filter(|t| seen.insert(t.label.clone()))
        .collect())
}

/// What a bulk scan did.
#[derive(Debug, Default)]
pub struct BulkOutcome {
    /// Without `--output-dir`: every repository's findings in one report.
    pub combined: Option<ScanResult>,
    /// Repositories in the list (after sharding).
    pub selected: usize,
    pub scanned: usize,
    /// Repositories whose report was already in `--output-dir`.
    pub skipped: usize,
    pub failed: usize,
    /// Findings reported by this run (not counting skipped repositories).
    pub findings: usize,
    /// Live credentials (summed over repositories; with `--validate`).
    pub live: usize,
}

/// The report file of the repository labelled `label` in `--output-dir`: a readable name plus a short
/// hash of the label, so different repositories with similar names never share a file.
pub fn report_file_name(label: &str) -> String {
    format!("{}-{}.json", sanitized_name(label), short_hash(label))
}

/// The last two path components of a label (`org-repo`), with anything but `[A-Za-z0-9._-]` replaced.
pub(crate) fn sanitized_name(label: &str) -> String {
    let trimmed = label.trim_end_matches('/');
    let trimmed = trimmed.strip_suffix(".git").unwrap_or(trimmed);
    let parts: Vec<&str> = trimmed
        .rsplit(['/', ':', '\\'])
        .filter(|p| !p.is_empty())
        .take(2)
        .collect();
    let joined: String = parts.into_iter().rev().collect::<Vec<_>>().join("-");
    let mut name: String = joined
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .take(60)
        .collect();
    name = name.trim_start_matches('.').to_string();
    if name.is_empty() {
        name.push_str("repo");
    }
    name
}

/// The first 12 hex digits of SHA-256(`text`).
pub(crate) fn short_hash(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Scans `targets` (sharded by `opts.shard`) with `config` (a history scan; its paths are ignored).
/// Failures are printed on stderr as they happen and recorded in the combined report's errors.
pub fn run(
    config: &Config,
    targets: Vec<Target>,
    opts: &BulkOptions,
) -> Result<BulkOutcome, BulkError> {
    let started = std::time::Instant::now();
    let prepared = Prepared::load(config)?;
    // Before any worker thread opens a repository.
    crate::source::git::configure_libgit2();
    let mut selected: Vec<Target> = match opts.shard {
        Some(shard) => targets
            .into_iter()
            .filter(|t| shard.contains(&t.label))
            .collect(),
        None => targets,
    };
    let mut outcome = BulkOutcome {
        selected: selected.len(),
        ..BulkOutcome::default()
    };
    if let Some(dir) = &opts.output_dir {
        std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
        selected.retain(|t| !dir.join(report_file_name(&t.label)).exists());
        outcome.skipped = outcome.selected - selected.len();
        if outcome.skipped > 0 {
            crate::diag::note(&format!(
                "skipped {} repositor{} already reported in {}",
                outcome.skipped,
                if outcome.skipped == 1 { "y" } else { "ies" },
                dir.display()
            ));
        }
    }
    let jobs = opts.repo_jobs.clamp(1, selected.len().max(1));
    let threads = (config.threads / jobs).max(1);
    let progress = progress::Progress::new(selected.len(), opts.progress);
    let collected: Mutex<Collected> = Mutex::default();
    crate::work::for_each(&selected, jobs, |target| {
        let result = scan_one(config, &prepared, target, opts, threads);
        let bytes = result.as_ref().map_or(0, |r| r.stats.bytes);
        let done = finish(target, result, opts, &progress);
        collected
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .add(done);
        progress.done(bytes);
    });
    progress.clear();
    let collected = collected.into_inner().unwrap_or_else(|e| e.into_inner());
    outcome.scanned = collected.scanned;
    outcome.failed = collected.failed;
    outcome.findings = collected.findings;
    outcome.live = collected.live;
    if opts.output_dir.is_none() {
        let mut combined = merge(collected.results, collected.errors);
        // Wall-clock time of the run (the repositories' own durations overlap).
        combined.stats.duration_ms = started.elapsed().as_millis() as u64;
        combined.config_loaded = config
            .config_file
            .as_deref()
            .map(|p| p.display().to_string());
        outcome.combined = Some(combined);
    }
    Ok(outcome)
}

/// Mirrors (if remote) and scans one repository; `Err` is a message for the report.
fn scan_one(
    config: &Config,
    prepared: &Prepared,
    target: &Target,
    opts: &BulkOptions,
    threads: usize,
) -> Result<ScanResult, String> {
    let mut warnings = Vec::new();
    let path = match &target.location {
        Location::Path(p) => p.clone(),
        Location::Url(url) => {
            // The report names the repository (its label): the message alone says what went wrong.
            let mirror = clone::mirror(url, &opts.clone_dir, opts.clone_auth.as_ref())
                .map_err(|e| e.message)?;
            warnings.extend(mirror.warning);
            mirror.path
        }
    };
    let repo_config = Config {
        paths: vec![path],
        threads,
        output: None,
        ..config.clone()
    };
    let started = std::time::Instant::now();
    let mut result = scan::run_prepared(&repo_config, prepared).map_err(|e| e.to_string())?;
    result.stats.duration_ms = started.elapsed().as_millis() as u64;
    for f in &mut result.findings {
        f.repository = Some(target.label.clone());
    }
    for w in warnings {
        result.errors.push(ScanError {
            path: target.label.clone(),
            message: w,
        });
    }
    result.errors.sort();
    Ok(result)
}

/// A finished repository, as the collector keeps it.
enum Done {
    /// Written to `--output-dir` and dropped (memory stays bounded).
    Written {
        findings: usize,
        /// Credentials a provider confirmed live.
        live: usize,
    },
    Kept(Box<ScanResult>),
    Failed(ScanError),
}

/// Prints a failure, or writes the repository's report when there is an output directory.
fn finish(
    target: &Target,
    result: Result<ScanResult, String>,
    opts: &BulkOptions,
    progress: &progress::Progress,
) -> Done {
    let fail = |message: String| {
        // Errors about a local repository start with its path, which is the label already.
        let message = match message.strip_prefix(&format!("{}: ", target.label)) {
            Some(rest) => rest.to_string(),
            None => message,
        };
        progress.message(&crate::diag::warning(&target.label, &message));
        Done::Failed(ScanError {
            path: target.label.clone(),
            message,
        })
    };
    let result = match result {
        Ok(r) => r,
        Err(message) => return fail(message),
    };
    for e in &result.errors {
        progress.message(&crate::diag::warning(
            &format!("{}: {}", target.label, e.path),
            &e.message,
        ));
    }
    match &opts.output_dir {
        None => Done::Kept(Box::new(result)),
        Some(dir) => {
            let file = dir.join(report_file_name(&target.label));
            match write_atomically(&file, |out| {
                let opts = RenderOptions {
                    redact: true,
                    color: false,
                    staged: false,
                };
                report::json::write(&result, opts, out)
            }) {
                Ok(()) => Done::Written {
                    findings: result.findings.len(),
                    live: live_credentials(&result),
                },
                Err(e) => fail(format!("cannot write {}: {e}", file.display())),
            }
        }
    }
}

/// Writes `file` through a temporary file in the same directory and a rename, so a crash never leaves
/// a half-written report that a resumed run would take for a finished one.
pub fn write_atomically(
    file: &Path,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let dir = file.parent().unwrap_or(Path::new("."));
    let name = file.file_name().unwrap_or_default().to_string_lossy();
    // Not `*.json`: `inventory --from DIR` must never read a temporary file.
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let write = || -> io::Result<()> {
        let mut w = io::BufWriter::new(std::fs::File::create(&tmp)?);
        render(&mut w)?;
        w.flush()?;
        w.get_ref().sync_all()?;
        Ok(())
    };
    match write().and_then(|_| std::fs::rename(&tmp, file)) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

#[derive(Default)]
struct Collected {
    results: Vec<ScanResult>,
    errors: Vec<ScanError>,
    scanned: usize,
    failed: usize,
    findings: usize,
    live: usize,
}

/// Credentials of `r` a provider confirmed live.
fn live_credentials(r: &ScanResult) -> usize {
    r.credentials
        .iter()
        .filter(|c| matches!(c.validity.live, crate::finding::Liveness::Live { .. }))
        .count()
}

impl Collected {
    fn add(&mut self, done: Done) {
        match done {
            Done::Written { findings, live } => {
                self.scanned += 1;
                self.findings += findings;
                self.live += live;
            }
            Done::Kept(r) => {
                self.scanned += 1;
                self.findings += r.findings.len();
                self.live += live_credentials(&r);
                self.results.push(*r);
            }
            Done::Failed(e) => {
                self.failed += 1;
                self.errors.push(e);
            }
        }
    }
}

/// One report from several repositories' results: findings sorted by repository then location,
/// credentials regrouped across repositories (keeping each one's governance verdict), stats summed.
fn merge(results: Vec<ScanResult>, failures: Vec<ScanError>) -> ScanResult {
    let mut out = ScanResult::default();
    let mut governance: HashMap<crate::finding::Fingerprint, &'static str> = HashMap::new();
    out.errors = failures;
    for r in results {
        for c in &r.credentials {
            governance
                .entry(c.fingerprint.clone())
                .or_insert(c.governance);
        }
        let repo = r
            .findings
            .first()
            .and_then(|f| f.repository.clone())
            .unwrap_or_default();
        add_stats(&mut out.stats, &r.stats);
        out.findings.extend(r.findings);
        out.errors.extend(r.errors.into_iter().map(|e| ScanError {
            path: if repo.is_empty() || e.path == repo {
                e.path
            } else {
                format!("{repo}: {}", e.path)
            },
            message: e.message,
        }));
        out.notices.extend(r.notices);
    }
    out.findings.sort_by(|a, b| {
        (a.repository.as_deref(), a.sort_key()).cmp(&(b.repository.as_deref(), b.sort_key()))
    });
    out.errors.sort();
    out.notices.sort();
    out.credentials = group_credentials(&out.findings);
    let now = crate::clock::now_unix();
    for c in &mut out.credentials {
        if let Some(g) = governance.get(&c.fingerprint) {
            c.governance = g;
        }
        c.exposed_days = c.exposure_days(now);
    }
    out
}

fn add_stats(a: &mut Stats, b: &Stats) {
    a.add(b);
    a.duration_ms += b.duration_ms;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_one_based() {
        assert_eq!("2/3".parse(), Ok(Shard { index: 2, count: 3 }));
        for bad in ["0/3", "4/3", "x/y", "3", "1/0", "-1/3", ""] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn every_name_is_in_exactly_one_shard() {
        for name in ["a", "https://github.com/o/r.git", "/srv/git/x.git"] {
            let owners: Vec<u64> = (1..=3)
                .filter(|&k| Shard { index: k, count: 3 }.contains(name))
                .collect();
            assert_eq!(owners.len(), 1, "{name}");
        }
        // Pinned: the hash must never change, or machines of one run would disagree.
        assert_eq!(shard_hash("a"), 0xca978112ca1bbdca);
    }

    #[test]
    fn urls_and_paths() {
        for url in [
            "https://h/o/r.git",
            "ssh://git@h/o/r",
            "git@github.com:o/r.git",
            "file:///srv/r.git",
        ] {
            assert!(is_url(url), "{url}");
        }
        for path in ["/srv/r.git", "repos/r", "./a:b", "r@x/y:z"] {
            assert!(!is_url(path), "{path}");
        }
        let t = Target::parse("https://user:tok@h/o/r.git");
        assert_eq!(t.label, "https://h/o/r.git");
    }

    #[test]
    fn list_files_skip_blanks_and_comments() {
        assert_eq!(
            parse_repo_list("# org\n\n  /a  \n#x\nhttps://h/r\n"),
            vec!["/a", "https://h/r"]
        );
    }

    #[test]
    fn report_names_are_readable_and_distinct() {
        assert_eq!(
            report_file_name("https://h/org/repo.git"),
            format!("org-repo-{}.json", short_hash("https://h/org/repo.git"))
        );
        assert_eq!(sanitized_name("git@h:o/r y.git"), "o-r_y");
        assert_eq!(sanitized_name("/"), "repo");
        assert_ne!(report_file_name("/a/x/r"), report_file_name("/b/x/r"));
    }
}
