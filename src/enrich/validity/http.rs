//! The one place that sends secrets over the network, and the guards around it:
//!
//! - the URL is built from the rule's fixed origin (or the user's configured endpoint for the provider)
//!   plus the rule's path; the secret is percent-encoded into it, and the final host is checked against
//!   the rule's `hosts` (or the endpoint's host) before anything is sent;
//! - `https://` only; `http://` only for a user-configured loopback endpoint (checked in the config);
//! - redirects are never followed: a 3xx is an `unexpected_response`;
//! - the resolver ([`Guarded`], around ureq's own) refuses loopback, private, link-local, CGNAT,
//!   multicast, unspecified and other non-public addresses (also inside IPv6 forms that embed IPv4,
//!   see [`is_public`]), except for the host of a user-configured endpoint;
//! - one timeout per request, name resolution included (ureq's global timeout); no proxy from the
//!   environment;
//! - server certificates are checked against the platform's certificate store ([`platform_tls`]):
//!   `SSL_CERT_FILE` / `SSL_CERT_DIR` on Linux, so a private CA can be trusted;
//! - errors are mapped to a reason and never printed: a transport error can quote the URL, and a
//!   Telegram URL contains the token.

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use base64::Engine as _;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use ureq::http::{HeaderMap, HeaderName, HeaderValue, Method, Uri};
use ureq::tls::{RootCerts, TlsConfig};
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

use super::sigv4;
use crate::finding::{Liveness, Secret};
use crate::rules::validate::{split_url, Signer, ValidateSpec};

/// Where a request goes: the base (scheme, host, optional path prefix) and whether it is the user's.
#[derive(Clone, Debug)]
pub struct Target {
    pub base: String,
    pub host: String,
    /// A user-configured endpoint: private and loopback addresses are allowed for its host.
    pub configured: bool,
}

/// The outcome of one check, for the report and the audit log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub live: Liveness,
    pub http_status: Option<u16>,
    /// A 429 with a `Retry-After` header: the provider (not only this credential) wants a pause.
    pub retry_after: bool,
}

impl Outcome {
    fn unknown(reason: &'static str, http_status: Option<u16>) -> Outcome {
        Outcome {
            live: Liveness::Unknown { reason },
            http_status,
            retry_after: false,
        }
    }

    fn invalid(http_status: u16) -> Outcome {
        Outcome {
            live: Liveness::Invalid,
            http_status: Some(http_status),
            retry_after: false,
        }
    }
}

/// An answer, whatever its status (the agents never turn a 4xx or 5xx into an error).
pub type Response = ureq::http::Response<ureq::Body>;

/// The user agent of every request sprawl sends.
pub const USER_AGENT: &str = concat!("sprawl/", env!("CARGO_PKG_VERSION"));

/// TLS verified against the platform's certificate store (rustls-platform-verifier): on Linux and
/// the BSDs the files named by `SSL_CERT_FILE` / `SSL_CERT_DIR` when either is set, else the system
/// bundle; the OS verifier on macOS and Windows. A private CA (GitHub Enterprise, an internal
/// endpoint) is trusted once the platform, or `SSL_CERT_FILE`, trusts it.
pub fn platform_tls() -> TlsConfig {
    TlsConfig::builder()
        .root_certs(RootCerts::PlatformVerifier)
        .build()
}

/// A blocking client with the guards above. `allowed_private` lists the hosts of configured endpoints.
pub fn agent(timeout: Duration, allowed_private: Vec<String>) -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        // One deadline for the whole request: name resolution, connection, TLS, answer and body.
        .timeout_global(Some(timeout))
        .proxy(None)
        .user_agent(USER_AGENT)
        .tls_config(platform_tls())
        .build();
    ureq::Agent::with_parts(
        config,
        DefaultConnector::default(),
        Guarded {
            allowed_private,
            inner: DefaultResolver::default(),
        },
    )
}

/// ureq's resolver (which bounds the lookup by the request's deadline), keeping only public
/// addresses unless the host is one of `allowed_private` (the hosts of configured endpoints).
#[derive(Debug)]
pub struct Guarded {
    allowed_private: Vec<String>,
    inner: DefaultResolver,
}

impl Resolver for Guarded {
    fn resolve(
        &self,
        uri: &Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let found = self.inner.resolve(uri, config, timeout)?;
        let host = uri.host().unwrap_or_default();
        let mut kept = self.empty();
        for addr in permitted(host, &found, &self.allowed_private)? {
            kept.push(addr);
        }
        Ok(kept)
    }
}

