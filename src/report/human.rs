//! `--format human`: one block per finding (rule, location, redacted secret, fix hint) and a summary line.
//! Colour only when the caller says the output is a terminal.

use std::io::{self, Write};

use super::RenderOptions;
use crate::diag::human_bytes;
use crate::finding::{Credential, Finding, Liveness, Offline, Validity};
use crate::scan::ScanResult;

struct Style {
    on: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

pub fn write(result: &ScanResult, opts: RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let style = Style { on: opts.color };
    // A pre-commit run is silent when the commit is clean.
    if opts.staged && result.findings.is_empty() {
        return Ok(());
    }
    // A report of several repositories (a bulk scan) says which one each finding is in.
    let first_repo = result
        .findings
        .first()
        .and_then(|f| f.repository.as_deref());
    let several_repos = result
        .findings
        .iter()
        .any(|f| f.repository.as_deref() != first_repo);
    for f in &result.findings {
        write_finding(f, several_repos, opts, &style, out)?;
    }
    let summary = summary_line(result);
    let colour = if result.findings.is_empty() {
        "32"
    } else {
        "1;31"
    };
    writeln!(out, "{}", style.paint(colour, &summary))?;
    if opts.staged {
        return write_commit_blocked(result, &style, out);
    }
    if !result.findings.is_empty() {
        writeln!(
            out,
            "A false positive? Add `sprawl:allow` in a comment on its line, or list it in a config allowlist."
        )?;
        write_credential_summary(result, opts, out)?;
    }
    Ok(())
}

/// One finding's block: rule, repository (with `several_repos`), location, commit, secret as `opts`
/// shows it, validity, fix and revoke hints, then a blank line.
fn write_finding(
    f: &Finding,
    several_repos: bool,
    opts: RenderOptions,
    style: &Style,
    out: &mut dyn Write,
) -> io::Result<()> {
    let title = format!("{} ({})", f.rule.name, f.rule.id);
    writeln!(
        out,
        "{} {}",
        style.paint("1;31", "●"),
        style.paint("1", &title)
    )?;
    if let (true, Some(repo)) = (several_repos, &f.repository) {
        writeln!(out, "  repo    {}", printable(repo))?;
    }
    writeln!(
        out,
        "  where   {}:{}:{}",
        printable(&f.path),
        f.line,
        f.column
    )?;
    if let Some(c) = &f.commit {
        writeln!(
            out,
            "  commit  {} {} <{}> {}",
            short(&c.id),
            printable(&c.author_name),
            printable(&c.author_email),
            c.date
        )?;
    }
    if let Some(p) = &f.provenance {
        writeln!(out, "  commit  {p}")?;
    }
    let secret = opts.show(&f.secret);
    let decoded = if f.decoded.is_empty() {
        String::new()
    } else {
        format!("   decoded from {}", f.decoded.join(" > "))
    };
    let held = f
        .held
        .map(|h| format!(" (held back: {})", h.as_str().replace('_', " ")))
        .unwrap_or_default();
    writeln!(
        out,
        "  secret  {}   confidence {}{held}{decoded}",
        secret,
        f.rule.confidence.as_str()
    )?;
    if let Some(v) = validity_text(&f.validity) {
        writeln!(out, "  valid   {v}")?;
    }
    writeln!(out, "  fix     {}", f.rule.fix)?;
    if let Some(r) = &f.rule.revoke {
        writeln!(out, "  revoke  {}", r.line())?;
    }
    writeln!(out)?;
    Ok(())
}

/// The summary line: how many findings and credentials, what was scanned in how long, validation
/// counts, and what was allowed, baselined, allowlisted, held back or unreadable.
fn summary_line(result: &ScanResult) -> String {
    let s = &result.stats;
    let mut summary = if result.findings.is_empty() {
        "No credentials found".to_string()
    } else {
        format!(
            "{} finding{} of {} distinct credential{}",
            result.findings.len(),
            plural(result.findings.len()),
            result.credentials.len(),
            plural(result.credentials.len())
        )
    };
    if s.commits > 0 {
        summary.push_str(&format!(
            " · scanned {} commit{}, {} unique blob{}, {} in {} ms",
            s.commits,
            plural(s.commits as usize),
            s.blobs,
            plural(s.blobs as usize),
            human_bytes(s.bytes),
            s.duration_ms
        ));
    } else {
        summary.push_str(&format!(
            " · scanned {} file{}, {} in {} ms",
            s.files,
            plural(s.files as usize),
            human_bytes(s.bytes),
            s.duration_ms
        ));
    }
    let count = |status: &str| {
        result
            .credentials
            .iter()
            .filter(|c| c.validity.status() == status)
            .count()
    };
    let (live, invalid, unknown) = (count("live"), count("invalid"), count("unknown"));
    if live + invalid + unknown > 0 {
        summary.push_str(&format!(
            " · validated: {live} live, {invalid} invalid, {unknown} unknown"
        ));
    }
    if s.allowed_inline > 0 {
        summary.push_str(&format!(
            " · {} finding{} allowed inline (sprawl:allow)",
            s.allowed_inline,
            plural(s.allowed_inline as usize)
        ));
    }
    if s.baselined > 0 {
        summary.push_str(&format!(" · {} in the baseline", s.baselined));
    }
    if s.allowlisted > 0 {
        summary.push_str(&format!(" · {} allowlisted by config", s.allowlisted));
    }
    let held = s.held_total();
    if held > 0 {
        let reasons: Vec<String> = s
            .held
            .iter()
            .map(|(h, n)| format!("{n} {}", h.as_str().replace('_', " ")))
            .collect();
        summary.push_str(&format!(
            " · {held} held back ({}; show with --min-confidence low)",
            reasons.join(", ")
        ));
    }
    if !result.errors.is_empty() {
        summary.push_str(&format!(" · {} unreadable", result.errors.len()));
    }
    summary
}

/// After the summary of a pre-commit run with findings: the commit is blocked, and what to do.
fn write_commit_blocked(result: &ScanResult, style: &Style, out: &mut dyn Write) -> io::Result<()> {
    let n = result.credentials.len();
    writeln!(
        out,
        "{}",
        style.paint(
            "1;31",
            &format!(
                "Commit blocked: {n} credential{} in the staged changes.",
                plural(n)
            )
        )
    )?;
    writeln!(
        out,
        "A false positive? Add `sprawl:allow` in a comment on its line and stage the file again, or accept it\n\
         in a baseline (`sprawl baseline create`). A real credential: remove it, and rotate it if it was ever pushed."
    )?;
    Ok(())
}

/// Text from the scanned content (paths, author names) with control characters escaped, so a hostile
/// file name cannot drive the terminal.
fn printable(s: &str) -> String {
    crate::diag::escape_control(s).into_owned()
}

/// Risk order: live first, then by severity (what it can reach), then present in HEAD, then wider
/// sprawl, then older exposure.
pub fn by_risk(a: &Credential, b: &Credential) -> std::cmp::Ordering {
    let live = |c: &Credential| matches!(c.validity.live, Liveness::Live { .. });
    live(b)
        .cmp(&live(a))
        .then(b.validity.severity().cmp(&a.validity.severity()))
        .then(b.in_head.unwrap_or(false).cmp(&a.in_head.unwrap_or(false)))
        .then(b.locations.cmp(&a.locations))
        .then_with(|| match (&a.first_seen, &b.first_seen) {
            (Some(x), Some(y)) => x.cmp(y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        })
        .then_with(|| a.fingerprint.cmp(&b.fingerprint))
}

/// The top credentials by risk and how many credentials each owner has.
fn write_credential_summary(
    result: &ScanResult,
    opts: RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    const TOP: usize = 5;
    let mut creds: Vec<&Credential> = result.credentials.iter().collect();
    creds.sort_by(|a, b| by_risk(a, b));
    writeln!(out, "Top credentials by risk:")?;
    for c in creds.iter().take(TOP) {
        let secret = opts.show(&c.secret);
        let mut line = format!(
            "  {secret}  {}  {} location{}",
            c.rule.id,
            c.locations,
            plural(c.locations)
        );
        match c.in_head {
            Some(true) => line.push_str("  in HEAD"),
            Some(false) => line.push_str("  history only"),
            None => {}
        }
        if let Some(first) = &c.first_seen {
            line.push_str(&format!("  first seen {first}"));
        }
        if let Some(days) = c.exposed_days {
            line.push_str(&format!("  exposed {days} day{}", plural(days as usize)));
        }
        if let Some(v) = validity_text(&c.validity) {
            line.push_str(&format!("  {v}"));
        }
        let owners = if c.owners.is_empty() {
            "no owner".to_string()
        } else {
            c.owners
                .iter()
                .map(|o| printable(o))
                .collect::<Vec<_>>()
                .join(", ")
        };
        line.push_str(&format!("  owners: {owners}"));
        writeln!(out, "{line}")?;
    }
    if creds.len() > TOP {
        writeln!(out, "  … and {} more", creds.len() - TOP)?;
    }
    let mut per_owner: std::collections::BTreeMap<String, usize> = Default::default();
    for c in &result.credentials {
        if c.owners.is_empty() {
            *per_owner.entry("(no owner)".into()).or_default() += 1;
        }
        for o in &c.owners {
            *per_owner.entry(printable(o)).or_default() += 1;
        }
    }
    let mut owners: Vec<(String, usize)> = per_owner.into_iter().collect();
    owners.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let list: Vec<String> = owners.iter().map(|(o, n)| format!("{o} {n}")).collect();
    writeln!(out, "Credentials per owner: {}", list.join(" · "))
}

/// What is known about liveness, in words; `None` when nothing is (not validated, no offline check).
fn validity_text(v: &Validity) -> Option<String> {
    let mut parts = Vec::new();
    match &v.live {
        Liveness::NotChecked => {}
        Liveness::Live { identity, scopes } => {
            let mut t = "LIVE".to_string();
            if let Some(who) = identity {
                t.push_str(&format!(" as {}", printable(who)));
            }
            if !scopes.is_empty() {
                t.push_str(&format!(" (scopes: {})", printable(&scopes.join(", "))));
            }
            parts.push(t);
        }
        Liveness::Invalid => parts.push("invalid (rejected by the provider)".to_string()),
        Liveness::Unknown { reason } => parts.push(format!("unknown ({reason})")),
        Liveness::Revoked { at } => parts.push(format!("revoked at {at}")),
    }
    if let Some(r) = &v.reach {
        parts.push(format!("reach {}", printable(&r.summary)));
    }
    // A passing offline check is the normal case; only a failing one is worth a word.
    if let Some(o @ (Offline::ChecksumFailed | Offline::Malformed | Offline::Expired)) = v.offline {
        parts.push(format!("offline check: {}", o.as_str()));
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

fn short(id: &str) -> &str {
    &id[..id.len().min(12)]
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
