//! `--blast-radius`: what a live credential can reach, read from its provider with the rule's
//! read-only requests (`[[rules.validate.reach]]`, GET or HEAD only, checked when the rule loads),
//! sent through the same guards as validation ([`http::send`]). Each answer yields facts (organisations,
//! repositories it can push to, attached policies, scopes…); a fact can prove a severity (`grants`);
//! a request the credential may not make is recorded as unreadable, never guessed.

use globset::GlobBuilder;
use serde_json::Value;

use super::http::{self, Target};
use crate::finding::{Reach, Secret, Severity};
use crate::rules::validate::{FactSource, FactSpec, ReachStep, ValidateSpec};

/// Values shown per fact at most; the rest are counted.
const SHOWN: usize = 10;

/// What one request of the walk did, for the audit log.
pub struct Sent<'a> {
    pub step: usize,
    pub host: &'a str,
    pub http_status: Option<u16>,
    /// `read`, or why not: `http_403`, `timeout`, `needs_login`…
    pub outcome: &'a str,
}

/// Runs `spec`'s reach requests for `secret` (and the `pair` that made it live). `pace` is called
/// before each request (false: the provider said stop); `audit` after each.
pub fn run(
    agent: &ureq::Agent,
    spec: &ValidateSpec,
    endpoint: Option<&Target>,
    secret: &Secret,
    pair: Option<&Secret>,
    mut pace: impl FnMut() -> bool,
    mut audit: impl FnMut(Sent),
) -> Reach {
    let secret = secret.expose_lossy();
    let pair = pair.map(Secret::expose_lossy).unwrap_or_default();
    let mut walk = Walk::default();
    for (n, step) in spec.reach.iter().enumerate() {
        let whats = step
            .facts
            .iter()
            .map(|f| f.what.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let target = http::target(endpoint, &step.origin);
        let sent = |http_status: Option<u16>, outcome: &'static str| Sent {
            step: n,
            host: &target.host,
            http_status,
            outcome,
        };
        if let Some(name) = walk.missing(step) {
            let why = format!("no {name} to ask with");
            walk.unread(&whats, &why, sent(None, "skipped"), &mut audit);
            continue;
        }
        if !pace() {
            walk.unread(
                &whats,
                "rate limited",
                sent(None, "rate_limited"),
                &mut audit,
            );
            continue;
        }
        let mut vars: Vec<(&str, &str)> = vec![("secret", &secret), ("pair", &pair)];
        vars.extend(walk.named.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let request = request(spec, step);
        match http::send(agent, &request, &target, &vars, &http::amz_date()) {
            Ok(resp) if resp.status().is_success() => {
                let status = resp.status().as_u16();
                let answer = Answer::read(resp);
                audit(sent(Some(status), "read"));
                walk.read_facts(step, &answer);
            }
            Ok(resp) => {
                let status = resp.status().as_u16();
                let why = format!("HTTP {status}");
                walk.unread(&whats, &why, sent(Some(status), "unreadable"), &mut audit);
            }
            Err(reason) => {
                let why = reason.replace('_', " ");
                walk.unread(&whats, &why, sent(None, reason), &mut audit);
            }
        }
    }
    walk.reach()
}

/// What the walk has learnt so far, step by step.
#[derive(Default)]
struct Walk {
    /// The first value of each named fact (`name = "user"`), a placeholder for later steps.
    named: Vec<(String, String)>,
    /// (what, as shown) of every fact read, in order.
    facts: Vec<(String, String)>,
    /// The facts that could not be read, and why.
    unreadable: Vec<String>,
    /// The greatest severity proved so far, and by which fact.
    best: Option<(Severity, String)>,
}

impl Walk {
    /// The first placeholder of `step` (path or headers) that is neither `secret`, `pair` nor the
    /// name of a fact read earlier: the step cannot be asked without it.
    fn missing(&self, step: &ReachStep) -> Option<String> {
        crate::rules::validate::placeholders(&step.path)
            .into_iter()
            .chain(
                step.headers
                    .iter()
                    .flatten()
                    .flat_map(|(_, v)| crate::rules::validate::placeholders(v)),
            )
            .find(|p| *p != "secret" && *p != "pair" && !self.named.iter().any(|(k, _)| k == p))
            .map(str::to_string)
    }

    /// Records the facts `whats` of a step as unreadable for `why`, then audits `sent`.
    fn unread(&mut self, whats: &str, why: &str, sent: Sent, audit: &mut impl FnMut(Sent)) {
        self.unreadable.push(format!("{whats} ({why})"));
        audit(sent);
    }

    /// Reads `step`'s facts from its `answer`: names them for later steps, keeps the greatest
    /// severity they prove, and records each as shown.
    fn read_facts(&mut self, step: &ReachStep, answer: &Answer) {
        for fact in &step.facts {
            let read = read_fact(fact, answer.json.as_ref(), &answer.text, &answer.headers);
            if let (Some(name), Some(first)) = (&fact.name, read.values.first()) {
                self.named.push((name.clone(), first.clone()));
            }
            let shown = read.shown();
            if let Some(g) = proves(fact, &read) {
                if self.best.as_ref().is_none_or(|(s, _)| g > *s) {
                    self.best = Some((g, format!("{}: {}", fact.what, shown)));
                }
            }
            self.facts.push((fact.what.clone(), shown));
        }
    }

    /// The walk's result: the greatest severity proved (else read) and why, and what was unreadable.
    fn reach(self) -> Reach {
        let (severity, why) = self
            .best
            .unwrap_or((Severity::Read, "no write or admin rights found".to_string()));
        let mut summary = format!("{}: {why}", severity.as_str());
        if !self.unreadable.is_empty() {
            summary.push_str(&format!("; could not read {}", self.unreadable.len()));
        }
        Reach {
            severity,
            summary: http::printable(&summary),
            facts: self.facts,
            unreadable: self.unreadable,
        }
    }
}

/// A successful answer, read once for all the facts of its step.
struct Answer {
    /// Names are lowercase; a header sent twice is read by its first value.
    headers: Vec<(String, String)>,
    text: String,
    json: Option<Value>,
}

impl Answer {
    /// Reads `resp`'s headers and body (at most [`http::MAX_BODY`]; an unreadable body is empty).
    fn read(resp: http::Response) -> Answer {
        let headers: Vec<(String, String)> = resp
            .headers()
            .keys()
            .filter_map(|h| {
                Some((
                    h.as_str().to_string(),
                    http::header(&resp, h.as_str())?.to_string(),
                ))
            })
            .collect();
        let text = http::body_text(resp).unwrap_or_default();
        let json: Option<Value> = serde_json::from_str(&text).ok();
        Answer {
            headers,
            text,
            json,
        }
    }
}

/// The request of a step: its own headers, or the validation request's (with its signer).
fn request<'a>(spec: &'a ValidateSpec, step: &'a ReachStep) -> http::Request<'a> {
    let base = spec.request();
    http::Request {
        method: &step.method,
        path: &step.path,
        headers: step.headers.as_deref().unwrap_or(base.headers),
        basic_auth: if step.headers.is_some() {
            None
        } else {
            base.basic_auth
        },
        body: None,
        sign_for: base.sign_for.map(|_| step.service.as_str()),
        hosts: base.hosts,
    }
}

/// A fact's values, and for a counted list (`count_if`) how many of how many.
struct Read {
    values: Vec<String>,
    count: Option<(usize, usize)>,
}

impl Read {
    /// As shown: `none`, `a, b, c`, `a, b … and 12 more`, `2 of 14: a, b`.
    fn shown(&self) -> String {
        let names = if self.values.is_empty() {
            String::new()
        } else {
            let mut s = self.values[..self.values.len().min(SHOWN)].join(", ");
            if self.values.len() > SHOWN {
                s.push_str(&format!(" and {} more", self.values.len() - SHOWN));
            }
            s
        };
        let shown = match (self.count, names.is_empty()) {
            (Some((n, m)), true) => format!("{n} of {m}"),
            (Some((n, m)), false) => format!("{n} of {m}: {names}"),
            (None, true) => "none".to_string(),
            (None, false) => names,
        };
        http::printable(&shown)
    }
}

fn read_fact(
    fact: &FactSpec,
    json: Option<&Value>,
    text: &str,
    headers: &[(String, String)],
) -> Read {
    let mut count = None;
    let mut values: Vec<String> = match &fact.source {
        FactSource::Value(p) => json
            .and_then(|j| j.pointer(p))
            .map(|v| http::scalar(v).map_or_else(|| http::list(v), |s| vec![s]))
            .unwrap_or_default(),
        FactSource::Header(h) => headers
            .iter()
            .find(|(k, _)| k == h)
            .map(|(_, v)| http::split_list(v))
            .unwrap_or_default(),
        FactSource::Xml(tag) => http::xml_texts(text, tag),
        FactSource::List {
            list,
            item,
            count_if,
            equals,
        } => {
            let items: Vec<Value> = match json.and_then(|j| j.pointer(list)) {
                Some(Value::Array(items)) => items.clone(),
                Some(Value::Object(map)) => map
                    .iter()
                    .map(|(k, v)| serde_json::json!({"name": k, "value": v}))
                    .collect(),
                _ => Vec::new(),
            };
            let counted = |v: Option<&Value>| match (v, equals) {
                (Some(Value::Bool(true)), None) => true,
                (Some(v), Some(e)) => http::scalar(v).as_deref() == Some(e.as_str()),
                _ => false,
            };
            let name = |i: &Value| match item {
                Some(p) => i.pointer(p).and_then(http::scalar),
                None => http::scalar(i).or_else(|| i.get("name").and_then(http::scalar)),
            };
            match count_if {
                Some(p) => {
                    let hits: Vec<&Value> =
                        items.iter().filter(|i| counted(i.pointer(p))).collect();
                    count = Some((hits.len(), items.len()));
                    hits.into_iter().filter_map(name).collect()
                }
                None => items.iter().filter_map(name).collect(),
            }
        }
    };
    if let Some(re) = &fact.capture {
        values = values
            .iter()
            .filter_map(|v| Some(re.0.captures(v)?.get(1)?.as_str().to_string()))
            .collect();
    }
    Read { values, count }
}

/// The greatest severity `read` proves: a level one of whose globs matches one of its values, or
/// `grants` when it holds (a count above zero, or a value that is not false, 0 or empty).
fn proves(fact: &FactSpec, read: &Read) -> Option<Severity> {
    let matched = fact.levels.iter().find(|(_, globs)| {
        globs.iter().any(|g| {
            GlobBuilder::new(g)
                .case_insensitive(true)
                .literal_separator(false)
                .build()
                .is_ok_and(|g| {
                    let m = g.compile_matcher();
                    read.values.iter().any(|v| m.is_match(v))
                })
        })
    });
    let holds = match read.count {
        Some((n, _)) => n > 0,
        None => read
            .values
            .iter()
            .any(|v| !matches!(v.as_str(), "" | "false" | "0")),
    };
    let granted = fact.grants.filter(|_| holds);
    matched.map(|(s, _)| *s).max(granted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(toml_text: &str) -> FactSpec {
        let spec = crate::rules::validate::parse_text(&format!(
            "hosts = [\"a.example\"]\nurl = \"https://a.example/v\"\n[[reach]]\nurl = \"https://a.example/r\"\nfacts = [{toml_text}]\n"
        ))
        .unwrap();
        spec.reach[0].facts[0].clone()
    }

    #[test]
    fn facts_from_json_lists_headers_and_xml() {
        let json: Value = serde_json::json!({
            "repos": [
                {"full_name": "acme/api", "permissions": {"push": true, "admin": true}},
                {"full_name": "acme/web", "permissions": {"push": true, "admin": false}},
                {"full_name": "other/lib", "permissions": {"push": false, "admin": false}}
            ],
            "user": {"is_admin": false, "role": "write"}
        });
        let push = fact("{ what = \"push\", list = \"/repos\", item = \"/full_name\", count_if = \"/permissions/push\", grants = \"write\" }");
        let r = read_fact(&push, Some(&json), "", &[]);
        assert_eq!(r.shown(), "2 of 3: acme/api, acme/web");
        assert_eq!(proves(&push, &r), Some(Severity::Write));
        let admin = fact("{ what = \"admin\", value = \"/user/is_admin\", grants = \"admin\" }");
        let r = read_fact(&admin, Some(&json), "", &[]);
        assert_eq!((r.shown().as_str(), proves(&admin, &r)), ("false", None));
        let role = fact("{ what = \"role\", value = \"/user/role\", levels = { write = [\"write\"], admin = [\"admin\"] } }");
        assert_eq!(
            proves(&role, &read_fact(&role, Some(&json), "", &[])),
            Some(Severity::Write)
        );
        let scopes = fact("{ what = \"scopes\", header = \"X-OAuth-Scopes\", levels = { admin = [\"admin:*\", \"delete_repo\"], write = [\"repo\"] } }");
        let headers = [("x-oauth-scopes".to_string(), "repo, admin:org".to_string())];
        let r = read_fact(&scopes, None, "", &headers);
        assert_eq!(
            (r.shown().as_str(), proves(&scopes, &r)),
            ("repo, admin:org", Some(Severity::Admin))
        );
        let policies = fact("{ what = \"policies\", xml = \"PolicyName\", levels = { admin = [\"AdministratorAccess\", \"IAMFullAccess\"], write = [\"*FullAccess\"] } }");
        let xml =
            "<R><PolicyName>ReadOnlyAccess</PolicyName><PolicyName>S3FullAccess</PolicyName></R>";
        let r = read_fact(&policies, None, xml, &[]);
        assert_eq!(
            (r.shown().as_str(), proves(&policies, &r)),
            ("ReadOnlyAccess, S3FullAccess", Some(Severity::Write))
        );
        let packages = fact("{ what = \"packages it can publish\", list = \"\", item = \"/name\", count_if = \"/value\", equals = \"write\", grants = \"write\" }");
        let map: Value = serde_json::json!({"@acme/a": "write", "@acme/b": "read"});
        let r = read_fact(&packages, Some(&map), "", &[]);
        assert_eq!(
            (r.shown().as_str(), proves(&packages, &r)),
            ("1 of 2: @acme/a", Some(Severity::Write))
        );
        let user = fact("{ what = \"user\", xml = \"Arn\", name = \"user\", capture = ':user/(?:.*/)?([^/]+)$' }");
        let r = read_fact(
            &user,
            None,
            "<Arn>arn:aws:iam::1:user/ops/deploy</Arn>",
            &[],
        );
        assert_eq!(r.values, vec!["deploy".to_string()]);
    }

    #[test]
    fn long_lists_are_cut() {
        let r = Read {
            values: (0..13).map(|i| format!("o{i}")).collect(),
            count: None,
        };
        assert_eq!(
            r.shown(),
            "o0, o1, o2, o3, o4, o5, o6, o7, o8, o9 and 3 more"
        );
        assert_eq!(
            Read {
                values: vec![],
                count: None
            }
            .shown(),
            "none"
        );
    }

    #[test]
    fn reach_requests_are_read_only_and_on_the_rule_hosts() {
        let err = |extra: &str| {
            crate::rules::validate::parse_text(&format!(
                "hosts = [\"a.example\"]\nurl = \"https://a.example/v\"\n[[reach]]\n{extra}\n"
            ))
            .unwrap_err()
        };
        assert_eq!(
            err("url = \"https://a.example/r\"\nmethod = \"DELETE\"\nfacts = [{ what = \"x\", value = \"/x\" }]"),
            "validate.reach[0].method \"DELETE\": reach requests are read-only (GET or HEAD)"
        );
        assert_eq!(
            err("url = \"https://evil.example/r\"\nfacts = [{ what = \"x\", value = \"/x\" }]"),
            "validate.reach[0].url host \"evil.example\" is not in validate.hosts"
        );
        assert_eq!(
            err(
                "url = \"https://a.example/u/{login}\"\nfacts = [{ what = \"x\", value = \"/x\" }]"
            ),
            "validate.reach[0].url: unknown placeholder `{login}` (use {secret} or {pair})"
        );
        assert_eq!(
            err("url = \"https://a.example/r\"\nfacts = [{ what = \"x\", value = \"/x\", header = \"h\" }]"),
            "validate.reach[0].facts[0]: exactly one of value, header, xml or list says where it is"
        );
        assert_eq!(
            err("url = \"https://a.example/r\"\nfacts = [{ what = \"x\", value = \"/x\", grants = \"root\" }]"),
            "validate.reach[0].facts[0]: grants \"root\" must be read, write or admin"
        );
    }
}
