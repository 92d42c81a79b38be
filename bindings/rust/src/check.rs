//! Validation and recovery: typed findings and reports.
use crate::bus::{c_name, Backing};
use crate::error::{Error, Result};
use crate::sys;
use std::ffi::{c_void, CStr, OsStr};
use std::os::raw::{c_char, c_int};

/// How bad a finding is (`SPLINTER_SEV_*`).
///
/// ```
/// use splinter::Severity;
/// assert!(Severity::Recoverable < Severity::Fatal);
/// assert_eq!(Severity::from_code(2), Severity::Unrecoverable);
/// assert_eq!(Severity::Unrecoverable.code(), 2);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Severity {
    /// Recovery repairs it and loses nothing (or rolls a value back to an
    /// intact earlier version of that key).
    Recoverable,
    /// Recovery must drop a value.
    Unrecoverable,
    /// The bus cannot be opened at all.
    Fatal,
    /// A severity this binding does not know (a newer library).
    Unknown(i32),
}

impl Severity {
    /// The severity of a C code.
    ///
    /// ```
    /// assert_eq!(splinter::Severity::from_code(3), splinter::Severity::Fatal);
    /// ```
    pub fn from_code(code: i32) -> Severity {
        match code {
            c if c == sys::SPLINTER_SEV_RECOVERABLE as i32 => Severity::Recoverable,
            c if c == sys::SPLINTER_SEV_UNRECOVERABLE as i32 => Severity::Unrecoverable,
            c if c == sys::SPLINTER_SEV_FATAL as i32 => Severity::Fatal,
            c => Severity::Unknown(c),
        }
    }

    /// The C code (`SPLINTER_SEV_*`).
    ///
    /// ```
    /// assert_eq!(splinter::Severity::Recoverable.code(), 1);
    /// ```
    pub fn code(self) -> i32 {
        match self {
            Severity::Recoverable => sys::SPLINTER_SEV_RECOVERABLE as i32,
            Severity::Unrecoverable => sys::SPLINTER_SEV_UNRECOVERABLE as i32,
            Severity::Fatal => sys::SPLINTER_SEV_FATAL as i32,
            Severity::Unknown(c) => c,
        }
    }
}

/// What recovery does (or did) about a finding (`SPLINTER_FIX_*`).
///
/// ```
/// use splinter::Fix;
/// assert_eq!(Fix::from_code(0), Fix::Nothing); // SPLINTER_FIX_NONE
/// assert_eq!(Fix::Rollback.code(), 2);
/// assert_eq!(Fix::from_code(4), Fix::Trim);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Fix {
    /// `SPLINTER_FIX_NONE`: nothing to do, or nothing possible.
    Nothing,
    /// A lossless repair (epoch, chain, empty word, header copy, feed
    /// entry, probe limit).
    Repair,
    /// The key was restored to its previous intact value (or a damaged slot
    /// word restored from the value buffer it names).
    Rollback,
    /// The value (and key) was removed.
    Drop,
    /// `SPLINTER_FIX_TRIM`: the key's current value is kept; a damaged
    /// earlier value and every older one were removed from its history.
    Trim,
    /// A fix this binding does not know (a newer library).
    Unknown(i32),
}

impl Fix {
    /// The fix of a C code.
    ///
    /// ```
    /// assert_eq!(splinter::Fix::from_code(3), splinter::Fix::Drop);
    /// ```
    pub fn from_code(code: i32) -> Fix {
        match code {
            c if c == sys::SPLINTER_FIX_NONE as i32 => Fix::Nothing,
            c if c == sys::SPLINTER_FIX_REPAIR as i32 => Fix::Repair,
            c if c == sys::SPLINTER_FIX_ROLLBACK as i32 => Fix::Rollback,
            c if c == sys::SPLINTER_FIX_DROP as i32 => Fix::Drop,
            c if c == sys::SPLINTER_FIX_TRIM as i32 => Fix::Trim,
            c => Fix::Unknown(c),
        }
    }

