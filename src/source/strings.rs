//! The printable runs of binary content, as `strings` finds them: runs of at least [`MIN_RUN`]
//! printable ASCII characters (space to `~`, and tab), and runs of as many such characters in UTF-16LE
//! (each followed by a NUL byte; at even and at odd offsets). The runs are joined into one text, one
//! run a line, so a binary costs one engine scan, and every position in that text maps back to a byte
//! offset in the binary ([`Strings::offset`]).

use super::archive::transcode_utf16;

/// Fewest characters a run has (as `strings -n 8`): shorter ones are mostly noise.
pub const MIN_RUN: usize = 8;

/// The printable runs of one binary, reusable across binaries.
#[derive(Debug, Default)]
pub struct Strings {
    /// The runs, in the order they end in the binary, each followed by `\n`.
    pub text: Vec<u8>,
    runs: Vec<Run>,
}

/// Where a run starts in the text and in the binary.
#[derive(Clone, Copy, Debug)]
struct Run {
    at: usize,
    offset: u64,
    /// UTF-16LE: two bytes of the binary per character of the text.
    wide: bool,
}

/// Printable bytes: space to `~`, and tab.
static PRINTABLE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0x20;
    while b < 0x7f {
        t[b] = true;
        b += 1;
    }
    t[b'\t' as usize] = true;
    t
};

impl Strings {
    /// Replaces the runs with those of `data`, in the order they end.
    pub fn extract(&mut self, data: &[u8]) {
        self.text.clear();
        self.runs.clear();
        // A byte neither printable nor NUL ends every run, ASCII or UTF-16LE, and a run worth keeping
        // (8 bytes or more) holds a byte at a multiple of 8, so it holds no such breaker: only the
        // stretches between breakers at multiples of 8 are scanned, from the byte after one, where no
        // run is open, to the next. Most of a binary lies between two breakers 8 bytes apart.
        const STRIDE: usize = MIN_RUN;
        let mut from = 0;
        for j in (0..data.len()).step_by(STRIDE) {
            let b = data[j];
            if b != 0 && !PRINTABLE[b as usize] {
                if j - from >= MIN_RUN {
                    self.scan(&data[from..j], from);
                }
                from = j + 1;
            }
        }
        if data.len().saturating_sub(from) >= MIN_RUN {
            self.scan(&data[from..], from);
        }
    }

    /// The runs of `data`, which starts at `base` in the binary where no run is open. One pass, with
    /// run lengths counted without branching on the bytes (binary bytes are random enough to defeat a
    /// branch predictor): the only branch taken on content is a run of [`MIN_RUN`] ending.
    fn scan(&mut self, data: &[u8], base: usize) {
        // Length of the ASCII run ending before `i`, and of the UTF-16LE runs (in characters) ending
        // before `i` at even and at odd offsets.
        let mut ascii = 0usize;
        let mut wide = [0usize; 2];
        for (i, &b) in data.iter().enumerate() {
            let p = PRINTABLE[b as usize] as usize;
            let run = ascii;
            ascii = (ascii + 1) * p;
            if (ascii == 0) & (run >= MIN_RUN) {
                self.push(base + i - run, false, &data[i - run..i]);
            }
            let nul = (data.get(i + 1).copied().unwrap_or(1) == 0) as usize;
            let k = i & 1;
            let run = wide[k];
            wide[k] = (run + 1) * (p & nul);
            if (wide[k] == 0) & (run >= MIN_RUN) {
                self.push_wide(base + i - 2 * run, &data[i - 2 * run..i]);
            }
        }
        let end = data.len();
        if ascii >= MIN_RUN {
            self.push(base + end - ascii, false, &data[end - ascii..]);
        }
        // The pair at the last byte has no NUL after it, so only a run of the other parity is open.
        for run in wide {
            if run >= MIN_RUN {
                self.push_wide(base + end - 2 * run, &data[end - 2 * run..]);
            }
        }
    }

