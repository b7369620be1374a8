//! The data that flows from the engine to the reports: a raw [`Match`] in a blob, a located [`Finding`],
//! and the [`Credential`] that groups every finding of one secret (its sprawl).
//!
//! Secrets are toxic: [`Secret`] never prints its value through `Debug` or `Display`; only
//! [`Secret::expose`] gives the bytes, and reports call it only when the user asked for `--no-redact`.

use std::fmt;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::rules::RuleMeta;

/// A credential value. `Debug` and `Display` print a redacted form; the value is reachable only through
/// [`Secret::expose`].
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Secret(Vec<u8>);

impl Secret {
    pub fn new(bytes: Vec<u8>) -> Secret {
        Secret(bytes)
    }

    /// The raw value. Callers must not log it.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// The value as text (invalid UTF-8 replaced). Callers must not log it.
    pub fn expose_lossy(&self) -> String {
        String::from_utf8_lossy(&self.0).into_owned()
    }

    /// A short prefix followed by `…`: enough to recognise a token kind (`ghp_ab…`), never enough to use
    /// it. Short secrets show nothing but `…`: a prefix of a 10-character password is a real leak.
    pub fn redacted(&self) -> String {
        let text = String::from_utf8_lossy(&self.0);
        let chars = text.chars().count();
        let shown = if chars >= 24 {
            6
        } else if chars >= 16 {
            3
        } else {
            0
        };
        let mut out: String = text.chars().take(shown).collect();
        out.push('…');
        out
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({})", self.redacted())
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// Replaces secret values inside other text (paths, member names, messages, commit summaries) with
/// their [`Secret::redacted`] forms, in one pass over the text whatever the number of secrets.
pub struct SecretMask {
    /// Longest secret first wins where two overlap.
    matcher: Option<aho_corasick::AhoCorasick>,
    redacted: Vec<String>,
}

impl SecretMask {
    /// A mask for `secrets` (duplicates and empty values ignored).
    pub fn new<'a>(secrets: impl IntoIterator<Item = &'a [u8]>) -> SecretMask {
        let mut values: Vec<&[u8]> = secrets.into_iter().filter(|s| !s.is_empty()).collect();
        values.sort();
        values.dedup();
        let redacted = values
            .iter()
            .map(|v| Secret::new(v.to_vec()).redacted())
            .collect();
        let matcher = (!values.is_empty()).then(|| {
            aho_corasick::AhoCorasick::builder()
                .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                .build(&values)
                .expect("literal secrets build an automaton")
        });
        SecretMask { matcher, redacted }
    }

    /// `text` with every secret replaced by its redacted form.
    pub fn apply<'t>(&self, text: &'t str) -> std::borrow::Cow<'t, str> {
        match &self.matcher {
            Some(m) if m.is_match(text) => {
                std::borrow::Cow::Owned(m.replace_all(text, &self.redacted))
            }
            _ => std::borrow::Cow::Borrowed(text),
        }
    }

    /// Replaces `text` in place with [`SecretMask::apply`]'s result.
    pub fn apply_in_place(&self, text: &mut String) {
        if let std::borrow::Cow::Owned(masked) = self.apply(text) {
            *text = masked;
        }
    }
}

/// Identity of a credential: a hash of (rule id, secret value). The same secret found by the same rule has
/// the same fingerprint in every file, commit and repository; it reveals nothing about the value.
#[derive(
    Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct Fingerprint(pub String);

