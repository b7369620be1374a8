//! Validity: is a credential live? Two steps, on plain data from the orchestrator.
//!
//! - [`apply_offline`] (always, no network): checksums and structure ([`offline`]). A value that fails
//!   its checksum or structure is held back (confidence low, shown with `--min-confidence low`).
//! - [`Validator`] (only with `--validate`, one per run, shared by every repository of a bulk scan):
//!   each distinct credential whose rule has a `validate` request is checked once with its provider
//!   ([`http`]), with a global concurrency cap, a per-provider rate limit, a per-provider stop after a
//!   429 that concerns the provider, and an optional JSONL audit log that never contains a secret.

pub mod http;
pub mod offline;
pub mod reach;
pub mod sigv4;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

use time::OffsetDateTime;

use crate::finding::{Credential, Finding, Fingerprint, Hold, Liveness, Offline, Secret};
use crate::rules::validate::ValidateSpec;
use crate::rules::{Confidence, RuleMeta};

/// Runs the offline checks on every finding, and holds back (confidence low) values whose checksum or
/// structure says the provider never issued them ([`Hold::FailedCheck`]) and JWTs that have expired
/// ([`Hold::Expired`]).
pub fn apply_offline(findings: &mut [Finding], now: OffsetDateTime) {
    let mut lowered: HashMap<String, Arc<RuleMeta>> = HashMap::new();
    for f in findings {
        let verdict = offline::check(&f.rule.id, f.secret.expose(), now.unix_timestamp());
        f.validity.offline = verdict;
        let hold = match verdict {
            Some(Offline::ChecksumFailed | Offline::Malformed) => Some(Hold::FailedCheck),
            Some(Offline::Expired) => Some(Hold::Expired),
            _ => None,
        };
        if let Some(hold) = hold {
            f.held = f.held.or(Some(hold));
            if f.rule.confidence != Confidence::Low {
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
    /// `--blast-radius`: for each live credential, the rule's read-only reach requests.
    pub blast_radius: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            timeout: Duration::from_secs(10),
            concurrency: 8,
            min_interval: Duration::from_millis(100),
            endpoints: BTreeMap::new(),
            audit_log: None,
            blast_radius: false,
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

/// A finished check: the outcome, the pair value that made it live, what it can reach, when.
#[derive(Clone)]
struct Done {
    live: Liveness,
    paired: Option<Secret>,
    reach: Option<crate::finding::Reach>,
    at: OffsetDateTime,
}

/// What a check depends on: the credential and the pair candidates next to it (the same key id with
/// another secret elsewhere is another check).
type CacheKey = (Fingerprint, Vec<Secret>);

/// A location: path and commit.
type Place<'a> = (&'a str, Option<&'a str>);

/// A value found at a place: rule id, reported credential index, value.
type Found<'a> = (&'a str, Option<usize>, &'a Secret);

/// The candidate pairs tried per credential: a file with many keys must not fan out requests.
const MAX_PAIRS: usize = 3;

/// `--validate` for a whole run, shared by every scan of it (a bulk scan's repositories, scanned in
/// parallel): one HTTP client, one global cap on requests in flight, one per-provider pace and 429
/// state, one audit log, and one result per credential (a credential found in many repositories is
/// checked once; a repository asking for one being checked waits for that answer).
pub struct Validator {
    specs: HashMap<String, Arc<ValidateSpec>>,
    concurrency: usize,
    agent: ureq::Agent,
    endpoints: BTreeMap<String, http::Target>,
    slots: Slots,
    limiter: Limiter,
    cache: Mutex<HashMap<CacheKey, Arc<OnceLock<Done>>>>,
    audit: Option<Mutex<std::fs::File>>,
    /// The first audit write that failed, reported by the next [`Validator::validate`].
    audit_error: Mutex<Option<io::Error>>,
    blast_radius: bool,
}

impl Validator {
    /// Opens the audit log (appended to: an audit trail keeps every run); failing to is the only error.
    pub fn new(
        specs: HashMap<String, Arc<ValidateSpec>>,
        settings: &Settings,
    ) -> io::Result<Validator> {
        let audit = match &settings.audit_log {
            Some(p) => Some(Mutex::new(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(p)
                    .map_err(|e| {
                        io::Error::new(e.kind(), format!("cannot write {}: {e}", p.display()))
                    })?,
            )),
            None => None,
        };
        let endpoints = http::configured(&settings.endpoints);
        let agent = http::agent(
            settings.timeout,
            endpoints.values().map(|t| t.host.clone()).collect(),
        );
        let concurrency = settings.concurrency.clamp(1, 64);
        Ok(Validator {
            specs,
            concurrency,
            agent,
            endpoints,
            slots: Slots::new(concurrency),
            limiter: Limiter::new(settings.min_interval),
            cache: Mutex::new(HashMap::new()),
            audit,
            audit_error: Mutex::new(None),
            blast_radius: settings.blast_radius,
        })
    }

    /// Checks every credential whose rule has a request, once per credential over the whole run, and
    /// copies the outcome to its findings. `companions` are unreported findings that can complete a
    /// pair (a username). The only error is an audit log that cannot be written.
    pub fn validate(
        &self,
        credentials: &mut [Credential],
        findings: &mut [Finding],
        companions: &[Finding],
    ) -> io::Result<()> {
        let jobs = plan(credentials, findings, companions, &self.specs);
        let results: Mutex<Vec<(usize, Done, Option<usize>)>> = Mutex::new(Vec::new());
        crate::work::for_each(&jobs, self.concurrency, |job| {
            let key: CacheKey = (
                job.fingerprint.clone(),
                job.pairs.iter().map(|p| p.1.clone()).collect(),
            );
            let cell = self
                .cache
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .entry(key)
                .or_default()
                .clone();
            // Another repository checking the same credential: wait for its answer.
            let done = cell.get_or_init(|| self.run_job(job)).clone();
            let paired = done
                .paired
                .as_ref()
                .and_then(|secret| job.pairs.iter().find(|p| &p.1 == secret).and_then(|p| p.0));
            results
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((job.credential, done, paired));
        });
        if let Some(e) = self
            .audit_error
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
        {
            return Err(e);
        }
        // Applied in credential order, not completion order: the same input gives the same report.
        let mut results = results.into_inner().unwrap_or_else(|e| e.into_inner());
        results.sort_by_key(|r| r.0);
        let mut by_fp: HashMap<Fingerprint, crate::finding::Validity> = HashMap::new();
        for (index, done, paired) in results {
            let checked_at = Some(crate::clock::utc_rfc3339(done.at));
            let c = &mut credentials[index];
            c.validity.live = done.live.clone();
            c.validity.checked_at = checked_at.clone();
            c.validity.reach = done.reach.clone();
            by_fp.insert(c.fingerprint.clone(), c.validity.clone());
            // A live pair proves the companion secret live too (same identity, same reach).
            if let (Some(p), Liveness::Live { .. }) = (paired, &done.live) {
                let pc = &mut credentials[p];
                pc.validity.live = done.live;
                pc.validity.checked_at = checked_at;
                pc.validity.reach = done.reach;
                by_fp.insert(pc.fingerprint.clone(), pc.validity.clone());
            }
        }
        for f in findings {
            if let Some(v) = by_fp.get(&f.fingerprint) {
                f.validity.live = v.live.clone();
                f.validity.checked_at = v.checked_at.clone();
                f.validity.reach = v.reach.clone();
            }
        }
        Ok(())
    }

    fn run_job(&self, job: &Job) -> Done {
        let (live, paired) = self.check(job);
        let at = crate::clock::now();
        let reach = (self.blast_radius
            && matches!(live, Liveness::Live { .. })
            && !job.spec.reach.is_empty())
        .then(|| self.reach(job, paired.as_ref()));
        Done {
            live,
            paired,
            reach,
            at,
        }
    }

    /// `--blast-radius` for a live credential: the rule's reach requests, paced like checks, each
    /// one an audit line.
    fn reach(&self, job: &Job, pair: Option<&Secret>) -> crate::finding::Reach {
        let provider = job.rule.provider.as_str();
        // One request in flight per provider, and each counts against the global cap.
        let lane = self.limiter.lane(provider);
        let _turn = lane.lock().unwrap_or_else(|e| e.into_inner());
        let _slot = self.slots.acquire();
        reach::run(
            &self.agent,
            &job.spec,
            self.endpoints.get(provider),
            &job.secret,
            pair,
            || self.limiter.wait(provider),
            |sent| {
                self.audit_line(serde_json::json!({
                    "time": crate::clock::now_rfc3339(),
                    "kind": "reach",
                    "rule": job.rule.id,
                    "provider": job.rule.provider,
                    "host": sent.host,
                    "fingerprint": job.fingerprint.0,
                    "step": sent.step,
                    "outcome": sent.outcome,
                    "http_status": sent.http_status,
                }));
            },
        )
    }

    /// Checks one credential (trying its pair candidates in order until one is live). Returns the
    /// outcome and, when a pair made it live, the pair's value.
    fn check(&self, job: &Job) -> (Liveness, Option<Secret>) {
        let provider = job.rule.provider.as_str();
        let target = match self.endpoints.get(provider) {
            Some(t) => t.clone(),
            None if job.spec.requires_endpoint => {
                let live = Liveness::Unknown {
                    reason: "endpoint_required",
                };
                self.audit(job, None, &live, None);
                return (live, None);
            }
            None => http::target(None, &job.spec.origin),
        };
        if job.spec.pair.is_some() && job.pairs.is_empty() {
            let live = Liveness::Unknown {
                reason: "missing_pair",
            };
            self.audit(job, Some(&target.host), &live, None);
            return (live, None);
        }
        let candidates: Vec<Option<&Secret>> = if job.spec.pair.is_some() {
            job.pairs.iter().map(|p| Some(&p.1)).collect()
        } else {
            vec![None]
        };
        // Any live pair wins; a body that proves the key itself invalid settles it; otherwise a
        // rejection of every candidate is a pair mismatch, and any other unknown (a timeout) is kept.
        let mut last: Option<Liveness> = None;
        for pair in candidates {
            // One request in flight per provider: a 429 is always seen before the next request leaves.
            let lane = self.limiter.lane(provider);
            let _turn = lane.lock().unwrap_or_else(|e| e.into_inner());
            if !self.limiter.wait(provider) {
                let live = Liveness::Unknown {
                    reason: "rate_limited",
                };
                self.audit(job, Some(&target.host), &live, None);
                return (live, None);
            }
            let amz_date = http::amz_date();
            let outcome = {
                let _slot = self.slots.acquire();
                http::check(
                    &self.agent,
                    &job.spec,
                    &target,
                    &job.secret,
                    pair,
                    &amz_date,
                )
            };
            self.audit(job, Some(&target.host), &outcome.live, outcome.http_status);
            if outcome.http_status == Some(429) {
                self.limiter
                    .too_many(provider, &job.fingerprint, outcome.retry_after);
            }
            match outcome.live {
                Liveness::Live { .. } => return (outcome.live, pair.cloned()),
                Liveness::Invalid
                | Liveness::Unknown {
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

    /// One audit line: time, rule, provider, host, fingerprint, outcome; never the secret. Written as
    /// the check finishes, in one write of a whole line, so concurrent lines never interleave and a
    /// crash loses at most the checks in flight.
    fn audit(&self, job: &Job, host: Option<&str>, live: &Liveness, http_status: Option<u16>) {
        let reason = match live {
            Liveness::Unknown { reason } => Some(*reason),
            _ => None,
        };
        self.audit_line(serde_json::json!({
            "time": crate::clock::now_rfc3339(),
            "rule": job.rule.id,
            "provider": job.rule.provider,
            "host": host,
            "fingerprint": job.fingerprint.0,
            "outcome": live.status(),
            "reason": reason,
            "http_status": http_status,
        }));
    }

    /// Appends one line to the audit log (when there is one).
    fn audit_line(&self, value: serde_json::Value) {
        let Some(file) = &self.audit else { return };
        let mut line = value.to_string();
        line.push('\n');
        let mut file = file.lock().unwrap_or_else(|e| e.into_inner());
        if let Err(e) = file.write_all(line.as_bytes()) {
            self.audit_error
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get_or_insert(e);
        }
    }
}

/// A counting semaphore: requests in flight over the whole run.
struct Slots {
    free: Mutex<usize>,
    freed: Condvar,
}

struct Slot<'a>(&'a Slots);

impl Slots {
    fn new(n: usize) -> Slots {
        Slots {
            free: Mutex::new(n),
            freed: Condvar::new(),
        }
    }

    fn acquire(&self) -> Slot<'_> {
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        while *free == 0 {
            free = self.freed.wait(free).unwrap_or_else(|e| e.into_inner());
        }
        *free -= 1;
        Slot(self)
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        *self.0.free.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        self.0.freed.notify_one();
    }
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

/// Per-provider pacing: one request in flight per provider, at most one request per `interval` to
/// each, and none after the provider answered a 429 that concerns the provider rather than one key
/// (the rest of its credentials are `rate_limited` without a request). A 429 is global when it has
/// a `Retry-After` header or when a second credential gets one too; a single key's 429 (OpenAI's
/// `insufficient_quota`) only makes that credential `rate_limited`.
struct Limiter {
    interval: Duration,
    next: Mutex<HashMap<String, Instant>>,
    stopped: Mutex<HashSet<String>>,
    lanes: Mutex<HashMap<String, Arc<Mutex<()>>>>,
    /// Provider -> the credentials that got a 429 without `Retry-After`.
    limited: Mutex<HashMap<String, HashSet<Fingerprint>>>,
}

impl Limiter {
    fn new(interval: Duration) -> Limiter {
        Limiter {
            interval,
            next: Mutex::new(HashMap::new()),
            stopped: Mutex::new(HashSet::new()),
            lanes: Mutex::new(HashMap::new()),
            limited: Mutex::new(HashMap::new()),
        }
    }

    /// `credential` got a 429 from `provider`: stop the provider if the 429 looks global.
    fn too_many(&self, provider: &str, credential: &Fingerprint, retry_after: bool) {
        let global = retry_after || {
            let mut limited = self.limited.lock().unwrap_or_else(|e| e.into_inner());
            let who = limited.entry(provider.to_string()).or_default();
            who.insert(credential.clone());
            who.len() >= 2
        };
        if global {
            self.stop(provider);
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
