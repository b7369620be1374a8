//! The owners inventory (NHI governance): a team's record of known credentials, matched by fingerprint or
//! by rule and path glob. A matching entry's owner beats CODEOWNERS (`owner_source = "inventory"`), and
//! the credential is `governed` — or `expired` / `rotation_overdue` when the entry says it should be gone
//! or rotated by now. A credential no entry covers is `ungoverned`.
//!
//! ```toml
//! [[credentials]]
//! fingerprint = "3f1c…"                 # or: rule = "aws.access-key-id" and path = "deploy/**"
//! owner = "@org/payments"
//! purpose = "Stripe payouts"
//! created = "2024-03-01"
//! expires = "2026-03-01"                # optional
//! rotate_every = "90d"                  # optional: days (d) or weeks (w)
//! ```
//!
//! The same entries can be written in YAML (a file ending in `.yaml` or `.yml`):
//!
//! ```yaml
//! credentials:
//!   - rule: aws.access-key-id
//!     path: "deploy/**"
//!     owner: "@org/payments"
//!     rotate_every: 90d
//! ```

use std::path::Path;

use serde::Deserialize;
use time::{Date, Duration};

use crate::finding::Finding;
use crate::rules::{self, RuleError};
use crate::source::paths::PathPatterns;

/// Where a credential stands against the inventory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Governance {
    Governed,
    Expired,
    RotationOverdue,
    Ungoverned,
}

impl Governance {
    pub fn as_str(self) -> &'static str {
        match self {
            Governance::Governed => "governed",
            Governance::Expired => "expired",
            Governance::RotationOverdue => "rotation_overdue",
            Governance::Ungoverned => "ungoverned",
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInventory {
    #[serde(default)]
    credentials: Vec<toml::Spanned<RawEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYamlInventory {
    #[serde(default)]
    credentials: Vec<RawEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    #[serde(default)]
    fingerprint: Option<String>,
    #[serde(default)]
    rule: Option<String>,
    #[serde(default)]
    path: Option<String>,
    owner: String,
    #[serde(default)]
    purpose: Option<String>,
    #[serde(default)]
    created: Option<String>,
    #[serde(default)]
    expires: Option<String>,
    #[serde(default)]
    rotate_every: Option<String>,
}

/// One inventory entry.
#[derive(Debug)]
pub struct Entry {
    fingerprint: Option<String>,
    rule: Option<String>,
    path: Option<PathPatterns>,
    pub owner: String,
    pub purpose: Option<String>,
    pub created: Option<Date>,
    pub expires: Option<Date>,
    pub rotate_every: Option<Duration>,
}

impl Entry {
    fn matches(&self, f: &Finding) -> bool {
        if let Some(fp) = &self.fingerprint {
            return *fp == f.fingerprint.0;
        }
        self.rule.as_ref().is_none_or(|r| *r == f.rule.id)
            && self
                .path
                .as_ref()
                .is_none_or(|g| g.is_match(Path::new(&f.path), false))
    }

    /// The entry's verdict on `today`.
    pub fn governance(&self, today: Date) -> Governance {
        if self.expires.is_some_and(|e| today >= e) {
            return Governance::Expired;
        }
        if let (Some(created), Some(every)) = (self.created, self.rotate_every) {
            if today >= created + every {
                return Governance::RotationOverdue;
            }
        }
        Governance::Governed
    }
}

/// A loaded inventory.
#[derive(Debug, Default)]
pub struct Inventory {
    pub entries: Vec<Entry>,
}

fn parse_date(s: &str) -> Result<Date, String> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s, &fmt).map_err(|_| format!("invalid date {s:?} (expected YYYY-MM-DD)"))
}

fn parse_period(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    let (num, unit) = t.split_at(t.len().saturating_sub(1));
    let n: i64 = num
        .parse()
        .map_err(|_| format!("invalid period {s:?} (expected e.g. 90d or 12w)"))?;
    match unit {
        "d" => Ok(Duration::days(n)),
        "w" => Ok(Duration::weeks(n)),
        _ => Err(format!("invalid period {s:?} (expected e.g. 90d or 12w)")),
    }
}

/// Deepest nesting of `[` / `{` accepted in an inventory YAML file.
const MAX_YAML_NESTING: usize = 64;

/// The line where `[` / `{` nesting first exceeds `limit`, if it does. Brackets in quoted strings count
/// too: a conservative over-estimate, which no inventory comes near.
fn flow_nesting_over(text: &str, limit: usize) -> Option<usize> {
    let (mut depth, mut line) = (0usize, 1);
    for b in text.bytes() {
        match b {
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return Some(line);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b'\n' => line += 1,
            _ => {}
        }
    }
    None
}

impl Inventory {
    pub fn load(path: &std::path::Path) -> Result<Inventory, RuleError> {
        let file = path.display().to_string();
        let text = crate::rules::read_config_file(path)?;
        let yaml = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
        if yaml {
            Inventory::parse_yaml(&file, &text)
        } else {
            Inventory::parse(&file, &text)
        }
    }

