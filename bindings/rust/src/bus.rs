//! Bus handles, split by role in the type system.
use crate::check::{self, Report};
use crate::error::{status, Error, Result, Status};
use crate::feed::{self, Changes};
use crate::key::{AsKey, Key};
use crate::list::{self, Entry, List};
use crate::sys;
use std::ffi::{CString, OsStr};
use std::marker::PhantomData;
use std::mem::MaybeUninit;
use std::ops::ControlFlow;
use std::os::unix::ffi::OsStrExt;
use std::ptr::{self, NonNull};
use std::time::Duration;

/// What backs a bus.
///
/// ```
/// use splinter::Backing;
/// assert_eq!(Backing::Shm.name(), "shm");
/// assert_eq!(Backing::from_name("file"), Some(Backing::File));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Backing {
    /// A POSIX shared-memory object (`/dev/shm/NAME`): memory only, gone at
    /// reboot. The name is one path component (a leading `/` is accepted).
    Shm,
    /// A regular file: persistent. The name is its path.
    File,
}

impl Backing {
    /// `"shm"` or `"file"` (as splinterctl and the conformance protocol say).
    ///
    /// ```
    /// assert_eq!(splinter::Backing::File.name(), "file");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Backing::Shm => "shm",
            Backing::File => "file",
        }
    }

    /// The backing named `"shm"` or `"file"`.
    ///
    /// ```
    /// assert_eq!(splinter::Backing::from_name("tape"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Backing> {
        match name {
            "shm" => Some(Backing::Shm),
            "file" => Some(Backing::File),
            _ => None,
        }
    }

    pub(crate) fn raw(self) -> sys::splinter_backing {
        match self {
            Backing::Shm => sys::SPLINTER_SHM,
            Backing::File => sys::SPLINTER_FILE,
        }
    }

    fn from_raw(raw: u32) -> Option<Backing> {
        match raw {
            sys::SPLINTER_SHM => Some(Backing::Shm),
            sys::SPLINTER_FILE => Some(Backing::File),
            _ => None,
        }
    }
}

/// A handle's role, as a value (in [`Info`]); [`Reader`] and [`Writer`] are
/// the same roles as types.
///
/// ```
/// use splinter::{Reader, Role, RoleKind, Writer};
/// assert_eq!(<Reader as Role>::KIND, RoleKind::Reader);
/// assert_eq!(<Writer as Role>::KIND.name(), "writer");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RoleKind {
    /// Reads only.
    Reader,
    /// The bus's single writer; may also read.
    Writer,
}

impl RoleKind {
    /// `"reader"` or `"writer"`.
    ///
    /// ```
    /// assert_eq!(splinter::RoleKind::Reader.name(), "reader");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            RoleKind::Reader => "reader",
            RoleKind::Writer => "writer",
        }
    }
}

mod private {
    pub trait Sealed {}
}

/// The role of a [`Bus`] handle, as a type: [`Reader`] or [`Writer`].
/// Sealed.
///
/// ```
/// use splinter::{Backing, Bus, Role};
/// // Code generic over the role can use every read.
/// fn live_keys<R: Role>(bus: &Bus<R>) -> splinter::Result<u32> {
///     Ok(bus.info()?.live_keys)
/// }
/// # let name = format!("doc-role-{}", std::process::id());
/// # let w = Bus::<splinter::Writer>::create(Backing::Shm, &name, &splinter::CreateOptions::new(8, 8))?;
/// # assert_eq!(live_keys(&w)?, 0);
/// # drop(w); splinter::destroy(Backing::Shm, &name)?;
/// # Ok::<(), splinter::Error>(())
/// ```
pub trait Role: private::Sealed + Send + Sync + 'static {
    /// The role as a value.
    const KIND: RoleKind;
}

/// The reader role: `Bus<Reader>` can get, list, poll, read epochs and info;
/// any number of them in any number of processes.
///
/// A reader has no mutations at all; this does not compile:
///
/// ```compile_fail
/// use splinter::{Backing, Bus, Reader};
/// let bus = Bus::<Reader>::open(Backing::Shm, "sensors").unwrap();
/// bus.set("k", b"v"); // no method `set` on Bus<Reader>
/// ```
#[derive(Debug)]
pub enum Reader {}

/// The writer role: `Bus<Writer>` also sets, unsets and flushes. One writer
/// handle at a time holds a bus, in any process (`BUSY` otherwise).
///
/// ```
/// use splinter::{Backing, Bus, CreateOptions, Status, Writer};
/// # let name = format!("doc-writer-{}", std::process::id());
/// let w = Bus::<Writer>::create(Backing::Shm, &name, &CreateOptions::new(8, 8))?;
/// let second = Bus::<Writer>::open(Backing::Shm, &name);
/// assert_eq!(second.unwrap_err().status(), Status::Busy);
/// drop(w); // releases the role
/// let w2 = Bus::<Writer>::open(Backing::Shm, &name)?;
/// # drop(w2); splinter::destroy(Backing::Shm, &name)?;
/// # Ok::<(), splinter::Error>(())
/// ```
#[derive(Debug)]
pub enum Writer {}

impl private::Sealed for Reader {}
impl private::Sealed for Writer {}
impl Role for Reader {
    const KIND: RoleKind = RoleKind::Reader;
}
impl Role for Writer {
    const KIND: RoleKind = RoleKind::Writer;
}

/// How to create a bus: its geometry and the permissions of the new object.
///
/// ```
/// use splinter::CreateOptions;
/// let opts = CreateOptions::new(1024, 256).mode(0o640);
/// assert_eq!((opts.slots(), opts.max_value_size(), opts.mode_bits()), (1024, 256, 0o640));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateOptions {
    slots: u32,
    max_value_size: u32,
    mode: u32,
    change_ring: u32,
    history_depth: u32,
}

