//! SARIF validated against the official SARIF 2.1.0 JSON schema (vendored in tests/data) for directory,
//! history and staged scans, with the fields GitHub code scanning relies on; and CSV.

use serde_json::Value;

use crate::git::{Repo, ALICE};
use crate::support::*;

fn validator() -> jsonschema::Validator {
    let schema: Value =
        serde_json::from_str(include_str!("../data/sarif-schema-2.1.0.json")).unwrap();
    jsonschema::validator_for(&schema).expect("the SARIF schema compiles")
}

/// Runs `sprawl scan --format sarif ARGS` in `dir`, validates the log against the schema, returns it.
pub fn sarif(dir: &std::path::Path, args: &[&str]) -> (Run, Value) {
    let mut all = vec!["scan", "--format", "sarif"];
    all.extend_from_slice(args);
    let run = run_in(dir, &all);
    let log: Value =
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout));
    let errors: Vec<String> = validator()
        .iter_errors(&log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF does not validate:\n{}",
        errors.join("\n")
    );
    (run, log)
}

pub fn results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"].as_array().unwrap()
}

#[test]
fn directory_scan_sarif_validates_and_has_github_fields() {
    let sb = Sandbox::new();
    sb.file("deploy/.env", format!("A=1\nGITHUB_TOKEN={GH1}\n"))
        .file("src/app config.py", format!("TOKEN = \"{GH2}\"\n"));
    let (run, log) = sarif(sb.path(), &["."]);
    assert_eq!(run.code, 1);
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(log["runs"].as_array().unwrap().len(), 1);
    let driver = &log["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "sprawl");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert!(driver["informationUri"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 1, "only rules that have results");
    let rule = &rules[0];
    assert_eq!(rule["id"], "github.pat-classic");
    assert_eq!(rule["properties"]["security-severity"], "9.0");
    assert!(rule["properties"]["tags"]
        .as_array()
        .unwrap()
        .contains(&Value::from("security")));
    assert!(rule["help"]["text"].as_str().unwrap().contains("rotated"));
    assert!(
        rule["shortDescription"]["text"].is_string() && rule["fullDescription"]["text"].is_string()
    );
    let rs = results(&log);
    assert_eq!(rs.len(), 2);
    let loc = &rs[0]["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "deploy/.env");
    assert_eq!(loc["region"]["startLine"], 2);
    assert_eq!(loc["region"]["startColumn"], 14);
    assert_eq!(loc["region"]["endColumn"], 54);
    assert_eq!(
        rs[1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "src/app%20config.py"
    );
    assert_eq!(rs[0]["ruleId"], "github.pat-classic");
    assert_eq!(rs[0]["ruleIndex"], 0);
    assert_eq!(rs[0]["level"], "error");
    // The credential fingerprint, the same as in the JSON report; nothing positional.
    let (_, json) = scan_json(sb.path(), &["."]);
    assert_eq!(
        rs[0]["partialFingerprints"]["sprawlCredential/v1"],
        json.findings[0].fingerprint.as_str()
    );
    assert_eq!(rs[0]["partialFingerprints"].as_object().unwrap().len(), 1);
    assert!(
        !run.stdout.contains(GH1) && !run.stdout.contains(GH2),
        "no secret in SARIF by default"
    );
    let (_, log) = sarif(sb.path(), &["--no-redact", "."]);
    assert!(results(&log)[0]["message"]["text"]
        .as_str()
        .unwrap()
        .contains(GH1));
}

#[test]
fn history_and_staged_sarif_validate_with_commit_properties() {
    let repo = Repo::init();
    repo.write("k.env", &format!("T={GH1}\n"));
    let c = repo.commit(&format!("add {GH2}"), ALICE, 3);
    let (run, log) = sarif(repo.path(), &["--git", "."]);
    assert_eq!(run.code, 1);
    assert!(!run.stdout.contains(GH1) && !run.stdout.contains(GH2));
    let rs = results(&log);
    assert_eq!(rs.len(), 2);
    let uris: Vec<&str> = rs
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(uris, vec!["%3Ccommit-message%3E", "k.env"]);
    for r in rs {
        assert_eq!(r["properties"]["commit"], c.as_str());
        assert_eq!(r["properties"]["author_email"], ALICE.1);
    }
    repo.write("new.env", &format!("T={GH2}\n"));
    repo.git(&["add", "new.env"]);
    let (run, log) = sarif(repo.path(), &["--staged"]);
    assert_eq!(run.code, 1);
    assert_eq!(results(&log).len(), 1);
    assert!(results(&log)[0]["properties"].get("commit").is_none());
}

#[test]
fn empty_result_is_valid_sarif() {
    let sb = Sandbox::new();
    sb.file("clean.txt", "nothing\n");
    let (run, log) = sarif(sb.path(), &["."]);
    assert_eq!(run.code, 0);
    assert!(results(&log).is_empty());
}

#[test]
fn csv_has_a_header_and_quotes_fields() {
    let sb = Sandbox::new();
    sb.file("dir, with \"quotes\"/a.env", format!("T={GH1}\n"));
    let run = run_in(sb.path(), &["scan", "--format", "csv", "."]);
    assert_eq!(run.code, 1);
    let mut lines = run.stdout.lines();
    assert_eq!(
        lines.next().unwrap(),
        "rule_id,provider,confidence,fingerprint,secret,path,line,column,end_column,commit,author_name,author_email,commit_date,owners,owner_source,validity,validity_offline,validity_identity,checked_at,decoded,severity,severity_reason,revoke_page,revoke_cli"
    );
    let row = lines.next().unwrap();
    assert!(row.starts_with("github.pat-classic,github,high,"), "{row}");
    assert!(
        row.contains(",ghp_Mk…,\"dir, with \"\"quotes\"\"/a.env\",1,3,43,,,,,,,not_checked"),
        "{row}"
    );
    assert_eq!(lines.next(), None);
    let mut reader = csv::Reader::from_reader(run.stdout.as_bytes());
    let rec = reader.records().next().unwrap().unwrap();
    assert_eq!(&rec[5], "dir, with \"quotes\"/a.env");
    assert!(!run.stdout.contains(GH1));
}
