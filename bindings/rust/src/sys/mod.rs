//! The raw C ABI: every declaration of `include/splinter/splinter.h`, as
//! `bindgen` generates it (`generated.rs`, written by `bindings/rust/gen-sys`
//! and checked against the header by `tests/sys_bindings.rs`).
//!
//! Everything here is `unsafe` to call and follows the C rules of the header,
//! which is the specification of each function. Use it for what the safe API
//! does not wrap; [`Bus::as_raw`](crate::Bus::as_raw) gives an open handle's
//! pointer and [`Error::from_code`](crate::Error::from_code) turns a status
//! into an [`Error`](crate::Error).
//!
//! ```
//! use splinter::sys;
//! use std::ffi::CStr;
//!
//! // SAFETY: splinter_version returns a static NUL-terminated string.
//! let version = unsafe { CStr::from_ptr(sys::splinter_version()) };
//! assert_eq!(version.to_bytes_with_nul(), &sys::SPLINTER_VERSION_STRING[..]);
//! assert_eq!(sys::SPLINTER_E_NOT_FOUND, -1);
//! ```
#[allow(
    non_camel_case_types,
    non_upper_case_globals,
    non_snake_case,
    dead_code,
    missing_docs,
    clippy::all,
    clippy::pedantic
)]
mod generated;

pub use self::generated::*;
