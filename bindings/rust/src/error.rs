//! Status codes and the crate's error type.
use crate::check::Report;
use crate::sys;
use std::ffi::CStr;
use std::fmt;
use std::os::raw::c_int;

/// A failure status of the C ABI: `SPLINTER_E_*` without its prefix.
///
/// splinter.h says, for each, when it happens and what to do. Three are not
/// failures in this API, and come back as values instead: `NOT_FOUND` (get
/// and unset answer `None`) and `TIMEOUT` (poll answers `None`); `BUFFER` is
/// returned only by [`Bus::get_into`](crate::Bus::get_into).
///
/// ```
/// use splinter::Status;
///
/// assert_eq!(Status::KeyTooLong.code(), -3);
/// assert_eq!(Status::KeyTooLong.name(), "KEY_TOO_LONG");
/// assert_eq!(Status::from_code(-7), Some(Status::Busy));
/// assert_eq!(Status::from_code(0), None); // SPLINTER_OK is not a failure
/// assert_eq!(Status::from_code(-99), Some(Status::Unknown(-99)));
/// assert!(Status::Again.is_transient());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Status {
    /// `SPLINTER_E_NOT_FOUND`: the key is absent.
    NotFound,
    /// `SPLINTER_E_INVALID`: an invalid argument (empty key, a key or name
    /// with a NUL byte, bad geometry or name, ...).
    Invalid,
    /// `SPLINTER_E_KEY_TOO_LONG`: the key is longer than [`KEY_MAX`](crate::KEY_MAX) bytes.
    KeyTooLong,
    /// `SPLINTER_E_TOO_LARGE`: the value is longer than the bus's `max_value_size`.
    TooLarge,
    /// `SPLINTER_E_BUFFER`: the caller's buffer is too small
    /// ([`Error::needed_len`] says how large it must be).
    Buffer,
    /// `SPLINTER_E_FULL`: a new key while every slot holds a live key (or
    /// the epoch space is exhausted).
    Full,
    /// `SPLINTER_E_BUSY`: another writer handle holds the bus.
    Busy,
    /// `SPLINTER_E_READ_ONLY`: a mutation through a reader handle (only
    /// reachable through [`sys`](crate::sys): a `Bus<Reader>` has no mutations).
    ReadOnly,
    /// `SPLINTER_E_TIMEOUT`: a poll's timeout passed with no change.
    Timeout,
    /// `SPLINTER_E_EXISTS`: create found something of that name.
    Exists,
    /// `SPLINTER_E_NO_BUS`: no bus of that name.
    NoBus,
    /// `SPLINTER_E_CORRUPT`: the bus fails validation; see
    /// [`recover`](crate::recover()).
    Corrupt,
    /// `SPLINTER_E_VERSION`: a format version this library does not support.
    Version,
    /// `SPLINTER_E_AGAIN`: the writer kept changing the key; retry.
    Again,
    /// `SPLINTER_E_SYSTEM`: an operating-system call failed
    /// ([`Error::os_error`] has errno).
    System,
    /// `SPLINTER_E_COMPACTED`: the change feed no longer holds the change
    /// after `since` (or `since` is ahead of the bus); resynchronise with
    /// [`Bus::list`](crate::Bus::list) and follow the feed from there.
    Compacted,
    /// A code this binding does not know (a newer library).
    Unknown(i32),
}

impl Status {
    /// The C status code (`SPLINTER_E_*`, negative).
    ///
    /// ```
    /// assert_eq!(splinter::Status::Corrupt.code(), splinter::sys::SPLINTER_E_CORRUPT);
    /// ```
    pub fn code(self) -> i32 {
        match self {
            Status::NotFound => sys::SPLINTER_E_NOT_FOUND,
            Status::Invalid => sys::SPLINTER_E_INVALID,
            Status::KeyTooLong => sys::SPLINTER_E_KEY_TOO_LONG,
            Status::TooLarge => sys::SPLINTER_E_TOO_LARGE,
            Status::Buffer => sys::SPLINTER_E_BUFFER,
            Status::Full => sys::SPLINTER_E_FULL,
            Status::Busy => sys::SPLINTER_E_BUSY,
            Status::ReadOnly => sys::SPLINTER_E_READ_ONLY,
            Status::Timeout => sys::SPLINTER_E_TIMEOUT,
            Status::Exists => sys::SPLINTER_E_EXISTS,
            Status::NoBus => sys::SPLINTER_E_NO_BUS,
            Status::Corrupt => sys::SPLINTER_E_CORRUPT,
            Status::Version => sys::SPLINTER_E_VERSION,
            Status::Again => sys::SPLINTER_E_AGAIN,
            Status::System => sys::SPLINTER_E_SYSTEM,
            Status::Compacted => sys::SPLINTER_E_COMPACTED,
            Status::Unknown(code) => code,
        }
    }

