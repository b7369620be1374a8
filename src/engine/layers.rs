//! Decoded layers of a blob: the engine scans what the encoded-looking spans ([`super::decode`]) decode
//! to, and merges those matches with the matches of the blob as written.

use super::{decode, filter, is_structural, Engine, Scratch};
use super::{end_position, AllowMarker, BlobSummary, Cursor};
use crate::finding::{Match, Secret};
use crate::rules::Confidence;

impl Engine {
    /// Scans the decodings of the encoded-looking spans of `hay` and merges what they hold into
    /// `out[first..]` (the matches of `hay` as written). A decoded match takes the position of its
    /// encoded span. It is dropped when the same secret was found as written in this blob; where it
    /// overlaps a match as written, the more specific of the two is kept (the one as written on a tie).
    /// A match as written whose secret is itself an encoded value (base64, percent) gets the decoded
    /// value as its secret.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn scan_decoded(
        &self,
        hay: &[u8],
        scratch: &mut Scratch,
        out: &mut Vec<Match>,
        first: usize,
        depth: usize,
        budget: &mut usize,
        summary: &mut BlobSummary,
    ) {
        let mut spans = std::mem::take(&mut scratch.spans);
        spans.clear();
        decode::find_spans(hay, &mut spans);
        if spans.is_empty() && out.len() == first {
            scratch.spans = spans;
            return;
        }
        let mut found: Vec<Match> = Vec::new();
        let mut buf = Vec::new();
        let mut inner = Vec::new();
        let mut cursor = Cursor::default();
        let mut marker = AllowMarker::default();
        for span in &spans {
            let encoded = &hay[span.start..span.end];
            if encoded.len() > *budget {
                break;
            }
            if !decode::decode(encoded, span.encoding, &mut buf) {
                continue;
            }
            *budget -= encoded.len();
            inner.clear();
            let s = self.scan_layers(&buf, scratch, &mut inner, depth - 1, budget);
            summary.allowed_inline += s.allowed_inline;
            summary.allowlisted += s.allowlisted;
            if inner.is_empty() {
                continue;
            }
            if self.options.inline_allow && marker.covers(hay, span.start, span.end) {
                summary.allowed_inline += inner.len();
                continue;
            }
            let (line, column) = cursor.advance(hay, span.start);
            let (end_line, end_column) = end_position(hay, span.start, span.end, line, column);
            for m in inner.drain(..) {
                let mut layers = vec![span.encoding.name()];
                layers.extend(m.decoded);
                found.push(Match {
                    rule: m.rule,
                    secret: m.secret,
                    start: span.start,
                    end: span.end,
                    line,
                    column,
                    end_line,
                    end_column,
                    decoded: layers,
                    held: m.held,
                    pending: m.pending,
                });
            }
        }
        scratch.spans = spans;
        self.merge_decoded(out, first, found, &mut buf);
    }

    fn merge_decoded(
        &self,
        out: &mut Vec<Match>,
        first: usize,
        mut found: Vec<Match>,
        buf: &mut Vec<u8>,
    ) {
        let mut drop_raw = vec![false; out.len() - first];
        let raw = &out[first..];
        if !found.is_empty() {
            let raw_secrets: std::collections::HashSet<&[u8]> =
                raw.iter().map(|r| r.secret.expose()).collect();
            found.retain(|d| !raw_secrets.contains(d.secret.expose()));
        }
        found.sort_by(|a, b| (a.start, a.rule, &a.secret).cmp(&(b.start, b.rule, &b.secret)));
        // One secret in overlapping spans (a base64 run inside a percent-encoded URL) is one finding,
        // at the span that starts first.
        let mut kept: Vec<Match> = Vec::with_capacity(found.len());
        for d in found {
            let dup = kept.iter().rev().take(8).any(|k| {
                k.rule == d.rule && k.secret == d.secret && d.start < k.end && k.start < d.end
            });
            if !dup {
                kept.push(d);
            }
        }
        let mut found = kept;
        let rank = |m: &Match| {
            let meta = &self.rules[m.rule].rule.meta;
            (meta.confidence, !is_structural(meta))
        };
        // Overlaps, without comparing every pair: `found` is sorted by start, and `reach[j]` is the
        // furthest end among found[..=j], so the walk back from a raw match stops at the first span
        // that cannot reach it.
        let reach: Vec<usize> = found
            .iter()
            .scan(0, |far, d| {
                *far = (*far).max(d.end);
                Some(*far)
            })
            .collect();
        let mut drop_found = vec![false; found.len()];
        for (i, r) in raw.iter().enumerate() {
            let mut j = found.partition_point(|d| d.start < r.end);
            while j > 0 && reach[j - 1] > r.start {
                j -= 1;
                #[cfg(test)]
                tests::WALK_STEPS.with(|n| n.set(n.get() + 1));
                let d = &found[j];
                if d.end > r.start {
                    if rank(d) > rank(r) {
                        drop_raw[i] = true;
                    } else {
                        drop_found[j] = true;
                    }
                }
            }
        }
        // A secret as written that is itself encoded (a base64 password in a Kubernetes secret): report
        // the decoded value, or nothing when that is a placeholder (base64 of "changeme"). Where a raw
        // and a decoded match overlap, the raw one is kept unless the decoded one is more specific.
        for (i, m) in out[first..].iter_mut().enumerate() {
            if drop_raw[i] || !m.decoded.is_empty() {
                continue;
            }
            let Some(enc) = decode::decode_value(m.secret.expose(), buf) else {
                continue;
            };
            // Only a value (a password, `user:password`), not a document (a PEM key, a JSON config):
            // those are reported as written, and rules that know them find what is inside.
            let value_like = buf.len() <= 256
                && !buf
                    .iter()
                    .any(|b| b.is_ascii_whitespace() || matches!(b, b'{' | b'"' | b'<'));
            if value_like {
                // The filters the value as written went through, again on what it stands for.
                let generic = self.rules[m.rule].rule.meta.confidence == Confidence::Low;
                if filter::is_placeholder(buf)
                    || (generic && filter::is_not_secret_shaped(buf, b""))
                {
                    drop_raw[i] = true;
                } else {
                    m.secret = Secret::new(buf.clone());
                    m.decoded = vec![enc.name()];
                }
            }
        }
        let mut keep = drop_raw.into_iter().map(|d| !d);
        let mut i = 0;
        out.retain(|_| {
            i += 1;
            i <= first || keep.next().unwrap_or(true)
        });
        let mut keep = drop_found.into_iter().map(|d| !d);
        found.retain(|_| keep.next().unwrap_or(true));
        out.extend(found);
        out[first..].sort_by_key(|m| (m.start, m.end, m.rule));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::EngineOptions;
    use crate::rules::parse_rule_file;

    thread_local! {
        /// Found matches the overlap walk of this thread has looked at: the work the walk does.
        pub(super) static WALK_STEPS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }

    const RULES: &str = r#"
provider = "t"
[[rules]]
id = "t.tok"
name = "T token"
keywords = ["tok_"]
pattern = '\b(?P<secret>tok_[A-Za-z0-9]{20})\b'
confidence = "high"
"#;

    fn b64(s: &str) -> String {
        const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for c in s.as_bytes().chunks(3) {
            let n = c
                .iter()
                .enumerate()
                .fold(0u32, |acc, (i, &b)| acc | (b as u32) << (16 - 8 * i));
            for i in 0..4 {
                out.push(if i <= c.len() {
                    A[(n >> (18 - 6 * i) & 63) as usize] as char
                } else {
                    '='
                });
            }
        }
        out
    }

    fn found(options: EngineOptions, hay: &str) -> Vec<(u32, Vec<&'static str>)> {
        let e = Engine::new(parse_rule_file("t.toml", RULES).unwrap(), options);
        let mut s = e.scratch();
        let mut out = Vec::new();
        e.scan(hay.as_bytes(), &mut s, &mut out);
        out.iter().map(|m| (m.column, m.decoded.clone())).collect()
    }

    const TOKEN: &str = "tok_R7tZk2mQ9vXw4LpB8nHc";

    #[test]
    fn depth_is_bounded() {
        let two = b64(&b64(TOKEN));
        let three = b64(&two);
        let hay = format!("a: {two}\nb: {three}\n");
        assert_eq!(
            found(EngineOptions::default(), &hay),
            vec![(4, vec!["base64", "base64"])]
        );
        let none = EngineOptions {
            decode_depth: 0,
            ..Default::default()
        };
        assert_eq!(found(none, &hay), vec![]);
    }

    #[test]
    fn one_secret_in_overlapping_spans_is_one_finding() {
        // base64 of the token, then its padding percent-encoded, in a URL: the percent span (from
        // `https`) and the base64 run inside it both decode to the token.
        let enc = b64(&format!("{TOKEN}."));
        let (body, pad) = enc.split_at(enc.trim_end_matches('=').len());
        let hay = format!("see https://x.local/?t={body}{}\n", pad.replace('=', "%3D"));
        assert_eq!(
            found(EngineOptions::default(), &hay),
            vec![(5, vec!["percent", "base64"])]
        );
    }

    #[test]
    fn many_raw_and_decoded_matches_merge_in_linear_time() {
        // 20,000 tokens as written and 20,000 base64-encoded ones, interleaved: every pair would be
        // 400 million comparisons.
        let mut hay = String::new();
        for i in 0..20_000 {
            let t = format!("tok_R7tZk2mQ9vXw{i:08}");
            let other = t.replace("R7", "Q7");
            hay.push_str(&format!("a: {t}\nb: {}\n", b64(&other)));
        }
        let e = Engine::new(
            parse_rule_file("t.toml", RULES).unwrap(),
            EngineOptions::default(),
        );
        let mut s = e.scratch();
        let mut out = Vec::new();
        WALK_STEPS.with(|n| n.set(0));
        e.scan(hay.as_bytes(), &mut s, &mut out);
        assert_eq!(out.len(), 40_000);
        // Work, not time: the overlap walk looks only at decoded matches that can reach a raw one, and
        // here none overlaps any (comparing every pair would be 400 million looks).
        assert_eq!(WALK_STEPS.with(|n| n.get()), 0);
    }

    #[test]
    fn decoded_bytes_per_blob_are_bounded() {
        let one = b64(TOKEN);
        let hay = format!("a: {one}\nb: {one}\nc: {one}\n");
        let small = EngineOptions {
            max_decoded: one.len() + 4,
            ..Default::default()
        };
        // The first span fits the budget, the next ones do not.
        assert_eq!(found(small, &hay), vec![(4, vec!["base64"])]);
    }
}
