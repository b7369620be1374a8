//! Validity: offline checks with exact outcomes, and `--validate` against a mock HTTP server on
//! 127.0.0.1 (configured with `[validation.endpoints]`): every implemented provider answers live,
//! invalid, 429, 500, a redirect to another host, and too slowly; plus the safety guarantees (one
//! request per credential, secrets only to their provider, never in the audit log or errors, no
//! connection at all without `--validate`, loopback refused unless configured).

use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::mock::{Reply, Request, Server};
use crate::support::*;

const NOW: &str = "2026-01-02T03:04:05Z";

/// One provider under test: the rule whose first example is scanned, the path the request must use,
/// a live answer, and what the report must say about it.
struct Provider {
    name: &'static str,
    rule: &'static str,
    /// A second rule whose first example completes the credential (AWS, Twilio).
    pair_rule: Option<&'static str>,
    path: &'static str,
    live_body: &'static str,
    live_header: Option<(&'static str, &'static str)>,
    identity: Option<&'static str>,
    scopes: &'static [&'static str],
}

const fn p(
    name: &'static str,
    rule: &'static str,
    path: &'static str,
    live_body: &'static str,
    identity: Option<&'static str>,
) -> Provider {
    Provider {
        name,
        rule,
        pair_rule: None,
        path,
        live_body,
        live_header: None,
        identity,
        scopes: &[],
    }
}

const AWS_XML: &str = "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/ci</Arn><UserId>AIDAX</UserId><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>";

const AWS_BAD_KEY_ID: &str = "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error></ErrorResponse>";
const AWS_BAD_SIGNATURE: &str = "<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided.</Message></Error></ErrorResponse>";

fn providers() -> Vec<Provider> {
    vec![
        Provider {
            live_header: Some(("X-OAuth-Scopes", "repo, gist")),
            scopes: &["gist", "repo"],
            ..p(
                "github",
                "github.pat-classic",
                "/user",
                r#"{"login":"octocat"}"#,
                Some("octocat"),
            )
        },
        p(
            "gitlab",
            "gitlab.pat",
            "/api/v4/user",
            r#"{"username":"gl-user"}"#,
            Some("gl-user"),
        ),
        Provider {
            live_header: Some(("X-OAuth-Scopes", "chat:write")),
            scopes: &["chat:write"],
            ..p(
                "slack",
                "slack.bot-token",
                "/api/auth.test",
                r#"{"ok":true,"team":"Acme","user":"deploybot"}"#,
                Some("Acme / deploybot"),
            )
        },
        p(
            "stripe",
            "stripe.secret-key-live",
            "/v1/account",
            r#"{"id":"acct_1Ab"}"#,
            Some("acct_1Ab"),
        ),
        p(
            "openai",
            "openai.project-key",
            "/v1/models",
            r#"{"data":[]}"#,
            None,
        ),
        p(
            "anthropic",
            "anthropic.api-key",
            "/v1/models",
            r#"{"data":[]}"#,
            None,
        ),
        Provider {
            scopes: &["write"],
            ..p(
                "huggingface",
                "huggingface.access-token",
                "/api/whoami-v2",
                r#"{"name":"hf-user","orgs":[{"name":"acme"},{"name":"labs"}],"auth":{"accessToken":{"role":"write"}}}"#,
                Some("hf-user / acme, labs"),
            )
        },
        p(
            "npm",
            "npm.access-token",
            "/-/whoami",
            r#"{"username":"npm-user"}"#,
            Some("npm-user"),
        ),
        Provider {
            scopes: &["alerts.read", "mail.send"],
            ..p(
                "sendgrid",
                "sendgrid.api-key",
                "/v3/scopes",
                r#"{"scopes":["mail.send","alerts.read"]}"#,
                None,
            )
        },
        Provider {
            pair_rule: Some("twilio.api-key-secret"),
            ..p(
                "twilio",
                "twilio.api-key-sid",
                "/2010-04-01/Accounts.json",
                r#"{"accounts":[{"sid":"AC0123"}]}"#,
                Some("AC0123"),
            )
        },
        p(
            "mailgun",
            "mailgun.api-key",
            "/v3/domains",
            r#"{"items":[]}"#,
            None,
        ),
        p(
            "datadog",
            "datadog.api-key",
            "/api/v1/validate",
            r#"{"valid":true}"#,
            None,
        ),
        p(
            "digitalocean",
            "digitalocean.personal-access-token",
            "/v2/account",
            r#"{"account":{"email":"ops@example.org"}}"#,
            Some("ops@example.org"),
        ),
        p(
            "heroku",
            "heroku.api-key",
            "/account",
            r#"{"email":"h@example.org"}"#,
            Some("h@example.org"),
        ),
        p(
            "cloudflare",
            "cloudflare.user-api-token",
            "/client/v4/user/tokens/verify",
            r#"{"success":true,"result":{"id":"tok1","status":"active"}}"#,
            Some("tok1"),
        ),
        p(
            "shopify",
            "shopify.access-token",
            "/admin/api/2024-01/shop.json",
            r#"{"shop":{"myshopify_domain":"acme.myshopify.com"}}"#,
            Some("acme.myshopify.com"),
        ),
        p(
            "discord",
            "discord.bot-token",
            "/api/v10/users/@me",
            r#"{"username":"botty"}"#,
            Some("botty"),
        ),
        p(
            "telegram",
            "telegram.bot-token",
            "/getMe",
            r#"{"ok":true,"result":{"username":"tg_bot"}}"#,
            Some("tg_bot"),
        ),
        Provider {
            pair_rule: Some("aws.secret-access-key"),
            ..p(
                "aws",
                "aws.access-key-id",
                "/",
                AWS_XML,
                Some("123456789012 / arn:aws:iam::123456789012:user/ci"),
            )
        },
        p(
            "netlify",
            "netlify.personal-access-token",
            "/api/v1/user",
            r#"{"email":"n@example.org"}"#,
            Some("n@example.org"),
        ),
        p(
            "vercel",
            "vercel.token",
            "/v2/user",
            r#"{"user":{"username":"vc"}}"#,
            Some("vc"),
        ),
        p(
            "notion",
            "notion.integration-token",
            "/v1/users/me",
            r#"{"name":"Notion Bot"}"#,
            Some("Notion Bot"),
        ),
        p(
            "postman",
            "postman.api-key",
            "/me",
            r#"{"user":{"username":"pm"}}"#,
            Some("pm"),
        ),
        // The example has `docker login -u shipit`: the companion rule supplies the account name.
        p(
            "dockerhub",
            "dockerhub.personal-access-token",
            "/v2/auth/token",
            r#"{"access_token":"x"}"#,
            None,
        ),
    ]
}