impl Fingerprint {
    pub fn new(rule_id: &str, secret: &[u8]) -> Fingerprint {
        let mut h = Sha256::new();
        h.update(rule_id.as_bytes());
        h.update([0u8]);
        h.update(secret);
        let digest = h.finalize();
        let mut hex = String::with_capacity(40);
        for b in &digest[..20] {
            hex.push_str(&format!("{b:02x}"));
        }
        Fingerprint(hex)
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What the engine reports for one blob: which rule, where the secret is, and its value.
/// Positions are in the blob the engine was given; the caller knows which file or object that is.
#[derive(Clone, Debug)]
pub struct Match {
    /// Index into the engine's rules.
    pub rule: usize,
    pub secret: Secret,
    /// Byte span of the secret in the blob.
    pub start: usize,
    pub end: usize,
    /// 1-based line of the secret's first character.
    pub line: u32,
    /// 1-based column (in characters) of the secret's first character.
    pub column: u32,
    /// 1-based line of the secret's last character.
    pub end_line: u32,
    /// Column just after the secret's last character, on `end_line` (exclusive, 1-based).
    pub end_column: u32,
    /// Encodings the secret was found under, outermost first (`["base64"]`); empty for a secret found as
    /// written. For a decoded secret, the span and position are those of the encoded text in the blob.
    pub decoded: Vec<&'static str>,
    /// Why the engine holds this match back from the default report ([`Hold`]); `None` when nothing
    /// in the value or its line says it is not a credential.
    pub held: Option<Hold>,
    /// What the match's place (path, commit) still decides: its rule's path, and the allowlists
    /// bound to paths or commits.
    pub pending: Pending,
}

/// Checks on a match that wait for its place: the rule's own path restriction (a gitleaks rule with
/// `path` and `regex` reports only in matching files) and the allowlists whose verdict depends on the
/// path or commit. Indices are the engine's (`Engine::verdict`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pending {
    /// The rule (engine index) whose `path` the match's path must match.
    pub rule_path: Option<u32>,
    /// Allowlists (indices into the engine's allowlists) that allow the match if its
    /// place matches.
    pub allowlists: Vec<u32>,
}

/// Why a finding is held back from the default report (`--min-confidence medium`): its confidence is
/// low for this reason. Held findings are counted in `stats.suppressed` by reason and shown with
/// `--min-confidence low`; baselines and inventories still see them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Hold {
    /// The provider's checksum or structure check fails: the provider never issued it.
    FailedCheck,
    /// A JWT whose `exp` is past: it no longer authenticates anyone.
    Expired,
    /// A generic match in test code or a data fixture, or assigned to a test-ish name.
    TestFixture,
    /// A generic match whose value is a cut-off copy of a provider token.
    Truncated,
    /// The value is masked (`sk_live_…`, `****`, `<redacted>`).
    Masked,
    /// A secret-manager name or a template reference, not the secret.
    Reference,
    /// Code, a name or a template (an identifier, a header name, `namespace/name`, a URL template).
    NotAValue,
    /// A value the provider prints in its own documentation.
    DocumentedExample,
    /// A key that is public by design (Stripe `pk_`, Mapbox `pk.`, reCAPTCHA site key, Firebase web key).
    Publishable,
    /// Below `--min-confidence` for no other reason: the rule itself is low (an AWS IAM unique id, a custom
    /// low rule), or a medium finding under `--min-confidence high`.
    BelowMinimum,
}

impl Hold {
    pub const ALL: [Hold; 10] = [
        Hold::FailedCheck,
        Hold::Expired,
        Hold::TestFixture,
        Hold::Truncated,
        Hold::Masked,
        Hold::Reference,
        Hold::NotAValue,
        Hold::DocumentedExample,
        Hold::Publishable,
        Hold::BelowMinimum,
    ];

    /// The reason's name in reports (`stats.suppressed`).
    pub fn as_str(self) -> &'static str {
        match self {
            Hold::FailedCheck => "failed_check",
            Hold::Expired => "expired",
            Hold::TestFixture => "test_fixture",
            Hold::Truncated => "truncated",
            Hold::Masked => "masked",
            Hold::Reference => "reference",
            Hold::NotAValue => "not_a_value",
            Hold::DocumentedExample => "documented_example",
            Hold::Publishable => "publishable",
            Hold::BelowMinimum => "below_min_confidence",
        }
    }
}

/// The commit a history finding came from (filled by the git source; `None` for files on disk).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitInfo {
    pub id: String,
    pub author_name: String,
    pub author_email: String,
    /// RFC 3339, in the author's time zone.
    pub date: String,
    /// Seconds since the epoch (for ordering: RFC 3339 strings in different zones do not sort).
    pub timestamp: i64,
    pub summary: String,
}

