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

/// Base64 runs worth decoding are at least [`MIN_BASE64`] long: the search classifies 64 bytes at a time
/// into a bit mask of base64 characters (AVX2 where the CPU has it) and finds where such runs start
/// with a few shifts, so text between runs costs a fraction of a cycle per byte, however dense its
/// identifiers and upper-case letters are.
fn base64_spans(hay: &[u8], out: &mut Vec<Span>) {
    let n = hay.len();
    // `from`: the end of the last run examined, plus one; no run starts before it.
    let (mut at, mut from) = (0, 0);
    let mut here = b64_mask(hay, 0);
    while at < n {
        let next = b64_mask(hay, at + 64);
        let mut starts = long_run_starts(here, next);
        if from > at {
            starts &= u64::MAX.checked_shl((from - at) as u32).unwrap_or(0);
        }
        if starts == 0 {
            at += 64;
            here = next;
            continue;
        }
        let p = at + starts.trailing_zeros() as usize;
        let mut s = p;
        while s > from && is_b64(hay[s - 1]) {
            s -= 1;
        }
        let mut e = p + 1;
        while e < n && is_b64(hay[e]) {
            e += 1;
        }
        push_base64_run(hay, s, e, out);
        // hay[e] is not base64: the next run starts after it.
        from = e + 1;
        at = from - from % 64;
        here = b64_mask(hay, at);
    }
}

/// Records the maximal base64 run `hay[s..e]` (with its `=` padding) if it is long, short and mixed
/// enough to be worth decoding, and its length fits base64.
fn push_base64_run(hay: &[u8], s: usize, e: usize, out: &mut Vec<Span>) {
    if e - s < MIN_BASE64 || e - s > MAX_SPAN || !plausible_base64(&hay[s..e]) {
        return;
    }
    let mut end = e;
    while end < hay.len() && end - e < 2 && hay[end] == b'=' {
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

/// Bit `i` of the result is set when a run of at least [`MIN_BASE64`] base64 characters starts at bit
/// `i` of `here`, with `next` the mask of the 64 bytes after it.
fn long_run_starts(here: u64, next: u64) -> u64 {
    const _: () = assert!(MIN_BASE64 == 20, "the shifts below add up to 20");
    let x = here as u128 | (next as u128) << 64;
    let mut r = x & (x >> 1); // runs of 2
    r &= r >> 2; // 4
    r &= r >> 4; // 8
    r &= r >> 8; // 16
    r &= r >> 4; // 20
    r as u64
}

/// Bit `i`: `hay[at + i]` is a base64 character (past the end: not).
fn b64_mask(hay: &[u8], at: usize) -> u64 {
    #[cfg(target_arch = "x86_64")]
    if at + 64 <= hay.len() && std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, and the 64 bytes from `at` are in bounds.
        return unsafe { b64_mask_avx2(hay.as_ptr().add(at)) };
    }
    hay.get(at..)
        .unwrap_or_default()
        .iter()
        .take(64)
        .enumerate()
        .fold(0, |m, (i, &b)| m | (is_b64(b) as u64) << i)
}

/// [`b64_mask`] of the 64 bytes at `p`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn b64_mask_avx2(p: *const u8) -> u64 {
    use std::arch::x86_64::{__m256i, _mm256_loadu_si256};
    // SAFETY: the caller guarantees 64 readable bytes; loadu has no alignment requirement.
    let (lo, hi) = unsafe {
        (
            _mm256_loadu_si256(p as *const __m256i),
            _mm256_loadu_si256(p.add(32) as *const __m256i),
        )
    };
    b64_bits_avx2(lo) as u64 | (b64_bits_avx2(hi) as u64) << 32
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn b64_bits_avx2(v: std::arch::x86_64::__m256i) -> u32 {
    use std::arch::x86_64::*;
    // Signed compares: bytes of 0x80 and above are negative, so outside every ASCII range.
    let within = |lo: u8, hi: u8| {
        _mm256_and_si256(
            _mm256_cmpgt_epi8(v, _mm256_set1_epi8(lo as i8 - 1)),
            _mm256_cmpgt_epi8(_mm256_set1_epi8(hi as i8 + 1), v),
        )
    };
    let is = |c: u8| _mm256_cmpeq_epi8(v, _mm256_set1_epi8(c as i8));
    let letters = _mm256_or_si256(within(b'A', b'Z'), within(b'a', b'z'));
    let digits = _mm256_or_si256(within(b'0', b'9'), _mm256_or_si256(is(b'+'), is(b'/')));
    let url = _mm256_or_si256(is(b'-'), is(b'_'));
    let all = _mm256_or_si256(letters, _mm256_or_si256(digits, url));
    _mm256_movemask_epi8(all) as u32
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
    fn base64_spans_match_the_per_upper_case_search() {
        // The search this one replaced: from each upper-case letter, the base64 run around it.
        fn reference(hay: &[u8], out: &mut Vec<Span>) {
            let n = hay.len();
            let mut i = 0;
            while let Some(u) = hay[i.min(n)..].iter().position(u8::is_ascii_uppercase) {
                let u = i + u;
                let mut s = u;
                while s > i && is_b64(hay[s - 1]) {
                    s -= 1;
                }
                let mut e = u + 1;
                while e < n && is_b64(hay[e]) {
                    e += 1;
                }
                push_base64_run(hay, s, e, out);
                i = e + 1;
            }
        }
        let alphabet = b"aZ09+/-_=. \n\x80Q";
        let mut x = 0x2545f4914f6cdd1du64;
        let mut spans = 0;
        for round in 0..3000 {
            let len = (round % 300) + 1;
            let mut hay = Vec::with_capacity(len);
            while hay.len() < len {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                // Long stretches of one kind, so runs near 20 bytes and block edges are common.
                let b = alphabet[(x % alphabet.len() as u64) as usize];
                let run = 1 + (x >> 40) as usize % 24;
                for k in 0..run {
                    hay.push(if b.is_ascii_alphanumeric() && k % 3 == 1 {
                        b'k'
                    } else {
                        b
                    });
                }
            }
            hay.truncate(len);
            let (mut want, mut got) = (Vec::new(), Vec::new());
            reference(&hay, &mut want);
            base64_spans(&hay, &mut got);
            assert_eq!(got, want, "{:?}", String::from_utf8_lossy(&hay));
            spans += got.len();
        }
        assert!(
            spans > 1000,
            "{spans} spans: the inputs must exercise the search"
        );
    }

    #[test]
    fn b64_masks_agree_with_the_table() {
        let hay: Vec<u8> = (0..=255u8).cycle().take(64 * 9 + 5).collect();
        for at in 0..hay.len() + 70 {
            let want = (0..64).fold(0u64, |m, i| {
                m | (hay.get(at + i).is_some_and(|&b| is_b64(b)) as u64) << i
            });
            assert_eq!(b64_mask(&hay, at), want, "at {at}");
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