/// The addresses of `host` that may be connected to: all of them for a host in `allowed_private`,
/// else the public ones; none is a `PermissionDenied` error.
fn permitted(
    host: &str,
    addrs: &[SocketAddr],
    allowed_private: &[String],
) -> io::Result<Vec<SocketAddr>> {
    let host = unbracketed(host);
    if allowed_private.iter().any(|h| h.eq_ignore_ascii_case(host)) {
        return Ok(addrs.to_vec());
    }
    let public: Vec<SocketAddr> = addrs
        .iter()
        .copied()
        .filter(|a| is_public(a.ip()))
        .collect();
    if public.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            "refusing a non-public address",
        ));
    }
    Ok(public)
}

/// False for loopback, private, link-local, shared (CGNAT), benchmarking (198.18.0.0/15), IETF
/// protocol assignments (192.0.0.0/24), documentation, multicast, broadcast, unspecified and reserved
/// addresses; IPv6 site-local (fec0::/10), unique-local, link-local, documentation and Teredo; and IPv6
/// forms that carry an IPv4 address (IPv4-mapped, IPv4-compatible `::a.b.c.d`, NAT64 64:ff9b::/96,
/// 6to4 2002::/16) are judged by that IPv4 address.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || a == 0
                || a >= 240
                || (a == 100 && (64..128).contains(&b))
                || (a == 198 && (b == 18 || b == 19))
                || (a == 192 && b == 0 && c == 0)
                || (a == 192 && b == 0 && c == 2)
                || (a == 198 && b == 51 && c == 100)
                || (a == 203 && b == 0 && c == 113))
        }
        IpAddr::V6(v6) => {
            if v6.is_loopback() || v6.is_unspecified() {
                return false;
            }
            if let Some(v4) = embedded_v4(v6) {
                return is_public(IpAddr::V4(v4));
            }
            let seg = v6.segments();
            let first = seg[0];
            !(v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || (first & 0xffc0) == 0xfec0
                // Local-use NAT64 (64:ff9b:1::/48), documentation (2001:db8::/32), Teredo (2001::/32).
                || (first == 0x64 && seg[1] == 0xff9b)
                || (first == 0x2001 && (seg[1] == 0x0db8 || seg[1] == 0)))
        }
    }
}

/// The IPv4 address an IPv6 address carries: IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible
/// `::a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`, 6to4 `2002:aabb:ccdd::/48`.
fn embedded_v4(v6: std::net::Ipv6Addr) -> Option<std::net::Ipv4Addr> {
    if let Some(v4) = v6.to_ipv4_mapped() {
        return Some(v4);
    }
    let seg = v6.segments();
    let from = |hi: u16, lo: u16| {
        std::net::Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8)
    };
    if seg[..6].iter().all(|s| *s == 0) {
        return Some(from(seg[6], seg[7]));
    }
    if seg[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return Some(from(seg[6], seg[7]));
    }
    if seg[0] == 0x2002 {
        return Some(from(seg[1], seg[2]));
    }
    None
}

/// `secret` for use inside a URL path or query: everything but unreserved characters and `:` is
/// percent-encoded, so a secret cannot add a path segment, a query or a fragment.
fn url_encode(s: &str) -> String {
    const KEPT: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~')
        .remove(b':');
    utf8_percent_encode(s, KEPT).to_string()
}