    /// The C code (`SPLINTER_FIX_*`).
    ///
    /// ```
    /// assert_eq!(splinter::Fix::Repair.code(), 1);
    /// ```
    pub fn code(self) -> i32 {
        match self {
            Fix::Nothing => sys::SPLINTER_FIX_NONE as i32,
            Fix::Repair => sys::SPLINTER_FIX_REPAIR as i32,
            Fix::Rollback => sys::SPLINTER_FIX_ROLLBACK as i32,
            Fix::Drop => sys::SPLINTER_FIX_DROP as i32,
            Fix::Trim => sys::SPLINTER_FIX_TRIM as i32,
            Fix::Unknown(c) => c,
        }
    }
}

/// One violated rule of docs/FORMAT.md.
///
/// ```
/// use splinter::{Backing, Severity};
/// let path = std::env::temp_dir().join(format!("doc-finding-{}", std::process::id()));
/// std::fs::write(&path, vec![0u8; 8192]).unwrap(); // not a bus
/// let err = splinter::check(Backing::File, &path).unwrap_err();
/// let finding = &err.report().unwrap().findings[0];
/// assert_eq!((finding.severity, finding.slot), (Severity::Fatal, None)); // the header
/// println!("F{}: {}", finding.rule, finding.detail);
/// # std::fs::remove_file(&path).unwrap();
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Finding {
    /// The rule number N of "FN" in docs/FORMAT.md.
    pub rule: u32,
    /// How bad it is.
    pub severity: Severity,
    /// What recovery does (did) about it.
    pub fix: Fix,
    /// The slot, or `None` for the header.
    pub slot: Option<u64>,
    /// The slot's key, printable-escaped, or empty.
    pub key: String,
    /// One line describing what is wrong.
    pub detail: String,
}

/// What a check or a recovery found (and, for recovery, fixed).
///
/// ```
/// # use splinter::{Backing, Bus, CreateOptions, Writer};
/// # let name = format!("doc-report-{}", std::process::id());
/// # drop(Bus::<Writer>::create(Backing::Shm, &name, &CreateOptions::new(8, 64))?);
/// let report = splinter::check(Backing::Shm, &name)?;
/// assert!(report.is_clean());
/// assert_eq!((report.worst, report.findings.len(), report.repaired), (None, 0, 0));
/// # splinter::destroy(Backing::Shm, &name)?;
/// # Ok::<(), splinter::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Report {
    /// Every finding, in the order the library reported them.
    pub findings: Vec<Finding>,
    /// Findings fixed by a lossless repair.
    pub repaired: u32,
    /// Findings fixed by rolling a value back.
    pub rolled_back: u32,
    /// Findings fixed by dropping a value.
    pub dropped: u32,
    /// Findings fixed by trimming a key's history.
    pub trimmed: u32,
    /// The highest severity seen; `None` when clean.
    pub worst: Option<Severity>,
}

impl Report {
    /// Whether nothing was found.
    ///
    /// ```
    /// assert!(splinter::Report::default().is_clean());
    /// ```
    pub fn is_clean(&self) -> bool {
        self.worst.is_none() && self.findings.is_empty()
    }
}

unsafe extern "C" fn collect(ctx: *mut c_void, f: *const sys::splinter_finding) -> c_int {
    // No user code runs here, so nothing can unwind into C (an allocation
    // failure aborts).
    // SAFETY: ctx is the Vec<Finding> passed by run; f is valid during the
    // call, with NUL-terminated (or NULL) strings.
    let (out, f) = unsafe { (&mut *ctx.cast::<Vec<Finding>>(), &*f) };
    let text = |p: *const c_char| {
        if p.is_null() {
            String::new()
        } else {
            // SAFETY: a NUL-terminated string valid during the callback.
            unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
        }
    };
    out.push(Finding {
        rule: f.rule,
        severity: Severity::from_code(f.severity),
        fix: Fix::from_code(f.fix),
        slot: u64::try_from(f.slot).ok(),
        key: text(f.key),
        detail: text(f.detail),
    });
    0
}

