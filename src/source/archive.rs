//! What a file's bytes are before they reach a sink: plain text, UTF-16 text (transcoded to UTF-8), an
//! archive (zip and its kin — jar, whl, nupkg, … —, tar, gzip: opened, and each member delivered the same
//! way under the path `archive.zip!dir/file`), or binary (delivered as such when the sink wants it,
//! else skipped).
//!
//! Archives come from untrusted trees, so opening one is bounded ([`ArchiveLimits`]): nesting depth,
//! members, total uncompressed bytes and compression ratio, per member and for the whole file (a small
//! file of nested archives whose members each stay under the ratio floor is still stopped once it has
//! expanded [`ArchiveLimits::max_ratio`] times its size, or [`TOTAL_RATIO_FLOOR`]). A `.tar.gz` is
//! streamed: its tar is never held whole, and the member limits apply to each of its members. Hitting
//! a limit is a warning naming the archive, and what was read up to then is still scanned. A corrupt
//! archive or member is a warning too. Messages name paths and limits, never content.

use std::cell::Cell;
use std::io::{Cursor, Read};
use std::rc::Rc;

use super::{looks_binary, BlobSink, Origin, Skip, BINARY_PROBE};

/// Bounds on opening archives. Totals are per top-level file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArchiveLimits {
    /// Archives nested deeper than this are not opened (the file itself is depth 0).
    pub max_depth: usize,
    /// Members (files and directories, all levels) opened at most.
    pub max_members: usize,
    /// Uncompressed bytes read at most, all members and levels together.
    pub max_total_bytes: u64,
    /// Largest single member read.
    pub max_member_bytes: u64,
    /// Uncompressed-to-compressed ratio beyond which a member is a bomb and is not read (only checked
    /// once a member is larger than [`RATIO_FLOOR`]: small, repetitive text compresses very well).
    pub max_ratio: u64,
}

/// Members smaller than this are never refused for their compression ratio.
pub const RATIO_FLOOR: u64 = 1 << 20;

/// A whole file (all its archives, all levels) may expand to `max_ratio` times its size, and at least
/// to this many bytes, before what remains of it is refused as a bomb.
pub const TOTAL_RATIO_FLOOR: u64 = 16 << 20;

impl Default for ArchiveLimits {
    fn default() -> ArchiveLimits {
        ArchiveLimits {
            max_depth: 3,
            max_members: 100_000,
            max_total_bytes: 1 << 30,
            max_member_bytes: 50 << 20,
            max_ratio: 200,
        }
    }
}

/// An archive format, recognised by its magic bytes (never by its name: a `.jar` is a zip).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArchiveKind {
    Zip,
    Gzip,
    Tar,
}

/// The archive format of `data`, if any.
pub fn archive_kind(data: &[u8]) -> Option<ArchiveKind> {
    if data.starts_with(b"PK\x03\x04") || data.starts_with(b"PK\x05\x06") {
        Some(ArchiveKind::Zip)
    } else if data.starts_with(&[0x1f, 0x8b]) {
        Some(ArchiveKind::Gzip)
    } else if data.get(257..262) == Some(b"ustar") {
        Some(ArchiveKind::Tar)
    } else {
        None
    }
}

/// How text is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextKind {
    /// UTF-8, ASCII or a single-byte encoding: scanned as is.
    Bytes,
    Utf16Le,
    Utf16Be,
    Binary,
}

/// Classifies `data` by its first [`BINARY_PROBE`] bytes: a UTF-16 byte-order mark, or (without one)
/// NUL bytes at nearly every odd (LE) or even (BE) position and almost none at the others — ASCII
/// text in UTF-16. Any other NUL means binary.
pub fn text_kind(data: &[u8]) -> TextKind {
    if data.starts_with(&[0xff, 0xfe]) {
        return TextKind::Utf16Le;
    }
    if data.starts_with(&[0xfe, 0xff]) {
        return TextKind::Utf16Be;
    }
    if !looks_binary(data) {
        return TextKind::Bytes;
    }
    let probe = &data[..data.len().min(BINARY_PROBE) & !1];
    let pairs = probe.len() / 2;
    if pairs < 4 {
        return TextKind::Binary;
    }
    let (mut even, mut odd) = (0, 0);
    for pair in probe.chunks_exact(2) {
        even += (pair[0] == 0) as usize;
        odd += (pair[1] == 0) as usize;
    }
    let mostly = |n: usize| n * 10 >= pairs * 7;
    let hardly = |n: usize| n * 50 <= pairs;
    if mostly(odd) && hardly(even) {
        TextKind::Utf16Le
    } else if mostly(even) && hardly(odd) {
        TextKind::Utf16Be
    } else {
        TextKind::Binary
    }
}

