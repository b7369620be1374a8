//! Reports serialise a [`ScanResult`]; they make no decisions about what is reported.
//! Secrets are redacted unless the caller passes `redact = false` (`--no-redact`).

pub mod csv;
pub mod github;
pub mod governance;
pub mod html;
pub mod human;
pub mod inventory;
pub mod json;
pub mod sarif;

use std::io::{self, Write};

use crate::config::Format;
use crate::finding::Secret;
use crate::scan::ScanResult;

/// How to render.
#[derive(Clone, Copy, Debug)]
pub struct RenderOptions {
    pub redact: bool,
    pub color: bool,
    /// A `--staged` (pre-commit) run: human output is silent when clean and says the commit is blocked.
    pub staged: bool,
}

impl RenderOptions {
    /// `secret` as every report shows it: [`Secret::redacted`] unless `redact` is off (`--no-redact`).
    pub fn show(self, secret: &Secret) -> String {
        if self.redact {
            secret.redacted()
        } else {
            secret.expose_lossy()
        }
    }
}

/// Writes `result` in `format`.
pub fn write(
    result: &ScanResult,
    format: Format,
    opts: RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => human::write(result, opts, out),
        Format::Json => json::write(result, opts, out),
        Format::Jsonl => json::write_lines(result, opts, out),
        Format::Sarif => sarif::write(result, opts, out),
        Format::Csv => csv::write(result, opts, out),
        Format::Github => github::write(result, opts, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn show_redacts_unless_told_not_to() {
        let s = Secret::new(b"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".to_vec());
        let opts = |redact| RenderOptions {
            redact,
            color: false,
            staged: false,
        };
        assert_eq!(opts(true).show(&s), s.redacted());
        assert_ne!(opts(true).show(&s), s.expose_lossy());
        assert_eq!(
            opts(false).show(&s),
            "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"
        );
    }
}
