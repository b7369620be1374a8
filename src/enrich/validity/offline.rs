//! Offline checks: what a secret's own bytes say about it, with no network. Always on.
//!
//! - GitHub (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_` with 36 characters) and npm (`npm_`) tokens end in a
//!   checksum: the last 6 characters are the CRC32 of the 30 random characters before them, in base62
//!   (`0-9A-Za-z`), left-padded with `0`.
//! - JWTs: the header and payload are base64url JSON objects; an `exp` in the past is `expired`.
//! - PEM private keys (RSA, EC, DSA, PKCS#8): the body is base64 of DER that starts with a SEQUENCE.
//! - AWS access key ids: a known prefix, 20 characters of `A-Z2-7`.
//! - Slack tokens: `xox?-` followed by numeric ids and a final alphanumeric part.
//!
//! A failed checksum or structure ([`Offline::ChecksumFailed`], [`Offline::Malformed`]) means the
//! provider cannot have issued the value, and an expired JWT ([`Offline::Expired`]) cannot be used any
//! more: the finding is kept but its confidence drops to low (held back, see `apply_offline`).

use base64::Engine as _;

use crate::finding::Offline;

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// The offline verdict on `secret` found by rule `rule_id`, or `None` when no check applies.
/// `now` is seconds since the epoch (for JWT expiry).
pub fn check(rule_id: &str, secret: &[u8], now: i64) -> Option<Offline> {
    let provider = rule_id.split('.').next().unwrap_or_default();
    match provider {
        "github" | "npm" if has_checksum(secret) => Some(checksum(secret)),
        "jwt" => Some(jwt(secret, now)),
        "privatekey" => pem(secret),
        "aws" if rule_id == "aws.access-key-id" => Some(aws_key_id(secret)),
        "slack" if secret.starts_with(b"xox") => Some(slack(secret)),
        _ => None,
    }
}

/// `xxx_` + 36 base62 characters: the GitHub/npm checksummed format.
fn has_checksum(secret: &[u8]) -> bool {
    let known = [b"ghp_", b"gho_", b"ghu_", b"ghs_", b"ghr_", b"npm_"];
    secret.len() == 40
        && known.iter().any(|p| secret.starts_with(*p))
        && secret[4..].iter().all(u8::is_ascii_alphanumeric)
}