impl CreateOptions {
    /// `slots` (1..=`SPLINTER_SLOTS_MAX`) slots, values of at most
    /// `max_value_size` (0..=`SPLINTER_VALUE_MAX`) bytes, mode 0600. The
    /// library checks the geometry (`INVALID`).
    ///
    /// ```
    /// let opts = splinter::CreateOptions::new(64, 4096);
    /// assert_eq!(opts.mode_bits(), 0);
    /// ```
    pub fn new(slots: u32, max_value_size: u32) -> CreateOptions {
        CreateOptions { slots, max_value_size, mode: 0, change_ring: 0, history_depth: 0 }
    }

    /// Permission bits of the new object (0 means 0600).
    ///
    /// ```
    /// assert_eq!(splinter::CreateOptions::new(8, 8).mode(0o600).mode_bits(), 0o600);
    /// ```
    pub fn mode(mut self, mode: u32) -> CreateOptions {
        self.mode = mode;
        self
    }

    /// The number of slots.
    ///
    /// ```
    /// assert_eq!(splinter::CreateOptions::new(8, 16).slots(), 8);
    /// ```
    pub fn slots(&self) -> u32 {
        self.slots
    }

    /// The largest value, in bytes.
    ///
    /// ```
    /// assert_eq!(splinter::CreateOptions::new(8, 16).max_value_size(), 16);
    /// ```
    pub fn max_value_size(&self) -> u32 {
        self.max_value_size
    }

    /// The permission bits (0 means 0600).
    ///
    /// ```
    /// assert_eq!(splinter::CreateOptions::new(8, 16).mode(0o644).mode_bits(), 0o644);
    /// ```
    pub fn mode_bits(&self) -> u32 {
        self.mode
    }

    /// Earlier values kept per key besides the current one, for
    /// [`Bus::history`]: 0..=[`HISTORY_MAX`](crate::HISTORY_MAX) (default 0:
    /// none; more is `INVALID` at create). Each slot then holds `depth + 2`
    /// value buffers.
    ///
    /// ```
    /// assert_eq!(splinter::CreateOptions::new(8, 16).history_depth(3).depth(), 3);
    /// ```
    pub fn history_depth(mut self, depth: u32) -> CreateOptions {
        self.history_depth = depth;
        self
    }

    /// Entries the change feed keeps, for [`Bus::changes`]: rounded up to a
    /// power of two, at most [`RING_MAX`](crate::RING_MAX) (more is `INVALID`
    /// at create). 0 (the default): the number of slots rounded up to a power
    /// of two and clamped to 1024..=65536. [`Bus::info`] gives the size chosen.
    ///
    /// ```
    /// assert_eq!(splinter::CreateOptions::new(8, 16).change_ring(4096).ring(), 4096);
    /// ```
    pub fn change_ring(mut self, entries: u32) -> CreateOptions {
        self.change_ring = entries;
        self
    }

    /// The history depth asked for (0: none).
    ///
    /// ```
    /// assert_eq!(splinter::CreateOptions::new(8, 16).depth(), 0);
    /// ```
    pub fn depth(&self) -> u32 {
        self.history_depth
    }

    /// The change-feed size asked for (0: the library's default).
    ///
    /// ```
    /// assert_eq!(splinter::CreateOptions::new(8, 16).ring(), 0);
    /// ```
    pub fn ring(&self) -> u32 {
        self.change_ring
    }
}

/// A value read by [`Bus::get`]: the bytes of exactly one committed set, and
/// that set's epoch.
///
/// ```
/// # use splinter::{Backing, Bus, CreateOptions, Writer};
/// # let name = format!("doc-value-{}", std::process::id());
/// let bus = Bus::<Writer>::create(Backing::Shm, &name, &CreateOptions::new(8, 64))?;
/// let epoch = bus.set("k", b"hello")?;
/// let value = bus.get("k")?.expect("k was just set");
/// assert_eq!((value.bytes.as_slice(), value.epoch), (&b"hello"[..], epoch));
/// # drop(bus); splinter::destroy(Backing::Shm, &name)?;
/// # Ok::<(), splinter::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Value {
    /// The value (possibly empty: an empty value is not an absent key).
    pub bytes: Vec<u8>,
    /// The epoch of the set that wrote it.
    pub epoch: u64,
}

/// What [`Bus::get_into`] copied: the value's length and epoch.
///
/// ```
/// # use splinter::{Backing, Bus, CreateOptions, Found, Writer};
/// # let name = format!("doc-found-{}", std::process::id());
/// let bus = Bus::<Writer>::create(Backing::Shm, &name, &CreateOptions::new(8, 64))?;
/// let epoch = bus.set("k", b"abc")?;
/// let mut buf = [0u8; 64];
/// assert_eq!(bus.get_into("k", &mut buf)?, Some(Found { len: 3, epoch }));
/// # drop(bus); splinter::destroy(Backing::Shm, &name)?;
/// # Ok::<(), splinter::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Found {
    /// Bytes copied to the front of the buffer: the whole value.
    pub len: usize,
    /// The epoch of the set that wrote it.
    pub epoch: u64,
}

