//! Runs a scan described by a [`Config`]: builds the engine, feeds it from the sources, turns matches into
//! findings and groups them into credentials. Returns plain data; reports serialise it.
//!
//! [`files`]-style scans live here; git history and the staged index are in [`history`].

pub mod history;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::config::{Config, FileConfig, Mode};
use crate::engine::allow::Verdict;
use crate::engine::{triage, BlobSummary, Engine, EngineOptions, GateUse, Scratch};
use crate::enrich::inventory::{self, Governance, Inventory};
use crate::enrich::owners::{self, Codeowners, CODEOWNERS_LOCATIONS};
use crate::enrich::validity;
use crate::finding::{
    group_credentials, Credential, Finding, Fingerprint, Hold, Match, SecretMask, Validity,
};
use crate::rules::validate::ValidateSpec;
use crate::rules::{self, Confidence, RuleError, RuleMeta};
use crate::source::fs::{self, FsOptions, RootError};
use crate::source::strings::Strings;
use crate::source::{control, BlobSink, Origin, Skip};

/// Counters of a run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub files: u64,
    pub blobs: u64,
    pub bytes: u64,
    /// Commits walked (history scans).
    pub commits: u64,
    pub duration_ms: u64,
    pub allowed_inline: u64,
    /// Matches dropped by the config allowlist (values, regexes).
    pub allowlisted: u64,
    /// Findings dropped because their credential is in the baseline.
    pub baselined: u64,
    pub skipped_binary: u64,
    pub skipped_large: u64,
    /// Findings held back below `--min-confidence`, by why ([`Hold`]).
    pub held: BTreeMap<Hold, u64>,
}

impl Stats {
    /// Adds `b`'s counters to these.
    pub fn add(&mut self, b: &Stats) {
        self.files += b.files;
        self.blobs += b.blobs;
        self.bytes += b.bytes;
        self.commits += b.commits;
        self.allowed_inline += b.allowed_inline;
        self.allowlisted += b.allowlisted;
        self.baselined += b.baselined;
        self.skipped_binary += b.skipped_binary;
        self.skipped_large += b.skipped_large;
        for (&reason, &n) in &b.held {
            *self.held.entry(reason).or_default() += n;
        }
    }

    /// Findings held back, over every reason.
    pub fn held_total(&self) -> u64 {
        self.held.values().sum()
    }
}

/// Something that could not be scanned. The message never contains scanned content.
#[derive(Clone, Debug, Hash, PartialEq, Eq, PartialOrd, Ord)]
pub struct ScanError {
    pub path: String,
    pub message: String,
}

/// Everything a scan found, sorted deterministically.
#[derive(Debug, Default)]
pub struct ScanResult {
    pub findings: Vec<Finding>,
    pub credentials: Vec<Credential>,
    pub stats: Stats,
    /// Unreadable inputs (warnings: the scan went on).
    pub errors: Vec<ScanError>,
    /// Files deliberately skipped, with why (warnings worth showing, e.g. too large).
    pub notices: Vec<ScanError>,
    /// The config file that was loaded, if any.
    pub config_loaded: Option<String>,
    /// The CODEOWNERS file the scan found (where, text): the root's for files, HEAD's for history.
    pub codeowners: Option<(String, String)>,
}