/// `template` with each `{name}` of `vars` replaced by its value, passed through `encode`, in one pass
/// (a value is never read as a template: a secret or a provider's answer holding `{pair}` stays as it is).
fn fill(template: &str, vars: &[(&str, &str)], encode: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let hit = after.find('}').and_then(|end| {
            let name = &after[..end];
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (end, encode(v)))
        });
        match hit {
            Some((end, value)) => {
                out.push_str(&value);
                rest = &after[end + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `template` with `vars` filled in as they are (no encoding).
pub fn fill_plain(template: &str, vars: &[(&str, &str)]) -> String {
    fill(template, vars, |v| v.to_string())
}

/// One request, as rules describe it: method, path and query (with placeholders) on the target's
/// base, headers, basic authentication, body, and AWS signing.
pub struct Request<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub headers: &'a [(String, String)],
    pub basic_auth: Option<&'a (String, String)>,
    pub body: Option<&'a str>,
    /// Signed with AWS SigV4 for this service: the access key id is `{secret}`, the secret key
    /// `{pair}`.
    pub sign_for: Option<&'a str>,
    /// The hosts the rule allows (a target that is not the user's must be one of them).
    pub hosts: &'a [String],
}

impl ValidateSpec {
    /// The validation request.
    pub fn request(&self) -> Request<'_> {
        Request {
            method: &self.method,
            path: &self.path,
            headers: &self.headers,
            basic_auth: self.basic_auth.as_ref(),
            body: self.body.as_deref(),
            sign_for: (self.signer == Some(Signer::AwsSigV4)).then_some("sts"),
            hosts: &self.hosts,
        }
    }
}

/// The user's endpoints (`[validation.endpoints]`, provider -> base URL, already checked) as targets.
pub fn configured(
    endpoints: &std::collections::BTreeMap<String, String>,
) -> std::collections::BTreeMap<String, Target> {
    endpoints
        .iter()
        .filter_map(|(provider, base)| {
            let (_, host, _) = split_url(base)?;
            Some((
                provider.clone(),
                Target {
                    base: base.trim_end_matches('/').to_string(),
                    host: host.to_ascii_lowercase(),
                    configured: true,
                },
            ))
        })
        .collect()
}

/// Where a request of a rule goes: the user's endpoint for the provider, else `origin` (a rule's own
/// `https://host`).
pub fn target(endpoint: Option<&Target>, origin: &str) -> Target {
    match endpoint {
        Some(t) => t.clone(),
        None => Target {
            base: origin.to_string(),
            host: split_url(origin)
                .map(|(_, h, _)| h.to_ascii_lowercase())
                .unwrap_or_default(),
            configured: false,
        },
    }
}

/// Sends `req` to `target` with `vars` filled in (`secret`, `pair` and any others), behind every
/// guard: values that cannot travel unchanged are not sent (`not_sendable`), the final URL must be on
/// the target's host and that host allowed (`refused_address`). The answer, whatever its status; or
/// why there is none.
pub fn send(
    agent: &ureq::Agent,
    req: &Request,
    target: &Target,
    vars: &[(&str, &str)],
    amz_date: &str,
) -> Result<Response, &'static str> {
    // A value that cannot travel in a header unchanged is not sent at all.
    if vars.iter().any(|(_, v)| v.chars().any(char::is_control)) {
        return Err("not_sendable");
    }
    let path = fill(req.path, vars, url_encode);
    let url = format!("{}{}", target.base.trim_end_matches('/'), path);
    let uri = checked_uri(&url, req, target)?;
    let method = Method::from_bytes(req.method.as_bytes()).map_err(|_| "network_error")?;
    let body = req.body.map(|b| fill_body(b, vars));
    let headers = headers(req, vars, &url, body.as_deref(), amz_date)?;
    let mut request = ureq::http::Request::new(());
    *request.method_mut() = method;
    *request.uri_mut() = uri;
    *request.headers_mut() = headers;
    let result = match &body {
        Some(b) => agent.run(request.map(|()| b.as_str())),
        None => agent.run(request),
    };
    result.map_err(|e| error_reason(&e))
}

/// `host` without the brackets of an IPv6 literal.
fn unbracketed(host: &str) -> &str {
    host.trim_start_matches('[').trim_end_matches(']')
}

/// `url` as it will be sent, when it may be: on `target`'s host, a host the rule allows (or the
/// user's endpoint), no userinfo, `https` (or `http` for the user's endpoint); else
/// `refused_address`.
fn checked_uri(url: &str, req: &Request, target: &Target) -> Result<Uri, &'static str> {
    // What is sent is the `url` crate's reading of the URL (as ureq 2 sent it: normalised, unsafe
    // characters percent-encoded), which ureq then parses as an `http::Uri`: both readings must find
    // the target's host and no userinfo, with an allowed scheme.
    let parsed = url::Url::parse(url).ok();
    let host_ok = parsed.as_ref().is_some_and(|u| {
        let host = unbracketed(u.host_str().unwrap_or_default());
        u.username().is_empty()
            && u.password().is_none()
            && host.eq_ignore_ascii_case(&target.host)
            && (target.configured || req.hosts.iter().any(|h| h.eq_ignore_ascii_case(host)))
    });
    let scheme_ok = parsed
        .as_ref()
        .is_some_and(|u| u.scheme() == "https" || (target.configured && u.scheme() == "http"));
    let uri: Option<Uri> = parsed.as_ref().and_then(|u| u.as_str().parse().ok());
    let sent_ok = uri.as_ref().is_some_and(|u| {
        let host = unbracketed(u.host().unwrap_or_default());
        u.authority().is_some_and(|a| !a.as_str().contains('@'))
            && host.eq_ignore_ascii_case(&target.host)
            && u.scheme_str() == parsed.as_ref().map(url::Url::scheme)
    });
    match (uri, host_ok, scheme_ok, sent_ok) {
        (Some(uri), true, true, true) => Ok(uri),
        _ => Err("refused_address"),
    }
}

