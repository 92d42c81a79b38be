//! Splinter for Rust: a safe binding of the shared-memory key/value bus.
//!
//! A bus is a table of slots in one memory-mapped region (POSIX shared
//! memory or a file). Exactly one writer handle at a time, in any process,
//! mutates it; any number of reader handles in any number of processes read
//! it without locks, never torn, and can block until a key changes. The C
//! header `include/splinter/splinter.h` specifies every operation; this crate
//! wraps it without changing its meaning:
//!
//! - roles are types: [`Bus<Reader>`](Bus) reads, [`Bus<Writer>`](Bus) also
//!   mutates; a reader has no `set` to call;
//! - dropping a handle closes it;
//! - keys are validated once ([`Key`]), or on each call when passed as
//!   `&str`/`&[u8]`;
//! - absence is not an error: [`Bus::get`] gives `Ok(None)`, and so do
//!   [`Bus::unset`] of an absent key and a [`Bus::poll`] that times out;
//! - every failure is an [`Error`] with its [`Status`] and the library's
//!   one-line reason.
//!
//! ```
//! use splinter::{Backing, Bus, CreateOptions, Reader, Writer};
//! use std::time::Duration;
//!
//! # let name = format!("doc-crate-{}", std::process::id());
//! let writer = Bus::<Writer>::create(Backing::Shm, &name, &CreateOptions::new(1024, 256))?;
//! let epoch = writer.set("temp/kitchen", b"21.5")?;
//!
//! // Any process: any number of readers.
//! let reader = Bus::<Reader>::open(Backing::Shm, &name)?;
//! let value = reader.get("temp/kitchen")?.expect("just set");
//! assert_eq!((value.bytes.as_slice(), value.epoch), (&b"21.5"[..], epoch));
//!
//! // Block until the key changes (here it already has: returns at once).
//! writer.set("temp/kitchen", b"22.0")?;
//! let newer = reader.poll("temp/kitchen", epoch, Some(Duration::from_secs(1)))?;
//! assert_eq!(newer, Some(epoch + 1));
//!
//! for entry in reader.list()? {
//!     println!("{}: {} bytes", entry.key, entry.value_len);
//! }
//! drop((writer, reader));
//! splinter::destroy(Backing::Shm, &name)?;
//! # Ok::<(), splinter::Error>(())
//! ```
//!
//! The raw C declarations are in [`sys`], generated from the header.
#![warn(missing_docs, missing_debug_implementations, unsafe_op_in_unsafe_fn)]

mod bus;
mod check;
mod error;
mod feed;
mod key;
mod list;
mod prepared;
pub mod sys;
mod ttl;

pub use crate::bus::{
    destroy, Backing, Bus, CreateOptions, Found, Info, Reader, Role, RoleKind, Value, Writer,
};
pub use crate::check::{check, recover, Finding, Fix, Report, Severity};
pub use crate::error::{Error, Result, Status};
pub use crate::feed::{Change, Changes, Op};
pub use crate::key::{AsKey, Key, KEY_MAX};
pub use crate::list::{Entry, List};
pub use crate::prepared::PreparedKey;
pub use crate::ttl::{Ttl, TTL_MAX};

/// The on-region format version this binding's library reads and writes
/// (`SPLINTER_FORMAT_VERSION`).
///
/// ```
/// assert_eq!(splinter::FORMAT_VERSION, 5);
/// ```
pub const FORMAT_VERSION: u32 = sys::SPLINTER_FORMAT_VERSION;

/// The most earlier values a bus keeps per key
/// ([`CreateOptions::history_depth`], `SPLINTER_HISTORY_MAX`).
///
/// ```
/// assert_eq!(splinter::HISTORY_MAX, 62);
/// ```
pub const HISTORY_MAX: u32 = sys::SPLINTER_HISTORY_MAX;

/// The most entries of a change feed ([`CreateOptions::change_ring`],
/// `SPLINTER_RING_MAX`).
///
/// ```
/// assert_eq!(splinter::RING_MAX, 1 << 24);
/// ```
pub const RING_MAX: u32 = sys::SPLINTER_RING_MAX;

/// The version of the libsplinter loaded at run time (`splinter_version`),
/// e.g. `"1.0.0"`.
///
/// ```
/// let v = splinter::library_version();
/// assert_eq!(v.split('.').count(), 3);
/// ```
pub fn library_version() -> &'static str {
    // SAFETY: splinter_version returns a static NUL-terminated string.
    let v = unsafe { std::ffi::CStr::from_ptr(sys::splinter_version()) };
    v.to_str().unwrap_or("")
}
