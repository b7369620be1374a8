//! Filters that decide whether a regex match is a credential or noise: entropy, placeholders and
//! templates, documented sample keys, and (for generic rules) values whose shape says they are not secrets.
//!
//! All functions take the candidate secret as bytes and allocate nothing on the common path.

/// Shannon entropy of `s` in bits per byte.
pub fn shannon_entropy(s: &[u8]) -> f64 {
    if s.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in s {
        counts[b as usize] += 1;
    }
    let n = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// Secrets published in provider documentation that no single rule's documented examples can hold: parts
/// of larger matches (a JWT signature, an emulator key inside a connection string) and values whose rule
/// drops them before triage. Whole provider tokens are `documented_examples` in their rule file, held
/// back rather than dropped.
const DOCUMENTED_SAMPLES: &[&[u8]] = &[
    b"AKIAIOSFODNN7EXAMPLE",
    b"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    b"je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
    b"sk_test_BQokikJOvBiI2HlWgH4olfQ2",
    b"sk_test_26PHem9AhJZvU623DfE1x4sd",
    b"rk_test_51H6Mb8JpFdIPvR4",
    b"SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    // jwt.io's sample token (its signature above drops it as part of a larger match).
    b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    b"AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe",
    b"T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
    // The example registry token in cargo's documentation.
    b"854DvwSlUwEHtIo3kWy6x7UCPKHfzCmy",
    // RFC 6749 (OAuth 2.0) sample tokens.
    b"2YotnFZFEjr1zCsicMWpAA",
    b"tGzv3JOkF0XG5Qx2TlKWIA",
    // Azurite (Azure Storage emulator) well-known development key.
    b"Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
];

/// Lower-case fragments that mark a value as a placeholder, not a credential.
const PLACEHOLDER_WORDS: &[&[u8]] = &[
    b"example",
    b"xxxx",
    b"changeme",
    b"change_me",
    b"change-me",
    b"placeholder",
    b"your_",
    b"your-",
    b"yourtoken",
    b"yourkey",
    b"yoursecret",
    b"yourpassword",
    b"redacted",
    b"dummy",
    b"sample",
    b"replace_me",
    b"replaceme",
    b"insert_",
    b"********",
    b"\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2", // •••
    b"12345678",
    b"abcdefgh",
    b"qwertyui",
];

/// Template and interpolation markers: the value is filled in elsewhere.
const TEMPLATE_MARKERS: &[&[u8]] = &[b"${", b"{{", b"}}", b"$(", b"%s", b"%(", b"<%", b"#{"];

/// Secrets longer than this (private key bodies) are only checked for template markers and samples:
/// a long random body contains short words by chance.
const LONG_SECRET: usize = 256;

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(hay, needle).is_some()
}

fn contains_ci(hay: &[u8], needle_lower: &[u8]) -> bool {
    if needle_lower.len() > hay.len() {
        return false;
    }
    hay.windows(needle_lower.len())
        .any(|w| w.eq_ignore_ascii_case(needle_lower))
}

/// True if `s` is a placeholder, a template, or a documented sample rather than a credential.
pub fn is_placeholder(s: &[u8]) -> bool {
    if DOCUMENTED_SAMPLES.contains(&s) {
        return true;
    }
    if DOCUMENTED_SAMPLES
        .iter()
        .any(|sample| sample.len() >= 20 && contains(s, sample))
    {
        return true;
    }
    if TEMPLATE_MARKERS.iter().any(|m| contains(s, m)) {
        return true;
    }
    if s.first() == Some(&b'<') && s.last() == Some(&b'>') {
        return true;
    }
    if s.len() > LONG_SECRET {
        return contains(s, b"...") || contains(s, b"\xe2\x80\xa6");
    }
    if PLACEHOLDER_WORDS.iter().any(|w| contains_ci(s, w)) {
        return true;
    }
    dominated_by_one_byte(s) || is_short_cycle(s) || is_textbook_password(s)
}

/// `password123`, `Admin2024!`, `letmein`: a dictionary word of tutorials, with digits or symbols after it.
fn is_textbook_password(s: &[u8]) -> bool {
    const WORDS: &[&[u8]] = &[
        b"password",
        b"passw0rd",
        b"passwd",
        b"secret",
        b"admin",
        b"root",
        b"letmein",
        b"welcome",
        b"qwerty",
        b"changeit",
        b"default",
        b"guest",
        b"user",
        b"hunter",
        b"pass",
        b"mypassword",
        b"mysecret",
        b"supersecret",
        b"topsecret",
        b"token",
        b"apikey",
    ];
    let word_end = s
        .iter()
        .rposition(|b| b.is_ascii_alphabetic())
        .map_or(0, |i| i + 1);
    let tail_ok = s[word_end..]
        .iter()
        .all(|b| b.is_ascii_digit() || b"!@#$%._-".contains(b));
    tail_ok && WORDS.iter().any(|w| s[..word_end].eq_ignore_ascii_case(w))
}

