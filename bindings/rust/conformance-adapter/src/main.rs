//! The Rust binding's conformance adapter (conformance/PROTOCOL.md).
//!
//! Reads one JSON request per line on stdin and answers one JSON object per
//! line on stdout. It only translates requests into calls of the `splinter`
//! crate and its results (or `splinter::Error`) into answers: no retries, no
//! checks of its own. The one place it leaves the safe API is a mutation on a
//! reader handle, which the types forbid but the protocol asks for (the
//! runner expects the library's `READ_ONLY`): that goes to the C call itself.
mod base64;
mod json;

use json::{Json, Out};
use splinter::{sys, Backing, Bus, CreateOptions, Error, Key, Op, PreparedKey, Reader, Report, Ttl, Writer};
use std::collections::HashMap;
use std::ffi::CString;
use std::io::{BufRead, Write};
use std::ptr;
use std::time::Duration;

enum Handle {
    R(Bus<Reader>),
    W(Bus<Writer>),
}

/// Runs the same read on a handle of either role.
macro_rules! on_any {
    ($h:expr, $b:ident => $e:expr) => {
        match $h {
            Handle::R($b) => $e,
            Handle::W($b) => $e,
        }
    };
}

enum Fail {
    /// The library (or the binding, refusing an argument) said no.
    Lib(Error),
    /// A status answered without an error value (NOT_FOUND, TIMEOUT).
    Status(&'static str),
    /// The request could not be translated.
    Adapter(String),
}

impl From<Error> for Fail {
    fn from(e: Error) -> Fail {
        Fail::Lib(e)
    }
}

type Answer = Result<Out, Fail>;

/// getrusage(2), for "resources": the layout of `struct rusage` on 64-bit Linux.
#[repr(C)]
struct Rusage {
    utime: [i64; 2],
    stime: [i64; 2],
    rest: [i64; 14],
}

extern "C" {
    fn getrusage(who: i32, usage: *mut Rusage) -> i32;
}

/// This process's CPU time (user + system, every thread, in microseconds),
/// open file descriptors and memory mappings.
fn resources(out: &mut Out) -> Result<(), Fail> {
    let mut ru = Rusage { utime: [0; 2], stime: [0; 2], rest: [0; 14] };
    // SAFETY: RUSAGE_SELF (0) and a pointer to a struct of the kernel's layout.
    if unsafe { getrusage(0, &mut ru) } != 0 {
        return Err(bad("getrusage failed"));
    }
    let cpu_us = (ru.utime[0] + ru.stime[0]) * 1_000_000 + ru.utime[1] + ru.stime[1];
    let fds = std::fs::read_dir("/proc/self/fd").map_err(|e| bad(format!("/proc/self/fd: {}", e)))?.count();
    let maps = std::fs::read_to_string("/proc/self/maps").map_err(|e| bad(format!("/proc/self/maps: {}", e)))?;
    out.num("cpu_us", cpu_us).num("fds", fds).num("maps", maps.lines().count());
    Ok(())
}

fn bad(msg: impl Into<String>) -> Fail {
    Fail::Adapter(msg.into())
}

fn field<'a>(req: &'a Json, name: &str) -> Result<&'a Json, Fail> {
    req.get(name).ok_or_else(|| bad(format!("missing field \"{}\"", name)))
}

fn str_field<'a>(req: &'a Json, name: &str) -> Result<&'a str, Fail> {
    match field(req, name)? {
        Json::Str(s) => Ok(s),
        _ => Err(bad(format!("field \"{}\" is not a string", name))),
    }
}

fn int_field<T: TryFrom<i128>>(req: &Json, name: &str) -> Result<T, Fail> {
    match field(req, name)? {
        Json::Int(n) => T::try_from(*n).map_err(|_| bad(format!("field \"{}\" is out of range", name))),
        _ => Err(bad(format!("field \"{}\" is not an integer", name))),
    }
}

fn backing(req: &Json) -> Result<Backing, Fail> {
    let b = str_field(req, "backing")?;
    Backing::from_name(b).ok_or_else(|| bad(format!("backing must be \"shm\" or \"file\", not {:?}", b)))
}

fn b64_field(req: &Json, name: &str) -> Result<Vec<u8>, Fail> {
    base64::decode(str_field(req, name)?).map_err(|e| bad(format!("{}: {}", name, e)))
}

fn has_key(req: &Json) -> bool {
    req.get("key").is_some() || req.get("key_b64").is_some()
}