/// The first example of a built-in rule.
pub fn example(rule: &str) -> String {
    sprawl::rules::builtin()
        .unwrap()
        .into_iter()
        .find(|r| r.meta.id == rule)
        .unwrap_or_else(|| panic!("no rule {rule}"))
        .examples[0]
        .clone()
}

/// A sandbox with one file per provider (its example, and its pair's), and a config pointing every
/// provider at `base/<provider>`.
fn setup(providers: &[Provider], base: &str) -> Sandbox {
    let sb = Sandbox::new();
    let mut config = String::from("[validation.endpoints]\n");
    for p in providers {
        let mut text = example(p.rule);
        if let Some(pair) = p.pair_rule {
            text.push('\n');
            text.push_str(&example(pair));
        }
        text.push('\n');
        sb.file(&format!("src/{}.env", p.name), text);
        config.push_str(&format!("{} = \"{base}/{}\"\n", p.name, p.name));
    }
    sb.file("sprawl.toml", config);
    sb
}

fn scan_validate(sb: &Sandbox, extra: &[&str]) -> (Run, Report) {
    let mut args = vec![
        "scan",
        "--format",
        "json",
        "--config",
        "sprawl.toml",
        "--validate",
    ];
    args.extend_from_slice(extra);
    args.push("src");
    let run = run_cmd(
        sprawl()
            .current_dir(sb.path())
            .env("SPRAWL_NOW", NOW)
            .args(&args),
        None,
    );
    let report: Report = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("bad JSON ({e}): {}\nstderr: {}", run.stdout, run.stderr));
    (run, report)
}

/// The provider a request was for: the first path segment.
fn provider_of(r: &Request) -> String {
    r.path
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap()
        .to_string()
}

/// The validity of the credential of `rule` in the report.
fn validity_of<'a>(report: &'a Report, rule: &str) -> &'a Validity {
    &report
        .credentials
        .iter()
        .find(|c| c.rule_id == rule)
        .unwrap_or_else(|| panic!("no credential for {rule}: {report:?}"))
        .validity
}

fn secrets_by_provider(report: &Report, providers: &[Provider]) -> Vec<(String, Vec<String>)> {
    providers
        .iter()
        .map(|p| {
            let mut rules = vec![p.rule];
            rules.extend(p.pair_rule);
            let values = report
                .findings
                .iter()
                .filter(|f| rules.contains(&f.rule_id.as_str()))
                .map(|f| f.secret.clone())
                .collect();
            (p.name.to_string(), values)
        })
        .collect()
}