/// Why a run could not start.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Rules(#[from] RuleError),
    #[error(transparent)]
    Root(#[from] RootError),
    #[error(transparent)]
    Git(#[from] crate::source::git::GitError),
    #[error(transparent)]
    Baseline(#[from] crate::baseline::BaselineError),
    #[error("validation: {0}")]
    Validation(std::io::Error),
}

/// Runs the scan `config` describes: files, git history, or the staged index.
pub fn run(config: &Config) -> Result<ScanResult, RunError> {
    let started = Instant::now();
    let prepared = Prepared::load(config)?;
    let mut result = run_prepared(config, &prepared)?;
    result.stats.duration_ms = started.elapsed().as_millis() as u64;
    Ok(result)
}

/// What every scan of a run shares, loaded once (bulk scans run many scans with one of these): the
/// compiled engine, the config file, the baseline, the owners inventory and, with `--validate`, the
/// validator (so a credential in many repositories is checked once, under one set of limits).
pub struct Prepared {
    engine: Engine,
    file_config: FileConfig,
    baseline: Option<crate::baseline::Baseline>,
    inventory: Option<Inventory>,
    validator: Option<validity::Validator>,
}

impl Prepared {
    /// Reads the baseline, the inventory and the config file named in `config`, and builds the engine;
    /// any of them being bad is an error before anything is scanned.
    pub fn load(config: &Config) -> Result<Prepared, RunError> {
        let baseline = match &config.baseline {
            Some(p) => Some(crate::baseline::Baseline::load(p)?),
            None => None,
        };
        let inventory = match &config.inventory {
            Some(p) => Some(Inventory::load(p)?),
            None => None,
        };
        let (engine, file_config) = prepare(config)?;
        let validator = if config.validate {
            Some(validator(config, &file_config)?)
        } else {
            None
        };
        Ok(Prepared {
            engine,
            file_config,
            baseline,
            inventory,
            validator,
        })
    }
}

/// [`run`] with what [`Prepared::load`] loaded from the same `config`.
pub fn run_prepared(config: &Config, prepared: &Prepared) -> Result<ScanResult, RunError> {
    let started = Instant::now();
    let Prepared {
        engine,
        file_config,
        baseline,
        inventory,
        validator,
    } = prepared;
    let mut result = match &config.mode {
        Mode::Files => scan_paths(config, engine, file_config)?,
        Mode::History { range } => history::scan_history(config, range.as_ref(), engine)?,
        Mode::Staged => history::scan_staged(config, engine)?,
    };
    // Path allowlists and rule paths apply to every mode (history paths are only known after the
    // scan).
    result.findings.retain(|f| !file_config.excludes(&f.path));
    let mut allowlisted = 0;
    result.findings.retain(|f| {
        let commit = f.commit.as_ref().map(|c| c.id.as_str());
        match engine.verdict(&f.pending, &f.path, commit) {
            Verdict::Report => true,
            Verdict::OutsideRulePath => false,
            Verdict::Allowlisted => {
                allowlisted += 1;
                false
            }
        }
    });
    result.stats.allowlisted += allowlisted;
    // Companion values (a username next to a token) serve validation only and are never reported.
    let (companions, reported): (Vec<Finding>, Vec<Finding>) = std::mem::take(&mut result.findings)
        .into_iter()
        .partition(|f| f.rule.companion);
    result.findings = reported;
    validity::apply_offline(&mut result.findings, crate::clock::now());
    let codeowners = result.codeowners.as_ref().map(|(place, text)| {
        let (parsed, bad_lines) = Codeowners::parse(text);
        for e in bad_lines {
            result.errors.push(ScanError {
                path: format!("{place}:{}", e.line),
                message: format!("CODEOWNERS line ignored: {}", e.message),
            });
        }
        parsed
    });
    owners::assign(&mut result.findings, codeowners.as_ref());
    let verdicts = inventory
        .as_ref()
        .map(|inv| inventory::apply(&mut result.findings, inv, crate::clock::today()))
        .unwrap_or_default();
    if let Some(b) = baseline {
        let before = result.findings.len();
        result.findings.retain(|f| !b.contains(&f.fingerprint));
        result.stats.baselined = (before - result.findings.len()) as u64;
    }
    // Below the minimum confidence: counted by reason, not reported (after the baseline and the
    // inventory, which see every finding).
    let min = config
        .min_confidence
        .or(file_config.min_confidence)
        .unwrap_or(Confidence::Medium);
    let held = &mut result.stats.held;
    result.findings.retain(|f| {
        let keep = f.rule.confidence >= min;
        if !keep {
            *held
                .entry(f.held.unwrap_or(Hold::BelowMinimum))
                .or_default() += 1;
        }
        keep
    });
    result.credentials = group_credentials(&result.findings);
    let now = crate::clock::now_unix();
    for c in &mut result.credentials {
        c.governance = verdicts
            .get(&c.fingerprint)
            .copied()
            .unwrap_or(Governance::Ungoverned)
            .as_str();
        c.exposed_days = c.exposure_days(now);
    }
    if let Some(v) = validator {
        v.validate(&mut result.credentials, &mut result.findings, &companions)
            .map_err(RunError::Validation)?;
    }
    if config.redact {
        mask_secrets_in_names(engine, &mut result);
    }
    result.stats.duration_ms = started.elapsed().as_millis() as u64;
    result.config_loaded = config
        .config_file
        .as_deref()
        .map(|p: &Path| p.display().to_string());
    Ok(result)
}

/// Secrets are redacted in names and messages too (unless `--no-redact`): a credential can sit in a
/// file or archive member name, and warnings quote names. Every secret the scan found, and any the
/// engine finds in the names and messages themselves, is masked in findings' paths and in errors and
/// notices.
fn mask_secrets_in_names(engine: &Engine, result: &mut ScanResult) {
    let mut texts: Vec<&str> = result.findings.iter().map(|f| f.path.as_str()).collect();
    for e in result.errors.iter().chain(&result.notices) {
        texts.push(&e.path);
        texts.push(&e.message);
    }
    texts.sort_unstable();
    texts.dedup();
    let mut scratch = engine.scratch();
    let mut in_names = Vec::new();
    for t in texts {
        engine.scan(t.as_bytes(), &mut scratch, &mut in_names);
    }
    let mask = SecretMask::new(
        result
            .findings
            .iter()
            .map(|f| &f.secret)
            .chain(in_names.iter().map(|m| &m.secret))
            .map(|s| s.expose()),
    );
    for f in &mut result.findings {
        mask.apply_in_place(&mut f.path);
    }
    for e in result.errors.iter_mut().chain(&mut result.notices) {
        mask.apply_in_place(&mut e.path);
        mask.apply_in_place(&mut e.message);
    }
}

/// Tests only: with `SPRAWL_TEST_PANIC=1`, the first blob scanned panics its worker thread with the
/// blob's content in the message, as a bug that quotes what it was given would; the tests check the
/// panic hook ([`crate::diag::install_panic_hook`]) prints none of it.
fn test_panic(data: &[u8]) {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if *ON.get_or_init(|| std::env::var_os("SPRAWL_TEST_PANIC").is_some_and(|v| v == "1")) {
        panic!("test panic on {:?}", String::from_utf8_lossy(data));
    }
}

/// `text` (an error message) with every secret the built-in rules find in it redacted: the last guard
/// for messages that quote a config value, a path or a server's answer, which may hold a credential.
pub fn mask_detected_secrets(text: &str) -> String {
    let Ok(rules) = rules::builtin_for_scan() else {
        return text.to_string();
    };
    let engine = Engine::new(rules, EngineOptions::default());
    let mut scratch = engine.scratch();
    let mut found = Vec::new();
    engine.scan(text.as_bytes(), &mut scratch, &mut found);
    SecretMask::new(found.iter().map(|m| m.secret.expose()))
        .apply(text)
        .into_owned()
}

/// `--validate`: the run's validator, for every rule with a request (built-in or custom); opens the
/// audit log, so one that cannot be written is an error before anything is scanned.
fn validator(config: &Config, file_config: &FileConfig) -> Result<validity::Validator, RunError> {
    let specs = validate_specs(file_config)?;
    let settings = validity::Settings {
        timeout: config.validate_timeout,
        endpoints: file_config.endpoints.clone(),
        audit_log: config.validation_log.clone(),
        blast_radius: config.blast_radius,
        ..validity::Settings::default()
    };
    validity::Validator::new(specs, &settings).map_err(RunError::Validation)
}

/// Every rule's `validate` table (built-in and `file_config`'s custom rules), by rule id.
pub fn validate_specs(
    file_config: &FileConfig,
) -> Result<HashMap<String, Arc<ValidateSpec>>, RuleError> {
    let mut specs: HashMap<String, Arc<ValidateSpec>> = rules::builtin_validate_specs()?
        .into_iter()
        .map(|(id, spec)| (id.to_string(), Arc::new(spec)))
        .collect();
    for r in &file_config.rules {
        if let Some(v) = &r.validate {
            specs.insert(r.meta.id.clone(), v.clone());
        }
    }
    Ok(specs)
}

/// Loads the config file named in `config` (or none) and builds the engine: built-in rules minus disabled
/// ones, plus custom rules (compiled up front, so a bad pattern is an error now).
pub fn prepare(config: &Config) -> Result<(Engine, FileConfig), RuleError> {
    let file_config = match &config.config_file {
        Some(p) => {
            let loaded = FileConfig::load(p)?;
            for w in &loaded.warnings {
                crate::diag::warn(&p.display().to_string(), w);
            }
            loaded
        }
        None => FileConfig::default(),
    };
    let engine = build_engine(&file_config, config)?;
    Ok((engine, file_config))
}

/// The engine for `file_config`'s rules, with `config`'s inline-allow and binary settings.
pub fn build_engine(file_config: &FileConfig, config: &Config) -> Result<Engine, RuleError> {
    let mut all = if file_config.builtin_rules {
        rules::builtin_for_scan()?
    } else {
        Vec::new()
    };
    let custom_ids: Vec<String> = file_config
        .rules
        .iter()
        .map(|r| r.meta.id.clone())
        .collect();
    all.extend(file_config.rules.iter().cloned());
    rules::check_unique_ids(&all)?;
    rules::check_pairs(&all)?;
    all.retain(|r| !file_config.disabled_rules.contains(&r.meta.id));
    let engine = Engine::new(
        all,
        EngineOptions {
            allowlists: file_config.allowlists.clone(),
            inline_allow: config.inline_allow,
            binary: config.binary,
            gate: GateUse::from_env(),
            gate_cache: crate::engine::gate::cache_dir(),
            ..EngineOptions::default()
        },
    );
    engine.compile_all(|r| custom_ids.contains(&r.meta.id))?;
    Ok(engine)
}

/// Scans the files and directories of `config.paths`.
fn scan_paths(
    config: &Config,
    engine: &Engine,
    file_config: &FileConfig,
) -> Result<ScanResult, RunError> {
    let shared = Mutex::new(Collected::default());
    let opts = FsOptions {
        respect_ignore: config.respect_ignore,
        max_file_size: config.max_file_size,
        threads: config.threads,
        exclude: file_config.exclude_paths.clone(),
        archives: Default::default(),
    };
    fs::walk(&config.paths, &opts, || EngineSink::new(engine, &shared))?;
    let mut collected = shared.into_inner().unwrap_or_else(|e| e.into_inner());
    for blob in std::mem::take(&mut collected.blobs) {
        for m in blob.matches {
            collected
                .findings
                .push(to_finding(engine, m, &blob.origin.path));
        }
    }
    let mut result = collected.into_result();
    result.codeowners = config
        .paths
        .first()
        .filter(|root| root.is_dir())
        .and_then(|root| read_codeowners(root, &mut result.errors));
    Ok(result)
}

/// The first CODEOWNERS file of GitHub's locations under `root`, as (relative place, text). Read as a
/// control file (regular files only, bounded, never through a symlink or a FIFO); one that is there but
/// not read is a warning in `errors`, and the next location is tried.
pub fn read_codeowners(root: &Path, errors: &mut Vec<ScanError>) -> Option<(String, String)> {
    CODEOWNERS_LOCATIONS.iter().find_map(|place| {
        match control::read_control_file(&root.join(place)) {
            Ok(data) => data.map(|d| (place.to_string(), String::from_utf8_lossy(&d).into_owned())),
            Err(message) => {
                errors.push(ScanError {
                    path: place.to_string(),
                    message,
                });
                None
            }
        }
    })
}

/// The matches of one blob.
pub struct BlobMatches {
    pub origin: Origin,
    pub matches: Vec<Match>,
}

/// Results gathered by the worker threads.
#[derive(Default)]
pub struct Collected {
    /// Blobs that had matches.
    pub blobs: Vec<BlobMatches>,
    pub findings: Vec<Finding>,
    stats: Stats,
    errors: Vec<ScanError>,
    notices: Vec<ScanError>,
}

impl Collected {
    fn merge(&mut self, other: Collected) {
        self.blobs.extend(other.blobs);
        self.findings.extend(other.findings);
        self.stats.add(&other.stats);
        self.errors.extend(other.errors);
        self.notices.extend(other.notices);
    }

    pub fn into_result(mut self) -> ScanResult {
        self.findings
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.errors.sort();
        self.notices.sort();
        let credentials = group_credentials(&self.findings);
        ScanResult {
            findings: self.findings,
            credentials,
            stats: self.stats,
            errors: self.errors,
            notices: self.notices,
            config_loaded: None,
            codeowners: None,
        }
    }
}

/// Turns an engine match in a blob at `path` into a finding, with the confidence triage gives it: low
/// when held back (the engine's reason, or a generic match or a private key in a file that holds no real
/// values: tests, fixtures, examples, type declarations; [`triage::path_hold`]), medium for a
/// generic match triage found nothing against, the rule's otherwise.
pub fn to_finding(engine: &Engine, m: Match, path: &str) -> Finding {
    let rule = engine.rule(m.rule);
    let generic = triage::is_generic(rule);
    let held = m.held.or_else(|| {
        triage::held_by_path(rule)
            .then(|| triage::path_hold(path))
            .flatten()
    });
    let confidence = match held {
        Some(_) => Confidence::Low,
        None if generic => Confidence::Medium,
        None => rule.meta.confidence,
    };
    Finding {
        fingerprint: Fingerprint::new(&rule.meta.id, m.secret.expose()),
        rule: with_confidence(&rule.meta, confidence),
        held,
        secret: m.secret,
        repository: None,
        path: path.to_string(),
        line: m.line,
        column: m.column,
        end_line: m.end_line,
        end_column: m.end_column,
        decoded: m.decoded,
        pending: m.pending,
        commit: None,
        provenance: None,
        in_head: None,
        last_seen: None,
        owners: Vec::new(),
        owner_source: None,
        validity: Validity::default(),
    }
}

/// `meta`, or a copy of it at `confidence` when that differs.
pub fn with_confidence(meta: &Arc<RuleMeta>, confidence: Confidence) -> Arc<RuleMeta> {
    if meta.confidence == confidence {
        meta.clone()
    } else {
        Arc::new(RuleMeta {
            confidence,
            ..(**meta).clone()
        })
    }
}

/// A worker thread's sink: its own scratch and results, merged into the shared collection when the
/// thread finishes (on drop), so the hot path takes no lock.
pub struct EngineSink<'a> {
    engine: &'a Engine,
    scratch: Scratch,
    matches: Vec<Match>,
    /// The printable runs of the last binary scanned (reused).
    strings: Strings,
    local: Collected,
    shared: &'a Mutex<Collected>,
}

impl<'a> EngineSink<'a> {
    pub fn new(engine: &'a Engine, shared: &'a Mutex<Collected>) -> EngineSink<'a> {
        EngineSink {
            engine,
            scratch: engine.scratch(),
            matches: Vec::new(),
            strings: Strings::default(),
            local: Collected::default(),
            shared,
        }
    }
}

