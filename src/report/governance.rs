//! The governance view (`sprawl inventory --by owner`): for each owner, what to do today. Owners with
//! live credentials come first, then by the greatest severity; each owner's credentials are in the
//! inventory's risk order (live first, by severity), each with its locations, age, what it can reach and
//! how to revoke it. Human, Markdown, JSON and CSV forms here; the HTML page is [`super::html`].

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::inventory::{
    cell, date_only, days, json_row, severity_rank, write_table, InventoryFormat, JsonRow, Row,
};

/// Credentials without an owner are grouped under this name.
pub const NO_OWNER: &str = "(no owner)";

/// How many locations a human or Markdown row lists before `+N more`.
const SHOWN_LOCATIONS: usize = 3;

/// One owner's summary and credentials. A credential with several owners is in each owner's list.
#[derive(Debug)]
pub struct Owner<'a> {
    pub owner: String,
    pub live: usize,
    pub in_head: usize,
    /// The greatest severity of its credentials.
    pub max_severity: &'a str,
    pub oldest_first_seen: Option<&'a (i64, String)>,
    pub max_exposed_days: Option<i64>,
    /// In the inventory's risk order.
    pub credentials: Vec<&'a Row>,
}

/// Groups `rows` (already in risk order) by owner: owners with more live credentials first, then by
/// their greatest severity, then more credentials, then longer exposure, then name.
pub fn by_owner(rows: &[Row]) -> Vec<Owner<'_>> {
    let mut map: BTreeMap<&str, Owner<'_>> = BTreeMap::new();
    for r in rows {
        let owners: Vec<&str> = if r.owners.is_empty() {
            vec![NO_OWNER]
        } else {
            r.owners.iter().map(String::as_str).collect()
        };
        for o in owners {
            let e = map.entry(o).or_insert_with(|| Owner {
                owner: o.to_string(),
                live: 0,
                in_head: 0,
                max_severity: "none",
                oldest_first_seen: None,
                max_exposed_days: None,
                credentials: Vec::new(),
            });
            e.live += usize::from(r.is_live());
            e.in_head += usize::from(r.in_head == Some(true));
            if r.severity_rank() > severity_rank(e.max_severity) {
                e.max_severity = &r.severity;
            }
            if let Some(first) = &r.first_seen {
                if e.oldest_first_seen.is_none_or(|old| first.0 < old.0) {
                    e.oldest_first_seen = Some(first);
                }
            }
            e.max_exposed_days = e.max_exposed_days.max(r.exposed_days);
            e.credentials.push(r);
        }
    }
    let mut out: Vec<Owner<'_>> = map.into_values().collect();
    out.sort_by(|a, b| {
        b.live
            .cmp(&a.live)
            .then(severity_rank(b.max_severity).cmp(&severity_rank(a.max_severity)))
            .then(b.credentials.len().cmp(&a.credentials.len()))
            .then(b.max_exposed_days.cmp(&a.max_exposed_days))
            .then(a.owner.cmp(&b.owner))
    });
    out
}

/// A repository as shown in a location: the last part of its URL, without `.git`.
pub fn repo_short(repo: &str) -> &str {
    let name = repo
        .trim_end_matches('/')
        .rsplit(['/', ':'])
        .next()
        .unwrap_or(repo);
    name.strip_suffix(".git").unwrap_or(name)
}

/// Each location as `repo:path` (or `path` for a directory scan).
pub fn locations(r: &Row) -> Vec<String> {
    r.files
        .iter()
        .map(|(repo, path)| match repo {
            Some(repo) => format!("{}:{path}", repo_short(repo)),
            None => path.clone(),
        })
        .collect()
}

fn locations_text(r: &Row, markdown: bool) -> String {
    let all = locations(r);
    let mut shown: Vec<String> = all
        .iter()
        .take(SHOWN_LOCATIONS)
        .map(|l| cell(l, markdown))
        .collect();
    if all.len() > SHOWN_LOCATIONS {
        shown.push(format!("+{} more", all.len() - SHOWN_LOCATIONS));
    }
    shown.join(", ")
}

fn reach_text(r: &Row) -> &str {
    if r.severity_reason.is_empty() {
        "-"
    } else {
        &r.severity_reason
    }
}

fn revoke_text(r: &Row) -> String {
    r.revoke.as_ref().map_or_else(|| "-".into(), |v| v.line())
}

/// `2 credentials: 1 live, 2 in HEAD, greatest severity admin, oldest first seen 2024-01-01 (exposed up
/// to 30 days)`.
pub fn summary(o: &Owner<'_>) -> String {
    let n = o.credentials.len();
    let age = match (o.oldest_first_seen, o.max_exposed_days) {
        (Some(_), Some(d)) => format!(
            "oldest first seen {} (exposed up to {d} days)",
            date_only(&o.oldest_first_seen.cloned())
        ),
        _ => "age unknown".to_string(),
    };
    format!(
        "{n} credential{}: {} live, {} in HEAD, greatest severity {}, {age}",
        if n == 1 { "" } else { "s" },
        o.live,
        o.in_head,
        o.max_severity,
    )
}

const COLUMNS: [&str; 10] = [
    "severity",
    "validity",
    "provider",
    "secret",
    "exposed days",
    "where",
    "locations",
    "reach",
    "revoke",
    "fingerprint",
];

