//! Secrets hidden in encodings: base64 (Kubernetes secrets, docker configs, basic-auth headers),
//! percent-encoding and `\u`/`\x` escapes are found at the encoded span, with the decoded value and the
//! layers in `decoded`; a secret found both as written and decoded is reported once.

use crate::support::*;

fn scan(sb: &Sandbox) -> Report {
    scan_json(sb.path(), &["--no-redact", "."]).1
}

fn row(
    path: &str,
    line: u32,
    column: u32,
    encoded: &str,
    rule: &str,
    layers: &[&str],
    secret: &str,
) -> DecodedLocation {
    (
        path.into(),
        line,
        column,
        column + encoded.len() as u32,
        rule.into(),
        layers.iter().map(|s| s.to_string()).collect(),
        secret.into(),
    )
}

#[test]
fn kubernetes_secret_data_is_decoded_at_the_encoded_span() {
    let sb = Sandbox::new();
    let enc = b64(GH1.as_bytes());
    sb.file(
        "k8s/secret.yaml",
        format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: gh\ntype: Opaque\ndata:\n  token: {enc}\n"
        ),
    );
    let r = scan(&sb);
    assert_eq!(
        decoded_locations(&r),
        vec![row(
            "k8s/secret.yaml",
            7,
            10,
            &enc,
            "github.pat-classic",
            &["base64"],
            GH1
        )]
    );
    let human = run_in(sb.path(), &["scan", "."]);
    assert!(
        human
            .stdout
            .contains("  secret  ghp_Mk…   confidence high   decoded from base64\n"),
        "{}",
        human.stdout
    );
    // CSV and SARIF say it too.
    let csv = run_in(sb.path(), &["scan", "--format", "csv", "."]);
    let mut reader = csv::Reader::from_reader(csv.stdout.as_bytes());
    let column = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "decoded")
        .expect("a decoded column");
    let row = reader.records().next().unwrap().unwrap();
    assert_eq!(&row[column], "base64", "{}", csv.stdout);
    let sarif = run_in(sb.path(), &["scan", "--format", "sarif", "."]);
    let v: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap();
    assert_eq!(
        v["runs"][0]["results"][0]["properties"]["decoded"],
        serde_json::json!(["base64"])
    );
}