type Callback = sys::splinter_finding_fn;

/// Runs one of the check/recover calls with a collecting callback.
pub(crate) fn run<C>(call: C) -> Result<Report>
where
    C: FnOnce(Callback, *mut c_void, *mut sys::splinter_report) -> c_int,
{
    let mut findings: Vec<Finding> = Vec::new();
    // SAFETY: splinter_report is plain integers; all zeros is a valid value.
    let mut totals: sys::splinter_report = unsafe { std::mem::zeroed() };
    let rc = call(Some(collect), (&mut findings as *mut Vec<Finding>).cast(), &mut totals);
    let error = if rc == sys::SPLINTER_OK { None } else { Some(Error::from_code(rc)) };
    let report = Report {
        findings,
        repaired: totals.repaired,
        rolled_back: totals.rolled_back,
        dropped: totals.dropped,
        trimmed: totals.trimmed,
        worst: if totals.worst == 0 { None } else { Some(Severity::from_code(totals.worst)) },
    };
    match error {
        None => Ok(report),
        // The header is unusable: the findings say why.
        Some(e) if rc == sys::SPLINTER_E_CORRUPT || rc == sys::SPLINTER_E_VERSION => Err(e.with_report(report)),
        Some(e) => Err(e),
    }
}

/// Validates the named bus against every rule of docs/FORMAT.md without
/// modifying it (read-only, no lock, a snapshot).
///
/// Returns the report whatever it found (see [`Report::worst`]); fails with
/// `CORRUPT`/`VERSION` when the header is unusable ([`Error::report`] has the
/// finding), `INVALID`, `NO_BUS`, `SYSTEM`. A bus whose writer is live may
/// show transient findings; check a quiescent bus for an exact verdict.
///
/// ```
/// use splinter::{Backing, Status};
/// let err = splinter::check(Backing::Shm, "no-such-bus-to-check").unwrap_err();
/// assert_eq!(err.status(), Status::NoBus);
/// ```
pub fn check(backing: Backing, name: impl AsRef<OsStr>) -> Result<Report> {
    let name = c_name(name.as_ref())?;
    run(|f, ctx, out| {
        // SAFETY: NUL-terminated name, a callback and its context, an out-pointer.
        unsafe { sys::splinter_check(backing.raw(), name.as_ptr(), f, ctx, out) }
    })
}

/// Takes the writer role on the named bus, repairs everything the validator
/// finds (rolling each damaged value back to its last intact version, or
/// dropping it), flushes a file bus, releases the role, and reports every
/// finding with the fix applied. Afterwards the bus validates clean.
///
/// Fails with `BUSY` (a live writer holds it), `CORRUPT`/`VERSION` (header
/// unusable: nothing can be recovered), `INVALID`, `NO_BUS`, `SYSTEM`.
///
/// ```
/// # use splinter::{Backing, Bus, CreateOptions, Writer};
/// # let name = format!("doc-recover-{}", std::process::id());
/// # drop(Bus::<Writer>::create(Backing::Shm, &name, &CreateOptions::new(8, 64))?);
/// let report = splinter::recover(Backing::Shm, &name)?;
/// assert_eq!(report.dropped, 0);
/// # splinter::destroy(Backing::Shm, &name)?;
/// # Ok::<(), splinter::Error>(())
/// ```
pub fn recover(backing: Backing, name: impl AsRef<OsStr>) -> Result<Report> {
    let name = c_name(name.as_ref())?;
    run(|f, ctx, out| {
        // SAFETY: as for check.
        unsafe { sys::splinter_recover(backing.raw(), name.as_ptr(), f, ctx, out) }
    })
}
