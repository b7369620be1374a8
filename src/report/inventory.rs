//! The credential inventory (`sprawl inventory`): one row per distinct credential across one scan or many
//! saved JSON reports (several repositories), with owners, sprawl (files × commits × repositories), age,
//! where it still lives, validity and governance, sorted by risk.
//!
//! Reports are merged by fingerprint (rule id + hash of the value), so the same credential found in two
//! repositories is one row with locations in both. Ages are recomputed against "now"
//! ([`crate::clock::now`], `SPRAWL_NOW` when set), so merging old reports stays correct.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;

use crate::finding::exposure_days;

/// A JSON report as read back (fields this module does not need are ignored, so newer reports load).
#[derive(Deserialize)]
struct InReport {
    schema_version: u32,
    #[serde(default)]
    findings: Vec<InFinding>,
    #[serde(default)]
    credentials: Vec<InCredential>,
}

#[derive(Deserialize)]
struct InFinding {
    rule_id: String,
    provider: String,
    fingerprint: String,
    secret: String,
    #[serde(default)]
    repository: Option<String>,
    path: String,
    #[serde(default)]
    commit: Option<String>,
    #[serde(default)]
    owners: Vec<String>,
}

#[derive(Deserialize)]
struct InCredential {
    fingerprint: String,
    #[serde(default)]
    first_seen: Option<String>,
    #[serde(default)]
    last_seen: Option<String>,
    #[serde(default)]
    in_head: Option<bool>,
    #[serde(default)]
    removed: Option<bool>,
    #[serde(default)]
    owners: Vec<String>,
    #[serde(default)]
    governance: Option<String>,
    #[serde(default)]
    severity: Option<String>,
    #[serde(default)]
    severity_reason: Option<String>,
    #[serde(default)]
    revoke: Option<RevokeByHand>,
    #[serde(default)]
    validity: Option<serde_json::Value>,
}

/// Where a credential is revoked by hand, as its report says (the rule's `revoke` and `fix`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct RevokeByHand {
    pub page: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cli: Option<String>,
    #[serde(default)]
    pub how: String,
}

impl RevokeByHand {
    /// `https://… (CLI: `cmd`)`, as the scan reports print it.
    pub fn line(&self) -> String {
        crate::rules::revoke_line(&self.page, self.cli.as_deref())
    }
}

/// An error reading a report: names the file, never echoes its content (it may hold secrets).
#[derive(Debug, thiserror::Error)]
#[error("{file}: {message}")]
pub struct InventoryError {
    file: String,
    message: String,
}

/// One distinct credential, merged over every report.
#[derive(Debug, Clone)]
pub struct Row {
    pub fingerprint: String,
    pub rule_id: String,
    pub provider: String,
    pub secret: String,
    pub owners: BTreeSet<String>,
    /// Findings (one per location) over all reports.
    pub findings: usize,
    /// (repository, path) pairs.
    pub files: BTreeSet<(Option<String>, String)>,
    pub commits: BTreeSet<String>,
    pub repositories: BTreeSet<String>,
    /// (epoch seconds, RFC 3339).
    pub first_seen: Option<(i64, String)>,
    pub last_seen: Option<(i64, String)>,
    pub removed: Option<bool>,
    pub exposed_days: Option<i64>,
    pub in_head: Option<bool>,
    pub validity: serde_json::Value,
    pub governance: String,
    /// `admin`, `write`, `read`, `unknown` or `none`: what it can reach (`--blast-radius`).
    pub severity: String,
    /// Why, in one line (empty when no report said).
    pub severity_reason: String,
    pub revoke: Option<RevokeByHand>,
}

/// [`crate::finding::Severity`] order of a report's `severity` (unknown text ranks as `unknown`).
pub fn severity_rank(s: &str) -> u8 {
    match s {
        "admin" => 4,
        "write" => 3,
        "read" => 2,
        "none" => 0,
        _ => 1,
    }
}

/// A severity as a report gives it, kept only when it is one sprawl writes: a hand-edited or foreign
/// report's text never reaches a table, a heading or a terminal through it.
fn known_severity(s: &str) -> &'static str {
    match s {
        "admin" => "admin",
        "write" => "write",
        "read" => "read",
        "none" => "none",
        _ => "unknown",
    }
}

impl Row {
    /// The revoke page and CLI command as CSV cells (empty when the rule names none).
    pub fn revoke_cells(&self) -> [String; 2] {
        match &self.revoke {
            Some(v) => [v.page.clone(), v.cli.clone().unwrap_or_default()],
            None => [String::new(), String::new()],
        }
    }

