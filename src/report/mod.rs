//! Reports serialise a [`ScanResult`]; they make no decisions about what is reported.
//! Secrets are redacted unless the caller passes `redact = false` (`--no-redact`).

pub mod csv;
pub mod github;
pub mod human;
pub mod inventory;
pub mod json;
pub mod sarif;

use std::io::{self, Write};

use crate::config::Format;
use crate::scan::ScanResult;

/// How to render.
#[derive(Clone, Copy, Debug)]
pub struct RenderOptions {
    pub redact: bool,
    pub color: bool,
    /// A `--staged` (pre-commit) run: human output is silent when clean and says the commit is blocked.
    pub staged: bool,
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