impl EngineSink<'_> {
    /// Scans a blob, counting it, and returns its matches instead of keeping them.
    pub fn scan_now(&mut self, origin: &Origin, data: &[u8]) -> Vec<Match> {
        self.blob(origin, data);
        self.take_matches(origin)
    }

    /// [`EngineSink::scan_now`] for binary content ([`BlobSink::binary`]).
    pub fn scan_binary_now(&mut self, origin: &Origin, data: &[u8]) -> Vec<Match> {
        self.binary(origin, data);
        self.take_matches(origin)
    }

    /// The matches just kept for `origin`, taken back.
    fn take_matches(&mut self, origin: &Origin) -> Vec<Match> {
        match self.local.blobs.last() {
            Some(b) if b.origin == *origin => self.local.blobs.pop().map(|b| b.matches).unwrap(),
            _ => Vec::new(),
        }
    }
}

impl BlobSink for EngineSink<'_> {
    fn blob(&mut self, origin: &Origin, data: &[u8]) {
        test_panic(data);
        self.count(origin, data.len());
        self.matches.clear();
        let summary = self.engine.scan(data, &mut self.scratch, &mut self.matches);
        self.path_rules(origin, data);
        self.keep(origin, summary);
    }

    fn wants_binary(&self) -> bool {
        self.engine.scans_binary()
    }

    /// A binary's printable runs, scanned with the provider rules; a match is placed at its byte
    /// offset in the binary: line 1, column offset + 1 (the binary is one line of bytes).
    fn binary(&mut self, origin: &Origin, data: &[u8]) {
        self.count(origin, data.len());
        self.strings.extract(data);
        self.matches.clear();
        let summary =
            self.engine
                .scan_binary(&self.strings.text, &mut self.scratch, &mut self.matches);
        for m in &mut self.matches {
            let (start, end) = (self.strings.offset(m.start), self.strings.offset(m.end));
            let column = |offset: u64| u32::try_from(offset + 1).unwrap_or(u32::MAX);
            (m.line, m.column, m.end_line, m.end_column) = (1, column(start), 1, column(end));
            (m.start, m.end) = (start as usize, end as usize);
        }
        self.path_rules(origin, data);
        self.keep(origin, summary);
    }

    fn skipped(&mut self, path: &str, why: Skip) {
        match why {
            Skip::Binary => self.local.stats.skipped_binary += 1,
            Skip::TooLarge(size) => {
                self.local.stats.skipped_large += 1;
                self.local.notices.push(ScanError {
                    path: path.to_string(),
                    message: format!(
                        "skipped: {} is over the size limit (--max-file-size)",
                        crate::diag::human_bytes(size)
                    ),
                });
            }
        }
    }

    fn warning(&mut self, path: &str, message: String) {
        self.local.errors.push(ScanError {
            path: path.to_string(),
            message,
        });
    }
}

