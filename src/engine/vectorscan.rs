//! The few Vectorscan (Hyperscan API) calls the regex gate needs: compile a block-mode database of many
//! patterns, allocate per-thread scratch, scan a buffer for match ends.
//!
//! Hand-written rather than a bindings crate: the maintained one (`vectorscan-rs-sys`) always builds its
//! own vendored copy of Vectorscan from C++ source (CMake and Boost, minutes per clean build), while this
//! links the system's static `libhs` (Debian's `libvectorscan-dev`) found by `build.rs` through
//! pkg-config. The API used here is nine functions of the stable Hyperscan 5 ABI.

use std::ffi::{c_char, c_int, c_uint, c_ulonglong, c_void, CStr, CString};
use std::ptr::{self, NonNull};

#[repr(C)]
struct HsDatabase {
    _private: [u8; 0],
}
#[repr(C)]
struct HsScratch {
    _private: [u8; 0],
}
#[repr(C)]
#[derive(Default)]
struct HsPlatformInfo {
    tune: c_uint,
    cpu_features: c_ulonglong,
    reserved1: c_ulonglong,
    reserved2: c_ulonglong,
}
#[repr(C)]
struct HsCompileError {
    message: *const c_char,
    expression: c_int,
}

type MatchHandler = unsafe extern "C" fn(
    id: c_uint,
    from: c_ulonglong,
    to: c_ulonglong,
    flags: c_uint,
    context: *mut c_void,
) -> c_int;

extern "C" {
    fn hs_compile_multi(
        expressions: *const *const c_char,
        flags: *const c_uint,
        ids: *const c_uint,
        elements: c_uint,
        mode: c_uint,
        platform: *const c_void,
        db: *mut *mut HsDatabase,
        error: *mut *mut HsCompileError,
    ) -> c_int;
    fn hs_free_compile_error(error: *mut HsCompileError) -> c_int;
    fn hs_free_database(db: *mut HsDatabase) -> c_int;
    fn hs_alloc_scratch(db: *const HsDatabase, scratch: *mut *mut HsScratch) -> c_int;
    fn hs_free_scratch(scratch: *mut HsScratch) -> c_int;
    fn hs_scan(
        db: *const HsDatabase,
        data: *const c_char,
        length: c_uint,
        flags: c_uint,
        scratch: *mut HsScratch,
        on_event: Option<MatchHandler>,
        context: *mut c_void,
    ) -> c_int;
    fn hs_version() -> *const c_char;
    fn hs_populate_platform(platform: *mut HsPlatformInfo) -> c_int;
    fn hs_serialize_database(
        db: *const HsDatabase,
        bytes: *mut *mut c_char,
        length: *mut usize,
    ) -> c_int;
    fn hs_deserialize_database(
        bytes: *const c_char,
        length: usize,
        db: *mut *mut HsDatabase,
    ) -> c_int;
}

const HS_SUCCESS: c_int = 0;
const HS_MODE_BLOCK: c_uint = 1;
/// Match a superset of the pattern where the exact pattern is not supported or too costly: the gate
/// only has to never miss.
pub const HS_FLAG_PREFILTER: c_uint = 128;

/// The library's version string, e.g. `5.4.9 2023-02-08`.
pub fn version() -> String {
    // SAFETY: hs_version returns a pointer to a static NUL-terminated string.
    unsafe { CStr::from_ptr(hs_version()) }
        .to_string_lossy()
        .into_owned()
}

/// The CPU a database compiled here is tuned for and may use the features of (`tune`, `cpu_features`):
/// a database compiled on one machine may not run on another, so cached ones are keyed by it.
pub fn platform() -> (u32, u64) {
    let mut p = HsPlatformInfo::default();
    // SAFETY: `p` is a valid out-pointer of the C layout.
    if unsafe { hs_populate_platform(&mut p) } != HS_SUCCESS {
        return (0, 0);
    }
    (p.tune, p.cpu_features)
}

/// A compiled block-mode database; immutable, so shared by every thread.
pub struct Database(NonNull<HsDatabase>);

// SAFETY: a Hyperscan database is read-only after compilation and documented as safe to use from many
// threads at once (each with its own scratch).
unsafe impl Send for Database {}
unsafe impl Sync for Database {}

/// Why a database did not compile: the index of the pattern at fault (when one is) and the message.
#[derive(Debug)]
pub struct CompileError {
    pub expression: Option<usize>,
    pub message: String,
}

