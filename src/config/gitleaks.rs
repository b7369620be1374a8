//! Reads a gitleaks configuration (v8 syntax, up to gitleaks 8.30) as a sprawl config, for teams
//! migrating from gitleaks: `title`, `minVersion`, `[extend]` (`useDefault`, `path`, `disabledRules`),
//! `[[rules]]` (`regex`, `secretGroup`, `entropy`, `keywords`, `path`, `tags`, path-only rules, per-rule
//! `[rules.allowlist]` and `[[rules.allowlists]]`), and the top-level `[allowlist]` and `[[allowlists]]`
//! (with `targetRules`). Whatever changes what is found and has no sprawl equivalent (composite
//! `[[rules.required]]`, `skipReport`, `[extend] url`) is an error naming the file, the line and the
//! field, never silently dropped.
//!
//! Mapping: each rule becomes `gitleaks.<id>` (provider `gitleaks`, confidence medium). `secretGroup`
//! picks the secret (default: the first group that matched, else the whole match, as gitleaks does);
//! `entropy` keeps secrets whose Shannon entropy is above it; a rule runs over the whole blob once one
//! of its keywords is anywhere in it ([`WHOLE_BLOB`]), and without keywords on every blob; a rule with `path` reports only in files whose path matches, and one with only a `path`
//! reports the file itself. Allowlists become [`Allowlist`]s, the same machinery as sprawl's own.
//! `[extend] useDefault = true` means sprawl's built-in rules (gitleaks' default rules are not
//! sprawl's); without it only the file's rules run, as in gitleaks.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use super::FileConfig;
use crate::engine::allow::{Allowlist, Target};
use crate::rules::{
    self, Confidence, Rule, RuleError, RuleMeta, RuleOrigin, FIRST_GROUP, WHOLE_BLOB,
};

/// The newest gitleaks release whose configuration syntax this module reads.
pub const SYNTAX_VERSION: (u64, u64) = (8, 30);

/// How deep `[extend] path` may chain (gitleaks' limit: the file, and two below it).
const MAX_EXTEND_DEPTH: usize = 2;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GlConfig {
    #[serde(default)]
    #[allow(dead_code)] // accepted; it changes nothing that is found
    title: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    description: Option<String>,
    #[serde(default, rename = "minVersion", alias = "minversion")]
    min_version: Option<toml::Spanned<String>>,
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
    #[serde(default, rename = "useDefault", alias = "usedefault")]
    use_default: bool,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default, rename = "disabledRules", alias = "disabledrules")]
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
    #[serde(default, rename = "secretGroup", alias = "secretgroup")]
    secret_group: Option<usize>,
    #[serde(default)]
    entropy: Option<f64>,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    #[allow(dead_code)] // gitleaks prints tags; they change nothing that is found
    tags: Vec<String>,
    #[serde(default)]
    allowlist: Option<toml::Spanned<GlAllowlist>>,
    #[serde(default)]
    allowlists: Vec<toml::Spanned<GlAllowlist>>,
    #[serde(default)]
    required: Option<toml::Value>,
    #[serde(default, rename = "skipReport", alias = "skipreport")]
    skip_report: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GlAllowlist {
    #[serde(default)]
    #[allow(dead_code)]
    description: Option<String>,
    #[serde(default)]
    condition: Option<String>,
    #[serde(default)]
    commits: Vec<String>,
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default, rename = "regexTarget", alias = "regextarget")]
    regex_target: Option<String>,
    #[serde(default)]
    regexes: Vec<String>,
    #[serde(default)]
    stopwords: Vec<String>,
    /// Top-level allowlists only: the gitleaks rule ids it applies to.
    #[serde(default, rename = "targetRules", alias = "targetrules")]
    target_rules: Vec<String>,
}

/// True if `value` (a parsed TOML document) is in gitleaks' format rather than sprawl's: a key only
/// gitleaks has, an `[allowlist]` with a gitleaks-only field, or a rule with `regex` or `path`.
pub fn looks_like_gitleaks(value: &toml::Table) -> bool {
    const ALLOWLIST_ONLY: [&str; 6] = [
        "description",
        "stopwords",
        "commits",
        "regexTarget",
        "condition",
        "targetRules",
    ];
    ["title", "description", "extend", "allowlists", "minVersion"]
        .iter()
        .any(|k| value.contains_key(*k))
        || value
            .get("allowlist")
            .and_then(|a| a.as_table())
            .is_some_and(|a| ALLOWLIST_ONLY.iter().any(|k| a.contains_key(*k)))
        || value
            .get("rules")
            .and_then(|r| r.as_array())
            .is_some_and(|rules| {
                rules.iter().any(|r| {
                    (r.get("regex").is_some() || r.get("path").is_some())
                        && r.get("pattern").is_none()
                })
            })
}

