//! Exit statuses, standard input, argument errors, and the `rules` subcommands.

use crate::support::*;

#[test]
fn exit_status_is_0_clean_1_found_and_configurable() {
    let sb = Sandbox::new();
    sb.file("clean.txt", "nothing to see\n");
    assert_eq!(run_in(sb.path(), &["scan", "clean.txt"]).code, 0);
    sb.file("dirty.env", format!("T={GH1}\n"));
    assert_eq!(run_in(sb.path(), &["scan", "."]).code, 1);
    assert_eq!(
        run_in(sb.path(), &["scan", "--exit-code", "7", "."]).code,
        7
    );
}

#[test]
fn exit_status_2_for_missing_path_bad_argument_bad_config() {
    let sb = Sandbox::new();
    let run = run_in(sb.path(), &["scan", "does-not-exist"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: does-not-exist: no such file or directory\n"
    );
    assert_eq!(run_in(sb.path(), &["scan", "--format", "xml", "."]).code, 2);
    assert_eq!(
        run_in(sb.path(), &["scan", "--max-file-size", "12Q", "."]).code,
        2
    );
    sb.file(
        "sprawl.toml",
        format!("[allowlist]\nvalues = [\"a\"]\nregexes = [\"{GH1}(\"]\n"),
    );
    let run = run_in(sb.path(), &["scan", "--config", "sprawl.toml", "."]);
    assert_eq!(run.code, 2);
    // The pattern (here a pasted token) is not echoed; the reason and position are.
    assert_eq!(
        run.stderr,
        "error: sprawl.toml:3: allowlist regex: unclosed group (at character 41)\n"
    );
}

#[test]
fn stdin_is_scanned_with_dash() {
    let sb = Sandbox::new();
    let input = format!("line one\nline two {GH1}\n");
    let run = run_cmd(
        sprawl()
            .current_dir(sb.path())
            .args(["scan", "--format", "json", "-"]),
        Some(input.as_bytes()),
    );
    assert_eq!(run.code, 1);
    let r: Report = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        locations(&r),
        vec![("<stdin>".into(), 2, 10, "github.pat-classic".into())]
    );
}

#[test]
fn rules_list_counts_rules_and_providers() {
    let sb = Sandbox::new();
    let run = run_in(sb.path(), &["rules", "list", "--format", "json"]);
    assert_eq!(run.code, 0);
    let list: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).unwrap();
    let providers: std::collections::BTreeSet<&str> = list
        .iter()
        .map(|r| r["provider"].as_str().unwrap())
        .collect();
    assert!(list.len() >= 120, "{} rules", list.len());
    assert!(providers.len() >= 70, "{} providers", providers.len());
    assert!(list.iter().any(|r| r["id"] == "github.pat-classic"));
}

const CUSTOM_RULES: &str = r#"
provider = "acme"

[[rules]]
id = "acme.api-key"
name = "Acme API key"
keywords = ["acme_"]
pattern = '\b(?P<secret>acme_[a-z0-9]{24})\b'
confidence = "high"
min_entropy = 3.0
revoke = { page = "https://console.acme.example/keys", cli = "acme keys delete <KEY_ID>" }
examples = ["ACME_KEY=acme_q8w7e6r5t4y3u2i1o9p8a7s6"]
negative_examples = ["ACME_KEY=acme_short"]
"#;

#[test]
fn rules_check_passes_a_good_file_and_names_each_failure() {
    let sb = Sandbox::new();
    sb.file("good.toml", CUSTOM_RULES);
    let run = run_in(sb.path(), &["rules", "check", "good.toml"]);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "1 rules checked, 0 failures\n")
    );

    let bad = CUSTOM_RULES
        .replace(
            "negative_examples = [\"ACME_KEY=acme_short\"]",
            "negative_examples = [\"ACME_KEY=acme_z8w7e6r5t4y3u2i1o9p8a7s6\"]",
        )
        .replace("ACME_KEY=acme_q8w7", "ACME_KEY=acme_Q8W7");
    sb.file("bad.toml", bad);
    let run = run_in(sb.path(), &["rules", "check", "bad.toml"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout,
        "FAIL bad.toml:4: rule `acme.api-key`: example 1 is not found (found instead: nothing)\n\
         FAIL bad.toml:4: rule `acme.api-key`: negative example 1 is found\n\
         1 rules checked, 2 failures\n"
    );

    let unrevokable = CUSTOM_RULES.replace(
        "revoke = { page = \"https://console.acme.example/keys\", cli = \"acme keys delete <KEY_ID>\" }\n",
        "",
    );
    sb.file("norevoke.toml", unrevokable);
    let run = run_in(sb.path(), &["rules", "check", "norevoke.toml"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout,
        "FAIL norevoke.toml:4: rule `acme.api-key`: says nowhere how to revoke it by hand: add \
         `revoke = { page = \"https://…\" }` (and `cli` when the provider has one), or `[revoke]` for the whole file\n\
         1 rules checked, 1 failures\n"
    );

    let http = CUSTOM_RULES.replace(
        "https://console.acme.example/keys",
        "http://console.acme.example/keys",
    );
    sb.file("http.toml", http);
    let run = run_in(sb.path(), &["rules", "check", "http.toml"]);
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (
            2,
            "error: http.toml:4: rule `acme.api-key`: revoke.page must be an https:// URL, \
             got \"http://console.acme.example/keys\"\n"
        )
    );
}

#[test]
fn rules_check_reports_a_bad_regex_with_file_and_line() {
    let sb = Sandbox::new();
    sb.file(
        "r.toml",
        CUSTOM_RULES.replace("[a-z0-9]{24}", "[a-z0-9{24}"),
    );
    let run = run_in(sb.path(), &["rules", "check", "r.toml"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .starts_with("FAIL r.toml:4: rule `acme.api-key`: invalid pattern: unclosed character class (at character 19)\n"),
        "{}",
        run.stdout
    );
}
