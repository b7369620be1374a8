//! The `[rules.validate]` table of a rule: how to ask the provider whether a credential is live, as
//! data. A plain HTTPS request covers most providers; `signer = "aws-sigv4"` and `pair` cover the ones
//! that need code (AWS) or a second secret found next to the first (key id + secret).
//!
//! Safety is checked here, at load time, so an unsafe rule never runs: the URL is `https://`, its host is
//! fixed (no placeholder can reach it) and listed in `hosts`, and placeholders are only `{secret}` and
//! `{pair}`. The request can go nowhere else: the validator refuses any host not in `hosts` unless the
//! user configured an endpoint for the provider.
//!
//! ```toml
//! [rules.validate]
//! hosts = ["api.github.com"]
//! url = "https://api.github.com/user"
//! headers = { Authorization = "token {secret}" }
//! identity = ["/login"]              # JSON pointers, joined with " / "
//! scopes_header = "x-oauth-scopes"   # or scopes = "/pointer" (array or space/comma separated string)
//! ```

use std::collections::BTreeMap;

use serde::Deserialize;

/// A validation request exactly as written in TOML.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RawValidate {
    /// The only hosts a request of this rule may go to (unless an endpoint is configured).
    pub hosts: Vec<String>,
    /// `https://host/path?query`; `{secret}` and `{pair}` may appear in the path and query only.
    pub url: String,
    #[serde(default)]
    pub method: Option<String>,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// HTTP basic authentication: `[user, password]`, with placeholders.
    #[serde(default)]
    pub basic_auth: Option<[String; 2]>,
    #[serde(default)]
    pub body: Option<String>,
    /// Statuses that mean live (default `[200]`).
    #[serde(default)]
    pub live: Option<Vec<u16>>,
    /// Statuses that mean invalid (default `[401, 403]`).
    #[serde(default)]
    pub invalid: Option<Vec<u16>>,
    /// Texts of which the body of an `invalid` answer must contain one to prove the credential
    /// invalid (AWS answers 403 both for an unknown key id and for a wrong secret). Without a match
    /// the answer is `unknown`.
    #[serde(default)]
    pub invalid_body: Vec<String>,
    /// A live answer must have this JSON value (Cloudflare answers 200 for a disabled token).
    #[serde(default)]
    pub live_if: Option<LiveIf>,
    /// A JSON pointer that must be `true` in a live response (Slack answers 200 with `"ok": false`);
    /// otherwise the credential is invalid.
    #[serde(default)]
    pub ok: Option<String>,
    /// JSON pointers to who the credential acts as, joined with " / ".
    #[serde(default)]
    pub identity: Vec<String>,
    /// XML element names to the identity (AWS STS answers XML).
    #[serde(default)]
    pub identity_xml: Vec<String>,
    /// A response header listing scopes (comma separated).
    #[serde(default)]
    pub scopes_header: Option<String>,
    /// A JSON pointer to scopes: an array (of strings, or objects with `name`) or a string.
    #[serde(default)]
    pub scopes: Option<String>,
    /// The id of a rule whose secret, found in the same file (or blob), completes this credential
    /// (`{pair}` in the request; the AWS secret access key for an access key id).
    #[serde(default)]
    pub pair: Option<String>,
    /// Request signing done in code: `aws-sigv4` (STS, region us-east-1).
    #[serde(default)]
    pub signer: Option<String>,
    /// The request needs a user-configured endpoint (the host is per customer, e.g. a Shopify shop).
    #[serde(default)]
    pub requires_endpoint: bool,
    /// Read-only requests that tell what a live credential can reach (`--blast-radius`), in order.
    #[serde(default)]
    pub reach: Vec<RawReach>,
    /// The requests that revoke the credential (`sprawl revoke`), in order: lookups (GET) whose
    /// answers fill placeholders of the later steps, then the revoking request.
    #[serde(default)]
    pub revoke: Vec<RawRevoke>,
    /// Values taken from the secret itself for revocation requests: name -> a regex whose first
    /// group is the value (`key_id = '^SG\.([^.]+)\.'`).
    #[serde(default)]
    pub from_secret: BTreeMap<String, String>,
}