/// A rule as read, before it becomes a sprawl rule (extended configs merge into it by id).
struct RuleDef {
    id: String,
    origin: RuleOrigin,
    description: Option<String>,
    regex: Option<String>,
    secret_group: Option<usize>,
    entropy: Option<f64>,
    keywords: Vec<String>,
    path: Option<String>,
    allowlists: Vec<Allowlist>,
}

/// A top-level allowlist and the gitleaks rule ids it targets (empty: every rule).
struct GlobalAllow {
    at: String,
    targets: Vec<String>,
    allowlist: Allowlist,
}

/// One file, with what it extends merged in.
struct Read {
    rules: Vec<RuleDef>,
    allowlists: Vec<GlobalAllow>,
    use_default: bool,
    /// Disabled ids that are not rules of the extended config: sprawl rule ids, or mistakes.
    disabled: Vec<String>,
    warnings: Vec<String>,
}

/// Converts a gitleaks config.
pub fn convert(file: &str, text: &str) -> Result<FileConfig, RuleError> {
    let read = read(file, text, 0)?;
    let mut config = FileConfig {
        builtin_rules: read.use_default,
        warnings: read.warnings,
        ..FileConfig::default()
    };
    let sprawl_id = |id: &str| format!("gitleaks.{}", slug(id));
    for id in read.disabled {
        let builtin = rules::BUILTIN_STATIC.iter().any(|r| r.id == id);
        if !(builtin && read.use_default) {
            config.warnings.push(format!(
                "[extend] disabledRules: `{id}` is not a rule of the extended config{}",
                if read.use_default {
                    " nor a sprawl built-in rule (sprawl's built-in rules stand for gitleaks' default ones: list them with `sprawl rules list`)"
                } else {
                    ""
                }
            ));
        }
        config.disabled_rules.push(id);
    }
    for g in read.allowlists {
        if g.targets.is_empty() {
            config.allowlists.push(g.allowlist);
            continue;
        }
        let mut rules = Vec::new();
        for t in &g.targets {
            if read.rules.iter().any(|r| r.id == *t) {
                rules.push(sprawl_id(t));
            } else if read.use_default && rules::BUILTIN_STATIC.iter().any(|r| r.id == t) {
                rules.push(t.clone());
            } else {
                return Err(RuleError::Parse {
                    file: g.at.clone(),
                    message: format!(
                        "gitleaks config: [[allowlists]] targetRules: rule `{t}` does not exist"
                    ),
                });
            }
        }
        config.allowlists.push(Allowlist {
            rules,
            ..g.allowlist
        });
    }
    for def in read.rules {
        // With useDefault, a rule with only allowlists that names a sprawl built-in rule amends it, as
        // such a rule amends gitleaks' default rule of its id in gitleaks.
        let amends_builtin = read.use_default
            && def.regex.is_none()
            && def.path.is_none()
            && rules::BUILTIN_STATIC.iter().any(|r| r.id == def.id);
        let id = if amends_builtin {
            def.id.clone()
        } else {
            let id = sprawl_id(&def.id);
            config.rules.push(to_rule(&def, &id, read.use_default)?);
            id
        };
        for a in def.allowlists {
            config.allowlists.push(Allowlist {
                rules: vec![id.clone()],
                ..a
            });
        }
    }
    Ok(config)
}