/// UTF-16 to UTF-8 (BOM dropped, unpaired surrogates replaced). Lines stay lines, so line numbers are
/// those of the original; columns count characters (a surrogate pair is one).
pub fn transcode_utf16(data: &[u8], little_endian: bool) -> Vec<u8> {
    let units = data.chunks_exact(2).map(|p| {
        if little_endian {
            u16::from_le_bytes([p[0], p[1]])
        } else {
            u16::from_be_bytes([p[0], p[1]])
        }
    });
    let mut out = String::with_capacity(data.len() / 2);
    for (i, c) in char::decode_utf16(units).enumerate() {
        let c = c.unwrap_or(char::REPLACEMENT_CHARACTER);
        if i == 0 && c == '\u{feff}' {
            continue;
        }
        out.push(c);
    }
    out.into_bytes()
}

/// Whether a file whose first bytes are `probe` must be read whole even though it contains NULs.
pub fn worth_reading(probe: &[u8]) -> bool {
    archive_kind(probe).is_some() || !matches!(text_kind(probe), TextKind::Binary)
}

/// What has been spent opening one top-level file's archives.
struct Budget {
    members: usize,
    /// Uncompressed bytes read so far, all levels (shared with the meter of a streamed `.tar.gz`).
    bytes: Rc<Cell<u64>>,
    /// The most uncompressed bytes this file may yield: the total limit, or less by the whole-file
    /// ratio (`ratio_bound`).
    limit: u64,
    /// `limit` is set by the whole-file compression ratio, not by the total limit.
    ratio_bound: bool,
    /// A total limit was hit and reported: nothing more is read.
    exhausted: bool,
    /// Archives met deeper than the nesting limit (not opened), and the label of the first: reported
    /// once for the whole file, however many members are nested too deep.
    too_deep: usize,
    first_too_deep: Option<String>,
}

impl Budget {
    fn new(file_size: u64, limits: &ArchiveLimits) -> Budget {
        let by_ratio = file_size
            .saturating_mul(limits.max_ratio)
            .max(TOTAL_RATIO_FLOOR);
        Budget {
            members: 0,
            bytes: Rc::new(Cell::new(0)),
            limit: limits.max_total_bytes.min(by_ratio),
            ratio_bound: by_ratio < limits.max_total_bytes,
            exhausted: false,
            too_deep: 0,
            first_too_deep: None,
        }
    }

    fn spent(&self) -> u64 {
        self.bytes.get()
    }

    fn add(&self, n: u64) {
        self.bytes.set(self.bytes.get() + n);
    }
}

/// A reader that counts what it yields into a budget and fails once the count reaches `stop`.
struct Metered<R> {
    inner: R,
    bytes: Rc<Cell<u64>>,
    stop: u64,
    /// Set to the inner reader's error when it fails (damage, as opposed to the meter stopping).
    damage: Option<Rc<std::cell::RefCell<Option<String>>>>,
}

impl<R: Read> Read for Metered<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let left = self.stop.saturating_sub(self.bytes.get());
        if left == 0 {
            return Err(std::io::Error::other("archive limit reached"));
        }
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want]).inspect_err(|e| {
            if let Some(d) = &self.damage {
                *d.borrow_mut() = Some(e.to_string());
            }
        })?;
        self.bytes.set(self.bytes.get() + n as u64);
        Ok(n)
    }
}

/// Where content is: the origin handed to the sink, and the label used in warnings and skips (the
/// path for files; `blob <id>` for git blobs, whose paths are only known later).
#[derive(Clone, Debug)]
pub struct Place {
    pub origin: Origin,
    pub label: String,
}

