//! Decoders for credentials hidden in encodings: base64 (standard and URL-safe), percent-encoding, and
//! `\uXXXX` / `\xNN` escapes.
//!
//! [`find_spans`] finds spans that *look* encoded, cheaply: a base64 run (at least [`MIN_BASE64`]
//! characters) is only worth decoding when it has an upper-case letter, so the search jumps between
//! upper-case letters eight bytes at a time; percent-encoding and escapes start from one `memchr2` pass
//! for `%` and `\`. [`decode`] then decodes one span and keeps it only when the result is printable
//! text: the decoding of random bytes (an AWS secret key, a hash, a data URI) almost never is, and gives
//! up within a few bytes.
//!
//! The engine scans what survives (see `Engine::scan`), to a bounded depth and a bounded number of
//! decoded bytes per blob.

/// Shortest base64 run considered (decodes to 15 bytes).
pub const MIN_BASE64: usize = 20;
/// Longest span decoded; longer ones (images in data URIs, bundled fonts) are left alone.
pub const MAX_SPAN: usize = 256 << 10;
/// Shortest decoded text worth scanning.
const MIN_DECODED: usize = 8;

/// An encoding the engine looks through. The names appear in reports (`decoded: ["base64"]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Encoding {
    Base64,
    Percent,
    Escape,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Base64 => "base64",
            Encoding::Percent => "percent",
            Encoding::Escape => "escape",
        }
    }
}

/// A span of a blob that looks encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Span {
    pub start: usize,
    /// Exclusive; includes base64 `=` padding.
    pub end: usize,
    pub encoding: Encoding,
}

/// Base64 alphabet, standard and URL-safe, without padding.
const fn base64_table() -> [u8; 256] {
    let mut t = [0xffu8; 256];
    let mut i = 0;
    while i < 26 {
        t[b'A' as usize + i] = i as u8;
        t[b'a' as usize + i] = 26 + i as u8;
        i += 1;
    }
    let mut d = 0;
    while d < 10 {
        t[b'0' as usize + d] = 52 + d as u8;
        d += 1;
    }
    t[b'+' as usize] = 62;
    t[b'-' as usize] = 62;
    t[b'/' as usize] = 63;
    t[b'_' as usize] = 63;
    t
}
static BASE64: [u8; 256] = base64_table();

#[inline]
fn is_b64(b: u8) -> bool {
    BASE64[b as usize] != 0xff
}

/// Appends the candidate encoded spans of `hay` to `out`, sorted by start.
pub fn find_spans(hay: &[u8], out: &mut Vec<Span>) {
    let before = out.len();
    base64_spans(hay, out);
    escaped_spans(hay, out);
    out[before..].sort_unstable();
}

/// Base64 runs worth decoding contain an upper-case letter (see [`plausible_base64`]), so the search
/// jumps from one upper-case letter to the next (eight bytes at a time, without branching per byte) and
/// only there looks for the run around it: prose and lower-case code cost next to nothing.
fn base64_spans(hay: &[u8], out: &mut Vec<Span>) {
    let n = hay.len();
    let mut i = 0;
    while let Some(u) = next_upper(hay, i) {
        // A run of MIN_BASE64 around u reaches u - 10 or u + 10: when neither is base64, the run is
        // short (an identifier), and whatever follows starts after u + 10.
        const HALF: usize = MIN_BASE64 / 2;
        let far = |p: Option<usize>| p.and_then(|p| hay.get(p)).is_none_or(|&b| !is_b64(b));
        if far(u.checked_sub(HALF)) && far(Some(u + HALF)) {
            i = u + HALF + 1;
            continue;
        }
        let mut s = u;
        while s > i && is_b64(hay[s - 1]) {
            s -= 1;
        }
        let mut e = u + 1;
        while e < n && is_b64(hay[e]) {
            e += 1;
        }
        if e - s >= MIN_BASE64 && e - s <= MAX_SPAN && plausible_base64(&hay[s..e]) {
            let mut end = e;
            while end < n && end - e < 2 && hay[end] == b'=' {
                end += 1;
            }
            let padded = end > e;
            if (padded && (end - s) % 4 == 0) || (!padded && (e - s) % 4 != 1) {
                out.push(Span {
                    start: s,
                    end,
                    encoding: Encoding::Base64,
                });
            }
        }
        // hay[e] is not base64: the next run starts after it.
        i = e + 1;
    }
}

