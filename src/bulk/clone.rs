//! Bare mirrors of remote repositories, made and refreshed with the system `git`, which handles every
//! transport and the user's credential helpers. Nothing from the remote is executed: a mirror has no
//! work tree (no checkout, filters or fsmonitor), hooks point at `/dev/null`, the `ext::` transport is
//! refused, the system config is not read and git never prompts.
//!
//! A URL may carry credentials (`https://user:token@host/…`): the mirror's stored remote URL, its
//! directory name and every message use the URL without them.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::{sanitized_name, short_hash};
use crate::source::git::strip_userinfo;

/// A mirror ready to scan.
#[derive(Debug)]
pub struct Mirror {
    pub path: PathBuf,
    /// Refreshing an existing mirror failed and the previous copy is scanned (the message says why).
    pub warning: Option<String>,
}

/// An HTTP header git sends to one host only (`http.<url>.extraHeader`), passed through the
/// environment so it appears neither on a command line nor in a mirror's config.
#[derive(Clone)]
pub struct HostAuth {
    /// `https://host` (scheme and host, no path).
    pub origin: String,
    /// `Authorization: …`.
    pub header: String,
}

impl std::fmt::Debug for HostAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HostAuth({}, <redacted>)", self.origin)
    }
}

/// Why a repository could not be mirrored. Messages never contain a URL's credentials.
#[derive(Debug, thiserror::Error)]
#[error("{url}: {message}")]
pub struct CloneError {
    /// The URL without credentials.
    pub url: String,
    pub message: String,
}

/// The mirror directory for `url` in `clone_dir`: a readable name and a hash of the URL without
/// credentials (a rotated token reuses the same mirror).
pub fn mirror_dir(url: &str, clone_dir: &Path) -> PathBuf {
    let clean = strip_userinfo(url);
    clone_dir.join(format!(
        "{}-{}.git",
        sanitized_name(&clean),
        short_hash(&clean)
    ))
}