impl Place {
    /// A file on disk (or standard input).
    pub fn file(path: &str) -> Place {
        Place {
            origin: Origin::file(path),
            label: path.to_string(),
        }
    }

    /// A member of the archive at this place: `!name` appended to the origin's path and to the label.
    fn member(&self, name: &str) -> Place {
        let name = name.replace('\\', "/");
        let name = name.trim_start_matches('/');
        Place {
            origin: Origin {
                path: format!("{}!{name}", self.origin.path),
                ..self.origin.clone()
            },
            label: format!("{}!{name}", self.label),
        }
    }
}

/// Hands the content at `place` to `sink`: text as is, UTF-16 transcoded, archives opened (members
/// delivered the same way at `path!member`), binary delivered as binary if the sink wants it, else
/// skipped.
pub fn deliver<S: BlobSink + ?Sized>(
    place: &Place,
    data: &[u8],
    limits: &ArchiveLimits,
    sink: &mut S,
) {
    let mut budget = Budget::new(data.len() as u64, limits);
    deliver_at(place, data, 0, limits, &mut budget, sink);
    let deep = format!(
        "archive nested more than {} levels deep: not opened",
        limits.max_depth
    );
    match (budget.too_deep, budget.first_too_deep) {
        (1, Some(first)) => sink.warning(&first, deep),
        (n, Some(first)) => sink.warning(
            &place.label,
            format!(
                "{n} archives nested more than {} levels deep: not opened (the first: {first})",
                limits.max_depth
            ),
        ),
        _ => {}
    }
}

fn deliver_at<S: BlobSink + ?Sized>(
    place: &Place,
    data: &[u8],
    depth: usize,
    limits: &ArchiveLimits,
    budget: &mut Budget,
    sink: &mut S,
) {
    if let Some(kind) = archive_kind(data) {
        if depth >= limits.max_depth {
            budget.too_deep += 1;
            budget
                .first_too_deep
                .get_or_insert_with(|| place.label.clone());
            return;
        }
        let mut archive = Opener {
            place,
            depth,
            limits,
            budget,
        };
        let opened = match kind {
            ArchiveKind::Zip => archive.zip(data, sink),
            ArchiveKind::Gzip => archive.gzip(data, sink),
            ArchiveKind::Tar => {
                if let TarEnd::Broken(e) = archive.tar(data, u64::MAX, sink) {
                    sink.warning(&place.label, format!("unreadable tar archive: {e}"));
                }
                true
            }
        };
        if opened {
            return;
        }
        // Archive magic bytes but not an archive (a text file that starts `PK\x03\x04`): scanned as
        // it is. Binary that does not open was warned about by the opener.
    }
    match text_kind(data) {
        TextKind::Bytes => sink.blob(&place.origin, data),
        TextKind::Utf16Le => sink.blob(&place.origin, &transcode_utf16(data, true)),
        TextKind::Utf16Be => sink.blob(&place.origin, &transcode_utf16(data, false)),
        TextKind::Binary if sink.wants_binary() => sink.binary(&place.origin, data),
        TextKind::Binary => sink.skipped(&place.label, Skip::Binary),
    }
}

/// Opens one archive at `place`.
struct Opener<'a> {
    place: &'a Place,
    depth: usize,
    limits: &'a ArchiveLimits,
    budget: &'a mut Budget,
}

/// Why a member was not read whole.
enum Refusal {
    Ratio,
    MemberSize(u64),
    Total,
}