/// `[[rules.validate.reach]]`: one read-only request and what its answer tells. Unless it names its
/// own `headers`, it is sent with the validation request's headers, basic authentication, signer and
/// pair.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RawReach {
    /// `https://host/path?query`, the host one of `validate.hosts`; placeholders `{secret}`, `{pair}`
    /// and the `name` of an earlier fact.
    pub url: String,
    /// `GET` (default) or `HEAD`: nothing else can be sent, so nothing can change.
    #[serde(default)]
    pub method: Option<String>,
    #[serde(default)]
    pub headers: Option<BTreeMap<String, String>>,
    /// The AWS service the request is signed for (`iam`; default `sts`).
    #[serde(default)]
    pub service: Option<String>,
    pub facts: Vec<RawFact>,
}

/// One fact read from a reach answer. Exactly one of `value`, `header`, `xml` or `list` says where.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RawFact {
    /// What it is, as shown: `organisations`, `repositories it can push to`.
    pub what: String,
    /// A name for its first value, usable as `{name}` in later requests of the same credential.
    #[serde(default)]
    pub name: Option<String>,
    /// A JSON pointer to a value or to a list (of strings, or objects with `name`).
    #[serde(default)]
    pub value: Option<String>,
    /// A response header, a comma-separated list.
    #[serde(default)]
    pub header: Option<String>,
    /// An XML element name: the texts of every such element.
    #[serde(default)]
    pub xml: Option<String>,
    /// A JSON pointer to an array (`""` is the whole answer); each item named by `item`.
    #[serde(default)]
    pub list: Option<String>,
    /// A JSON pointer inside each `list` item to its name (default: the item itself, or its `name`).
    #[serde(default)]
    pub item: Option<String>,
    /// A JSON pointer inside each `list` item: only items where it is `true` (or `equals`) count
    /// (`N of M`).
    #[serde(default)]
    pub count_if: Option<String>,
    #[serde(default)]
    pub equals: Option<String>,
    /// A regex applied to each value: its first group is kept (`:user/(?:.*/)?([^/]+)$`).
    #[serde(default)]
    pub capture: Option<String>,
    /// The severity (`read`, `write`, `admin`) this fact proves when it holds: a count above zero, or
    /// any value that is not `false`, `0` or empty.
    #[serde(default)]
    pub grants: Option<String>,
    /// Severity -> globs (`*`, case-insensitive): the fact proves the severity when one of its values
    /// matches (`levels = { admin = ["admin:*"], write = ["repo", "write:*"] }`).
    #[serde(default)]
    pub levels: BTreeMap<String, Vec<String>>,
}

/// `[[rules.validate.revoke]]`: one request of a revocation. Placeholders: `{secret}`, `{pair}`, the
/// names of `from_secret` and of earlier steps' `capture`.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RawRevoke {
    /// `https://host/path?query`, the host one of `validate.hosts`.
    pub url: String,
    /// `GET` for a lookup; the last step `DELETE`, `POST`, `PUT` or `PATCH`.
    pub method: String,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default)]
    pub basic_auth: Option<[String; 2]>,
    #[serde(default)]
    pub body: Option<String>,
    /// Name -> where in this step's answer its value is, for later steps: a JSON pointer, or
    /// `{ list = "/ptr", where = "/ptr", equals = "{secret}", take = "/id" }`, the item of a list whose
    /// field equals a value (Heroku lists authorizations; the one whose token is the secret).
    #[serde(default)]
    pub capture: BTreeMap<String, RawCapture>,
    /// Statuses that mean success (default 200, 201, 202 and 204).
    #[serde(default)]
    pub done: Option<Vec<u16>>,
    /// A JSON pointer that must be `true` in the answer (Slack answers 200 with `"ok": false`).
    #[serde(default)]
    pub ok: Option<String>,
}

/// Where a revocation lookup's value is.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum RawCapture {
    Pointer(String),
    Find(RawFind),
}

/// `{ list, where, equals, take }` of a [`RawCapture`].
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RawFind {
    pub list: String,
    #[serde(rename = "where")]
    pub field: String,
    pub equals: String,
    pub take: String,
}

/// A checked [`RawCapture`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Capture {
    Pointer(String),
    /// The `take` of the first item of `list` whose `field` equals `equals` (placeholders filled).
    Find {
        list: String,
        field: String,
        equals: String,
        take: String,
    },
}

