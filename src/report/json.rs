//! `--format json` (schema_version 1, the contract in DESIGN.md) and `--format jsonl` (one finding per line).

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::RenderOptions;
use crate::finding::{Credential, Finding, Hold, Liveness, Validity};
use crate::scan::ScanResult;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Report<'a> {
    schema_version: u32,
    tool: Tool,
    findings: Vec<JsonFinding<'a>>,
    credentials: Vec<JsonCredential<'a>>,
    stats: Stats,
    errors: Vec<JsonError<'a>>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule_id: &'a str,
    provider: &'a str,
    confidence: &'a str,
    /// Why the confidence is low (`stats.suppressed` names the same reasons); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    held: Option<&'static str>,
    fingerprint: &'a str,
    secret: String,
    repository: Option<&'a str>,
    path: &'a str,
    line: u32,
    column: u32,
    end_column: u32,
    /// Encodings the secret was found under, outermost first; empty when found as written.
    decoded: &'a [&'static str],
    commit: Option<&'a str>,
    author_name: Option<&'a str>,
    author_email: Option<&'a str>,
    commit_date: Option<&'a str>,
    commit_summary: Option<&'a str>,
    /// History findings whose introducing commit cannot be known (a shallow or partial clone): why.
    #[serde(skip_serializing_if = "Option::is_none")]
    provenance: Option<&'a str>,
    owners: &'a [String],
    owner_source: Option<&'a str>,
    validity: JsonValidity<'a>,
}

#[derive(Serialize)]
struct JsonCredential<'a> {
    fingerprint: &'a str,
    rule_id: &'a str,
    locations: usize,
    first_seen: Option<&'a str>,
    last_seen: Option<&'a str>,
    exposed_days: Option<i64>,
    in_head: Option<bool>,
    removed: Option<bool>,
    owners: &'a [String],
    governance: &'a str,
    /// `admin`, `write`, `read`, `unknown` or `none` ([`crate::finding::Severity`]).
    severity: &'static str,
    /// Why, in one line.
    severity_reason: String,
    /// Where it is revoked by hand (the rule's `revoke`); absent when the rule does not say.
    #[serde(skip_serializing_if = "Option::is_none")]
    revoke: Option<JsonRevoke<'a>>,
    validity: JsonValidity<'a>,
}

#[derive(Serialize)]
struct JsonRevoke<'a> {
    page: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    cli: Option<&'a str>,
    /// The rule's advice (`fix`).
    how: &'a str,
}

#[derive(Serialize)]
struct JsonReach<'a> {
    severity: &'static str,
    summary: &'a str,
    facts: Vec<JsonFact<'a>>,
    unreadable: &'a [String],
}

#[derive(Serialize)]
struct JsonFact<'a> {
    what: &'a str,
    value: &'a str,
}

#[derive(Serialize)]
struct JsonValidity<'a> {
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    offline: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    identity: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scopes: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    checked_at: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    revoked_at: Option<&'a str>,
    /// What a live credential can reach (`--blast-radius`).
    #[serde(skip_serializing_if = "Option::is_none")]
    reach: Option<JsonReach<'a>>,
}

#[derive(Serialize)]
struct Stats {
    files: u64,
    blobs: u64,
    bytes: u64,
    commits: u64,
    duration_ms: u64,
    suppressed: Suppressed,
}

/// Findings not reported, by why: `sprawl:allow`, the config allowlist, the baseline, and every reason
/// a finding is held back below `--min-confidence` ([`Hold`], each present, zero or not).
#[derive(Serialize)]
struct Suppressed {
    inline: u64,
    allowlist: u64,
    baseline: u64,
    #[serde(flatten)]
    held: BTreeMap<&'static str, u64>,
}

#[derive(Serialize)]
struct JsonError<'a> {
    path: &'a str,
    message: &'a str,
}