/// History scans: when a location's content was last in the repository.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LastSeen {
    /// Still in the tree of some branch, tag or other ref (false: removed everywhere, history only).
    pub present: bool,
    /// RFC 3339 date and epoch seconds of the newest tip commit holding it (present), or of the newest
    /// commit that removed it (not present). `None` when only a ref to a tree holds it.
    pub date: Option<(String, i64)>,
}

/// Whether a credential still works: what the provider said (only with `--validate`), what the
/// offline checks found (always), when the provider was asked, and what the credential can reach
/// (only with `--blast-radius`, for live credentials).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Validity {
    pub live: Liveness,
    pub offline: Option<Offline>,
    /// RFC 3339 time of the provider check.
    pub checked_at: Option<String>,
    pub reach: Option<Reach>,
}

/// How much harm a credential can do, from what its provider said. Ordered from the least: reports
/// sort by it, the greatest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Severity {
    /// Rejected or revoked: it reaches nothing.
    None,
    /// Not known: not checked, no answer, or live but what it reaches was not read.
    #[default]
    Unknown,
    /// Live, and it can read but not change anything the provider showed.
    Read,
    /// Live, and it can change resources (push to repositories, publish packages, write data).
    Write,
    /// Live, with administrative rights (an admin user, admin on a repository or account, full
    /// access policies, a live-mode secret key).
    Admin,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Admin,
        Severity::Write,
        Severity::Read,
        Severity::Unknown,
        Severity::None,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::None => "none",
            Severity::Unknown => "unknown",
            Severity::Read => "read",
            Severity::Write => "write",
            Severity::Admin => "admin",
        }
    }
}

/// What a live credential can reach, read from its provider with read-only requests (`--blast-radius`).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Reach {
    pub severity: Severity,
    /// One line: why this severity (`admin: admin on 2 of 14 repositories it can push to`).
    pub summary: String,
    /// (what, value) in the order the rule declares them: `("organisations", "acme, acme-labs")`.
    pub facts: Vec<(String, String)>,
    /// What the credential was not allowed to read, and why: `attached policies (HTTP 403)`.
    pub unreadable: Vec<String>,
}

/// The provider's answer. Network checks happen only with `--validate`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Liveness {
    #[default]
    NotChecked,
    Live {
        identity: Option<String>,
        scopes: Vec<String>,
    },
    Invalid,
    /// No answer that settles it: `timeout`, `rate_limited`, `unexpected_response`, `network_error`,
    /// `refused_address`, `missing_pair`, `pair_mismatch` (rejected with the value found next to it as
    /// its pair, which may be the wrong one), `endpoint_required`, `not_sendable`.
    Unknown {
        reason: &'static str,
    },
    /// Revoked by `sprawl revoke` through the provider's API (RFC 3339 time).
    Revoked {
        at: String,
    },
}

impl Liveness {
    pub fn status(&self) -> &'static str {
        match self {
            Liveness::NotChecked => "not_checked",
            Liveness::Live { .. } => "live",
            Liveness::Invalid => "invalid",
            Liveness::Unknown { .. } => "unknown",
            Liveness::Revoked { .. } => "revoked",
        }
    }
}

impl Validity {
    pub fn status(&self) -> &'static str {
        self.live.status()
    }

    /// How much harm the credential can do: none once rejected or revoked; what `--blast-radius` read
    /// for a live one; unknown otherwise.
    pub fn severity(&self) -> Severity {
        match (&self.live, &self.reach) {
            (Liveness::Invalid | Liveness::Revoked { .. }, _) => Severity::None,
            (Liveness::Live { .. }, Some(r)) => r.severity,
            _ => Severity::Unknown,
        }
    }

    /// [`Validity::severity`] explained in one line.
    pub fn severity_reason(&self) -> String {
        match (&self.live, &self.reach) {
            (Liveness::Invalid, _) => "rejected by the provider".into(),
            (Liveness::Revoked { at }, _) => format!("revoked at {at}"),
            (Liveness::Live { .. }, Some(r)) => r.summary.clone(),
            (Liveness::Live { .. }, None) => {
                "live; what it can reach was not read (--blast-radius)".into()
            }
            (Liveness::Unknown { reason }, _) => format!("liveness unknown ({reason})"),
            (Liveness::NotChecked, _) => "not checked (--validate --blast-radius)".into(),
        }
    }
}

