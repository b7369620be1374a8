//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning accepts it.
//!
//! One run; the driver lists every rule that has results, with help text on how to rotate and remove the
//! credential and a `security-severity`. Each result carries the credential fingerprint in
//! `partialFingerprints` (never line numbers or commit metadata, so alerts survive edits), and history
//! findings carry their commit in `properties`. The secret value appears nowhere unless `--no-redact`.
//!
//! The log is written from the few plain serde structs below, only the parts of the format sprawl
//! fills (keys in alphabetical order, as SARIF viewers expect nothing else); the tests check every log
//! against the official schema (tests/data/sarif-schema-2.1.0.json). A generated binding of the whole
//! schema (`serde-sarif`) cost a second `syn` and a schema compiler in every build for these dozen
//! types.

use std::collections::BTreeMap;
use std::io::{self, Write};

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Serialize;
use serde_json::{json, Value};

use super::RenderOptions;
use crate::finding::Finding;
use crate::rules::{Confidence, RuleMeta};
use crate::scan::ScanResult;

/// The key of the fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "sprawlCredential/v1";

/// `sarifLog`.
#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [Run; 1],
    version: &'static str,
}

/// `run`: one per log.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    column_kind: &'static str,
    results: Vec<SarifResult>,
    tool: Tool,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

/// `toolComponent`: sprawl and the rules that have results.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    information_uri: &'static str,
    name: &'static str,
    rules: Vec<ReportingDescriptor>,
    semantic_version: &'static str,
    version: &'static str,
}

/// `reportingDescriptor`: a rule.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    full_description: Text,
    help: Help,
    id: String,
    name: String,
    properties: Properties,
    short_description: Text,
}

/// `message` and `multiformatMessageString` with text only.
#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    markdown: String,
    text: String,
}

/// `propertyBag`: `tags`, then sprawl's own keys.
#[derive(Serialize)]
struct Properties {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
    #[serde(flatten)]
    rest: BTreeMap<String, Value>,
}

/// `result`: one finding.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    level: &'static str,
    locations: [Location; 1],
    message: Text,
    partial_fingerprints: BTreeMap<&'static str, String>,
    properties: Properties,
    rule_id: String,
    rule_index: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    end_column: u32,
    end_line: u32,
    start_column: u32,
    start_line: u32,
}

fn severity(c: Confidence) -> (&'static str, &'static str, &'static str) {
    // (security-severity, precision, level): GitHub maps >= 9.0 to critical, >= 7.0 to high.
    match c {
        Confidence::High => ("9.0", "very-high", "error"),
        Confidence::Medium => ("7.5", "high", "error"),
        Confidence::Low => ("5.0", "medium", "warning"),
    }
}

/// Percent-encodes what may not stand in a URI reference (spaces, `<`, `>`, controls, non-ASCII).
fn uri(path: &str) -> String {
    // Unreserved characters, sub-delimiters, `/`, `:` and `@` stand as they are (RFC 3986 `pchar`).
    const KEPT: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~')
        .remove(b'/')
        .remove(b'!')
        .remove(b'$')
        .remove(b'&')
        .remove(b'\'')
        .remove(b'(')
        .remove(b')')
        .remove(b'*')
        .remove(b'+')
        .remove(b',')
        .remove(b';')
        .remove(b'=')
        .remove(b':')
        .remove(b'@');
    let mut out = utf8_percent_encode(path, KEPT).to_string();
    // A relative reference whose first segment has a `:` would read as a scheme (`::x`, `<ref:main>`),
    // and one that starts `//` as a host: those are escaped too.
    let first = out.find('/').unwrap_or(out.len());
    if out[..first].contains(':') {
        out = format!("{}{}", out[..first].replace(':', "%3A"), &out[first..]);
    }
    if out.starts_with("//") {
        out.replace_range(1..2, "%2F");
    }
    out
}

fn rule_descriptor(rule: &RuleMeta) -> ReportingDescriptor {
    let (sev, precision, _) = severity(rule.confidence);
    let mut props = BTreeMap::new();
    props.insert("security-severity".to_string(), json!(sev));
    props.insert("precision".to_string(), json!(precision));
    props.insert("provider".to_string(), json!(rule.provider));
    let mut help = format!(
        "A {name} was found. Treat it as compromised: {fix} Deleting it from the file is not enough; it \
         stays in the git history and in every clone until it is rotated.",
        name = rule.name,
        fix = rule.fix
    );
    if let Some(r) = &rule.revoke {
        props.insert("revoke_page".to_string(), json!(r.page));
        if let Some(cli) = &r.cli {
            props.insert("revoke_cli".to_string(), json!(cli));
        }
        if let Some(s) = r.sentence_beside(&rule.fix) {
            help.push_str(&format!(" {s}"));
        }
    }
    ReportingDescriptor {
        full_description: Text {
            text: format!(
                "{} ({} credential, {} confidence).",
                rule.name,
                rule.provider,
                rule.confidence.as_str()
            ),
        },
        help: Help {
            markdown: format!("**{}**\n\n{}", rule.name, help),
            text: help,
        },
        id: rule.id.clone(),
        name: rule.name.clone(),
        properties: Properties {
            tags: vec![
                "security".to_string(),
                "secret".to_string(),
                rule.provider.clone(),
            ],
            rest: props,
        },
        short_description: Text {
            text: rule.name.clone(),
        },
    }
}

