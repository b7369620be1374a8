//! Bare mirrors of remote repositories, made and refreshed with the system `git`, which handles every
//! transport and the user's credential helpers. Nothing from the remote is executed: a mirror has no
//! work tree (no checkout, filters or fsmonitor), hooks point at `/dev/null`, the `ext::` transport is
//! refused, the system config is not read and git never prompts.
//!
//! A URL may carry credentials (`https://user:token@host/…`): git is given the URL without them and
//! the credentials as an `Authorization` header for that host through its environment (never on a
//! command line, where `ps` shows them); the mirror's stored remote URL, its directory name and every
//! message use the URL without them. ssh never prompts (`BatchMode`), and every git run has an overall
//! time limit (`SPRAWL_CLONE_TIMEOUT`, seconds, default 3600). An existing mirror is used only when it
//! belongs to the current user and nobody else can write to it (its config could otherwise run
//! commands).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;

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
        message: tidy(&scrub(&message, url)),
    };
    let dest = mirror_dir(url, clone_dir);
    let (git_url, url_auth) = split_credentials(url);
    let headers: Vec<(String, String)> = auth
        .filter(|a| same_origin(&git_url, &a.origin))
        .map(|a| (a.origin.clone(), a.header.clone()))
        .into_iter()
        .chain(url_auth)
        .collect();
    if dest.join("HEAD").exists() {
        check_owned(&dest).map_err(|m| fail(format!("{}: {m}", dest.display())))?;
        // Fetch from the URL as given (its credentials may be newer than the mirror's).
        let fetched = run(git(&headers).arg("--git-dir").arg(&dest).args([
            "fetch",
            "--prune",
            "--quiet",
            "--",
            &git_url,
            "+refs/*:refs/*",
        ]));
        let warning = match fetched {
            Ok(()) => None,
            Err(message) => Some(format!(
                "fetch failed, scanned the mirror from a previous run: {}",
                tidy(&scrub(&message, url))
            )),
        };
        return Ok(Mirror {
            path: dest,
            warning,
        });
    }
    if !clone_dir.exists() {
        std::fs::create_dir_all(clone_dir)
            .map_err(|e| fail(format!("cannot create {}: {e}", clone_dir.display())))?;
        // Mirrors are private: another user must not plant or change one.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(clone_dir, std::fs::Permissions::from_mode(0o700));
        }
    }
    let tmp = clone_dir.join(format!(
        ".{}.tmp-{}",
        dest.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&tmp);
    if let Err(message) = run(git(&headers)
        .args(["clone", "--mirror", "--quiet", "--", &git_url])
        .arg(&tmp))
    {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(fail(format!("git clone failed: {message}")));
    }
    // The stored remote URL must not keep a token on disk.
    if clean != git_url {
        let _ =
            run(git(&[])
                .arg("--git-dir")
                .arg(&tmp)
                .args(["config", "remote.origin.url", &clean]));
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

/// `https://user:token@host/…` -> the URL git is given (without the credentials) and the header that
/// carries them for that host. Other URLs are given as they are (an ssh user name is not a secret).
fn split_credentials(url: &str) -> (String, Option<(String, String)>) {
    let clean = strip_userinfo(url);
    if clean == url || !(url.starts_with("https://") || url.starts_with("http://")) {
        return (url.to_string(), None);
    }
    let (scheme, rest) = url.split_once("://").unwrap_or(("https", url));
    let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
    let Some((userinfo, host)) = authority.rsplit_once('@') else {
        return (clean, None);
    };
    // `%XX` escapes decoded, as git decodes a URL's user name and password.
    let decoded: Vec<u8> = percent_encoding::percent_decode_str(userinfo).collect();
    let header = format!(
        "Authorization: Basic {}",
        base64::engine::general_purpose::STANDARD.encode(decoded)
    );
    (clean, Some((format!("{scheme}://{host}"), header)))
}

/// Refuses a mirror another user owns or can write to: git reads its config, whose settings (an ssh
/// command, a credential helper) run programs.
fn check_owned(dir: &Path) -> Result<(), String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // SAFETY: geteuid has no preconditions and cannot fail.
        let me = unsafe { libc::geteuid() };
        for p in [dir.to_path_buf(), dir.join("config")] {
            let m = std::fs::symlink_metadata(&p).map_err(|e| e.to_string())?;
            if m.uid() != me || m.mode() & 0o022 != 0 {
                return Err(
                    "the mirror is not owned by this user or others can write to it; not used (remove it to clone again)"
                        .into(),
                );
            }
        }
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Overall limit of one git run.
fn git_timeout() -> Duration {
    let secs = std::env::var("SPRAWL_CLONE_TIMEOUT")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .filter(|&s| s > 0)
        .unwrap_or(3600);
    Duration::from_secs(secs)
}

/// Runs `cmd` to completion within [`git_timeout`] (killing it after); `Err` is git's error output
/// (its last lines) or why it could not run.
fn run(cmd: &mut Command) -> Result<(), String> {
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    let mut stderr = child.stderr.take();
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(s) = stderr.as_mut() {
            use std::io::Read;
            let _ = s.take(1 << 20).read_to_end(&mut buf);
        }
        buf
    });
    let limit = git_timeout();
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() >= limit => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(format!("waiting for git: {e}")),
        }
    };
    let err = reader.join().unwrap_or_default();
    match status {
        Some(s) if s.success() => Ok(()),
        Some(_) => Err(stderr_text(&err)),
        None => Err(format!("timed out after {} s", limit.as_secs())),
    }
}

