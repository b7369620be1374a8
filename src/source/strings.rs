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
    /// The runs, in order found (ASCII first, then UTF-16LE), each followed by `\n`.
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

fn printable(b: u8) -> bool {
    (0x20..0x7f).contains(&b) || b == b'\t'
}

impl Strings {
    /// Replaces the runs with those of `data`.
    pub fn extract(&mut self, data: &[u8]) {
        self.text.clear();
        self.runs.clear();
        let mut i = 0;
        while i < data.len() {
            let start = i;
            while i < data.len() && printable(data[i]) {
                i += 1;
            }
            if i - start >= MIN_RUN {
                self.push(start, false, &data[start..i]);
            }
            i += 1;
        }
        for align in 0..2 {
            let mut i = align;
            while i + 1 < data.len() {
                let start = i;
                while i + 1 < data.len() && printable(data[i]) && data[i + 1] == 0 {
                    i += 2;
                }
                if (i - start) / 2 >= MIN_RUN {
                    let narrow = transcode_utf16(&data[start..i], true);
                    self.push(start, true, &narrow);
                }
                if i == start {
                    i += 2;
                }
            }
        }
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
    fn nothing_printable_gives_no_text() {
        let mut s = Strings::default();
        s.extract(&[0, 1, 2, 0xff, b'a', 0, b'b', 0]);
        assert!(s.text.is_empty());
        assert_eq!(s.offset(0), 0);
    }
}