/// Describes a bus and a handle ([`Bus::info`]). Fields from the header are
/// fixed at creation; the counts are taken now.
///
/// ```
/// # use splinter::{Backing, Bus, CreateOptions, RoleKind, Writer};
/// # let name = format!("doc-info-{}", std::process::id());
/// let bus = Bus::<Writer>::create(Backing::Shm, &name, &CreateOptions::new(16, 32))?;
/// bus.set("a", b"1")?;
/// let info = bus.info()?;
/// assert_eq!((info.slots, info.max_value_size, info.live_keys), (16, 32, 1));
/// assert_eq!((info.backing, info.role), (Backing::Shm, RoleKind::Writer));
/// assert_eq!(info.writer_pid, Some(std::process::id()));
/// assert_eq!(info.bus_epoch, bus.epoch());
/// # drop(bus); splinter::destroy(Backing::Shm, &name)?;
/// # Ok::<(), splinter::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Info {
    /// The region's format version (`SPLINTER_FORMAT_VERSION`).
    pub format_version: u32,
    /// What backs the bus.
    pub backing: Backing,
    /// This handle's role.
    pub role: RoleKind,
    /// Slots in the table.
    pub slots: u32,
    /// Largest value, in bytes.
    pub max_value_size: u32,
    /// Live keys, counted now.
    pub live_keys: u32,
    /// Tombstone slots, counted now.
    pub tombstones: u32,
    /// Longest probe chain of a live key, in slots.
    pub longest_probe: u32,
    /// Bytes of the backing object.
    pub region_size: u64,
    /// The bus epoch.
    pub bus_epoch: u64,
    /// The process id recorded by the writer holding the bus; `None` when no
    /// writer holds it.
    pub writer_pid: Option<u32>,
    /// Readers registered as blocked in poll now.
    pub waiters: u32,
    /// Entries the change feed holds ([`CreateOptions::change_ring`]).
    pub change_ring: u32,
    /// Earlier values kept per key ([`CreateOptions::history_depth`]).
    pub history_depth: u32,
    /// Lookups stop after this many slots (docs/FORMAT.md F22).
    pub probe_limit: u32,
    /// The oldest epoch the change feed holds; `None` when it holds none.
    pub feed_oldest: Option<u64>,
}

/// An open bus handle with role `R`: [`Bus<Reader>`](Reader) or
/// [`Bus<Writer>`](Writer). Dropping it closes it (and, for a writer,
/// releases the role; it does not flush).
///
/// # Threads and processes
///
/// splinter.h, "Threads and processes", allows exactly this, and the types
/// say it:
///
/// - Reads (get, list, poll, epoch, info) are safe from any number of threads
///   on one handle: they take `&self`, and `Bus<Reader>` is `Sync`.
/// - A writer handle is safe to use from many threads (its mutations
///   serialise inside it) and may also read: `set`, `unset` and `flush` take
///   `&self`, and `Bus<Writer>` is `Sync` — share it with `Arc`.
/// - `splinter_close` must not race with any other call on the handle:
///   closing is `Drop`, which owns the handle, so no borrow (no poll blocked
///   in another thread) can outlive it.
/// - Calls the header does not list as thread-safe take `&mut self`:
///   [`set_spin`](Bus::set_spin) (the library writes the spin budget that
///   concurrent polls read) and [`check`](Bus::check).
/// - Handles are `Send`: nothing in a handle is tied to the thread that
///   opened it (the thread-local `splinter_last_error` is read by each call on
///   its own thread).
/// - A handle belongs to the process that opened it: after `fork()` the child
///   must not use it. Rust cannot see a fork; `Drop` in a child that
///   inherited a handle leaves it alone (it compares the process id), and
///   using it there is the caller's bug.
///
/// ```
/// use splinter::{Backing, Bus, CreateOptions, Reader, Writer};
/// use std::sync::Arc;
/// # let name = format!("doc-bus-{}", std::process::id());
/// let writer = Arc::new(Bus::<Writer>::create(Backing::Shm, &name, &CreateOptions::new(64, 64))?);
/// let reader = Bus::<Reader>::open(Backing::Shm, &name)?;
/// std::thread::scope(|s| {
///     for t in 0..2 {
///         let w = Arc::clone(&writer);
///         s.spawn(move || w.set(format!("thread/{}", t), b"hi").unwrap());
///     }
/// });
/// assert_eq!(reader.list()?.count(), 2);
/// # drop((writer, reader)); splinter::destroy(Backing::Shm, &name)?;
/// # Ok::<(), splinter::Error>(())
/// ```
pub struct Bus<R: Role> {
    pub(crate) raw: NonNull<sys::splinter_bus>,
    pid: u32,
    _role: PhantomData<R>,
}

// SAFETY: see "Threads and processes" above: every call that takes &self is
// one splinter.h declares safe from any number of threads on one handle
// (reads on any handle; mutations on a writer, which serialise inside it),
// the rest take &mut self, and close (Drop) has the handle to itself.
unsafe impl<R: Role> Sync for Bus<R> {}
// SAFETY: a handle is bound to its process, not to a thread; errors are read
// on the calling thread right after each call.
unsafe impl<R: Role> Send for Bus<R> {}

impl<R: Role> std::fmt::Debug for Bus<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bus").field("role", &R::KIND).field("raw", &self.raw).finish()
    }
}

impl<R: Role> Drop for Bus<R> {
    fn drop(&mut self) {
        // A child of fork() must not close its parent's handle (the writer
        // role is a lock on the open file description they share).
        if std::process::id() == self.pid {
            // SAFETY: raw is an open handle owned by self; nothing borrows it.
            unsafe { sys::splinter_close(self.raw.as_ptr()) }
        }
    }
}

pub(crate) fn c_name(name: &OsStr) -> Result<CString> {
    CString::new(name.as_bytes()).map_err(|_| Error::binding(Status::Invalid, "name contains a NUL byte"))
}

/// `Some(Duration)` as the C ABI's milliseconds, rounded up so that a short
/// wait is not turned into "check once"; `None` (wait without limit) as -1.
pub(crate) fn timeout_ms(timeout: Option<Duration>) -> i64 {
    match timeout {
        None => -1,
        Some(d) => {
            let ms = d.as_millis() + u128::from(d.subsec_nanos() % 1_000_000 != 0);
            i64::try_from(ms).unwrap_or(i64::MAX)
        }
    }
}

impl<R: Role> Bus<R> {
    fn from_raw(raw: *mut sys::splinter_bus) -> Bus<R> {
        Bus {
            raw: NonNull::new(raw).expect("the library returned OK with a NULL handle"),
            pid: std::process::id(),
            _role: PhantomData,
        }
    }

