//! Every built-in rule runs its examples and negative examples through the full engine (prefilter,
//! windows, filters, overlap resolution); a failure names the rule and the example.

use sprawl::check::check_rules;
use sprawl::rules;

#[test]
fn every_builtin_rule_passes_its_examples_and_negative_examples() {
    let rules = rules::builtin().expect("built-in rules parse");
    rules::check_unique_ids(&rules).expect("unique ids");
    let failures = check_rules(rules);
    let report: Vec<String> = failures.iter().map(|f| f.to_string()).collect();
    assert!(
        report.is_empty(),
        "{} failures:\n{}",
        report.len(),
        report.join("\n")
    );
}

#[test]
fn builtin_rules_cover_at_least_120_rules_and_70_providers() {
    let rules = rules::builtin().unwrap();
    let providers: std::collections::BTreeSet<&str> =
        rules.iter().map(|r| r.meta.provider.as_str()).collect();
    assert!(rules.len() >= 120, "{} rules", rules.len());
    assert!(providers.len() >= 70, "{} providers", providers.len());
}

#[test]
fn every_builtin_rule_has_fix_hint_and_keyword_discipline() {
    for r in rules::builtin().unwrap() {
        assert!(!r.meta.fix.is_empty(), "{}", r.meta.id);
        for k in &r.keywords {
            assert!(k.len() >= 3, "{}: keyword {k:?} too short", r.meta.id);
        }
        assert!(
            r.meta.id.starts_with(&format!("{}.", r.meta.provider)),
            "{}: id must start with its provider",
            r.meta.id
        );
    }
}
