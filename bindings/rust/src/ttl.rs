//! Keys that expire (`splinter_set_ttl`, `splinter_ttl`, `splinter_expire`;
//! "Expiry" in `splinter.h`): from its deadline on a key is absent to every
//! reader; the writer removes expired keys lazily and on [`Bus::expire`].
use crate::bus::{Bus, Role, Writer};
use crate::error::{status, Error, Result, Status};
use crate::key::AsKey;
use crate::sys;
use std::time::Duration;

/// The longest time to live [`Bus::set_ttl`] accepts (`SPLINTER_TTL_MAX_MS`,
/// 2^40 ms, about 35 years).
///
/// ```
/// assert_eq!(splinter::TTL_MAX.as_millis(), 1 << 40);
/// ```
pub const TTL_MAX: Duration = Duration::from_millis(1 << 40);

/// What [`Bus::ttl`] says of a live key: whether, and when, it expires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ttl {
    /// The key has no deadline (a plain [`set`](Bus::set)).
    Never,
    /// The key expires in this long (at least 1 ms; whole milliseconds).
    Left(Duration),
}

/// A ttl as the library's milliseconds: sub-millisecond parts round up, so a
/// non-zero ttl never becomes 0 ("no deadline"). Zero and above [`TTL_MAX`]
/// are refused with `INVALID` before the call.
fn ttl_ms(ttl: Duration) -> Result<u64> {
    if ttl.is_zero() {
        return Err(Error::binding(Status::Invalid, "a ttl of zero: use set for a key that never expires"));
    }
    if ttl > TTL_MAX {
        return Err(Error::binding(Status::Invalid, format!("ttl {:?} is above TTL_MAX (2^40 ms)", ttl)));
    }
    let ms = ttl.as_millis() + u128::from(ttl.subsec_nanos() % 1_000_000 != 0);
    Ok(ms as u64) // at most 2^40 + 1, checked above
}

impl<R: Role> Bus<R> {
    /// The key's remaining time to live: [`Ttl::Left`] (whole ms, at least
    /// 1), [`Ttl::Never`] for a key without deadline, `None` if the key is
    /// absent or expired (also before the writer removed it). Reads no value
    /// bytes.
    ///
    /// ```
    /// use splinter::{Backing, Bus, CreateOptions, Ttl, Writer};
    /// use std::time::Duration;
    /// # let name = format!("doc-ttl-{}", std::process::id());
    /// let bus = Bus::<Writer>::create(Backing::Shm, &name, &CreateOptions::new(8, 64))?;
    /// bus.set("plain", b"v")?;
    /// bus.set_ttl("lease", b"v", Duration::from_secs(3600))?;
    /// assert_eq!(bus.ttl("plain")?, Some(Ttl::Never));
    /// assert!(matches!(bus.ttl("lease")?, Some(Ttl::Left(d)) if d <= Duration::from_secs(3600)));
    /// assert_eq!(bus.ttl("absent")?, None);
    /// # drop(bus); splinter::destroy(Backing::Shm, &name)?;
    /// # Ok::<(), splinter::Error>(())
    /// ```
    pub fn ttl(&self, key: impl AsKey) -> Result<Option<Ttl>> {
        let mut ms = 0u64;
        // SAFETY: an open handle; the key is NUL-terminated and outlives the call.
        let rc = key.with_key(|key| unsafe { sys::splinter_ttl(self.as_raw(), key.as_ptr(), &mut ms) })?;
        match rc {
            sys::SPLINTER_OK if ms == u64::MAX => Ok(Some(Ttl::Never)),
            sys::SPLINTER_OK => Ok(Some(Ttl::Left(Duration::from_millis(ms)))),
            sys::SPLINTER_E_NOT_FOUND => Ok(None),
            rc => Err(Error::from_code(rc)),
        }
    }
}

impl Bus<Writer> {
    /// As [`set`](Bus::set), and the key expires `ttl` from now (rounded up
    /// to the millisecond): from then on it is absent to every reader. A later
    /// `set_ttl` replaces the deadline, a plain `set` clears it. A zero `ttl`
    /// or one above [`TTL_MAX`] fails with `INVALID`.
    ///
    /// ```
    /// use splinter::{Backing, Bus, CreateOptions, Status, Writer};
    /// use std::time::Duration;
    /// # let name = format!("doc-set-ttl-{}", std::process::id());
    /// let bus = Bus::<Writer>::create(Backing::Shm, &name, &CreateOptions::new(8, 64))?;
    /// let epoch = bus.set_ttl("lease", b"v", Duration::from_millis(1))?;
    /// assert_eq!(bus.poll("lease", epoch, None)?, Some(0)); // wakes at the deadline: absent
    /// assert_eq!(bus.get("lease")?, None);
    /// assert_eq!(bus.set_ttl("k", b"v", Duration::ZERO).unwrap_err().status(), Status::Invalid);
    /// # drop(bus); splinter::destroy(Backing::Shm, &name)?;
    /// # Ok::<(), splinter::Error>(())
    /// ```
    pub fn set_ttl(&self, key: impl AsKey, value: impl AsRef<[u8]>, ttl: Duration) -> Result<u64> {
        let ms = ttl_ms(ttl)?;
        let value = value.as_ref();
        let mut epoch = 0u64;
        let rc = key.with_key(|key| {
            // SAFETY: value is valid for value.len() bytes; mutations serialise inside the handle.
            unsafe {
                sys::splinter_set_ttl(self.as_raw(), key.as_ptr(), value.as_ptr().cast(), value.len(), ms, &mut epoch)
            }
        })?;
        status(rc)?;
        Ok(epoch)
    }

    /// Removes up to `max` expired keys now (0: all of them), each a mutation
    /// of its own ([`Op::Expire`](crate::Op::Expire) in the change feed), and
    /// returns how many. Expired keys are absent to readers anyway: call it on
    /// a timer when the writer is otherwise idle and followers need the feed
    /// current.
    ///
    /// ```
    /// use splinter::{Backing, Bus, CreateOptions, Writer};
    /// use std::time::Duration;
    /// # let name = format!("doc-expire-{}", std::process::id());
    /// let bus = Bus::<Writer>::create(Backing::Shm, &name, &CreateOptions::new(8, 64))?;
    /// let epoch = bus.set_ttl("lease", b"v", Duration::from_millis(1))?;
    /// bus.poll("lease", epoch, None)?; // until it has expired
    /// assert_eq!(bus.expire(0)?, 1);
    /// assert_eq!(bus.expire(0)?, 0);
    /// # drop(bus); splinter::destroy(Backing::Shm, &name)?;
    /// # Ok::<(), splinter::Error>(())
    /// ```
    pub fn expire(&self, max: u32) -> Result<u32> {
        let mut removed = 0u32;
        // SAFETY: an open writer handle; expire is a mutation (serialised).
        status(unsafe { sys::splinter_expire(self.as_raw(), max, &mut removed) })?;
        Ok(removed)
    }
}
