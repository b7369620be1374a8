//! Reads a gitleaks configuration (`[[rules]]` with `regex`, `secretGroup`, `entropy`, `keywords`, and a
//! top-level `[allowlist]`) as a sprawl config, for teams migrating from gitleaks. Whatever has no sprawl
//! equivalent is an error naming the file, the line and the field, never silently dropped.
//!
//! Mapping: each rule becomes `gitleaks.<id>` (provider `gitleaks`, confidence medium); `secretGroup`
//! picks the secret (default: the first group if the regex has one, else the whole match, as gitleaks
//! does); a rule without keywords runs on every blob. Allowlist `regexes` and `stopwords` drop secrets;
//! `paths` (regexes) drop files.

use std::sync::Arc;

use serde::Deserialize;

use super::FileConfig;
use crate::rules::{self, Confidence, Rule, RuleError, RuleMeta, RuleOrigin, DEFAULT_WINDOW};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GlConfig {
    #[serde(default)]
    #[allow(dead_code)] // read so that it is accepted; it has no effect
    title: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    description: Option<String>,
    #[serde(default)]
    extend: Option<toml::Spanned<GlExtend>>,
    #[serde(default)]
    rules: Vec<toml::Spanned<GlRule>>,
    #[serde(default)]
    allowlist: Option<toml::Spanned<GlAllowlist>>,
    #[serde(default)]
    allowlists: Vec<toml::Spanned<GlAllowlist>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GlExtend {
    #[serde(default, rename = "useDefault")]
    #[allow(dead_code)] // sprawl always has its built-in rules
    use_default: Option<bool>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default, rename = "disabledRules")]
    disabled_rules: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GlRule {
    id: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    regex: Option<String>,
    #[serde(default, rename = "secretGroup")]
    secret_group: Option<usize>,
    #[serde(default)]
    entropy: Option<f64>,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    tags: Vec<String>,
    #[serde(default)]
    allowlist: Option<toml::Value>,
    #[serde(default)]
    allowlists: Option<toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GlAllowlist {
    #[serde(default)]
    #[allow(dead_code)]
    description: Option<String>,
    #[serde(default)]
    regexes: Vec<String>,
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    stopwords: Vec<String>,
    #[serde(default)]
    commits: Vec<String>,
    #[serde(default, rename = "regexTarget")]
    regex_target: Option<String>,
    #[serde(default)]
    condition: Option<String>,
}

/// True if `value` (a parsed TOML document) is in gitleaks' format rather than sprawl's.
pub fn looks_like_gitleaks(value: &toml::Table) -> bool {
    ["title", "extend", "allowlists"]
        .iter()
        .any(|k| value.contains_key(*k))
        || value
            .get("rules")
            .and_then(|r| r.as_array())
            .is_some_and(|rules| {
                rules
                    .iter()
                    .any(|r| r.get("regex").is_some() && r.get("pattern").is_none())
            })
}

/// Converts a gitleaks config.
pub fn convert(file: &str, text: &str) -> Result<FileConfig, RuleError> {
    let gl: GlConfig = toml::from_str(text).map_err(|e| rules::toml_error(file, text, &e))?;
    let at = |span: std::ops::Range<usize>, message: String| RuleError::Parse {
        file: format!("{file}:{}", rules::line_of(text, span.start)),
        message: format!("gitleaks config: {message}"),
    };
    let mut config = FileConfig::default();
    if let Some(ext) = &gl.extend {
        if ext.get_ref().path.is_some() {
            return Err(at(
                ext.span(),
                "[extend] path is not supported: merge the configs into one file".into(),
            ));
        }
        config.disabled_rules = ext.get_ref().disabled_rules.clone();
    }
    for spanned in &gl.rules {
        let r = spanned.get_ref();
        let unsupported = |what: &str| at(spanned.span(), format!("rule `{}`: {what}", r.id));
        if r.path.is_some() {
            return Err(unsupported(
                "`path` (rules that match file names) is not supported",
            ));
        }
        if r.allowlist.is_some() || r.allowlists.is_some() {
            return Err(unsupported(
                "per-rule allowlists are not supported: move them to the top-level [allowlist]",
            ));
        }
        let Some(regex) = &r.regex else {
            return Err(unsupported("has no `regex`"));
        };
        let groups = regex::Regex::new(regex)
            .map_err(|e| unsupported(&format!("invalid regex: {}", rules::regex_error(&e))))?
            .captures_len();
        let secret_group = match r.secret_group {
            Some(n) if n > 0 => n,
            _ if groups > 1 => 1,
            _ => 0,
        };
        let slug: String =
            r.id.to_ascii_lowercase()
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || "._-".contains(c) {
                        c
                    } else {
                        '-'
                    }
                })
                .collect();
        config.rules.push(Rule {
            meta: Arc::new(RuleMeta {
                id: format!("gitleaks.{slug}"),
                name: r.description.clone().unwrap_or_else(|| r.id.clone()),
                provider: "gitleaks".into(),
                confidence: Confidence::Medium,
                companion: false,
                fix: "Revoke or rotate this credential at its provider, then remove it from the code and its history.".into(),
            }),
            keywords: r.keywords.iter().filter(|k| !k.is_empty()).cloned().collect(),
            pattern: regex.clone(),
            min_entropy: r.entropy,
            window: DEFAULT_WINDOW,
            secret_group: Some(secret_group),
            examples: Vec::new(),
            negative_examples: Vec::new(),
            documented: Vec::new(),
            validate: None,
            origin: RuleOrigin {
                file: file.to_string(),
                line: rules::line_of(text, spanned.span().start),
            },
        });
    }
    for allow in gl.allowlist.iter().chain(gl.allowlists.iter()) {
        let a = allow.get_ref();
        if !a.commits.is_empty() {
            return Err(at(
                allow.span(),
                "allowlist `commits` is not supported: use a baseline".into(),
            ));
        }
        if a.regex_target.as_deref().is_some_and(|t| t != "secret") {
            return Err(at(
                allow.span(),
                "allowlist `regexTarget` other than \"secret\" is not supported".into(),
            ));
        }
        if a.condition
            .as_deref()
            .is_some_and(|c| !c.eq_ignore_ascii_case("or"))
        {
            return Err(at(
                allow.span(),
                "allowlist `condition = \"AND\"` is not supported".into(),
            ));
        }
        for re in &a.regexes {
            config
                .allow_regexes
                .push(regex::bytes::Regex::new(re).map_err(|e| {
                    at(
                        allow.span(),
                        format!("allowlist regex: {}", rules::regex_error(&e)),
                    )
                })?);
        }
        for (n, word) in a.stopwords.iter().enumerate() {
            // An escaped literal always parses, but a long enough one exceeds the regex size limit.
            let re = format!("(?i){}", regex::escape(word));
            config
                .allow_regexes
                .push(regex::bytes::Regex::new(&re).map_err(|e| {
                    at(
                        allow.span(),
                        format!("allowlist stopword {}: {}", n + 1, rules::regex_error(&e)),
                    )
                })?);
        }
        for p in &a.paths {
            config
                .exclude_path_regexes
                .push(regex::Regex::new(p).map_err(|e| {
                    at(
                        allow.span(),
                        format!("allowlist path regex: {}", rules::regex_error(&e)),
                    )
                })?);
        }
    }
    Ok(config)
}