    pub fn severity_rank(&self) -> u8 {
        severity_rank(&self.severity)
    }

    pub fn status(&self) -> &str {
        self.validity
            .get("status")
            .and_then(|s| s.as_str())
            .unwrap_or("not_checked")
    }

    pub fn is_live(&self) -> bool {
        self.status() == "live"
    }

    /// Where it still is: `head`, `refs` (another branch or tag, not HEAD), `history` (removed from every
    /// ref) or `files` (a directory scan).
    pub fn place(&self) -> &'static str {
        match (self.in_head, self.removed) {
            (Some(true), _) => "head",
            (Some(false), Some(true)) => "history",
            (Some(false), _) => "refs",
            (None, _) => "files",
        }
    }

    /// `files × commits × repositories`.
    pub fn sprawl(&self) -> String {
        format!(
            "{} × {} × {}",
            self.files.len(),
            self.commits.len(),
            self.repositories.len()
        )
    }
}

/// The merged inventory.
#[derive(Debug, Default)]
pub struct Inventory {
    rows: BTreeMap<String, Row>,
    /// Last-seen candidates per fingerprint, one per report: (present, epoch, RFC 3339).
    last: BTreeMap<String, Vec<(bool, i64, String)>>,
}

fn parse_time(s: &str) -> Option<i64> {
    time::OffsetDateTime::parse(s, &Rfc3339)
        .ok()
        .map(|t| t.unix_timestamp())
}

fn validity_rank(v: &serde_json::Value) -> u8 {
    match v.get("status").and_then(|s| s.as_str()) {
        Some("live") => 3,
        Some("invalid") => 2,
        Some("unknown") => 1,
        _ => 0,
    }
}

fn governance_rank(g: &str) -> u8 {
    match g {
        "expired" => 3,
        "rotation_overdue" => 2,
        "governed" => 1,
        _ => 0,
    }
}

/// Parses a saved JSON report (`name` is used in errors) and refuses a schema newer than this build
/// reads.
fn parse_report(name: &str, text: &str) -> Result<InReport, InventoryError> {
    let err = |message: String| InventoryError {
        file: name.to_string(),
        message,
    };
    let report: InReport = serde_json::from_str(text).map_err(|e| {
        // serde's message may quote a value from the file; report only the kind and the place.
        let kind = match e.classify() {
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                "not valid JSON"
            }
            _ => "not a sprawl JSON report (`sprawl scan --format json`)",
        };
        err(format!("{kind} (line {}, column {})", e.line(), e.column()))
    })?;
    if report.schema_version > crate::report::json::SCHEMA_VERSION {
        return Err(err(format!(
            "report schema_version {} is newer than this sprawl reads ({})",
            report.schema_version,
            crate::report::json::SCHEMA_VERSION
        )));
    }
    Ok(report)
}

impl Inventory {
    /// Adds one JSON report (`name` is used in errors).
    pub fn add_json(&mut self, name: &str, text: &str) -> Result<(), InventoryError> {
        let report = parse_report(name, text)?;
        for f in report.findings {
            self.add_finding(f);
        }
        for c in report.credentials {
            self.add_credential(c);
        }
        Ok(())
    }

    /// Counts finding `f` in its credential's row (created on first sight): owners, commit,
    /// repository and file.
    fn add_finding(&mut self, f: InFinding) {
        let row = self
            .rows
            .entry(f.fingerprint.clone())
            .or_insert_with(|| Row {
                fingerprint: f.fingerprint.clone(),
                rule_id: f.rule_id.clone(),
                provider: f.provider.clone(),
                secret: f.secret.clone(),
                owners: BTreeSet::new(),
                findings: 0,
                files: BTreeSet::new(),
                commits: BTreeSet::new(),
                repositories: BTreeSet::new(),
                first_seen: None,
                last_seen: None,
                removed: None,
                exposed_days: None,
                in_head: None,
                validity: serde_json::json!({"status": "not_checked"}),
                governance: "ungoverned".into(),
                severity: "unknown".into(),
                severity_reason: String::new(),
                revoke: None,
            });
        row.findings += 1;
        row.owners.extend(f.owners);
        if let Some(c) = f.commit {
            row.commits.insert(c);
        }
        if let Some(r) = &f.repository {
            row.repositories.insert(r.clone());
        }
        row.files.insert((f.repository, f.path));
    }

