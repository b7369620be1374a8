//! The rule model: what a detector is, how rule files (`rules/<provider>.toml`, or `[[rules]]` in a
//! config) are parsed and checked for shape. Compiling and running rules is the engine's job.
//!
//! Every error names the file, the line and the rule, so a broken custom rule is fixed in one look.

pub mod check;

use std::sync::Arc;

use serde::Deserialize;

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// How much a match of a rule means on its own.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// What reports need to know about a rule; shared by every finding of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleMeta {
    pub id: String,
    pub name: String,
    pub provider: String,
    pub confidence: Confidence,
    pub fix: String,
}

/// Default number of bytes after a keyword hit that a match may reach.
pub const DEFAULT_WINDOW: usize = 1024;

/// A rule as loaded: plain data, not compiled.
#[derive(Clone, Debug)]
pub struct Rule {
    pub meta: Arc<RuleMeta>,
    pub keywords: Vec<String>,
    pub pattern: String,
    pub min_entropy: Option<f64>,
    pub window: usize,
    pub examples: Vec<String>,
    pub negative_examples: Vec<String>,
    /// Where the rule was defined, for error messages.
    pub origin: RuleOrigin,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleOrigin {
    pub file: String,
    pub line: usize,
}

impl std::fmt::Display for RuleOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// A rule file or config that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    #[error("{file}: {message}")]
    Parse { file: String, message: String },
    #[error("{origin}: rule `{id}`: {message}")]
    Invalid {
        origin: RuleOrigin,
        id: String,
        message: String,
    },
}

/// A rule exactly as written in TOML.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub provider: Option<String>,
    pub keywords: Vec<String>,
    pub pattern: String,
    pub confidence: Confidence,
    #[serde(default)]
    pub min_entropy: Option<f64>,
    #[serde(default)]
    pub window: Option<usize>,
    #[serde(default)]
    pub fix: Option<String>,
    #[serde(default)]
    pub examples: Vec<String>,
    #[serde(default)]
    pub negative_examples: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRuleFile {
    #[serde(default)]
    provider: Option<String>,
    #[serde(default)]
    rules: Vec<toml::Spanned<RawRule>>,
}

/// 1-based line of byte `offset` in `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Parses a rule file (`provider = "…"` and `[[rules]]`).
pub fn parse_rule_file(file: &str, text: &str) -> Result<Vec<Rule>, RuleError> {
    let raw: RawRuleFile = toml::from_str(text).map_err(|e| RuleError::Parse {
        file: file.to_string(),
        message: e.to_string().trim_end().to_string(),
    })?;
    raw.rules
        .into_iter()
        .map(|spanned| {
            let origin = RuleOrigin {
                file: file.to_string(),
                line: line_of(text, spanned.span().start),
            };
            from_raw(spanned.into_inner(), raw.provider.as_deref(), origin)
        })
        .collect()
}

/// Turns a raw rule into a [`Rule`], checking its shape (not its regex: that is compiled by the engine).
pub fn from_raw(
    raw: RawRule,
    file_provider: Option<&str>,
    origin: RuleOrigin,
) -> Result<Rule, RuleError> {
    let invalid = |message: String| RuleError::Invalid {
        origin: origin.clone(),
        id: raw.id.clone(),
        message,
    };
    let id_ok = !raw.id.is_empty()
        && raw.id.contains('.')
        && raw
            .id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if !id_ok {
        return Err(invalid(
            "id must look like `provider.name` (lowercase letters, digits, `.`, `_`, `-`)".into(),
        ));
    }
    let provider = match (raw.provider.as_deref(), file_provider) {
        (Some(p), _) | (None, Some(p)) => p.to_string(),
        (None, None) => raw.id.split('.').next().unwrap_or_default().to_string(),
    };
    if raw.keywords.is_empty() {
        return Err(invalid("needs at least one keyword".into()));
    }
    for k in &raw.keywords {
        if k.len() < 3 || !k.is_ascii() {
            return Err(invalid(format!(
                "keyword {k:?} must be ASCII and at least 3 characters"
            )));
        }
    }
    if !raw.pattern.contains("?P<secret>") && !raw.pattern.contains("?<secret>") {
        return Err(invalid("pattern needs a named group `secret`".into()));
    }
    if let Some(e) = raw.min_entropy {
        if !(0.0..=8.0).contains(&e) {
            return Err(invalid(format!("min_entropy {e} is outside 0..8")));
        }
    }
    Ok(Rule {
        meta: Arc::new(RuleMeta {
            id: raw.id.clone(),
            name: raw.name,
            provider,
            confidence: raw.confidence,
            fix: raw.fix.unwrap_or_else(|| {
                "Revoke or rotate this credential at its provider, then remove it from the code and its history."
                    .to_string()
            }),
        }),
        keywords: raw.keywords,
        pattern: raw.pattern,
        min_entropy: raw.min_entropy,
        window: raw.window.unwrap_or(DEFAULT_WINDOW),
        examples: raw.examples,
        negative_examples: raw.negative_examples,
        origin,
    })
}

/// Every built-in rule, in file order. Fails only if a rule file shipped broken (a test guards it).
pub fn builtin() -> Result<Vec<Rule>, RuleError> {
    let mut out = Vec::new();
    for (name, text) in BUILTIN_RULE_FILES {
        out.extend(parse_rule_file(&format!("rules/{name}"), text)?);
    }
    Ok(out)
}

/// Rejects duplicate ids: fingerprints and baselines are keyed by them.
pub fn check_unique_ids(rules: &[Rule]) -> Result<(), RuleError> {
    let mut seen: std::collections::HashMap<&str, &RuleOrigin> = Default::default();
    for r in rules {
        if let Some(first) = seen.insert(&r.meta.id, &r.origin) {
            return Err(RuleError::Invalid {
                origin: r.origin.clone(),
                id: r.meta.id.clone(),
                message: format!("duplicate id (first defined at {first})"),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_error_names_file_and_line() {
        let text = "provider = \"x\"\n[[rules]]\nid = \"x.a\"\nname = 3\n";
        let err = parse_rule_file("custom.toml", text)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("custom.toml: TOML parse error at line 4"),
            "{err}"
        );
    }

    #[test]
    fn invalid_rule_names_file_line_and_id() {
        let text = "provider = \"x\"\n\n[[rules]]\nid = \"x.a\"\nname = \"A\"\nkeywords = [\"ab\"]\npattern = '(?P<secret>ab)'\nconfidence = \"low\"\n";
        let err = parse_rule_file("custom.toml", text)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "custom.toml:3: rule `x.a`: keyword \"ab\" must be ASCII and at least 3 characters"
        );
    }

    #[test]
    fn builtin_rules_load_with_unique_ids() {
        let rules = builtin().expect("built-in rules parse");
        check_unique_ids(&rules).expect("unique ids");
    }
}