/// A request body with `vars` filled in; in a JSON body, values are JSON-escaped so they cannot
/// change its structure.
fn fill_body(body: &str, vars: &[(&str, &str)]) -> String {
    if body.trim_start().starts_with(['{', '[']) {
        fill(body, vars, |v| {
            let quoted = serde_json::Value::String(v.to_string()).to_string();
            quoted[1..quoted.len() - 1].to_string()
        })
    } else {
        fill_plain(body, vars)
    }
}

/// The headers of `req` with `vars` filled in, then basic authentication, then the AWS signature
/// of `url` and `body`. A header set twice keeps its last value (an explicit `Authorization` is
/// replaced by basic authentication or a signature). A name or value HTTP cannot carry is refused
/// here (`network_error`), before any connection, as the client would refuse it.
fn headers(
    req: &Request,
    vars: &[(&str, &str)],
    url: &str,
    body: Option<&str>,
    amz_date: &str,
) -> Result<HeaderMap, &'static str> {
    let mut headers = HeaderMap::new();
    let mut set = |name: &str, value: &str| -> Result<(), &'static str> {
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| "network_error")?;
        let value = HeaderValue::from_str(value).map_err(|_| "network_error")?;
        headers.insert(name, value);
        Ok(())
    };
    for (name, value) in req.headers {
        set(name, &fill_plain(value, vars))?;
    }
    if let Some((user, password)) = req.basic_auth {
        let raw = format!("{}:{}", fill_plain(user, vars), fill_plain(password, vars));
        let encoded = base64::engine::general_purpose::STANDARD.encode(raw);
        set("Authorization", &format!("Basic {encoded}"))?;
    }
    if let Some(service) = req.sign_for {
        let authorization = sigv4_authorization(req.method, service, vars, url, body, amz_date);
        set("Content-Type", SIGNED_CONTENT_TYPE)?;
        set("X-Amz-Date", amz_date)?;
        set("Authorization", &authorization)?;
    }
    Ok(headers)
}

/// The content type a request signed with AWS SigV4 is sent (and signed) with.
const SIGNED_CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=utf-8";

/// The AWS SigV4 `Authorization` value of a `method` request to `url` with `body`, for `service`:
/// the access key id is `{secret}`, the secret key `{pair}`.
fn sigv4_authorization(
    method: &str,
    service: &str,
    vars: &[(&str, &str)],
    url: &str,
    body: Option<&str>,
    amz_date: &str,
) -> String {
    let var = |name: &str| {
        vars.iter()
            .find(|(n, _)| *n == name)
            .map_or("", |(_, v)| *v)
    };
    // Sign what is sent: the endpoint's host and the full path (a configured base may add a prefix).
    let (origin, _, full_path) = split_url(url).unwrap_or_default();
    let authority = origin.split("://").nth(1).unwrap_or_default();
    let (url_path, query) = full_path.split_once('?').unwrap_or((full_path, ""));
    sigv4::authorization(
        &sigv4::Request {
            method,
            path: url_path,
            query,
            headers: &[
                ("content-type", SIGNED_CONTENT_TYPE),
                ("host", authority),
                ("x-amz-date", amz_date),
            ],
            payload: body.unwrap_or_default().as_bytes(),
        },
        &sigv4::Signing {
            access_key_id: var("secret"),
            secret_access_key: var("pair"),
            amz_date,
            region: "us-east-1",
            service,
        },
    )
}