    /// Merges credential `c` into its row: owners, first seen, in HEAD, last seen, removed, the
    /// best-known validity with its severity, revoke and the worst governance state.
    fn add_credential(&mut self, c: InCredential) {
        // A credential without findings (a hand-edited report) has nothing to show.
        let Some(row) = self.rows.get_mut(&c.fingerprint) else {
            return;
        };
        row.owners.extend(c.owners);
        if let Some(first) = c.first_seen {
            if let Some(t) = parse_time(&first) {
                if row.first_seen.as_ref().is_none_or(|(old, _)| t < *old) {
                    row.first_seen = Some((t, first));
                }
            }
        }
        if let Some(here) = c.in_head {
            row.in_head = Some(row.in_head.unwrap_or(false) || here);
        }
        if let (Some(removed), Some(last)) = (c.removed, c.last_seen) {
            if let Some(t) = parse_time(&last) {
                self.last
                    .entry(c.fingerprint.clone())
                    .or_default()
                    .push((!removed, t, last));
            }
        }
        if let Some(removed) = c.removed {
            row.removed = Some(row.removed.unwrap_or(true) && removed);
        }
        // Severity goes with the validity it was judged from: the best-known validity wins, and
        // between equally known ones the greater severity.
        let v = c
            .validity
            .unwrap_or_else(|| serde_json::json!({"status": "not_checked"}));
        let severity = known_severity(c.severity.as_deref().unwrap_or_default()).to_string();
        let (new, old) = (validity_rank(&v), validity_rank(&row.validity));
        if new > old
            || (new == old
                && (severity_rank(&severity) > row.severity_rank()
                    || row.severity_reason.is_empty()))
        {
            row.validity = v;
            row.severity = severity;
            row.severity_reason = c.severity_reason.unwrap_or_default();
        }
        if row.revoke.is_none() {
            row.revoke = c.revoke;
        }
        if let Some(g) = c.governance {
            if governance_rank(&g) > governance_rank(&row.governance) {
                row.governance = g;
            }
        }
    }

    /// Adds a saved report, or every `*.json` file directly in a directory (in name order).
    pub fn add_path(&mut self, path: &Path) -> Result<usize, InventoryError> {
        let name = path.display().to_string();
        let io_err = |e: io::Error| InventoryError {
            file: name.clone(),
            message: e.to_string(),
        };
        let files: Vec<PathBuf> = if path.is_dir() {
            let mut v: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(io_err)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "json"))
                .collect();
            v.sort();
            v
        } else {
            vec![path.to_path_buf()]
        };
        for f in &files {
            let text = std::fs::read_to_string(f).map_err(|e| InventoryError {
                file: f.display().to_string(),
                message: e.to_string(),
            })?;
            self.add_json(&f.display().to_string(), &text)?;
        }
        Ok(files.len())
    }

    /// The rows, with ages against `now` (epoch seconds), sorted by risk: live first, then by severity,
    /// then in HEAD, then still in some ref, then wider sprawl, then longer exposure, then fingerprint.
    pub fn rows(mut self, now: i64) -> Vec<Row> {
        let mut rows: Vec<Row> = std::mem::take(&mut self.rows).into_values().collect();
        for row in &mut rows {
            if let Some(cands) = self.last.get(&row.fingerprint) {
                // Present somewhere: the newest present date; else the newest removal.
                let best = cands
                    .iter()
                    .filter(|(present, _, _)| *present == (row.removed == Some(false)))
                    .max_by_key(|(_, t, _)| *t);
                row.last_seen = best.map(|(_, t, s)| (*t, s.clone()));
            }
            row.exposed_days = exposure_days(
                row.first_seen.as_ref().map(|f| f.0),
                row.last_seen.as_ref().map(|l| l.0),
                row.removed == Some(true),
                now,
            );
        }
        rows.sort_by(|a, b| {
            b.is_live()
                .cmp(&a.is_live())
                .then(b.severity_rank().cmp(&a.severity_rank()))
                .then(b.in_head.unwrap_or(false).cmp(&a.in_head.unwrap_or(false)))
                .then((b.removed == Some(false)).cmp(&(a.removed == Some(false))))
                .then(b.findings.cmp(&a.findings))
                .then(b.exposed_days.cmp(&a.exposed_days))
                .then(a.fingerprint.cmp(&b.fingerprint))
        });
        rows
    }
}

