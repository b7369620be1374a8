//! Triage: why a match that passed the filters ([`super::filter`]) is still held back from the default
//! report ([`Hold`]). The filters drop what is certainly not a credential; triage lowers to `low` what
//! a reader would dismiss at a glance but `--min-confidence low` still shows: a generic match in test
//! code, a truncated or masked copy, a secret-manager reference, a name or an expression, a documented
//! example, a publishable key.
//!
//! Provider rules are held only for what the value itself proves (a documented example, a publishable
//! key); a provider token with a valid structure is reported wherever it is, test files included.
//! [`classify`] reads the secret, the byte after it and at most [`CONTEXT`] bytes before it, and allocates
//! nothing; [`path_hold`] runs once per generic or private-key finding, on its path.

use crate::finding::Hold;
use crate::rules::Rule;

/// Bytes before the secret read for its name and labels (`firebaseConfig = { apiKey: … }`).
pub const CONTEXT: usize = 512;

/// Why the match of `rule` at `hay[start..end]` is held back, or `None` to report it.
pub fn classify(rule: &Rule, hay: &[u8], start: usize, end: usize) -> Option<Hold> {
    let value = &hay[start..end];
    if rule.documented.iter().any(|d| d.value.as_bytes() == value) || marked_example(value) {
        return Some(Hold::DocumentedExample);
    }
    let back = start.saturating_sub(CONTEXT);
    let before = &hay[back..start];
    let line_from = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    let name = &before[line_from..];
    if is_publishable(value, name, before) {
        return Some(Hold::Publishable);
    }
    if !is_generic(rule) {
        return None;
    }
    if is_badge(name) {
        return Some(Hold::Publishable);
    }
    // `key: Curve25519SeedBin<'_>`: a generic type, not a value (an XML closing tag is `</`).
    if hay.get(end) == Some(&b'<') && hay.get(end + 1).is_some_and(|&b| b != b'/') {
        return Some(Hold::NotAValue);
    }
    if is_masked(value) {
        Some(Hold::Masked)
    } else if is_truncated(value) {
        Some(Hold::Truncated)
    } else if is_reference(value) || names_a_secret(name) {
        Some(Hold::Reference)
    } else if has_test_name(name) {
        Some(Hold::TestFixture)
    } else if is_code_or_name(value)
        || is_not_a_credential_name(name)
        || spells_its_name(value, assigned_name(name))
    {
        Some(Hold::NotAValue)
    } else {
        None
    }
}

/// Generic keyword rules (`generic.*`): they know where a value sits, not whose it is, so a clean match
/// is reported at medium and everything triage finds is held.
pub fn is_generic(rule: &Rule) -> bool {
    rule.meta.provider == "generic"
}

/// Rules whose matches [`path_hold`] judges by their file: generic keyword rules, and private keys (a
/// PEM key in test code or fixtures is a test key: TLS and SSH tests keep dozens; a key anywhere else is
/// reported whatever its file).
pub fn held_by_path(rule: &Rule) -> bool {
    is_generic(rule) || rule.meta.provider == "privatekey"
}

/// Why a generic match in the file at `path` is held back, whatever its value: test code, fixtures and
/// examples ([`is_fixture_path`]), or a type-declaration file (`.pyi`, `.d.ts`), which holds no values.
pub fn path_hold(path: &str) -> Option<Hold> {
    if is_fixture_path(path) {
        Some(Hold::TestFixture)
    } else if path.ends_with(".pyi") || path.ends_with(".d.ts") {
        Some(Hold::NotAValue)
    } else {
        None
    }
}

