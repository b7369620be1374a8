//! `--format csv`: a header row, then one row per finding; fields quoted by the `csv` crate.

use std::io::{self, Write};

use super::RenderOptions;
use crate::finding::Liveness;
use crate::scan::ScanResult;

const HEADER: [&str; 20] = [
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
];

pub fn write(result: &ScanResult, opts: RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(HEADER)?;
    for f in &result.findings {
        let c = f.commit.as_ref();
        let secret = if opts.redact {
            f.secret.redacted()
        } else {
            f.secret.expose_lossy()
        };
        let identity = match &f.validity.live {
            Liveness::Live {
                identity: Some(who),
                ..
            } => who.as_str(),
            _ => "",
        };
        w.write_record([
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
        ])?;
    }
    w.flush()?;
    Ok(())
}