    /// Parses inventory YAML (`credentials:` list); errors name the file and the line (parse errors) or
    /// the entry (bad values). Quoted values in parser messages are redacted: they may be secrets.
    pub fn parse_yaml(file: &str, text: &str) -> Result<Inventory, RuleError> {
        // The YAML parser takes time quadratic in the nesting of flow collections (100,000 `[` took
        // 24 s): refuse what no inventory needs before parsing.
        if let Some(line) = flow_nesting_over(text, MAX_YAML_NESTING) {
            return Err(RuleError::Parse {
                file: format!("{file}:{line}"),
                message: format!("nested more than {MAX_YAML_NESTING} levels deep"),
            });
        }
        let raw: RawYamlInventory = yaml_serde::from_str(text).map_err(|e| {
            let place = match e.location() {
                Some(l) => format!("{file}:{}", l.line()),
                None => file.to_string(),
            };
            // The parser appends "at line L column C"; the location is already in `place`.
            let message = e.to_string();
            let message = message
                .split(" at line ")
                .next()
                .unwrap_or(&message)
                .to_string();
            RuleError::Parse {
                file: place,
                message: rules::redact_quoted(&message),
            }
        })?;
        let entries = raw
            .credentials
            .iter()
            .enumerate()
            .map(|(i, r)| (format!("{file}: credentials[{i}]"), r));
        Inventory::build(entries)
    }

    /// Parses inventory TOML; errors name the file, the line and the field.
    pub fn parse(file: &str, text: &str) -> Result<Inventory, RuleError> {
        let raw: RawInventory =
            toml::from_str(text).map_err(|e| rules::toml_error(file, text, &e))?;
        let entries = raw.credentials.iter().map(|spanned| {
            (
                format!("{file}:{}", rules::line_of(text, spanned.span().start)),
                spanned.get_ref(),
            )
        });
        Inventory::build(entries)
    }

    /// Checks and compiles raw entries, each with the place (file and line, or entry) errors name.
    fn build<'a>(
        raw: impl Iterator<Item = (String, &'a RawEntry)>,
    ) -> Result<Inventory, RuleError> {
        let mut entries = Vec::new();
        for (place, r) in raw {
            let at = |message: String| RuleError::Parse {
                file: place.clone(),
                message,
            };
            if r.fingerprint.is_none() && r.rule.is_none() && r.path.is_none() {
                return Err(at(
                    "an entry needs `fingerprint`, or `rule` and/or `path`".into()
                ));
            }
            let date = |v: &Option<String>| v.as_deref().map(parse_date).transpose().map_err(&at);
            entries.push(Entry {
                fingerprint: r.fingerprint.clone(),
                rule: r.rule.clone(),
                path: r
                    .path
                    .as_deref()
                    .map(|p| PathPatterns::new([p]))
                    .transpose()
                    .map_err(|(_, e)| at(format!("path: {e}")))?,
                owner: r.owner.clone(),
                purpose: r.purpose.clone(),
                created: date(&r.created)?,
                expires: date(&r.expires)?,
                rotate_every: r
                    .rotate_every
                    .as_deref()
                    .map(parse_period)
                    .transpose()
                    .map_err(&at)?,
            });
        }
        Ok(Inventory { entries })
    }

