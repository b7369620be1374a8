//! An organisation's repositories from the GitHub REST API (`GET /orgs/{org}/repos`, every page of the
//! `Link: <…>; rel="next"` chain), for `sprawl github-org`. Works with GitHub Enterprise Server through
//! its API base URL (`https://HOST/api/v3`).
//!
//! The token (`GITHUB_TOKEN`) is sent only to the API base's own scheme, host and port (a `next` link
//! elsewhere is an error), redirects are not followed, no proxy is taken from the environment, and the
//! token never appears in a message. The server's certificate is checked against the platform's
//! certificate store (`SSL_CERT_FILE` on Linux), so a GitHub Enterprise server behind a private CA works.

use std::time::Duration;

use base64::Engine;
use serde::Deserialize;

use crate::enrich::validity::http;

/// The public GitHub API.
pub const DEFAULT_API: &str = "https://api.github.com";

/// What to list.
#[derive(Clone, Debug)]
pub struct OrgQuery {
    pub org: String,
    /// API base URL, e.g. `https://api.github.com` or `https://ghe.example.com/api/v3` (empty: not given;
    /// the caller resolves it, see [`DEFAULT_API`]).
    pub api_url: String,
    pub include_archived: bool,
    pub include_forks: bool,
}

/// A repository of the organisation (the fields sprawl uses).
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct OrgRepo {
    pub full_name: String,
    pub clone_url: String,
    #[serde(default)]
    pub archived: bool,
    #[serde(default)]
    pub fork: bool,
}

/// The repositories to scan, sorted by name, and how many the filters left out.
#[derive(Debug, Default)]
pub struct Listing {
    pub repos: Vec<OrgRepo>,
    pub archived_skipped: usize,
    pub forks_skipped: usize,
}

/// Why the organisation could not be listed. Never contains the token.
#[derive(Debug, thiserror::Error)]
pub enum GithubError {
    #[error("--api-url {0}")]
    BadUrl(String),
    #[error("bad organisation name {0:?}: expected letters, digits, '-', '_' or '.'")]
    BadOrg(String),
    #[error("GitHub API {url}: {message}")]
    Request { url: String, message: String },
}

/// Pages followed at most (100 repositories each): a loop of `next` links ends here.
const MAX_PAGES: usize = 2_000;

/// Checks an API base URL: `https://…`, or `http://` on a loopback host (tests, local proxies).
/// Returns it without a trailing slash.
pub fn check_api_url(url: &str) -> Result<String, GithubError> {
    let url = url.trim_end_matches('/');
    crate::rules::validate::check_base_url(url)
        .map(|_| url.to_string())
        .map_err(|e| GithubError::BadUrl(format!("{url:?}: {}", e.message())))
}

/// `scheme://authority` of a URL.
fn origin(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let end = url[after_scheme..]
        .find('/')
        .map_or(url.len(), |i| after_scheme + i);
    &url[..end]
}

/// The web host of an API base, for cloning with the token: `https://api.github.com` ->
/// `https://github.com`; GitHub Enterprise `https://HOST/api/v3` -> `https://HOST`.
pub fn web_origin(api_url: &str) -> String {
    let o = origin(api_url);
    match o.strip_prefix("https://api.") {
        Some(host) => format!("https://{host}"),
        None => o.to_string(),
    }
}

/// The environment variable that lets a loopback API list `file://` clone URLs: test-only (the
/// integration tests serve local bare repositories through a mock API on 127.0.0.1).
pub const TEST_FILE_CLONES: &str = "SPRAWL_TEST_FILE_CLONES";

/// Whether `SPRAWL_TEST_FILE_CLONES=1` is set (see [`TEST_FILE_CLONES`]).
pub fn test_file_clones() -> bool {
    std::env::var_os(TEST_FILE_CLONES).is_some_and(|v| v == "1")
}

/// Whether a `clone_url` the API listed may be cloned: on the organisation's own web host (`origin`).
/// Anything else (a compromised or misconfigured server pointing at another host or at a local path,
/// `file://` included) is refused; only with `test_file_clones` (tests, [`TEST_FILE_CLONES`]) may a
/// loopback API list `file://` URLs.
pub fn clone_url_allowed(clone_url: &str, api_url: &str, test_file_clones: bool) -> bool {
    let web = web_origin(api_url);
    if clone_url
        .strip_prefix(web.as_str())
        .is_some_and(|rest| rest.starts_with('/'))
    {
        return true;
    }
    test_file_clones && clone_url.starts_with("file://") && is_loopback_url(api_url)
}

fn is_loopback_url(url: &str) -> bool {
    url::Url::parse(url).is_ok_and(|u| crate::rules::validate::is_loopback(&u))
}

/// The HTTP header git sends with a GitHub token to clone private repositories
/// (`x-access-token` basic authentication, which both personal and app tokens accept).
pub fn basic_auth_header(token: &str) -> String {
    format!(
        "Authorization: Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("x-access-token:{token}"))
    )
}

