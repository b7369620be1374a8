//! Baselines: keyed by credential, not by line, so they survive edits; stable bytes; prune; versions.

use crate::support::*;

const GH3: &str = "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";

fn create(sb: &Sandbox, args: &[&str]) -> Run {
    let mut all = vec!["baseline", "create", "-o", "base.json"];
    all.extend_from_slice(args);
    let mut cmd = sprawl();
    cmd.current_dir(sb.path())
        .env("SPRAWL_NOW", "2026-01-01")
        .args(&all);
    run_cmd(&mut cmd, None)
}

/// A baseline records held-back findings too, so `--min-confidence low` with the baseline reports none
/// of them.
#[test]
fn baseline_covers_held_back_findings() {
    let sb = Sandbox::new();
    sb.file("tests/app.env", "DB_PASSWORD=Vq8tLm2xR9pZ4wKc\n")
        .file("app/.env", format!("GITHUB_TOKEN={GH1}\n"));
    let run = create(&sb, &["."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "sprawl: wrote 2 baseline entries to base.json\n"
    );
    let (run, r) = scan_json(
        sb.path(),
        &["--min-confidence", "low", "--baseline", "base.json", "."],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(r.findings.is_empty());
    assert_eq!(r.stats.suppressed.baseline, 2);
}

#[test]
fn baseline_survives_inserted_lines_renames_and_reformatting() {
    let sb = Sandbox::new();
    sb.file("app/.env", format!("A=1\nGITHUB_TOKEN={GH1}\n"));
    let run = create(&sb, &["app", "--reason", "rotating in Q1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "sprawl: wrote 1 baseline entry to base.json\n");
    let text = std::fs::read_to_string(sb.join("base.json")).unwrap();
    assert!(!text.contains(GH1), "no secret values in a baseline");
    assert!(
        text.contains("\"added\":\"2026-01-01\",\"reason\":\"rotating in Q1\""),
        "{text}"
    );

    // Lines inserted above, file renamed and reformatted as YAML: still the same credential.
    std::fs::remove_file(sb.join("app/.env")).unwrap();
    sb.file(
        "app/config/settings.yaml",
        format!("# header\n\nservice:\n  github:\n    token: \"{GH1}\"\n"),
    );
    let (run, r) = scan_json(sb.path(), &["--baseline", "base.json", "app"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(r.findings.is_empty());
    assert_eq!(r.stats.suppressed.baseline, 1);
    let human = run_in(sb.path(), &["scan", "--baseline", "base.json", "app"]);
    assert!(
        human.stdout.contains("· 1 in the baseline"),
        "{}",
        human.stdout
    );

    // A different secret on the very same line is reported.
    sb.file(
        "app/config/settings.yaml",
        format!("# header\n\nservice:\n  github:\n    token: \"{GH2}\"\n"),
    );
    let (run, r) = scan_json(sb.path(), &["--baseline", "base.json", "app"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        locations(&r),
        vec![(
            "config/settings.yaml".into(),
            5,
            13,
            "github.pat-classic".into()
        )]
    );
}

#[test]
fn baselines_from_the_same_credentials_in_different_orders_are_byte_identical() {
    let sb = Sandbox::new();
    sb.file("a.env", format!("A={GH1}\nB={GH2}\nC={GH3}\n"));
    assert_eq!(create(&sb, &["."]).code, 0);
    let first = std::fs::read(sb.join("base.json")).unwrap();
    // The same credentials, through a report whose credentials are listed in reverse.
    let (_, _) = scan_json(sb.path(), &["."]);
    let report = run_in(sb.path(), &["scan", "--format", "json", "."]).stdout;
    let mut v: serde_json::Value = serde_json::from_str(&report).unwrap();
    v["credentials"].as_array_mut().unwrap().reverse();
    std::fs::write(sb.join("report.json"), serde_json::to_string(&v).unwrap()).unwrap();
    std::fs::remove_file(sb.join("base.json")).unwrap();
    assert_eq!(create(&sb, &["--from", "report.json"]).code, 0);
    let second = std::fs::read(sb.join("base.json")).unwrap();
    assert_eq!(
        String::from_utf8(first).unwrap(),
        String::from_utf8(second).unwrap()
    );
}

#[test]
fn prune_drops_entries_that_no_longer_occur() {
    let sb = Sandbox::new();
    sb.file("a.env", format!("A={GH1}\n"))
        .file("b.env", format!("B={GH2}\n"));
    assert_eq!(create(&sb, &["."]).code, 0);
    std::fs::remove_file(sb.join("b.env")).unwrap();
    let run = run_in(sb.path(), &["baseline", "prune", "base.json", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "sprawl: kept 1 of 2 baseline entries in base.json\n"
    );
    let (_, r) = scan_json(sb.path(), &["."]);
    let text = std::fs::read_to_string(sb.join("base.json")).unwrap();
    assert!(text.contains(&r.findings[0].fingerprint));
    assert_eq!(text.matches("\"fingerprint\"").count(), 1);
}

#[test]
fn older_format_loads_and_bad_baselines_are_errors() {
    let sb = Sandbox::new();
    sb.file("a.env", format!("A={GH1}\n"));
    let (_, r) = scan_json(sb.path(), &["."]);
    sb.file("v0.json", format!("[\"{}\"]", r.findings[0].fingerprint));
    let (run, r) = scan_json(sb.path(), &["--baseline", "v0.json", "a.env"]);
    assert_eq!(run.code, 0);
    assert!(r.findings.is_empty());
    sb.file("bad.json", "{\"version\": 7, \"entries\": []}");
    let run = run_in(sb.path(), &["scan", "--baseline", "bad.json", "."]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: bad.json: baseline version 7 is newer than this sprawl understands (up to 1); upgrade sprawl\n"
    );
    let run = run_in(sb.path(), &["scan", "--baseline", "missing.json", "."]);
    assert_eq!(run.code, 2);
}