/// Sends the rule's request for `secret` (and its `pair`) to `target` and reads the answer.
pub fn check(
    agent: &ureq::Agent,
    spec: &ValidateSpec,
    target: &Target,
    secret: &Secret,
    pair: Option<&Secret>,
    amz_date: &str,
) -> Outcome {
    let paired = pair.is_some();
    let secret = secret.expose_lossy();
    let pair = pair.map(Secret::expose_lossy).unwrap_or_default();
    let vars = [("secret", secret.as_str()), ("pair", pair.as_str())];
    match send(agent, &spec.request(), target, &vars, amz_date) {
        Ok(resp) => read(spec, resp, paired),
        Err(reason) => Outcome::unknown(reason, None),
    }
}

/// The current time as AWS SigV4 wants it (`20260102T030405Z`), from the real clock: `SPRAWL_NOW` is
/// for reports, and AWS refuses a stale date.
pub fn amz_date() -> String {
    crate::clock::system_now()
        .format(time::macros::format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .unwrap_or_default()
}

/// The reason for a failed request; the error itself is never shown (it can quote the URL).
fn error_reason(e: &ureq::Error) -> &'static str {
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = next {
        if let Some(ureq::Error::Timeout(_)) = err.downcast_ref::<ureq::Error>() {
            return "timeout";
        }
        let io = match err.downcast_ref::<ureq::Error>() {
            Some(ureq::Error::Io(io)) => Some(io),
            _ => err.downcast_ref::<io::Error>(),
        };
        if let Some(io) = io {
            match io.kind() {
                io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => return "timeout",
                io::ErrorKind::PermissionDenied => return "refused_address",
                _ => {}
            }
            next = io
                .get_ref()
                .map(|inner| inner as &(dyn std::error::Error + 'static));
        } else {
            next = err.source();
        }
    }
    "network_error"
}

/// Reads at most this much of a response body.
pub const MAX_BODY: u64 = 1 << 20;

/// The body of `resp` as text (at most [`MAX_BODY`]); `None` when it cannot be read.
pub fn body_text(resp: Response) -> Option<String> {
    let mut text = String::new();
    io::Read::read_to_string(&mut body_reader(resp), &mut text)
        .ok()
        .map(|_| text)
}

/// Reads an answer. `paired`: the request used a second value found next to the credential (a
/// secret key, a username), so a rejection may be the pair's fault, not the credential's: it is
/// `unknown` (`pair_mismatch`) unless the body proves the credential itself invalid (`invalid_body`).
/// The first `name` header of `resp` as text (`None` when absent or not text).
pub fn header<'a>(resp: &'a Response, name: &str) -> Option<&'a str> {
    resp.headers().get(name)?.to_str().ok()
}

/// The body of `resp`, at most [`MAX_BODY`] of it (the rest is not read).
fn body_reader(resp: Response) -> impl io::Read {
    io::Read::take(resp.into_body().into_reader(), MAX_BODY)
}