    /// Opens an existing bus in role `R` (the type says which:
    /// `Bus::<Reader>::open` or `Bus::<Writer>::open`).
    ///
    /// A writer open claims the single writer role (`BUSY` if another handle
    /// in any process holds it) and runs crash recovery; if a value is damaged
    /// so that recovery would lose it, it fails with `CORRUPT` — run
    /// [`recover`](crate::recover()). Other failures: `INVALID`, `NO_BUS`,
    /// `CORRUPT`, `VERSION`, `SYSTEM`.
    ///
    /// ```
    /// use splinter::{Backing, Bus, CreateOptions, Reader, Writer};
    /// # let name = format!("doc-open-{}", std::process::id());
    /// drop(Bus::<Writer>::create(Backing::Shm, &name, &CreateOptions::new(8, 8))?);
    /// let reader: Bus<Reader> = Bus::open(Backing::Shm, &name)?;
    /// let writer = Bus::<Writer>::open(Backing::Shm, &name)?;
    /// # drop((reader, writer)); splinter::destroy(Backing::Shm, &name)?;
    /// # Ok::<(), splinter::Error>(())
    /// ```
    pub fn open(backing: Backing, name: impl AsRef<OsStr>) -> Result<Bus<R>> {
        let name = c_name(name.as_ref())?;
        let role = match R::KIND {
            RoleKind::Reader => sys::SPLINTER_READER,
            RoleKind::Writer => sys::SPLINTER_WRITER,
        };
        let mut raw = ptr::null_mut();
        // SAFETY: valid out-pointer and NUL-terminated name.
        status(unsafe { sys::splinter_open(&mut raw, backing.raw(), name.as_ptr(), role) })?;
        Ok(Bus::from_raw(raw))
    }

    /// The key's current value and its epoch; `None` if the key is absent.
    ///
    /// The value is read into a buffer grown to the size the library asks
    /// for (a value that grows meanwhile is read again). Fails with
    /// `INVALID`/`KEY_TOO_LONG` (bad key), `AGAIN` (the writer kept changing
    /// the key: retry), `CORRUPT` (the value fails its checksum).
    ///
    /// ```
    /// # use splinter::{Backing, Bus, CreateOptions, Writer};
    /// # let name = format!("doc-get-{}", std::process::id());
    /// let bus = Bus::<Writer>::create(Backing::Shm, &name, &CreateOptions::new(8, 64))?;
    /// assert_eq!(bus.get("k")?, None);
    /// bus.set("k", b"")?;
    /// assert_eq!(bus.get("k")?.unwrap().bytes, b""); // empty, not absent
    /// # drop(bus); splinter::destroy(Backing::Shm, &name)?;
    /// # Ok::<(), splinter::Error>(())
    /// ```
    pub fn get(&self, key: impl AsKey) -> Result<Option<Value>> {
        key.with_key(|key| self.get_key(key))?
    }

    fn get_key(&self, key: &Key) -> Result<Option<Value>> {
        let mut bytes: Vec<u8> = Vec::with_capacity(128);
        loop {
            let (mut len, mut epoch) = (0usize, 0u64);
            // SAFETY: the library writes at most capacity() bytes at
            // as_mut_ptr(), and only on OK are they used (set_len below).
            let rc = unsafe {
                sys::splinter_get(
                    self.raw.as_ptr(),
                    key.as_ptr(),
                    bytes.as_mut_ptr().cast(),
                    bytes.capacity(),
                    &mut len,
                    &mut epoch,
                )
            };
            match rc {
                sys::SPLINTER_OK => {
                    // SAFETY: on OK the library wrote exactly len <= capacity bytes.
                    unsafe { bytes.set_len(len) };
                    return Ok(Some(Value { bytes, epoch }));
                }
                sys::SPLINTER_E_NOT_FOUND => return Ok(None),
                // len is the size needed now; the value may change again
                // before the next read, hence the loop.
                sys::SPLINTER_E_BUFFER => bytes.reserve_exact(len),
                rc => return Err(Error::from_code(rc)),
            }
        }
    }

    /// Copies the key's current value to the front of `buf`, without
    /// allocating; `None` if the key is absent.
    ///
    /// If `buf` is too small it fails with `BUFFER` and
    /// [`Error::needed_len`] gives the size needed (nothing else is written).
    /// After `AGAIN` or `CORRUPT` the contents of `buf` are unspecified.
    ///
    /// ```
    /// # use splinter::{Backing, Bus, CreateOptions, Writer, Status};
    /// # let name = format!("doc-get-into-{}", std::process::id());
    /// let bus = Bus::<Writer>::create(Backing::Shm, &name, &CreateOptions::new(8, 64))?;
    /// bus.set("k", b"21.5")?;
    /// let mut buf = [0u8; 16];
    /// let found = bus.get_into("k", &mut buf)?.expect("present");
    /// assert_eq!(&buf[..found.len], b"21.5");
    /// assert_eq!(bus.get_into("other", &mut buf)?, None);
    /// assert_eq!(bus.get_into("k", &mut buf[..3]).unwrap_err().status(), Status::Buffer);
    /// # drop(bus); splinter::destroy(Backing::Shm, &name)?;
    /// # Ok::<(), splinter::Error>(())
    /// ```
    #[inline]
    pub fn get_into(&self, key: impl AsKey, buf: &mut [u8]) -> Result<Option<Found>> {
        let (mut len, mut epoch) = (0usize, 0u64);
        let rc = key.with_key(|key| {
            // SAFETY: buf is valid for buf.len() bytes of writes.
            unsafe {
                sys::splinter_get(
                    self.raw.as_ptr(),
                    key.as_ptr(),
                    buf.as_mut_ptr().cast(),
                    buf.len(),
                    &mut len,
                    &mut epoch,
                )
            }
        })?;
        match rc {
            sys::SPLINTER_OK => Ok(Some(Found { len, epoch })),
            sys::SPLINTER_E_NOT_FOUND => Ok(None),
            sys::SPLINTER_E_BUFFER => Err(Error::from_code(rc).with_needed(len)),
            rc => Err(Error::from_code(rc)),
        }
    }