fn sarif_result(f: &Finding, rule_index: usize, opts: RenderOptions) -> SarifResult {
    let (_, _, level) = severity(f.rule.confidence);
    let shown = opts.show(&f.secret);
    let text = format!(
        "{} ({}): {}. Rotate it, then remove it from the code and its history.",
        f.rule.name, f.rule.id, shown
    );
    let location = Location {
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation { uri: uri(&f.path) },
            region: Region {
                end_column: f.end_column,
                end_line: f.end_line,
                start_column: f.column,
                start_line: f.line,
            },
        },
    };
    let fingerprints = BTreeMap::from([(FINGERPRINT_KEY, f.fingerprint.0.clone())]);
    let mut props = BTreeMap::new();
    props.insert("fingerprint".to_string(), json!(f.fingerprint.0));
    props.insert("confidence".to_string(), json!(f.rule.confidence.as_str()));
    if let Some(h) = f.held {
        props.insert("held".to_string(), json!(h.as_str()));
    }
    props.insert("validity".to_string(), json!(f.validity.status()));
    props.insert(
        "severity".to_string(),
        json!(f.validity.severity().as_str()),
    );
    props.insert(
        "severity_reason".to_string(),
        json!(f.validity.severity_reason()),
    );
    if let Some(r) = &f.validity.reach {
        let facts: BTreeMap<&str, &str> = r
            .facts
            .iter()
            .map(|(what, value)| (what.as_str(), value.as_str()))
            .collect();
        props.insert("reach".to_string(), json!(facts));
        if !r.unreadable.is_empty() {
            props.insert("reach_unreadable".to_string(), json!(r.unreadable));
        }
    }
    if let Some(o) = f.validity.offline {
        props.insert("validity_offline".to_string(), json!(o.as_str()));
    }
    if !f.decoded.is_empty() {
        props.insert("decoded".to_string(), json!(f.decoded));
    }
    if let Some(p) = &f.provenance {
        props.insert("provenance".to_string(), json!(p));
    }
    if let Some(c) = &f.commit {
        props.insert("commit".to_string(), json!(c.id));
        props.insert("author_name".to_string(), json!(c.author_name));
        props.insert("author_email".to_string(), json!(c.author_email));
        props.insert("commit_date".to_string(), json!(c.date));
    }
    SarifResult {
        level,
        locations: [location],
        message: Text { text },
        partial_fingerprints: fingerprints,
        properties: Properties {
            tags: Vec::new(),
            rest: props,
        },
        rule_id: f.rule.id.clone(),
        rule_index,
    }
}

/// The whole report as one SARIF log.
pub fn write(result: &ScanResult, opts: RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    // Every rule that has results, by id; a result's ruleIndex is its rule's position here.
    // A finding whose checksum failed carries a copy of its rule lowered to low confidence: the rule's
    // own (highest) confidence sets the rule's severity.
    let mut metas: BTreeMap<&str, &RuleMeta> = BTreeMap::new();
    for f in &result.findings {
        let m = metas.entry(f.rule.id.as_str()).or_insert(f.rule.as_ref());
        if f.rule.confidence > m.confidence {
            *m = f.rule.as_ref();
        }
    }
    let index: BTreeMap<&str, usize> = metas.keys().enumerate().map(|(i, id)| (*id, i)).collect();
    let rules: Vec<ReportingDescriptor> = metas.values().map(|m| rule_descriptor(m)).collect();
    let results: Vec<SarifResult> = result
        .findings
        .iter()
        .map(|f| sarif_result(f, index[f.rule.id.as_str()], opts))
        .collect();
    let log = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        runs: [Run {
            column_kind: "unicodeCodePoints",
            results,
            tool: Tool {
                driver: Driver {
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    name: "sprawl",
                    rules,
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    version: env!("CARGO_PKG_VERSION"),
                },
            },
        }],
        version: "2.1.0",
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::uri;

    #[test]
    fn uri_escapes_only_what_may_not_stand_in_a_uri_reference() {
        assert_eq!(
            uri("a-b._~/!$&'()*+,;=:@Z9"),
            "a-b._~/!$&'()*+,;=:@Z9",
            "pchar and `/` stand as they are"
        );
        assert_eq!(
            uri("dir/app config<1>#?%\"\t\u{7f}é.py"),
            "dir/app%20config%3C1%3E%23%3F%25%22%09%7F%C3%A9.py"
        );
        assert_eq!(uri("::x:y/a:b"), "%3A%3Ax%3Ay/a:b", "no scheme");
        assert_eq!(uri("//host/x"), "/%2Fhost/x", "no authority");
        assert_eq!(uri("/etc/passwd"), "/etc/passwd");
    }
}
