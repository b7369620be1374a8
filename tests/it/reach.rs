//! `--validate --blast-radius` against mock providers on 127.0.0.1: what each live credential can
//! reach, its severity and the one-line reason, from read-only requests only (every request the
//! providers receive is listed, method and path); nothing is asked of invalid credentials or without
//! `--blast-radius`, and the audit log names each request without the secret.

use crate::mock::{Reply, Request, Server};
use crate::support::*;
use crate::validate::example;

const ARN: &str = "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/ci/deploy</Arn><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>";

/// The providers' answers, by path.
fn provider(r: &Request) -> Reply {
    let json = |body: &str| Reply::new(200, body).header("Content-Type", "application/json");
    let path = r.path.as_str();
    match path {
        "/github/user" => json(r#"{"login":"octocat","site_admin":false}"#)
            .header("X-OAuth-Scopes", "repo, read:org"),
        "/github/user/orgs?per_page=100" => json(r#"[{"login":"acme"},{"login":"acme-labs"}]"#),
        "/github/user/repos?per_page=100&sort=pushed" => json(
            r#"[{"full_name":"acme/api","permissions":{"push":true,"admin":true}},
                {"full_name":"acme/web","permissions":{"push":true,"admin":false}},
                {"full_name":"octocat/fork","permissions":{"push":false,"admin":false}}]"#,
        ),
        "/aws/" | "/aws/?Action=GetCallerIdentity&Version=2011-06-15" => Reply::new(200, ARN),
        "/aws/?Action=ListAttachedUserPolicies&UserName=deploy&Version=2010-05-08" => Reply::new(
            200,
            "<R><AttachedPolicies><member><PolicyName>AmazonS3FullAccess</PolicyName></member><member><PolicyName>ReadOnlyAccess</PolicyName></member></AttachedPolicies></R>",
        ),
        "/aws/?Action=ListUserPolicies&UserName=deploy&Version=2010-05-08" => {
            Reply::new(403, "<ErrorResponse><Error><Code>AccessDenied</Code></Error></ErrorResponse>")
        }
        "/aws/?Action=ListGroupsForUser&UserName=deploy&Version=2010-05-08" => {
            Reply::new(200, "<R><Groups><member><GroupName>developers</GroupName></member></Groups></R>")
        }
        "/npm/-/whoami" => json(r#"{"username":"publisher"}"#),
        "/npm/-/user/publisher/package" => json(r#"{"@acme/a":"write","@acme/b":"read"}"#),
        "/gitlab/api/v4/user" => Reply::new(401, r#"{"message":"401 Unauthorized"}"#),
        _ => Reply::new(404, "{}"),
    }
}

/// One file per credential (AWS with its secret key) and a config pointing each provider at the mock.
fn sandbox(server: &Server) -> Sandbox {
    let sb = Sandbox::new();
    sb.file("src/github.env", example("github.pat-classic") + "\n")
        .file(
            "src/aws.env",
            format!(
                "{}\n{}\n",
                example("aws.access-key-id"),
                example("aws.secret-access-key")
            ),
        )
        .file("src/npm.env", example("npm.access-token") + "\n")
        .file("src/gitlab.env", example("gitlab.pat") + "\n");
    let base = server.base();
    sb.file(
        "sprawl.toml",
        format!(
            "[validation.endpoints]\ngithub = \"{base}/github\"\naws = \"{base}/aws\"\nnpm = \"{base}/npm\"\ngitlab = \"{base}/gitlab\"\n"
        ),
    );
    sb
}

fn scan(sb: &Sandbox, extra: &[&str]) -> (Run, Report) {
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
            .env("SPRAWL_NOW", "2026-01-02T03:04:05Z")
            .args(&args),
        None,
    );
    let report: Report = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("bad JSON ({e}): {}\nstderr: {}", run.stdout, run.stderr));
    (run, report)
}

fn credential<'a>(report: &'a Report, rule: &str) -> &'a Credential {
    report
        .credentials
        .iter()
        .find(|c| c.rule_id == rule)
        .unwrap_or_else(|| panic!("no credential for {rule}"))
}