/// Position of the first `A`-`Z` at or after `from`.
fn next_upper(hay: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = from;
    while i + 8 <= hay.len() {
        let w = u64::from_le_bytes(hay[i..i + 8].try_into().unwrap());
        // "Has a byte between 64 and 91" (exclusive), from Bit Twiddling Hacks: never misses one.
        let low7 = w & (ONES * 127);
        let between = (ONES * (127 + 91)).wrapping_sub(low7)
            & !w
            & low7.wrapping_add(ONES * (127 - 64))
            & HIGH;
        if between != 0 {
            if let Some(k) = hay[i..i + 8].iter().position(u8::is_ascii_uppercase) {
                return Some(i + k);
            }
        }
        i += 8;
    }
    hay.get(i..)?
        .iter()
        .position(u8::is_ascii_uppercase)
        .map(|k| i + k)
}

/// Mixed case, and one alphabet (not both `+/` and `-_`): identifiers, paths and words fail this.
fn plausible_base64(run: &[u8]) -> bool {
    let (mut upper, mut lower, mut std, mut url) = (false, false, false, false);
    for &b in run {
        match b {
            b'A'..=b'Z' => upper = true,
            b'a'..=b'z' => lower = true,
            b'+' | b'/' => std = true,
            b'-' | b'_' => url = true,
            _ => {}
        }
    }
    upper && lower && !(std && url)
}

/// Bytes that end a percent-encoded or escaped span: whitespace, quotes, brackets and separators.
fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t'
            | b'\n'
            | b'\r'
            | b'"'
            | b'\''
            | b'`'
            | b'<'
            | b'>'
            | b'('
            | b')'
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b','
            | b';'
    ) || b < 0x20
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Whether an escape starts at `i` (`hay[i]` is the `%` or `\`).
fn escape_at(hay: &[u8], i: usize, enc: Encoding) -> bool {
    let all_hex = |from: usize, n: usize| {
        hay.get(from..from + n)
            .is_some_and(|h| h.iter().all(|&b| hex(b).is_some()))
    };
    match enc {
        Encoding::Percent => all_hex(i + 1, 2),
        Encoding::Escape => match hay.get(i + 1) {
            Some(b'u') => all_hex(i + 2, 4),
            Some(b'x') => all_hex(i + 2, 2),
            _ => false,
        },
        Encoding::Base64 => false,
    }
}

/// Whether the escape at `i` (valid, see [`escape_at`]) stands for a character that can be part of a
/// credential or of a rule keyword: a letter, a digit, or a symbol passwords and tokens use. Escapes of
/// `<`, `>`, `&`, quotes, spaces, brackets, control and non-ASCII characters (rustdoc anchors such as
/// `#impl-From%3CT%3E`, HTML-safe JSON `\u003c`) hide nothing a rule looks for that the text as written
/// does not show; a *value* that is encoded as a whole is decoded where it is matched instead.
fn hides_credential_char(hay: &[u8], i: usize) -> bool {
    let digits = match (hay[i], hay.get(i + 1)) {
        (b'%', _) => &hay[i + 1..i + 3],
        (_, Some(b'u')) => &hay[i + 2..i + 6],
        _ => &hay[i + 2..i + 4],
    };
    let code = hex_value(digits);
    code < 0x80 && {
        let b = code as u8;
        b.is_ascii_alphanumeric() || b"!#$%'()*+,-./:;=?@_~".contains(&b)
    }
}

/// Spans around percent-escapes and backslash escapes: from the delimiter before the first escape to
/// the delimiter after the last one, for escapes that [hide a credential character](hides_credential_char).
/// A backslash escape may be a quote (`\"`), which does not end the span. One `memchr2` pass finds both
/// kinds.
fn escaped_spans(hay: &[u8], out: &mut Vec<Span>) {
    // Where the last span of each kind ended (percent, escape).
    let mut last_end = [0usize; 2];
    for i in memchr::memchr2_iter(b'%', b'\\', hay) {
        let (enc, k) = if hay[i] == b'%' {
            (Encoding::Percent, 0)
        } else {
            (Encoding::Escape, 1)
        };
        if i < last_end[k] || !escape_at(hay, i, enc) || !hides_credential_char(hay, i) {
            continue;
        }
        let floor = last_end[k].max(i.saturating_sub(MAX_SPAN));
        let mut s = i;
        while s > floor && !is_delimiter(hay[s - 1]) {
            s -= 1;
        }
        let limit = (i + MAX_SPAN).min(hay.len());
        let mut e = i;
        while e < limit {
            let b = hay[e];
            if enc == Encoding::Escape && b == b'\\' && e + 1 < limit {
                e += 2; // `\"` and `\\` stay inside the span
                continue;
            }
            if is_delimiter(b) {
                break;
            }
            e += 1;
        }
        let e = e.min(limit);
        if e - s >= MIN_DECODED {
            out.push(Span {
                start: s,
                end: e,
                encoding: enc,
            });
        }
        last_end[k] = e;
    }
}

/// Printable ASCII text, tab, CR and LF.
#[inline]
fn printable(b: u8) -> bool {
    (0x20..0x7f).contains(&b) || b == b'\n' || b == b'\r' || b == b'\t'
}

/// Decodes `encoded` into `out` (cleared first). Returns false, possibly after a partial decode, when it
/// is not valid or does not decode to printable text of at least a few bytes: nothing worth scanning.
pub fn decode(encoded: &[u8], enc: Encoding, out: &mut Vec<u8>) -> bool {
    out.clear();
    let ok = match enc {
        Encoding::Base64 => decode_base64(encoded, out),
        Encoding::Percent => decode_percent(encoded, out),
        Encoding::Escape => decode_escapes(encoded, out),
    };
    ok && out.len() >= MIN_DECODED
}

/// Decodes a secret value that is itself encoded (a base64 password in a Kubernetes secret, a
/// percent-encoded password in a URL) into `out`; the encoding, or `None` when it is not.
pub fn decode_value(value: &[u8], out: &mut Vec<u8>) -> Option<Encoding> {
    let body_len = value.len()
        - value
            .iter()
            .rev()
            .take(2)
            .take_while(|&&b| b == b'=')
            .count();
    let body = &value[..body_len];
    let padded = body_len < value.len();
    let base64_shaped = body.iter().all(|&b| is_b64(b))
        && plausible_base64(body)
        && if padded {
            value.len() % 4 == 0
        } else {
            body_len >= 16 && body_len % 4 != 1
        };
    if base64_shaped && decode(value, Encoding::Base64, out) {
        return Some(Encoding::Base64);
    }
    if memchr::memchr(b'%', value).is_some() && decode(value, Encoding::Percent, out) {
        return Some(Encoding::Percent);
    }
    None
}

fn decode_base64(encoded: &[u8], out: &mut Vec<u8>) -> bool {
    let body = match encoded.iter().position(|&b| b == b'=') {
        Some(p) => &encoded[..p],
        None => encoded,
    };
    let mut acc: u32 = 0;
    let mut bits = 0;
    for &c in body {
        let v = BASE64[c as usize];
        if v == 0xff {
            return false;
        }
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            let b = (acc >> bits) as u8;
            // Random bytes fail here within a byte or two on average.
            if !printable(b) {
                return false;
            }
            out.push(b);
        }
    }
    true
}

