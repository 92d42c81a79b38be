//! Prepared keys (`splinter_key`): a key validated and hashed once by the
//! library, for the calls of a hot loop.
use crate::bus::{timeout_ms, Bus, Found, Role, Writer};
use crate::error::{status, Error, Result};
use crate::key::AsKey;
use crate::sys;
use std::fmt;
use std::time::Duration;

/// A key prepared once by the library (`splinter_key_init`): its bytes, its
/// hash and a check word, 80 bytes of plain data. The `*_prepared` calls of
/// [`Bus`] take it in place of a key and skip the key's validation and
/// hashing. It is `Copy`, serves every bus (of this format version) and any
/// thread; the library re-checks it on every use and refuses a garbled one
/// with `INVALID`.
///
/// ```
/// use splinter::{Backing, Bus, CreateOptions, PreparedKey, Status, Writer};
/// # let name = format!("doc-prepared-{}", std::process::id());
/// let bus = Bus::<Writer>::create(Backing::Shm, &name, &CreateOptions::new(8, 64))?;
/// let key = PreparedKey::new("temp/kitchen")?;
/// let epoch = bus.set_prepared(&key, b"21.5")?;
/// let mut buf = [0u8; 16];
/// let found = bus.get_into_prepared(&key, &mut buf)?.expect("present");
/// assert_eq!((&buf[..found.len], found.epoch), (&b"21.5"[..], epoch));
/// assert_eq!(bus.get("temp/kitchen")?.unwrap().bytes, b"21.5"); // the same key
/// assert_eq!(bus.poll_prepared(&key, 0, None)?, Some(epoch));
/// assert_eq!(bus.unset_prepared(&key)?, Some(epoch + 1));
/// assert_eq!(bus.get_into_prepared(&key, &mut buf)?, None);
/// assert_eq!(PreparedKey::new("").unwrap_err().status(), Status::Invalid);
/// # drop(bus); splinter::destroy(Backing::Shm, &name)?;
/// # Ok::<(), splinter::Error>(())
/// ```
#[derive(Clone, Copy)]
pub struct PreparedKey {
    raw: sys::splinter_key,
}

impl PreparedKey {
    /// Validates and prepares `key` (statuses as [`Key::new`](crate::Key::new)).
    pub fn new(key: impl AsKey) -> Result<PreparedKey> {
        let mut raw = sys::splinter_key { opaque: [0; 10] };
        // SAFETY: raw is writable; the key is NUL-terminated and outlives the call.
        let rc = key.with_key(|k| unsafe { sys::splinter_key_init(&mut raw, k.as_ptr()) })?;
        status(rc)?;
        Ok(PreparedKey { raw })
    }

    /// The C form, for code that mixes this binding with the C ABI.
    pub fn as_raw(&self) -> &sys::splinter_key {
        &self.raw
    }

    /// From the C form (`splinter_key_init`); checked when used.
    pub fn from_raw(raw: sys::splinter_key) -> PreparedKey {
        PreparedKey { raw }
    }
}

impl fmt::Debug for PreparedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PreparedKey(..)")
    }
}

impl<R: Role> Bus<R> {
    /// As [`get_into`](Bus::get_into), with a prepared key (`splinter_get_k`).
    pub fn get_into_prepared(&self, key: &PreparedKey, buf: &mut [u8]) -> Result<Option<Found>> {
        let (mut len, mut epoch) = (0usize, 0u64);
        // SAFETY: buf is valid for buf.len() bytes of writes; key is plain data.
        let rc = unsafe {
            sys::splinter_get_k(self.raw.as_ptr(), &key.raw, buf.as_mut_ptr().cast(), buf.len(), &mut len, &mut epoch)
        };
        match rc {
            sys::SPLINTER_OK => Ok(Some(Found { len, epoch })),
            sys::SPLINTER_E_NOT_FOUND => Ok(None),
            sys::SPLINTER_E_BUFFER => Err(Error::from_code(rc).with_needed(len)),
            rc => Err(Error::from_code(rc)),
        }
    }

    /// As [`poll`](Bus::poll), with a prepared key (`splinter_poll_k`).
    pub fn poll_prepared(&self, key: &PreparedKey, since: u64, timeout: Option<Duration>) -> Result<Option<u64>> {
        let mut epoch = 0u64;
        // SAFETY: an open handle; key is plain data.
        let rc = unsafe { sys::splinter_poll_k(self.raw.as_ptr(), &key.raw, since, timeout_ms(timeout), &mut epoch) };
        match rc {
            sys::SPLINTER_OK => Ok(Some(epoch)),
            sys::SPLINTER_E_TIMEOUT => Ok(None),
            rc => Err(Error::from_code(rc)),
        }
    }
}

impl Bus<Writer> {
    /// As [`set`](Bus::set), with a prepared key (`splinter_set_k`).
    pub fn set_prepared(&self, key: &PreparedKey, value: impl AsRef<[u8]>) -> Result<u64> {
        let value = value.as_ref();
        let mut epoch = 0u64;
        // SAFETY: value is valid for value.len() bytes; mutations serialise inside the handle.
        let rc = unsafe {
            sys::splinter_set_k(self.raw.as_ptr(), &key.raw, value.as_ptr().cast(), value.len(), &mut epoch)
        };
        status(rc)?;
        Ok(epoch)
    }

    /// As [`unset`](Bus::unset), with a prepared key (`splinter_unset_k`).
    pub fn unset_prepared(&self, key: &PreparedKey) -> Result<Option<u64>> {
        let mut epoch = 0u64;
        // SAFETY: as for set_prepared.
        let rc = unsafe { sys::splinter_unset_k(self.raw.as_ptr(), &key.raw, &mut epoch) };
        match rc {
            sys::SPLINTER_OK => Ok(Some(epoch)),
            sys::SPLINTER_E_NOT_FOUND => Ok(None),
            rc => Err(Error::from_code(rc)),
        }
    }
}