fn fact(what: &str, value: &str) -> Fact {
    Fact {
        what: what.into(),
        value: value.into(),
    }
}

fn sent(server: &Server) -> Vec<(String, String)> {
    let mut all: Vec<(String, String)> = server
        .requests()
        .into_iter()
        .map(|r| (r.method, r.path))
        .collect();
    all.sort();
    all
}

#[test]
fn blast_radius_reads_what_each_live_credential_can_reach() {
    let server = Server::start(provider);
    let sb = sandbox(&server);
    let (run, report) = scan(&sb, &["--blast-radius", "--validation-log", "audit.jsonl"]);
    assert_eq!(run.code, 1, "{}", run.stderr);

    let github = credential(&report, "github.pat-classic");
    assert_eq!(
        (github.severity.as_str(), github.severity_reason.as_str()),
        (
            "admin",
            "admin: repositories it administers: 1 of 3: acme/api"
        )
    );
    assert_eq!(
        github.validity.reach,
        Some(Reach {
            severity: "admin".into(),
            summary: "admin: repositories it administers: 1 of 3: acme/api".into(),
            facts: vec![
                fact("user", "octocat"),
                fact("site administrator", "false"),
                fact("scopes", "repo, read:org"),
                fact("organisations", "acme, acme-labs"),
                fact("repositories it can push to", "2 of 3: acme/api, acme/web"),
                fact("repositories it administers", "1 of 3: acme/api"),
            ],
            unreadable: vec![],
        })
    );

    // The access key id and its secret key are one identity: both carry the reach.
    for rule in ["aws.access-key-id", "aws.secret-access-key"] {
        let aws = credential(&report, rule);
        assert_eq!(aws.severity, "write", "{rule}");
        assert_eq!(
            aws.validity.reach,
            Some(Reach {
                severity: "write".into(),
                summary:
                    "write: attached policies: AmazonS3FullAccess, ReadOnlyAccess; could not read 1"
                        .into(),
                facts: vec![
                    fact("principal", "arn:aws:iam::123456789012:user/ci/deploy"),
                    fact("account", "123456789012"),
                    fact("IAM user", "deploy"),
                    fact("account root", "none"),
                    fact("attached policies", "AmazonS3FullAccess, ReadOnlyAccess"),
                    fact("groups", "developers"),
                ],
                unreadable: vec!["inline policies (HTTP 403)".into()],
            }),
            "{rule}"
        );
    }

    let npm = credential(&report, "npm.access-token");
    assert_eq!(
        (npm.severity.as_str(), npm.severity_reason.as_str()),
        ("write", "write: packages it can publish: 1 of 2: @acme/a")
    );

    // Rejected: it reaches nothing, and nothing more is asked.
    let gitlab = credential(&report, "gitlab.pat");
    assert_eq!(
        (
            gitlab.severity.as_str(),
            gitlab.severity_reason.as_str(),
            &gitlab.validity.reach
        ),
        ("none", "rejected by the provider", &None)
    );

    // Every request the providers saw: the validation requests, then GET requests only.
    let get = |p: &str| ("GET".to_string(), p.to_string());
    assert_eq!(
        sent(&server),
        vec![
            get("/aws/?Action=GetCallerIdentity&Version=2011-06-15"),
            get("/aws/?Action=ListAttachedUserPolicies&UserName=deploy&Version=2010-05-08"),
            get("/aws/?Action=ListGroupsForUser&UserName=deploy&Version=2010-05-08"),
            get("/aws/?Action=ListUserPolicies&UserName=deploy&Version=2010-05-08"),
            get("/github/user"),
            get("/github/user"),
            get("/github/user/orgs?per_page=100"),
            get("/github/user/repos?per_page=100&sort=pushed"),
            get("/gitlab/api/v4/user"),
            get("/npm/-/user/publisher/package"),
            get("/npm/-/whoami"),
            get("/npm/-/whoami"),
            ("POST".to_string(), "/aws/".to_string()),
        ]
    );
    // The IAM requests are signed for IAM, the STS ones for STS.
    let scope_of = |path: &str| {
        server
            .requests()
            .into_iter()
            .find(|r| r.path == path)
            .and_then(|r| r.header("authorization").map(str::to_string))
            .unwrap()
    };
    assert!(
        scope_of("/aws/?Action=ListGroupsForUser&UserName=deploy&Version=2010-05-08")
            .contains("/us-east-1/iam/aws4_request")
    );
    assert!(
        scope_of("/aws/?Action=GetCallerIdentity&Version=2011-06-15")
            .contains("/us-east-1/sts/aws4_request")
    );

    // One audit line per reach request, without a secret.
    let audit = std::fs::read_to_string(sb.join("audit.jsonl")).unwrap();
    let reach_lines: Vec<&str> = audit
        .lines()
        .filter(|l| l.contains("\"kind\":\"reach\""))
        .collect();
    assert_eq!(reach_lines.len(), 9, "{audit}");
    assert!(audit.contains("\"outcome\":\"unreadable\""));
    let shown = run_cmd(
        sprawl()
            .current_dir(sb.path())
            .args(["scan", "--format", "json", "--no-redact", "src"]),
        None,
    );
    let shown: Report = serde_json::from_str(&shown.stdout).unwrap();
    assert_eq!(shown.findings.len(), report.findings.len());
    for f in &shown.findings {
        assert!(
            !audit.contains(&f.secret),
            "a secret of {} in the audit log",
            f.rule_id
        );
    }
}