/// What the offline checks (no network) found about a secret's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Offline {
    /// The format's checksum matches (GitHub, npm).
    ChecksumOk,
    /// The checksum does not match: not a token the provider issued (confidence is lowered to low).
    ChecksumFailed,
    /// The structure decodes (JWT header and payload, PEM key, AWS key id, Slack token).
    StructureOk,
    /// The structure does not decode (confidence is lowered to low).
    Malformed,
    /// A JWT whose `exp` is in the past.
    Expired,
}

impl Offline {
    pub fn as_str(self) -> &'static str {
        match self {
            Offline::ChecksumOk => "checksum_ok",
            Offline::ChecksumFailed => "checksum_failed",
            Offline::StructureOk => "structure_ok",
            Offline::Malformed => "malformed",
            Offline::Expired => "expired",
        }
    }
}

/// One occurrence of a credential at one place.
#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: Arc<RuleMeta>,
    pub fingerprint: Fingerprint,
    pub secret: Secret,
    /// Git scans: the repository (its `origin` URL without credentials, else its path).
    pub repository: Option<String>,
    /// Relative to the scanned root (history: the path in the commit).
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    /// Encodings the secret was decoded from, outermost first (see [`Match::decoded`]).
    pub decoded: Vec<&'static str>,
    pub commit: Option<CommitInfo>,
    /// History scans: why `commit` is `None` although the location is in a commit, when the introducing
    /// commit cannot be known (`unknown (shallow history before <commit>)`).
    pub provenance: Option<String>,
    /// History scans: whether this location is still in HEAD's tree. `None` outside git history.
    pub in_head: Option<bool>,
    /// History scans: when this location's content was last in the repository.
    pub last_seen: Option<LastSeen>,
    pub owners: Vec<String>,
    pub owner_source: Option<String>,
    pub validity: Validity,
    /// Why the finding's confidence is low ([`Hold`]); `None` for a finding at its rule's confidence.
    pub held: Option<Hold>,
    /// The engine's checks on this finding's place, made once it is placed ([`Pending`]).
    pub pending: Pending,
}

impl Finding {
    /// The deterministic report order: path, position, rule, commit (or, when it is unknown, why).
    pub fn sort_key(&self) -> (&str, u32, u32, &str, &str) {
        let commit = match (&self.commit, &self.provenance) {
            (Some(c), _) => c.id.as_str(),
            (None, Some(p)) => p.as_str(),
            (None, None) => "",
        };
        (&self.path, self.line, self.column, &self.rule.id, commit)
    }
}

/// One distinct credential and everything known about it: the findings that share a fingerprint.
#[derive(Clone, Debug)]
pub struct Credential {
    pub fingerprint: Fingerprint,
    pub rule: Arc<RuleMeta>,
    pub secret: Secret,
    pub locations: usize,
    /// Earliest commit date (RFC 3339) of any location; `None` outside git history.
    pub first_seen: Option<String>,
    /// `first_seen` in seconds since the epoch.
    pub first_seen_timestamp: Option<i64>,
    /// History scans: the newest tip holding it, or (when removed everywhere) the newest removal.
    pub last_seen: Option<String>,
    /// `last_seen` in seconds since the epoch.
    pub last_seen_timestamp: Option<i64>,
    /// History scans: whether it is gone from every ref's tree (only in history).
    pub removed: Option<bool>,
    /// Whole days from `first_seen` to now (or to `last_seen` when removed). Set by the scan from [`Credential::exposure_days`].
    pub exposed_days: Option<i64>,
    /// Whether any location is in HEAD's tree; `None` outside git history.
    pub in_head: Option<bool>,
    pub owners: Vec<String>,
    /// `governed`, `expired`, `rotation_overdue` or `ungoverned` (set by the inventory step).
    pub governance: &'static str,
    pub validity: Validity,
}