/// A checked validation request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidateSpec {
    pub hosts: Vec<String>,
    /// Scheme and host of `url` (`https://api.github.com`).
    pub origin: String,
    /// Path and query of `url`, placeholders included (`/user`).
    pub path: String,
    pub method: String,
    pub headers: Vec<(String, String)>,
    pub basic_auth: Option<(String, String)>,
    pub body: Option<String>,
    pub live: Vec<u16>,
    pub invalid: Vec<u16>,
    pub invalid_body: Vec<String>,
    pub live_if: Option<LiveIf>,
    pub ok: Option<String>,
    pub identity: Vec<String>,
    pub identity_xml: Vec<String>,
    pub scopes_header: Option<String>,
    pub scopes: Option<String>,
    pub pair: Option<String>,
    pub signer: Option<Signer>,
    pub requires_endpoint: bool,
    pub reach: Vec<ReachStep>,
    pub revoke: Vec<RevokeStep>,
    /// (name, regex with one group) for revocation placeholders taken from the secret.
    pub from_secret: Vec<(String, Pattern)>,
}

/// A regex compared by its pattern (specs are compared in tests and when rules are merged).
#[derive(Clone, Debug)]
pub struct Pattern(pub regex::Regex);

impl PartialEq for Pattern {
    fn eq(&self, other: &Pattern) -> bool {
        self.0.as_str() == other.0.as_str()
    }
}

impl Eq for Pattern {}

/// A checked reach request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReachStep {
    /// Scheme and host (`https://iam.amazonaws.com`).
    pub origin: String,
    /// Path and query, placeholders included.
    pub path: String,
    pub method: String,
    /// `None`: the validation request's headers and basic authentication.
    pub headers: Option<Vec<(String, String)>>,
    /// The AWS service signed for, when the validation request is signed.
    pub service: String,
    pub facts: Vec<FactSpec>,
}

/// Where a fact is in an answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FactSource {
    Value(String),
    Header(String),
    Xml(String),
    /// An array, or an object read as entries `{"name": key, "value": value}`.
    List {
        list: String,
        item: Option<String>,
        count_if: Option<String>,
        equals: Option<String>,
    },
}

/// A checked fact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FactSpec {
    pub what: String,
    pub name: Option<String>,
    pub source: FactSource,
    pub capture: Option<Pattern>,
    pub grants: Option<crate::finding::Severity>,
    /// Greatest severity first; globs lowercased.
    pub levels: Vec<(crate::finding::Severity, Vec<String>)>,
}

/// A checked revocation request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevokeStep {
    pub origin: String,
    pub path: String,
    pub method: String,
    pub headers: Vec<(String, String)>,
    pub basic_auth: Option<(String, String)>,
    pub body: Option<String>,
    pub capture: Vec<(String, Capture)>,
    pub done: Vec<u16>,
    pub ok: Option<String>,
}

/// `live_if = { pointer = "/result/status", equals = "active" }`: a live answer must hold this value;
/// a 200 answer without it means the credential is not usable (invalid).
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct LiveIf {
    pub pointer: String,
    pub equals: String,
}

/// Signing done in code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signer {
    AwsSigV4,
}

/// Splits `https://host[:port]/path` into (`https://host[:port]`, host, `/path`).
pub fn split_url(url: &str) -> Option<(&str, &str, &str)> {
    let scheme_end = url.find("://")? + 3;
    let rest = &url[scheme_end..];
    let host_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..host_end];
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => &v6[..v6.find(']')?],
        None => authority.split(':').next().unwrap_or(authority),
    };
    let path = &rest[host_end..];
    Some((
        &url[..scheme_end + host_end],
        host,
        if path.is_empty() { "/" } else { path },
    ))
}

/// Why a base URL the user configured cannot be used ([`check_base_url`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BaseUrlError {
    /// Not `scheme://host[:port][/path]` with scheme https or http.
    NotAUrl,
    UserInfo,
    /// A query, a fragment or a `{placeholder}`: a base is a prefix of paths.
    NotAPrefix,
    /// `http://` on a host that is not loopback.
    PlainHttp,
}

impl BaseUrlError {
    pub fn message(self) -> &'static str {
        match self {
            BaseUrlError::NotAUrl => "expected a URL such as https://github.example.com/api/v3",
            BaseUrlError::UserInfo => "the URL cannot have a user name or password",
            BaseUrlError::NotAPrefix => "the URL cannot have a query, a fragment or placeholders",
            BaseUrlError::PlainHttp => {
                "must be https:// (plain http:// only for a loopback address)"
            }
        }
    }
}

