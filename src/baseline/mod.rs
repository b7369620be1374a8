//! Baselines: the credentials a team has accepted, so that a scan reports only new ones.
//!
//! Keyed by the credential fingerprint (a hash of rule id and secret value), never by path or line:
//! moving code, inserting lines above a secret or reformatting a file does not resurrect it, and a
//! *different* secret on a baselined line is still reported. The file holds no secret values, is sorted
//! by fingerprint with one entry per line (so two branches that add entries merge cleanly), and records
//! when each entry was added and why.
//!
//! Formats read: version 1 (written here); version 0, a bare JSON array of fingerprints; and a sprawl
//! JSON report (its `credentials`), so a saved report can seed a baseline. [`import`] reads other
//! scanners' baselines and ignore files.

pub mod import;

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::finding::Fingerprint;

/// The version this build writes.
pub const VERSION: u32 = 1;

/// One accepted credential.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub fingerprint: Fingerprint,
    pub rule_id: String,
    /// `YYYY-MM-DD`.
    pub added: String,
    pub reason: Option<String>,
}

/// A loaded baseline, keyed by fingerprint.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Baseline {
    pub entries: BTreeMap<Fingerprint, Entry>,
}

/// A baseline file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("{path}: {message}")]
    Read { path: String, message: String },
    #[error("{path}: baseline version {version} is newer than this sprawl understands (up to {VERSION}); upgrade sprawl")]
    TooNew { path: String, version: u64 },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileV1 {
    version: u64,
    entries: Vec<Entry>,
}

#[derive(Deserialize)]
struct ReportCredential {
    fingerprint: Fingerprint,
    rule_id: String,
}

