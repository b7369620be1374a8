//! `--format csv`: a header row, then one row per finding; fields quoted by the `csv` crate.
//!
//! Paths, names and e-mails come from the scanned tree, and a CSV is opened in spreadsheets: every
//! field has its control characters escaped ([`crate::diag::escape_control`]) and a field that starts
//! with `=`, `+`, `-`, `@` (a formula) gets a leading `'`, so it is shown as text, not evaluated.

use std::io::{self, Write};

use super::RenderOptions;
use crate::finding::Liveness;
use crate::scan::ScanResult;

const HEADER: [&str; 24] = [
    "rule_id",
    "provider",
    "confidence",
    "fingerprint",
    "secret",
    "path",
    "line",
    "column",
    "end_column",
    "commit",
    "author_name",
    "author_email",
    "commit_date",
    "owners",
    "owner_source",
    "validity",
    "validity_offline",
    "validity_identity",
    "checked_at",
    "decoded",
    "severity",
    "severity_reason",
    "revoke_page",
    "revoke_cli",
];

/// A field as written: control characters escaped, a formula neutralised.
pub(super) fn cell(s: &str) -> String {
    let s = crate::diag::escape_control(s);
    if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.into_owned()
    }
}

pub fn write(result: &ScanResult, opts: RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(HEADER)?;
    for f in &result.findings {
        let c = f.commit.as_ref();
        let secret = opts.show(&f.secret);
        let identity = match &f.validity.live {
            Liveness::Live {
                identity: Some(who),
                ..
            } => who.as_str(),
            _ => "",
        };
        let record = [
            f.rule.id.as_str(),
            f.rule.provider.as_str(),
            f.rule.confidence.as_str(),
            f.fingerprint.0.as_str(),
            secret.as_str(),
            f.path.as_str(),
            &f.line.to_string(),
            &f.column.to_string(),
            &f.end_column.to_string(),
            c.map_or("", |c| c.id.as_str()),
            c.map_or("", |c| c.author_name.as_str()),
            c.map_or("", |c| c.author_email.as_str()),
            c.map_or("", |c| c.date.as_str()),
            &f.owners.join(";"),
            f.owner_source.as_deref().unwrap_or(""),
            f.validity.status(),
            f.validity.offline.map_or("", |o| o.as_str()),
            identity,
            f.validity.checked_at.as_deref().unwrap_or(""),
            &f.decoded.join("+"),
            f.validity.severity().as_str(),
            &f.validity.severity_reason(),
            f.rule.revoke.as_ref().map_or("", |r| r.page.as_str()),
            f.rule
                .revoke
                .as_ref()
                .and_then(|r| r.cli.as_deref())
                .unwrap_or(""),
        ];
        w.write_record(record.map(cell))?;
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn cells_escape_control_characters_and_neutralise_formulas() {
        assert_eq!(super::cell("a\x1b[31m\nb"), "a\\u{1b}[31m\\nb");
        assert_eq!(super::cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        for s in ["+1", "-1", "@SUM(A1)"] {
            assert_eq!(super::cell(s), format!("'{s}"));
        }
        assert_eq!(super::cell("deploy/.env"), "deploy/.env");
    }
}
