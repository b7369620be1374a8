//! Validity: is a credential live? Two steps, on plain data from the orchestrator.
//!
//! - [`apply_offline`] (always, no network): checksums and structure ([`offline`]). A value that fails
//!   its checksum or structure keeps being reported, with confidence lowered to low.
//! - [`validate`] (only with `--validate`): each distinct credential whose rule has a `validate`
//!   request is checked once with its provider ([`http`]), with a global concurrency cap, a
//!   per-provider rate limit, a per-provider stop after a 429, and an optional JSONL audit log that
//!   never contains a secret.

pub mod http;
pub mod offline;
pub mod sigv4;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use time::OffsetDateTime;

use crate::finding::{Credential, Finding, Fingerprint, Liveness, Offline, Secret};
use crate::rules::validate::ValidateSpec;
use crate::rules::{Confidence, RuleMeta};

/// "Now" for JWT expiry and `checked_at`: `SPRAWL_NOW` (RFC 3339) when set, for reproducible reports.
pub fn now() -> OffsetDateTime {
    std::env::var("SPRAWL_NOW")
        .ok()
        .and_then(|s| {
            OffsetDateTime::parse(&s, &time::format_description::well_known::Rfc3339).ok()
        })
        .unwrap_or_else(OffsetDateTime::now_utc)
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(t)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Runs the offline checks on every finding, and lowers the confidence of values whose checksum or
/// structure says the provider never issued them.
pub fn apply_offline(findings: &mut [Finding], now: OffsetDateTime) {
    let mut lowered: HashMap<String, Arc<RuleMeta>> = HashMap::new();
    for f in findings {
        let verdict = offline::check(&f.rule.id, f.secret.expose(), now.unix_timestamp());
        f.validity.offline = verdict;
        if matches!(verdict, Some(Offline::ChecksumFailed | Offline::Malformed))
            && f.rule.confidence != Confidence::Low
        {
            let low = lowered.entry(f.rule.id.clone()).or_insert_with(|| {
                Arc::new(RuleMeta {
                    confidence: Confidence::Low,
                    ..(*f.rule).clone()
                })
            });
            f.rule = low.clone();
        }
    }
}

/// How `--validate` runs.
#[derive(Clone, Debug)]
pub struct Settings {
    pub timeout: Duration,
    /// Requests in flight at once, over all providers.
    pub concurrency: usize,
    /// Minimum time between two requests to the same provider.
    pub min_interval: Duration,
    /// Provider -> base URL configured by the user (`[validation.endpoints]`), already checked.
    pub endpoints: BTreeMap<String, String>,
    /// JSONL audit trail.
    pub audit_log: Option<PathBuf>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            timeout: Duration::from_secs(10),
            concurrency: 8,
            min_interval: Duration::from_millis(100),
            endpoints: BTreeMap::new(),
            audit_log: None,
        }
    }
}

/// One credential to check.
struct Job {
    credential: usize,
    spec: Arc<ValidateSpec>,
    rule: Arc<RuleMeta>,
    fingerprint: Fingerprint,
    secret: Secret,
    /// Candidate pair secrets found next to it (same path and commit), with their credential index
    /// (`None` for a companion value, which is not a reported credential).
    pairs: Vec<(Option<usize>, Secret)>,
}

/// A finished job: credential index, outcome, the pair credential that made it live, when.
type Checked = (usize, Liveness, Option<usize>, OffsetDateTime);

/// A location: path and commit.
type Place<'a> = (&'a str, Option<&'a str>);

/// A value found at a place: rule id, reported credential index, value.
type Found<'a> = (&'a str, Option<usize>, &'a Secret);

/// The candidate pairs tried per credential: a file with many keys must not fan out requests.
const MAX_PAIRS: usize = 3;