/// Checks a base URL the user configures (a validation endpoint, a GitHub API): `https://`, or
/// `http://` on a loopback host (a local mirror or test server); no user info, query, fragment or
/// placeholder. Parsed with the `url` crate, the parser the HTTP client sends with.
pub fn check_base_url(text: &str) -> Result<url::Url, BaseUrlError> {
    let u = url::Url::parse(text).map_err(|_| BaseUrlError::NotAUrl)?;
    if u.host().is_none() {
        return Err(BaseUrlError::NotAUrl);
    }
    if !u.username().is_empty() || u.password().is_some() {
        return Err(BaseUrlError::UserInfo);
    }
    if u.query().is_some() || u.fragment().is_some() || text.contains(['{', '}']) {
        return Err(BaseUrlError::NotAPrefix);
    }
    match u.scheme() {
        "https" => Ok(u),
        "http" if is_loopback(&u) => Ok(u),
        "http" => Err(BaseUrlError::PlainHttp),
        _ => Err(BaseUrlError::NotAUrl),
    }
}

/// Whether `u`'s host is `localhost` or a loopback address.
pub fn is_loopback(u: &url::Url) -> bool {
    match u.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// A placeholder is `{name}` with a lowercase name; other braces (a JSON body) are literal text.
fn check_placeholders(what: &str, text: &str) -> Result<(), String> {
    check_names(what, text, &[])
}

/// The placeholders of `text`, in order.
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find('{') {
        let after = &rest[i + 1..];
        let len = after
            .find(|c: char| !(c.is_ascii_lowercase() || c == '_'))
            .unwrap_or(after.len());
        if len > 0 && after[len..].starts_with('}') {
            found.push(&after[..len]);
        }
        rest = after;
    }
    found
}

/// Like [`check_placeholders`], also allowing the names in `more` (facts and captures defined before).
fn check_names(what: &str, text: &str, more: &[String]) -> Result<(), String> {
    for name in placeholders(text) {
        if name != "secret" && name != "pair" && !more.iter().any(|m| m == name) {
            return Err(if more.is_empty() {
                format!("{what}: unknown placeholder `{{{name}}}` (use {{secret}} or {{pair}})")
            } else {
                format!(
                    "{what}: unknown placeholder `{{{name}}}` (use {{secret}}, {{pair}} or one of {})",
                    more.join(", ")
                )
            });
        }
    }
    Ok(())
}

/// Checks a raw `validate` table; the error says what is wrong (the caller adds file, line and rule).
pub fn check(raw: RawValidate) -> Result<ValidateSpec, String> {
    let (origin, path) = check_url(&raw.url, &raw.hosts)?;
    let uses_pair = check_request_placeholders(&raw, path)?;
    let signer = check_signer(raw.signer.as_deref(), uses_pair, raw.pair.as_deref())?;
    check_pointers(&raw)?;
    let method = raw
        .method
        .unwrap_or_else(|| "GET".into())
        .to_ascii_uppercase();
    if !["GET", "POST", "HEAD"].contains(&method.as_str()) {
        return Err(format!(
            "validate.method {method:?} must be GET, POST or HEAD"
        ));
    }
    let reach = check_reach(&raw.reach, &raw.hosts)?;
    let from_secret = check_from_secret(&raw.from_secret)?;
    let revoke = check_revoke(&raw.revoke, &raw.hosts, &from_secret)?;
    Ok(ValidateSpec {
        reach,
        revoke,
        from_secret,
        hosts: raw.hosts.iter().map(|h| h.to_ascii_lowercase()).collect(),
        origin: origin.to_string(),
        path: path.to_string(),
        method,
        headers: raw.headers.into_iter().collect(),
        basic_auth: raw.basic_auth.map(|[u, p]| (u, p)),
        body: raw.body,
        live: raw.live.unwrap_or_else(|| vec![200]),
        invalid: raw.invalid.unwrap_or_else(|| vec![401, 403]),
        invalid_body: raw.invalid_body,
        live_if: raw.live_if,
        ok: raw.ok,
        identity: raw.identity,
        identity_xml: raw.identity_xml,
        scopes_header: raw.scopes_header.map(|h| h.to_ascii_lowercase()),
        scopes: raw.scopes,
        pair: raw.pair,
        signer,
        requires_endpoint: raw.requires_endpoint,
    })
}

