//! `sprawl revoke`: kills credentials found by a scan through their providers' own revocation APIs
//! (`[[rules.validate.revoke]]` in the rule files), from a saved JSON report.
//!
//! - A dry run by default: each request is printed (method, URL, header names, body) with the secret
//!   and every value derived from it redacted, and nothing is sent. `--yes` sends.
//! - The secret comes from the report when it was written with `--no-redact` (checked against the
//!   fingerprint), else it is read again at its recorded locations: the file under `--root` (default
//!   `.`, the directory that was scanned), or the blob at `commit:path` in the repository at `--root`
//!   for a history finding. A redacted report whose locations cannot be read is refused, saying what
//!   to do.
//! - Requests go through the validation guards ([`http::send`]): HTTPS, the rule's hosts (or the
//!   provider's configured endpoint), no redirects, a timeout. Each is an audit line (time, rule,
//!   fingerprint, host, step, outcome, HTTP status), never the secret.
//! - A failed revocation is an error for that credential; the others go on. Each revoked credential's
//!   `validity.status` becomes `revoked` (with `revoked_at`) in the report, rewritten in place.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::config::FileConfig;
use crate::engine::Engine;
use crate::enrich::validity::http::{self, Target};
use crate::finding::{Fingerprint, Secret};
use crate::rules::validate::{Capture, RevokeStep, ValidateSpec};

/// What to revoke and how.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub report: PathBuf,
    /// Full fingerprints or prefixes of at least 8 characters; empty: no filter.
    pub fingerprints: Vec<String>,
    /// Only credentials with this owner.
    pub owner: Option<String>,
    /// Only credentials the report says are live.
    pub only_live: bool,
    /// Send the requests (otherwise: print them).
    pub yes: bool,
    /// Where the scanned tree (or repository) is, to read secrets a redacted report does not hold.
    pub root: PathBuf,
    pub timeout: Duration,
    pub audit_log: Option<PathBuf>,
}

/// What happened to one credential.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Dry run: these requests would be sent.
    WouldSend(Vec<String>),
    Revoked,
    /// The provider has no revocation API in the rules: how to revoke it by hand.
    ByHand(String),
    /// The revocation was tried and failed, or could not be tried (no secret).
    Failed(String),
}

/// One selected credential and its outcome.
#[derive(Clone, Debug)]
pub struct Done {
    pub fingerprint: String,
    pub rule_id: String,
    pub outcome: Outcome,
}

#[derive(Debug, thiserror::Error)]
pub enum RevokeError {
    #[error("{path}: {message}")]
    Report { path: String, message: String },
    #[error("cannot write the audit log {path}: {source}")]
    Audit {
        path: String,
        source: std::io::Error,
    },
}

/// A credential of the report, with what is needed to find its secret.
struct Selected {
    fingerprint: String,
    rule_id: String,
    /// (path, commit, the report's secret text) of each finding.
    locations: Vec<(String, Option<String>, String)>,
    /// Unredacted values the report holds at those locations: (path, commit, rule id, value).
    beside: Vec<(String, Option<String>, String, String)>,
}

/// Runs `sprawl revoke`. `engine` finds secrets again at their locations (its rules give each
/// credential's provider and remediation text); `specs` are the rules' validation tables by rule id.
pub fn run(
    options: &Options,
    engine: &Engine,
    specs: &HashMap<String, Arc<ValidateSpec>>,
    file_config: &FileConfig,
) -> Result<Vec<Done>, RevokeError> {
    let metas: HashMap<&str, &crate::rules::RuleMeta> = engine
        .rules()
        .map(|r| (r.meta.id.as_str(), r.meta.as_ref()))
        .collect();
    let mut report = read_report(&options.report)?;
    let selected = select(&report, options);
    let mut audit = AuditLog::open(options.audit_log.as_deref())?;
    let endpoints = http::configured(&file_config.endpoints);
    let agent = http::agent(
        options.timeout,
        endpoints.values().map(|t| t.host.clone()).collect(),
    );
    let revoker = Revoker {
        options,
        engine,
        specs,
        metas,
        endpoints,
        agent,
    };
    let mut done = Vec::new();
    for s in selected {
        done.push(revoker.revoke(s, &mut audit)?);
    }
    let revoked: Vec<&str> = done
        .iter()
        .filter(|d| d.outcome == Outcome::Revoked)
        .map(|d| d.fingerprint.as_str())
        .collect();
    if !revoked.is_empty() {
        mark_revoked(&mut report, &revoked, &crate::clock::now_rfc3339());
        rewrite_report(&report, &options.report)?;
    }
    Ok(done)
}