impl Database {
    /// Compiles `patterns` (pattern, flags); a match of pattern `i` reports id `i`.
    pub fn compile(patterns: &[(String, c_uint)]) -> Result<Database, CompileError> {
        let owned: Vec<CString> = patterns
            .iter()
            .map(|(p, _)| CString::new(p.as_str()))
            .collect::<Result<_, _>>()
            .map_err(|e| CompileError {
                expression: None,
                message: e.to_string(),
            })?;
        let ptrs: Vec<*const c_char> = owned.iter().map(|c| c.as_ptr()).collect();
        let flags: Vec<c_uint> = patterns.iter().map(|(_, f)| *f).collect();
        let ids: Vec<c_uint> = (0..patterns.len() as c_uint).collect();
        let mut db = ptr::null_mut();
        let mut err = ptr::null_mut();
        // SAFETY: the three arrays have `patterns.len()` elements and outlive the call; `db` and `err`
        // are out-pointers the library fills.
        let rc = unsafe {
            hs_compile_multi(
                ptrs.as_ptr(),
                flags.as_ptr(),
                ids.as_ptr(),
                patterns.len() as c_uint,
                HS_MODE_BLOCK,
                ptr::null(),
                &mut db,
                &mut err,
            )
        };
        if rc == HS_SUCCESS {
            if let Some(db) = NonNull::new(db) {
                return Ok(Database(db));
            }
        }
        let mut out = CompileError {
            expression: None,
            message: format!("error {rc}"),
        };
        if !err.is_null() {
            // SAFETY: on failure the library returns a valid compile error, freed here once.
            unsafe {
                let e = &*err;
                out.expression = usize::try_from(e.expression).ok();
                if !e.message.is_null() {
                    out.message = CStr::from_ptr(e.message).to_string_lossy().into_owned();
                }
                hs_free_compile_error(err);
            }
        }
        Err(out)
    }

    /// The database as bytes, for [`Database::deserialize`] in a later run.
    pub fn serialize(&self) -> Option<Vec<u8>> {
        let mut bytes = ptr::null_mut();
        let mut len = 0usize;
        // SAFETY: valid database; the library allocates `bytes` with malloc (no allocator was set), freed
        // here after copying.
        unsafe {
            if hs_serialize_database(self.0.as_ptr(), &mut bytes, &mut len) != HS_SUCCESS
                || bytes.is_null()
            {
                return None;
            }
            let out = std::slice::from_raw_parts(bytes as *const u8, len).to_vec();
            libc::free(bytes as *mut c_void);
            Some(out)
        }
    }

    /// A database from [`Database::serialize`]'s bytes; `None` if the library refuses them (it checks
    /// the format, its version and the platform). Callers check integrity themselves.
    pub fn deserialize(bytes: &[u8]) -> Option<Database> {
        let mut db = ptr::null_mut();
        // SAFETY: the buffer is `bytes.len()` bytes; `db` is an out-pointer.
        let rc = unsafe {
            hs_deserialize_database(bytes.as_ptr() as *const c_char, bytes.len(), &mut db)
        };
        (rc == HS_SUCCESS).then_some(())?;
        NonNull::new(db).map(Database)
    }

    /// Scratch space for one thread's scans with this database.
    pub fn scratch(&self) -> Option<Scratch> {
        let mut s = ptr::null_mut();
        // SAFETY: the database is valid; `s` is an out-pointer.
        let rc = unsafe { hs_alloc_scratch(self.0.as_ptr(), &mut s) };
        (rc == HS_SUCCESS).then_some(())?;
        NonNull::new(s).map(Scratch)
    }

    /// Calls `f(pattern, end)` for every match end, in order of end offset. `false` if the scan failed
    /// (the buffer is too long for the API, or the scratch belongs to another database): the caller then
    /// must not rely on the absence of matches.
    pub fn scan<F: FnMut(usize, usize)>(
        &self,
        hay: &[u8],
        scratch: &mut Scratch,
        f: &mut F,
    ) -> bool {
        let Ok(len) = c_uint::try_from(hay.len()) else {
            return false;
        };
        unsafe extern "C" fn on_match<F: FnMut(usize, usize)>(
            id: c_uint,
            _from: c_ulonglong,
            to: c_ulonglong,
            _flags: c_uint,
            context: *mut c_void,
        ) -> c_int {
            // SAFETY: `context` is the `&mut F` passed to hs_scan below, alive for the whole scan.
            let f = unsafe { &mut *(context as *mut F) };
            f(id as usize, to as usize);
            0
        }
        // SAFETY: database and scratch are valid, the buffer is `len` bytes, and the callback's context
        // is a live `&mut F` of the type the callback is instantiated with.
        let rc = unsafe {
            hs_scan(
                self.0.as_ptr(),
                hay.as_ptr() as *const c_char,
                len,
                0,
                scratch.0.as_ptr(),
                Some(on_match::<F>),
                f as *mut F as *mut c_void,
            )
        };
        rc == HS_SUCCESS
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        // SAFETY: owned, freed once.
        unsafe { hs_free_database(self.0.as_ptr()) };
    }
}

/// Per-thread scan memory for one database.
pub struct Scratch(NonNull<HsScratch>);

// SAFETY: scratch may move between threads; it is never used by two at once (`&mut` in `scan`).
unsafe impl Send for Scratch {}

impl Drop for Scratch {
    fn drop(&mut self) {
        // SAFETY: owned, freed once.
        unsafe { hs_free_scratch(self.0.as_ptr()) };
    }
}