    /// The live keys, in slot order, with each value's length and epoch.
    ///
    /// Not a snapshot: keys set or unset meanwhile may or may not appear, but
    /// every key that stays live throughout appears exactly once. The entries
    /// are collected, then iterated; [`visit`](Bus::visit) walks without
    /// allocating and can stop early.
    ///
    /// ```
    /// # use splinter::{Backing, Bus, CreateOptions, Writer};
    /// # let name = format!("doc-list-{}", std::process::id());
    /// let bus = Bus::<Writer>::create(Backing::Shm, &name, &CreateOptions::new(16, 64))?;
    /// bus.set("a", b"1")?;
    /// bus.set("b", b"22")?;
    /// let mut keys: Vec<_> = bus.list()?.map(|e| (e.key.to_str().unwrap().to_owned(), e.value_len)).collect();
    /// keys.sort();
    /// assert_eq!(keys, [("a".to_owned(), 1), ("b".to_owned(), 2)]);
    /// # drop(bus); splinter::destroy(Backing::Shm, &name)?;
    /// # Ok::<(), splinter::Error>(())
    /// ```
    pub fn list(&self) -> Result<List> {
        let mut entries = Vec::new();
        // The closure never breaks: the walk's outcome is always Continue.
        let _ = self.visit(|e| {
            entries.push(e);
            ControlFlow::Continue(())
        })?;
        Ok(List::new(entries))
    }

    /// Calls `f` once per live key, in slot order, until it returns
    /// `Break`; returns `Break` if it stopped early. No allocation. A panic in
    /// `f` stops the walk and resumes once the library has returned.
    ///
    /// ```
    /// # use splinter::{Backing, Bus, CreateOptions, Writer};
    /// use std::ops::ControlFlow;
    /// # let name = format!("doc-visit-{}", std::process::id());
    /// let bus = Bus::<Writer>::create(Backing::Shm, &name, &CreateOptions::new(16, 64))?;
    /// for k in ["a", "b", "c"] { bus.set(k, b"v")?; }
    /// let mut seen = 0;
    /// let flow = bus.visit(|_entry| {
    ///     seen += 1;
    ///     if seen == 2 { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
    /// })?;
    /// assert_eq!((seen, flow), (2, ControlFlow::Break(())));
    /// # drop(bus); splinter::destroy(Backing::Shm, &name)?;
    /// # Ok::<(), splinter::Error>(())
    /// ```
    pub fn visit<F>(&self, f: F) -> Result<ControlFlow<()>>
    where
        F: FnMut(Entry) -> ControlFlow<()>,
    {
        list::visit(self.raw.as_ptr(), f)
    }

    /// The change feed: every committed mutation with an epoch after
    /// `since`, in epoch order, up to the bus epoch now, and the epoch to
    /// resume from ([`Changes::last`]). Fails with `COMPACTED`
    /// ([`Status::Compacted`]) when the feed no longer holds the change after
    /// `since` (the writer overwrote it: the feed keeps the last
    /// [`Info::change_ring`] changes), or `since` is ahead of the bus:
    /// resynchronise with [`list`](Bus::list) and follow from the bus epoch
    /// read before it. `CORRUPT`: an entry is damaged.
    ///
    /// To follow the bus without missing a change: `let mut last = since;`,
    /// then repeatedly `bus.poll_bus(last, None)?` and
    /// `last = bus.changes(last)?.last` (using the changes on the way).
    ///
    /// ```
    /// # use splinter::{Backing, Bus, CreateOptions, Op, Status, Writer};
    /// # let name = format!("doc-changes-bus-{}", std::process::id());
    /// let opts = CreateOptions::new(8, 64).change_ring(2);
    /// let bus = Bus::<Writer>::create(Backing::Shm, &name, &opts)?;
    /// bus.set("a", b"1")?;
    /// bus.unset("a")?;
    /// let feed = bus.changes(0)?;
    /// assert_eq!(feed.changes.iter().map(|c| (c.epoch, c.op)).collect::<Vec<_>>(), [(1, Op::Set), (2, Op::Unset)]);
    /// assert_eq!(feed.last, 2);
    /// bus.set("b", b"2")?; // the ring holds 2: epoch 1 is gone
    /// assert_eq!(bus.changes(0).unwrap_err().status(), Status::Compacted);
    /// # drop(bus); splinter::destroy(Backing::Shm, &name)?;
    /// # Ok::<(), splinter::Error>(())
    /// ```
    pub fn changes(&self, since: u64) -> Result<Changes> {
        feed::changes(self.raw.as_ptr(), since)
    }

    /// The key's current value and up to [`Info::history_depth`] earlier
    /// ones, newest first, each with the epoch of the set that wrote it: the
    /// values of one moment, each verified against its checksum. Since the
    /// key was last created (an unset ends a history); empty when the key is
    /// absent. Fails with `INVALID`/`KEY_TOO_LONG` (bad key), `AGAIN` (the
    /// writer kept changing the key: retry), `CORRUPT` (a value fails its
    /// checksum).
    ///
    /// ```
    /// # use splinter::{Backing, Bus, CreateOptions, Writer};
    /// # let name = format!("doc-history-{}", std::process::id());
    /// let opts = CreateOptions::new(8, 64).history_depth(1);
    /// let bus = Bus::<Writer>::create(Backing::Shm, &name, &opts)?;
    /// for v in [b"1", b"2", b"3"] { bus.set("k", v)?; }
    /// let h: Vec<_> = bus.history("k")?.into_iter().map(|v| (v.bytes, v.epoch)).collect();
    /// assert_eq!(h, [(b"3".to_vec(), 3), (b"2".to_vec(), 2)]);
    /// assert!(bus.history("absent")?.is_empty());
    /// # drop(bus); splinter::destroy(Backing::Shm, &name)?;
    /// # Ok::<(), splinter::Error>(())
    /// ```
    pub fn history(&self, key: impl AsKey) -> Result<Vec<Value>> {
        key.with_key(|key| feed::history(self.raw.as_ptr(), key))?
    }

