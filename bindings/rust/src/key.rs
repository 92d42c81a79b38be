//! Keys: validated once, kept NUL-terminated inline (no allocation).
use crate::error::{Error, Result, Status};
use crate::sys;
use std::borrow::Borrow;
use std::ffi::CStr;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::os::raw::c_char;
use std::str::FromStr;

/// The longest key, in bytes (`SPLINTER_KEY_MAX`).
///
/// ```
/// assert!(splinter::Key::new("k".repeat(splinter::KEY_MAX)).is_ok());
/// ```
pub const KEY_MAX: usize = sys::SPLINTER_KEY_MAX as usize;

/// A validated key: 1..=[`KEY_MAX`] bytes, any byte but NUL.
///
/// Build it once with [`Key::new`] and pass it to every call that takes a
/// key: it is not checked or copied again. It lives on the stack (64 bytes),
/// is `Copy`, and is what [`Bus::list`](crate::Bus::list) yields, so a listed
/// key can be read back without conversion. Calls also take `&str`, `&[u8]`
/// and friends directly ([`AsKey`]); those are validated on each call.
///
/// Validation gives the statuses the library would: `INVALID` for an empty key
/// or one containing a NUL byte (the C ABI takes NUL-terminated keys, so the
/// binding refuses what the library would see cut short), `KEY_TOO_LONG` past
/// [`KEY_MAX`] bytes. Keys are bytes: a `&str` key is its UTF-8 encoding.
///
/// ```
/// use splinter::{Key, Status};
///
/// let key = Key::new("temp/kitchen")?;
/// assert_eq!(key.as_bytes(), b"temp/kitchen");
/// assert_eq!(key.to_str(), Some("temp/kitchen"));
/// assert_eq!(Key::new([0xff, 0x01])?.to_str(), None); // any byte but NUL
/// assert_eq!(Key::new("x".repeat(64)).unwrap_err().status(), Status::KeyTooLong);
/// # Ok::<(), splinter::Error>(())
/// ```
#[derive(Clone, Copy)]
pub struct Key {
    // The bytes, then a NUL, then zeros: always a valid C string.
    buf: [u8; KEY_MAX + 1],
    len: u8,
}

impl Key {
    /// Validates `bytes` as a key.
    ///
    /// ```
    /// use splinter::{Key, Status};
    /// assert!(Key::new(b"sensor/7").is_ok());
    /// assert_eq!(Key::new("").unwrap_err().status(), Status::Invalid);
    /// assert_eq!(Key::new("a\0b").unwrap_err().status(), Status::Invalid);
    /// ```
    #[inline]
    pub fn new(bytes: impl AsRef<[u8]>) -> Result<Key> {
        let bytes = bytes.as_ref();
        // The order of the checks is the Python binding's and the library's:
        // a NUL anywhere is INVALID whatever the length.
        if bytes.contains(&0) {
            return Err(Error::binding(Status::Invalid, "key contains a NUL byte"));
        }
        if bytes.is_empty() {
            return Err(Error::binding(Status::Invalid, "empty key"));
        }
        if bytes.len() > KEY_MAX {
            return Err(Error::binding(
                Status::KeyTooLong,
                format!("key of {} bytes is longer than {} bytes", bytes.len(), KEY_MAX),
            ));
        }
        let mut buf = [0u8; KEY_MAX + 1];
        buf[..bytes.len()].copy_from_slice(bytes);
        Ok(Key { buf, len: bytes.len() as u8 })
    }

    /// The key's bytes (without the terminating NUL).
    ///
    /// ```
    /// assert_eq!(splinter::Key::new("k1")?.as_bytes(), b"k1");
    /// # Ok::<(), splinter::Error>(())
    /// ```
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..usize::from(self.len)]
    }

    /// The key as text, if its bytes are UTF-8.
    ///
    /// ```
    /// assert_eq!(splinter::Key::new("ключ")?.to_str(), Some("ключ"));
    /// # Ok::<(), splinter::Error>(())
    /// ```
    pub fn to_str(&self) -> Option<&str> {
        std::str::from_utf8(self.as_bytes()).ok()
    }

    /// The key as the NUL-terminated string the C ABI takes.
    ///
    /// ```
    /// assert_eq!(splinter::Key::new("k")?.as_c_str().to_bytes_with_nul(), b"k\0");
    /// # Ok::<(), splinter::Error>(())
    /// ```
    pub fn as_c_str(&self) -> &CStr {
        // SAFETY: buf holds len non-NUL bytes followed by a NUL (Key::new).
        unsafe { CStr::from_bytes_with_nul_unchecked(&self.buf[..=usize::from(self.len)]) }
    }

    #[inline]
    pub(crate) fn as_ptr(&self) -> *const c_char {
        self.buf.as_ptr().cast()
    }
}

impl AsRef<[u8]> for Key {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

// Borrow<[u8]> is sound: Eq, Ord and Hash are those of the bytes.
impl Borrow<[u8]> for Key {
    fn borrow(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}
impl Eq for Key {}
impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Key) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Key {
    fn cmp(&self, other: &Key) -> std::cmp::Ordering {
        self.as_bytes().cmp(other.as_bytes())
    }
}
impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state);
    }
}
impl PartialEq<[u8]> for Key {
    fn eq(&self, other: &[u8]) -> bool {
        self.as_bytes() == other
    }
}
impl PartialEq<str> for Key {
    fn eq(&self, other: &str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}
impl PartialEq<&str> for Key {
    fn eq(&self, other: &&str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Key(\"{}\")", self.as_bytes().escape_ascii())
    }
}

/// The key's bytes, non-ASCII and control bytes escaped (`\xff`, `\n`).
impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.as_bytes().escape_ascii())
    }
}