/// The base62 CRC32 suffix for the 30 random characters of a token.
pub fn checksum_suffix(random: &[u8]) -> String {
    let mut n = crc32fast::hash(random);
    let mut out = [b'0'; 6];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn checksum(secret: &[u8]) -> Offline {
    if checksum_suffix(&secret[4..34]).as_bytes() == &secret[34..] {
        Offline::ChecksumOk
    } else {
        Offline::ChecksumFailed
    }
}

fn b64url(part: &[u8]) -> Option<Vec<u8>> {
    let trimmed: &[u8] = part.strip_suffix(b"==").unwrap_or(part);
    let trimmed = trimmed.strip_suffix(b"=").unwrap_or(trimmed);
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(trimmed)
        .ok()
}

fn jwt(secret: &[u8], now: i64) -> Offline {
    let mut parts = secret.split(|&b| b == b'.');
    let (Some(header), Some(payload)) = (parts.next(), parts.next()) else {
        return Offline::Malformed;
    };
    let object = |part: &[u8]| -> Option<serde_json::Map<String, serde_json::Value>> {
        match serde_json::from_slice(&b64url(part)?).ok()? {
            serde_json::Value::Object(m) => Some(m),
            _ => None,
        }
    };
    let (Some(header), Some(payload)) = (object(header), object(payload)) else {
        return Offline::Malformed;
    };
    if !header.contains_key("alg") {
        return Offline::Malformed;
    }
    match payload.get("exp").and_then(serde_json::Value::as_f64) {
        Some(exp) if exp < now as f64 => Offline::Expired,
        _ => Offline::StructureOk,
    }
}

/// PEM blocks whose body is DER: PKCS#1 RSA, SEC1 EC, DSA, PKCS#8. Other kinds (OpenSSH, PGP,
/// encrypted PKCS#8 with headers, escaped) get no verdict.
fn pem(secret: &[u8]) -> Option<Offline> {
    let text = std::str::from_utf8(secret).ok()?;
    let kinds = [
        "RSA PRIVATE KEY",
        "EC PRIVATE KEY",
        "DSA PRIVATE KEY",
        "PRIVATE KEY",
        "ENCRYPTED PRIVATE KEY",
    ];
    let first = text.lines().next()?.trim();
    if !kinds
        .iter()
        .any(|k| first == format!("-----BEGIN {k}-----"))
    {
        return None;
    }
    let mut body = String::new();
    for line in text.lines().skip(1) {
        let line = line.trim();
        if line.starts_with("-----END") {
            break;
        }
        if line.contains(':') {
            // Legacy encrypted PEM (`Proc-Type: 4,ENCRYPTED`): the body is ciphertext, not DER.
            return None;
        }
        body.push_str(line);
    }
    // Lenient about padding and trailing bits: the question is the structure, not the encoder.
    let lenient = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    let der = match lenient.decode(body.as_bytes()) {
        Ok(d) => d,
        Err(_) => return Some(Offline::Malformed),
    };
    Some(if der_sequence(&der) {
        Offline::StructureOk
    } else {
        Offline::Malformed
    })
}

/// True if `der` is one DER SEQUENCE whose length fits the data.
fn der_sequence(der: &[u8]) -> bool {
    let [0x30, len, rest @ ..] = der else {
        return false;
    };
    let (len, rest) = if len & 0x80 == 0 {
        (*len as usize, rest)
    } else {
        let n = (len & 0x7f) as usize;
        if n == 0 || n > 4 || rest.len() < n {
            return false;
        }
        let v = rest[..n].iter().fold(0usize, |a, &b| (a << 8) | b as usize);
        (v, &rest[n..])
    };
    len > 0 && len <= rest.len()
}

/// AWS access key ids are a 4-character prefix and 16 characters of base32 (`A-Z2-7`).
fn aws_key_id(secret: &[u8]) -> Offline {
    let prefixes: [&[u8]; 4] = [b"AKIA", b"ASIA", b"ABIA", b"ACCA"];
    let base32 = |b: &u8| b.is_ascii_uppercase() || (b'2'..=b'7').contains(b);
    let ok = secret.len() == 20
        && (prefixes.iter().any(|p| secret.starts_with(p)) && secret[4..].iter().all(base32)
            || secret.starts_with(b"A3T") && secret[3..].iter().all(u8::is_ascii_alphanumeric));
    if ok {
        Offline::StructureOk
    } else {
        Offline::Malformed
    }
}

/// `xoxb-`/`xoxp-`/… : dash-separated parts, the numeric ids first, the last part alphanumeric.
fn slack(secret: &[u8]) -> Offline {
    // Configuration tokens wrap a bot or user token: `xoxe.xoxb-1-…`.
    let secret = secret.strip_prefix(b"xoxe.").unwrap_or(secret);
    let Some(rest) = secret.get(5..) else {
        return Offline::Malformed;
    };
    let parts: Vec<&[u8]> = rest.split(|&b| b == b'-').collect();
    let (last, ids) = parts.split_last().expect("split yields one part");
    let ok = secret[3] != b'-'
        && secret[4] == b'-'
        && !ids.is_empty()
        && ids
            .iter()
            .all(|p| !p.is_empty() && p.iter().all(u8::is_ascii_digit))
        && last.len() >= 8
        && last.iter().all(u8::is_ascii_alphanumeric);
    if ok {
        Offline::StructureOk
    } else {
        Offline::Malformed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tokens in the published GitHub format with valid checksums (from another scanner's test
    /// suite), and one character changed.
    #[test]
    fn github_checksums() {
        for t in [
            "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",
            "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",
            "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",
            "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",
        ] {
            assert_eq!(
                check("github.pat-classic", t.as_bytes(), 0),
                Some(Offline::ChecksumOk),
                "{t}"
            );
        }
        assert_eq!(
            check(
                "github.pat-classic",
                b"ghp_M7H4jxUDDWHP4kZ6A4dxlQYsQIWJuq11T4V3",
                0
            ),
            Some(Offline::ChecksumFailed)
        );
        // Other lengths (fine-grained, long refresh tokens) have no checksum to check.
        assert_eq!(check("github.fine-grained-pat", b"github_pat_11A", 0), None);
    }

    #[test]
    fn npm_checksum_uses_the_same_scheme() {
        let random = b"Vx8kQ2mZ7pLr4tNc9wBf3hYd6sJg1a";
        let token = format!(
            "npm_{}{}",
            String::from_utf8_lossy(random),
            checksum_suffix(random)
        );
        assert_eq!(
            check("npm.access-token", token.as_bytes(), 0),
            Some(Offline::ChecksumOk)
        );
        let mut bad = token.into_bytes();
        bad[10] = if bad[10] == b'a' { b'b' } else { b'a' };
        assert_eq!(
            check("npm.access-token", &bad, 0),
            Some(Offline::ChecksumFailed)
        );
    }

    fn jwt_with(payload: &str) -> Vec<u8> {
        let e = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        format!(
            "{}.{}.c2lnbmF0dXJlLWJ5dGVz",
            e(r#"{"alg":"HS256","typ":"JWT"}"#),
            e(payload)
        )
        .into_bytes()
    }

    #[test]
    fn jwt_expiry_and_structure() {
        let now = 1_700_000_000;
        let t = |p: &str| check("jwt.token", &jwt_with(p), now);
        assert_eq!(t(r#"{"sub":"a","exp":1699999999}"#), Some(Offline::Expired));
        assert_eq!(
            t(r#"{"sub":"a","exp":1700000001}"#),
            Some(Offline::StructureOk)
        );
        assert_eq!(t(r#"{"sub":"a"}"#), Some(Offline::StructureOk));
        assert_eq!(t("not json"), Some(Offline::Malformed));
        assert_eq!(
            check("jwt.token", b"eyJhbGciOi.eyJzdWIi.sig", now),
            Some(Offline::Malformed)
        );
    }

    #[test]
    fn pem_bodies_must_be_der_sequences() {
        let der_b64 = base64::engine::general_purpose::STANDARD.encode([0x30, 0x03, 2, 1, 0]);
        let key = format!("-----BEGIN PRIVATE KEY-----\n{der_b64}\n-----END PRIVATE KEY-----");
        assert_eq!(
            check("privatekey.pkcs8", key.as_bytes(), 0),
            Some(Offline::StructureOk)
        );
        let not_der = base64::engine::general_purpose::STANDARD.encode(b"hello world, no DER");
        let key =
            format!("-----BEGIN RSA PRIVATE KEY-----\n{not_der}\n-----END RSA PRIVATE KEY-----");
        assert_eq!(
            check("privatekey.rsa", key.as_bytes(), 0),
            Some(Offline::Malformed)
        );
        let key = "-----BEGIN EC PRIVATE KEY-----\n!!!notbase64!!!\n-----END EC PRIVATE KEY-----";
        assert_eq!(
            check("privatekey.ec", key.as_bytes(), 0),
            Some(Offline::Malformed)
        );
        let ssh = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n-----END OPENSSH PRIVATE KEY-----";
        assert_eq!(check("privatekey.openssh", ssh.as_bytes(), 0), None);
    }

    #[test]
    fn aws_and_slack_structure() {
        assert_eq!(
            check("aws.access-key-id", b"AKIA2E0A8F3B244C9986", 0),
            Some(Offline::Malformed) // 0, 8, 9 are not in AWS's base32 alphabet
        );
        assert_eq!(
            check("aws.access-key-id", b"AKIAQYLPMN5HHHFPZAM2", 0),
            Some(Offline::StructureOk)
        );
        assert_eq!(
            check(
                "slack.bot-token",
                b"xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
                0
            ),
            Some(Offline::StructureOk)
        );
        assert_eq!(
            check("slack.bot-token", b"xoxb--AbCdEfGhIjKlMnOpQrStUvWx", 0),
            Some(Offline::Malformed)
        );
        assert_eq!(
            check("slack.webhook-url", b"https://hooks.slack.com/x", 0),
            None
        );
    }
}