impl Opener<'_> {
    /// Counts a member; false (with a warning, once) when the member limit is reached.
    fn admit(&mut self, sink: &mut (impl BlobSink + ?Sized)) -> bool {
        if self.budget.exhausted {
            return false;
        }
        if self.budget.members >= self.limits.max_members {
            self.budget.exhausted = true;
            sink.warning(
                &self.place.label,
                format!(
                    "archive member limit ({}) reached: the remaining members are not scanned",
                    self.limits.max_members
                ),
            );
            return false;
        }
        self.budget.members += 1;
        true
    }

    /// Reads a member from `reader` (`compressed` bytes in the archive, `None` when not compressed),
    /// within the limits. A member damaged part-way (truncated, bad CRC) yields the bytes decoded before
    /// the damage with the error, so they are still scanned.
    fn read_member(
        &mut self,
        reader: &mut dyn Read,
        compressed: Option<u64>,
    ) -> (Result<Vec<u8>, Refusal>, Option<std::io::Error>) {
        let remaining = self.budget.limit.saturating_sub(self.budget.spent());
        let by_ratio =
            compressed.map(|c| (c.saturating_mul(self.limits.max_ratio)).max(RATIO_FLOOR));
        let allowed = self
            .limits
            .max_member_bytes
            .min(remaining)
            .min(by_ratio.unwrap_or(u64::MAX));
        let mut buf = Vec::new();
        // On an error, `read_to_end` leaves what was read before it in `buf`.
        let damage = reader
            .take(allowed.saturating_add(1))
            .read_to_end(&mut buf)
            .err();
        if buf.len() as u64 <= allowed {
            self.budget.add(buf.len() as u64);
            return (Ok(buf), damage);
        }
        let why = if by_ratio == Some(allowed) {
            Refusal::Ratio
        } else if allowed == self.limits.max_member_bytes {
            Refusal::MemberSize(allowed)
        } else {
            Refusal::Total
        };
        (Err(why), damage)
    }

    /// Scans what a member yielded, then warns if it was damaged part-way.
    fn yielded(
        &mut self,
        member: &Place,
        read: (Result<Vec<u8>, Refusal>, Option<std::io::Error>),
        sink: &mut (impl BlobSink + ?Sized),
    ) {
        let (data, damage) = read;
        let scanned = match data {
            Ok(bytes) => {
                let n = bytes.len();
                self.nested(member, &bytes, sink);
                n
            }
            Err(why) => {
                self.refused(member, why, sink);
                0
            }
        };
        if let Some(e) = damage {
            sink.warning(
                &member.label,
                format!("damaged archive member ({e}): the {scanned} bytes decoded before the damage were scanned"),
            );
        }
    }

    fn refused(&mut self, member: &Place, why: Refusal, sink: &mut (impl BlobSink + ?Sized)) {
        match why {
            Refusal::Ratio => sink.warning(
                &member.label,
                format!(
                    "compression ratio over {}:1 (an archive bomb?): not scanned",
                    self.limits.max_ratio
                ),
            ),
            Refusal::MemberSize(limit) => sink.warning(
                &member.label,
                format!("archive member larger than {} bytes: not scanned", limit),
            ),
            Refusal::Total => self.total_reached(sink),
        }
    }

    /// The whole file's budget is spent: one warning, and nothing more is read.
    fn total_reached(&mut self, sink: &mut (impl BlobSink + ?Sized)) {
        self.budget.exhausted = true;
        let message = if self.budget.ratio_bound {
            format!(
                "archive expands more than {}:1 overall (limit {} bytes; an archive bomb?): the remaining members are not scanned",
                self.limits.max_ratio, self.budget.limit
            )
        } else {
            format!(
                "archive uncompressed size limit ({} bytes) reached: the remaining members are not scanned",
                self.budget.limit
            )
        };
        sink.warning(&self.place.label, message);
    }

    fn nested(&mut self, member: &Place, data: &[u8], sink: &mut (impl BlobSink + ?Sized)) {
        deliver_at(member, data, self.depth + 1, self.limits, self.budget, sink);
    }

    /// Opens a zip; false when it is not one after all and `data` is text (to be scanned as it is).
    fn zip(&mut self, data: &[u8], sink: &mut (impl BlobSink + ?Sized)) -> bool {
        let mut zip = match zip::ZipArchive::new(Cursor::new(data)) {
            Ok(z) => z,
            Err(_) if text_kind(data) != TextKind::Binary => return false,
            Err(e) => {
                sink.warning(&self.place.label, format!("unreadable zip archive: {e}"));
                return true;
            }
        };
        for i in 0..zip.len() {
            if !self.admit(sink) {
                return true;
            }
            let name = zip.name_for_index(i).unwrap_or("?").to_string();
            let mut file = match zip.by_index(i) {
                Ok(f) => f,
                Err(e) => {
                    sink.warning(
                        &self.place.member(&name).label,
                        format!("unreadable archive member: {e}"),
                    );
                    continue;
                }
            };
            if file.is_dir() {
                continue;
            }
            let member = self.place.member(file.name());
            let compressed = file.compressed_size();
            let read = self.read_member(&mut file, Some(compressed));
            drop(file);
            self.yielded(&member, read, sink);
            if self.budget.exhausted {
                return true;
            }
        }
        true
    }

    /// Opens a gzip stream; false when not a byte of it decodes and `data` is text (to be scanned as
    /// it is). A `.tar.gz` is streamed through [`Opener::tar_stream`].
    fn gzip(&mut self, data: &[u8], sink: &mut (impl BlobSink + ?Sized)) -> bool {
        if !self.admit(sink) {
            return true;
        }
        let mut decoder = flate2::read::MultiGzDecoder::new(data);
        // One tar block tells a .tar.gz from any other .gz.
        let mut head = Vec::with_capacity(512);
        let head_damage = (&mut decoder).take(512).read_to_end(&mut head).err();
        if let (true, Some(e)) = (head.is_empty(), &head_damage) {
            if text_kind(data) != TextKind::Binary {
                return false;
            }
            sink.warning(&self.place.label, format!("unreadable gzip stream: {e}"));
            return true;
        }
        if head_damage.is_none() && archive_kind(&head) == Some(ArchiveKind::Tar) {
            self.tar_stream(Cursor::new(head).chain(decoder), data.len() as u64, sink);
            return true;
        }
        // Named after the file (`x.json.gz` holds `x.json`), else after the name stored in the gzip
        // header, else `content` (a git blob has no name while it is scanned).
        let inner = inner_name(&self.place.origin.path)
            .or_else(|| {
                let stored = decoder.header()?.filename()?;
                Some(String::from_utf8_lossy(stored).into_owned())
            })
            .unwrap_or_else(|| "content".to_string());
        let member = self.place.member(&inner);
        let compressed = Some(data.len() as u64);
        let read = match head_damage {
            Some(e) => (
                self.read_member(&mut Cursor::new(head), compressed).0,
                Some(e),
            ),
            None => self.read_member(&mut Cursor::new(head).chain(decoder), compressed),
        };
        self.yielded(&member, read, sink);
        true
    }

    /// A `.tar.gz`'s tar, read from its decoder as it decompresses: never held whole, so the member
    /// limits apply to each member, whatever the size of the tar. The stream as a whole is metered
    /// against the compression ratio of the gzip and the file's total budget.
    fn tar_stream(
        &mut self,
        decoder: impl Read,
        compressed: u64,
        sink: &mut (impl BlobSink + ?Sized),
    ) {
        let start = self.budget.spent();
        let by_ratio = compressed
            .saturating_mul(self.limits.max_ratio)
            .max(RATIO_FLOOR);
        let stop = self.budget.limit.min(start.saturating_add(by_ratio));
        let damage = Rc::new(std::cell::RefCell::new(None));
        let stream = Metered {
            inner: decoder,
            bytes: self.budget.bytes.clone(),
            stop,
            damage: Some(damage.clone()),
        };
        match self.tar(stream, stop, sink) {
            TarEnd::Done => {}
            TarEnd::Limit if stop == self.budget.limit => self.total_reached(sink),
            TarEnd::Limit => sink.warning(
                &self.place.label,
                format!(
                    "compression ratio over {}:1 (an archive bomb?): the rest of the archive is not scanned",
                    self.limits.max_ratio
                ),
            ),
            TarEnd::Broken(e) => {
                let message = match damage.borrow_mut().take() {
                    Some(d) => format!(
                        "damaged gzip stream ({d}): the {} bytes decoded before the damage were scanned",
                        self.budget.spent() - start
                    ),
                    None => format!("unreadable tar archive: {e}"),
                };
                sink.warning(&self.place.label, message);
            }
        }
    }

    /// Opens a tar read from `reader`, whose bytes were counted in the budget as they were
    /// decompressed or read (so members are not counted again); a budget past `stop` means a meter
    /// stopped the reader ([`TarEnd::Limit`]). A member damaged part-way is scanned and warned about,
    /// and ends the tar.
    fn tar(&mut self, reader: impl Read, stop: u64, sink: &mut (impl BlobSink + ?Sized)) -> TarEnd {
        let mut archive = tar::Archive::new(reader);
        let entries = match archive.entries() {
            Ok(e) => e,
            Err(e) => return TarEnd::Broken(e),
        };
        for entry in entries {
            if !self.admit(sink) {
                return TarEnd::Done;
            }
            let mut entry = match entry {
                Ok(e) => e,
                Err(_) if self.budget.spent() >= stop => return TarEnd::Limit,
                Err(e) => return TarEnd::Broken(e),
            };
            if !entry.header().entry_type().is_file() {
                continue;
            }
            let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            let member = self.place.member(&name);
            // A declared size over the member limit is refused unread (a header can claim 1 TB).
            if entry.size() > self.limits.max_member_bytes {
                self.refused(
                    &member,
                    Refusal::MemberSize(self.limits.max_member_bytes),
                    sink,
                );
                continue;
            }
            let (data, mut damage) = self.read_member(&mut entry, None);
            if let Ok(bytes) = &data {
                self.budget
                    .bytes
                    .set(self.budget.spent() - bytes.len() as u64);
            }
            let limited = damage.is_some() && self.budget.spent() >= stop;
            if limited {
                damage = None; // not damage: the meter stopped the stream (warned about once)
            }
            let broken = damage.is_some();
            self.yielded(&member, (data, damage), sink);
            if limited {
                return TarEnd::Limit;
            }
            if self.budget.exhausted || broken {
                return TarEnd::Done;
            }
        }
        TarEnd::Done
    }
}