impl FromStr for Key {
    type Err = Error;
    fn from_str(s: &str) -> Result<Key> {
        Key::new(s)
    }
}

impl TryFrom<&str> for Key {
    type Error = Error;
    fn try_from(s: &str) -> Result<Key> {
        Key::new(s)
    }
}

impl TryFrom<&[u8]> for Key {
    type Error = Error;
    fn try_from(b: &[u8]) -> Result<Key> {
        Key::new(b)
    }
}

mod private {
    pub trait Sealed {}
}

/// Anything a call accepts as a key: a [`Key`] (used as it is) or bytes to
/// validate on the call (`&str`, `String`, `&[u8]`, `Vec<u8>`, `&[u8; N]`).
///
/// Sealed: the binding decides how each kind reaches the C ABI (when the C
/// ABI grows prepared keys, a [`Key`] will carry one).
///
/// ```
/// use splinter::{Backing, Bus, CreateOptions, Key, Writer};
/// # let name = format!("doc-askey-{}", std::process::id());
/// let bus = Bus::<Writer>::create(Backing::Shm, &name, &CreateOptions::new(16, 64))?;
/// let key = Key::new("k")?;
/// bus.set(&key, b"1")?;                   // a prepared Key
/// bus.set("k", b"2")?;                    // &str
/// bus.set(String::from("k"), b"3")?;      // String
/// bus.set(b"k", b"4")?;                   // &[u8; N]
/// bus.set(&b"k"[..], b"5")?;              // &[u8]
/// assert_eq!(bus.get(key)?.unwrap().bytes, b"5");
/// # drop(bus); splinter::destroy(Backing::Shm, &name)?;
/// # Ok::<(), splinter::Error>(())
/// ```
pub trait AsKey: private::Sealed {
    /// Calls `f` with the validated key: `self` when it is a [`Key`], one
    /// built on the stack otherwise (no copy of a [`Key`] is made: the hot
    /// path of a call is then the C call alone).
    #[doc(hidden)]
    fn with_key<T, F: FnOnce(&Key) -> T>(&self, f: F) -> Result<T>;
}

impl private::Sealed for Key {}
impl AsKey for Key {
    #[inline]
    fn with_key<T, F: FnOnce(&Key) -> T>(&self, f: F) -> Result<T> {
        Ok(f(self))
    }
}

macro_rules! bytes_key {
    ($($t:ty),*) => {$(
        impl private::Sealed for $t {}
        impl AsKey for $t {
            #[inline]
            fn with_key<T, F: FnOnce(&Key) -> T>(&self, f: F) -> Result<T> {
                Key::new(self).map(|k| f(&k))
            }
        }
    )*};
}
bytes_key!(str, [u8], String, Vec<u8>);

impl<const N: usize> private::Sealed for [u8; N] {}
impl<const N: usize> AsKey for [u8; N] {
    #[inline]
    fn with_key<T, F: FnOnce(&Key) -> T>(&self, f: F) -> Result<T> {
        Key::new(self).map(|k| f(&k))
    }
}

impl<T: AsKey + ?Sized> private::Sealed for &T {}
impl<T: AsKey + ?Sized> AsKey for &T {
    #[inline]
    fn with_key<R, F: FnOnce(&Key) -> R>(&self, f: F) -> Result<R> {
        (**self).with_key(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_key_is_accepted_and_one_more_byte_is_too_long() {
        assert_eq!(Key::new("k".repeat(KEY_MAX)).unwrap().as_bytes().len(), KEY_MAX);
        assert_eq!(Key::new("k".repeat(KEY_MAX + 1)).unwrap_err().status(), Status::KeyTooLong);
    }

    #[test]
    fn length_counts_bytes_not_characters() {
        // 32 two-byte characters: 64 bytes.
        assert_eq!(Key::new("é".repeat(32)).unwrap_err().status(), Status::KeyTooLong);
        assert!(Key::new("é".repeat(31)).is_ok());
    }

    #[test]
    fn nul_is_invalid_even_in_a_long_key() {
        let mut long = vec![b'k'; 100];
        long[3] = 0;
        assert_eq!(Key::new(long).unwrap_err().status(), Status::Invalid);
    }

    #[test]
    fn c_string_is_the_bytes_then_nul() {
        let k = Key::new([1u8, 2, 0xff]).unwrap();
        assert_eq!(k.as_c_str().to_bytes_with_nul(), &[1, 2, 0xff, 0]);
    }

    #[test]
    fn keys_compare_and_hash_as_their_bytes() {
        use std::collections::HashSet;
        let a = Key::new("a").unwrap();
        let set: HashSet<Key> = [a, Key::new("b").unwrap()].into_iter().collect();
        assert!(set.contains(&b"a"[..]));
        assert!(a < Key::new("b").unwrap());
        assert_eq!(a, "a");
        assert_eq!(format!("{:?}", Key::new([b'x', 0xff]).unwrap()), "Key(\"x\\xff\")");
    }

    #[test]
    fn a_key_is_used_in_place_and_bytes_are_validated_on_the_call() {
        let k = Key::new("k").unwrap();
        assert!(k.with_key(|inner| std::ptr::eq(inner, &k)).unwrap());
        assert_eq!("k".with_key(|inner| *inner).unwrap(), k);
        assert_eq!("".with_key(|_| ()).unwrap_err().status(), Status::Invalid);
    }
}
