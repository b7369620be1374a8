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

/// A placeholder is `{name}` with a lowercase name; other braces (a JSON body) are literal text.
fn check_placeholders(what: &str, text: &str) -> Result<(), String> {
    let mut rest = text;
    while let Some(i) = rest.find('{') {
        let after = &rest[i + 1..];
        let len = after
            .find(|c: char| !(c.is_ascii_lowercase() || c == '_'))
            .unwrap_or(after.len());
        let name = &after[..len];
        if !name.is_empty() && after[len..].starts_with('}') && name != "secret" && name != "pair" {
            return Err(format!(
                "{what}: unknown placeholder `{{{name}}}` (use {{secret}} or {{pair}})"
            ));
        }
        rest = after;
    }
    Ok(())
}

/// Checks a raw `validate` table; the error says what is wrong (the caller adds file, line and rule).
pub fn check(raw: RawValidate) -> Result<ValidateSpec, String> {
    if raw.hosts.is_empty() {
        return Err("validate.hosts must list the provider's hosts".into());
    }
    let Some(rest) = raw.url.strip_prefix("https://") else {
        return Err("validate.url must start with https://".into());
    };
    let (origin, host, path) =
        split_url(&raw.url).ok_or_else(|| "validate.url has no host".to_string())?;
    if rest.starts_with('{') || origin.contains('{') {
        return Err("validate.url: the host cannot contain a placeholder".into());
    }
    if !raw.hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) {
        return Err(format!(
            "validate.url host {host:?} is not in validate.hosts"
        ));
    }
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
    let uses_pair = path.contains("{pair}")
        || raw.headers.values().any(|v| v.contains("{pair}"))
        || raw
            .basic_auth
            .iter()
            .flatten()
            .any(|v| v.contains("{pair}"))
        || raw.body.as_deref().is_some_and(|b| b.contains("{pair}"));
    let signer = match raw.signer.as_deref() {
        None => None,
        Some("aws-sigv4") => Some(Signer::AwsSigV4),
        Some(other) => return Err(format!("validate.signer {other:?} is unknown (aws-sigv4)")),
    };
    if (uses_pair || signer.is_some()) && raw.pair.is_none() {
        return Err("validate uses {pair} or a signer but names no `pair` rule".into());
    }
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
    let method = raw
        .method
        .unwrap_or_else(|| "GET".into())
        .to_ascii_uppercase();
    if !["GET", "POST", "HEAD"].contains(&method.as_str()) {
        return Err(format!(
            "validate.method {method:?} must be GET, POST or HEAD"
        ));
    }
    Ok(ValidateSpec {
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

/// Parses a `validate` table kept as TOML text (built-in rules keep it so start-up parses nothing).
pub fn parse_text(text: &str) -> Result<ValidateSpec, String> {
    let raw: RawValidate = toml::from_str(text).map_err(|e| e.message().to_string())?;
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