/// The key's bytes: "key_b64" (raw bytes) or "key" (a string, its UTF-8).
fn key_bytes(req: &Json) -> Result<Vec<u8>, Fail> {
    if req.get("key_b64").is_some() {
        b64_field(req, "key_b64")
    } else {
        Ok(str_field(req, "key")?.as_bytes().to_vec())
    }
}

fn report(out: &mut Out, r: &Report) {
    let findings: Vec<String> = r
        .findings
        .iter()
        .map(|f| {
            Out::new()
                .num("rule", f.rule)
                .num("severity", f.severity.code())
                .num("fix", f.fix.code())
                .num("slot", f.slot.map_or(-1, |s| s as i64))
                .str("key", &f.key)
                .str("detail", &f.detail)
                .finish()
        })
        .collect();
    out.raw("findings", format!("[{}]", findings.join(",")));
    out.num("worst", r.worst.map_or(0, |w| w.code()));
    out.num("repaired", r.repaired).num("rolled_back", r.rolled_back).num("dropped", r.dropped);
}

struct Adapter {
    handles: HashMap<String, Handle>,
    /// Prepared keys by the runner's names (key_init).
    pkeys: HashMap<String, PreparedKey>,
}

impl Adapter {
    fn handle(&mut self, req: &Json) -> Result<&mut Handle, Fail> {
        let name = str_field(req, "bus")?;
        self.handles.get_mut(name).ok_or_else(|| bad(format!("no open handle named {}", name)))
    }

    fn bind(&mut self, req: &Json, h: Handle) -> Result<(), Fail> {
        let name = str_field(req, "bus")?.to_string();
        if self.handles.contains_key(&name) {
            return Err(bad(format!("handle {} is open", name)));
        }
        self.handles.insert(name, h);
        Ok(())
    }

    fn pkey(&self, req: &Json) -> Result<PreparedKey, Fail> {
        let name = str_field(req, "pkey")?;
        self.pkeys.get(name).copied().ok_or_else(|| bad(format!("no prepared key named {}", name)))
    }

    /// A mutation through a reader handle: the types have no such call, so
    /// it goes to the C ABI, which answers for it.
    fn raw_mutation(&mut self, op: &str, req: &Json) -> Answer {
        let bus = match self.handle(req)? {
            Handle::R(b) => b.as_raw(),
            Handle::W(_) => unreachable!("writers use the safe API"),
        };
        if op == "expire" || op == "set_k" || op == "unset_k" {
            let value = if op == "set_k" { b64_field(req, "value_b64")? } else { Vec::new() };
            let (mut epoch, mut removed) = (0u64, 0u32);
            let pkey = if op == "expire" { None } else { Some(self.pkey(req)?) };
            // SAFETY: an open handle owned by self.handles, a prepared key
            // (plain data), value valid for its length, valid out-pointers.
            let rc = unsafe {
                match (op, &pkey) {
                    ("set_k", Some(k)) => {
                        sys::splinter_set_k(bus, k.as_raw(), value.as_ptr().cast(), value.len(), &mut epoch)
                    }
                    ("unset_k", Some(k)) => sys::splinter_unset_k(bus, k.as_raw(), &mut epoch),
                    _ => sys::splinter_expire(bus, int_field(req, "max").unwrap_or(0), &mut removed),
                }
            };
            if rc != sys::SPLINTER_OK {
                return Err(Error::from_code(rc).into());
            }
            let mut out = Out::new();
            if op == "expire" {
                out.num("removed", removed);
            } else {
                out.num("epoch", epoch);
            }
            return Ok(out);
        }
        let key = if op == "flush" { None } else { Some(key_bytes(req)?) };
        let key = match key.map(CString::new) {
            Some(Ok(k)) => Some(k),
            // What Key::new answers for a NUL byte.
            Some(Err(_)) => return Err(Key::new([0u8]).unwrap_err().into()),
            None => None,
        };
        let key_ptr = key.as_ref().map_or(ptr::null(), |k| k.as_ptr());
        let value = if op == "set" || op == "set_ttl" { b64_field(req, "value_b64")? } else { Vec::new() };
        let ttl_ms: u64 = if op == "set_ttl" { int_field(req, "ttl_ms")? } else { 0 };
        let mut epoch = 0u64;
        // SAFETY: an open handle owned by self.handles, NUL-terminated key,
        // value valid for its length, a valid out-pointer.
        let rc = unsafe {
            match op {
                "set" => sys::splinter_set(bus, key_ptr, value.as_ptr().cast(), value.len(), &mut epoch),
                "set_ttl" => {
                    sys::splinter_set_ttl(bus, key_ptr, value.as_ptr().cast(), value.len(), ttl_ms, &mut epoch)
                }
                "unset" => sys::splinter_unset(bus, key_ptr, &mut epoch),
                _ => sys::splinter_flush(bus),
            }
        };
        if rc != sys::SPLINTER_OK {
            return Err(Error::from_code(rc).into());
        }
        let mut out = Out::new();
        if op != "flush" {
            out.num("epoch", epoch);
        }
        Ok(out)
    }