/// `id` as a sprawl rule id suffix: lowercase, characters other than `[a-z0-9._-]` as `-`.
fn slug(id: &str) -> String {
    id.to_ascii_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// Reads one file at extend depth `depth`, and what it extends.
fn read(file: &str, text: &str, depth: usize) -> Result<Read, RuleError> {
    let gl: GlConfig = toml::from_str(text).map_err(|e| rules::toml_error(file, text, &e))?;
    let at = Locator { file, text };
    let mut warnings = Vec::new();
    if let Some(v) = &gl.min_version {
        warnings.extend(version_warning(v, &at)?);
    }
    let mut rules = Vec::new();
    for spanned in &gl.rules {
        rules.push(rule_def(spanned, &at)?);
    }
    let mut allowlists = Vec::new();
    for a in gl.allowlist.iter().chain(&gl.allowlists) {
        allowlists.push(GlobalAllow {
            at: at.line(a.span()),
            targets: a.get_ref().target_rules.clone(),
            allowlist: allowlist(a.get_ref(), |m| at.error(a.span(), m))?,
        });
    }
    let out = Read {
        rules,
        allowlists,
        use_default: false,
        disabled: Vec::new(),
        warnings,
    };
    match &gl.extend {
        None => Ok(out),
        Some(ext) => extend(out, ext, &at, depth),
    }
}

/// Where in a gitleaks config file something is, for error messages.
struct Locator<'a> {
    file: &'a str,
    text: &'a str,
}

impl Locator<'_> {
    /// `file:line` of the start of `span`.
    fn line(&self, span: std::ops::Range<usize>) -> String {
        format!("{}:{}", self.file, rules::line_of(self.text, span.start))
    }

    /// A parse error at `span`, its message prefixed with `gitleaks config: `.
    fn error(&self, span: std::ops::Range<usize>, message: String) -> RuleError {
        RuleError::Parse {
            file: self.line(span),
            message: format!("gitleaks config: {message}"),
        }
    }
}

/// The warning for a `minVersion` newer than the syntax sprawl knows; an error when it is not a
/// version.
fn version_warning(
    v: &toml::Spanned<String>,
    at: &Locator<'_>,
) -> Result<Option<String>, RuleError> {
    let (major, minor) = parse_version(v.get_ref()).ok_or_else(|| {
        at.error(
            v.span(),
            "minVersion: expected a version such as \"v8.25.0\"".into(),
        )
    })?;
    Ok(((major, minor) > SYNTAX_VERSION).then(|| {
        format!(
            "minVersion {} is newer than the gitleaks syntax sprawl knows (up to {}.{}): fields it does not know are refused",
            v.get_ref().trim(),
            SYNTAX_VERSION.0,
            SYNTAX_VERSION.1
        )
    }))
}

/// One `[[rules]]` entry as a rule definition with its own allowlists; composite rules and
/// `targetRules` in a rule's allowlist are refused.
fn rule_def(spanned: &toml::Spanned<GlRule>, at: &Locator<'_>) -> Result<RuleDef, RuleError> {
    let r = spanned.get_ref();
    let field = |what: &str| at.error(spanned.span(), format!("rule `{}`: {what}", r.id));
    if r.required.is_some() {
        return Err(field(
            "[[rules.required]] (composite rules) is not supported: write one rule per part",
        ));
    }
    if r.skip_report {
        return Err(field(
            "`skipReport` (parts of composite rules) is not supported",
        ));
    }
    let mut allowlists = Vec::new();
    for a in r.allowlist.iter().chain(&r.allowlists) {
        if !a.get_ref().target_rules.is_empty() {
            return Err(at.error(
                a.span(),
                format!(
                    "rule `{}`: `targetRules` belongs in a top-level [[allowlists]]",
                    r.id
                ),
            ));
        }
        allowlists.push(allowlist(a.get_ref(), |m| at.error(a.span(), m))?);
    }
    Ok(RuleDef {
        id: r.id.clone(),
        origin: RuleOrigin {
            file: at.file.to_string(),
            line: rules::line_of(at.text, spanned.span().start),
        },
        description: r.description.clone(),
        regex: r.regex.as_deref().filter(|s| !s.is_empty()).map(go_regex),
        secret_group: r.secret_group,
        entropy: r.entropy.filter(|&e| e != 0.0),
        keywords: r.keywords.iter().map(|k| k.to_ascii_lowercase()).collect(),
        path: r.path.as_deref().filter(|s| !s.is_empty()).map(go_regex),
        allowlists,
    })
}

