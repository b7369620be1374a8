//! Secrets never leak (issue 16 §4): every error path that can see a secret — a bad config value, a
//! panic in a worker thread, timing and logging switches, every report format — is driven with a
//! planted secret, which must appear nowhere without `--no-redact`. (Validation failures and HTTP error
//! bodies: `validate::audit_log_and_errors_never_contain_a_secret`.)

use super::env_with;
use crate::git::{Repo, ALICE};
use crate::support::*;

fn no_secret(what: &str, run: &Run) {
    for s in [GH1, GH2] {
        assert!(
            !run.stdout.contains(s) && !run.stderr.contains(s),
            "{what}: a secret in the output\nstdout: {}\nstderr: {}",
            run.stdout,
            run.stderr
        );
    }
}

#[test]
fn config_and_inventory_errors_never_quote_a_secret() {
    let cases: [(&str, &str, String); 7] = [
        ("--config", "a.toml", format!("min_confidence = \"{GH1}\"\n")),
        ("--config", "b.toml", format!("[allowlist]\npaths = ['{GH1}{{']\n")),
        ("--config", "c.toml", format!("[allowlist]\nregexes = ['{GH1}(']\n")),
        (
            "--config",
            "d.toml",
            format!("[[rules]]\nid = \"{GH1}\"\nname = \"x\"\nkeywords = [\"x\"]\npattern = 'x'\nconfidence = \"high\"\n"),
        ),
        ("--config", "e.toml", format!("{GH1} = 1\n")),
        (
            "--inventory",
            "f.toml",
            format!("[[credentials]]\nfingerprint = \"x\"\nexpires = \"{GH1}\"\nowner = \"a\"\n"),
        ),
        (
            "--inventory",
            "g.yaml",
            format!("credentials:\n  - fingerprint: x\n    expires: {GH1}\n"),
        ),
    ];
    for (flag, file, text) in cases {
        let sb = Sandbox::new();
        sb.file(file, &text).file("x.txt", "nothing\n");
        let run = run_in(sb.path(), &["scan", flag, file, "x.txt"]);
        assert_eq!(run.code, 2, "{file}: {}", run.stderr);
        assert!(
            run.stderr.starts_with(&format!("error: {file}")),
            "{}",
            run.stderr
        );
        no_secret(file, &run);
    }
}

#[test]
fn a_panic_in_a_worker_thread_prints_where_not_what() {
    let sb = Sandbox::new();
    sb.file("app.env", env_with(GH1));
    for args in [
        &["scan", "."][..],
        &["scan", "--format", "json", "-j", "4", "."],
    ] {
        let run = run_bounded(
            sprawl()
                .current_dir(sb.path())
                .env("SPRAWL_TEST_PANIC", "1")
                .args(args),
        );
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(run.stdout.is_empty(), "{}", run.stdout);
        assert!(
            run.stderr.lines().all(|l| l.starts_with("error: internal error at src/")
                && l.ends_with(": a bug in sprawl, please report it (its message is not shown: it may quote scanned content)")),
            "{}",
            run.stderr
        );
        no_secret("panic", &run);
    }
}

#[test]
fn no_report_format_or_diagnostic_switch_shows_a_secret_without_no_redact() {
    let repo = Repo::init();
    repo.write("app.env", &env_with(GH1))
        .write(&format!("keys/{GH2}.txt"), "named after a key\n");
    repo.commit(&format!("add config\n\nGITHUB_TOKEN={GH2}\n"), ALICE, 1);
    for format in ["human", "json", "jsonl", "sarif", "csv", "github"] {
        for target in [&["."][..], &["--git", "."]] {
            let mut cmd = sprawl();
            cmd.current_dir(repo.path())
                .env("RUST_LOG", "trace")
                .env("RUST_BACKTRACE", "1")
                .env("SPRAWL_TIMINGS", "1")
                .args(["scan", "--format", format])
                .args(target);
            let run = run_cmd(&mut cmd, None);
            assert_eq!(run.code, 1, "{format} {target:?}: {}", run.stderr);
            no_secret(&format!("{format} {target:?}"), &run);
        }
    }
    // The same with --no-redact shows them: the planted values were found.
    let (_, r) = scan_json(repo.path(), &["--git", "--no-redact", "."]);
    let mut shown: Vec<&str> = r.findings.iter().map(|f| f.secret.as_str()).collect();
    shown.sort();
    shown.dedup();
    assert_eq!(shown, vec![GH1, GH2]);
}