    /// The first entry (in file order) that covers `f`.
    pub fn entry_for(&self, f: &Finding) -> Option<&Entry> {
        self.entries.iter().find(|e| e.matches(f))
    }
}

/// Applies the inventory: matching findings take the entry's owner (`owner_source = "inventory"`, which
/// beats CODEOWNERS). Returns each credential's governance: the worst verdict of the entries covering
/// any of its findings (expired, then rotation overdue, then governed); credentials not listed are
/// ungoverned.
pub fn apply(
    findings: &mut [Finding],
    inventory: &Inventory,
    today: Date,
) -> std::collections::HashMap<crate::finding::Fingerprint, Governance> {
    let mut verdicts: std::collections::HashMap<crate::finding::Fingerprint, Governance> =
        Default::default();
    for f in findings.iter_mut() {
        let Some(entry) = inventory.entry_for(f) else {
            continue;
        };
        f.owners = vec![entry.owner.clone()];
        f.owner_source = Some("inventory".into());
        let verdict = entry.governance(today);
        let rank = |g: Governance| match g {
            Governance::Expired => 3,
            Governance::RotationOverdue => 2,
            Governance::Governed => 1,
            Governance::Ungoverned => 0,
        };
        let slot = verdicts
            .entry(f.fingerprint.clone())
            .or_insert(Governance::Governed);
        if rank(verdict) > rank(*slot) {
            *slot = verdict;
        }
    }
    verdicts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        parse_date(s).unwrap()
    }

    #[test]
    fn expiry_and_rotation_against_a_fixed_today() {
        let inv = Inventory::parse(
            "inv.toml",
            "[[credentials]]\nrule = \"x.y\"\nowner = \"@a\"\ncreated = \"2025-01-01\"\nrotate_every = \"90d\"\n\n\
             [[credentials]]\nfingerprint = \"ff\"\nowner = \"@b\"\nexpires = \"2025-06-01\"\n",
        )
        .unwrap();
        let rot = &inv.entries[0];
        assert_eq!(rot.governance(date("2025-03-31")), Governance::Governed);
        assert_eq!(
            rot.governance(date("2025-04-01")),
            Governance::RotationOverdue
        );
        let exp = &inv.entries[1];
        assert_eq!(exp.governance(date("2025-05-31")), Governance::Governed);
        assert_eq!(exp.governance(date("2025-06-01")), Governance::Expired);
    }

    #[test]
    fn yaml_inventory_parses_like_toml_and_errors_name_the_place() {
        let inv = Inventory::parse_yaml(
            "inv.yaml",
            "credentials:\n  - rule: x.y\n    path: \"deploy/**\"\n    owner: \"@a\"\n    created: \"2025-01-01\"\n    rotate_every: 90d\n  - fingerprint: ff\n    owner: \"@b\"\n    expires: \"2025-06-01\"\n",
        )
        .unwrap();
        assert_eq!(inv.entries.len(), 2);
        assert_eq!(inv.entries[0].owner, "@a");
        assert_eq!(
            inv.entries[0].governance(date("2025-04-01")),
            Governance::RotationOverdue
        );
        assert_eq!(inv.entries[1].owner, "@b");
        assert_eq!(
            inv.entries[1].governance(date("2025-06-01")),
            Governance::Expired
        );
        let err = Inventory::parse_yaml(
            "inv.yaml",
            "credentials:\n  - rule: x\n    owner: \"@a\"\n  - rule: y\n    owner: \"@b\"\n    expires: soon\n",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "inv.yaml: credentials[1]: invalid date \"soon\" (expected YYYY-MM-DD)"
        );
        // A secret pasted into the wrong field is not echoed by the parser error.
        let err = Inventory::parse_yaml(
            "inv.yaml",
            "credentials:\n  - rule: x\n    owner: [\"ghp_R7tZk2mQ9vXw4LpB8nHc3sJd6fYg1aUe5oTi\"]\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("inv.yaml:3: "), "{err}");
        assert!(!err.contains("ghp_R7tZk2"), "{err}");
    }

    #[test]
    fn bad_entries_name_the_line() {
        let err = Inventory::parse("inv.toml", "\n[[credentials]]\nowner = \"@a\"\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "inv.toml:2: an entry needs `fingerprint`, or `rule` and/or `path`"
        );
        let err = Inventory::parse(
            "inv.toml",
            "[[credentials]]\nrule = \"x\"\nowner = \"@a\"\nexpires = \"soon\"\n",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "inv.toml:1: invalid date \"soon\" (expected YYYY-MM-DD)"
        );
        let err = Inventory::parse(
            "inv.toml",
            "[[credentials]]\nrule = \"x\"\nowner = \"@a\"\nrotate_every = \"3 months\"\n",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "inv.toml:1: invalid period \"3 months\" (expected e.g. 90d or 12w)"
        );
    }
}