/// Checks `validate.url` against `validate.hosts` (which must not be empty): `https://`, a host of
/// `hosts`, no placeholder in the host. Returns its origin and path.
fn check_url<'a>(url: &'a str, hosts: &[String]) -> Result<(&'a str, &'a str), String> {
    if hosts.is_empty() {
        return Err("validate.hosts must list the provider's hosts".into());
    }
    let Some(rest) = url.strip_prefix("https://") else {
        return Err("validate.url must start with https://".into());
    };
    let (origin, host, path) =
        split_url(url).ok_or_else(|| "validate.url has no host".to_string())?;
    if rest.starts_with('{') || origin.contains('{') {
        return Err("validate.url: the host cannot contain a placeholder".into());
    }
    if !hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) {
        return Err(format!(
            "validate.url host {host:?} is not in validate.hosts"
        ));
    }
    Ok((origin, path))
}

/// Checks the placeholders of the request's URL `path`, headers, basic auth and body; returns whether
/// any of them uses `{pair}`.
fn check_request_placeholders(raw: &RawValidate, path: &str) -> Result<bool, String> {
    check_placeholders("validate.url", path)?;
    for (name, value) in &raw.headers {
        check_placeholders(&format!("validate.headers.{name}"), value)?;
    }
    if let Some([u, p]) = &raw.basic_auth {
        check_placeholders("validate.basic_auth", u)?;
        check_placeholders("validate.basic_auth", p)?;
    }
    if let Some(b) = &raw.body {
        check_placeholders("validate.body", b)?;
    }
    Ok(path.contains("{pair}")
        || raw.headers.values().any(|v| v.contains("{pair}"))
        || raw
            .basic_auth
            .iter()
            .flatten()
            .any(|v| v.contains("{pair}"))
        || raw.body.as_deref().is_some_and(|b| b.contains("{pair}")))
}

/// The request signer named by `validate.signer`; a signer, or a request using `{pair}` (`uses_pair`),
/// needs a `pair` rule.
fn check_signer(
    signer: Option<&str>,
    uses_pair: bool,
    pair: Option<&str>,
) -> Result<Option<Signer>, String> {
    let signer = match signer {
        None => None,
        Some("aws-sigv4") => Some(Signer::AwsSigV4),
        Some(other) => return Err(format!("validate.signer {other:?} is unknown (aws-sigv4)")),
    };
    if (uses_pair || signer.is_some()) && pair.is_none() {
        return Err("validate uses {pair} or a signer but names no `pair` rule".into());
    }
    Ok(signer)
}

/// Every JSON pointer (identity, scopes, ok, live_if) is empty or starts with `/`.
fn check_pointers(raw: &RawValidate) -> Result<(), String> {
    let live_if_pointer = raw.live_if.as_ref().map(|l| &l.pointer);
    for p in raw
        .identity
        .iter()
        .chain(&raw.scopes)
        .chain(&raw.ok)
        .chain(live_if_pointer)
    {
        if !p.is_empty() && !p.starts_with('/') {
            return Err(format!("JSON pointer {p:?} must start with `/`"));
        }
    }
    Ok(())
}

/// Compiles `validate.from_secret`: each regex must have a group.
fn check_from_secret(
    from_secret: &BTreeMap<String, String>,
) -> Result<Vec<(String, Pattern)>, String> {
    from_secret
        .iter()
        .map(|(name, pattern)| {
            let re = regex::Regex::new(pattern)
                .map_err(|e| format!("validate.from_secret.{name}: {}", super::regex_error(&e)))?;
            if re.captures_len() < 2 {
                return Err(format!(
                    "validate.from_secret.{name}: the regex needs a group"
                ));
            }
            Ok((name.clone(), Pattern(re)))
        })
        .collect::<Result<Vec<_>, String>>()
}