#[test]
fn without_blast_radius_only_validation_requests_are_sent() {
    let server = Server::start(provider);
    let sb = sandbox(&server);
    let (_, report) = scan(&sb, &[]);
    let github = credential(&report, "github.pat-classic");
    assert_eq!(
        (
            github.severity.as_str(),
            github.severity_reason.as_str(),
            &github.validity.reach
        ),
        (
            "unknown",
            "live; what it can reach was not read (--blast-radius)",
            &None
        )
    );
    assert_eq!(server.requests().len(), 4);

    let run = run_cmd(sprawl().args(["scan", "--blast-radius", "."]), None);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--validate"), "{}", run.stderr);
}

/// The other providers' reach tables against answers shaped like their APIs': the severity and why.
#[test]
fn every_provider_reach_table_reads_its_answers() {
    let server = Server::start(|r| {
        let json = |body: &str| Reply::new(200, body).header("Content-Type", "application/json");
        match r.path.as_str() {
            // Validation requests.
            "/gitlab/api/v4/user" => json(r#"{"username":"dev","is_admin":false}"#),
            "/slack/api/auth.test" => {
                json(r#"{"ok":true,"team":"Acme","user":"deploy-bot","bot_id":"B01"}"#)
                    .header("X-OAuth-Scopes", "chat:write,channels:read")
            }
            "/stripe/v1/account" => {
                json(r#"{"id":"acct_1","business_profile":{"name":"Acme"},"charges_enabled":true}"#)
            }
            "/openai/v1/models" => {
                json(r#"{"object":"list","data":[{"id":"gpt-4o"},{"id":"o3"}]}"#)
                    .header("openai-organization", "org-acme")
                    .header("openai-project", "proj_1")
            }
            "/anthropic/v1/models" => json(r#"{"data":[{"id":"claude-sonnet-4"}]}"#)
                .header("anthropic-organization-id", "org-9"),
            "/huggingface/api/whoami-v2" => json(
                r#"{"name":"ml","orgs":[{"name":"acme","roleInOrg":"admin"},{"name":"lab","roleInOrg":"read"}],"auth":{"accessToken":{"role":"write"}}}"#,
            ),
            "/cloudflare/client/v4/user/tokens/verify" => json(
                r#"{"success":true,"result":{"id":"tok1","status":"active","expires_on":"2027-01-01T00:00:00Z"}}"#,
            ),
            "/digitalocean/v2/account" => json(
                r#"{"account":{"email":"ops@acme.example","status":"active","team":{"name":"Acme"}}}"#,
            ),
            // Reach requests.
            "/gitlab/api/v4/personal_access_tokens/self" => {
                json(r#"{"scopes":["read_api","read_repository"],"expires_at":"2027-01-01"}"#)
            }
            "/gitlab/api/v4/projects?min_access_level=40&per_page=100&simple=true" => json("[]"),
            "/gitlab/api/v4/projects?min_access_level=30&per_page=100&simple=true" => json("[]"),
            "/cloudflare/client/v4/user/tokens/tok1" => Reply::new(403, "{}"),
            "/cloudflare/client/v4/accounts?per_page=50" => json(r#"{"result":[{"name":"Acme"}]}"#),
            "/cloudflare/client/v4/zones?per_page=50" => {
                json(r#"{"result":[{"name":"acme.example"},{"name":"acme.dev"}]}"#)
            }
            "/digitalocean/v2/droplets?per_page=50" => json(r#"{"droplets":[{"name":"web-1"}]}"#),
            _ => Reply::new(404, "{}"),
        }
    });
    let cases = [
        (
            "gitlab",
            "gitlab.pat",
            "read",
            "read: no write or admin rights found",
        ),
        (
            "slack",
            "slack.bot-token",
            "write",
            "write: scopes: chat:write, channels:read",
        ),
        (
            "stripe",
            "stripe.secret-key-live",
            "admin",
            "admin: live charges enabled: true",
        ),
        (
            "openai",
            "openai.project-key",
            "write",
            "write: models it can call (billed to the owner): gpt-4o, o3",
        ),
        (
            "anthropic",
            "anthropic.api-key",
            "write",
            "write: models it can call (billed to the owner): claude-sonnet-4",
        ),
        (
            "huggingface",
            "huggingface.access-token",
            "admin",
            "admin: organisations it administers: 1 of 2: acme",
        ),
        (
            "cloudflare",
            "cloudflare.api-token",
            "read",
            "read: no write or admin rights found; could not read 1",
        ),
        (
            "digitalocean",
            "digitalocean.personal-access-token",
            "read",
            "read: no write or admin rights found",
        ),
    ];
    let sb = Sandbox::new();
    let mut config = String::from("[validation.endpoints]\n");
    for (provider, rule, _, _) in cases {
        sb.file(&format!("src/{rule}.env"), example(rule) + "\n");
        config.push_str(&format!("{provider} = \"{}/{provider}\"\n", server.base()));
    }
    sb.file("sprawl.toml", config);
    let (_, report) = scan(&sb, &["--blast-radius"]);
    for (_, rule, severity, reason) in cases {
        let c = credential(&report, rule);
        assert_eq!(
            (
                c.validity.status.as_str(),
                c.severity.as_str(),
                c.severity_reason.as_str()
            ),
            ("live", severity, reason),
            "{rule}: {:?}",
            c.validity.reach
        );
    }
    let cloudflare = credential(&report, "cloudflare.api-token");
    assert_eq!(
        cloudflare.validity.reach.as_ref().unwrap().unreadable,
        vec!["permissions (HTTP 403)".to_string()]
    );
    // Only GET requests: 8 validations, then 4 for GitLab and Cloudflare, 2 for DigitalOcean and one
    // for each other provider (the same path as its validation).
    for r in server.requests() {
        assert_eq!(r.method, "GET", "{}", r.path);
    }
    assert_eq!(server.requests().len(), 8 + 4 + 4 + 2 + 5);
}