/// More than half of a 12+ byte value is one repeated byte (`sk_live_0000…`, `ghp_aaaa…`).
fn dominated_by_one_byte(s: &[u8]) -> bool {
    if s.len() < 12 {
        return false;
    }
    let mut counts = [0u16; 256];
    for &b in s {
        counts[b as usize] = counts[b as usize].saturating_add(1);
    }
    let max = counts.iter().copied().max().unwrap_or(0) as usize;
    max * 2 > s.len()
}

/// The value repeats a unit of at most 4 bytes (`abcabcabc`, `1212121212`).
fn is_short_cycle(s: &[u8]) -> bool {
    (1..=4).any(|p| s.len() >= p * 3 && s.iter().enumerate().skip(p).all(|(i, &b)| b == s[i - p]))
}

/// For generic (low-confidence) rules only: true if the value's shape says it is not a secret —
/// a code reference, an identifier, a path, a URL, a version, a UUID, a digest, a password hash.
/// `name` is the matched text before the value (the variable name), used to spot `password_hash = …`.
pub fn is_not_secret_shaped(value: &[u8], name: &[u8]) -> bool {
    const DIGEST_NAMES: &[&[u8]] = &[
        b"hash",
        b"digest",
        b"checksum",
        b"sha1",
        b"sha256",
        b"sha512",
        b"md5",
        b"fingerprint",
        b"integrity",
        b"_url",
        b"_uri",
        b"_path",
        b"_file",
        b"_name",
        b"_type",
        b"_length",
        b"_len",
        b"_min",
        b"_max",
        b"_timeout",
    ];
    if DIGEST_NAMES.iter().any(|n| contains_ci(name, n)) {
        return true;
    }
    const CODE_REFS: &[&[u8]] = &[
        b"environ",
        b"process.env",
        b"getenv",
        b"env(",
        b"env[",
        b"env.",
        b"secrets.",
        b"vault(",
        b"settings.",
        b"config.",
        b"this.",
        b"self.",
        b"params[",
        b"args.",
        b"os.",
        b"null",
        b"none",
        b"undefined",
        b"true",
        b"false",
    ];
    let lower_starts =
        |p: &[u8]| value.len() >= p.len() && value[..p.len()].eq_ignore_ascii_case(p);
    if CODE_REFS.iter().any(|r| lower_starts(r)) || contains_ci(value, b"process.env") {
        return true;
    }
    const FAKE_PREFIXES: &[&[u8]] = &[b"fake", b"mock", b"dummy", b"test", b"sample", b"example"];
    if FAKE_PREFIXES.iter().any(|p| lower_starts(p)) {
        return true;
    }
    // `$VAR`, `@maven.property@`, `%WINDOWS_VAR%` (but not a password that starts with `%`).
    if value.first() == Some(&b'$')
        || value.first() == Some(&b'@')
        || (value.first() == Some(&b'%') && value.last() == Some(&b'%'))
    {
        return true;
    }
    const HASH_PREFIXES: &[&[u8]] = &[b"sha512-", b"sha384-", b"sha256-", b"sha1-", b"md5-"];
    if HASH_PREFIXES.iter().any(|p| lower_starts(p)) {
        return true;
    }
    if contains(value, b"://") {
        return true;
    }
    if looks_like_path(value) || looks_like_version(value) || looks_like_uuid(value) {
        return true;
    }
    if value.iter().all(u8::is_ascii_hexdigit) && matches!(value.len(), 32 | 40 | 64) {
        return true;
    }
    if value.contains(&b'(') && value.last() == Some(&b')') {
        return true; // a function call
    }
    looks_like_identifier(value)
}