    /// Waits until the key's epoch differs from `since`, and returns the
    /// current epoch (0 once the key is absent); `None` when `timeout`
    /// passed first. Returns at once if it already differs.
    ///
    /// `timeout`: `None` waits without limit, `Some(Duration::ZERO)` checks
    /// once; it is rounded up to whole milliseconds. Creation and removal of
    /// the key count as changes. No update can be missed between a get and the
    /// poll that follows it with the epoch that get returned.
    ///
    /// ```
    /// # use splinter::{Backing, Bus, CreateOptions, Reader, Writer};
    /// use std::time::Duration;
    /// # let name = format!("doc-poll-{}", std::process::id());
    /// let writer = Bus::<Writer>::create(Backing::Shm, &name, &CreateOptions::new(8, 64))?;
    /// let reader = Bus::<Reader>::open(Backing::Shm, &name)?;
    /// assert_eq!(reader.poll("k", 0, Some(Duration::ZERO))?, None); // no change yet
    /// std::thread::scope(|s| {
    ///     let waiter = s.spawn(|| reader.poll("k", 0, None));
    ///     let epoch = writer.set("k", b"v").unwrap();
    ///     assert_eq!(waiter.join().unwrap().unwrap(), Some(epoch));
    /// });
    /// # drop((writer, reader)); splinter::destroy(Backing::Shm, &name)?;
    /// # Ok::<(), splinter::Error>(())
    /// ```
    pub fn poll(&self, key: impl AsKey, since: u64, timeout: Option<Duration>) -> Result<Option<u64>> {
        key.with_key(|key| self.poll_raw(key.as_ptr(), since, timeout))?
    }

    /// As [`poll`](Bus::poll), on the bus epoch: waits for any committed set
    /// or unset after `since`.
    ///
    /// ```
    /// # use splinter::{Backing, Bus, CreateOptions, Writer};
    /// use std::time::Duration;
    /// # let name = format!("doc-poll-bus-{}", std::process::id());
    /// let bus = Bus::<Writer>::create(Backing::Shm, &name, &CreateOptions::new(8, 64))?;
    /// let since = bus.epoch();
    /// bus.set("any", b"v")?;
    /// assert_eq!(bus.poll_bus(since, Some(Duration::from_secs(1)))?, Some(since + 1));
    /// # drop(bus); splinter::destroy(Backing::Shm, &name)?;
    /// # Ok::<(), splinter::Error>(())
    /// ```
    pub fn poll_bus(&self, since: u64, timeout: Option<Duration>) -> Result<Option<u64>> {
        self.poll_raw(ptr::null(), since, timeout)
    }

    fn poll_raw(&self, key: *const std::os::raw::c_char, since: u64, timeout: Option<Duration>) -> Result<Option<u64>> {
        let mut epoch = 0u64;
        // SAFETY: key is NULL or a NUL-terminated key that outlives the call.
        let rc = unsafe { sys::splinter_poll(self.raw.as_ptr(), key, since, timeout_ms(timeout), &mut epoch) };
        match rc {
            sys::SPLINTER_OK => Ok(Some(epoch)),
            sys::SPLINTER_E_TIMEOUT => Ok(None),
            rc => Err(Error::from_code(rc)),
        }
    }

    /// The bus epoch: +1 per committed set or unset. No system call.
    ///
    /// ```
    /// # use splinter::{Backing, Bus, CreateOptions, Writer};
    /// # let name = format!("doc-epoch-{}", std::process::id());
    /// let bus = Bus::<Writer>::create(Backing::Shm, &name, &CreateOptions::new(8, 64))?;
    /// assert_eq!(bus.epoch(), 0);
    /// assert_eq!(bus.set("k", b"v")?, 1);
    /// assert_eq!(bus.epoch(), 1);
    /// # drop(bus); splinter::destroy(Backing::Shm, &name)?;
    /// # Ok::<(), splinter::Error>(())
    /// ```
    pub fn epoch(&self) -> u64 {
        // SAFETY: an open handle.
        unsafe { sys::splinter_epoch(self.raw.as_ptr()) }
    }

    /// Describes the bus and this handle (walks the slot table to count).
    ///
    /// ```
    /// # use splinter::{Backing, Bus, CreateOptions, Reader, RoleKind, Writer};
    /// # let name = format!("doc-info-r-{}", std::process::id());
    /// # let w = Bus::<Writer>::create(Backing::Shm, &name, &CreateOptions::new(8, 64))?;
    /// let reader = Bus::<Reader>::open(Backing::Shm, &name)?;
    /// assert_eq!(reader.info()?.role, RoleKind::Reader);
    /// # drop((w, reader)); splinter::destroy(Backing::Shm, &name)?;
    /// # Ok::<(), splinter::Error>(())
    /// ```
    pub fn info(&self) -> Result<Info> {
        let mut raw = MaybeUninit::<sys::splinter_info>::zeroed();
        // SAFETY: valid out-pointer; the library fills it on OK.
        status(unsafe { sys::splinter_info_get(self.raw.as_ptr(), raw.as_mut_ptr()) })?;
        // SAFETY: zero-initialised plain integers, filled by the library.
        let i = unsafe { raw.assume_init() };
        let backing = Backing::from_raw(i.backing)
            .ok_or_else(|| Error::binding(Status::Unknown(0), format!("info: unknown backing {}", i.backing)))?;
        let role = match i.role {
            sys::SPLINTER_READER => RoleKind::Reader,
            sys::SPLINTER_WRITER => RoleKind::Writer,
            r => return Err(Error::binding(Status::Unknown(0), format!("info: unknown role {}", r))),
        };
        Ok(Info {
            format_version: i.format_version,
            backing,
            role,
            slots: i.slots,
            max_value_size: i.max_value_size,
            live_keys: i.live_keys,
            tombstones: i.tombstones,
            longest_probe: i.longest_probe,
            region_size: i.region_size,
            bus_epoch: i.bus_epoch,
            writer_pid: u32::try_from(i.writer_pid).ok().filter(|&p| p != 0),
            waiters: i.waiters,
            change_ring: i.change_ring,
            history_depth: i.history_depth,
            probe_limit: i.probe_limit,
            feed_oldest: Some(i.feed_oldest).filter(|&e| e != 0),
        })
    }

