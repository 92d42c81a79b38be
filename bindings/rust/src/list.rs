//! Listing: the C callback walk, as a closure and as an iterator.
use crate::error::{Error, Result, Status};
use crate::key::Key;
use crate::sys;
use std::any::Any;
use std::ffi::{c_void, CStr};
use std::iter::FusedIterator;
use std::ops::ControlFlow;
use std::os::raw::{c_char, c_int};
use std::panic::{self, AssertUnwindSafe};

/// One live key of a listing ([`Bus::list`](crate::Bus::list),
/// [`Bus::visit`](crate::Bus::visit)).
///
/// ```
/// # use splinter::{Backing, Bus, CreateOptions, Writer};
/// # let name = format!("doc-entry-{}", std::process::id());
/// let bus = Bus::<Writer>::create(Backing::Shm, &name, &CreateOptions::new(8, 64))?;
/// let epoch = bus.set("k", b"four")?;
/// let entry = bus.list()?.next().unwrap();
/// assert_eq!((entry.key, entry.value_len, entry.epoch), (splinter::Key::new("k")?, 4, epoch));
/// assert_eq!(bus.get(entry.key)?.unwrap().bytes, b"four"); // a listed key reads back as is
/// # drop(bus); splinter::destroy(Backing::Shm, &name)?;
/// # Ok::<(), splinter::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Entry {
    /// The key.
    pub key: Key,
    /// Its value's length, in bytes.
    pub value_len: usize,
    /// Its epoch.
    pub epoch: u64,
}

/// The entries of [`Bus::list`](crate::Bus::list), in slot order.
///
/// ```
/// # use splinter::{Backing, Bus, CreateOptions, Writer};
/// # let name = format!("doc-list-iter-{}", std::process::id());
/// let bus = Bus::<Writer>::create(Backing::Shm, &name, &CreateOptions::new(8, 64))?;
/// bus.set("a", b"1")?;
/// let list = bus.list()?;
/// assert_eq!(list.len(), 1);
/// for entry in list {
///     println!("{} ({} bytes, epoch {})", entry.key, entry.value_len, entry.epoch);
/// }
/// # drop(bus); splinter::destroy(Backing::Shm, &name)?;
/// # Ok::<(), splinter::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct List {
    entries: std::vec::IntoIter<Entry>,
}

impl List {
    pub(crate) fn new(entries: Vec<Entry>) -> List {
        List { entries: entries.into_iter() }
    }
}

impl Iterator for List {
    type Item = Entry;
    fn next(&mut self) -> Option<Entry> {
        self.entries.next()
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.entries.size_hint()
    }
}
impl ExactSizeIterator for List {}
impl DoubleEndedIterator for List {
    fn next_back(&mut self) -> Option<Entry> {
        self.entries.next_back()
    }
}
impl FusedIterator for List {}

struct Walk<F> {
    f: F,
    panic: Option<Box<dyn Any + Send>>,
    error: Option<Error>,
}

/// The callback's "stop" return: positive, so never a status code.
const STOP: c_int = 1;

unsafe extern "C" fn trampoline<F>(ctx: *mut c_void, key: *const c_char, value_len: usize, epoch: u64) -> c_int
where
    F: FnMut(Entry) -> ControlFlow<()>,
{
    // SAFETY: ctx is the &mut Walk<F> passed to splinter_list by visit, alive
    // for the whole call; the library calls back on the calling thread.
    let walk = unsafe { &mut *ctx.cast::<Walk<F>>() };
    // SAFETY: the library passes a NUL-terminated key valid during the call.
    let bytes = unsafe { CStr::from_ptr(key) }.to_bytes();
    let key = match Key::new(bytes) {
        Ok(k) => k,
        Err(e) => {
            walk.error = Some(Error::binding(Status::Corrupt, format!("list returned an invalid key: {}", e)));
            return STOP;
        }
    };
    // A panic must not unwind into C: catch it, stop the walk, resume after.
    match panic::catch_unwind(AssertUnwindSafe(|| (walk.f)(Entry { key, value_len, epoch }))) {
        Ok(ControlFlow::Continue(())) => 0,
        Ok(ControlFlow::Break(())) => STOP,
        Err(payload) => {
            walk.panic = Some(payload);
            STOP
        }
    }
}

pub(crate) fn visit<F>(bus: *const sys::splinter_bus, f: F) -> Result<ControlFlow<()>>
where
    F: FnMut(Entry) -> ControlFlow<()>,
{
    let mut walk = Walk { f, panic: None, error: None };
    // SAFETY: an open handle; the callback matches F and ctx is walk, which
    // outlives the call.
    let rc = unsafe {
        sys::splinter_list(bus, Some(trampoline::<F>), (&mut walk as *mut Walk<F>).cast())
    };
    if let Some(payload) = walk.panic {
        panic::resume_unwind(payload);
    }
    if let Some(e) = walk.error {
        return Err(e);
    }
    match rc {
        sys::SPLINTER_OK => Ok(ControlFlow::Continue(())),
        STOP => Ok(ControlFlow::Break(())),
        rc => Err(Error::from_code(rc)),
    }
}