/// How reading a tar ended.
enum TarEnd {
    Done,
    /// The archive is unreadable from here on.
    Broken(std::io::Error),
    /// A meter stopped the stream under it.
    Limit,
}

/// The name of what a `.gz` file holds: `x.json.gz` -> `x.json`, `x.tgz` -> `x.tar`; `None` for a path
/// with no file name.
fn inner_name(path: &str) -> Option<String> {
    let base = path.rsplit(['/', '!']).next().unwrap_or(path);
    if base.is_empty() {
        None
    } else if let Some(stem) = base.strip_suffix(".tgz") {
        Some(format!("{stem}.tar"))
    } else if let Some(stem) = base.strip_suffix(".gz") {
        Some(stem.to_string())
    } else {
        Some(base.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[derive(Default)]
    struct Collect {
        blobs: Vec<String>,
        data: Vec<Vec<u8>>,
        skipped: Vec<String>,
        warnings: Vec<(String, String)>,
    }

    impl BlobSink for Collect {
        fn blob(&mut self, origin: &Origin, data: &[u8]) {
            self.blobs.push(origin.path.clone());
            self.data.push(data.to_vec());
        }
        fn skipped(&mut self, path: &str, _why: Skip) {
            self.skipped.push(path.to_string());
        }
        fn warning(&mut self, path: &str, message: String) {
            self.warnings.push((path.to_string(), message));
        }
    }

    fn zip_of(members: &[(&str, Vec<u8>)]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in members {
            w.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    fn run(data: &[u8], limits: ArchiveLimits) -> Collect {
        let mut sink = Collect::default();
        deliver(&Place::file("a.zip"), data, &limits, &mut sink);
        sink
    }

    fn members(n: usize, size: usize) -> Vec<u8> {
        let m: Vec<(String, Vec<u8>)> = (0..n)
            .map(|i| (format!("f{i}.txt"), vec![b'a' + (i % 26) as u8; size]))
            .collect();
        let refs: Vec<(&str, Vec<u8>)> = m.iter().map(|(n, d)| (n.as_str(), d.clone())).collect();
        zip_of(&refs)
    }

    #[test]
    fn concatenated_gzip_members_are_one_file() {
        let gz = |text: &[u8]| {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(text).unwrap();
            e.finish().unwrap()
        };
        let mut data = gz(b"first\n");
        data.extend(gz(b"second\n"));
        let mut sink = Collect::default();
        deliver(
            &Place::file("app.log.gz"),
            &data,
            &ArchiveLimits::default(),
            &mut sink,
        );
        assert_eq!(sink.blobs, vec!["app.log.gz!app.log"]);
        assert_eq!(sink.data, vec![b"first\nsecond\n".to_vec()]);
    }

    #[test]
    fn member_limit_stops_with_one_warning() {
        let got = run(
            &members(5, 10),
            ArchiveLimits {
                max_members: 3,
                ..Default::default()
            },
        );
        assert_eq!(
            got.blobs,
            vec!["a.zip!f0.txt", "a.zip!f1.txt", "a.zip!f2.txt"]
        );
        assert_eq!(
            got.warnings,
            vec![(
                "a.zip".to_string(),
                "archive member limit (3) reached: the remaining members are not scanned"
                    .to_string()
            )]
        );
    }

    #[test]
    fn total_size_limit_stops_with_one_warning() {
        let got = run(
            &members(5, 100),
            ArchiveLimits {
                max_total_bytes: 250,
                ..Default::default()
            },
        );
        assert_eq!(got.blobs, vec!["a.zip!f0.txt", "a.zip!f1.txt"]);
        assert_eq!(
            got.warnings,
            vec![(
                "a.zip".to_string(),
                "archive uncompressed size limit (250 bytes) reached: the remaining members are not scanned"
                    .to_string()
            )]
        );
    }

    #[test]
    fn member_size_limit_skips_only_that_member() {
        let data = zip_of(&[("big.txt", vec![b'x'; 300]), ("small.txt", b"ok".to_vec())]);
        let got = run(
            &data,
            ArchiveLimits {
                max_member_bytes: 200,
                ..Default::default()
            },
        );
        assert_eq!(got.blobs, vec!["a.zip!small.txt"]);
        assert_eq!(
            got.warnings,
            vec![(
                "a.zip!big.txt".to_string(),
                "archive member larger than 200 bytes: not scanned".to_string()
            )]
        );
    }

    #[test]
    fn ratio_limit_applies_to_gzip_and_binary_members_are_skipped() {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(&vec![b'z'; 4 << 20]).unwrap();
        let gz = e.finish().unwrap();
        let mut sink = Collect::default();
        deliver(
            &Place::file("logs/x.log.gz"),
            &gz,
            &ArchiveLimits::default(),
            &mut sink,
        );
        assert!(sink.blobs.is_empty());
        assert_eq!(
            sink.warnings,
            vec![(
                "logs/x.log.gz!x.log".to_string(),
                "compression ratio over 200:1 (an archive bomb?): not scanned".to_string()
            )]
        );
        let got = run(
            &zip_of(&[("tool.bin", b"\x7fELF\0\0\x01".to_vec())]),
            ArchiveLimits::default(),
        );
        assert_eq!(got.skipped, vec!["a.zip!tool.bin"]);
    }

    #[test]
    fn utf16_is_recognised_with_and_without_bom() {
        let le: Vec<u8> = "key = value\n"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        let be: Vec<u8> = "key = value\n"
            .encode_utf16()
            .flat_map(|u| u.to_be_bytes())
            .collect();
        assert_eq!(text_kind(&le), TextKind::Utf16Le);
        assert_eq!(text_kind(&be), TextKind::Utf16Be);
        assert_eq!(text_kind(&[0xff, 0xfe, b'a', 0]), TextKind::Utf16Le);
        assert_eq!(text_kind(b"plain"), TextKind::Bytes);
        assert_eq!(text_kind(b"\x7fELF\0\0\x01\x02abc\0\x05"), TextKind::Binary);
        assert_eq!(transcode_utf16(&le, true), b"key = value\n");
        assert_eq!(transcode_utf16(&[0xfe, 0xff, 0, b'k'], false), b"k");
    }

    #[test]
    fn gz_inner_names() {
        assert_eq!(inner_name("a/b/x.json.gz").as_deref(), Some("x.json"));
        assert_eq!(inner_name("a.zip!c.tgz").as_deref(), Some("c.tar"));
        assert_eq!(inner_name("blob").as_deref(), Some("blob"));
        assert_eq!(inner_name(""), None);
    }
}