/// Splits a reach or revoke `url`: `https://`, a host of `hosts`, no placeholder in the host.
fn step_url<'a>(what: &str, url: &'a str, hosts: &[String]) -> Result<(&'a str, &'a str), String> {
    if !url.starts_with("https://") {
        return Err(format!("{what}.url must start with https://"));
    }
    let (origin, host, path) = split_url(url).ok_or_else(|| format!("{what}.url has no host"))?;
    if origin.contains('{') {
        return Err(format!("{what}.url: the host cannot contain a placeholder"));
    }
    if !hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) {
        return Err(format!("{what}.url host {host:?} is not in validate.hosts"));
    }
    Ok((origin, path))
}

fn severity(what: &str, name: &str) -> Result<crate::finding::Severity, String> {
    use crate::finding::Severity;
    match name {
        "read" => Ok(Severity::Read),
        "write" => Ok(Severity::Write),
        "admin" => Ok(Severity::Admin),
        other => Err(format!(
            "{what}: grants {other:?} must be read, write or admin"
        )),
    }
}

fn check_reach(raw: &[RawReach], hosts: &[String]) -> Result<Vec<ReachStep>, String> {
    let mut names: Vec<String> = Vec::new();
    let mut steps = Vec::new();
    for (n, r) in raw.iter().enumerate() {
        let what = format!("validate.reach[{n}]");
        let (origin, path) = step_url(&what, &r.url, hosts)?;
        check_names(&format!("{what}.url"), path, &names)?;
        let method = r.method.as_deref().unwrap_or("GET").to_ascii_uppercase();
        if method != "GET" && method != "HEAD" {
            return Err(format!(
                "{what}.method {method:?}: reach requests are read-only (GET or HEAD)"
            ));
        }
        for (h, v) in r.headers.iter().flatten() {
            check_names(&format!("{what}.headers.{h}"), v, &names)?;
        }
        if r.facts.is_empty() {
            return Err(format!("{what}: no facts"));
        }
        let facts = r
            .facts
            .iter()
            .enumerate()
            .map(|(k, f)| check_fact(&format!("{what}.facts[{k}]"), f))
            .collect::<Result<Vec<FactSpec>, String>>()?;
        names.extend(facts.iter().filter_map(|f| f.name.clone()));
        steps.push(ReachStep {
            origin: origin.to_string(),
            path: path.to_string(),
            method,
            headers: r.headers.clone().map(|h| h.into_iter().collect()),
            service: r.service.clone().unwrap_or_else(|| "sts".into()),
            facts,
        });
    }
    Ok(steps)
}

/// Checks one fact of a reach request; `fwhat` names it in errors.
fn check_fact(fwhat: &str, f: &RawFact) -> Result<FactSpec, String> {
    let source = match (&f.value, &f.header, &f.xml, &f.list) {
        (Some(p), None, None, None) => FactSource::Value(p.clone()),
        (None, Some(h), None, None) => FactSource::Header(h.to_ascii_lowercase()),
        (None, None, Some(x), None) => FactSource::Xml(x.clone()),
        (None, None, None, Some(l)) => FactSource::List {
            list: l.clone(),
            item: f.item.clone(),
            count_if: f.count_if.clone(),
            equals: f.equals.clone(),
        },
        _ => {
            return Err(format!(
                "{fwhat}: exactly one of value, header, xml or list says where it is"
            ))
        }
    };
    if f.list.is_none() && (f.item.is_some() || f.count_if.is_some()) {
        return Err(format!("{fwhat}: item and count_if need list"));
    }
    if f.equals.is_some() && f.count_if.is_none() {
        return Err(format!("{fwhat}: equals needs count_if"));
    }
    for p in [&f.value, &f.item, &f.count_if].into_iter().flatten() {
        if !p.is_empty() && !p.starts_with('/') {
            return Err(format!("JSON pointer {p:?} must start with `/`"));
        }
    }
    if let Some(l) = f
        .list
        .as_ref()
        .filter(|l| !l.is_empty() && !l.starts_with('/'))
    {
        return Err(format!("JSON pointer {l:?} must start with `/`"));
    }
    let capture = match &f.capture {
        Some(c) => {
            let re = regex::Regex::new(c)
                .map_err(|e| format!("{fwhat}.capture: {}", super::regex_error(&e)))?;
            if re.captures_len() < 2 {
                return Err(format!("{fwhat}.capture: the regex needs a group"));
            }
            Some(Pattern(re))
        }
        None => None,
    };
    let grants = f
        .grants
        .as_deref()
        .map(|g| severity(fwhat, g))
        .transpose()?;
    let mut levels = f
        .levels
        .iter()
        .map(|(level, globs)| {
            for g in globs {
                globset::Glob::new(g)
                    .map_err(|e| format!("{fwhat}.levels.{level}: {}", e.kind()))?;
            }
            Ok((
                severity(&format!("{fwhat}.levels"), level)?,
                globs.iter().map(|g| g.to_ascii_lowercase()).collect(),
            ))
        })
        .collect::<Result<Vec<(crate::finding::Severity, Vec<String>)>, String>>()?;
    levels.sort_by_key(|l| std::cmp::Reverse(l.0));
    Ok(FactSpec {
        what: f.what.clone(),
        name: f.name.clone(),
        source,
        capture,
        grants,
        levels,
    })
}