fn decode_percent(encoded: &[u8], out: &mut Vec<u8>) -> bool {
    let mut i = 0;
    let mut changed = false;
    while i < encoded.len() {
        let b = encoded[i];
        if b == b'%' && escape_at(encoded, i, Encoding::Percent) {
            let v = hex(encoded[i + 1]).unwrap_or(0) << 4 | hex(encoded[i + 2]).unwrap_or(0);
            if !printable(v) {
                return false;
            }
            out.push(v);
            changed = true;
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    changed
}

fn hex_value(h: &[u8]) -> u32 {
    h.iter()
        .fold(0u32, |acc, &b| acc << 4 | hex(b).unwrap_or(0) as u32)
}

fn decode_escapes(encoded: &[u8], out: &mut Vec<u8>) -> bool {
    let mut i = 0;
    let mut changed = false;
    while i < encoded.len() {
        let b = encoded[i];
        if b != b'\\' || i + 1 >= encoded.len() {
            out.push(b);
            i += 1;
            continue;
        }
        if escape_at(encoded, i, Encoding::Escape) {
            let (mut code, mut len) = if encoded[i + 1] == b'u' {
                (hex_value(&encoded[i + 2..i + 6]), 6)
            } else {
                (hex_value(&encoded[i + 2..i + 4]), 4)
            };
            // A UTF-16 surrogate pair written as two escapes.
            if (0xD800..0xDC00).contains(&code)
                && encoded.get(i + 6..i + 8) == Some(b"\\u")
                && escape_at(encoded, i + 6, Encoding::Escape)
            {
                let low = hex_value(&encoded[i + 8..i + 12]);
                if (0xDC00..0xE000).contains(&low) {
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                    len = 12;
                }
            }
            match char::from_u32(code) {
                Some(c) if c.is_ascii() && !printable(c as u8) => return false,
                Some(c) => {
                    let mut tmp = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
                }
                None => return false,
            }
            changed = true;
            i += len;
            continue;
        }
        let simple = match encoded[i + 1] {
            b'n' => Some(b'\n'),
            b't' => Some(b'\t'),
            b'r' => Some(b'\r'),
            b'\\' => Some(b'\\'),
            b'"' => Some(b'"'),
            b'\'' => Some(b'\''),
            b'/' => Some(b'/'),
            _ => None,
        };
        match simple {
            Some(c) => {
                out.push(c);
                i += 2;
            }
            None => {
                out.push(b);
                i += 1;
            }
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(hay: &[u8]) -> Vec<(String, Encoding)> {
        let mut out = Vec::new();
        find_spans(hay, &mut out);
        out.iter()
            .map(|s| {
                (
                    String::from_utf8_lossy(&hay[s.start..s.end]).into_owned(),
                    s.encoding,
                )
            })
            .collect()
    }

    fn dec(s: &str, enc: Encoding) -> Option<String> {
        let mut out = Vec::new();
        decode(s.as_bytes(), enc, &mut out).then(|| String::from_utf8(out).unwrap())
    }

    #[test]
    fn base64_runs_are_found_with_their_padding() {
        assert_eq!(
            spans(b"password: cGFzc3dvcmQ6IGh1bnRlcjJodW50ZXI=\n"),
            vec![("cGFzc3dvcmQ6IGh1bnRlcjJodW50ZXI=".into(), Encoding::Base64)]
        );
        // Shorter than the minimum, identifiers and paths (one case only, or both alphabets) are not.
        assert!(
            spans(b"x = dXNlcjpwYXNz; snake_case_identifier_name_here /usr/local/lib/x").is_empty()
        );
        // An impossible length (4n+1 characters) is not base64.
        assert!(spans(b"aGVsbG8gd29ybGQgaGVsbG8gd").is_empty());
    }

    #[test]
    fn skip_scan_finds_runs_at_every_offset() {
        let token = b"Z2hwX1I3dFprMm1ROXZYdzRMcEI4bkhjM3NKZDZmWWcxYVVlNW9UaQ==";
        for pad in 0..45 {
            let mut hay = vec![b' '; pad];
            hay.extend_from_slice(token);
            hay.extend_from_slice(b" tail");
            assert_eq!(spans(&hay).len(), 1, "offset {pad}");
        }
    }

    #[test]
    fn next_upper_never_misses_and_never_invents() {
        for fill in [0u8, b'a', b' ', 0x80, 0xff, b'@', b'['] {
            for b in 0..=255u8 {
                for at in 0..17 {
                    let mut hay = vec![fill; 20];
                    hay[at] = b;
                    let want = hay.iter().position(u8::is_ascii_uppercase);
                    assert_eq!(next_upper(&hay, 0), want, "byte {b} at {at} in {fill}s");
                }
            }
        }
    }

    #[test]
    fn base64_decodes_text_and_rejects_binary() {
        assert_eq!(
            dec(
                "dXNlcjpnaHBfUjd0WmsybVE5dlh3NExwQjhuSGMzc0pkNmZZZzFhVWU1b1Rp",
                Encoding::Base64
            )
            .as_deref(),
            Some("user:ghp_R7tZk2mQ9vXw4LpB8nHc3sJd6fYg1aUe5oTi")
        );
        // An AWS-style secret key is base64-shaped, but decodes to random bytes.
        assert_eq!(
            dec("wJalrXUtnFEMIK7MDENGbPxRfiCYzzzzKEYa", Encoding::Base64),
            None
        );
        // URL-safe alphabet.
        assert_eq!(
            dec("PDw_Pz4-aGVsbG8_", Encoding::Base64).as_deref(),
            Some("<<??>>hello?")
        );
    }

    #[test]
    fn percent_and_escapes_decode() {
        assert_eq!(
            spans(b"url=\"https://u:p%40ss%21word@host/db\" x"),
            vec![("https://u:p%40ss%21word@host/db".into(), Encoding::Percent)]
        );
        assert_eq!(
            dec("https://u:p%40ss%21word@host/db", Encoding::Percent).as_deref(),
            Some("https://u:p@ss!word@host/db")
        );
        assert_eq!(
            dec(r"\u0067hp_abc\x41\ud83d\ude00\n", Encoding::Escape).as_deref(),
            Some("ghp_abcA\u{1F600}\n")
        );
        assert_eq!(
            spans(br#"{"t": "\u0067\u0068p_R7tZk2mQ9vXw4LpB8nHc"}"#),
            vec![
                (
                    r"\u0067\u0068p_R7tZk2mQ9vXw4LpB8nHc".into(),
                    Encoding::Escape
                ),
                // Also a base64-looking run; it decodes to bytes that are not text.
                ("u0068p_R7tZk2mQ9vXw4LpB8nHc".into(), Encoding::Base64)
            ]
        );
        // Escapes of `<`, `>`, `&`: nothing worth decoding (rustdoc anchors, HTML-safe JSON).
        assert!(
            spans(b"href=\"#impl-From%3CT%3E-for-T\" x=\"\\u003cdiv\\u003e\\u0026amp\"").is_empty()
        );
        // Control characters are not text.
        assert_eq!(dec("abc%00defghij", Encoding::Percent), None);
        // Nothing to decode: not worth a second scan.
        assert_eq!(dec(r"plain\ntext here", Encoding::Escape), None);
    }
}