impl EngineSink<'_> {
    /// Counts a blob of `len` bytes from `origin`.
    fn count(&mut self, origin: &Origin, len: usize) {
        let stats = &mut self.local.stats;
        match (origin.blob, origin.commit) {
            (Some(_), _) => stats.blobs += 1,
            (None, Some(_)) => {} // a commit or tag message
            (None, None) => {
                stats.files += 1;
                stats.blobs += 1;
            }
        }
        stats.bytes += len as u64;
    }

    /// Path-only rules, for files (a git blob's paths are known only after the scan: see
    /// [`history::scan_history`]).
    fn path_rules(&mut self, origin: &Origin, data: &[u8]) {
        if origin.blob.is_none() && origin.commit.is_none() {
            self.engine.scan_path(&origin.path, data, &mut self.matches);
        }
    }

    /// Keeps the matches just found in the blob from `origin`.
    fn keep(&mut self, origin: &Origin, summary: BlobSummary) {
        self.local.stats.allowed_inline += summary.allowed_inline as u64;
        self.local.stats.allowlisted += summary.allowlisted as u64;
        if !self.matches.is_empty() {
            self.local.blobs.push(BlobMatches {
                origin: origin.clone(),
                matches: std::mem::take(&mut self.matches),
            });
        }
    }
}

impl Drop for EngineSink<'_> {
    fn drop(&mut self) {
        let local = std::mem::take(&mut self.local);
        let mut shared = self.shared.lock().unwrap_or_else(|e| e.into_inner());
        shared.merge(local);
    }
}