fn check_revoke(
    raw: &[RawRevoke],
    hosts: &[String],
    from_secret: &[(String, Pattern)],
) -> Result<Vec<RevokeStep>, String> {
    let mut names: Vec<String> = from_secret.iter().map(|(n, _)| n.clone()).collect();
    let mut steps = Vec::new();
    for (n, r) in raw.iter().enumerate() {
        let what = format!("validate.revoke[{n}]");
        let (origin, path) = step_url(&what, &r.url, hosts)?;
        let method = r.method.to_ascii_uppercase();
        let last = n + 1 == raw.len();
        let allowed: &[&str] = if last {
            &["DELETE", "POST", "PUT", "PATCH"]
        } else {
            &["GET"]
        };
        if !allowed.contains(&method.as_str()) {
            return Err(format!(
                "{what}.method {method:?}: {}",
                if last {
                    "the revoking request is DELETE, POST, PUT or PATCH"
                } else {
                    "a lookup before the revoking request is GET"
                }
            ));
        }
        check_names(&format!("{what}.url"), path, &names)?;
        for (h, v) in &r.headers {
            check_names(&format!("{what}.headers.{h}"), v, &names)?;
        }
        for v in r.basic_auth.iter().flatten().chain(&r.body) {
            check_names(&format!("{what}.body"), v, &names)?;
        }
        let mut capture = Vec::new();
        for (name, c) in &r.capture {
            let checked = match c {
                RawCapture::Pointer(p) => Capture::Pointer(p.clone()),
                RawCapture::Find(RawFind {
                    list,
                    field,
                    equals,
                    take,
                }) => {
                    check_names(&format!("{what}.capture.{name}.equals"), equals, &names)?;
                    if !list.is_empty() && !list.starts_with('/') {
                        return Err(format!("JSON pointer {list:?} must start with `/`"));
                    }
                    for p in [field, take] {
                        if !p.starts_with('/') {
                            return Err(format!("JSON pointer {p:?} must start with `/`"));
                        }
                    }
                    Capture::Find {
                        list: list.clone(),
                        field: field.clone(),
                        equals: equals.clone(),
                        take: take.clone(),
                    }
                }
            };
            if let Capture::Pointer(p) = &checked {
                if !p.starts_with('/') {
                    return Err(format!("JSON pointer {p:?} must start with `/`"));
                }
            }
            capture.push((name.clone(), checked));
        }
        if let Some(p) = r.ok.as_ref().filter(|p| !p.starts_with('/')) {
            return Err(format!("JSON pointer {p:?} must start with `/`"));
        }
        if last && !r.capture.is_empty() {
            return Err(format!("{what}: the revoking request captures nothing"));
        }
        names.extend(r.capture.keys().cloned());
        steps.push(RevokeStep {
            origin: origin.to_string(),
            path: path.to_string(),
            method,
            headers: r.headers.clone().into_iter().collect(),
            basic_auth: r.basic_auth.clone().map(|[u, p]| (u, p)),
            body: r.body.clone(),
            capture,
            done: r.done.clone().unwrap_or_else(|| vec![200, 201, 202, 204]),
            ok: r.ok.clone(),
        });
    }
    Ok(steps)
}

