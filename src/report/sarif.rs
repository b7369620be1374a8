//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning accepts it, built with the `serde-sarif` types.
//!
//! One run; the driver lists every rule that has results, with help text on how to rotate and remove the
//! credential and a `security-severity`. Each result carries the credential fingerprint in
//! `partialFingerprints` (never line numbers or commit metadata, so alerts survive edits), and history
//! findings carry their commit in `properties`. The secret value appears nowhere unless `--no-redact`.

use std::collections::BTreeMap;
use std::io::{self, Write};

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::json;
use serde_sarif::sarif::{
    ArtifactLocation, Location, Message, MultiformatMessageString, PhysicalLocation, PropertyBag,
    Region, ReportingDescriptor, Result as SarifResult, ResultLevel, Run, Sarif, Tool,
    ToolComponent,
};

use super::RenderOptions;
use crate::finding::Finding;
use crate::rules::{Confidence, RuleMeta};
use crate::scan::ScanResult;

/// The key of the fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "sprawlCredential/v1";

fn severity(c: Confidence) -> (&'static str, &'static str, ResultLevel) {
    // (security-severity, precision, level): GitHub maps >= 9.0 to critical, >= 7.0 to high.
    match c {
        Confidence::High => ("9.0", "very-high", ResultLevel::Error),
        Confidence::Medium => ("7.5", "high", ResultLevel::Error),
        Confidence::Low => ("5.0", "medium", ResultLevel::Warning),
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
    ReportingDescriptor::builder()
        .id(rule.id.clone())
        .name(rule.name.clone())
        .short_description(
            MultiformatMessageString::builder()
                .text(rule.name.clone())
                .build(),
        )
        .full_description(
            MultiformatMessageString::builder()
                .text(format!(
                    "{} ({} credential, {} confidence).",
                    rule.name,
                    rule.provider,
                    rule.confidence.as_str()
                ))
                .build(),
        )
        .help(
            MultiformatMessageString::builder()
                .text(help.clone())
                .markdown(format!("**{}**\n\n{}", rule.name, help))
                .build(),
        )
        .properties(
            PropertyBag::builder()
                .tags(vec![
                    "security".to_string(),
                    "secret".to_string(),
                    rule.provider.clone(),
                ])
                .additional_properties(props)
                .build(),
        )
        .build()
}

fn sarif_result(f: &Finding, rule_index: usize, opts: RenderOptions) -> SarifResult {
    let (_, _, level) = severity(f.rule.confidence);
    let shown = opts.show(&f.secret);
    let text = format!(
        "{} ({}): {}. Rotate it, then remove it from the code and its history.",
        f.rule.name, f.rule.id, shown
    );
    let region = Region::builder()
        .start_line(f.line as i64)
        .start_column(f.column as i64)
        .end_line(f.end_line as i64)
        .end_column(f.end_column as i64)
        .build();
    let location = Location::builder()
        .physical_location(
            PhysicalLocation::builder()
                .artifact_location(ArtifactLocation::builder().uri(uri(&f.path)).build())
                .region(region)
                .build(),
        )
        .build();
    let mut fingerprints = BTreeMap::new();
    fingerprints.insert(FINGERPRINT_KEY.to_string(), f.fingerprint.0.clone());
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
    SarifResult::builder()
        .rule_id(f.rule.id.clone())
        .rule_index(rule_index as i64)
        .level(level)
        .message(Message::builder().text(text).build())
        .locations(vec![location])
        .partial_fingerprints(fingerprints)
        .properties(PropertyBag::builder().additional_properties(props).build())
        .build()
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
    let driver = ToolComponent::builder()
        .name("sprawl")
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .information_uri(env!("CARGO_PKG_REPOSITORY"))
        .rules(rules)
        .build();
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .results(results)
        .column_kind(json!("unicodeCodePoints"))
        .build();
    let log = Sarif::builder()
        .schema("https://json.schemastore.org/sarif-2.1.0.json")
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build();
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