    /// Validates a snapshot of this handle's mapping against every rule of
    /// docs/FORMAT.md (as [`check`](crate::check()) by name). `&mut self`:
    /// splinter.h does not list it among the calls safe concurrently with
    /// others on one handle.
    ///
    /// ```
    /// # use splinter::{Backing, Bus, CreateOptions, Writer};
    /// # let name = format!("doc-check-bus-{}", std::process::id());
    /// let mut bus = Bus::<Writer>::create(Backing::Shm, &name, &CreateOptions::new(8, 64))?;
    /// bus.set("k", b"v")?;
    /// assert!(bus.check()?.is_clean());
    /// # drop(bus); splinter::destroy(Backing::Shm, &name)?;
    /// # Ok::<(), splinter::Error>(())
    /// ```
    pub fn check(&mut self) -> Result<Report> {
        let raw = self.raw.as_ptr();
        check::run(|f, ctx, out| {
            // SAFETY: an open handle, a callback and its context, an out-pointer.
            unsafe { sys::splinter_check_bus(raw, f, ctx, out) }
        })
    }

    /// How long a poll on this handle spins re-checking before it sleeps in
    /// the kernel (zero: never; until it is called, adaptive: a poll spins
    /// briefly only while the writer outpaces it, see `splinter_set_spin`).
    /// Lower wake latency, a busy core meanwhile. At most one second (`INVALID` otherwise); rounded up to
    /// whole microseconds. `&mut self`: a poll in another thread reads the
    /// budget unsynchronised.
    ///
    /// ```
    /// # use splinter::{Backing, Bus, CreateOptions, Status, Writer};
    /// use std::time::Duration;
    /// # let name = format!("doc-spin-{}", std::process::id());
    /// let mut bus = Bus::<Writer>::create(Backing::Shm, &name, &CreateOptions::new(8, 64))?;
    /// bus.set_spin(Duration::from_micros(50))?;
    /// assert_eq!(bus.set_spin(Duration::from_secs(2)).unwrap_err().status(), Status::Invalid);
    /// # drop(bus); splinter::destroy(Backing::Shm, &name)?;
    /// # Ok::<(), splinter::Error>(())
    /// ```
    pub fn set_spin(&mut self, budget: Duration) -> Result<()> {
        let us = budget.as_micros() + u128::from(budget.subsec_nanos() % 1_000 != 0);
        let us = u32::try_from(us).unwrap_or(u32::MAX);
        // SAFETY: an open handle, borrowed exclusively.
        status(unsafe { sys::splinter_set_spin(self.raw.as_ptr(), us) })
    }

    /// The C handle, for calls of [`sys`](crate::sys) this API does not wrap.
    /// It stays owned by `self`: do not close it, and keep to the role and
    /// thread rules of splinter.h.
    ///
    /// ```
    /// # use splinter::{Backing, Bus, CreateOptions, Reader, Status, Writer, Error, sys};
    /// # let name = format!("doc-raw-{}", std::process::id());
    /// # let w = Bus::<Writer>::create(Backing::Shm, &name, &CreateOptions::new(8, 64))?;
    /// let reader = Bus::<Reader>::open(Backing::Shm, &name)?;
    /// // What the types forbid, the library refuses too:
    /// // SAFETY: an open handle and a NUL-terminated key.
    /// let rc = unsafe { sys::splinter_set(reader.as_raw(), b"k\0".as_ptr().cast(), std::ptr::null(), 0, std::ptr::null_mut()) };
    /// assert_eq!(Error::from_code(rc).status(), Status::ReadOnly);
    /// # drop((w, reader)); splinter::destroy(Backing::Shm, &name)?;
    /// # Ok::<(), splinter::Error>(())
    /// ```
    pub fn as_raw(&self) -> *mut sys::splinter_bus {
        self.raw.as_ptr()
    }
}

impl Bus<Writer> {
    /// Creates a new bus and returns its writer handle.
    ///
    /// `name`: for [`Backing::Shm`] one path component (at most
    /// `SPLINTER_SHM_NAME_MAX` bytes); for [`Backing::File`] a path. The bus
    /// becomes visible only once fully initialised; an existing one is never
    /// touched (`EXISTS`). Other failures: `INVALID` (geometry, name),
    /// `SYSTEM`.
    ///
    /// ```
    /// use splinter::{Backing, Bus, CreateOptions, Status, Writer};
    /// let path = std::env::temp_dir().join(format!("doc-create-{}.bus", std::process::id()));
    /// let bus = Bus::<Writer>::create(Backing::File, &path, &CreateOptions::new(128, 1024))?;
    /// let again = Bus::<Writer>::create(Backing::File, &path, &CreateOptions::new(128, 1024));
    /// assert_eq!(again.unwrap_err().status(), Status::Exists);
    /// # drop(bus); splinter::destroy(Backing::File, &path)?;
    /// # Ok::<(), splinter::Error>(())
    /// ```
    pub fn create(backing: Backing, name: impl AsRef<OsStr>, options: &CreateOptions) -> Result<Bus<Writer>> {
        let name = c_name(name.as_ref())?;
        let mut raw = ptr::null_mut();
        let opts = sys::splinter_options {
            size: std::mem::size_of::<sys::splinter_options>() as u32,
            slots: options.slots,
            max_value_size: options.max_value_size,
            mode: options.mode,
            change_ring: options.change_ring,
            history_depth: options.history_depth,
        };
        // SAFETY: valid out-pointer, NUL-terminated name, a filled options struct.
        status(unsafe { sys::splinter_create_ex(&mut raw, backing.raw(), name.as_ptr(), &opts) })?;
        Ok(Bus::from_raw(raw))
    }

