//! `--format github`: GitHub Actions workflow commands, one annotation per finding
//! (`::error file=…,line=…,col=…,title=…::message`), which the runner shows on the pull request's diff.
//! Values are escaped as the runner expects; the secret is redacted unless `--no-redact`.

use std::io::{self, Write};

use super::RenderOptions;
use crate::diag::{escape_control, workflow_data, workflow_property};
use crate::rules::Confidence;
use crate::scan::ScanResult;

/// A command's message: control characters made visible, then escaped for the runner.
fn data(s: &str) -> String {
    workflow_data(&escape_control(s))
}

/// A property value, likewise.
fn property(s: &str) -> String {
    workflow_property(&escape_control(s))
}

pub fn write(result: &ScanResult, opts: RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    for f in &result.findings {
        let level = match f.rule.confidence {
            Confidence::High | Confidence::Medium => "error",
            Confidence::Low => "warning",
        };
        let secret = opts.show(&f.secret);
        let mut message = format!(
            "{} {secret} ({}, fingerprint {}).",
            f.rule.name,
            f.rule.id,
            &f.fingerprint.0[..12]
        );
        if let Some(c) = &f.commit {
            message.push_str(&format!(
                " Introduced in {} by {}.",
                &c.id[..c.id.len().min(12)],
                c.author_email
            ));
        }
        if let Some(p) = &f.provenance {
            message.push_str(&format!(" Provenance {p}."));
        }
        message.push_str(&format!(" {}", f.rule.fix));
        if let Some(s) = f
            .rule
            .revoke
            .as_ref()
            .and_then(|r| r.sentence_beside(&f.rule.fix))
        {
            message.push_str(&format!(" {s}"));
        }
        message.push_str(" False positive? Add `sprawl:allow` in a comment on the line.");
        writeln!(
            out,
            "::{level} file={},line={},endLine={},col={},endColumn={},title={}::{}",
            property(&f.path),
            f.line,
            f.end_line,
            f.column,
            f.end_column,
            property(&format!("sprawl: {}", f.rule.name)),
            data(&message)
        )?;
    }
    Ok(())
}