/// Test code, fixtures and examples, where a generic match is a test or sample value: `test/`, `tests/`,
/// `spec/`, `__tests__/`, `testdata/`, `fixtures/`, `mocks/`, `examples/`, `samples/` anywhere in the
/// path, `*_test.go`, `test_*.py`, `*.spec.ts`, `*Test.java`, `example*.json`, `*.example`, and data
/// files (logs, dumps, HTTP archives, replays).
pub fn is_fixture_path(path: &str) -> bool {
    const DIRS: &[&str] = &[
        "test",
        "tests",
        "spec",
        "specs",
        "__tests__",
        "__mocks__",
        "testdata",
        "test-data",
        "test_data",
        "fixtures",
        "fixture",
        "mocks",
        "mock",
        "testing",
        "e2e",
        "examples",
        "example",
        "samples",
        "sample",
    ];
    let lower = path.to_ascii_lowercase();
    let mut parts = lower.split(['/', '\\']).peekable();
    let mut file = "";
    while let Some(p) = parts.next() {
        if parts.peek().is_none() {
            file = p;
        } else if DIRS.contains(&p) {
            return true;
        }
    }
    let stem = file.split('.').next().unwrap_or(file);
    let original_stem = path
        .rsplit(['/', '\\'])
        .next()
        .and_then(|f| f.split('.').next())
        .unwrap_or("");
    if stem.starts_with("test_")
        || stem.ends_with("_test")
        || stem.ends_with("_tests")
        || stem.ends_with("_spec")
        || stem.ends_with("-test")
        || original_stem.ends_with("Test")
        || original_stem.ends_with("Tests")
        || file.contains(".test.")
        || file.contains(".spec.")
        || file.contains(".mock.")
        || file.contains(".fixture.")
        || stem == "conftest"
        || ["example", "examples", "sample", "samples"]
            .iter()
            .any(|w| {
                stem.strip_prefix(w)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with(['-', '_']))
            })
        || file.ends_with(".example")
        || file.ends_with(".sample")
    {
        return true;
    }
    const DATA: &[&str] = &[
        ".log",
        ".har",
        ".dump",
        ".pcap",
        ".replay",
        ".cassette",
        ".snap",
        ".log.gz",
    ];
    DATA.iter().any(|e| file.ends_with(e)) || file.contains(".log.")
}

fn contains_ci(hay: &[u8], needle_lower: &[u8]) -> bool {
    needle_lower.len() <= hay.len()
        && hay
            .windows(needle_lower.len())
            .any(|w| w.eq_ignore_ascii_case(needle_lower))
}

