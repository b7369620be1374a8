//! HTTPS trusts the platform's certificate store, and `SSL_CERT_FILE` names it: a GitHub Enterprise
//! server or a validation endpoint behind a private CA is reached once that CA is configured, and
//! refused (no request is sent) otherwise. The CA, the server certificate and the HTTPS server on
//! 127.0.0.1 are made by the test (rcgen, rustls).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivatePkcs8KeyDer};

use crate::support::{run_cmd, sprawl, Report, Sandbox, GH1};

/// A CA of the test's own: its PEM, and the issuer that signs server certificates.
fn test_ca(name: &str) -> CertifiedIssuer<'static, KeyPair> {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap()
}

/// An HTTPS server on 127.0.0.1 with a certificate for `127.0.0.1` signed by `ca`. It records the
/// request line of every request it reads, and answers `/user` as GitHub does for a live token and
/// any other path with an empty JSON list.
struct TlsServer {
    port: u16,
    seen: Arc<Mutex<Vec<String>>>,
}

impl TlsServer {
    fn start(ca: &CertifiedIssuer<'static, KeyPair>) -> TlsServer {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap();
        params
            .distinguished_name
            .push(DnType::CommonName, "127.0.0.1");
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let cert = params.signed_by(&key, ca).unwrap();
        let config = Arc::new(
            rustls::ServerConfig::builder_with_provider(Arc::new(
                rustls::crypto::ring::default_provider(),
            ))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                vec![CertificateDer::from(cert.der().to_vec())],
                PrivatePkcs8KeyDer::from(key.serialize_der()).into(),
            )
            .unwrap(),
        );
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        // Ends with the test process; a connection whose handshake fails is dropped.
        std::thread::spawn(move || {
            for tcp in listener.incoming().flatten() {
                let (config, log) = (config.clone(), log.clone());
                std::thread::spawn(move || {
                    let _ = tcp.set_read_timeout(Some(Duration::from_secs(10)));
                    let Ok(conn) = rustls::ServerConnection::new(config) else {
                        return;
                    };
                    let mut tls = rustls::StreamOwned::new(conn, tcp);
                    let mut request = Vec::new();
                    let mut buf = [0u8; 4096];
                    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                        match tls.read(&mut buf) {
                            Ok(0) | Err(_) => return,
                            Ok(n) => request.extend_from_slice(&buf[..n]),
                        }
                    }
                    let text = String::from_utf8_lossy(&request);
                    let line = text.lines().next().unwrap_or_default().to_string();
                    let (body, scopes) = if line.starts_with("GET /user ") {
                        (r#"{"login":"octocat"}"#, "X-OAuth-Scopes: repo\r\n")
                    } else {
                        ("[]", "")
                    };
                    log.lock().unwrap().push(line);
                    let _ = write!(
                        tls,
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{scopes}\
                         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    tls.conn.send_close_notify();
                    let _ = tls.flush();
                });
            }
        });
        TlsServer { port, seen }
    }

    fn base(&self) -> String {
        format!("https://127.0.0.1:{}", self.port)
    }

    /// The request lines read so far (only after a successful handshake).
    fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

/// `sprawl` with `SSL_CERT_FILE` set to `ca_file`, or with neither `SSL_CERT_FILE` nor `SSL_CERT_DIR`
/// (the system store).
fn with_roots(ca_file: Option<&std::path::Path>) -> std::process::Command {
    let mut cmd = sprawl();
    cmd.env_remove("SSL_CERT_FILE").env_remove("SSL_CERT_DIR");
    if let Some(f) = ca_file {
        cmd.env("SSL_CERT_FILE", f);
    }
    cmd
}

#[test]
fn a_private_ca_is_trusted_through_ssl_cert_file_and_refused_otherwise() {
    let ca = test_ca("sprawl test CA");
    let other = test_ca("another CA");
    let server = TlsServer::start(&ca);
    let sb = Sandbox::new();
    sb.file("ca.pem", ca.pem());
    sb.file("other.pem", other.pem());
    sb.file("src/a.env", format!("T={GH1}\n"));
    sb.file(
        "sprawl.toml",
        format!("[validation.endpoints]\ngithub = \"{}\"\n", server.base()),
    );
    let validate = |ca_file: Option<&str>| {
        let run = run_cmd(
            with_roots(ca_file.map(|f| sb.join(f)).as_deref())
                .current_dir(sb.path())
                .args(["scan", "--format", "json", "--config", "sprawl.toml"])
                .args(["--validate", "src"]),
            None,
        );
        let report: Report = serde_json::from_str(&run.stdout)
            .unwrap_or_else(|e| panic!("bad JSON ({e}): {}\nstderr: {}", run.stdout, run.stderr));
        let v = report.credentials[0].validity.clone();
        (v.status, v.reason, v.identity)
    };

    // Another CA in SSL_CERT_FILE, or the system store: the handshake fails, nothing is sent.
    let refused = (
        "unknown".to_string(),
        Some("network_error".to_string()),
        None,
    );
    assert_eq!(validate(Some("other.pem")), refused);
    assert_eq!(validate(None), refused);
    assert_eq!(server.seen(), Vec::<String>::new());

    // The test CA in SSL_CERT_FILE: the endpoint is reached and the token is live.
    assert_eq!(
        validate(Some("ca.pem")),
        ("live".to_string(), None, Some("octocat".to_string()))
    );
    assert_eq!(server.seen(), vec!["GET /user HTTP/1.1".to_string()]);

    // GitHub Enterprise behind the same CA: `github-org` lists the organisation only with the CA.
    let api = format!("{}/api/v3", server.base());
    let list = |ca_file: Option<&str>| {
        run_cmd(
            with_roots(ca_file.map(|f| sb.join(f)).as_deref())
                .current_dir(sb.path())
                .env_remove("GITHUB_TOKEN")
                .args(["github-org", "acme", "--api-url", &api]),
            None,
        )
    };
    let out = list(None);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.starts_with(&format!(
            "error: GitHub API {api}/orgs/acme/repos?per_page=100&type=all: "
        )),
        "{}",
        out.stderr
    );
    assert_eq!(server.seen().len(), 1);
    let out = list(Some("ca.pem"));
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(
        server.seen()[1..],
        ["GET /api/v3/orgs/acme/repos?per_page=100&type=all HTTP/1.1".to_string()]
    );
}