/// Checks every credential whose rule has a request in `specs`, once per credential, and copies the
/// outcome to its findings. `companions` are unreported findings that can complete a pair (a username).
/// The only error is an audit log that cannot be written.
pub fn validate(
    credentials: &mut [Credential],
    findings: &mut [Finding],
    companions: &[Finding],
    specs: &HashMap<String, Arc<ValidateSpec>>,
    settings: &Settings,
) -> io::Result<()> {
    let mut audit = match &settings.audit_log {
        // Appended to: an audit trail keeps every run.
        Some(p) => Some(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(p)
                .map_err(|e| {
                    io::Error::new(e.kind(), format!("cannot write {}: {e}", p.display()))
                })?,
        ),
        None => None,
    };
    let jobs = plan(credentials, findings, companions, specs);
    let endpoints: BTreeMap<String, http::Target> = settings
        .endpoints
        .iter()
        .filter_map(|(provider, base)| {
            let (_, host, _) = crate::rules::validate::split_url(base)?;
            Some((
                provider.clone(),
                http::Target {
                    base: base.trim_end_matches('/').to_string(),
                    host: host.to_ascii_lowercase(),
                    configured: true,
                },
            ))
        })
        .collect();
    let agent = http::agent(
        settings.timeout,
        endpoints.values().map(|t| t.host.clone()).collect(),
    );
    let limiter = Limiter::new(settings.min_interval);
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Checked>> = Mutex::new(Vec::new());
    let log_lines: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let workers = settings.concurrency.clamp(1, 64).min(jobs.len());
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(job) = jobs.get(i) else { break };
                let (live, paired) = run_job(job, &agent, &endpoints, &limiter, &log_lines);
                results.lock().unwrap_or_else(|e| e.into_inner()).push((
                    job.credential,
                    live,
                    paired,
                    now(),
                ));
            });
        }
    });
    if let Some(file) = &mut audit {
        let mut lines = log_lines.into_inner().unwrap_or_else(|e| e.into_inner());
        lines.sort();
        for l in lines {
            writeln!(file, "{l}")?;
        }
        file.flush()?;
    }
    // Applied in credential order, not completion order: the same input gives the same report.
    let mut results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    results.sort_by_key(|r| r.0);
    let mut by_fp: HashMap<Fingerprint, crate::finding::Validity> = HashMap::new();
    for (index, live, paired, at) in results {
        let checked_at = Some(rfc3339(at));
        let c = &mut credentials[index];
        c.validity.live = live.clone();
        c.validity.checked_at = checked_at.clone();
        by_fp.insert(c.fingerprint.clone(), c.validity.clone());
        // A live pair proves the companion secret live too (same identity).
        if let (Some(p), Liveness::Live { .. }) = (paired, &live) {
            let pc = &mut credentials[p];
            pc.validity.live = live;
            pc.validity.checked_at = checked_at;
            by_fp.insert(pc.fingerprint.clone(), pc.validity.clone());
        }
    }
    for f in findings {
        if let Some(v) = by_fp.get(&f.fingerprint) {
            f.validity.live = v.live.clone();
            f.validity.checked_at = v.checked_at.clone();
        }
    }
    Ok(())
}

/// The jobs: one per credential with a request, with pair candidates from the same locations.
fn plan(
    credentials: &[Credential],
    findings: &[Finding],
    companions: &[Finding],
    specs: &HashMap<String, Arc<ValidateSpec>>,
) -> Vec<Job> {
    let index: HashMap<&Fingerprint, usize> = credentials
        .iter()
        .enumerate()
        .map(|(i, c)| (&c.fingerprint, i))
        .collect();
    // (path, commit) -> what was found there: rule id, credential index (if reported), value.
    let mut places: HashMap<Place, Vec<Found>> = HashMap::new();
    for f in findings.iter().chain(companions) {
        let commit = f.commit.as_ref().map(|c| c.id.as_str());
        places.entry((&f.path, commit)).or_default().push((
            f.rule.id.as_str(),
            index.get(&f.fingerprint).copied(),
            &f.secret,
        ));
    }
    let mut jobs = Vec::new();
    for (i, c) in credentials.iter().enumerate() {
        let Some(spec) = specs.get(&c.rule.id) else {
            continue;
        };
        let mut pairs: Vec<(Option<usize>, Secret)> = Vec::new();
        if let Some(pair_rule) = &spec.pair {
            let mut seen = BTreeSet::new();
            let mine = |v: &&Vec<Found>| v.iter().any(|(_, j, _)| *j == Some(i));
            for here in places.values().filter(mine) {
                for (rule, j, secret) in here {
                    if rule == pair_rule && seen.insert(*secret) {
                        pairs.push((*j, (*secret).clone()));
                    }
                }
            }
            pairs.sort_by(|a, b| a.1.cmp(&b.1));
            pairs.truncate(MAX_PAIRS);
        }
        jobs.push(Job {
            credential: i,
            spec: spec.clone(),
            rule: c.rule.clone(),
            fingerprint: c.fingerprint.clone(),
            secret: c.secret.clone(),
            pairs,
        });
    }
    jobs
}