/// An error about the report at `path`.
fn bad_report(path: &Path, message: String) -> RevokeError {
    RevokeError::Report {
        path: path.display().to_string(),
        message,
    }
}

/// The JSON report at `path`, refused unless it is a sprawl report (schema version 1).
fn read_report(path: &Path) -> Result<Value, RevokeError> {
    let text = std::fs::read_to_string(path).map_err(|e| bad_report(path, e.to_string()))?;
    let report: Value = serde_json::from_str(&text)
        .map_err(|e| bad_report(path, format!("not a JSON report: {e}")))?;
    if report.get("schema_version").and_then(Value::as_u64) != Some(1) {
        return Err(bad_report(
            path,
            "not a sprawl JSON report (schema_version 1): write one with `sprawl scan --format json`"
                .into(),
        ));
    }
    Ok(report)
}

/// Writes `report` back to `path` through a temporary file renamed over it.
fn rewrite_report(report: &Value, path: &Path) -> Result<(), RevokeError> {
    let mut text =
        serde_json::to_string_pretty(report).map_err(|e| bad_report(path, e.to_string()))?;
    text.push('\n');
    let tmp = path.with_extension("json.sprawl-tmp");
    std::fs::write(&tmp, text)
        .and_then(|_| std::fs::rename(&tmp, path))
        .map_err(|e| bad_report(path, format!("cannot rewrite the report: {e}")))
}

/// The audit log (`--audit-log`), appended to, one JSON line per request; or none.
struct AuditLog {
    file: Option<(std::fs::File, PathBuf)>,
}

impl AuditLog {
    /// Opens `path` for appending (creating it), or no log without a path.
    fn open(path: Option<&Path>) -> Result<AuditLog, RevokeError> {
        let file = match path {
            Some(p) => Some((
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(p)
                    .map_err(|source| RevokeError::Audit {
                        path: p.display().to_string(),
                        source,
                    })?,
                p.to_path_buf(),
            )),
            None => None,
        };
        Ok(AuditLog { file })
    }

    /// Appends `line` (nothing without a log).
    fn write(&mut self, line: Value) -> Result<(), RevokeError> {
        if let Some((f, p)) = self.file.as_mut() {
            let mut text = line.to_string();
            text.push('\n');
            f.write_all(text.as_bytes())
                .map_err(|source| RevokeError::Audit {
                    path: p.display().to_string(),
                    source,
                })?;
        }
        Ok(())
    }
}

/// What revoking each selected credential needs, set up once per run.
struct Revoker<'a> {
    options: &'a Options,
    engine: &'a Engine,
    specs: &'a HashMap<String, Arc<ValidateSpec>>,
    metas: HashMap<&'a str, &'a crate::rules::RuleMeta>,
    endpoints: std::collections::BTreeMap<String, Target>,
    agent: ureq::Agent,
}

impl Revoker<'_> {
    /// Revokes one credential (or says how to by hand, or what a dry run would send); an error only
    /// when the audit log cannot be written.
    fn revoke(&self, s: Selected, audit: &mut AuditLog) -> Result<Done, RevokeError> {
        let meta = self.metas.get(s.rule_id.as_str()).copied();
        let spec = match self.specs.get(&s.rule_id) {
            Some(spec) if !spec.revoke.is_empty() => spec,
            _ => {
                return Ok(Done {
                    outcome: Outcome::ByHand(by_hand(meta)),
                    fingerprint: s.fingerprint,
                    rule_id: s.rule_id,
                })
            }
        };
        let outcome = match find_secret(&s, self.engine, spec, &self.options.root) {
            Err(why) => Outcome::Failed(why),
            Ok(_) if !self.options.yes => Outcome::WouldSend(describe(spec)),
            Ok((secret, pair)) => {
                let provider = meta.map_or("", |m| m.provider.as_str());
                send(
                    &self.agent,
                    spec,
                    self.endpoints.get(provider),
                    &secret,
                    pair.as_ref(),
                    &s,
                    &mut |line| audit.write(line),
                )?
            }
        };
        Ok(Done {
            fingerprint: s.fingerprint,
            rule_id: s.rule_id,
            outcome,
        })
    }
}

/// How to revoke a credential of the rule `meta` by hand: the rule's revocation line and fix.
fn by_hand(meta: Option<&crate::rules::RuleMeta>) -> String {
    match meta {
        Some(m) => match &m.revoke {
            Some(r) => format!("{} {}", r.line(), m.fix),
            None => m.fix.clone(),
        },
        None => "revoke it where it was issued".into(),
    }
}