fn starts_ci(hay: &[u8], prefix: &[u8]) -> bool {
    hay.len() >= prefix.len() && hay[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// AWS marks the credentials of its documentation with `EXAMPLE` inside the value
/// (`AKIAIOSFODNN7EXAMPLE`, session tokens `…wEXAMPLEtc764…`, `-----BEGIN RSA PRIVATE KEY-----\nEXAMPLE…`);
/// seven capitals in that order do not occur in a random token by chance.
fn marked_example(value: &[u8]) -> bool {
    memchr::memmem::find(value, b"EXAMPLE").is_some()
}

/// A badge URL's token (`codecov.io/…/badge.svg?token=…`, shields.io): read-only and published by design.
fn is_badge(name: &[u8]) -> bool {
    contains_ci(name, b"badge")
        || contains_ci(name, b"shields.io")
        || contains_ci(name, b"codecov.io")
}

/// Keys public by design: Stripe `pk_live_`/`pk_test_`, Mapbox `pk.`, a reCAPTCHA site key under a
/// `site key` name, and a Google API key in a block labelled as Firebase web config.
fn is_publishable(value: &[u8], name: &[u8], before: &[u8]) -> bool {
    if value.starts_with(b"pk_live_") || value.starts_with(b"pk_test_") {
        return true;
    }
    if value.starts_with(b"pk.ey") {
        return true;
    }
    if value.len() == 40 && value.starts_with(b"6L") && contains_ci(name, b"site") {
        return true;
    }
    // The access key id in a presigned S3 URL (`X-Amz-Credential=AKIA…%2F20190814%2F…`): shared with
    // the URL by design; the secret key it was signed with is not in it.
    if name.len() >= 17 && name[name.len() - 17..].eq_ignore_ascii_case(b"X-Amz-Credential=") {
        return true;
    }
    value.starts_with(b"AIza")
        && (contains_ci(before, b"firebase")
            || contains_ci(before, b"authdomain")
            || contains_ci(before, b"messagingsenderid"))
}

/// A mask run: `...`, `…`, `***`, `•`, `<redacted>`.
fn is_masked(value: &[u8]) -> bool {
    const MASKS: &[&[u8]] = &[
        b"...",
        b"\xe2\x80\xa6",
        b"***",
        b"\xe2\x80\xa2",
        b"<redacted",
        b"[redacted",
        b"[filtered",
        b"[masked",
    ];
    MASKS.iter().any(|m| contains_ci(value, m))
}

/// Prefixes of provider tokens whose rules would have claimed the value had it been whole: a generic
/// match that starts with one is a cut-off copy.
const PROVIDER_PREFIXES: &[&[u8]] = &[
    b"AKIA",
    b"ASIA",
    b"ghp_",
    b"gho_",
    b"ghu_",
    b"ghs_",
    b"ghr_",
    b"github_pat_",
    b"glpat-",
    b"sk_live_",
    b"sk_test_",
    b"rk_live_",
    b"rk_test_",
    b"whsec_",
    b"SG.",
    b"dop_v1_",
    b"doo_v1_",
    b"xoxb-",
    b"xoxp-",
    b"xoxa-",
    b"xoxe-",
    b"xapp-",
    b"npm_",
    b"pypi-",
    b"hf_",
    b"sk-ant-",
    b"sk-proj-",
    b"AIza",
    b"glc_",
    b"shpat_",
    b"shpss_",
    b"dp.pt.",
    b"lin_api_",
    b"pat-na1-",
    b"HRKU-",
    b"sq0atp-",
    b"sq0csp-",
    b"EAAC",
];

fn is_truncated(value: &[u8]) -> bool {
    PROVIDER_PREFIXES.iter().any(|p| value.starts_with(p))
}

/// Secret-manager names and template references: the secret is elsewhere.
fn is_reference(value: &[u8]) -> bool {
    const STARTS: &[&[u8]] = &[
        b"projects/",
        b"arn:aws:",
        b"secret/",
        b"secrets/",
        b"kv/",
        b"vault:",
        b"vault/",
        b"sm://",
        b"ssm:",
        b"op://",
        b"azurekeyvault",
        b"keyvault:",
        b"awssm:",
        b"gcpsm:",
        b"ref+",
        b"env:",
        b"file:",
    ];
    const CONTAINS: &[&[u8]] = &[
        b"/secrets/",
        b"/versions/",
        b".vault.azure.net",
        b"secretsmanager",
        b"/aws/reference/",
        b"/kv/",
        b"/data/",
    ];
    STARTS.iter().any(|p| starts_ci(value, p)) || CONTAINS.iter().any(|c| contains_ci(value, c))
}

/// The assignment's name says the value is a test value (`test_password`, `mockToken`, `FAKE_SECRET`).
/// The name itself out of the text before a value: the last identifier-ish run before the assignment
/// operator (`stsLDAPPassword` in `\tstsLDAPPassword = "`).
fn assigned_name(name: &[u8]) -> &[u8] {
    let ident = |b: &u8| b.is_ascii_alphanumeric() || b"_-.".contains(b);
    name.iter().rposition(ident).map_or(&name[..0], |end| {
        let start = name[..=end]
            .iter()
            .rposition(|b| !ident(b))
            .map_or(0, |i| i + 1);
        &name[start..=end]
    })
}

/// The value spells the name it is assigned to, or its start or end (`stsLDAPPassword = "LDAPPassword"`,
/// `PASSWORD_FIELD = "password_field"`): a constant that names a field, not a secret. Letters and digits
/// are compared case-insensitively; the value needs six of them.
fn spells_its_name(value: &[u8], name: &[u8]) -> bool {
    let v = || {
        value
            .iter()
            .filter(|b| b.is_ascii_alphanumeric())
            .map(u8::to_ascii_lowercase)
    };
    let n = || {
        name.iter()
            .filter(|b| b.is_ascii_alphanumeric())
            .map(u8::to_ascii_lowercase)
    };
    let len = v().count();
    len >= 6
        && len <= n().count()
        && (v().zip(n()).all(|(a, b)| a == b) || v().rev().zip(n().rev()).all(|(a, b)| a == b))
}

fn has_test_name(name: &[u8]) -> bool {
    const WORDS: &[&[u8]] = &[
        b"test", b"mock", b"stub", b"fake", b"dummy", b"sample", b"example",
    ];
    let trimmed = assigned_name(name);
    // A word at a word start (`test_`, `_test`, `mockToken`, `isFake`): `attest`, `latest`, `contest` are
    // not tests.
    WORDS.iter().any(|w| {
        (0..trimmed.len().saturating_sub(w.len() - 1)).any(|at| {
            trimmed[at..at + w.len()].eq_ignore_ascii_case(w)
                && (at == 0
                    || !trimmed[at - 1].is_ascii_lowercase()
                    || trimmed[at].is_ascii_uppercase())
        })
    })
}

/// The value sits inside a secret-manager name: an AWS ARN (`arn:aws:secretsmanager:…:secret:NAME`) or
/// an SSM parameter path on the same line.
fn names_a_secret(name: &[u8]) -> bool {
    contains_ci(name, b"arn:") || contains_ci(name, b"secretsmanager") || contains_ci(name, b"ssm:")
}

/// The name says what follows is not a credential: a pagination, idempotency or verification token
/// (`NextToken`, `ContinuationToken`, `ClientToken`, `VerificationToken`, `page_token`, `csrf_token`),
/// or a type name used as a key (`"AWS::AppSync::ApiKey": "3d10…"`).
fn is_not_a_credential_name(name: &[u8]) -> bool {
    const WORDS: &[&[u8]] = &[
        b"nexttoken",
        b"next_token",
        b"continuationtoken",
        b"continuation_token",
        b"pagetoken",
        b"page_token",
        b"paginationtoken",
        b"pagination_token",
        b"clienttoken",
        b"clientrequesttoken",
        b"idempotency",
        b"changetoken",
        b"change-token",
        b"verificationtoken",
        b"verification_token",
        b"csrf",
        b"xsrf",
        b"synctoken",
        b"cursor",
    ];
    WORDS.iter().any(|w| contains_ci(name, w)) || contains(name, b"::")
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(hay, needle).is_some()
}

/// Code, a name or a template rather than a value: an identifier or expression built of words
/// (`s3_disable_express_session_auth`, `options.DisableS3ExpressSessionAuth`), a header or parameter name
/// (`x-amz-s3session-token`), a `namespace/name` reference (`cert-manager/cert-manager-webhook-ca`), a URL
/// template (`secret_access_key@region/bucket_name`), a documented name pattern
/// (`SecretName-6RandomCharacters`).
fn is_code_or_name(value: &[u8]) -> bool {
    if value.starts_with(b"x-") || value.starts_with(b"X-") {
        return words_only(&value[2..]) || is_header_name(&value[2..]);
    }
    words_only(value) || is_dotted_path(value)
}

/// The rest of an `X-…` header name: two or more `-`-separated pieces of letters and digits (at most 20
/// each), each a word with a vowel or an abbreviation of at most three characters
/// (`Minio-Internal-Server-Side-Encryption-S3-Kms-Sealed-Key`).
fn is_header_name(rest: &[u8]) -> bool {
    let mut pieces = 0;
    for piece in rest.split(|&b| b == b'-') {
        let word = !piece.is_empty()
            && piece.len() <= 20
            && piece[0].is_ascii_alphabetic()
            && piece.iter().all(u8::is_ascii_alphanumeric)
            && (piece.len() <= 3 || piece.iter().any(|b| b"aeiouyAEIOUY".contains(b)));
        if !word {
            return false;
        }
        pieces += 1;
    }
    pieces >= 2
}

/// A dotted path of code identifiers ending in a type or attribute name: `x25519.X25519PrivateKey`,
/// `rust_openssl.hpke.MLKEM768X25519PrivateKey`. The first segment starts lower-case (a module or a
/// variable), and the last has a word of four or more lower-case letters.
fn is_dotted_path(value: &[u8]) -> bool {
    let ident = |s: &[u8]| {
        !s.is_empty()
            && (s[0].is_ascii_alphabetic() || s[0] == b'_')
            && s.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_')
    };
    let mut segments = value.split(|&b| b == b'.');
    let first = segments.next().unwrap_or_default();
    if !ident(first) || !first[0].is_ascii_lowercase() {
        return false;
    }
    let mut last = None;
    for s in segments {
        if !ident(s) {
            return false;
        }
        last = Some(s);
    }
    last.is_some_and(|last| {
        last.split(|b| !b.is_ascii_lowercase())
            .any(|w| w.len() >= 4 && w.iter().any(|b| b"aeiouy".contains(b)))
    })
}

/// Every piece of `value`, split at `_ . - / @ :` and at camel-case humps, is a word: three or more
/// letters with a vowel (two when the piece stands alone between separators), an acronym of two to five
/// capitals, or one letter with a number (`s3`, `v2`); digits beside a word at most two. At least two
/// pieces, and either a separator or a lower-case start (`secretAccessKey`): a PascalCase run with no
/// separator may be a passphrase. Random strings split into one-letter or vowel-less pieces and fail.
fn words_only(value: &[u8]) -> bool {
    const SEPARATORS: &[u8] = b"_.-/@:#";
    if value.is_empty()
        || !value
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || SEPARATORS.contains(b))
    {
        return false;
    }
    let separated = value.iter().any(|b| SEPARATORS.contains(b));
    if !separated && !value[0].is_ascii_lowercase() {
        return false;
    }
    let mut words = 0;
    for part in value.split(|b| SEPARATORS.contains(b)) {
        let mut i = 0;
        while i < part.len() {
            let start = i;
            if part[i].is_ascii_uppercase() {
                i += 1;
                let caps = i;
                while i < part.len() && part[i].is_ascii_uppercase() {
                    i += 1;
                }
                if i > caps && i < part.len() && part[i].is_ascii_lowercase() {
                    i -= 1; // `HTTPServer`: the last capital starts the next word
                }
            }
            while i < part.len() && part[i].is_ascii_lowercase() {
                i += 1;
            }
            let letters_end = i;
            while i < part.len() && part[i].is_ascii_digit() {
                i += 1;
            }
            let letters = &part[start..letters_end];
            let digits = i - letters_end;
            if letters.is_empty() {
                if digits > 4 {
                    return false;
                }
                continue;
            }
            let whole = start == 0 && i == part.len();
            let acronym = letters.iter().all(u8::is_ascii_uppercase);
            // Words of code that have no vowel.
            const VOWELLESS: &[&[u8]] = &[
                b"http", b"https", b"html", b"xml", b"sql", b"tcp", b"ssh", b"tls", b"dns", b"jwt",
                b"pwd", b"cfg", b"src", b"dst", b"msg", b"ctx", b"cmd", b"pkg", b"lst", b"str",
            ];
            let vowel = letters.iter().any(|b| b"aeiouyAEIOUY".contains(b))
                || VOWELLESS.iter().any(|w| letters.eq_ignore_ascii_case(w));
            let ok = if digits > 3 {
                false
            } else if letters.len() == 1 {
                digits > 0 || whole
            } else if acronym {
                // `HTTP`, `S3`; longer all-caps words between separators (`CLIENT_TRAFFIC_SECRET`) need a
                // vowel.
                letters.len() <= 5 || (separated && vowel)
            } else {
                vowel && (letters.len() >= 3 || whole)
            };
            if !ok {
                return false;
            }
            words += 1;
        }
    }
    words >= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_and_names() {
        for v in [
            "s3_disable_express_session_auth",
            "options.DisableS3ExpressSessionAuth",
            "x-amz-s3session-token",
            "cert-manager/cert-manager-webhook-ca",
            "secret_access_key@region/bucket_name",
            "SecretName-6RandomCharacters",
            "httpServerConfig",
            "secretAccessKey",
            "x25519.X25519PrivateKey",
            "rust_openssl.hpke.MLKEM768X25519PrivateKey",
            "CLIENT_TRAFFIC_SECRET_0",
            "yegor256/home#assets/crates-credentials",
            "X-Minio-Internal-Server-Side-Encryption-S3-Kms-Sealed-Key",
            "x-goog-api-key",
        ] {
            assert!(is_code_or_name(v.as_bytes()), "{v}");
        }
        for v in [
            "YCdZ9r-PWOyI4^Vq",
            "2MnmPBgaM5vI24BM71j9Cw1NbCQhIMs73JDPl1CG",
            "Ttv0yKq6V.X^6QFgzT",
            "kPzQwRtYuVbNmXcL",
            "a~1P^wLwgK2m",
            "uUqvbAqq1zWGCEKrTGC0jngKePRVuNpA2fryQh2pH23jWtYQ",
            "JHYWjyJzyX8VK3RMiub5rQbe1ul7HRWi",
            "uaTA9QYALyD9NQbocUAn",
            "CorrectHorseBatteryStaple",
            "Ab3kd.9xkQ7vLmR2",
            "QWXKZRPT_LMNVBCXZ",
            "x-9fKq2-Zr7wPx-Lm4Tq8vNb",
            "X-a8Fk2mQ9vXw4LpB8nHc3sJd6fYg1",
        ] {
            assert!(!is_code_or_name(v.as_bytes()), "{v}");
        }
    }

    #[test]
    fn a_presigned_urls_access_key_id_is_public_by_design() {
        let before = b"url = https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=";
        assert!(is_publishable(b"AKIA32P3D2JDNMVAJLGF", before, before));
        assert!(!is_publishable(
            b"AKIA32P3D2JDNMVAJLGF",
            b"aws_access_key_id = ",
            b""
        ));
    }

    #[test]
    fn a_value_that_spells_its_own_name_is_a_name() {
        let spells = |value: &str, before: &str| {
            spells_its_name(value.as_bytes(), assigned_name(before.as_bytes()))
        };
        assert!(spells("LDAPPassword", "\tstsLDAPPassword           = \""));
        assert!(spells("password_field", "PASSWORD_FIELD = '"));
        assert!(spells("db-password", "  \"dbPasswordKey\": \""));
        assert!(!spells("pass", "password = \""), "too short to say");
        assert!(!spells("Xk29vLqPzT", "password = \""));
        assert!(
            !spells("password123", "password = \""),
            "more than the name"
        );
        assert_eq!(
            assigned_name(b"  config.db_password: "),
            b"config.db_password"
        );
    }

    #[test]
    fn fixture_paths() {
        for p in [
            "tests/config.py",
            "src/foo/testdata/a.yaml",
            "pkg/auth/token_test.go",
            "test_settings.py",
            "web/src/app.spec.ts",
            "src/__tests__/x.js",
            "logs/access.log",
            "data/access.log.gz",
            "src/test/java/FooTest.java",
            "awscli/examples/s3/cp.rst",
            "botocore/data/iam/2010-05-08/examples-1.json",
            "config/.env.example",
        ] {
            assert!(is_fixture_path(p), "{p}");
        }
        for p in [
            "src/config.py",
            "deploy/.env",
            "latest/app.yaml",
            "contest.py",
        ] {
            assert!(!is_fixture_path(p), "{p}");
        }
    }

    #[test]
    fn aws_example_marks_and_badges() {
        assert!(marked_example(
            b"AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQ"
        ));
        assert!(!marked_example(
            b"AQoDYXdzEPT//////////wExamPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQ"
        ));
        assert!(is_badge(
            b"[![codecov](https://codecov.io/gh/o/r/graph/badge.svg?token="
        ));
    }

    #[test]
    fn names_that_say_not_a_credential() {
        assert!(names_a_secret(
            b"  \"ARN\": \"arn:aws:secretsmanager:us-west-2:123456789012:secret:"
        ));
        assert!(is_not_a_credential_name(b"  \"NextToken\": \""));
        assert!(is_not_a_credential_name(b"  \"AWS::AppSync::ApiKey\": \""));
        assert!(!is_not_a_credential_name(b"  \"access_token\": \""));
        assert_eq!(
            path_hold("typeshed/stdlib/urllib/request.pyi"),
            Some(Hold::NotAValue)
        );
        assert_eq!(path_hold("src/request.py"), None);
    }

    #[test]
    fn test_names() {
        for n in [
            "TEST_PASSWORD=",
            "mockToken: ",
            "  fake_secret = \"",
            "sampleApiKey=",
        ] {
            assert!(has_test_name(n.as_bytes()), "{n}");
        }
        for n in ["DB_PASSWORD=", "latest_token: ", "attestation_secret="] {
            assert!(!has_test_name(n.as_bytes()), "{n}");
        }
    }

    #[test]
    fn masks_truncations_references() {
        assert!(is_masked(b"sk_live_51H...x9"));
        assert!(is_masked("ab\u{2026}cd".as_bytes()));
        assert!(is_masked(b"abc***def"));
        assert!(is_truncated(b"ghp_R7tZk2mQ9vXw"));
        assert!(is_truncated(b"AKIA2OGYBAH6"));
        assert!(is_reference(b"projects/my-proj/secrets/db-pass/versions/3"));
        assert!(is_reference(b"secret/data/myapp/db"));
        assert!(!is_reference(b"Vq8tLm2xR9pZ"));
    }
}
