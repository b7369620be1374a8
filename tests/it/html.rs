//! `sprawl inventory --format html`: the governance page, rendered in a real headless Chromium (Debian's
//! `chromium`, installed by scripts/test-tools.sh): the DOM it builds has every row in order and every
//! bar of the chart, the screenshot shows the bars, and nothing in the page loads, runs or leaks.

use std::path::Path;
use std::process::Command;

use serde_json::{json, Value};

use crate::support::*;

const NOW: &str = "2024-06-01";
/// A `--no-redact` report's secret: it must not reach the page.
const FULL_SECRET: &str = "hunter2-correct-horse-battery-staple";

fn finding(fp: &str, rule: &str, provider: &str, secret: &str, repo: &str, path: &str) -> Value {
    json!({"rule_id": rule, "provider": provider, "fingerprint": fp, "secret": secret,
           "repository": repo, "path": path, "commit": format!("c-{fp}"), "owners": []})
}

#[allow(clippy::too_many_arguments)]
fn credential(
    fp: &str,
    owners: &[&str],
    first_seen: &str,
    status: &str,
    severity: &str,
    reason: &str,
    page: &str,
    cli: Option<&str>,
) -> Value {
    json!({"fingerprint": fp, "first_seen": first_seen, "last_seen": "2024-05-30T00:00:00Z",
           "in_head": true, "removed": false, "owners": owners, "governance": "ungoverned",
           "severity": severity, "severity_reason": reason,
           "revoke": {"page": page, "cli": cli, "how": "Revoke it."},
           "validity": {"status": status}})
}

/// A saved report of four credentials: two of `@org/payments` (a live admin GitHub token in two
/// repositories, 400 days old; a live AWS key that can write, 20 days old), one of `@org/web` (a Slack
/// token the provider rejected, 100 days old) and one without an owner, age unknown, whose path and
/// reason carry markup and whose secret is in full (a `--no-redact` report).
fn report() -> Value {
    json!({
        "schema_version": 1,
        "findings": [
            finding("fp-github", "github.pat-classic", "github", "ghp_Mk…", "https://example.com/org/api.git", "deploy/.env"),
            finding("fp-github", "github.pat-classic", "github", "ghp_Mk…", "git@example.com:org/web.git", "ci.yml"),
            finding("fp-aws", "aws.access-key-id", "aws", "AKIAIO…", "https://example.com/org/api.git", "infra/main.tf"),
            finding("fp-slack", "slack.bot-token", "slack", "xoxb-1…", "git@example.com:org/web.git", "bot.js"),
            finding("fp-generic", "generic.password", "generic", FULL_SECRET, "https://example.com/org/api.git", "<img src=x onerror=alert(1)>.env"),
        ],
        "credentials": [
            credential("fp-github", &["@org/payments"], "2023-04-28T00:00:00Z", "live", "admin",
                       "admin: admin on 2 of 14 repositories it can push to", "https://github.com/settings/tokens", None),
            credential("fp-aws", &["@org/payments"], "2024-05-12T00:00:00Z", "live", "write",
                       "write: user deploy with policy PowerUserAccess", "https://console.aws.amazon.com/iam/home#/security_credentials",
                       Some("aws iam delete-access-key --access-key-id <ACCESS_KEY_ID>")),
            credential("fp-slack", &["@org/web"], "2024-02-22T00:00:00Z", "invalid", "none",
                       "rejected by the provider", "https://api.slack.com/apps", None),
            json!({"fingerprint": "fp-generic", "owners": [], "governance": "ungoverned",
                   "severity": "unknown", "severity_reason": "<script>alert(1)</script>",
                   "revoke": {"page": "javascript:alert(1)", "how": "Change it."},
                   "validity": {"status": "not_checked"}}),
        ],
    })
}

fn write_page(dir: &Sandbox) -> String {
    dir.file("report.json", report().to_string());
    let out = run_cmd(
        sprawl()
            .current_dir(dir.path())
            .env("SPRAWL_NOW", NOW)
            .args([
                "inventory",
                "--from",
                "report.json",
                "--format",
                "html",
                "-o",
                "inventory.html",
            ]),
        None,
    );
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (0, "", "sprawl: merged 1 report\n")
    );
    std::fs::read_to_string(dir.join("inventory.html")).unwrap()
}

/// Runs headless Chromium on `page` with `args` (`--dump-dom`, `--screenshot=…`); returns stdout.
fn chromium(page: &Path, args: &[&str]) -> String {
    let browser = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| Command::new(b).arg("--version").output().is_ok_and(|o| o.status.success()))
        .expect("Chromium is needed for this test: scripts/test-tools.sh installs it (apt package chromium)");
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--window-size=1280,1000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `attr="value"` of every element in `dom` that starts with `open` (`<tr class="credential"`).
fn attrs(dom: &str, open: &str, attr: &str) -> Vec<String> {
    dom.split(open)
        .skip(1)
        .map(|el| {
            let el = &el[..el.find('>').unwrap()];
            let start = el.find(&format!("{attr}=\"")).unwrap() + attr.len() + 2;
            el[start..start + el[start..].find('"').unwrap()].to_string()
        })
        .collect()
}

