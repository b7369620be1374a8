//! `sprawl revoke` against mock providers on 127.0.0.1 that record every request: a dry run sends
//! nothing and prints each request with the secret as a placeholder; `--yes` sends one revocation
//! per credential (after its lookups) to its provider only; a failure is an error that does not stop
//! the others; revoked credentials become `revoked` in the rewritten report; a redacted report's
//! secrets are read again at their locations (files and commits), and refused with a way out when
//! they cannot be.

use crate::git::{Repo, ALICE};
use crate::mock::{Reply, Request, Server};
use crate::support::*;
use crate::validate::example;

/// The providers' revocation endpoints; Slack refuses (200 with `"ok": false`).
fn provider(r: &Request) -> Reply {
    let json = |status: u16, body: &str| {
        Reply::new(status, body).header("Content-Type", "application/json")
    };
    match (r.method.as_str(), r.path.as_str()) {
        ("POST", "/github/credentials/revoke") => json(202, "{}"),
        ("DELETE", "/gitlab/api/v4/personal_access_tokens/self") => Reply::new(204, ""),
        ("POST", "/slack/api/auth.revoke") => json(200, r#"{"ok":false,"error":"not_authed"}"#),
        ("GET", "/cloudflare/client/v4/user/tokens/verify") => json(
            200,
            r#"{"success":true,"result":{"id":"tok123","status":"active"}}"#,
        ),
        ("DELETE", "/cloudflare/client/v4/user/tokens/tok123") => json(200, r#"{"success":true}"#),
        ("GET", "/heroku/oauth/authorizations") => {
            let token = r
                .header("authorization")
                .and_then(|a| a.strip_prefix("Bearer "))
                .unwrap_or("");
            json(
                200,
                &format!(
                    r#"[{{"id":"other","access_token":{{"token":"x"}}}},{{"id":"auth-7","access_token":{{"token":"{token}"}}}}]"#
                ),
            )
        }
        ("DELETE", "/heroku/oauth/authorizations/auth-7") => json(200, "{}"),
        _ => Reply::new(404, "{}"),
    }
}

const RULES: [&str; 5] = [
    "github.pat-classic",
    "gitlab.pat",
    "slack.bot-token",
    "cloudflare.api-token",
    "heroku.api-key",
];

/// One file per credential, an OpenAI key (no revocation API), and the endpoints config.
fn sandbox(server: &Server) -> Sandbox {
    let sb = Sandbox::new();
    for rule in RULES {
        sb.file(&format!("src/{rule}.env"), example(rule) + "\n");
    }
    sb.file("src/openai.env", example("openai.project-key") + "\n");
    let base = server.base();
    let mut config = String::from("[validation.endpoints]\n");
    for p in ["github", "gitlab", "slack", "cloudflare", "heroku"] {
        config.push_str(&format!("{p} = \"{base}/{p}\"\n"));
    }
    sb.file("sprawl.toml", config);
    sb
}

/// Scans `src` into `report.json` (with `--no-redact` when `shown`); returns the report.
fn scan_report(sb: &Sandbox, shown: bool) -> Report {
    let mut args = vec!["scan", "--format", "json", "--output", "report.json"];
    if shown {
        args.push("--no-redact");
    }
    args.push("src");
    let run = run_cmd(sprawl().current_dir(sb.path()).args(&args), None);
    assert_eq!(run.code, 1, "{}", run.stderr);
    serde_json::from_str(&std::fs::read_to_string(sb.join("report.json")).unwrap()).unwrap()
}

fn revoke(sb: &Sandbox, args: &[&str]) -> Run {
    let mut all = vec!["revoke", "--from", "report.json", "--config", "sprawl.toml"];
    all.extend_from_slice(args);
    run_cmd(
        sprawl()
            .current_dir(sb.path())
            .env("SPRAWL_NOW", "2026-01-02T03:04:05Z")
            .args(&all),
        None,
    )
}

fn fingerprint(report: &Report, rule: &str) -> String {
    report
        .credentials
        .iter()
        .find(|c| c.rule_id == rule)
        .unwrap_or_else(|| panic!("no {rule}"))
        .fingerprint
        .clone()
}

fn short(fp: &str) -> &str {
    &fp[..12]
}

#[test]
fn a_dry_run_prints_every_request_and_sends_nothing() {
    let server = Server::start(provider);
    let sb = sandbox(&server);
    let report = scan_report(&sb, true);
    let before = std::fs::read_to_string(sb.join("report.json")).unwrap();
    let run = revoke(&sb, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(server.connections(), 0);
    let line = |rule: &str| {
        format!(
            "would revoke {rule} {}:",
            short(&fingerprint(&report, rule))
        )
    };
    for (rule, request) in [
        (
            "github.pat-classic",
            "POST https://api.github.com/credentials/revoke  headers: Accept, Content-Type  body: {\"credentials\": [\"{secret}\"]}",
        ),
        (
            "gitlab.pat",
            "DELETE https://gitlab.com/api/v4/personal_access_tokens/self  headers: PRIVATE-TOKEN",
        ),
        (
            "cloudflare.api-token",
            "GET https://api.cloudflare.com/client/v4/user/tokens/verify  headers: Authorization\n    DELETE https://api.cloudflare.com/client/v4/user/tokens/{token_id}  headers: Authorization",
        ),
    ] {
        assert!(
            run.stdout.contains(&format!("{}\n    {request}\n", line(rule))),
            "{rule}: {}",
            run.stdout
        );
    }
    assert!(run.stdout.contains(&format!(
        "openai.project-key {}: no revocation API; by hand: ",
        short(&fingerprint(&report, "openai.project-key"))
    )));
    assert!(run
        .stdout
        .ends_with("dry run: nothing was sent; add --yes to send these requests\n"));
    // No secret is printed, and the report is untouched.
    for f in &report.findings {
        assert!(!run.stdout.contains(&f.secret), "{}", f.rule_id);
    }
    assert_eq!(
        std::fs::read_to_string(sb.join("report.json")).unwrap(),
        before
    );
}

#[test]
fn yes_revokes_each_credential_at_its_provider_and_a_failure_stops_nothing() {
    let server = Server::start(provider);
    let sb = sandbox(&server);
    let report = scan_report(&sb, true);
    let run = revoke(&sb, &["--yes"]);
    assert_eq!(run.code, 2, "--yes needs a filter or --all: {}", run.stderr);
    assert!(
        run.stderr.contains("add --all to confirm"),
        "{}",
        run.stderr
    );
    assert_eq!(server.connections(), 0);

    let run = revoke(&sb, &["--yes", "--all", "--audit-log", "audit.jsonl"]);
    assert_eq!(
        run.code, 1,
        "the Slack failure fails the run: {}",
        run.stderr
    );
    let slack = short(&fingerprint(&report, "slack.bot-token")).to_string();
    assert_eq!(
        run.stderr,
        format!(
            "error: slack.bot-token {slack}: not revoked: POST 127.0.0.1: HTTP 200, /ok is not true\n"
        )
    );
    for rule in RULES.iter().filter(|r| **r != "slack.bot-token") {
        assert!(
            run.stdout.contains(&format!(
                "revoked {rule} {}\n",
                short(&fingerprint(&report, rule))
            )),
            "{rule}: {}",
            run.stdout
        );
    }
    // One request per credential, after its lookups, each to its own provider with its own secret.
    let mut sent: Vec<(String, String)> = server
        .requests()
        .into_iter()
        .map(|r| (r.method, r.path))
        .collect();
    sent.sort();
    let req = |m: &str, p: &str| (m.to_string(), p.to_string());
    assert_eq!(
        sent,
        vec![
            req("DELETE", "/cloudflare/client/v4/user/tokens/tok123"),
            req("DELETE", "/gitlab/api/v4/personal_access_tokens/self"),
            req("DELETE", "/heroku/oauth/authorizations/auth-7"),
            req("GET", "/cloudflare/client/v4/user/tokens/verify"),
            req("GET", "/heroku/oauth/authorizations"),
            req("POST", "/github/credentials/revoke"),
            req("POST", "/slack/api/auth.revoke"),
        ]
    );
    let secret_of = |rule: &str| {
        report
            .findings
            .iter()
            .find(|f| f.rule_id == rule)
            .unwrap()
            .secret
            .clone()
    };
    let github = server
        .requests()
        .into_iter()
        .find(|r| r.path == "/github/credentials/revoke")
        .unwrap();
    assert_eq!(
        github.body,
        format!(
            "{{\"credentials\": [\"{}\"]}}",
            secret_of("github.pat-classic")
        )
    );
    let gitlab = server
        .requests()
        .into_iter()
        .find(|r| r.path.starts_with("/gitlab"))
        .unwrap();
    assert_eq!(
        gitlab.header("private-token"),
        Some(secret_of("gitlab.pat").as_str())
    );

    // The report now says which are revoked; Slack's is as it was.
    let after: Report =
        serde_json::from_str(&std::fs::read_to_string(sb.join("report.json")).unwrap()).unwrap();
    for c in &after.credentials {
        let revoked = RULES.contains(&c.rule_id.as_str()) && c.rule_id != "slack.bot-token";
        if revoked {
            assert_eq!(
                (
                    c.validity.status.as_str(),
                    c.validity.revoked_at.as_deref(),
                    c.severity.as_str()
                ),
                ("revoked", Some("2026-01-02T03:04:05Z"), "none"),
                "{}",
                c.rule_id
            );
        } else {
            assert_eq!(c.validity.status, "not_checked", "{}", c.rule_id);
        }
    }
    assert!(after
        .findings
        .iter()
        .filter(|f| f.rule_id == "gitlab.pat")
        .all(|f| f.validity.status == "revoked"));

    // The audit log: one line per request, no secret.
    let audit = std::fs::read_to_string(sb.join("audit.jsonl")).unwrap();
    assert_eq!(audit.lines().count(), 7);
    assert_eq!(audit.matches("\"outcome\":\"revoked\"").count(), 4);
    assert_eq!(audit.matches("\"outcome\":\"looked_up\"").count(), 2);
    assert_eq!(audit.matches("\"outcome\":\"failed\"").count(), 1);
    for f in &report.findings {
        assert!(!audit.contains(&f.secret), "{}", f.rule_id);
    }

    // Revoked credentials are not selected again: only Slack is tried.
    let again = revoke(&sb, &["--yes", "--all"]);
    assert_eq!(again.code, 1);
    assert_eq!(server.requests().len(), 8);
}

#[test]
fn a_redacted_report_reads_secrets_again_or_says_what_to_do() {
    let server = Server::start(provider);
    let sb = sandbox(&server);
    let report = scan_report(&sb, false);
    let gitlab = fingerprint(&report, "gitlab.pat");
    // The scanned directory is `src`: from the sandbox root the files are not where the report says.
    let run = revoke(&sb, &["--yes", "--fingerprint", &gitlab[..10]]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains(&format!(
            "error: gitlab.pat {}: not revoked: the report is redacted and the secret could not be read again at gitlab.pat.env (entity not found) under .: run from the scanned directory or pass --root, or revoke from a report written with --no-redact",
            short(&gitlab)
        )),
        "{}",
        run.stderr
    );
    assert_eq!(server.connections(), 0);
    let run = revoke(
        &sb,
        &["--yes", "--fingerprint", &gitlab[..10], "--root", "src"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        format!("revoked gitlab.pat {}\n", short(&gitlab))
    );
    let sent = server.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].header("private-token").map(str::to_string),
        Some(
            example("gitlab.pat")
                .split('=')
                .nth(1)
                .unwrap()
                .trim()
                .to_string()
        )
    );

    // A report with no finding to read the secret from (only credentials) is refused.
    let mut value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(sb.join("report.json")).unwrap()).unwrap();
    value["findings"] = serde_json::json!([]);
    std::fs::write(sb.join("report.json"), value.to_string()).unwrap();
    let github = fingerprint(&report, "github.pat-classic");
    let run = revoke(&sb, &["--yes", "--fingerprint", &github]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("not revoked: the report has no finding for it and no unredacted secret: write the report with `sprawl scan --format json --no-redact`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_history_finding_is_read_again_from_its_commit() {
    let server = Server::start(provider);
    let repo = Repo::init();
    repo.write("deploy/token.env", &(example("gitlab.pat") + "\n"));
    repo.commit("add token", ALICE, 3);
    std::fs::remove_file(repo.path().join("deploy/token.env")).unwrap();
    repo.commit("remove token", ALICE, 4);
    repo.write(
        "sprawl.toml",
        &format!(
            "[validation.endpoints]\ngitlab = \"{}/gitlab\"\n",
            server.base()
        ),
    );
    let run = run_cmd(
        sprawl().current_dir(repo.path()).args([
            "scan",
            "--git",
            "--format",
            "json",
            "--output",
            "report.json",
            ".",
        ]),
        None,
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let run = run_cmd(
        sprawl().current_dir(repo.path()).args([
            "revoke",
            "--from",
            "report.json",
            "--config",
            "sprawl.toml",
            "--owner",
            "alice@example.org",
            "--yes",
        ]),
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with("revoked gitlab.pat "),
        "{}",
        run.stdout
    );
    assert_eq!(server.requests().len(), 1);
    // An owner with nothing in the report selects nothing.
    let run = run_cmd(
        sprawl().current_dir(repo.path()).args([
            "revoke",
            "--from",
            "report.json",
            "--owner",
            "@nobody",
            "--yes",
        ]),
        None,
    );
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "no credential of the report matches\n")
    );
}

/// The other providers' revocation tables: each revocation arrives as declared (method, path, its
/// lookups first) and the report marks every one revoked.
#[test]
fn every_provider_revocation_table_sends_what_it_declares() {
    let server = Server::start(|r| {
        let json = |body: &str| Reply::new(200, body).header("Content-Type", "application/json");
        match (r.method.as_str(), r.path.as_str()) {
            ("GET", "/twilio/2010-04-01/Accounts.json") => {
                json(r#"{"accounts":[{"sid":"AC123"}]}"#)
            }
            ("GET", p) if p.starts_with("/mapbox/tokens/v2?access_token=") => {
                json(r#"{"code":"TokenValid","token":{"user":"acme","authorization":"ck1"}}"#)
            }
            ("DELETE" | "POST", _) => Reply::new(204, ""),
            _ => Reply::new(404, "{}"),
        }
    });
    let rules = [
        ("npm", "npm.access-token"),
        ("digitalocean", "digitalocean.personal-access-token"),
        ("vercel", "vercel.token"),
        ("sendgrid", "sendgrid.api-key"),
        ("doppler", "doppler.personal-token"),
        ("mapbox", "mapbox.secret-token"),
        ("twilio", "twilio.api-key-sid"),
    ];
    let sb = Sandbox::new();
    let mut config = String::from("[validation.endpoints]\n");
    for (provider, rule) in rules {
        let mut text = example(rule) + "\n";
        if provider == "twilio" {
            text.push_str(&(example("twilio.api-key-secret") + "\n"));
        }
        sb.file(&format!("src/{rule}.env"), text);
        config.push_str(&format!("{provider} = \"{}/{provider}\"\n", server.base()));
    }
    sb.file("sprawl.toml", config);
    let report = scan_report(&sb, true);
    let secret_of = |rule: &str| {
        report
            .findings
            .iter()
            .find(|f| f.rule_id == rule)
            .unwrap()
            .secret
            .clone()
    };
    let chosen: Vec<String> = rules
        .iter()
        .flat_map(|(_, rule)| ["--fingerprint".to_string(), fingerprint(&report, rule)])
        .collect();
    let mut args: Vec<&str> = chosen.iter().map(String::as_str).collect();
    args.push("--yes");
    let run = revoke(&sb, &args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), rules.len(), "{}", run.stdout);
    let sendgrid_id = secret_of("sendgrid.api-key")
        .split('.')
        .nth(1)
        .unwrap()
        .to_string();
    let mut sent: Vec<(String, String)> = server
        .requests()
        .into_iter()
        .map(|r| (r.method, r.path))
        .collect();
    sent.sort();
    let req = |m: &str, p: String| (m.to_string(), p);
    let npm = secret_of("npm.access-token");
    let mapbox = secret_of("mapbox.secret-token");
    let sid = secret_of("twilio.api-key-sid");
    let mut expected = vec![
        req(
            "DELETE",
            format!("/mapbox/tokens/v2/acme/ck1?access_token={mapbox}"),
        ),
        req("DELETE", format!("/npm/-/npm/v1/tokens/token/{npm}")),
        req("DELETE", format!("/sendgrid/v3/api_keys/{sendgrid_id}")),
        req(
            "DELETE",
            format!("/twilio/2010-04-01/Accounts/AC123/Keys/{sid}.json"),
        ),
        req("DELETE", "/vercel/v3/user/tokens/current".into()),
        req("GET", format!("/mapbox/tokens/v2?access_token={mapbox}")),
        req("GET", "/twilio/2010-04-01/Accounts.json".into()),
        req("POST", "/digitalocean/v1/oauth/revoke".into()),
        req("POST", "/doppler/v3/auth/revoke".into()),
    ];
    expected.sort();
    assert_eq!(sent, expected);
    let after: Report =
        serde_json::from_str(&std::fs::read_to_string(sb.join("report.json")).unwrap()).unwrap();
    for (_, rule) in rules {
        let c = after
            .credentials
            .iter()
            .find(|c| c.rule_id == rule)
            .unwrap();
        assert_eq!(c.validity.status, "revoked", "{rule}");
    }
}