    fn dispatch(&mut self, op: &str, req: &Json) -> Answer {
        let mut out = Out::new();
        match op {
            "resources" => resources(&mut out)?,
            "hello" => {
                out.str("adapter", "rust")
                    .str("library", splinter::library_version())
                    .num("pid", std::process::id())
                    .num("format_version", splinter::FORMAT_VERSION);
            }
            "create" => {
                let mut opts = CreateOptions::new(int_field(req, "slots")?, int_field(req, "max_value_size")?);
                if req.get("mode").is_some() {
                    opts = opts.mode(int_field(req, "mode")?);
                }
                if req.get("change_ring").is_some() {
                    opts = opts.change_ring(int_field(req, "change_ring")?);
                }
                if req.get("history_depth").is_some() {
                    opts = opts.history_depth(int_field(req, "history_depth")?);
                }
                if self.handles.contains_key(str_field(req, "bus")?) {
                    return Err(bad("handle is open"));
                }
                let bus = Bus::<Writer>::create(backing(req)?, str_field(req, "name")?, &opts)?;
                self.bind(req, Handle::W(bus))?;
            }
            "open" => {
                if self.handles.contains_key(str_field(req, "bus")?) {
                    return Err(bad("handle is open"));
                }
                let (b, name) = (backing(req)?, str_field(req, "name")?);
                let h = match str_field(req, "role")? {
                    "reader" => Handle::R(Bus::open(b, name)?),
                    "writer" => Handle::W(Bus::open(b, name)?),
                    r => return Err(bad(format!("role must be \"reader\" or \"writer\", not {:?}", r))),
                };
                self.bind(req, h)?;
            }
            "close" => {
                let name = str_field(req, "bus")?;
                self.handles.remove(name).ok_or_else(|| bad(format!("no handle named {}", name)))?;
            }
            "destroy" => splinter::destroy(backing(req)?, str_field(req, "name")?)?,
            "check" | "recover" if req.get("bus").is_none() => {
                let (b, name) = (backing(req)?, str_field(req, "name")?);
                let r = if op == "check" { splinter::check(b, name)? } else { splinter::recover(b, name)? };
                report(&mut out, &r);
            }
            "key_init" => {
                let key = PreparedKey::new(key_bytes(req)?)?;
                self.pkeys.insert(str_field(req, "pkey")?.to_string(), key);
            }
            "key_garble" => {
                // Not a library call: one bit of the prepared key's plain data flipped.
                let mut raw = *self.pkey(req)?.as_raw();
                let byte: usize = int_field(req, "byte")?;
                if byte >= 8 * raw.opaque.len() {
                    return Err(bad("byte is beyond the prepared key"));
                }
                let mut word = raw.opaque[byte / 8].to_ne_bytes();
                word[byte % 8] ^= 1;
                raw.opaque[byte / 8] = u64::from_ne_bytes(word);
                self.pkeys.insert(str_field(req, "pkey")?.to_string(), PreparedKey::from_raw(raw));
            }
            "ttl" => {
                let key = key_bytes(req)?;
                match on_any!(self.handle(req)?, b => b.ttl(&key))? {
                    Some(Ttl::Never) => out.num("ttl_ms", u64::MAX),
                    Some(Ttl::Left(d)) => out.num("ttl_ms", d.as_millis()),
                    None => return Err(Fail::Status("NOT_FOUND")),
                };
            }
            "get_k" => {
                let key = self.pkey(req)?;
                let mut buf = vec![0u8; 256];
                loop {
                    match on_any!(self.handle(req)?, b => b.get_into_prepared(&key, &mut buf)) {
                        Ok(Some(f)) => {
                            out.str("value_b64", &base64::encode(&buf[..f.len])).num("epoch", f.epoch);
                            break;
                        }
                        Ok(None) => return Err(Fail::Status("NOT_FOUND")),
                        // Larger than the buffer: grow and read again (it may change meanwhile).
                        Err(e) if e.needed_len().is_some() => buf.resize(e.needed_len().unwrap_or(0), 0),
                        Err(e) => return Err(e.into()),
                    }
                }
            }
            "poll_k" => {
                let key = self.pkey(req)?;
                let since: u64 = int_field(req, "since")?;
                let ms: i64 = int_field(req, "timeout_ms")?;
                let timeout = if ms < 0 { None } else { Some(Duration::from_millis(ms as u64)) };
                match on_any!(self.handle(req)?, b => b.poll_prepared(&key, since, timeout))? {
                    Some(epoch) => {
                        out.num("epoch", epoch);
                    }
                    None => return Err(Fail::Status("TIMEOUT")),
                }
            }
            "set" | "unset" | "flush" | "set_ttl" | "expire" | "set_k" | "unset_k" => {
                let bus = match self.handle(req)? {
                    Handle::W(b) => b,
                    Handle::R(_) => return self.raw_mutation(op, req),
                };
                match op {
                    "set" => {
                        let epoch = bus.set(key_bytes(req)?, b64_field(req, "value_b64")?)?;
                        out.num("epoch", epoch);
                    }
                    "set_ttl" => {
                        let ttl = Duration::from_millis(int_field(req, "ttl_ms")?);
                        let epoch = bus.set_ttl(key_bytes(req)?, b64_field(req, "value_b64")?, ttl)?;
                        out.num("epoch", epoch);
                    }
                    "expire" => {
                        let max: u32 = if req.get("max").is_some() { int_field(req, "max")? } else { 0 };
                        out.num("removed", bus.expire(max)?);
                    }
                    "set_k" => {
                        let key = self.pkey(req)?;
                        let bus = match self.handle(req)? {
                            Handle::W(b) => b,
                            Handle::R(_) => unreachable!("readers go to raw_mutation"),
                        };
                        out.num("epoch", bus.set_prepared(&key, b64_field(req, "value_b64")?)?);
                    }
                    "unset_k" => {
                        let key = self.pkey(req)?;
                        let bus = match self.handle(req)? {
                            Handle::W(b) => b,
                            Handle::R(_) => unreachable!("readers go to raw_mutation"),
                        };
                        match bus.unset_prepared(&key)? {
                            Some(epoch) => out.num("epoch", epoch),
                            None => return Err(Fail::Status("NOT_FOUND")),
                        };
                    }
                    "unset" => match bus.unset(key_bytes(req)?)? {
                        Some(epoch) => {
                            out.num("epoch", epoch);
                        }
                        None => return Err(Fail::Status("NOT_FOUND")),
                    },
                    _ => bus.flush()?,
                }
            }
            "get" => {
                let key = key_bytes(req)?;
                if req.get("cap").is_some() {
                    let mut buf = vec![0u8; int_field::<usize>(req, "cap")?];
                    let found = on_any!(self.handle(req)?, b => b.get_into(&key, &mut buf));
                    match found {
                        Ok(Some(f)) => {
                            out.str("value_b64", &base64::encode(&buf[..f.len])).num("epoch", f.epoch);
                        }
                        Ok(None) => return Err(Fail::Status("NOT_FOUND")),
                        Err(e) => {
                            let needed = e.needed_len();
                            let mut out = answer_error(Fail::Lib(e));
                            if let Some(n) = needed {
                                out.num("len", n);
                            }
                            return Ok(out);
                        }
                    }
                } else {
                    match on_any!(self.handle(req)?, b => b.get(&key))? {
                        Some(v) => {
                            out.str("value_b64", &base64::encode(&v.bytes)).num("epoch", v.epoch);
                        }
                        None => return Err(Fail::Status("NOT_FOUND")),
                    }
                }
            }
            "list" => {
                let list = on_any!(self.handle(req)?, b => b.list())?;
                let entries: Vec<String> = list
                    .map(|e| {
                        Out::new()
                            .str("key_b64", &base64::encode(e.key.as_bytes()))
                            .num("len", e.value_len)
                            .num("epoch", e.epoch)
                            .finish()
                    })
                    .collect();
                out.raw("entries", format!("[{}]", entries.join(",")));
            }
            "changes" => {
                let since: u64 = int_field(req, "since")?;
                let c = on_any!(self.handle(req)?, b => b.changes(since))?;
                let changes: Vec<String> = c
                    .changes
                    .iter()
                    .map(|ch| {
                        let mut e = Out::new();
                        e.num("epoch", ch.epoch);
                        match ch.op {
                            Op::Set => e.str("op", "set"),
                            Op::Unset => e.str("op", "unset"),
                            Op::Expire => e.str("op", "expire"),
                        };
                        e.str("key_b64", &base64::encode(ch.key.as_bytes())).finish()
                    })
                    .collect();
                out.raw("changes", format!("[{}]", changes.join(","))).num("last", c.last);
            }
            "history" => {
                let key = key_bytes(req)?;
                let values = on_any!(self.handle(req)?, b => b.history(&key))?;
                // A live key has at least its current value: empty is the binding's "absent".
                if values.is_empty() {
                    return Err(Fail::Status("NOT_FOUND"));
                }
                let history: Vec<String> = values
                    .iter()
                    .map(|v| Out::new().num("epoch", v.epoch).str("value_b64", &base64::encode(&v.bytes)).finish())
                    .collect();
                out.raw("history", format!("[{}]", history.join(",")));
            }
            "poll" => {
                let since: u64 = int_field(req, "since")?;
                let ms: i64 = int_field(req, "timeout_ms")?;
                let timeout = if ms < 0 { None } else { Some(Duration::from_millis(ms as u64)) };
                let r = if has_key(req) {
                    let key = key_bytes(req)?;
                    on_any!(self.handle(req)?, b => b.poll(&key, since, timeout))
                } else {
                    on_any!(self.handle(req)?, b => b.poll_bus(since, timeout))
                };
                match r? {
                    Some(epoch) => {
                        out.num("epoch", epoch);
                    }
                    None => return Err(Fail::Status("TIMEOUT")),
                }
            }
            "epoch" => {
                let epoch = on_any!(self.handle(req)?, b => b.epoch());
                out.num("epoch", epoch);
            }
            "info" => {
                let i = on_any!(self.handle(req)?, b => b.info())?;
                out.num("format_version", i.format_version)
                    .str("backing", i.backing.name())
                    .str("role", i.role.name())
                    .num("slots", i.slots)
                    .num("max_value_size", i.max_value_size)
                    .num("live_keys", i.live_keys)
                    .num("tombstones", i.tombstones)
                    .num("longest_probe", i.longest_probe)
                    .num("region_size", i.region_size)
                    .num("bus_epoch", i.bus_epoch)
                    .num("writer_pid", i.writer_pid.unwrap_or(0))
                    .num("waiters", i.waiters)
                    .num("change_ring", i.change_ring)
                    .num("history_depth", i.history_depth)
                    .num("probe_limit", i.probe_limit)
                    .num("feed_oldest", i.feed_oldest.unwrap_or(0));
            }
            "set_spin" => {
                let us: u64 = int_field(req, "spin_us")?;
                on_any!(self.handle(req)?, b => b.set_spin(Duration::from_micros(us)))?;
            }
            "check" => {
                let r = on_any!(self.handle(req)?, b => b.check())?;
                report(&mut out, &r);
            }
            _ => {
                out.str("status", "UNSUPPORTED").str("detail", &format!("unknown op {}", op));
            }
        }
        Ok(out)
    }
}