/// Lists the organisation's repositories (every page), then drops archived ones and forks unless the
/// query includes them.
pub fn list_org_repos(query: &OrgQuery, token: Option<&str>) -> Result<Listing, GithubError> {
    let api = check_api_url(&query.api_url)?;
    let org = &query.org;
    if org.is_empty()
        || !org
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(GithubError::BadOrg(org.clone()));
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .timeout_connect(Some(Duration::from_secs(15)))
        .timeout_global(Some(Duration::from_secs(60)))
        .proxy(None)
        .user_agent(http::USER_AGENT)
        .tls_config(http::platform_tls())
        .build()
        .into();
    let mut url = format!("{api}/orgs/{org}/repos?per_page=100&type=all");
    let mut all: Vec<OrgRepo> = Vec::new();
    for _ in 0..MAX_PAGES {
        let (page, next) = get_page(&agent, &url, token)?;
        all.extend(page);
        match next {
            None => break,
            Some(n) if origin(&n) == origin(&api) => url = n,
            Some(n) => {
                return Err(GithubError::Request {
                    url,
                    message: format!(
                        "next page is on another host ({}); not sending the token there",
                        origin(&n)
                    ),
                })
            }
        }
    }
    all.sort_by(|a, b| a.full_name.cmp(&b.full_name));
    all.dedup_by(|a, b| a.full_name == b.full_name);
    let mut listing = Listing::default();
    for r in all {
        if r.archived && !query.include_archived {
            listing.archived_skipped += 1;
        } else if r.fork && !query.include_forks {
            listing.forks_skipped += 1;
        } else {
            listing.repos.push(r);
        }
    }
    Ok(listing)
}

fn get_page(
    agent: &ureq::Agent,
    url: &str,
    token: Option<&str>,
) -> Result<(Vec<OrgRepo>, Option<String>), GithubError> {
    let fail = |message: String| GithubError::Request {
        url: url.to_string(),
        message,
    };
    let mut req = agent
        .get(url)
        .header("Accept", "application/vnd.github+json")
        .header("X-GitHub-Api-Version", "2022-11-28");
    if let Some(t) = token {
        req = req.header("Authorization", &format!("Bearer {t}"));
    }
    let mut resp = req.call().map_err(|e| fail(e.to_string()))?;
    let code = resp.status().as_u16();
    if code >= 400 {
        let body = into_string(&mut resp).unwrap_or_default();
        let message = serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v.get("message")?.as_str().map(str::to_string))
            .unwrap_or_default();
        let hint = match code {
            401 => " (set GITHUB_TOKEN to a valid token)",
            403 | 429 => " (rate limited or forbidden: set GITHUB_TOKEN, or wait)",
            404 => " (no such organisation, or the token cannot see it)",
            _ => "",
        };
        // The server's text, bounded and without control characters (it reaches a terminal).
        let message: String = message
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect();
        return Err(fail(format!("HTTP {code} {message}{hint}")));
    }
    let next = http::header(&resp, "link").and_then(next_link);
    let body = into_string(&mut resp).map_err(|e| fail(format!("reading the response: {e}")))?;
    let page: Vec<OrgRepo> =
        serde_json::from_str(&body).map_err(|e| fail(format!("unexpected response: {e}")))?;
    Ok((page, next))
}

/// The body as UTF-8 text, at most 10 MiB (a longer or non-UTF-8 body is an error).
fn into_string(resp: &mut http::Response) -> Result<String, ureq::Error> {
    resp.body_mut()
        .with_config()
        .limit(10 * 1024 * 1024)
        .read_to_string()
}

/// The `rel="next"` URL of a `Link` header.
pub fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        let is_next = params.split(';').any(|p| {
            let p = p.trim();
            p == "rel=\"next\"" || p == "rel=next"
        });
        let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
        is_next.then(|| target.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_link_from_github_header() {
        let h = "<https://api.github.com/organizations/1/repos?page=2>; rel=\"next\", \
                 <https://api.github.com/organizations/1/repos?page=5>; rel=\"last\"";
        assert_eq!(
            next_link(h).as_deref(),
            Some("https://api.github.com/organizations/1/repos?page=2")
        );
        assert_eq!(next_link("<https://x/?page=1>; rel=\"prev\""), None);
    }

    #[test]
    fn api_urls_are_https_or_loopback_http() {
        assert_eq!(
            check_api_url("https://ghe.example.com/api/v3/").unwrap(),
            "https://ghe.example.com/api/v3"
        );
        assert!(check_api_url("http://127.0.0.1:8080").is_ok());
        assert!(check_api_url("http://[::1]:8080/api").is_ok());
        assert!(check_api_url("http://example.com").is_err());
        assert!(check_api_url("https://u:p@example.com").is_err());
        assert!(check_api_url("ftp://example.com").is_err());
    }

    #[test]
    fn basic_auth_is_base64() {
        assert_eq!(
            basic_auth_header("t"),
            "Authorization: Basic eC1hY2Nlc3MtdG9rZW46dA=="
        );
    }

    #[test]
    fn clone_urls_must_be_on_the_organisations_host() {
        let api = "https://api.github.com";
        let allowed = |url: &str, api: &str| clone_url_allowed(url, api, false);
        assert!(allowed("https://github.com/acme/a.git", api));
        assert!(!allowed("https://github.com.evil/acme/a.git", api));
        assert!(!allowed("https://evil.example/acme/a.git", api));
        assert!(!allowed("file:///etc/repo.git", api));
        assert!(!allowed("/srv/repo.git", api));
        let local = "http://127.0.0.1:8080";
        assert!(!allowed("file:///tmp/r.git", local));
        assert!(clone_url_allowed("file:///tmp/r.git", local, true));
        assert!(!clone_url_allowed("file:///tmp/r.git", api, true));
        assert!(allowed("http://127.0.0.1:8080/acme/r.git", local));
    }

    #[test]
    fn web_origin_of_api() {
        assert_eq!(web_origin("https://api.github.com"), "https://github.com");
        assert_eq!(
            web_origin("https://ghe.example.com/api/v3"),
            "https://ghe.example.com"
        );
    }
}
