//! The change feed (`splinter_changes`) and per-key histories
//! (`splinter_history`), collected into vectors.
use crate::bus::Value;
use crate::error::{status, Error, Result, Status};
use crate::key::Key;
use crate::sys;
use std::ffi::{c_void, CStr};
use std::os::raw::{c_char, c_int};

/// What a change of the feed did (`SPLINTER_OP_*`).
///
/// ```
/// use splinter::Op;
/// assert_eq!(Op::from_code(1), Some(Op::Set));
/// assert_eq!(Op::Unset.code(), 2);
/// assert_eq!(Op::from_code(0), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    /// `SPLINTER_OP_SET`: the key was set.
    Set,
    /// `SPLINTER_OP_UNSET`: the key was removed.
    Unset,
    /// `SPLINTER_OP_EXPIRE`: the writer removed the key at its deadline.
    Expire,
}

impl Op {
    /// The op of a C code; `None` for a code this binding does not know.
    ///
    /// ```
    /// assert_eq!(splinter::Op::from_code(2), Some(splinter::Op::Unset));
    /// ```
    pub fn from_code(code: i32) -> Option<Op> {
        match code {
            c if c == sys::SPLINTER_OP_SET as i32 => Some(Op::Set),
            c if c == sys::SPLINTER_OP_UNSET as i32 => Some(Op::Unset),
            c if c == sys::SPLINTER_OP_EXPIRE as i32 => Some(Op::Expire),
            _ => None,
        }
    }

    /// The C code (`SPLINTER_OP_*`).
    ///
    /// ```
    /// assert_eq!(splinter::Op::Set.code(), 1);
    /// ```
    pub fn code(self) -> i32 {
        match self {
            Op::Set => sys::SPLINTER_OP_SET as i32,
            Op::Unset => sys::SPLINTER_OP_UNSET as i32,
            Op::Expire => sys::SPLINTER_OP_EXPIRE as i32,
        }
    }
}

/// One committed mutation of the change feed: at `epoch`, `op` of `key`.
///
/// ```
/// # use splinter::{Backing, Bus, CreateOptions, Op, Writer};
/// # let name = format!("doc-change-{}", std::process::id());
/// let bus = Bus::<Writer>::create(Backing::Shm, &name, &CreateOptions::new(8, 64))?;
/// bus.set("k", b"v")?;
/// let change = bus.changes(0)?.changes[0];
/// assert_eq!((change.epoch, change.op, change.key), (1, Op::Set, splinter::Key::new("k")?));
/// # drop(bus); splinter::destroy(Backing::Shm, &name)?;
/// # Ok::<(), splinter::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Change {
    /// The epoch of the mutation.
    pub epoch: u64,
    /// What it did.
    pub op: Op,
    /// The key it changed.
    pub key: Key,
}

/// What [`Bus::changes`](crate::Bus::changes) gives: the changes, in epoch
/// order, and the epoch to resume from.
///
/// ```
/// # use splinter::{Backing, Bus, CreateOptions, Writer};
/// # let name = format!("doc-changes-{}", std::process::id());
/// let bus = Bus::<Writer>::create(Backing::Shm, &name, &CreateOptions::new(8, 64))?;
/// let none = bus.changes(0)?;
/// assert!(none.changes.is_empty());
/// assert_eq!(none.last, 0); // `since` when there was no change
/// # drop(bus); splinter::destroy(Backing::Shm, &name)?;
/// # Ok::<(), splinter::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Changes {
    /// Every change after `since`, in epoch order.
    pub changes: Vec<Change>,
    /// The epoch of the last change given, or `since` when there was none.
    pub last: u64,
}

struct Collect<T> {
    out: Vec<T>,
    error: Option<Error>,
}

/// The callback's "stop" return: positive, so never a status code.
const STOP: c_int = 1;

unsafe extern "C" fn each_change(ctx: *mut c_void, epoch: u64, op: c_int, key: *const c_char) -> c_int {
    // No user code runs here, so nothing can unwind into C (an allocation
    // failure aborts).
    // SAFETY: ctx is the Collect<Change> passed by changes, alive for the
    // whole call; the library calls back on the calling thread.
    let walk = unsafe { &mut *ctx.cast::<Collect<Change>>() };
    // SAFETY: the library passes a NUL-terminated key valid during the call.
    let bytes = unsafe { CStr::from_ptr(key) }.to_bytes();
    let change = match (Key::new(bytes), Op::from_code(op)) {
        (Ok(key), Some(op)) => Change { epoch, op, key },
        (Err(e), _) => {
            walk.error = Some(Error::binding(Status::Corrupt, format!("changes gave an invalid key: {}", e)));
            return STOP;
        }
        (_, None) => {
            walk.error = Some(Error::binding(Status::Corrupt, format!("changes gave an unknown op {}", op)));
            return STOP;
        }
    };
    walk.out.push(change);
    0
}

unsafe extern "C" fn each_value(ctx: *mut c_void, epoch: u64, value: *const c_void, len: usize) -> c_int {
    // SAFETY: ctx is the Collect<Value> passed by history, alive for the call.
    let walk = unsafe { &mut *ctx.cast::<Collect<Value>>() };
    let bytes = if len == 0 {
        Vec::new()
    } else {
        // SAFETY: the library passes len readable bytes at value, valid during the call.
        unsafe { std::slice::from_raw_parts(value.cast::<u8>(), len) }.to_vec()
    };
    walk.out.push(Value { bytes, epoch });
    0
}

pub(crate) fn changes(bus: *const sys::splinter_bus, since: u64) -> Result<Changes> {
    let mut walk = Collect { out: Vec::new(), error: None };
    let mut last = since;
    // SAFETY: an open handle; the callback matches Collect<Change>, which
    // outlives the call; a valid out-pointer.
    let rc = unsafe {
        sys::splinter_changes(bus, since, Some(each_change), (&mut walk as *mut Collect<Change>).cast(), &mut last)
    };
    if let Some(e) = walk.error {
        return Err(e);
    }
    status(rc)?;
    Ok(Changes { changes: walk.out, last })
}

pub(crate) fn history(bus: *const sys::splinter_bus, key: &Key) -> Result<Vec<Value>> {
    let mut walk = Collect { out: Vec::new(), error: None };
    // SAFETY: an open handle, a NUL-terminated key; the callback matches
    // Collect<Value>, which outlives the call.
    let rc = unsafe {
        sys::splinter_history(bus, key.as_ptr(), Some(each_value), (&mut walk as *mut Collect<Value>).cast())
    };
    if rc == sys::SPLINTER_E_NOT_FOUND {
        return Ok(Vec::new());
    }
    status(rc)?;
    Ok(walk.out)
}