/// Mirrors `url` into `clone_dir` (`git clone --mirror`), or refreshes the mirror a previous run made
/// (`git fetch --prune`), and returns its path.
pub fn mirror(url: &str, clone_dir: &Path, auth: Option<&HostAuth>) -> Result<Mirror, CloneError> {
    let clean = strip_userinfo(url);
    let fail = |message: String| CloneError {
        url: clean.clone(),
        message: scrub(&message, url),
    };
    let dest = mirror_dir(url, clone_dir);
    if dest.join("HEAD").exists() {
        // Fetch from the URL as given (it may carry credentials the stored one does not).
        let fetched = git(auth, url)
            .arg("--git-dir")
            .arg(&dest)
            .args(["fetch", "--prune", "--quiet", "--", url, "+refs/*:refs/*"])
            .output();
        let warning = match fetched {
            Ok(out) if out.status.success() => None,
            Ok(out) => Some(format!(
                "fetch failed, scanned the mirror from a previous run: {}",
                scrub(&stderr_tail(&out.stderr), url)
            )),
            Err(e) => Some(format!("cannot run git: {e}")),
        };
        return Ok(Mirror {
            path: dest,
            warning,
        });
    }
    std::fs::create_dir_all(clone_dir)
        .map_err(|e| fail(format!("cannot create {}: {e}", clone_dir.display())))?;
    let tmp = clone_dir.join(format!(
        ".{}.tmp-{}",
        dest.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&tmp);
    let out = git(auth, url)
        .args(["clone", "--mirror", "--quiet", "--", url])
        .arg(&tmp)
        .output()
        .map_err(|e| fail(format!("cannot run git: {e}")))?;
    if !out.status.success() {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(fail(format!(
            "git clone failed: {}",
            stderr_tail(&out.stderr)
        )));
    }
    // The stored remote URL must not keep a token on disk.
    if clean != url {
        let _ = git(None, url)
            .arg("--git-dir")
            .arg(&tmp)
            .args(["config", "remote.origin.url", &clean])
            .output();
    }
    if let Err(e) = std::fs::rename(&tmp, &dest) {
        let _ = std::fs::remove_dir_all(&tmp);
        // Another process mirrored it meanwhile: use theirs.
        if !dest.join("HEAD").exists() {
            return Err(fail(format!("cannot move the mirror into place: {e}")));
        }
    }
    Ok(Mirror {
        path: dest,
        warning: None,
    })
}

/// `git` with the safe settings of this module (and `auth` when `url` is on its host).
fn git(auth: Option<&HostAuth>, url: &str) -> Command {
    let mut c = Command::new("git");
    c.args([
        "-c",
        "core.hooksPath=/dev/null",
        "-c",
        "protocol.ext.allow=never",
        "-c",
        "core.fsmonitor=false",
        // A stalled server must not hold a worker forever: under 1 KB/s for 2 minutes fails.
        "-c",
        "http.lowSpeedLimit=1000",
        "-c",
        "http.lowSpeedTime=120",
    ])
    .env("GIT_TERMINAL_PROMPT", "0")
    .env("GIT_CONFIG_NOSYSTEM", "1")
    .env_remove("GIT_DIR")
    .env_remove("GIT_WORK_TREE")
    .stdin(Stdio::null());
    if let Some(a) = auth.filter(|a| same_origin(url, &a.origin)) {
        c.env("GIT_CONFIG_COUNT", "1")
            .env(
                "GIT_CONFIG_KEY_0",
                format!("http.{}/.extraHeader", a.origin),
            )
            .env("GIT_CONFIG_VALUE_0", &a.header);
    }
    c
}

/// `url` is `origin` or below it (`https://host` + `/…`).
fn same_origin(url: &str, origin: &str) -> bool {
    url.strip_prefix(origin)
        .is_some_and(|rest| rest.starts_with('/'))
}

/// The last lines of git's error output, bounded.
fn stderr_tail(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let tail = lines[lines.len().saturating_sub(3)..].join("; ");
    if tail.chars().count() > 500 {
        tail.chars().take(500).collect::<String>() + "…"
    } else if tail.is_empty() {
        "no message".to_string()
    } else {
        tail
    }
}

/// `message` with `url`'s credentials removed wherever they appear.
fn scrub(message: &str, url: &str) -> String {
    let clean = strip_userinfo(url);
    let mut out = message.replace(url, &clean);
    if clean != url {
        // The user-info part alone (`user:token`), and the password alone.
        let rest = url.split_once("://").map_or("", |(_, r)| r);
        let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
        if let Some((userinfo, _)) = authority.rsplit_once('@') {
            out = out.replace(userinfo, "***");
            if let Some((_, password)) = userinfo.split_once(':') {
                if !password.is_empty() {
                    out = out.replace(password, "***");
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_never_reach_messages_or_names() {
        let url = "https://bot:s3cr3t-tok@git.example.com/org/app.git";
        assert_eq!(
            scrub(
                &format!("fatal: unable to access '{url}/': 403; s3cr3t-tok"),
                url
            ),
            "fatal: unable to access 'https://git.example.com/org/app.git/': 403; ***"
        );
        let dir = mirror_dir(url, Path::new("/c"));
        assert_eq!(
            dir,
            mirror_dir("https://git.example.com/org/app.git", Path::new("/c"))
        );
        assert!(dir.display().to_string().starts_with("/c/org-app-"));
        assert!(!dir.display().to_string().contains("s3cr3t"));
    }

    #[test]
    fn auth_only_for_its_host() {
        assert!(same_origin(
            "https://github.com/o/r.git",
            "https://github.com"
        ));
        assert!(!same_origin(
            "https://github.com.evil/o",
            "https://github.com"
        ));
        assert!(!same_origin("file:///srv/r.git", "https://github.com"));
    }
}