impl Baseline {
    pub fn contains(&self, fp: &Fingerprint) -> bool {
        self.entries.contains_key(fp)
    }

    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let p = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| BaselineError::Read {
            path: p.clone(),
            message: e.to_string(),
        })?;
        Baseline::parse(&p, &text)
    }

    /// Reads any supported format. Errors never quote the file's content.
    pub fn parse(path: &str, text: &str) -> Result<Baseline, BaselineError> {
        let bad = |message: String| BaselineError::Read {
            path: path.to_string(),
            message,
        };
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            bad(format!(
                "not JSON (line {}, column {})",
                e.line(),
                e.column()
            ))
        })?;
        let entries: Vec<Entry> = if value.is_array() {
            // Version 0: a bare list of fingerprints.
            let fps: Vec<Fingerprint> = serde_json::from_value(value)
                .map_err(|_| bad("version 0 baseline must be an array of fingerprints".into()))?;
            fps.into_iter()
                .map(|fingerprint| Entry {
                    fingerprint,
                    rule_id: String::new(),
                    added: String::new(),
                    reason: None,
                })
                .collect()
        } else if value.get("schema_version").is_some() {
            // A sprawl JSON report.
            let creds: Vec<ReportCredential> =
                serde_json::from_value(value.get("credentials").cloned().unwrap_or_default())
                    .map_err(|_| bad("report has no valid `credentials` list".into()))?;
            creds
                .into_iter()
                .map(|c| Entry {
                    fingerprint: c.fingerprint,
                    rule_id: c.rule_id,
                    added: String::new(),
                    reason: None,
                })
                .collect()
        } else {
            let version = value.get("version").and_then(|v| v.as_u64()).unwrap_or(0);
            if version > u64::from(VERSION) {
                return Err(BaselineError::TooNew {
                    path: path.to_string(),
                    version,
                });
            }
            let file: FileV1 =
                serde_json::from_value(value).map_err(|e| bad(format!("invalid baseline: {e}")))?;
            let _ = file.version;
            file.entries
        };
        Ok(Baseline {
            entries: entries
                .into_iter()
                .map(|e| (e.fingerprint.clone(), e))
                .collect(),
        })
    }

    /// The baseline for the credentials found now: entries already in `previous` keep their date and
    /// reason; new ones get `today` and `reason`. Credentials no longer found are dropped (prune).
    pub fn from_current(
        current: impl IntoIterator<Item = (Fingerprint, String)>,
        previous: &Baseline,
        today: &str,
        reason: Option<&str>,
    ) -> Baseline {
        let mut entries = BTreeMap::new();
        for (fingerprint, rule_id) in current {
            let entry = match previous.entries.get(&fingerprint) {
                Some(old) => Entry {
                    rule_id: rule_id.clone(),
                    added: if old.added.is_empty() {
                        today.to_string()
                    } else {
                        old.added.clone()
                    },
                    ..old.clone()
                },
                None => Entry {
                    fingerprint: fingerprint.clone(),
                    rule_id,
                    added: today.to_string(),
                    reason: reason.map(str::to_string),
                },
            };
            entries.insert(fingerprint, entry);
        }
        Baseline { entries }
    }

    /// Keeps only entries whose fingerprint is in `found`.
    pub fn pruned(&self, found: &std::collections::HashSet<Fingerprint>) -> Baseline {
        Baseline {
            entries: self
                .entries
                .iter()
                .filter(|(fp, _)| found.contains(*fp))
                .map(|(fp, e)| (fp.clone(), e.clone()))
                .collect(),
        }
    }

    /// The file text: stable, sorted, one entry per line.
    pub fn to_text(&self) -> String {
        let mut out = format!("{{\n  \"version\": {VERSION},\n  \"entries\": [");
        let n = self.entries.len();
        for (i, e) in self.entries.values().enumerate() {
            out.push_str("\n    ");
            out.push_str(&serde_json::to_string(e).expect("entries serialise"));
            if i + 1 < n {
                out.push(',');
            }
        }
        if n > 0 {
            out.push_str("\n  ");
        }
        out.push_str("]\n}\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fp(s: &str) -> Fingerprint {
        Fingerprint(s.to_string())
    }

    #[test]
    fn text_is_sorted_one_entry_per_line_and_round_trips() {
        let b = Baseline::from_current(
            vec![(fp("bb"), "x.b".to_string()), (fp("aa"), "x.a".to_string())],
            &Baseline::default(),
            "2026-01-02",
            Some("legacy test fixture"),
        );
        let text = b.to_text();
        assert_eq!(
            text,
            "{\n  \"version\": 1,\n  \"entries\": [\n    {\"fingerprint\":\"aa\",\"rule_id\":\"x.a\",\"added\":\"2026-01-02\",\"reason\":\"legacy test fixture\"},\n    {\"fingerprint\":\"bb\",\"rule_id\":\"x.b\",\"added\":\"2026-01-02\",\"reason\":\"legacy test fixture\"}\n  ]\n}\n"
        );
        assert_eq!(Baseline::parse("b.json", &text).unwrap(), b);
        assert_eq!(
            Baseline::default().to_text(),
            "{\n  \"version\": 1,\n  \"entries\": []\n}\n"
        );
    }

    #[test]
    fn recreating_keeps_dates_and_reasons_of_existing_entries() {
        let old = Baseline::from_current(
            vec![(fp("aa"), "x.a".into())],
            &Baseline::default(),
            "2025-05-05",
            Some("why"),
        );
        let new = Baseline::from_current(
            vec![(fp("aa"), "x.a".into()), (fp("cc"), "x.c".into())],
            &old,
            "2026-06-06",
            None,
        );
        assert_eq!(new.entries[&fp("aa")].added, "2025-05-05");
        assert_eq!(new.entries[&fp("aa")].reason.as_deref(), Some("why"));
        assert_eq!(new.entries[&fp("cc")].added, "2026-06-06");
    }

    #[test]
    fn older_and_newer_versions() {
        let v0 = Baseline::parse("b.json", "[\"aa\", \"bb\"]").unwrap();
        assert!(v0.contains(&fp("aa")) && v0.contains(&fp("bb")));
        let err = Baseline::parse("b.json", "{\"version\": 9, \"entries\": []}")
            .unwrap_err()
            .to_string();
        assert_eq!(err, "b.json: baseline version 9 is newer than this sprawl understands (up to 1); upgrade sprawl");
        let err = Baseline::parse("b.json", "{not json")
            .unwrap_err()
            .to_string();
        assert_eq!(err, "b.json: not JSON (line 1, column 2)");
    }
}