fn read(spec: &ValidateSpec, resp: Response, paired: bool) -> Outcome {
    let status = resp.status().as_u16();
    if status == 429 {
        return Outcome {
            retry_after: header(&resp, "retry-after").is_some(),
            ..Outcome::unknown("rate_limited", Some(status))
        };
    }
    if spec.invalid.contains(&status) {
        if spec.invalid_body.is_empty() {
            return if paired {
                Outcome::unknown("pair_mismatch", Some(status))
            } else {
                Outcome::invalid(status)
            };
        }
        let mut text = String::new();
        let _ = io::Read::read_to_string(&mut body_reader(resp), &mut text);
        return if spec.invalid_body.iter().any(|t| text.contains(t.as_str())) {
            Outcome::invalid(status)
        } else if paired {
            Outcome::unknown("pair_mismatch", Some(status))
        } else {
            Outcome::unknown("unexpected_response", Some(status))
        };
    }
    if !spec.live.contains(&status) {
        return Outcome::unknown("unexpected_response", Some(status));
    }
    let mut scopes: Vec<String> = spec
        .scopes_header
        .as_deref()
        .and_then(|h| header(&resp, h))
        .map(split_list)
        .unwrap_or_default();
    let mut text = String::new();
    if io::Read::read_to_string(&mut body_reader(resp), &mut text).is_err() {
        return Outcome::unknown("unexpected_response", Some(status));
    }
    let json: Option<serde_json::Value> = serde_json::from_str(&text).ok();
    let needs_json = spec.ok.is_some()
        || spec.live_if.is_some()
        || !spec.identity.is_empty()
        || spec.scopes.is_some();
    if needs_json && json.is_none() && spec.identity_xml.is_empty() {
        return Outcome::unknown("unexpected_response", Some(status));
    }
    if let (Some(ok), Some(json)) = (&spec.ok, &json) {
        if json.pointer(ok) != Some(&serde_json::Value::Bool(true)) {
            return Outcome::invalid(status);
        }
    }
    if let Some(live_if) = &spec.live_if {
        // Another value (a disabled or expired token) is not usable; no value at all is not an answer.
        match json.as_ref().and_then(|j| j.pointer(&live_if.pointer)) {
            Some(serde_json::Value::String(s)) if *s == live_if.equals => {}
            Some(_) => return Outcome::invalid(status),
            None => return Outcome::unknown("unexpected_response", Some(status)),
        }
    }
    let mut parts: Vec<String> = Vec::new();
    if let Some(json) = &json {
        // A scalar, or a list (of strings or objects with `name`) joined with ", ".
        parts.extend(spec.identity.iter().filter_map(|p| {
            let v = json.pointer(p)?;
            scalar(v).or_else(|| Some(list(v).join(", ")).filter(|s| !s.is_empty()))
        }));
        if let Some(v) = spec.scopes.as_deref().and_then(|p| json.pointer(p)) {
            scopes.extend(list(v));
        }
    }
    parts.extend(
        spec.identity_xml
            .iter()
            .filter_map(|tag| xml_text(&text, tag)),
    );
    scopes.sort();
    scopes.dedup();
    Outcome {
        live: Liveness::Live {
            identity: (!parts.is_empty()).then(|| printable(&parts.join(" / "))),
            scopes: scopes.iter().map(|s| printable(s)).collect(),
        },
        http_status: Some(status),
        retry_after: false,
    }
}

/// Provider text shown in reports: control characters dropped, length bounded.
pub fn printable(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).take(200).collect()
}