fn validity(v: &Validity) -> JsonValidity<'_> {
    let mut out = JsonValidity {
        status: v.status(),
        offline: v.offline.map(|o| o.as_str()),
        identity: None,
        scopes: None,
        reason: None,
        checked_at: v.checked_at.as_deref(),
        revoked_at: None,
        reach: v.reach.as_ref().map(|r| JsonReach {
            severity: r.severity.as_str(),
            summary: &r.summary,
            facts: r
                .facts
                .iter()
                .map(|(what, value)| JsonFact { what, value })
                .collect(),
            unreadable: &r.unreadable,
        }),
    };
    match &v.live {
        Liveness::Live { identity, scopes } => {
            out.identity = identity.as_deref();
            out.scopes = Some(scopes);
        }
        Liveness::Unknown { reason } => out.reason = Some(reason),
        Liveness::Revoked { at } => out.revoked_at = Some(at),
        Liveness::NotChecked | Liveness::Invalid => {}
    }
    out
}

fn finding<'a>(f: &'a Finding, opts: RenderOptions) -> JsonFinding<'a> {
    let c = f.commit.as_ref();
    JsonFinding {
        rule_id: &f.rule.id,
        provider: &f.rule.provider,
        confidence: f.rule.confidence.as_str(),
        held: f.held.map(Hold::as_str),
        fingerprint: &f.fingerprint.0,
        secret: opts.show(&f.secret),
        repository: f.repository.as_deref(),
        path: &f.path,
        line: f.line,
        column: f.column,
        end_column: f.end_column,
        decoded: &f.decoded,
        commit: c.map(|c| c.id.as_str()),
        author_name: c.map(|c| c.author_name.as_str()),
        author_email: c.map(|c| c.author_email.as_str()),
        commit_date: c.map(|c| c.date.as_str()),
        commit_summary: c.map(|c| c.summary.as_str()),
        provenance: f.provenance.as_deref(),
        owners: &f.owners,
        owner_source: f.owner_source.as_deref(),
        validity: validity(&f.validity),
    }
}

fn credential(c: &Credential) -> JsonCredential<'_> {
    JsonCredential {
        fingerprint: &c.fingerprint.0,
        rule_id: &c.rule.id,
        locations: c.locations,
        first_seen: c.first_seen.as_deref(),
        last_seen: c.last_seen.as_deref(),
        exposed_days: c.exposed_days,
        in_head: c.in_head,
        removed: c.removed,
        governance: c.governance,
        owners: &c.owners,
        severity: c.validity.severity().as_str(),
        severity_reason: c.validity.severity_reason(),
        revoke: c.rule.revoke.as_ref().map(|r| JsonRevoke {
            page: &r.page,
            cli: r.cli.as_deref(),
            how: &c.rule.fix,
        }),
        validity: validity(&c.validity),
    }
}

/// The whole report as one JSON document.
pub fn write(result: &ScanResult, opts: RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let report = Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "sprawl",
            version: env!("CARGO_PKG_VERSION"),
        },
        findings: result.findings.iter().map(|f| finding(f, opts)).collect(),
        credentials: result.credentials.iter().map(credential).collect(),
        stats: Stats {
            files: result.stats.files,
            blobs: result.stats.blobs,
            bytes: result.stats.bytes,
            commits: result.stats.commits,
            duration_ms: result.stats.duration_ms,
            suppressed: Suppressed {
                inline: result.stats.allowed_inline,
                allowlist: result.stats.allowlisted,
                baseline: result.stats.baselined,
                held: Hold::ALL
                    .iter()
                    .map(|h| (h.as_str(), result.stats.held.get(h).copied().unwrap_or(0)))
                    .collect(),
            },
        },
        errors: errors(result),
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}

/// What could not be scanned: unreadable inputs and files skipped on purpose (too large), sorted.
fn errors(result: &ScanResult) -> Vec<JsonError<'_>> {
    let mut all: Vec<&crate::scan::ScanError> =
        result.errors.iter().chain(&result.notices).collect();
    all.sort();
    all.into_iter()
        .map(|e| JsonError {
            path: &e.path,
            message: &e.message,
        })
        .collect()
}

/// One finding object per line.
pub fn write_lines(
    result: &ScanResult,
    opts: RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    for f in &result.findings {
        serde_json::to_writer(&mut *out, &finding(f, opts))?;
        writeln!(out)?;
    }
    Ok(())
}