fn answer_error(f: Fail) -> Out {
    let mut out = Out::new();
    match f {
        Fail::Lib(e) => {
            out.str("status", e.status().name()).str("detail", e.detail());
            if let Some(r) = e.report() {
                report(&mut out, r);
            }
        }
        Fail::Status(s) => {
            out.str("status", s);
        }
        Fail::Adapter(msg) => {
            out.str("status", "ADAPTER_ERROR").str("detail", &msg);
        }
    }
    out
}

fn answer(adapter: &mut Adapter, line: &str) -> String {
    let req = match json::parse(line) {
        Ok(r) => r,
        Err(e) => return answer_error(bad(format!("unparsable request: {}", e))).finish(),
    };
    let result = match req.get("op") {
        Some(Json::Str(op)) => adapter.dispatch(op, &req),
        _ => Err(bad("missing field \"op\"")),
    };
    let mut out = result.unwrap_or_else(answer_error);
    if !out.has("status") {
        out.str("status", "OK");
    }
    if let Some(id) = req.get("id") {
        out.raw("id", json::encode(id));
    }
    out.finish()
}

fn main() {
    let mut adapter = Adapter { handles: HashMap::new(), pkeys: HashMap::new() };
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut stdout = stdout.lock();
    for line in stdin.lock().lines() {
        let line = line.expect("reading stdin");
        if line.trim().is_empty() {
            continue;
        }
        let reply = answer(&mut adapter, &line);
        writeln!(stdout, "{}", reply).expect("writing stdout");
        stdout.flush().expect("flushing stdout");
    }
    // End of input: close every handle, exit 0.
    adapter.handles.clear();
}