    /// Sets the key to `value` and returns the new epoch. Committed and
    /// visible to every reader on return.
    ///
    /// Fails with `INVALID`/`KEY_TOO_LONG` (bad key), `TOO_LARGE` (over
    /// `max_value_size`), `FULL` (a new key with every slot live), `CORRUPT`.
    ///
    /// ```
    /// # use splinter::{Backing, Bus, CreateOptions, Status, Writer};
    /// # let name = format!("doc-set-{}", std::process::id());
    /// let bus = Bus::<Writer>::create(Backing::Shm, &name, &CreateOptions::new(1, 4))?;
    /// assert_eq!(bus.set("k", b"1234")?, 1);
    /// assert_eq!(bus.set("k", b"12345").unwrap_err().status(), Status::TooLarge);
    /// assert_eq!(bus.set("other", b"").unwrap_err().status(), Status::Full);
    /// # drop(bus); splinter::destroy(Backing::Shm, &name)?;
    /// # Ok::<(), splinter::Error>(())
    /// ```
    #[inline]
    pub fn set(&self, key: impl AsKey, value: impl AsRef<[u8]>) -> Result<u64> {
        let value = value.as_ref();
        let mut epoch = 0u64;
        let rc = key.with_key(|key| {
            // SAFETY: value is valid for value.len() bytes; mutations on a
            // writer handle may run from many threads (they serialise inside).
            unsafe {
                sys::splinter_set(self.raw.as_ptr(), key.as_ptr(), value.as_ptr().cast(), value.len(), &mut epoch)
            }
        })?;
        status(rc)?;
        Ok(epoch)
    }

    /// Removes the key and returns the epoch of the removal; `None` if it was
    /// absent (nothing changed).
    ///
    /// ```
    /// # use splinter::{Backing, Bus, CreateOptions, Writer};
    /// # let name = format!("doc-unset-{}", std::process::id());
    /// let bus = Bus::<Writer>::create(Backing::Shm, &name, &CreateOptions::new(8, 8))?;
    /// bus.set("k", b"v")?;
    /// assert_eq!(bus.unset("k")?, Some(2));
    /// assert_eq!(bus.unset("k")?, None);
    /// assert_eq!(bus.epoch(), 2);
    /// # drop(bus); splinter::destroy(Backing::Shm, &name)?;
    /// # Ok::<(), splinter::Error>(())
    /// ```
    pub fn unset(&self, key: impl AsKey) -> Result<Option<u64>> {
        let mut epoch = 0u64;
        // SAFETY: as for set.
        let rc = key.with_key(|key| unsafe { sys::splinter_unset(self.raw.as_ptr(), key.as_ptr(), &mut epoch) })?;
        match rc {
            sys::SPLINTER_OK => Ok(Some(epoch)),
            sys::SPLINTER_E_NOT_FOUND => Ok(None),
            rc => Err(Error::from_code(rc)),
        }
    }

    /// Makes every committed mutation durable (msync); nothing to do for a
    /// shared-memory bus.
    ///
    /// ```
    /// # use splinter::{Backing, Bus, CreateOptions, Writer};
    /// let path = std::env::temp_dir().join(format!("doc-flush-{}.bus", std::process::id()));
    /// let bus = Bus::<Writer>::create(Backing::File, &path, &CreateOptions::new(8, 8))?;
    /// bus.set("k", b"v")?;
    /// bus.flush()?;
    /// # drop(bus); splinter::destroy(Backing::File, &path)?;
    /// # Ok::<(), splinter::Error>(())
    /// ```
    pub fn flush(&self) -> Result<()> {
        // SAFETY: an open writer handle; flush is a mutation (serialised).
        status(unsafe { sys::splinter_flush(self.raw.as_ptr()) })
    }
}

/// Removes the bus's name. Open handles keep working on the unnamed bus
/// until closed. Refuses what is not a splinter bus (`CORRUPT`, `VERSION`)
/// and a bus a live writer holds (`BUSY`); `NO_BUS` if there is none.
///
/// ```
/// use splinter::{Backing, Bus, CreateOptions, Reader, Status, Writer};
/// # let name = format!("doc-destroy-{}", std::process::id());
/// drop(Bus::<Writer>::create(Backing::Shm, &name, &CreateOptions::new(8, 8))?);
/// splinter::destroy(Backing::Shm, &name)?;
/// assert_eq!(Bus::<Reader>::open(Backing::Shm, &name).unwrap_err().status(), Status::NoBus);
/// assert_eq!(splinter::destroy(Backing::Shm, &name).unwrap_err().status(), Status::NoBus);
/// # Ok::<(), splinter::Error>(())
/// ```
pub fn destroy(backing: Backing, name: impl AsRef<OsStr>) -> Result<()> {
    let name = c_name(name.as_ref())?;
    // SAFETY: NUL-terminated name.
    status(unsafe { sys::splinter_destroy(backing.raw(), name.as_ptr()) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_round_up_to_whole_milliseconds() {
        assert_eq!(timeout_ms(None), -1);
        assert_eq!(timeout_ms(Some(Duration::ZERO)), 0);
        assert_eq!(timeout_ms(Some(Duration::from_micros(1))), 1);
        assert_eq!(timeout_ms(Some(Duration::from_millis(1500))), 1500);
        assert_eq!(timeout_ms(Some(Duration::new(1, 1))), 1001);
        assert_eq!(timeout_ms(Some(Duration::MAX)), i64::MAX);
    }

    #[test]
    fn names_with_nul_are_invalid() {
        assert_eq!(c_name(OsStr::new("a\0b")).unwrap_err().status(), Status::Invalid);
    }

    #[test]
    fn handles_are_send_and_sync() {
        fn both<T: Send + Sync>() {}
        both::<Bus<Reader>>();
        both::<Bus<Writer>>();
        both::<Error>();
    }
}
