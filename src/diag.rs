//! What sprawl tells the user on stderr about what it scanned (warnings, notes, errors), and the
//! escaping every name, path, ref, author and message goes through on its way there.
//!
//! The scanned tree is untrusted and so are its names: a file called `x\n::error::forged` would start a
//! line that GitHub Actions reads as a workflow command (stderr is read as well as stdout), and ESC, OSC
//! or BEL bytes in a name drive the terminal. [`escape_control`] turns every control character into
//! visible text, so each line printed is exactly one line that starts with sprawl's own prefix. In
//! GitHub Actions (`GITHUB_ACTIONS` set, or `--format github`) a warning is itself a well-formed
//! `::warning` command, escaped with [`workflow_data`] / [`workflow_property`].

use std::borrow::Cow;
use std::sync::OnceLock;

/// Control characters (C0, DEL, C1) and the Unicode bidirectional overrides written as visible
/// escapes, as Rust's `escape_default` writes them: `\n`, `\r`, `\t`, `\u{1b}`, `\u{202e}`. Other
/// text is unchanged.
pub fn escape_control(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if needs_escape(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Escapes a workflow command's message as the runner requires (`%`, CR, LF).
pub fn workflow_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value (also `:` and `,`, which delimit properties).
pub fn workflow_property(s: &str) -> String {
    workflow_data(s).replace(':', "%3A").replace(',', "%2C")
}

static GITHUB: OnceLock<bool> = OnceLock::new();

/// Makes warnings GitHub workflow commands for the rest of the process (`--format github`). Without a
/// call, they are when `GITHUB_ACTIONS` is set.
pub fn set_github_annotations(on: bool) {
    let _ = GITHUB.set(on || in_github_actions());
}

fn in_github_actions() -> bool {
    std::env::var_os("GITHUB_ACTIONS").is_some_and(|v| !v.is_empty())
}

fn github() -> bool {
    *GITHUB.get_or_init(in_github_actions)
}

/// The line a warning about `subject` (a path, a repository, an object) is printed as: `warning:
/// subject: message`, or in GitHub Actions `::warning title=sprawl%3A subject::message`.
pub fn warning_line(github: bool, subject: &str, message: &str) -> String {
    let (subject, message) = (escape_control(subject), escape_control(message));
    if github {
        format!(
            "::warning title={}::{}",
            workflow_property(&format!("sprawl: {subject}")),
            workflow_data(&format!("{subject}: {message}"))
        )
    } else {
        format!("warning: {subject}: {message}")
    }
}

/// [`warning_line`] in this process's mode.
pub fn warning(subject: &str, message: &str) -> String {
    warning_line(github(), subject, message)
}

/// Prints a warning about `subject` on stderr (see [`warning_line`]).
pub fn warn(subject: &str, message: &str) {
    eprintln!("{}", warning(subject, message));
}

/// Prints `sprawl: text` on stderr, control characters escaped.
pub fn note(text: &str) {
    eprintln!("sprawl: {}", escape_control(text));
}

/// Prints `error: text` on stderr, control characters escaped (`::error::text` in GitHub Actions).
pub fn error(text: &str) {
    let text = escape_control(text);
    if github() {
        eprintln!("::error title=sprawl::{}", workflow_data(&text));
    } else {
        eprintln!("error: {text}");
    }
}

/// Replaces the default panic message (which quotes the panic's payload: a bug's message may hold
/// scanned content, a secret) with where it happened, on stderr, once per panic.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        error(&format!(
            "internal error{at}: a bug in sprawl, please report it (its message is not shown: it may quote scanned content)"
        ));
    }));
}

/// `1.2 MiB`-style size for messages. Sizes are binary everywhere in sprawl: what is read
/// (`--max-file-size 50M`, `50MB` and `50MiB` all mean 50 × 2^20 bytes) and what is printed.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_printed_in_binary_units() {
        assert_eq!(human_bytes(0), "0 B");
        assert_eq!(human_bytes(1023), "1023 B");
        assert_eq!(human_bytes(2048), "2.0 KiB");
        assert_eq!(human_bytes(50 << 20), "50.0 MiB");
        assert_eq!(human_bytes(4 << 30), "4.0 GiB");
    }

    #[test]
    fn control_characters_become_visible_text() {
        assert_eq!(escape_control("plain/path.env"), "plain/path.env");
        assert_eq!(
            escape_control("a\nb\r\tc\x1b]0;t\x07\x7f\u{85}\u{202e}"),
            "a\\nb\\r\\tc\\u{1b}]0;t\\u{7}\\u{7f}\\u{85}\\u{202e}"
        );
    }

    #[test]
    fn warnings_are_one_line_and_well_formed_commands_in_github() {
        let name = "evil.zip\n::error file=x::INJECTED%0A";
        assert_eq!(
            warning_line(false, name, "bad"),
            "warning: evil.zip\\n::error file=x::INJECTED%0A: bad"
        );
        assert_eq!(
            warning_line(true, name, "a, b: 50%"),
            "::warning title=sprawl%3A evil.zip\\n%3A%3Aerror file=x%3A%3AINJECTED%250A::\
             evil.zip\\n::error file=x::INJECTED%250A: a, b: 50%25"
        );
        assert_eq!(workflow_data("50%\r\nnext"), "50%25%0D%0Anext");
        assert_eq!(workflow_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