/// Checks one credential (trying its pair candidates in order until one is live). Returns the outcome
/// and, when a pair made it live, the pair's credential index.
fn run_job(
    job: &Job,
    agent: &ureq::Agent,
    endpoints: &BTreeMap<String, http::Target>,
    limiter: &Limiter,
    log: &Mutex<Vec<String>>,
) -> (Liveness, Option<usize>) {
    let provider = job.rule.provider.as_str();
    let target = match endpoints.get(provider) {
        Some(t) => t.clone(),
        None if job.spec.requires_endpoint => {
            let live = Liveness::Unknown {
                reason: "endpoint_required",
            };
            audit(log, job, None, &live, None);
            return (live, None);
        }
        None => http::Target {
            base: job.spec.origin.clone(),
            host: crate::rules::validate::split_url(&job.spec.origin)
                .map(|(_, h, _)| h.to_ascii_lowercase())
                .unwrap_or_default(),
            configured: false,
        },
    };
    if job.spec.pair.is_some() && job.pairs.is_empty() {
        let live = Liveness::Unknown {
            reason: "missing_pair",
        };
        audit(log, job, Some(&target.host), &live, None);
        return (live, None);
    }
    let candidates: Vec<Option<&(Option<usize>, Secret)>> = if job.spec.pair.is_some() {
        job.pairs.iter().map(Some).collect()
    } else {
        vec![None]
    };
    // Any live pair wins; a body that proves the key itself invalid settles it; otherwise a rejection
    // of every candidate is a pair mismatch, and any other unknown (a timeout) is kept.
    let mut last: Option<Liveness> = None;
    for pair in candidates {
        // One request in flight per provider: a 429 is always seen before the next request leaves.
        let lane = limiter.lane(provider);
        let _turn = lane.lock().unwrap_or_else(|e| e.into_inner());
        if !limiter.wait(provider) {
            let live = Liveness::Unknown {
                reason: "rate_limited",
            };
            audit(log, job, Some(&target.host), &live, None);
            return (live, None);
        }
        // Signed with the real clock: `SPRAWL_NOW` is for reports, and AWS refuses a stale date.
        let amz_date = OffsetDateTime::now_utc()
            .format(time::macros::format_description!(
                "[year][month][day]T[hour][minute][second]Z"
            ))
            .unwrap_or_default();
        let outcome = http::check(
            agent,
            &job.spec,
            &target,
            &job.secret,
            pair.map(|p| &p.1),
            &amz_date,
        );
        audit(
            log,
            job,
            Some(&target.host),
            &outcome.live,
            outcome.http_status,
        );
        if outcome.http_status == Some(429) {
            limiter.stop(provider);
        }
        match outcome.live {
            Liveness::Live { .. } => return (outcome.live, pair.and_then(|p| p.0)),
            Liveness::Invalid => return (outcome.live, None),
            Liveness::Unknown {
                reason: "rate_limited",
            } => return (outcome.live, None),
            Liveness::Unknown {
                reason: "pair_mismatch",
            } if last.is_some() => {}
            other => last = Some(other),
        }
    }
    (
        last.unwrap_or(Liveness::Unknown {
            reason: "network_error",
        }),
        None,
    )
}

/// One audit line: time, rule, provider, host, fingerprint, outcome. Never the secret.
fn audit(
    log: &Mutex<Vec<String>>,
    job: &Job,
    host: Option<&str>,
    live: &Liveness,
    http_status: Option<u16>,
) {
    let reason = match live {
        Liveness::Unknown { reason } => Some(*reason),
        _ => None,
    };
    let line = serde_json::json!({
        "time": rfc3339(now()),
        "rule": job.rule.id,
        "provider": job.rule.provider,
        "host": host,
        "fingerprint": job.fingerprint.0,
        "outcome": live.status(),
        "reason": reason,
        "http_status": http_status,
    });
    log.lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(line.to_string());
}

/// Per-provider pacing: one request in flight per provider, at most one request per `interval` to
/// each, and none after the provider answered 429 (the rest of its credentials are `rate_limited`
/// without a request).
struct Limiter {
    interval: Duration,
    next: Mutex<HashMap<String, Instant>>,
    stopped: Mutex<HashSet<String>>,
    lanes: Mutex<HashMap<String, Arc<Mutex<()>>>>,
}

impl Limiter {
    fn new(interval: Duration) -> Limiter {
        Limiter {
            interval,
            next: Mutex::new(HashMap::new()),
            stopped: Mutex::new(HashSet::new()),
            lanes: Mutex::new(HashMap::new()),
        }
    }

    /// The provider's lane: held while its request is in flight.
    fn lane(&self, provider: &str) -> Arc<Mutex<()>> {
        self.lanes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(provider.to_string())
            .or_default()
            .clone()
    }

    /// Waits for the provider's next slot; false if the provider said to stop.
    fn wait(&self, provider: &str) -> bool {
        if self.is_stopped(provider) {
            return false;
        }
        let slot = {
            let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let slot = next.get(provider).copied().unwrap_or(now).max(now);
            next.insert(provider.to_string(), slot + self.interval);
            slot
        };
        let wait = slot.saturating_duration_since(Instant::now());
        if !wait.is_zero() {
            std::thread::sleep(wait);
        }
        // The provider may have said 429 while this request waited for its slot.
        !self.is_stopped(provider)
    }

    fn is_stopped(&self, provider: &str) -> bool {
        self.stopped
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(provider)
    }

    fn stop(&self, provider: &str) {
        self.stopped
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(provider.to_string());
    }
}