/// `git` with the safe settings of this module, and `headers` (origin, header) for their hosts.
fn git(headers: &[(String, String)]) -> Command {
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
    // ssh asks on the terminal (host keys, passphrases) whatever GIT_TERMINAL_PROMPT says.
    if std::env::var_os("GIT_SSH_COMMAND").is_none() && std::env::var_os("GIT_SSH").is_none() {
        c.env("GIT_SSH_COMMAND", "ssh -o BatchMode=yes");
    }
    c.env("GIT_CONFIG_COUNT", headers.len().to_string());
    for (i, (origin, header)) in headers.iter().enumerate() {
        c.env(
            format!("GIT_CONFIG_KEY_{i}"),
            format!("http.{origin}/.extraHeader"),
        )
        .env(format!("GIT_CONFIG_VALUE_{i}"), header);
    }
    c
}

/// `url` is `origin` or below it (`https://host` + `/…`).
fn same_origin(url: &str, origin: &str) -> bool {
    url.strip_prefix(origin)
        .is_some_and(|rest| rest.starts_with('/'))
}

/// The last lines of git's error output (not yet scrubbed or bounded: see [`tidy`]).
fn stderr_text(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let tail = lines[lines.len().saturating_sub(3)..].join("; ");
    if tail.is_empty() {
        "no message".to_string()
    } else {
        tail
    }
}

/// A message for the terminal and reports, after [`scrub`]: control characters (a remote's terminal
/// escapes) dropped, at most 500 characters.
fn tidy(message: &str) -> String {
    let clean: String = message.chars().filter(|c| !c.is_control()).collect();
    if clean.chars().count() > 500 {
        clean.chars().take(500).collect::<String>() + "…"
    } else {
        clean
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
    fn url_credentials_become_a_header_for_that_host_only() {
        let (url, auth) = split_credentials("https://bot:s3cr%40t@git.example.com/org/app.git");
        assert_eq!(url, "https://git.example.com/org/app.git");
        assert_eq!(
            auth,
            Some((
                "https://git.example.com".to_string(),
                // base64("bot:s3cr@t")
                "Authorization: Basic Ym90OnMzY3JAdA==".to_string()
            ))
        );
        assert_eq!(
            split_credentials("ssh://git@host/r.git"),
            ("ssh://git@host/r.git".to_string(), None)
        );
        assert_eq!(
            split_credentials("https://host/r.git"),
            ("https://host/r.git".to_string(), None)
        );
    }

    #[test]
    fn messages_are_scrubbed_before_they_are_cut_and_lose_control_characters() {
        let url = "https://bot:tok3n-abcdef@h.example/r.git";
        let long = format!("{}{url}\x1b[31m", "x".repeat(480));
        let out = tidy(&scrub(&long, url));
        assert!(!out.contains("tok3n"), "{out}");
        assert!(!out.contains('\x1b'));
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
