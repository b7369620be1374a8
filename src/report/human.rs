//! `--format human`: one block per finding (rule, location, redacted secret, fix hint) and a summary line.
//! Colour only when the caller says the output is a terminal.

use std::io::{self, Write};

use super::RenderOptions;
use crate::scan::{human_bytes, ScanResult};

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
    for f in &result.findings {
        let title = format!("{} ({})", f.rule.name, f.rule.id);
        writeln!(
            out,
            "{} {}",
            style.paint("1;31", "●"),
            style.paint("1", &title)
        )?;
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
        let secret = if opts.redact {
            f.secret.redacted()
        } else {
            f.secret.expose_lossy()
        };
        writeln!(
            out,
            "  secret  {}   confidence {}",
            secret,
            f.rule.confidence.as_str()
        )?;
        writeln!(out, "  fix     {}", f.rule.fix)?;
        writeln!(out)?;
    }
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
    if !result.errors.is_empty() {
        summary.push_str(&format!(" · {} unreadable", result.errors.len()));
    }
    let colour = if result.findings.is_empty() {
        "32"
    } else {
        "1;31"
    };
    writeln!(out, "{}", style.paint(colour, &summary))?;
    if !result.findings.is_empty() {
        writeln!(
            out,
            "A false positive? Add `sprawl:allow` in a comment on its line, or list it in a config allowlist."
        )?;
    }
    Ok(())
}

/// Text from the scanned content (paths, author names) with control characters escaped, so a hostile
/// file name cannot drive the terminal.
fn printable(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_string();
    }
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
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