fn markdown_cells(r: &Row) -> [String; 10] {
    [
        cell(&r.severity, true),
        cell(r.status(), true),
        cell(&r.provider, true),
        cell(&r.secret, true),
        days(r.exposed_days),
        cell(r.place(), true),
        locations_text(r, true),
        cell(reach_text(r), true),
        cell(&revoke_text(r), true),
        cell(r.fingerprint.get(..12).unwrap_or(&r.fingerprint), true),
    ]
}

#[derive(Serialize)]
struct JsonOwner<'a> {
    owner: &'a str,
    credentials: usize,
    live: usize,
    in_head: usize,
    max_severity: &'a str,
    oldest_first_seen: Option<&'a str>,
    max_exposed_days: Option<i64>,
    /// The owner's credentials, live first, by severity.
    by_risk: Vec<JsonRow<'a>>,
}

#[derive(Serialize)]
struct JsonDoc<'a> {
    schema_version: u32,
    owners: Vec<JsonOwner<'a>>,
}

/// Writes the view of `rows` by owner in `format` (HTML has its own page, [`super::html`]).
pub fn write(rows: &[Row], format: InventoryFormat, out: &mut dyn Write) -> io::Result<()> {
    let owners = by_owner(rows);
    match format {
        InventoryFormat::Json => write_json(&owners, out),
        InventoryFormat::Csv => write_csv(&owners, out),
        InventoryFormat::Markdown => write_markdown(&owners, out),
        InventoryFormat::Human | InventoryFormat::Html => write_human(&owners, out),
    }
}

/// `{"schema_version", "owners": [...]}`, each owner with its credentials by risk.
fn write_json(owners: &[Owner], out: &mut dyn Write) -> io::Result<()> {
    let doc = JsonDoc {
        schema_version: crate::report::json::SCHEMA_VERSION,
        owners: owners
            .iter()
            .map(|o| JsonOwner {
                owner: &o.owner,
                credentials: o.credentials.len(),
                live: o.live,
                in_head: o.in_head,
                max_severity: o.max_severity,
                oldest_first_seen: o.oldest_first_seen.map(|f| f.1.as_str()),
                max_exposed_days: o.max_exposed_days,
                by_risk: o.credentials.iter().map(|r| json_row(r)).collect(),
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

/// One line per owner and credential.
fn write_csv(owners: &[Owner], out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "owner",
        "severity",
        "validity",
        "provider",
        "rule_id",
        "secret",
        "first_seen",
        "exposed_days",
        "where",
        "locations",
        "reach",
        "revoke_page",
        "revoke_cli",
        "fingerprint",
    ])?;
    for o in owners {
        for r in &o.credentials {
            let [page, cli] = r.revoke_cells();
            w.write_record(
                [
                    o.owner.clone(),
                    r.severity.clone(),
                    r.status().to_string(),
                    r.provider.clone(),
                    r.rule_id.clone(),
                    r.secret.clone(),
                    r.first_seen
                        .as_ref()
                        .map(|f| f.1.clone())
                        .unwrap_or_default(),
                    r.exposed_days.map(|d| d.to_string()).unwrap_or_default(),
                    r.place().to_string(),
                    locations(r).join(" "),
                    r.severity_reason.clone(),
                    page,
                    cli,
                    r.fingerprint.clone(),
                ]
                .map(|c| super::csv::cell(&c)),
            )?;
        }
    }
    w.flush()
}

/// A section per owner: its summary, then a table of its credentials.
fn write_markdown(owners: &[Owner], out: &mut dyn Write) -> io::Result<()> {
    for (i, o) in owners.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(out, "## {}\n\n{}\n", cell(&o.owner, true), summary(o))?;
        let cells: Vec<[String; 10]> = o.credentials.iter().map(|r| markdown_cells(r)).collect();
        write_table(COLUMNS, &cells, true, out)?;
    }
    Ok(())
}

/// A block per owner: its summary, then each credential with where it is, what it can reach and
/// where to revoke it.
fn write_human(owners: &[Owner], out: &mut dyn Write) -> io::Result<()> {
    for (i, o) in owners.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{}: {}", cell(&o.owner, false), summary(o))?;
        for (n, r) in o.credentials.iter().enumerate() {
            writeln!(
                out,
                "  {}. {}  {}  {}  {}  {}  {}  {}",
                n + 1,
                r.severity,
                cell(r.status(), false),
                cell(&r.provider, false),
                cell(&r.secret, false),
                match r.exposed_days {
                    Some(d) => format!("exposed {d} days"),
                    None => "age unknown".to_string(),
                },
                r.place(),
                r.fingerprint.get(..12).unwrap_or(&r.fingerprint)
            )?;
            writeln!(out, "     at      {}", locations_text(r, false))?;
            writeln!(out, "     reach   {}", cell(reach_text(r), false))?;
            writeln!(out, "     revoke  {}", cell(&revoke_text(r), false))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn repositories_are_shown_by_their_last_path_part() {
        use super::repo_short;
        assert_eq!(repo_short("https://example.com/org/a.git"), "a");
        assert_eq!(repo_short("git@example.com:org/b.git"), "b");
        assert_eq!(repo_short("git@example.com:b"), "b");
        assert_eq!(repo_short("/srv/repos/c/"), "c");
    }
}