#[test]
fn dockerconfigjson_inside_a_secret_is_two_layers_deep() {
    let sb = Sandbox::new();
    let auth = b64(format!("robot:{GH2}").as_bytes());
    let config = format!(r#"{{"auths":{{"ghcr.io":{{"auth":"{auth}"}}}}}}"#);
    let outer = b64(config.as_bytes());
    sb.file("docker/config.json", format!("{config}\n"));
    sb.file(
        "k8s/pull.yaml",
        format!("kind: Secret\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: {outer}\n"),
    );
    let r = scan(&sb);
    assert_eq!(
        decoded_locations(&r),
        vec![
            row(
                "docker/config.json",
                1,
                30,
                &auth,
                "github.pat-classic",
                &["base64"],
                GH2
            ),
            row(
                "k8s/pull.yaml",
                4,
                22,
                &outer,
                "github.pat-classic",
                &["base64", "base64"],
                GH2
            ),
        ]
    );
    // One credential, two locations.
    assert_eq!(r.credentials.len(), 1);
    assert_eq!(r.credentials[0].locations, 2);
}

#[test]
fn basic_auth_header_reports_the_decoded_user_and_password() {
    let sb = Sandbox::new();
    let enc = b64(b"ci-deployer:rM9vGnIwBgaF4QgG2x");
    sb.file(
        "deploy.sh",
        format!("curl -H \"Authorization: Basic {enc}\" https://ci.corp.local/\n"),
    );
    let r = scan(&sb);
    assert_eq!(
        decoded_locations(&r),
        vec![row(
            "deploy.sh",
            1,
            31,
            &enc,
            "http.basic-auth-header",
            &["base64"],
            "ci-deployer:rM9vGnIwBgaF4QgG2x"
        )]
    );
}

#[test]
fn percent_encoded_and_escaped_tokens_are_decoded() {
    let sb = Sandbox::new();
    let pct = format!(
        "https://api.corp.local/hook?token={}",
        GH1.replace('_', "%5F")
    );
    let esc: String = GH2
        .chars()
        .take(4)
        .map(|c| format!("\\u{:04x}", c as u32))
        .chain(GH2.chars().skip(4).map(String::from))
        .collect();
    // C/Python byte escapes, two lines below a multi-byte character.
    let hex: String = GH1
        .chars()
        .take(8)
        .map(|c| format!("\\x{:02x}", c as u32))
        .chain(GH1.chars().skip(8).map(String::from))
        .collect();
    sb.file("hook.txt", format!("see {pct} now\n"));
    sb.file("bundle.json", format!("{{\n  \"t\": \"{esc}\"\n}}\n"));
    sb.file("key.c", format!("/* é */\n\nconst char *k = \"{hex}\";\n"));
    let r = scan(&sb);
    assert_eq!(
        decoded_locations(&r),
        vec![
            row(
                "bundle.json",
                2,
                9,
                &esc,
                "github.pat-classic",
                &["escape"],
                GH2
            ),
            row(
                "hook.txt",
                1,
                5,
                &pct,
                "github.pat-classic",
                &["percent"],
                GH1
            ),
            row("key.c", 3, 18, &hex, "github.pat-classic", &["escape"], GH1),
        ]
    );
}

#[test]
fn a_secret_found_as_written_is_not_reported_again_decoded() {
    let sb = Sandbox::new();
    let enc = b64(format!("token={GH1}").as_bytes());
    sb.file("app.env", format!("GH_TOKEN={GH1}\nGH_TOKEN_B64={enc}\n"));
    let r = scan(&sb);
    assert_eq!(
        decoded_locations(&r),
        vec![(
            "app.env".into(),
            1,
            10,
            50,
            "github.pat-classic".into(),
            vec![],
            GH1.into()
        )]
    );
}

#[test]
fn encoded_noise_and_encoded_placeholders_are_not_reported() {
    let sb = Sandbox::new();
    sb.file(
        "secret.yaml",
        format!(
            "kind: Secret\ndata:\n  password: {}\n  token: {}\n  ca.crt: {}\n  note: {}\n",
            b64(b"changeme"),
            // decodes to a file path: the generic rules' value filters apply to the decoded value
            b64(b"/var/run/secrets/app/token"),
            // base64-shaped random bytes (a certificate fragment, a key): not text, not decoded
            "MIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ",
            b64(b"just a harmless note, nothing to see"),
        ),
    );
    sb.file(
        "page.html",
        "<a href=\"/search?q=a%20b%2Fc&lang=en\">x</a>\n",
    );
    let (run, r) = scan_json(sb.path(), &["."]);
    assert_eq!(run.code, 0, "{:?}", decoded_locations(&r));
    assert!(r.findings.is_empty());
}

#[test]
fn sprawl_allow_on_the_encoded_line_suppresses_decoded_findings() {
    let sb = Sandbox::new();
    sb.file(
        "s.yaml",
        format!("data:\n  token: {} # sprawl:allow\n", b64(GH1.as_bytes())),
    );
    let (run, r) = scan_json(sb.path(), &["."]);
    assert_eq!(run.code, 0);
    assert!(r.findings.is_empty());
    // Both the generic `token:` match of the encoded text and the decoded token were suppressed.
    assert_eq!(r.stats.suppressed.inline, 2);
}

#[test]
fn a_base64_password_value_is_reported_decoded() {
    let sb = Sandbox::new();
    sb.file(
        "db-secret.yaml",
        "kind: Secret\ndata:\n  password: VnE4dExtMnhSOXBaazMjdw==\n",
    );
    let r = scan(&sb);
    assert_eq!(
        decoded_locations(&r),
        vec![(
            "db-secret.yaml".into(),
            3,
            13,
            37,
            "generic.password".into(),
            vec!["base64".into()],
            "Vq8tLm2xR9pZk3#w".into()
        )]
    );
}