/// Groups findings by fingerprint, in fingerprint order. Owners are the union over locations, sorted.
pub fn group_credentials(findings: &[Finding]) -> Vec<Credential> {
    let mut by_fp: std::collections::BTreeMap<&Fingerprint, Credential> = Default::default();
    let mut latest: std::collections::HashMap<&Fingerprint, (bool, i64)> = Default::default();
    // A credential with a location of unknown provenance may be older than any commit that shows it.
    let mut undated: std::collections::HashSet<&Fingerprint> = Default::default();
    for f in findings {
        if f.provenance.is_some() {
            undated.insert(&f.fingerprint);
        }
        let c = by_fp.entry(&f.fingerprint).or_insert_with(|| Credential {
            fingerprint: f.fingerprint.clone(),
            rule: f.rule.clone(),
            secret: f.secret.clone(),
            locations: 0,
            first_seen: None,
            first_seen_timestamp: None,
            last_seen: None,
            last_seen_timestamp: None,
            removed: None,
            exposed_days: None,
            in_head: None,
            owners: Vec::new(),
            governance: "ungoverned",
            validity: f.validity.clone(),
        });
        c.locations += 1;
        if let Some(commit) = &f.commit {
            if c.first_seen_timestamp.is_none_or(|t| commit.timestamp < t) {
                c.first_seen_timestamp = Some(commit.timestamp);
                c.first_seen = Some(commit.date.clone());
            }
        }
        if let Some(seen) = &f.last_seen {
            c.removed = Some(c.removed.unwrap_or(true) && !seen.present);
            // A present location outranks any removal; among equals the newest date wins.
            if let Some((date, t)) = &seen.date {
                let slot = latest.entry(&f.fingerprint).or_insert((false, i64::MIN));
                if (seen.present, *t) > *slot {
                    *slot = (seen.present, *t);
                    c.last_seen = Some(date.clone());
                    c.last_seen_timestamp = Some(*t);
                }
            }
        }
        if let Some(here) = f.in_head {
            c.in_head = Some(c.in_head.unwrap_or(false) || here);
        }
        for o in &f.owners {
            if !c.owners.contains(o) {
                c.owners.push(o.clone());
            }
        }
    }
    let mut out: Vec<Credential> = by_fp.into_values().collect();
    for c in &mut out {
        c.owners.sort();
        if undated.contains(&c.fingerprint) {
            c.first_seen = None;
            c.first_seen_timestamp = None;
        }
        if c.removed == Some(false) {
            // Present somewhere: a removal date elsewhere is not when it was last seen.
            let t = latest.get(&c.fingerprint).copied();
            if t.is_some_and(|(present, _)| !present) {
                c.last_seen = None;
                c.last_seen_timestamp = None;
            }
        }
    }
    out
}

impl Credential {
    /// Whole days exposed: from `first_seen` to `now` (epoch seconds), or to `last_seen` when it is
    /// removed from every ref. `None` without a first-seen date.
    pub fn exposure_days(&self, now: i64) -> Option<i64> {
        exposure_days(
            self.first_seen_timestamp,
            self.last_seen_timestamp,
            self.removed == Some(true),
            now,
        )
    }
}

/// Whole days from `first` to `now`, or to `removed_at` when `removed`. `None` without `first`.
pub fn exposure_days(
    first: Option<i64>,
    removed_at: Option<i64>,
    removed: bool,
    now: i64,
) -> Option<i64> {
    let first = first?;
    let end = if removed {
        removed_at.unwrap_or(now)
    } else {
        now
    };
    Some((end - first).max(0) / 86_400)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_debug_and_display_redact() {
        let s = Secret::new(b"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".to_vec());
        assert_eq!(format!("{s}"), "ghp_R7…");
        assert_eq!(format!("{s:?}"), "Secret(ghp_R7…)");
        let short = Secret::new(b"hunter2hunter2".to_vec());
        assert_eq!(short.redacted(), "…");
    }

    #[test]
    fn fingerprint_depends_on_rule_and_value_only() {
        let a = Fingerprint::new("github.pat-classic", b"ghp_abc");
        assert_eq!(a, Fingerprint::new("github.pat-classic", b"ghp_abc"));
        assert_ne!(a, Fingerprint::new("github.pat-classic", b"ghp_abd"));
        assert_ne!(a, Fingerprint::new("generic.token", b"ghp_abc"));
        assert_eq!(a.0.len(), 40);
    }
}