/// Parses a `validate` table kept as TOML text (built-in rules keep it so start-up parses nothing).
pub fn parse_text(text: &str) -> Result<ValidateSpec, String> {
    let raw: RawValidate = toml::from_str(text).map_err(|e| {
        // The toml crate leaves the message empty for some inputs (control characters).
        let m = e.message().trim();
        if m.is_empty() {
            "the validate table is not valid TOML".to_string()
        } else {
            m.to_string()
        }
    })?;
    check(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(url: &str, hosts: &[&str]) -> RawValidate {
        toml::from_str(&format!(
            "hosts = {hosts:?}\nurl = {url:?}\nheaders = {{ Authorization = \"token {{secret}}\" }}\n"
        ))
        .unwrap()
    }

    #[test]
    fn splits_urls() {
        assert_eq!(
            split_url("https://api.github.com/user?x=1"),
            Some(("https://api.github.com", "api.github.com", "/user?x=1"))
        );
        assert_eq!(
            split_url("http://127.0.0.1:8080"),
            Some(("http://127.0.0.1:8080", "127.0.0.1", "/"))
        );
        assert_eq!(
            split_url("http://[::1]:80/a"),
            Some(("http://[::1]:80", "::1", "/a"))
        );
        assert_eq!(split_url("https://user@evil/"), None);
    }

    #[test]
    fn base_urls_are_parsed_as_the_client_parses_them() {
        use BaseUrlError::*;
        let check = |u: &str| check_base_url(u).map(|u| u.host_str().unwrap_or("").to_string());
        assert_eq!(
            check("https://ghe.example.com/api/v3"),
            Ok("ghe.example.com".into())
        );
        assert_eq!(check("http://127.0.0.1:8080"), Ok("127.0.0.1".into()));
        assert_eq!(check("http://[::1]:8080/x"), Ok("[::1]".into()));
        assert_eq!(check("http://localhost/x"), Ok("localhost".into()));
        assert_eq!(check("http://127.0.0.1.evil.example"), Err(PlainHttp));
        assert_eq!(check("http://ghe.example.com"), Err(PlainHttp));
        assert_eq!(check("https://u:p@ghe.example.com"), Err(UserInfo));
        assert_eq!(check("http://localhost:80@evil.example"), Err(UserInfo));
        assert_eq!(check("https://ghe.example.com/?q=1"), Err(NotAPrefix));
        assert_eq!(check("https://ghe.example.com/{secret}"), Err(NotAPrefix));
        assert_eq!(check("ftp://ghe.example.com"), Err(NotAUrl));
        assert_eq!(check("ghe.example.com"), Err(NotAUrl));
    }

    #[test]
    fn safe_requests_only() {
        assert!(check(raw("https://api.github.com/user", &["api.github.com"])).is_ok());
        let err = |url: &str, hosts: &[&str]| check(raw(url, hosts)).unwrap_err();
        assert_eq!(
            err("http://api.github.com/user", &["api.github.com"]),
            "validate.url must start with https://"
        );
        assert_eq!(
            err("https://evil.example/user", &["api.github.com"]),
            "validate.url host \"evil.example\" is not in validate.hosts"
        );
        assert_eq!(
            err("https://{secret}.example/x", &["{secret}.example"]),
            "validate.url: the host cannot contain a placeholder"
        );
        assert_eq!(
            err("https://api.github.com/{path}", &["api.github.com"]),
            "validate.url: unknown placeholder `{path}` (use {secret} or {pair})"
        );
        assert_eq!(
            err("https://api.github.com/{pair}", &["api.github.com"]),
            "validate uses {pair} or a signer but names no `pair` rule"
        );
    }

    #[test]
    fn invalid_body_and_live_if() {
        let spec = parse_text(
            "hosts = [\"a.example\"]\nurl = \"https://a.example/v\"\ninvalid_body = [\"InvalidClientTokenId\"]\nlive_if = { pointer = \"/result/status\", equals = \"active\" }\n",
        )
        .unwrap();
        assert_eq!(spec.invalid_body, vec!["InvalidClientTokenId".to_string()]);
        assert_eq!(
            spec.live_if,
            Some(LiveIf {
                pointer: "/result/status".into(),
                equals: "active".into()
            })
        );
        assert_eq!(
            parse_text(
                "hosts = [\"a.example\"]\nurl = \"https://a.example/v\"\nlive_if = { pointer = \"result\", equals = \"active\" }\n",
            )
            .unwrap_err(),
            "JSON pointer \"result\" must start with `/`"
        );
        assert!(parse_text(
            "hosts = [\"a.example\"]\nurl = \"https://a.example/v\"\nlive_if = { pointer = \"/s\", is = \"active\" }\n",
        )
        .is_err());
    }
}