pub fn split_list(s: &str) -> Vec<String> {
    s.split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

pub fn scalar(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

pub fn list(v: &serde_json::Value) -> Vec<String> {
    match v {
        serde_json::Value::Array(items) => items
            .iter()
            .filter_map(|i| scalar(i).or_else(|| i.get("name").and_then(scalar)))
            .collect(),
        serde_json::Value::String(s) => split_list(s),
        other => scalar(other).into_iter().collect(),
    }
}

/// The text of the first `<tag>…</tag>` in `xml`.
fn xml_text(xml: &str, tag: &str) -> Option<String> {
    xml_texts(xml, tag).into_iter().next()
}

/// The texts of every `<tag>…</tag>` in `xml`, in order (empty ones skipped).
pub fn xml_texts(xml: &str, tag: &str) -> Vec<String> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    let mut found = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        let Some(end) = after.find(&close) else { break };
        let v = after[..end].trim();
        if !v.is_empty() {
            found.push(v.to_string());
        }
        rest = &after[end + close.len()..];
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_public_addresses_are_refused() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            // IPv4-compatible, NAT64 and 6to4 forms of internal IPv4 addresses.
            "::127.0.0.1",
            "::10.0.0.1",
            "::169.254.169.254",
            "64:ff9b::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "64:ff9b::10.1.2.3",
            "2002:7f00:1::",
            "2002:a9fe:a9fe::1",
            "2002:c0a8:0101::",
            "64:ff9b:1::1",
            // Site-local, benchmarking, IETF protocol assignments, documentation, Teredo.
            "fec0::1",
            "feff::1",
            "198.18.0.1",
            "198.19.255.254",
            "192.0.0.8",
            "192.0.2.1",
            "198.51.100.1",
            "203.0.113.1",
            "2001:db8::1",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "140.82.112.5",
            "2606:4700::6810:84e5",
            "198.17.255.255",
            "198.20.0.1",
            "192.0.1.1",
            "::140.82.112.5",
            "64:ff9b::140.82.112.5",
            "2002:8c52:7005::1",
            "2001:4860:4860::8888",
        ] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
        // Through the resolver the agent uses (an address literal needs no DNS).
        let resolve = |uri: &str, allowed: &[&str]| {
            let guarded = Guarded {
                allowed_private: allowed.iter().map(|h| h.to_string()).collect(),
                inner: DefaultResolver::default(),
            };
            let config = ureq::config::Config::builder().build();
            guarded
                .resolve(&uri.parse().unwrap(), &config, NextTimeout::default())
                .map(|addrs| addrs.to_vec())
        };
        match resolve("https://127.0.0.1/", &[]) {
            Err(ureq::Error::Io(e)) => assert_eq!(e.kind(), io::ErrorKind::PermissionDenied),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            error_reason(&resolve("https://[::1]/", &[]).unwrap_err()),
            "refused_address"
        );
        assert_eq!(
            resolve("https://127.0.0.1/", &["127.0.0.1"]).unwrap(),
            vec!["127.0.0.1:443".parse().unwrap()]
        );
        assert_eq!(
            resolve("https://[::1]:8443/", &["::1"]).unwrap(),
            vec!["[::1]:8443".parse().unwrap()]
        );
        assert_eq!(
            resolve("https://140.82.112.5/", &[]).unwrap(),
            vec!["140.82.112.5:443".parse().unwrap()]
        );
    }

    #[test]
    fn the_agent_keeps_its_guards() {
        // Name resolution is inside the global deadline: ureq's resolver runs the lookup on a thread
        // it abandons when the deadline passes (the system resolver has no deadline of its own).
        let t = Duration::from_millis(1500);
        let agent = agent(t, Vec::new());
        let config = agent.config();
        assert_eq!(config.timeouts().global, Some(t));
        assert_eq!(config.max_redirects(), 0);
        assert!(!config.http_status_as_error());
        assert!(config.proxy().is_none());
        assert!(matches!(
            config.user_agent(),
            ureq::config::AutoHeaderValue::Provided(ua) if ua.as_str() == USER_AGENT
        ));
        assert!(matches!(
            config.tls_config().root_certs(),
            RootCerts::PlatformVerifier
        ));
    }

    #[test]
    fn the_sent_url_is_checked_as_the_client_parses_it() {
        let agent = agent(Duration::from_secs(1), Vec::new());
        let target = Target {
            base: "https://api.github.com".into(),
            host: "api.github.com".into(),
            configured: false,
        };
        let hosts = ["api.github.com".to_string()];
        let request = |path: &'static str| Request {
            method: "GET",
            path,
            headers: &[],
            basic_auth: None,
            body: None,
            sign_for: None,
            hosts: &hosts,
        };
        // A base that parses to another host than it seems to have, or with userinfo, is refused
        // before any connection.
        for base in [
            "https://api.github.com:443@evil.example",
            "https://evil.example#@api.github.com",
        ] {
            let t = Target {
                base: base.into(),
                ..target.clone()
            };
            assert_eq!(
                send(&agent, &request("/user"), &t, &[], "").err(),
                Some("refused_address"),
                "{base}"
            );
        }
        let plain = Target {
            base: "http://api.github.com".into(),
            ..target.clone()
        };
        assert_eq!(
            send(&agent, &request("/user"), &plain, &[], "").err(),
            Some("refused_address")
        );
    }

    #[test]
    fn placeholders_are_filled_once() {
        let vars = [("secret", "a{pair}"), ("pair", "b"), ("login", "{secret}")];
        assert_eq!(
            fill("/{secret}/{pair}/{login}/{other}/{", &vars, |v| v
                .to_string()),
            "/a{pair}/b/{secret}/{other}/{"
        );
        assert_eq!(
            fill("{\"k\": \"{pair}\"}", &vars, |v| v.to_string()),
            "{\"k\": \"b\"}"
        );
    }

    #[test]
    fn secrets_cannot_change_the_url_shape() {
        assert_eq!(url_encode("123:AbC-_x"), "123:AbC-_x");
        assert_eq!(url_encode("a/../b?c#d@e"), "a%2F..%2Fb%3Fc%23d%40e");
        assert_eq!(url_encode("p w%é"), "p%20w%25%C3%A9");
    }

    #[test]
    fn xml_and_lists() {
        assert_eq!(
            xml_text("<R><Arn>arn:aws:iam::1:user/x</Arn></R>", "Arn").as_deref(),
            Some("arn:aws:iam::1:user/x")
        );
        assert_eq!(split_list("repo, gist ,"), vec!["repo", "gist"]);
        let v: serde_json::Value = serde_json::json!([{"name": "org1"}, "b"]);
        assert_eq!(list(&v), vec!["org1", "b"]);
    }
}