/// Output format of the inventory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InventoryFormat {
    Human,
    Json,
    Csv,
    Markdown,
    /// The governance view as one self-contained HTML page ([`super::html`]).
    Html,
}

pub(super) fn date_only(s: &Option<(i64, String)>) -> String {
    s.as_ref()
        .map(|(_, d)| d.get(..10).unwrap_or(d).to_string())
        .unwrap_or_else(|| "-".into())
}

pub(super) fn days(d: Option<i64>) -> String {
    d.map(|d| d.to_string()).unwrap_or_else(|| "-".into())
}

pub(super) fn owners_text(r: &Row) -> String {
    if r.owners.is_empty() {
        "-".into()
    } else {
        r.owners.iter().cloned().collect::<Vec<_>>().join(", ")
    }
}

/// Text from scanned content (paths, owners from commit authors) made safe for a terminal or a
/// GitHub-flavoured Markdown table cell. In Markdown every character that can start HTML (`<!--`,
/// `<img>`), an entity, a link or image, emphasis, strike-through, code or a cell break is
/// backslash-escaped (CommonMark allows escaping any ASCII punctuation), so what is shown is exactly the
/// text. (`-`, `+`, `.` and `#` only matter at the start of a line, which a cell never is.) Control
/// characters are written as Rust escapes in both.
pub(super) fn cell(s: &str, markdown: bool) -> String {
    const MARKDOWN_SPECIAL: &str = "\\`*_[](){}<>&|!~";
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            c if markdown && MARKDOWN_SPECIAL.contains(c) => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push_str(&c.escape_default().to_string()),
            c => out.push(c),
        }
    }
    out
}

const COLUMNS: [&str; 11] = [
    "provider",
    "secret",
    "owners",
    "files × commits × repos",
    "first seen",
    "exposed days",
    "where",
    "validity",
    "severity",
    "governance",
    "fingerprint",
];

fn row_cells(r: &Row, markdown: bool) -> [String; 11] {
    [
        cell(&r.provider, markdown),
        cell(&r.secret, markdown),
        cell(&owners_text(r), markdown),
        cell(&r.sprawl(), markdown),
        cell(&date_only(&r.first_seen), markdown),
        cell(&days(r.exposed_days), markdown),
        cell(r.place(), markdown),
        cell(r.status(), markdown),
        cell(&r.severity, markdown),
        cell(&r.governance, markdown),
        cell(r.fingerprint.get(..12).unwrap_or(&r.fingerprint), markdown),
    ]
}

pub(super) fn write_table<const N: usize>(
    header: [&str; N],
    rows: &[[String; N]],
    markdown: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    if markdown {
        writeln!(out, "| {} |", header.join(" | "))?;
        writeln!(out, "|{}", "---|".repeat(N))?;
        for r in rows {
            writeln!(out, "| {} |", r.join(" | "))?;
        }
        return Ok(());
    }
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: Vec<&str>| -> String {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c}{}", " ".repeat(w - c.chars().count())))
            .collect();
        padded.join("  ").trim_end().to_string()
    };
    writeln!(out, "{}", line(header.to_vec()))?;
    for r in rows {
        writeln!(out, "{}", line(r.iter().map(String::as_str).collect()))?;
    }
    Ok(())
}

#[derive(Serialize)]
pub(super) struct JsonRow<'a> {
    fingerprint: &'a str,
    rule_id: &'a str,
    provider: &'a str,
    secret: &'a str,
    owners: Vec<&'a str>,
    locations: JsonLocations,
    repositories: Vec<&'a str>,
    files: Vec<JsonFile<'a>>,
    first_seen: Option<&'a str>,
    last_seen: Option<&'a str>,
    exposed_days: Option<i64>,
    in_head: Option<bool>,
    removed: Option<bool>,
    place: &'a str,
    validity: &'a serde_json::Value,
    severity: &'a str,
    severity_reason: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    revoke: Option<&'a RevokeByHand>,
    governance: &'a str,
}

/// `{"schema_version": 1, "credentials": […]}`.
#[derive(Serialize)]
struct JsonDoc<'a> {
    schema_version: u32,
    credentials: Vec<JsonRow<'a>>,
}

#[derive(Serialize)]
struct JsonLocations {
    findings: usize,
    files: usize,
    commits: usize,
    repositories: usize,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    repository: Option<&'a str>,
    path: &'a str,
}

