//! Other scanners' accepted findings, read so a team switching to sprawl keeps them accepted: a
//! gitleaks JSON report, a `.gitleaksignore` (`file:rule:line` and `commit:file:rule:line`
//! fingerprints) and a detect-secrets `.secrets.baseline`.
//!
//! They name findings by place (file, line, commit) and, for detect-secrets, by the SHA-1 of the
//! secret; a sprawl baseline names credentials by fingerprint (rule and value). So an import scans the
//! tree, and each foreign entry takes the fingerprints of the sprawl findings it [`Entry::matches`]:
//! detect-secrets' by the secret's hash wherever it is (else by file and line), gitleaks' by file and
//! line (and commit, when both sides know it; and the secret, when the report has it unredacted). The
//! rule ids are not compared: another scanner's rules are not sprawl's. Entries nothing matches are
//! listed by the caller. These files are read only when the user names them: a `.gitleaksignore` in a
//! scanned repository changes nothing on its own.

use serde::Deserialize;

use super::BaselineError;
use crate::finding::Finding;

/// Which format a file was read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    GitleaksReport,
    GitleaksIgnore,
    DetectSecrets,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::GitleaksReport => "gitleaks report",
            Format::GitleaksIgnore => ".gitleaksignore",
            Format::DetectSecrets => "detect-secrets baseline",
        }
    }
}

/// One accepted finding of another scanner. `Debug` shows no secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Entry {
    /// Where it is, relative to the scanned root (`/`-separated).
    pub path: String,
    /// 1-based first and last line of the finding.
    pub lines: (u32, u32),
    /// The commit, lowercase (history findings).
    pub commit: Option<String>,
    /// The secret as the report gives it (not when redacted).
    secret: Option<Vec<u8>>,
    /// detect-secrets: the SHA-1 of the secret, lowercase hex.
    sha1: Option<String>,
    /// The other scanner's rule or plugin, for messages.
    pub rule: String,
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("path", &self.path)
            .field("lines", &self.lines)
            .field("commit", &self.commit)
            .field("rule", &self.rule)
            .finish()
    }
}

impl std::fmt::Display for Entry {
    /// `path:line` (and `@commit`), and the other scanner's rule: never the secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.path, self.lines.0)?;
        if let Some(c) = &self.commit {
            write!(f, " @{}", &c[..c.len().min(12)])?;
        }
        write!(f, " ({})", self.rule)
    }
}

impl Entry {
    /// Whether sprawl's finding `f` is the credential this entry accepted.
    pub fn matches(&self, f: &Finding) -> bool {
        let secret = f.secret.expose();
        if let Some(hash) = &self.sha1 {
            if sha1_hex(secret) == *hash {
                return true;
            }
        }
        let here = same_path(&self.path, &f.path)
            && (self.lines.0..=self.lines.1.max(self.lines.0)).contains(&f.line);
        let commit = match (&self.commit, &f.commit) {
            (Some(mine), Some(theirs)) => theirs.id.to_ascii_lowercase().starts_with(mine.as_str()),
            _ => true,
        };
        let value = match &self.secret {
            // gitleaks' secret is its regex group, sprawl's may be a little wider or narrower.
            Some(s) => contains(s, secret) || contains(secret, s),
            None => true,
        };
        here && commit && value
    }
}

/// gitleaks reports paths as it was given them (`repo/app.env` for `gitleaks dir repo`): a path matches
/// sprawl's when they are equal or it ends with `/` and sprawl's.
fn same_path(theirs: &str, ours: &str) -> bool {
    let theirs = theirs.strip_prefix("./").unwrap_or(theirs);
    theirs == ours
        || theirs
            .strip_suffix(ours)
            .is_some_and(|head| head.ends_with('/'))
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && memchr::memmem::find(hay, needle).is_some()
}

/// Reads a file in any of the [`Format`]s, told apart by content. Errors name the file and never quote
/// it (it may hold secrets).
pub fn parse(name: &str, text: &str) -> Result<(Format, Vec<Entry>), BaselineError> {
    let bad = |message: String| BaselineError::Read {
        path: name.to_string(),
        message,
    };
    let trimmed = text.trim_start();
    if trimmed.starts_with('[') {
        let findings: Vec<GitleaksFinding> = serde_json::from_str(text).map_err(|e| {
            bad(format!(
                "not a gitleaks JSON report (line {}, column {})",
                e.line(),
                e.column()
            ))
        })?;
        let entries = findings.into_iter().map(GitleaksFinding::entry).collect();
        return Ok((Format::GitleaksReport, entries));
    }
    if trimmed.starts_with('{') {
        let baseline: SecretsBaseline = serde_json::from_str(text).map_err(|e| {
            bad(format!(
                "not a detect-secrets baseline (line {}, column {})",
                e.line(),
                e.column()
            ))
        })?;
        let mut entries = Vec::new();
        for (file, secrets) in baseline.results {
            for s in secrets {
                entries.push(Entry {
                    path: file.replace('\\', "/"),
                    lines: (s.line_number, s.line_number),
                    commit: None,
                    secret: None,
                    sha1: Some(s.hashed_secret.to_ascii_lowercase()),
                    rule: s.kind,
                });
            }
        }
        return Ok((Format::DetectSecrets, entries));
    }
    let mut entries = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        entries.push(ignore_entry(line).ok_or_else(|| {
            bad(format!(
                "line {}: not a gitleaks fingerprint (file:rule:line or commit:file:rule:line)",
                n + 1
            ))
        })?);
    }
    Ok((Format::GitleaksIgnore, entries))
}