fn looks_like_path(v: &[u8]) -> bool {
    let starts = |p: &[u8]| v.starts_with(p);
    if starts(b"/") || starts(b"./") || starts(b"../") || starts(b"~/") {
        return true;
    }
    if v.len() > 3 && v[0].is_ascii_alphabetic() && v[1] == b':' && (v[2] == b'\\' || v[2] == b'/')
    {
        return true;
    }
    // dir/file.ext
    if let Some(slash) = v.iter().rposition(|&b| b == b'/' || b == b'\\') {
        let tail = &v[slash + 1..];
        if let Some(dot) = tail.iter().rposition(|&b| b == b'.') {
            let ext = &tail[dot + 1..];
            return (1..=5).contains(&ext.len()) && ext.iter().all(u8::is_ascii_lowercase);
        }
    }
    false
}

fn looks_like_version(v: &[u8]) -> bool {
    let v = v.strip_prefix(b"v").unwrap_or(v);
    let core_end = v
        .iter()
        .position(|&b| b == b'-' || b == b'+')
        .unwrap_or(v.len());
    let core = &v[..core_end];
    let parts = core.split(|&b| b == b'.').collect::<Vec<_>>();
    parts.len() >= 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.iter().all(u8::is_ascii_digit))
}

fn looks_like_uuid(v: &[u8]) -> bool {
    if v.len() != 36 {
        return false;
    }
    v.iter().enumerate().all(|(i, &b)| match i {
        8 | 13 | 18 | 23 => b == b'-',
        _ => b.is_ascii_hexdigit(),
    })
}

/// Words and dotted/underscored names without digits (`client_credentials`, `SomeClass.property`),
/// unless the letters look random (mixed case spread evenly, as in a generated password).
fn looks_like_identifier(v: &[u8]) -> bool {
    if !v
        .iter()
        .all(|b| b.is_ascii_alphabetic() || b"_.-:".contains(b))
    {
        return false;
    }
    let letters = v.iter().filter(|b| b.is_ascii_alphabetic()).count();
    let upper = v.iter().filter(|b| b.is_ascii_uppercase()).count();
    let has_separator = v.iter().any(|b| b"_.-:".contains(b));
    let ratio = upper as f64 / letters.max(1) as f64;
    let random_looking = !has_separator && letters >= 12 && (0.3..=0.7).contains(&ratio);
    !random_looking
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_values() {
        assert_eq!(shannon_entropy(b""), 0.0);
        assert_eq!(shannon_entropy(b"aaaa"), 0.0);
        assert!((shannon_entropy(b"abcd") - 2.0).abs() < 1e-9);
        assert!((shannon_entropy(b"0123456789abcdef") - 4.0).abs() < 1e-9);
    }

    #[test]
    fn placeholders() {
        for p in [
            &b"AKIAIOSFODNN7EXAMPLE"[..],
            b"ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            b"${GITHUB_TOKEN}",
            b"{{ .Values.token }}",
            b"<your-token>",
            b"changeme123",
            b"sk_live_000000000000000000000000",
            b"abcabcabcabc",
            b"your_api_key_here",
            b"$(cat /run/secret)",
            b"password123",
            b"Admin2024!",
            b"letmein",
        ] {
            assert!(is_placeholder(p), "{}", String::from_utf8_lossy(p));
        }
        for s in [
            &b"ghp_R7tZk2mQ9vXw4LpB8nHc3sJd6fYg1aUe5oTi"[..],
            b"Vq8#tLm2!xR9pZ",
            b"sk_live_51HqLyjWDarjtT1zdp7dcKq9",
        ] {
            assert!(!is_placeholder(s), "{}", String::from_utf8_lossy(s));
        }
    }

    #[test]
    fn generic_value_shapes() {
        let name = b"password = ";
        for v in [
            &b"client_credentials"[..],
            b"os.environ",
            b"process.env.API_KEY",
            b"/etc/ssl/private/key.pem",
            b"config/secrets.yml",
            b"1.2.3-beta",
            b"3f786850e387550fdab836ed7e6dc881de23001b",
            b"123e4567-e89b-12d3-a456-426614174000",
            b"https://example.com/oauth/token",
            b"sha512-abcDEF0123456789abcDEF0123456789==",
            b"getSecret()",
            b"SomeClassName",
            b"fake_password_1234",
        ] {
            assert!(
                is_not_secret_shaped(v, name),
                "{}",
                String::from_utf8_lossy(v)
            );
        }
        for v in [
            &b"Vq8#tLm2!xR9pZ"[..],
            b"kPzQwRtYuVbNmXcL",
            b"8dJ2kL9qZx4TvB7n",
        ] {
            assert!(
                !is_not_secret_shaped(v, name),
                "{}",
                String::from_utf8_lossy(v)
            );
        }
        assert!(is_not_secret_shaped(b"Vq8tLm2xR9pZ", b"password_hash: "));
    }
}