    /// The status of a C code; `None` for `SPLINTER_OK` (0).
    ///
    /// ```
    /// use splinter::Status;
    /// assert_eq!(Status::from_code(splinter::sys::SPLINTER_E_AGAIN), Some(Status::Again));
    /// ```
    pub fn from_code(code: i32) -> Option<Status> {
        const ALL: [Status; 16] = [
            Status::NotFound,
            Status::Invalid,
            Status::KeyTooLong,
            Status::TooLarge,
            Status::Buffer,
            Status::Full,
            Status::Busy,
            Status::ReadOnly,
            Status::Timeout,
            Status::Exists,
            Status::NoBus,
            Status::Corrupt,
            Status::Version,
            Status::Again,
            Status::System,
            Status::Compacted,
        ];
        if code == sys::SPLINTER_OK {
            return None;
        }
        Some(ALL.iter().copied().find(|s| s.code() == code).unwrap_or(Status::Unknown(code)))
    }

    /// The protocol name: the C name without `SPLINTER_E_` (`"NOT_FOUND"`),
    /// `"UNKNOWN"` for [`Status::Unknown`].
    ///
    /// ```
    /// assert_eq!(splinter::Status::NoBus.name(), "NO_BUS");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Status::NotFound => "NOT_FOUND",
            Status::Invalid => "INVALID",
            Status::KeyTooLong => "KEY_TOO_LONG",
            Status::TooLarge => "TOO_LARGE",
            Status::Buffer => "BUFFER",
            Status::Full => "FULL",
            Status::Busy => "BUSY",
            Status::ReadOnly => "READ_ONLY",
            Status::Timeout => "TIMEOUT",
            Status::Exists => "EXISTS",
            Status::NoBus => "NO_BUS",
            Status::Corrupt => "CORRUPT",
            Status::Version => "VERSION",
            Status::Again => "AGAIN",
            Status::System => "SYSTEM",
            Status::Compacted => "COMPACTED",
            Status::Unknown(_) => "UNKNOWN",
        }
    }

    /// The library's English sentence for the status (`splinter_strerror`).
    ///
    /// ```
    /// assert!(!splinter::Status::Busy.message().is_empty());
    /// ```
    pub fn message(self) -> &'static str {
        // SAFETY: splinter_strerror returns a static NUL-terminated string
        // for any code.
        let s = unsafe { CStr::from_ptr(sys::splinter_strerror(self.code())) };
        s.to_str().unwrap_or("unknown status")
    }

    /// Whether retrying the same call may succeed without changing anything
    /// (`AGAIN`, `BUSY`).
    ///
    /// ```
    /// assert!(!splinter::Status::Invalid.is_transient());
    /// ```
    pub fn is_transient(self) -> bool {
        matches!(self, Status::Again | Status::Busy)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::Unknown(code) => write!(f, "UNKNOWN({})", code),
            s => f.write_str(s.name()),
        }
    }
}

/// A failed call: its [`Status`] and the library's one-line reason.
///
/// Implements [`std::error::Error`]; for `SYSTEM` the source is the
/// operating-system error. `Error` is `Send + Sync + 'static`.
///
/// ```
/// use splinter::{Backing, Bus, Reader, Status};
///
/// let err = Bus::<Reader>::open(Backing::Shm, "no-such-bus-here").unwrap_err();
/// assert_eq!(err.status(), Status::NoBus);
/// assert!(!err.detail().is_empty());
/// let as_dyn: Box<dyn std::error::Error + Send + Sync> = Box::new(err);
/// assert!(as_dyn.to_string().starts_with("NO_BUS"));
/// ```
#[derive(Debug)]
pub struct Error {
    status: Status,
    detail: String,
    needed: Option<usize>,
    os: Option<std::io::Error>,
    report: Option<Box<Report>>,
}

impl Error {
    /// The error of a failed raw call (a [`sys`](crate::sys) function that
    /// returned `code`), with the detail of `splinter_last_error` and, for
    /// `SYSTEM`, errno. Call it on the thread that made the call, before any
    /// other call into the library. For `SPLINTER_OK` (not a failure) the
    /// status is `Unknown(0)`.
    ///
    /// ```
    /// use splinter::{sys, Error, Status};
    /// use std::ptr;
    ///
    /// // SAFETY: a NULL name is allowed (it is refused with INVALID).
    /// let code = unsafe { sys::splinter_destroy(sys::SPLINTER_SHM, ptr::null()) };
    /// let err = Error::from_code(code);
    /// assert_eq!(err.status(), Status::Invalid);
    /// ```
    pub fn from_code(code: i32) -> Error {
        // errno first: nothing after the failed call may overwrite it.
        let os = if code == sys::SPLINTER_E_SYSTEM {
            Some(std::io::Error::last_os_error())
        } else {
            None
        };
        // SAFETY: splinter_last_error returns a NUL-terminated thread-local
        // string valid until this thread's next call into the library; it is
        // copied at once.
        let detail = unsafe { CStr::from_ptr(sys::splinter_last_error()) }
            .to_string_lossy()
            .into_owned();
        let status = Status::from_code(code).unwrap_or(Status::Unknown(code));
        Error { status, detail, needed: None, os, report: None }
    }