/// A `.gitleaksignore` line (a gitleaks fingerprint): `file:rule:line` or `commit:file:rule:line`.
fn ignore_entry(line: &str) -> Option<Entry> {
    let (rest, number) = line.rsplit_once(':')?;
    let (rest, rule) = rest.rsplit_once(':')?;
    let number: u32 = number.parse().ok()?;
    // A commit id is hex; a path may hold `:` too, so only a hex first part is taken as one.
    let (commit, path) = match rest.split_once(':') {
        Some((c, p)) if c.len() >= 7 && c.bytes().all(|b| b.is_ascii_hexdigit()) => {
            (Some(c.to_ascii_lowercase()), p)
        }
        _ => (None, rest),
    };
    (!path.is_empty() && !rule.is_empty()).then(|| Entry {
        path: path.replace('\\', "/"),
        lines: (number, number),
        commit,
        secret: None,
        sha1: None,
        rule: rule.to_string(),
    })
}

/// The fields of a gitleaks report finding that place it (others are ignored).
#[derive(Deserialize)]
struct GitleaksFinding {
    #[serde(rename = "RuleID")]
    rule_id: String,
    #[serde(rename = "File")]
    file: String,
    #[serde(rename = "StartLine")]
    start_line: u32,
    #[serde(rename = "EndLine", default)]
    end_line: u32,
    #[serde(rename = "Secret", default)]
    secret: String,
    #[serde(rename = "Commit", default)]
    commit: String,
}

impl GitleaksFinding {
    fn entry(self) -> Entry {
        // `--redact` writes REDACTED, or a prefix and `...` with a percentage.
        let redacted = self.secret.is_empty()
            || self.secret.contains("REDACTED")
            || self.secret.ends_with("...");
        Entry {
            path: self.file.replace('\\', "/"),
            lines: (self.start_line, self.end_line.max(self.start_line)),
            commit: (!self.commit.is_empty()).then(|| self.commit.to_ascii_lowercase()),
            secret: (!redacted).then(|| self.secret.into_bytes()),
            sha1: None,
            rule: self.rule_id,
        }
    }
}

/// The parts of a detect-secrets `.secrets.baseline` an import uses.
#[derive(Deserialize)]
struct SecretsBaseline {
    results: std::collections::BTreeMap<String, Vec<SecretsEntry>>,
}

#[derive(Deserialize)]
struct SecretsEntry {
    #[serde(rename = "type")]
    kind: String,
    hashed_secret: String,
    line_number: u32,
}

/// SHA-1 of `data` in lowercase hex: detect-secrets' `hashed_secret`. (Used to compare against
/// values detect-secrets recorded, not for security.)
pub fn sha1_hex(data: &[u8]) -> String {
    let mut h: [u32; 5] = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0];
    let mut message = data.to_vec();
    message.push(0x80);
    while message.len() % 64 != 56 {
        message.push(0);
    }
    message.extend_from_slice(&((data.len() as u64) * 8).to_be_bytes());
    for block in message.chunks(64) {
        let mut w = [0u32; 80];
        for (i, word) in block.chunks(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, &wi) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A827999),
                20..=39 => (b ^ c ^ d, 0x6ED9EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1BBCDC),
                _ => (b ^ c ^ d, 0xCA62C1D6),
            };
            let t = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(wi);
            (e, d, c, b, a) = (d, c, b.rotate_left(30), a, t);
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e]) {
            *x = x.wrapping_add(y);
        }
    }
    h.iter().map(|x| format!("{x:08x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha1_matches_known_digests() {
        assert_eq!(sha1_hex(b""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert_eq!(sha1_hex(b"abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(
            sha1_hex(&[b'a'; 1000]),
            "291e9a6c66994949b57ba5e650361e98fc36b1ba"
        );
    }

    #[test]
    fn gitleaksignore_lines() {
        let (format, entries) = parse(
            ".gitleaksignore",
            "# accepted\n\nsrc\\app.env:aws-access-token:3\n0123456789abcdef0123456789abcdef01234567:deploy/a:b.env:generic-api-key:12\n",
        )
        .unwrap();
        assert_eq!(format, Format::GitleaksIgnore);
        assert_eq!(entries[0].path, "src/app.env");
        assert_eq!(entries[0].lines, (3, 3));
        assert_eq!(entries[0].commit, None);
        assert_eq!(entries[1].path, "deploy/a:b.env");
        assert_eq!(entries[1].rule, "generic-api-key");
        assert_eq!(
            entries[1].commit.as_deref(),
            Some("0123456789abcdef0123456789abcdef01234567")
        );
        let err = parse("x", "ghp_notafingerprint\n").unwrap_err().to_string();
        assert_eq!(
            err,
            "x: line 1: not a gitleaks fingerprint (file:rule:line or commit:file:rule:line)"
        );
    }

    #[test]
    fn gitleaks_paths_may_carry_the_scanned_directory() {
        assert!(same_path("repo/app.env", "app.env"));
        assert!(same_path("./app.env", "app.env"));
        assert!(!same_path("myapp.env", "app.env"));
    }
}