/// The report's credentials that pass the filters, with their findings' locations.
fn select(report: &Value, options: &Options) -> Vec<Selected> {
    let empty = Vec::new();
    let findings = report
        .get("findings")
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    let credentials = report
        .get("credentials")
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    let str_of = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    // Every value the report holds unredacted (its fingerprint matches it), by location.
    let shown: Vec<(String, Option<String>, String, String)> = findings
        .iter()
        .filter_map(|f| {
            let (rule, secret) = (str_of(f, "rule_id")?, str_of(f, "secret")?);
            let path = str_of(f, "path")?;
            (Fingerprint::new(&rule, secret.as_bytes()).0 == str_of(f, "fingerprint")?)
                .then(|| (path, str_of(f, "commit"), rule, secret))
        })
        .collect();
    credentials
        .iter()
        .filter_map(|c| {
            let fingerprint = str_of(c, "fingerprint")?;
            let rule_id = str_of(c, "rule_id")?;
            let owners: Vec<&str> = c
                .get("owners")
                .and_then(Value::as_array)
                .map(|o| o.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let status = c
                .pointer("/validity/status")
                .and_then(Value::as_str)
                .unwrap_or("not_checked");
            let wanted = options.fingerprints.is_empty()
                || options
                    .fingerprints
                    .iter()
                    .any(|f| f == &fingerprint || (f.len() >= 8 && fingerprint.starts_with(f)));
            let owned = options
                .owner
                .as_ref()
                .is_none_or(|o| owners.iter().any(|x| x == o));
            let live = !options.only_live || status == "live";
            let already = status == "revoked";
            (wanted && owned && live && !already).then(|| {
                let locations: Vec<(String, Option<String>, String)> = findings
                    .iter()
                    .filter(|f| str_of(f, "fingerprint").as_deref() == Some(&fingerprint))
                    .filter_map(|f| {
                        Some((
                            str_of(f, "path")?,
                            str_of(f, "commit"),
                            str_of(f, "secret").unwrap_or_default(),
                        ))
                    })
                    .collect();
                let beside = shown
                    .iter()
                    .filter(|(p, c, _, _)| locations.iter().any(|(lp, lc, _)| lp == p && lc == c))
                    .cloned()
                    .collect();
                Selected {
                    locations,
                    beside,
                    fingerprint,
                    rule_id,
                }
            })
        })
        .collect()
}

/// The credential's secret (and the pair the rule needs, found at the same place): from the report
/// when it holds it unredacted, else read again at a location.
fn find_secret(
    s: &Selected,
    engine: &Engine,
    spec: &ValidateSpec,
    root: &Path,
) -> Result<(Secret, Option<Secret>), String> {
    let fp = Fingerprint(s.fingerprint.clone());
    let needs_pair = needs_pair(spec);
    if let Some(found) = from_report(s, spec, &fp, needs_pair) {
        return Ok(found);
    }
    if s.locations.is_empty() {
        return Err(
            "the report has no finding for it and no unredacted secret: write the report with `sprawl scan --format json --no-redact`, or re-scan, then revoke from that report"
                .into(),
        );
    }
    let mut tried = Vec::new();
    for (path, commit, _) in &s.locations {
        match read_again(engine, spec, root, path, commit.as_deref(), &fp, needs_pair) {
            Ok(found) => return Ok(found),
            Err(why) => tried.push(format!("{path} ({why})")),
        }
    }
    Err(format!(
        "the report is redacted and the secret could not be read again at {} under {}: run from the scanned directory or pass --root, or revoke from a report written with --no-redact",
        tried.join(", "),
        root.display()
    ))
}

/// Whether a revocation step uses `{pair}` (in its path, body, headers or basic authentication).
fn needs_pair(spec: &ValidateSpec) -> bool {
    spec.revoke.iter().any(|step| {
        crate::rules::validate::placeholders(&step.path)
            .into_iter()
            .chain(
                step.body
                    .iter()
                    .flat_map(|b| crate::rules::validate::placeholders(b)),
            )
            .chain(
                step.headers
                    .iter()
                    .flat_map(|(_, v)| crate::rules::validate::placeholders(v)),
            )
            .chain(
                step.basic_auth
                    .iter()
                    .flat_map(|(u, p)| [u.as_str(), p.as_str()])
                    .flat_map(crate::rules::validate::placeholders),
            )
            .any(|p| p == "pair")
    })
}

/// The secret from the report (an unredacted value whose fingerprint is `fp`), with its pair found
/// at the same location; at the first location that has both (or the secret, without `needs_pair`).
fn from_report(
    s: &Selected,
    spec: &ValidateSpec,
    fp: &Fingerprint,
    needs_pair: bool,
) -> Option<(Secret, Option<Secret>)> {
    for (path, commit, _) in &s.locations {
        let here = |rule: &str| {
            s.beside
                .iter()
                .find(|(p, c, r, _)| p == path && c == commit && r == rule)
                .map(|(_, _, _, v)| Secret::new(v.as_bytes().to_vec()))
        };
        let Some(secret) =
            here(&s.rule_id).filter(|v| Fingerprint::new(&s.rule_id, v.expose()) == *fp)
        else {
            continue;
        };
        let pair = spec.pair.as_deref().and_then(here);
        if !needs_pair || pair.is_some() {
            return Some((secret, pair));
        }
    }
    None
}

/// The secret whose fingerprint is `fp` (and its pair) read again at `path` under `root`, or in the
/// blob at `commit:path`; or why not, as a redacted report's error shows it after the path.
fn read_again(
    engine: &Engine,
    spec: &ValidateSpec,
    root: &Path,
    path: &str,
    commit: Option<&str>,
    fp: &Fingerprint,
    needs_pair: bool,
) -> Result<(Secret, Option<Secret>), String> {
    if path.starts_with('<') || path.contains('!') {
        return Err("not a file".into());
    }
    let data = match commit {
        Some(c) => read_blob(root, c, path),
        None => std::fs::read(root.join(path)).map_err(|e| e.kind().to_string()),
    }?;
    let mut scratch = engine.scratch();
    let mut found = Vec::new();
    engine.scan(&data, &mut scratch, &mut found);
    let Some(m) = found
        .iter()
        .find(|m| Fingerprint::new(&engine.rule(m.rule).meta.id, m.secret.expose()) == *fp)
    else {
        return Err("not there any more".into());
    };
    let pair = spec.pair.as_ref().and_then(|pair_rule| {
        found
            .iter()
            .find(|p| &engine.rule(p.rule).meta.id == pair_rule)
            .map(|p| p.secret.clone())
    });
    if needs_pair && pair.is_none() {
        return Err("no pair value next to it".into());
    }
    Ok((m.secret.clone(), pair))
}

/// The blob at `commit:path` in the repository at `root` (nothing in it is run: no filters, hooks
/// or configuration commands are read by a blob lookup).
fn read_blob(root: &Path, commit: &str, path: &str) -> Result<Vec<u8>, String> {
    let repo =
        crate::source::git::open(root, true).map_err(|_| "not in a git repository".to_string())?;
    let id = git2::Oid::from_str(commit).map_err(|_| "bad commit id".to_string())?;
    let tree = repo
        .find_commit(id)
        .and_then(|c| c.tree())
        .map_err(|_| format!("commit {commit} not in the repository"))?;
    let entry = tree
        .get_path(Path::new(path))
        .map_err(|_| "not in that commit".to_string())?;
    match crate::source::git::read_blob(&repo, entry.id(), 64 << 20) {
        Ok(Ok(data)) => Ok(data),
        Ok(Err(size)) => Err(format!("{size} bytes, too large")),
        Err(_) => Err("blob unreadable".into()),
    }
}

/// Placeholder values of a revocation: the secret, its pair, and `from_secret` captures.
fn vars(spec: &ValidateSpec, secret: &str, pair: &str) -> Vec<(String, String)> {
    let mut vars = vec![
        ("secret".to_string(), secret.to_string()),
        ("pair".to_string(), pair.to_string()),
    ];
    for (name, re) in &spec.from_secret {
        if let Some(v) = re.0.captures(secret).and_then(|c| c.get(1)) {
            vars.push((name.clone(), v.as_str().to_string()));
        }
    }
    vars
}

/// What a dry run prints for each step: method, URL, header names, body; every value from the secret
/// (or a lookup) shown as its placeholder.
fn describe(spec: &ValidateSpec) -> Vec<String> {
    spec.revoke
        .iter()
        .map(|step| {
            let mut line = format!("{} {}{}", step.method, step.origin, step.path);
            let mut headers: Vec<&str> = step.headers.iter().map(|(k, _)| k.as_str()).collect();
            if step.basic_auth.is_some() {
                headers.push("Authorization (basic)");
            }
            if !headers.is_empty() {
                line.push_str(&format!("  headers: {}", headers.join(", ")));
            }
            if let Some(b) = &step.body {
                line.push_str(&format!("  body: {b}"));
            }
            line
        })
        .collect()
}

/// Sends the revocation's steps in order; the outcome, or a [`RevokeError`] only when the audit log
/// cannot be written.
fn send(
    agent: &ureq::Agent,
    spec: &ValidateSpec,
    endpoint: Option<&Target>,
    secret: &Secret,
    pair: Option<&Secret>,
    s: &Selected,
    log: &mut dyn FnMut(Value) -> Result<(), RevokeError>,
) -> Result<Outcome, RevokeError> {
    let secret = secret.expose_lossy();
    let pair = pair.map(Secret::expose_lossy).unwrap_or_default();
    let mut values = vars(spec, &secret, &pair);
    for (n, step) in spec.revoke.iter().enumerate() {
        let target = http::target(endpoint, &step.origin);
        let borrowed: Vec<(&str, &str)> = values
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let request = http::Request {
            method: &step.method,
            path: &step.path,
            headers: &step.headers,
            basic_auth: step.basic_auth.as_ref(),
            body: step.body.as_deref(),
            sign_for: None,
            hosts: &spec.hosts,
        };
        let answer = http::send(agent, &request, &target, &borrowed, &http::amz_date());
        let last = n + 1 == spec.revoke.len();
        let (status, outcome) = match answer {
            Err(reason) => (None, Err(reason.replace('_', " "))),
            Ok(resp) => {
                let status = resp.status().as_u16();
                let body = http::body_text(resp).unwrap_or_default();
                (Some(status), step_result(step, status, &body, &borrowed))
            }
        };
        log(serde_json::json!({
            "time": crate::clock::now_rfc3339(),
            "kind": "revoke",
            "rule": s.rule_id,
            "fingerprint": s.fingerprint,
            "host": target.host,
            "step": n,
            "outcome": match (&outcome, last) {
                (Ok(_), true) => "revoked",
                (Ok(_), false) => "looked_up",
                (Err(_), _) => "failed",
            },
            "http_status": status,
        }))?;
        match outcome {
            Err(why) => {
                return Ok(Outcome::Failed(format!(
                    "{} {}: {why}",
                    step.method, target.host
                )))
            }
            Ok(captured) => values.extend(captured),
        }
    }
    Ok(Outcome::Revoked)
}

/// A step's answer: what it captured for later steps, or why it failed.
fn step_result(
    step: &RevokeStep,
    status: u16,
    body: &str,
    vars: &[(&str, &str)],
) -> Result<Vec<(String, String)>, String> {
    if !step.done.contains(&status) {
        return Err(format!("HTTP {status}"));
    }
    let json: Option<Value> = serde_json::from_str(body).ok();
    if let Some(ok) = &step.ok {
        if json.as_ref().and_then(|j| j.pointer(ok)) != Some(&Value::Bool(true)) {
            return Err(format!("HTTP {status}, {ok} is not true"));
        }
    }
    step.capture
        .iter()
        .map(|(name, capture)| {
            let value = json.as_ref().and_then(|j| match capture {
                Capture::Pointer(p) => j.pointer(p).and_then(http::scalar),
                Capture::Find {
                    list,
                    field,
                    equals,
                    take,
                } => {
                    let wanted = http::fill_plain(equals, vars);
                    j.pointer(list)?
                        .as_array()?
                        .iter()
                        .find(|item| {
                            item.pointer(field).and_then(http::scalar).as_deref()
                                == Some(wanted.as_str())
                        })
                        .and_then(|item| item.pointer(take))
                        .and_then(http::scalar)
                }
            });
            value
                .map(|v| (name.clone(), v))
                .ok_or_else(|| format!("HTTP {status}, no {name} in the answer"))
        })
        .collect()
}

/// Sets `validity` to revoked (and severity to none) for the credentials and findings of `revoked`.
fn mark_revoked(report: &mut Value, revoked: &[&str], at: &str) {
    for key in ["credentials", "findings"] {
        let Some(items) = report.get_mut(key).and_then(Value::as_array_mut) else {
            continue;
        };
        for item in items {
            let fp = item
                .get("fingerprint")
                .and_then(Value::as_str)
                .unwrap_or("");
            if !revoked.contains(&fp) {
                continue;
            }
            item["validity"] = serde_json::json!({"status": "revoked", "revoked_at": at});
            if key == "credentials" {
                item["severity"] = Value::from("none");
                item["severity_reason"] = Value::from(format!("revoked at {at}"));
            }
        }
    }
}