pub(super) fn json_row(r: &Row) -> JsonRow<'_> {
    JsonRow {
        fingerprint: &r.fingerprint,
        rule_id: &r.rule_id,
        provider: &r.provider,
        secret: &r.secret,
        owners: r.owners.iter().map(String::as_str).collect(),
        locations: JsonLocations {
            findings: r.findings,
            files: r.files.len(),
            commits: r.commits.len(),
            repositories: r.repositories.len(),
        },
        repositories: r.repositories.iter().map(String::as_str).collect(),
        files: r
            .files
            .iter()
            .map(|(repo, path)| JsonFile {
                repository: repo.as_deref(),
                path,
            })
            .collect(),
        first_seen: r.first_seen.as_ref().map(|f| f.1.as_str()),
        last_seen: r.last_seen.as_ref().map(|f| f.1.as_str()),
        exposed_days: r.exposed_days,
        in_head: r.in_head,
        removed: r.removed,
        place: r.place(),
        validity: &r.validity,
        severity: &r.severity,
        severity_reason: &r.severity_reason,
        revoke: r.revoke.as_ref(),
        governance: &r.governance,
    }
}

/// Writes the inventory: one row per credential, or (`by_owner`, and always as HTML) the governance
/// view of [`super::governance`].
pub fn write(
    rows: &[Row],
    format: InventoryFormat,
    group_by_owner: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    if format == InventoryFormat::Html {
        return super::html::write(rows, out);
    }
    if group_by_owner {
        return super::governance::write(rows, format, out);
    }
    match format {
        InventoryFormat::Json => {
            let doc = JsonDoc {
                schema_version: crate::report::json::SCHEMA_VERSION,
                credentials: rows.iter().map(json_row).collect(),
            };
            serde_json::to_writer_pretty(&mut *out, &doc)?;
            writeln!(out)
        }
        InventoryFormat::Csv => write_csv(rows, out),
        InventoryFormat::Human | InventoryFormat::Markdown | InventoryFormat::Html => {
            write_text(rows, format == InventoryFormat::Markdown, out)
        }
    }
}

/// The inventory as CSV: a header, then one record per credential.
fn write_csv(rows: &[Row], out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "provider",
        "rule_id",
        "secret",
        "owners",
        "findings",
        "files",
        "commits",
        "repositories",
        "first_seen",
        "last_seen",
        "exposed_days",
        "where",
        "validity",
        "governance",
        "fingerprint",
        "severity",
        "severity_reason",
        "revoke_page",
        "revoke_cli",
    ])?;
    for r in rows {
        w.write_record(csv_cells(r).map(|c| super::csv::cell(&c)))?;
    }
    w.flush()
}

/// One credential's CSV cells, in the order of [`write_csv`]'s header, before CSV escaping.
fn csv_cells(r: &Row) -> [String; 19] {
    let [page, cli] = r.revoke_cells();
    [
        r.provider.clone(),
        r.rule_id.clone(),
        r.secret.clone(),
        r.owners.iter().cloned().collect::<Vec<_>>().join(" "),
        r.findings.to_string(),
        r.files.len().to_string(),
        r.commits.len().to_string(),
        r.repositories.len().to_string(),
        r.first_seen
            .as_ref()
            .map(|f| f.1.clone())
            .unwrap_or_default(),
        r.last_seen
            .as_ref()
            .map(|f| f.1.clone())
            .unwrap_or_default(),
        r.exposed_days.map(|d| d.to_string()).unwrap_or_default(),
        r.place().to_string(),
        r.status().to_string(),
        r.governance.clone(),
        r.fingerprint.clone(),
        r.severity.clone(),
        r.severity_reason.clone(),
        page,
        cli,
    ]
}

/// The inventory as a text or (`markdown`) Markdown table; the text table ends with a count of the
/// credentials, live and in HEAD.
fn write_text(rows: &[Row], markdown: bool, out: &mut dyn Write) -> io::Result<()> {
    let cells: Vec<[String; 11]> = rows.iter().map(|r| row_cells(r, markdown)).collect();
    write_table(COLUMNS, &cells, markdown, out)?;
    if !markdown {
        let live = rows.iter().filter(|r| r.is_live()).count();
        let head = rows.iter().filter(|r| r.in_head == Some(true)).count();
        writeln!(
            out,
            "{} credential{}: {live} live, {head} in HEAD",
            rows.len(),
            if rows.len() == 1 { "" } else { "s" }
        )?;
    }
    Ok(())
}