    /// An error raised by the binding itself (an argument it refuses before
    /// calling the library, as the library would).
    pub(crate) fn binding(status: Status, detail: impl Into<String>) -> Error {
        Error { status, detail: detail.into(), needed: None, os: None, report: None }
    }

    pub(crate) fn with_needed(mut self, needed: usize) -> Error {
        self.needed = Some(needed);
        self
    }

    pub(crate) fn with_report(mut self, report: Report) -> Error {
        self.report = Some(Box::new(report));
        self
    }

    /// The status.
    ///
    /// ```
    /// use splinter::{Key, Status};
    /// assert_eq!(Key::new("").unwrap_err().status(), Status::Invalid);
    /// ```
    pub fn status(&self) -> Status {
        self.status
    }

    /// The one-line reason (`splinter_last_error` of the failed call, or the
    /// binding's own for an argument it refused).
    ///
    /// ```
    /// use splinter::Key;
    /// assert_eq!(Key::new("a\0b").unwrap_err().detail(), "key contains a NUL byte");
    /// ```
    pub fn detail(&self) -> &str {
        &self.detail
    }

    /// For `BUFFER`: the buffer size the value needs (it may change before a
    /// retry, so loop).
    ///
    /// ```
    /// # use splinter::{Backing, Bus, CreateOptions, Writer, Status};
    /// # let name = format!("doc-needed-{}", std::process::id());
    /// let bus = Bus::<Writer>::create(Backing::Shm, &name, &CreateOptions::new(8, 64))?;
    /// bus.set("k", b"12345")?;
    /// let err = bus.get_into("k", &mut [0u8; 2]).unwrap_err();
    /// assert_eq!((err.status(), err.needed_len()), (Status::Buffer, Some(5)));
    /// # drop(bus); splinter::destroy(Backing::Shm, &name)?;
    /// # Ok::<(), splinter::Error>(())
    /// ```
    pub fn needed_len(&self) -> Option<usize> {
        self.needed
    }

    /// For `SYSTEM`: the operating-system error (errno) of the failed call.
    ///
    /// ```
    /// use splinter::{Backing, Bus, CreateOptions, Writer, Status};
    /// // A file bus in a directory that does not exist: SYSTEM with ENOENT.
    /// let err = Bus::<Writer>::create(Backing::File, "/nonexistent-dir/bus", &CreateOptions::new(8, 8))
    ///     .unwrap_err();
    /// assert_eq!(err.status(), Status::System);
    /// assert_eq!(err.os_error().unwrap().kind(), std::io::ErrorKind::NotFound);
    /// ```
    pub fn os_error(&self) -> Option<&std::io::Error> {
        self.os.as_ref()
    }

    /// For `CORRUPT` or `VERSION` from [`check`](crate::check()),
    /// [`recover`](crate::recover()) or [`Bus::check`](crate::Bus::check): the
    /// findings reported before the library gave up (the unusable header).
    ///
    /// ```
    /// use splinter::{Backing, Status};
    /// let path = std::env::temp_dir().join(format!("doc-report-{}", std::process::id()));
    /// std::fs::write(&path, vec![0u8; 8192]).unwrap(); // not a bus: bad magic
    /// let err = splinter::check(Backing::File, &path).unwrap_err();
    /// assert_eq!(err.status(), Status::Corrupt);
    /// assert!(!err.report().unwrap().findings.is_empty());
    /// std::fs::remove_file(&path).unwrap();
    /// ```
    pub fn report(&self) -> Option<&Report> {
        self.report.as_deref()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.detail.is_empty() {
            write!(f, "{}: {}", self.status, self.status.message())
        } else {
            write!(f, "{}: {}", self.status, self.detail)
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.os.as_ref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// `Ok(())` for `SPLINTER_OK`, the error of `code` otherwise.
pub(crate) fn status(code: c_int) -> Result<()> {
    if code == sys::SPLINTER_OK {
        Ok(())
    } else {
        Err(Error::from_code(code))
    }
}