    fn push_wide(&mut self, offset: usize, run: &[u8]) {
        let narrow = transcode_utf16(run, true);
        self.push(offset, true, &narrow);
    }

    fn push(&mut self, offset: usize, wide: bool, text: &[u8]) {
        self.runs.push(Run {
            at: self.text.len(),
            offset: offset as u64,
            wide,
        });
        self.text.extend_from_slice(text);
        self.text.push(b'\n');
    }

    /// The byte offset in the binary of position `pos` of [`Strings::text`] (a run's end maps to the
    /// byte after its last character).
    pub fn offset(&self, pos: usize) -> u64 {
        let i = self.runs.partition_point(|r| r.at <= pos).saturating_sub(1);
        let Some(run) = self.runs.get(i) else {
            return pos as u64;
        };
        let chars = pos.saturating_sub(run.at) as u64;
        run.offset + if run.wide { chars * 2 } else { chars }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wide(s: &str) -> Vec<u8> {
        s.bytes().flat_map(|b| [b, 0]).collect()
    }

    #[test]
    fn ascii_and_utf16le_runs_of_eight_or_more_with_their_offsets() {
        let mut data = b"\x7fELF\0short\0".to_vec();
        let ascii_at = data.len();
        data.extend_from_slice(b"printable\trun\x01\x02");
        data.push(b'x'); // odd offset for the wide run
        let wide_at = data.len();
        data.extend_from_slice(&wide("wide text"));
        data.extend_from_slice(b"\xff\xfe");
        data.extend_from_slice(&wide("tiny"));
        let mut s = Strings::default();
        s.extract(&data);
        assert_eq!(s.text, b"printable\trun\nwide text\n");
        assert_eq!(s.offset(0), ascii_at as u64);
        assert_eq!(s.offset(4), ascii_at as u64 + 4);
        assert_eq!(s.offset(13), ascii_at as u64 + 13, "a run's end");
        assert_eq!(s.offset(14), wide_at as u64);
        assert_eq!(s.offset(16), wide_at as u64 + 4);
    }

    #[test]
    fn runs_that_reach_the_end_of_the_data() {
        let mut s = Strings::default();
        s.extract(b"\0\x01ends with text");
        assert_eq!(
            (s.text.as_slice(), s.offset(0)),
            (&b"ends with text\n"[..], 2)
        );
        for lead in [&b"\0\x01"[..], b"\0"] {
            let mut data = lead.to_vec();
            data.extend(wide("wide at the end"));
            s.extract(&data);
            assert_eq!(s.text, b"wide at the end\n");
            assert_eq!(s.offset(5), lead.len() as u64 + 10);
        }
    }

    #[test]
    fn skipping_between_breakers_finds_what_scanning_every_byte_finds() {
        let mut x = 1u32;
        for round in 0..200 {
            let mut data = Vec::new();
            while data.len() < 2000 {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                let r = (x >> 16) as usize;
                match r % 5 {
                    0 => data.extend_from_slice(&b"a printable run"[..r % 16]),
                    1 => data.extend(wide(&"wide run here"[..r % 14])),
                    2 => data.push(0),
                    _ => data.push((r >> 4) as u8),
                }
            }
            let mut skipping = Strings::default();
            skipping.extract(&data);
            let mut every = Strings::default();
            every.scan(&data, 0);
            assert_eq!(skipping.text, every.text, "round {round}");
            let offsets = |s: &Strings| (0..s.text.len()).map(|p| s.offset(p)).collect::<Vec<_>>();
            assert_eq!(offsets(&skipping), offsets(&every), "round {round}");
            assert!(!every.text.is_empty());
        }
    }

    #[test]
    fn nothing_printable_gives_no_text() {
        let mut s = Strings::default();
        s.extract(&[0, 1, 2, 0xff, b'a', 0, b'b', 0]);
        assert!(s.text.is_empty());
        assert_eq!(s.offset(0), 0);
    }
}