#[test]
fn the_html_inventory_is_self_contained_and_leaks_nothing() {
    let dir = Sandbox::new();
    let html = write_page(&dir);
    assert!(html.contains(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
    ));
    for absent in [
        "<script",
        "src=\"",
        "<img",
        "http://",
        "<link",
        "@import",
        "url(",
        FULL_SECRET,
        "hunter2",
    ] {
        assert!(!html.contains(absent), "the page contains {absent:?}");
    }
    // Text from the report is escaped, and only an https:// page becomes a link.
    assert!(html.contains("api:&lt;img src=x onerror=alert(1)&gt;.env"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("<td class=\"long\">javascript:alert(1)</td>"));
    assert!(html
        .contains("<a href=\"https://github.com/settings/tokens\" rel=\"noreferrer noopener\">"));
    assert!(html
        .contains("<code>aws iam delete-access-key --access-key-id &lt;ACCESS_KEY_ID&gt;</code>"));
}

#[test]
fn chromium_renders_every_owner_row_and_every_bar_of_the_chart() {
    let dir = Sandbox::new();
    write_page(&dir);
    let page = dir.join("inventory.html");
    let dom = chromium(&page, &["--dump-dom"]);
    // Owners with live credentials first; in each, live first by severity.
    let sections = attrs(&dom, "<section class=\"owner\"", "id");
    assert_eq!(sections, ["owner-1", "owner-2", "owner-3"]);
    let owners: Vec<&str> = dom
        .split("<section class=\"owner\"")
        .skip(1)
        .map(|s| {
            let h = &s[s.find("<h2>").unwrap() + 4..];
            &h[..h.find("</h2>").unwrap()]
        })
        .collect();
    // A credential that may be live (not checked) comes before one that reaches nothing.
    assert_eq!(owners, ["@org/payments", "(no owner)", "@org/web"]);
    assert_eq!(
        attrs(&dom, "<tr class=\"credential\"", "data-fingerprint"),
        ["fp-github", "fp-aws", "fp-generic", "fp-slack"]
    );
    assert_eq!(
        attrs(&dom, "<tr class=\"credential\"", "data-severity"),
        ["admin", "write", "unknown", "none"]
    );
    // The markup in the report stayed text: the browser built no element from it.
    assert!(!dom.contains("<img"), "{dom}");
    assert!(dom.contains("<p>2 credentials: 2 live, 2 in HEAD, greatest severity admin, oldest first seen 2023-04-28 (exposed up to 400 days)</p>"));
    // One segment per (age, severity) that has credentials, greatest severity on top.
    let bars: Vec<(String, String, String)> = {
        let age = attrs(&dom, "<rect class=\"bar\"", "data-age");
        let sev = attrs(&dom, "<rect class=\"bar\"", "data-severity");
        let n = attrs(&dom, "<rect class=\"bar\"", "data-count");
        age.into_iter()
            .zip(sev)
            .zip(n)
            .map(|((a, s), n)| (a, s, n))
            .collect()
    };
    let bar = |a: &str, s: &str, n: &str| (a.to_string(), s.to_string(), n.to_string());
    assert_eq!(
        bars,
        [
            bar("≤ 30 days", "write", "1"),
            bar("91–365 days", "none", "1"),
            bar("1–2 years", "admin", "1"),
            bar("age unknown", "unknown", "1"),
        ]
    );
    assert!(
        dom.contains("4 credentials, 2 live, 3 in HEAD, 3 owners"),
        "{dom}"
    );

    // The screenshot shows each bar in its colour: a bar is 56 × 200 pixels here (each bucket holds
    // one credential), far more than the legend's 10 × 10 swatch and a table badge of that colour.
    let shot = dir.join("inventory.png");
    chromium(&page, &[&format!("--screenshot={}", shot.display())]);
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    assert!(info.width >= 1000 && info.height >= 800, "{info:?}");
    let count = |rgb: [u8; 3]| {
        buf[..info.buffer_size()]
            .chunks(channels)
            .filter(|p| p[..3] == rgb)
            .count()
    };
    for (severity, rgb) in [
        ("admin", [0xb7, 0x1c, 0x1c]),
        ("write", [0xe6, 0x51, 0x00]),
        ("unknown", [0x60, 0x7d, 0x8b]),
        ("none", [0x2e, 0x7d, 0x32]),
    ] {
        let n = count(rgb);
        assert!(n >= 56 * 200, "{severity}: {n} pixels of its colour");
    }
    // No credential is `read`: its colour is only in the legend's swatch.
    assert!(count([0xf9, 0xa8, 0x25]) <= 10 * 10 + 4);
}