#[test]
fn every_provider_live_with_identity_scopes_and_one_request_each() {
    let all = providers();
    assert!(all.len() >= 20);
    let server = Server::start(|req| {
        let all = providers();
        let name = provider_of(req);
        let p = all.iter().find(|p| p.name == name).expect("known provider");
        let mut reply = Reply::new(200, p.live_body);
        if let Some((k, v)) = p.live_header {
            reply = reply.header(k, v);
        }
        reply
    });
    let sb = setup(&all, &server.base());
    let (run, report) = scan_validate(&sb, &["--no-redact", "--fail-on", "live"]);
    assert_eq!(run.code, 1, "live credentials fail the run: {}", run.stderr);
    for p in &all {
        let v = validity_of(&report, p.rule);
        assert_eq!(v.status, "live", "{}: {v:?}", p.name);
        assert_eq!(v.identity.as_deref(), p.identity, "{}", p.name);
        let scopes: Vec<&str> = v.scopes.iter().flatten().map(String::as_str).collect();
        assert_eq!(scopes, p.scopes, "{}", p.name);
        assert_eq!(v.checked_at.as_deref(), Some(NOW), "{}", p.name);
        assert_eq!(v.reason, None);
        if let Some(pair) = p.pair_rule {
            // A live pair proves the companion secret live too.
            assert_eq!(validity_of(&report, pair).status, "live", "{pair}");
        }
    }
    // Findings carry their credential's validity.
    for f in &report.findings {
        let c = report
            .credentials
            .iter()
            .find(|c| c.fingerprint == f.fingerprint)
            .unwrap();
        assert_eq!(f.validity, c.validity);
    }
    // Exactly one request per provider, on the rule's path, carrying only that provider's secret.
    let requests = server.requests();
    let mut names: Vec<String> = requests.iter().map(provider_of).collect();
    names.sort();
    let mut expected: Vec<String> = all.iter().map(|p| p.name.to_string()).collect();
    expected.sort();
    assert_eq!(names, expected);
    let secrets = secrets_by_provider(&report, &all);
    for r in &requests {
        let p = all.iter().find(|p| p.name == provider_of(r)).unwrap();
        let path = r.path.split('?').next().unwrap();
        assert!(
            path.starts_with(&format!("/{}", p.name)) && path.ends_with(p.path),
            "{}: {path}",
            p.name
        );
        let everything = format!("{} {:?} {}", r.path, r.headers, r.body);
        for (owner, values) in &secrets {
            for v in values {
                if owner != p.name {
                    assert!(
                        !everything.contains(v.as_str()),
                        "{owner}'s secret sent to {}",
                        p.name
                    );
                }
            }
        }
    }
    // Spot checks of how credentials are presented.
    let req = |name: &str| {
        requests
            .iter()
            .find(|r| provider_of(r) == name)
            .unwrap()
            .clone()
    };
    let gh = &secrets.iter().find(|(n, _)| n == "github").unwrap().1[0];
    assert_eq!(
        req("github").header("authorization"),
        Some(format!("Bearer {gh}").as_str())
    );
    let aws = req("aws");
    assert_eq!(aws.method, "POST");
    assert_eq!(aws.body, "Action=GetCallerIdentity&Version=2011-06-15");
    let key_id = &secrets.iter().find(|(n, _)| n == "aws").unwrap().1;
    let auth = aws.header("authorization").unwrap();
    assert!(
        key_id
            .iter()
            .any(|k| auth.starts_with(&format!("AWS4-HMAC-SHA256 Credential={k}/"))),
        "{auth}"
    );
    // Signed at the real time, not at SPRAWL_NOW (AWS refuses a date 15 minutes off).
    let amz_date = aws.header("x-amz-date").unwrap();
    let real = time::OffsetDateTime::now_utc();
    let sent = time::PrimitiveDateTime::parse(
        amz_date,
        time::macros::format_description!("[year][month][day]T[hour][minute][second]Z"),
    )
    .unwrap()
    .assume_utc();
    assert!((real - sent).whole_seconds().abs() < 300, "{amz_date}");
    assert!(
        auth.contains(&format!("/{}/us-east-1/sts/", &amz_date[..8])),
        "{auth}"
    );
    assert!(req("mailgun")
        .header("authorization")
        .unwrap()
        .starts_with("Basic "));
    assert!(req("telegram").path.starts_with("/telegram/bot"));
    let docker = req("dockerhub");
    let pat = &secrets.iter().find(|(n, _)| n == "dockerhub").unwrap().1[0];
    assert_eq!(
        (docker.method.as_str(), docker.body.as_str()),
        (
            "POST",
            format!(r#"{{"identifier": "shipit", "secret": "{pat}"}}"#).as_str()
        )
    );
    // The companion value completes the pair but is never reported.
    assert!(report
        .findings
        .iter()
        .all(|f| f.rule_id != "dockerhub.username"));
}

/// Runs every provider against a server that always answers `reply` and returns the report.
fn all_answer(reply: fn(&Request) -> Reply, extra: &[&str]) -> (Run, Report, Vec<Request>) {
    let all = providers();
    let server = Server::start(reply);
    let sb = setup(&all, &server.base());
    let (run, report) = scan_validate(&sb, extra);
    let requests = server.requests();
    (run, report, requests)
}

#[test]
fn every_provider_invalid() {
    let (run, report, requests) = all_answer(
        |r| {
            if provider_of(r) == "aws" {
                Reply::new(403, AWS_BAD_KEY_ID)
            } else {
                Reply::new(401, "{}")
            }
        },
        &["--fail-on", "live"],
    );
    assert_eq!(run.code, 0, "nothing live: --fail-on live passes");
    for p in providers() {
        let v = validity_of(&report, p.rule);
        // A 401 to a Twilio SID + secret or a Docker Hub token + account name may be the pair's fault.
        let expected = match p.name {
            "twilio" | "dockerhub" => ("unknown", Some("pair_mismatch")),
            _ => ("invalid", None),
        };
        assert_eq!(
            (v.status.as_str(), v.reason.as_deref(), &v.identity),
            (expected.0, expected.1, &None),
            "{}",
            p.name
        );
        assert_eq!(v.checked_at.as_deref(), Some(NOW));
    }
    assert_eq!(requests.len(), providers().len());
}

#[test]
fn every_provider_rate_limited_is_unknown() {
    let (run, report, _) = all_answer(|_| Reply::new(429, "slow down"), &[]);
    assert_eq!(run.code, 1, "findings are still reported");
    for p in providers() {
        let v = validity_of(&report, p.rule);
        assert_eq!(
            (v.status.as_str(), v.reason.as_deref()),
            ("unknown", Some("rate_limited")),
            "{}",
            p.name
        );
    }
}

#[test]
fn every_provider_server_error_is_unknown() {
    let (_, report, _) = all_answer(|_| Reply::new(500, "oops"), &[]);
    for p in providers() {
        let v = validity_of(&report, p.rule);
        assert_eq!(
            (v.status.as_str(), v.reason.as_deref()),
            ("unknown", Some("unexpected_response")),
            "{}",
            p.name
        );
    }
}

#[test]
fn redirects_are_never_followed() {
    let elsewhere = Server::start(|_| Reply::new(200, r#"{"login":"attacker"}"#));
    let target = format!("{}/collect", elsewhere.base());
    let all = providers();
    let server = Server::start(move |_| Reply::new(302, "").header("Location", &target));
    let sb = setup(&all, &server.base());
    let (_, report) = scan_validate(&sb, &[]);
    for p in &all {
        let v = validity_of(&report, p.rule);
        assert_eq!(
            (v.status.as_str(), v.reason.as_deref()),
            ("unknown", Some("unexpected_response")),
            "{}",
            p.name
        );
    }
    assert_eq!(server.requests().len(), all.len());
    assert_eq!(
        elsewhere.connections(),
        0,
        "the redirect target was never contacted"
    );
}

#[test]
fn slow_providers_time_out_within_the_timeout() {
    let all = providers();
    let server = Server::start(|r| {
        Reply::new(200, "{}").delay(if provider_of(r) == "github" {
            Duration::from_secs(5)
        } else {
            Duration::from_secs(3)
        })
    });
    let sb = setup(&all, &server.base());
    let (_, report) = scan_validate(&sb, &["--validate-timeout", "300ms"]);
    for p in &all {
        let v = validity_of(&report, p.rule);
        assert_eq!(
            (v.status.as_str(), v.reason.as_deref()),
            ("unknown", Some("timeout")),
            "{}",
            p.name
        );
    }
    // Every answer comes after the reply was judged a timeout: one request each, none retried.
    assert_eq!(server.requests().len(), all.len());
}

#[test]
fn slack_ok_false_is_invalid_even_with_status_200() {
    let all: Vec<Provider> = providers()
        .into_iter()
        .filter(|p| p.name == "slack")
        .collect();
    let server = Server::start(|_| Reply::new(200, r#"{"ok":false,"error":"invalid_auth"}"#));
    let sb = setup(&all, &server.base());
    let (_, report) = scan_validate(&sb, &[]);
    assert_eq!(validity_of(&report, "slack.bot-token").status, "invalid");
}

#[test]
fn same_credential_in_ten_files_is_checked_once() {
    let server = Server::start(|_| Reply::new(200, r#"{"login":"octocat"}"#));
    let sb = Sandbox::new();
    for i in 0..10 {
        sb.file(&format!("src/f{i}.env"), format!("TOKEN={GH1}\n"));
    }
    sb.file(
        "sprawl.toml",
        format!(
            "[validation.endpoints]\ngithub = \"{}/api/v3\"\n",
            server.base()
        ),
    );
    let (_, report) = scan_validate(&sb, &[]);
    assert_eq!(report.findings.len(), 10);
    assert_eq!(report.credentials.len(), 1);
    assert_eq!(report.credentials[0].validity.status, "live");
    assert!(report.findings.iter().all(|f| f.validity.status == "live"));
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].path, "/api/v3/user");
}

#[test]
fn audit_log_and_errors_never_contain_a_secret() {
    let all = providers();
    // Error bodies echo the whole request (the credential in it) back, as some providers do.
    let echo = |r: &Request| format!("{} {:?} {}", r.path, r.headers, r.body);
    let server = Server::start(move |r| match provider_of(r).as_str() {
        "github" => Reply::new(200, r#"{"login":"octocat"}"#),
        "gitlab" => Reply::new(500, &format!("internal error: {}", echo(r))),
        "stripe" => Reply::new(429, &echo(r)),
        _ => Reply::new(401, &format!("{{\"error\": {:?}}}", echo(r))),
    });
    let sb = setup(&all, &server.base());
    let (run, report) = scan_validate(&sb, &["--validation-log", "audit.jsonl", "--no-redact"]);
    let secrets: Vec<String> = report.findings.iter().map(|f| f.secret.clone()).collect();
    let log = std::fs::read_to_string(sb.join("audit.jsonl")).unwrap();
    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), all.len(), "one line per request");
    for l in &lines {
        let mut keys: Vec<&String> = l.as_object().unwrap().keys().collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "fingerprint",
                "host",
                "http_status",
                "outcome",
                "provider",
                "reason",
                "rule",
                "time"
            ]
        );
        assert_eq!(l["host"], "127.0.0.1");
        assert_eq!(l["time"], NOW);
    }
    let gh = lines.iter().find(|l| l["provider"] == "github").unwrap();
    assert_eq!(
        (&gh["outcome"], &gh["http_status"]),
        (&"live".into(), &200.into())
    );
    let gl = lines.iter().find(|l| l["provider"] == "gitlab").unwrap();
    assert_eq!(gl["reason"], "unexpected_response");
    for s in &secrets {
        assert!(!log.contains(s.as_str()), "secret in the audit log");
        assert!(!run.stderr.contains(s.as_str()), "secret on stderr");
    }
    // Redacted report (the default): no secret anywhere in the output either.
    let (run, _) = scan_validate(&sb, &[]);
    for s in &secrets {
        assert!(!run.stdout.contains(s.as_str()) && !run.stderr.contains(s.as_str()));
    }
}

#[test]
fn without_validate_no_connection_is_attempted() {
    let all = providers();
    let server = Server::start(|_| Reply::new(200, "{}"));
    let sb = setup(&all, &server.base());
    for format in ["json", "human", "csv", "sarif"] {
        let run = run_in(
            sb.path(),
            &["scan", "--format", format, "--config", "sprawl.toml", "src"],
        );
        assert_eq!(run.code, 1);
    }
    let (_, report) = scan_json(sb.path(), &["--config", "sprawl.toml", "src"]);
    assert!(report
        .credentials
        .iter()
        .all(|c| c.validity.status == "not_checked" && c.validity.checked_at.is_none()));
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(server.connections(), 0);
}

#[test]
fn loopback_is_refused_unless_the_user_configured_the_endpoint() {
    // A custom rule whose request targets 127.0.0.1 over https: the resolver refuses it.
    let server = Server::start(|_| Reply::new(200, "{}"));
    let sb = Sandbox::new();
    sb.file("src/a.env", "ACME=acme_q8w7e6r5t4y3u2i1o9p8a7s6\n");
    sb.file(
        "sprawl.toml",
        format!(
            r#"[[rules]]
id = "acme.api-key"
name = "Acme API key"
keywords = ["acme_"]
pattern = '\b(?P<secret>acme_[a-z0-9]{{24}})\b'
confidence = "high"
examples = ["ACME_KEY=acme_q8w7e6r5t4y3u2i1o9p8a7s6"]
negative_examples = ["ACME_KEY=acme_short"]

[rules.validate]
hosts = ["127.0.0.1"]
url = "https://127.0.0.1:{}/whoami"
headers = {{ Authorization = "Bearer {{secret}}" }}
"#,
            server.port
        ),
    );
    let (_, report) = scan_validate(&sb, &[]);
    let v = validity_of(&report, "acme.api-key");
    assert_eq!(
        (v.status.as_str(), v.reason.as_deref()),
        ("unknown", Some("refused_address"))
    );
    assert_eq!(server.connections(), 0);
}

#[test]
fn pairs_and_endpoints_that_are_missing_are_unknown_without_a_request() {
    let sb = Sandbox::new();
    // An AWS key id with no secret access key in the same file, and a Shopify token with no shop.
    sb.file("src/a.env", format!("{}\n", example("aws.access-key-id")));
    sb.file(
        "src/b.env",
        format!("{}\n", example("shopify.access-token")),
    );
    sb.file("sprawl.toml", "");
    let (_, report) = scan_validate(&sb, &["--validation-log", "audit.jsonl"]);
    let v = validity_of(&report, "aws.access-key-id");
    assert_eq!(
        (v.status.as_str(), v.reason.as_deref()),
        ("unknown", Some("missing_pair"))
    );
    let v = validity_of(&report, "shopify.access-token");
    assert_eq!(
        (v.status.as_str(), v.reason.as_deref()),
        ("unknown", Some("endpoint_required"))
    );
    let log = std::fs::read_to_string(sb.join("audit.jsonl")).unwrap();
    assert_eq!(log.lines().count(), 2);
    assert!(log.lines().all(|l| l.contains("\"http_status\":null")));
}

#[test]
fn fail_on_and_endpoint_config_errors() {
    let sb = Sandbox::new();
    sb.file("a.env", format!("T={GH1}\n"));
    let run = run_in(sb.path(), &["scan", "--fail-on", "live", "."]);
    assert_eq!(
        run.code, 2,
        "--fail-on live needs --validate: {}",
        run.stderr
    );
    let run = run_in(sb.path(), &["scan", "--fail-on", "none", "."]);
    assert_eq!(run.code, 0);
    sb.file(
        "bad.toml",
        "[validation.endpoints]\ngithub = \"http://ghe.example.com\"\n",
    );
    let run = run_in(
        sb.path(),
        &["scan", "--config", "bad.toml", "--validate", "."],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(
            "bad.toml:2: validation.endpoints.github: must be https:// (plain http:// only for a loopback address)"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn unsafe_or_broken_validate_tables_are_config_errors() {
    let sb = Sandbox::new();
    sb.file("a.env", "x\n");
    let rule = |validate: &str| {
        format!(
            "[[rules]]\nid = \"acme.key\"\nname = \"Acme\"\nkeywords = [\"acme_\"]\n\
             pattern = '(?P<secret>acme_[a-z]{{24}})'\nconfidence = \"high\"\n\n[rules.validate]\n{validate}"
        )
    };
    for (validate, message) in [
        (
            "hosts = [\"api.acme.test\"]\nurl = \"http://api.acme.test/me\"\n",
            "validate.url must start with https://",
        ),
        (
            "hosts = [\"api.acme.test\"]\nurl = \"https://evil.test/me\"\n",
            "validate.url host \"evil.test\" is not in validate.hosts",
        ),
        (
            "hosts = [\"api.acme.test\"]\nurl = \"https://api.acme.test/{pair}\"\npair = \"nope.rule\"\n",
            "validate.pair names no rule: `nope.rule`",
        ),
    ] {
        sb.file("c.toml", rule(validate));
        let run = run_in(sb.path(), &["scan", "--config", "c.toml", "a.env"]);
        assert_eq!(run.code, 2, "{validate}");
        assert!(
            run.stderr.contains(&format!("c.toml:1: rule `acme.key`: {message}")),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn offline_checks_have_exact_outcomes() {
    let sb = Sandbox::new();
    // GH1 has a valid checksum; the same token with its checksum changed does not.
    let mut broken = GH1.to_string();
    broken.replace_range(39..40, if GH1.ends_with('A') { "B" } else { "A" });
    let e = |s: &str| {
        use base64::Engine as _;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
    };
    let header = e(r#"{"alg":"HS256","typ":"JWT"}"#);
    let expired = format!(
        "{header}.{}.c2lnbmF0dXJlLWJ5dGVzLWhlcmU",
        e(r#"{"sub":"svc-deploy","exp":1767225600}"#)
    );
    let current = format!(
        "{header}.{}.c2lnbmF0dXJlLWJ5dGVzLWhlcmU",
        e(r#"{"sub":"svc-deploy","exp":1767398400}"#)
    );
    sb.file("a.env", format!("GOOD={GH1}\n"));
    sb.file("b.env", format!("BAD={broken}\n"));
    sb.file("c.env", format!("JWT={expired}\n"));
    sb.file("d.env", format!("JWT={current}\n"));
    let run = run_cmd(
        sprawl()
            .current_dir(sb.path())
            .env("SPRAWL_NOW", NOW) // 2026-01-02T03:04:05Z: between the two `exp` values
            .args(["scan", "--format", "json", "--min-confidence", "low", "."]),
        None,
    );
    let report: Report = serde_json::from_str(&run.stdout).unwrap();
    type Row = (String, String, String, Option<String>, Option<String>);
    let rows = |report: &Report| -> Vec<Row> {
        report
            .findings
            .iter()
            .map(|f| {
                (
                    f.path.clone(),
                    f.rule_id.clone(),
                    f.confidence.clone(),
                    f.validity.offline.clone(),
                    f.held.clone(),
                )
            })
            .collect()
    };
    let row = |p: &str, r: &str, c: &str, o: &str, h: Option<&str>| -> Row {
        (
            p.into(),
            r.into(),
            c.into(),
            Some(o.into()),
            h.map(str::to_string),
        )
    };
    assert_eq!(
        rows(&report),
        vec![
            row("a.env", "github.pat-classic", "high", "checksum_ok", None),
            row(
                "b.env",
                "github.pat-classic",
                "low",
                "checksum_failed",
                Some("failed_check")
            ),
            row("c.env", "jwt.token", "low", "expired", Some("expired")),
            row("d.env", "jwt.token", "medium", "structure_ok", None),
        ]
    );
    // By default the failed checksum and the expired JWT are held back and counted.
    let default = run_cmd(
        sprawl()
            .current_dir(sb.path())
            .env("SPRAWL_NOW", NOW)
            .args(["scan", "--format", "json", "."]),
        None,
    );
    let default: Report = serde_json::from_str(&default.stdout).unwrap();
    assert_eq!(
        rows(&default),
        vec![
            row("a.env", "github.pat-classic", "high", "checksum_ok", None),
            row("d.env", "jwt.token", "medium", "structure_ok", None),
        ]
    );
    assert_eq!(
        default.stats.suppressed,
        Suppressed {
            failed_check: 1,
            expired: 1,
            ..Default::default()
        }
    );
    assert!(report
        .findings
        .iter()
        .all(|f| f.validity.status == "not_checked"));
    let human = run_cmd(
        sprawl()
            .current_dir(sb.path())
            .env("SPRAWL_NOW", NOW)
            .args(["scan", "--min-confidence", "low", "b.env", "c.env"]),
        None,
    );
    assert_eq!(
        human
            .stdout
            .lines()
            .filter(|l| l.starts_with("  valid   "))
            .collect::<Vec<_>>(),
        [
            "  valid   offline check: checksum_failed",
            "  valid   offline check: expired"
        ]
    );
}

#[test]
fn sarif_severity_follows_the_rule_and_results_carry_validity() {
    let sb = Sandbox::new();
    let mut broken = GH2.to_string();
    broken.replace_range(39..40, if GH2.ends_with('A') { "B" } else { "A" });
    sb.file("a.env", format!("A={GH1}\n"));
    sb.file("z.env", format!("Z={broken}\n"));
    let run = run_in(
        sb.path(),
        &["scan", "--format", "sarif", "--min-confidence", "low", "."],
    );
    let log: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let sarif_run = &log["runs"][0];
    let rules = sarif_run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0]["properties"]["security-severity"], "9.0");
    let props: Vec<(&str, &str, &str)> = sarif_run["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let p = &r["properties"];
            (
                p["confidence"].as_str().unwrap(),
                p["validity"].as_str().unwrap(),
                p["validity_offline"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        props,
        [
            ("high", "not_checked", "checksum_ok"),
            ("low", "not_checked", "checksum_failed")
        ]
    );
}

#[test]
fn every_rule_example_passes_its_offline_check() {
    let (run, report) = scan_json(std::path::Path::new(env!("CARGO_MANIFEST_DIR")), &["rules"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    // Every example of a format with an offline check is checked: an empty or partial scan fails here.
    // Adding an example of such a format changes these counts.
    let mut checked = std::collections::BTreeMap::<String, usize>::new();
    for f in report
        .findings
        .iter()
        .filter(|f| f.validity.offline.is_some())
    {
        *checked.entry(f.path.clone()).or_default() += 1;
    }
    let expected = [
        ("README.md", 1),
        ("aws.toml", 3),
        ("github.toml", 10),
        ("jwt.toml", 3),
        ("npm.toml", 2),
        ("privatekey.toml", 9),
        ("slack.toml", 9),
    ];
    assert_eq!(
        checked,
        expected
            .map(|(p, n)| (p.to_string(), n))
            .into_iter()
            .collect(),
    );
    let failing: Vec<String> = report
        .findings
        .iter()
        .filter(|f| {
            matches!(
                f.validity.offline.as_deref(),
                Some("checksum_failed" | "malformed")
            )
        })
        .map(|f| format!("{}:{} {}", f.path, f.line, f.rule_id))
        .collect();
    assert!(failing.is_empty(), "{failing:?}");
}

/// Three distinct GitHub tokens against `server`; requests to one provider are one at a time and at
/// least 100 ms apart, so a 429 is seen before the next request leaves.
fn three_github_tokens(server: &Server) -> Sandbox {
    let sb = Sandbox::new();
    sb.file("src/a.env", format!("A={GH1}\nB={GH2}\n"));
    sb.file("src/b.env", "C=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\n");
    sb.file(
        "sprawl.toml",
        format!("[validation.endpoints]\ngithub = \"{}\"\n", server.base()),
    );
    sb
}

#[test]
fn after_a_429_from_two_credentials_the_provider_gets_no_more_requests() {
    let server = Server::start(|_| Reply::new(429, ""));
    let sb = three_github_tokens(&server);
    // One key's 429 may be its own quota; a second credential's 429 means the provider.
    assert_eq!(rate_limited_run(&server, &sb), (2, 2, 1));
}

/// Scans `sb` (three GitHub tokens) with an audit log, asserts every credential came out
/// unknown(rate_limited), and returns (requests the server got, audit lines with HTTP 429, audit lines
/// with no request sent).
fn rate_limited_run(server: &Server, sb: &Sandbox) -> (usize, usize, usize) {
    let (_, report) = scan_validate(sb, &["--validation-log", "audit.jsonl"]);
    assert_eq!(report.credentials.len(), 3);
    for c in &report.credentials {
        assert_eq!(
            (c.validity.status.as_str(), c.validity.reason.as_deref()),
            ("unknown", Some("rate_limited"))
        );
    }
    let log = std::fs::read_to_string(sb.join("audit.jsonl")).unwrap();
    (
        server.requests().len(),
        log.matches("\"http_status\":429").count(),
        log.matches("\"http_status\":null").count(),
    )
}

#[test]
fn a_429_with_retry_after_stops_the_provider_at_once() {
    let server = Server::start(|_| Reply::new(429, "").header("Retry-After", "30"));
    let sb = three_github_tokens(&server);
    assert_eq!(rate_limited_run(&server, &sb), (1, 1, 2));
}

#[test]
fn one_keys_quota_429_does_not_stop_the_others() {
    // GH1 is out of quota (OpenAI's insufficient_quota is a per-key 429); the others are live.
    let server = Server::start(|r| {
        if r.header("authorization") == Some(format!("Bearer {GH1}").as_str()) {
            Reply::new(429, r#"{"error":{"code":"insufficient_quota"}}"#)
        } else {
            Reply::new(200, r#"{"login":"octocat"}"#)
        }
    });
    let sb = three_github_tokens(&server);
    let (_, report) = scan_validate(&sb, &[]);
    assert_eq!(server.requests().len(), 3);
    let mut got: Vec<(&str, Option<&str>)> = report
        .credentials
        .iter()
        .map(|c| (c.validity.status.as_str(), c.validity.reason.as_deref()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            ("live", None),
            ("live", None),
            ("unknown", Some("rate_limited"))
        ]
    );
}

#[test]
fn at_most_eight_requests_are_in_flight() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);
    static MAX: AtomicUsize = AtomicUsize::new(0);
    let all = providers();
    let server = Server::start(|_| {
        let now = IN_FLIGHT.fetch_add(1, Ordering::SeqCst) + 1;
        MAX.fetch_max(now, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(150));
        IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
        Reply::new(401, "{}")
    });
    let sb = setup(&all, &server.base());
    scan_validate(&sb, &[]);
    assert_eq!(server.requests().len(), all.len());
    let max = MAX.load(Ordering::SeqCst);
    assert!((2..=8).contains(&max), "{max} requests in flight");
}

#[test]
fn human_and_csv_reports_show_the_outcome() {
    let server = Server::start(|_| {
        Reply::new(200, r#"{"login":"octocat"}"#).header("X-OAuth-Scopes", "repo, gist")
    });
    let sb = Sandbox::new();
    sb.file("a.env", format!("T={GH1}\n"));
    sb.file(
        "sprawl.toml",
        format!("[validation.endpoints]\ngithub = \"{}\"\n", server.base()),
    );
    let args = |format: &'static str| {
        vec![
            "scan",
            "--format",
            format,
            "--config",
            "sprawl.toml",
            "--validate",
            "--validation-log",
            "audit.jsonl",
            "a.env",
        ]
    };
    let run = |format| {
        run_cmd(
            sprawl()
                .current_dir(sb.path())
                .env("SPRAWL_NOW", NOW)
                .args(args(format)),
            None,
        )
    };
    let human = run("human");
    assert!(
        human
            .stdout
            .contains("\n  valid   LIVE as octocat (scopes: gist, repo)\n"),
        "{}",
        human.stdout
    );
    assert!(
        human
            .stdout
            .contains(" · validated: 1 live, 0 invalid, 0 unknown"),
        "{}",
        human.stdout
    );
    let csv = run("csv");
    let row = csv.stdout.lines().nth(1).unwrap();
    assert!(
        // … validity, offline, identity, checked_at, decoded (empty: found as written), severity,
        // why, and where to revoke it by hand (no command for this rule).
        row.ends_with(&format!(
            ",live,checksum_ok,octocat,{NOW},,unknown,live; what it can reach was not read (--blast-radius),\
             https://github.com/settings/tokens,"
        )),
        "{row}"
    );
    // The audit log is appended to: two runs, two lines.
    let log = std::fs::read_to_string(sb.join("audit.jsonl")).unwrap();
    assert_eq!(log.lines().count(), 2);
}

/// A sandbox with the AWS key id example and `secrets` as secret access key candidates in one file.
fn aws_sandbox(server: &Server, secrets: &[&str]) -> Sandbox {
    let sb = Sandbox::new();
    let mut text = format!("{}\n", example("aws.access-key-id"));
    for s in secrets {
        text.push_str(&format!("aws_secret_access_key = {s}\n"));
    }
    sb.file("src/aws.env", text);
    sb.file(
        "sprawl.toml",
        format!("[validation.endpoints]\naws = \"{}\"\n", server.base()),
    );
    sb
}

const AWS_SECRET_A: &str = "3cnJLICYGJM9lJMFXNI3IOzlcgLJQC4mG4/MMdM/";
const AWS_SECRET_B: &str = "F6TqZS+DF/a+gcqWRH52sPr2hquQYAJdcYw8N9sE";

#[test]
fn aws_wrong_secret_or_stale_date_is_a_pair_mismatch_not_invalid() {
    for body in [
        AWS_BAD_SIGNATURE,
        "<Error><Code>RequestExpired</Code></Error>",
        "",
    ] {
        let server = Server::start(move |_| Reply::new(403, body));
        let sb = aws_sandbox(&server, &[AWS_SECRET_A, AWS_SECRET_B]);
        let (_, report) = scan_validate(&sb, &[]);
        let v = validity_of(&report, "aws.access-key-id");
        assert_eq!(
            (v.status.as_str(), v.reason.as_deref()),
            ("unknown", Some("pair_mismatch")),
            "{body}"
        );
        // Both candidates were tried.
        assert_eq!(server.requests().len(), 2, "{body}");
        let s = validity_of(&report, "aws.secret-access-key");
        assert_eq!(s.status, "not_checked");
    }
    // Only InvalidClientTokenId proves the key id dead; no further candidate is needed.
    let server = Server::start(|_| Reply::new(403, AWS_BAD_KEY_ID));
    let sb = aws_sandbox(&server, &[AWS_SECRET_A, AWS_SECRET_B]);
    let (_, report) = scan_validate(&sb, &[]);
    let v = validity_of(&report, "aws.access-key-id");
    assert_eq!((v.status.as_str(), v.reason.as_deref()), ("invalid", None));
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn any_live_pair_candidate_wins() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static SEEN: AtomicUsize = AtomicUsize::new(0);
    // The first candidate is the wrong secret, the second the right one.
    let server = Server::start(|_| {
        if SEEN.fetch_add(1, Ordering::SeqCst) == 0 {
            Reply::new(403, AWS_BAD_SIGNATURE)
        } else {
            Reply::new(200, AWS_XML)
        }
    });
    let sb = aws_sandbox(&server, &[AWS_SECRET_A, AWS_SECRET_B]);
    let (_, report) = scan_validate(&sb, &[]);
    let v = validity_of(&report, "aws.access-key-id");
    assert_eq!(
        (v.status.as_str(), v.identity.as_deref()),
        (
            "live",
            Some("123456789012 / arn:aws:iam::123456789012:user/ci")
        )
    );
    assert_eq!(server.requests().len(), 2);
    let live_secrets = report
        .credentials
        .iter()
        .filter(|c| c.rule_id == "aws.secret-access-key" && c.validity.status == "live")
        .count();
    assert_eq!(live_secrets, 1, "only the secret that worked is live");
}

/// The validity (status, reason) of a Cloudflare token whose verify endpoint answers 200 with `body`.
fn cloudflare_outcome(body: String) -> (String, Option<String>) {
    let server = Server::start(move |_| Reply::new(200, &body));
    let sb = Sandbox::new();
    sb.file(
        "src/cf.env",
        format!("{}\n", example("cloudflare.user-api-token")),
    );
    sb.file(
        "sprawl.toml",
        format!(
            "[validation.endpoints]\ncloudflare = \"{}\"\n",
            server.base()
        ),
    );
    let (_, report) = scan_validate(&sb, &[]);
    let v = validity_of(&report, "cloudflare.user-api-token");
    (v.status.clone(), v.reason.clone())
}

#[test]
fn cloudflare_token_must_be_active_to_be_live() {
    for (status, expected) in [
        ("active", "live"),
        ("disabled", "invalid"),
        ("expired", "invalid"),
    ] {
        let body = format!(r#"{{"success":true,"result":{{"id":"tok1","status":"{status}"}}}}"#);
        assert_eq!(
            cloudflare_outcome(body),
            (expected.to_string(), None),
            "{status}"
        );
    }
    // No status at all is not an answer.
    assert_eq!(
        cloudflare_outcome(r#"{"success":true,"result":{"id":"tok1"}}"#.to_string()),
        (
            "unknown".to_string(),
            Some("unexpected_response".to_string())
        )
    );
}

#[test]
fn bulk_checks_a_credential_found_in_three_repositories_once() {
    use crate::git::{Repo, ALICE};
    let server = Server::start(|_| {
        // Slow enough that the repositories, scanned in parallel, ask while it is in flight.
        Reply::new(200, r#"{"login":"octocat"}"#).delay(Duration::from_millis(300))
    });
    let sb = Sandbox::new();
    let mut list = String::new();
    for name in ["a", "b", "c"] {
        let repo = Repo::init();
        repo.write(&format!("{name}.env"), &format!("T={GH1}\n"));
        repo.commit(&format!("{name}: initial"), ALICE, 1);
        let bare = repo.bare_clone(&sb.join(&format!("repos/{name}.git")));
        list.push_str(&format!("{}\n", bare.display()));
    }
    sb.file("repos.txt", list);
    sb.file(
        "sprawl.toml",
        format!("[validation.endpoints]\ngithub = \"{}\"\n", server.base()),
    );
    let run = run_cmd(
        sprawl()
            .current_dir(sb.path())
            .env("SPRAWL_NOW", NOW)
            .args([
                "scan",
                "--git",
                "--repos",
                "repos.txt",
                "--format",
                "json",
                "--config",
                "sprawl.toml",
                "--validate",
                "--validation-log",
                "audit.jsonl",
            ]),
        None,
    );
    let report: Report = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("bad JSON ({e}): {}\nstderr: {}", run.stdout, run.stderr));
    assert_eq!(report.findings.len(), 3, "{}", run.stderr);
    assert!(report.findings.iter().all(|f| f.validity.status == "live"));
    assert_eq!(server.requests().len(), 1);
    let log = std::fs::read_to_string(sb.join("audit.jsonl")).unwrap();
    assert_eq!(log.lines().count(), 1, "one line per request");
}

#[test]
fn audit_lines_are_written_as_each_check_finishes() {
    // GitHub answers at once, GitLab only once the test has seen the GitHub line: that line must be in
    // the file while the GitLab request is still in flight (a crash then loses only what is in flight).
    let release = Arc::new((Mutex::new(false), Condvar::new()));
    let gate = Arc::clone(&release);
    let server = Server::start(move |r| match provider_of(r).as_str() {
        "github" => Reply::new(200, r#"{"login":"octocat"}"#),
        _ => {
            let (open, opened) = &*gate;
            let _open = opened
                .wait_while(open.lock().unwrap(), |open| !*open)
                .unwrap();
            Reply::new(401, "{}")
        }
    });
    let all: Vec<Provider> = providers()
        .into_iter()
        .filter(|p| p.name == "github" || p.name == "gitlab")
        .collect();
    let sb = setup(&all, &server.base());
    let mut child = sprawl()
        .current_dir(sb.path())
        .env("SPRAWL_NOW", NOW)
        .args([
            "scan",
            "--format",
            "json",
            "--config",
            "sprawl.toml",
            "--validate",
            "--validate-timeout",
            "120s",
            "--validation-log",
            "audit.jsonl",
            "src",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // The run cannot end while GitLab is held, so this waits for the line, not for a clock; the
    // bound only stops a broken build from hanging the suite.
    let started = Instant::now();
    let early = loop {
        let log = std::fs::read_to_string(sb.join("audit.jsonl")).unwrap_or_default();
        if log.contains("\"provider\":\"github\"") {
            break Some(log);
        }
        if child.try_wait().unwrap().is_some() || started.elapsed() > Duration::from_secs(100) {
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let still_running = child.try_wait().unwrap().is_none();
    *release.0.lock().unwrap() = true;
    release.1.notify_all();
    child.wait().unwrap();
    let early = early.expect("the GitHub line is written while the GitLab check is in flight");
    assert!(
        still_running,
        "written while the GitLab check was in flight"
    );
    assert_eq!(early.lines().count(), 1);
    assert!(early.ends_with('\n'));
    let log = std::fs::read_to_string(sb.join("audit.jsonl")).unwrap();
    assert_eq!(log.lines().count(), 2);
    for l in log.lines() {
        serde_json::from_str::<serde_json::Value>(l).unwrap();
    }
}