/// Applies `[extend]` to `out`, the file read at extend depth `depth`: the default rules, rules
/// disabled, or the extended file read and merged under it.
fn extend(
    mut out: Read,
    ext: &toml::Spanned<GlExtend>,
    at: &Locator<'_>,
    depth: usize,
) -> Result<Read, RuleError> {
    let e = ext.get_ref();
    if e.url.is_some() {
        return Err(at.error(
            ext.span(),
            "[extend] url is not supported (gitleaks does not implement it either): use `path`"
                .into(),
        ));
    }
    if e.use_default && e.path.is_some() {
        return Err(at.error(
            ext.span(),
            "[extend] useDefault and path cannot both be set (gitleaks refuses it too)".into(),
        ));
    }
    out.use_default = e.use_default;
    let Some(path) = &e.path else {
        out.disabled = e.disabled_rules.clone();
        return Ok(out);
    };
    if depth >= MAX_EXTEND_DEPTH {
        return Err(at.error(
            ext.span(),
            format!("[extend] path: configs extend at most {MAX_EXTEND_DEPTH} levels deep"),
        ));
    }
    let base_file = extended_path(at.file, path);
    let base_name = base_file.display().to_string();
    let base_text = std::fs::read_to_string(&base_file)
        .map_err(|err| at.error(ext.span(), format!("[extend] path {base_name}: {err}")))?;
    let base = read(&base_name, &base_text, depth + 1)?;
    merge(&mut out, base, &e.disabled_rules);
    Ok(out)
}

/// Where `[extend] path` points: relative paths are taken from the directory of the file naming them.
fn extended_path(file: &str, path: &str) -> PathBuf {
    let p = Path::new(path);
    if p.is_absolute() {
        return p.to_path_buf();
    }
    Path::new(file)
        .parent()
        .map_or_else(|| p.to_path_buf(), |dir| dir.join(p))
}

/// Merges an extended config into the one extending it, as gitleaks does: the base's rules are added
/// unless disabled; a rule in both takes the extending file's description, entropy, secret group, regex
/// and path where it sets them, and both files' keywords and allowlists; allowlists are appended.
fn merge(into: &mut Read, base: Read, disabled: &[String]) {
    into.disabled.extend(
        disabled
            .iter()
            .filter(|id| !base.rules.iter().any(|r| r.id == **id))
            .cloned(),
    );
    into.disabled.extend(base.disabled);
    for b in base.rules {
        if disabled.contains(&b.id) {
            continue;
        }
        match into.rules.iter_mut().find(|r| r.id == b.id) {
            None => into.rules.push(b),
            Some(r) => {
                r.description = r.description.take().or(b.description);
                r.entropy = r.entropy.or(b.entropy);
                r.secret_group = r.secret_group.filter(|&g| g != 0).or(b.secret_group);
                r.regex = r.regex.take().or(b.regex);
                r.path = r.path.take().or(b.path);
                let mut keywords = b.keywords;
                keywords.append(&mut r.keywords);
                r.keywords = keywords;
                let mut allowlists = b.allowlists;
                allowlists.append(&mut r.allowlists);
                r.allowlists = allowlists;
            }
        }
    }
    into.allowlists.extend(base.allowlists);
    into.use_default |= base.use_default;
    into.warnings.extend(base.warnings);
}

/// The sprawl rule for a gitleaks rule.
fn to_rule(def: &RuleDef, id: &str, use_default: bool) -> Result<Rule, RuleError> {
    let invalid = |message: String| RuleError::Parse {
        file: def.origin.to_string(),
        message: format!("gitleaks config: rule `{}`: {message}", def.id),
    };
    if let Some(p) = &def.path {
        crate::engine::compile_path(p).map_err(|e| invalid(format!("invalid path: {e}")))?;
    }
    let (pattern, secret_group) = match &def.regex {
        None if def.path.is_some() => (String::new(), None),
        None => {
            return Err(invalid(if use_default {
                "no `regex` or `path`: a rule that only amends gitleaks' default rule of the same id has nothing to amend in sprawl (its built-in rules are not gitleaks'); give it a `regex`, name the sprawl rule it amends (`sprawl rules list`), or use a top-level [[allowlists]]".into()
            } else {
                "no `regex` or `path`".into()
            }))
        }
        Some(regex) => {
            let groups = capture_groups(regex)
                .map_err(|e| invalid(format!("invalid regex: {}", rules::regex_error(&e))))?;
            let group = match def.secret_group {
                Some(n) if n > 0 && n < groups => n,
                Some(n) if n > 0 => {
                    return Err(invalid(format!(
                        "`secretGroup` {n} does not exist in the regex"
                    )))
                }
                _ if groups > 1 => FIRST_GROUP,
                _ => 0,
            };
            (regex.clone(), Some(group))
        }
    };
    Ok(Rule {
        meta: Arc::new(RuleMeta {
            id: id.to_string(),
            name: def.description.clone().unwrap_or_else(|| def.id.clone()),
            provider: "gitleaks".into(),
            confidence: Confidence::Medium,
            companion: false,
            revoke: None,
            fix: "Revoke or rotate this credential at its provider, then remove it from the code and its history.".into(),
        }),
        keywords: def.keywords.iter().filter(|k| !k.is_empty()).cloned().collect(),
        pattern,
        // gitleaks keeps a secret whose entropy is above `entropy`; sprawl keeps one at or above
        // `min_entropy`: the next float up makes them the same.
        min_entropy: def.entropy.map(next_up),
        // gitleaks runs a rule's regex over the whole file once a keyword is anywhere in it.
        window: WHOLE_BLOB,
        secret_group,
        path: def.path.clone(),
        examples: Vec::new(),
        negative_examples: Vec::new(),
        documented: Vec::new(),
        validate: None,
        origin: def.origin.clone(),
    })
}

/// How many capture groups `pattern` has, the whole match included (parsed, not compiled: the engine
/// compiles it once).
fn capture_groups(pattern: &str) -> Result<usize, regex::Error> {
    let parsed = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(pattern);
    match parsed {
        Ok(hir) => Ok(hir.properties().explicit_captures_len() + 1),
        // The regex crate's own message (which never quotes the pattern).
        Err(_) => regex::bytes::RegexBuilder::new(pattern)
            .unicode(false)
            .size_limit(16 << 20)
            .build()
            .map(|re| re.captures_len()),
    }
}

/// The smallest float above `x` (for the entropies gitleaks configs use: finite, at least 0).
fn next_up(x: f64) -> f64 {
    if x.is_finite() && x >= 0.0 {
        f64::from_bits(x.to_bits() + 1)
    } else {
        x
    }
}

/// A gitleaks (Go RE2) pattern in the syntax of the `regex` crate. They differ where RE2 takes a `{`
/// that starts no repetition (`{{ x }}`) as a literal and `regex` refuses it, and inside a class,
/// where RE2 reads `[`, `&&` and `~~` as literals and `regex` as nested classes and set operations:
/// those are escaped.
fn go_regex(pattern: &str) -> String {
    let bytes = pattern.as_bytes();
    let mut out = String::with_capacity(pattern.len() + 4);
    let mut in_class = false;
    let mut i = 0;
    while i < pattern.len() {
        let c = pattern[i..].chars().next().unwrap_or('\0');
        match c {
            '\\' => {
                let next = pattern[i + 1..].chars().next().map_or(0, char::len_utf8);
                out.push_str(&pattern[i..i + 1 + next]);
                i += 1 + next;
                continue;
            }
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                // A `]` (after an optional `^`) right at the start is a literal in both syntaxes.
                let mut j = i + 1;
                if bytes.get(j) == Some(&b'^') {
                    out.push('^');
                    j += 1;
                }
                if bytes.get(j) == Some(&b']') {
                    out.push_str("\\]");
                    j += 1;
                }
                i = j;
                continue;
            }
            ']' if in_class => in_class = false,
            // Literals in an RE2 class that `regex` reads as nested classes or set operators.
            '[' | '&' | '~' if in_class && !pattern[i..].starts_with("[:") => {
                out.push('\\');
            }
            '{' if !in_class && !is_repetition(&pattern[i..]) => {
                out.push_str("\\{");
                i += 1;
                continue;
            }
            _ => {}
        }
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// Whether `s` (starting at a `{`) is a repetition: `{n}`, `{n,}` or `{n,m}`.
fn is_repetition(s: &str) -> bool {
    let Some(end) = s.find('}') else {
        return false;
    };
    let inner = &s[1..end];
    let (min, max) = inner.split_once(',').unwrap_or((inner, "0"));
    !min.is_empty()
        && min.bytes().all(|b| b.is_ascii_digit())
        && max.bytes().all(|b| b.is_ascii_digit())
}

/// `v8.25.0`, `8.30`, `8` -> (major, minor).
fn parse_version(v: &str) -> Option<(u64, u64)> {
    let v = v.trim();
    let v = v.strip_prefix('v').unwrap_or(v);
    let mut parts = v.split(['.', '-', '+']);
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next().map_or(Some(0), |m| m.parse().ok())?;
    Some((major, minor))
}

/// A gitleaks allowlist as a sprawl [`Allowlist`] (for every rule; the caller scopes it). `err` makes
/// an error at the allowlist's line.
fn allowlist(a: &GlAllowlist, err: impl Fn(String) -> RuleError) -> Result<Allowlist, RuleError> {
    let all = match a
        .condition
        .as_deref()
        .map(str::to_ascii_uppercase)
        .as_deref()
    {
        None | Some("") | Some("OR") | Some("||") => false,
        Some("AND") | Some("&&") => true,
        Some(_) => return Err(err("allowlist `condition` must be \"AND\" or \"OR\"".into())),
    };
    let target = match a.regex_target.as_deref() {
        None | Some("") | Some("secret") => Target::Secret,
        Some("match") => Target::Match,
        Some("line") => Target::Line,
        Some(_) => {
            return Err(err(
                "allowlist `regexTarget` must be \"secret\", \"match\" or \"line\"".into(),
            ))
        }
    };
    if a.commits.is_empty() && a.paths.is_empty() && a.regexes.is_empty() && a.stopwords.is_empty()
    {
        return Err(err(
            "an allowlist needs at least one of `commits`, `paths`, `regexes`, `stopwords`".into(),
        ));
    }
    let mut regexes = Vec::new();
    for (n, re) in a.regexes.iter().enumerate() {
        regexes.push(regex::bytes::Regex::new(&go_regex(re)).map_err(|e| {
            err(format!(
                "allowlist `regexes` {}: {}",
                n + 1,
                rules::regex_error(&e)
            ))
        })?);
    }
    let mut paths = Vec::new();
    for (n, p) in a.paths.iter().enumerate() {
        paths.push(regex::Regex::new(&go_regex(p)).map_err(|e| {
            err(format!(
                "allowlist `paths` {}: {}",
                n + 1,
                rules::regex_error(&e)
            ))
        })?);
    }
    Ok(Allowlist {
        rules: Vec::new(),
        all,
        values: Vec::new(),
        regexes,
        target,
        stopwords: a
            .stopwords
            .iter()
            .filter(|w| !w.is_empty())
            .map(|w| w.to_ascii_lowercase().into_bytes())
            .collect(),
        paths,
        commits: a
            .commits
            .iter()
            .map(|c| c.trim().to_ascii_lowercase())
            .filter(|c| !c.is_empty())
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_regex_literals_become_escapes() {
        assert_eq!(go_regex(r"\$?{{[^}]+}}"), r"\$?\{\{[^}]+}}");
        assert_eq!(go_regex(r"a{2,}b{3}c{,4}"), r"a{2,}b{3}c\{,4}");
        assert_eq!(go_regex(r"[^]]+[a[]"), r"[^\]]+[a\[]");
        assert_eq!(go_regex(r"[a&&b~~c]&&"), r"[a\&\&b\~\~c]&&");
        assert_eq!(go_regex(r"[[:alpha:]]\{x"), r"[[:alpha:]]\{x");
        for p in [
            r"\$?{{[^}]+}}",
            r"[^]]+[a[]",
            r"[a&&b~~c]&&",
            r"a{2,}b{3}c{,4}",
        ] {
            assert!(regex::Regex::new(&go_regex(p)).is_ok(), "{p}");
        }
    }

    #[test]
    fn versions_and_entropy_bounds() {
        assert_eq!(parse_version("v8.25.0"), Some((8, 25)));
        assert_eq!(parse_version(" 8.30 "), Some((8, 30)));
        assert_eq!(parse_version("v9"), Some((9, 0)));
        assert_eq!(parse_version("latest"), None);
        assert!(next_up(3.0) > 3.0 && next_up(3.0) - 3.0 < 1e-12);
        assert_eq!(next_up(0.0), f64::from_bits(1));
    }

    #[test]
    fn an_allowlist_only_gitleaks_file_is_recognised() {
        let t = |s: &str| looks_like_gitleaks(&s.parse::<toml::Table>().unwrap());
        assert!(t("[allowlist]\ndescription = \"x\"\npaths = ['vendor/']\n"));
        assert!(t("[allowlist]\nstopwords = ['x']\n"));
        assert!(!t("[allowlist]\npaths = ['vendor/**']\nvalues = ['x']\n"));
        assert!(!t("disabled_rules = ['generic.password']\n"));
    }
}
