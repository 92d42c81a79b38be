//! Keys that expire: set_ttl, ttl, expire (one behaviour per test). Expiry
//! is waited for with a poll of the key, which wakes at the deadline and
//! reports the key absent (epoch 0) -- never with a sleep.
use splinter::{Backing, Bus, CreateOptions, Op, Reader, Status, Ttl, Writer, TTL_MAX};
use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

/// A bus name unique to this process and test; destroyed when dropped.
struct Name {
    backing: Backing,
    name: OsString,
}

impl Name {
    fn shm(tag: &str) -> Name {
        Name { backing: Backing::Shm, name: format!("rs-ttl-{}-{}", std::process::id(), tag).into() }
    }
    fn file(tag: &str) -> Name {
        let p: PathBuf = std::env::temp_dir().join(format!("rs-ttl-{}-{}.bus", std::process::id(), tag));
        Name { backing: Backing::File, name: p.into_os_string() }
    }
    fn create(&self, options: &CreateOptions) -> Bus<Writer> {
        Bus::<Writer>::create(self.backing, &self.name, options).unwrap()
    }
    fn reader(&self) -> Bus<Reader> {
        Bus::<Reader>::open(self.backing, &self.name).unwrap()
    }
}

impl Drop for Name {
    fn drop(&mut self) {
        let _ = splinter::destroy(self.backing, &self.name);
    }
}

const MS: Duration = Duration::from_millis(1);
const HOUR: Duration = Duration::from_secs(3600);

/// Blocks until `key`, set at `epoch` with a short ttl, has expired.
fn wait_expired<R: splinter::Role>(bus: &Bus<R>, key: &str, epoch: u64) {
    assert_eq!(bus.poll(key, epoch, None).unwrap(), Some(0));
}

#[test]
fn an_expired_key_is_absent_to_every_reader_on_both_backings() {
    for n in [Name::shm("absent"), Name::file("absent")] {
        let w = n.create(&CreateOptions::new(16, 64));
        let r = n.reader();
        let e = w.set_ttl("lease", b"v", MS).unwrap();
        wait_expired(&r, "lease", e);
        assert_eq!(r.get("lease").unwrap(), None);
        assert_eq!(w.get("lease").unwrap(), None);
        assert_eq!(r.ttl("lease").unwrap(), None);
        assert_eq!(r.list().unwrap().len(), 0);
    }
}

#[test]
fn ttl_gives_the_time_left_and_never_for_a_plain_key() {
    let n = Name::shm("left");
    let w = n.create(&CreateOptions::new(16, 64));
    w.set_ttl("lease", b"v", HOUR).unwrap();
    w.set("plain", b"v").unwrap();
    match n.reader().ttl("lease").unwrap() {
        Some(Ttl::Left(d)) => assert!(d > Duration::from_secs(3500) && d <= HOUR, "{:?}", d),
        other => panic!("{:?}", other),
    }
    assert_eq!(w.ttl("plain").unwrap(), Some(Ttl::Never));
    assert_eq!(w.ttl("absent").unwrap(), None);
}

#[test]
fn a_plain_set_clears_the_deadline() {
    let n = Name::shm("clear");
    let w = n.create(&CreateOptions::new(16, 64));
    w.set_ttl("k", b"v", HOUR).unwrap();
    w.set("k", b"w").unwrap();
    assert_eq!(w.ttl("k").unwrap(), Some(Ttl::Never));
}

/// How many keys the writer has removed at their deadline so far (a set may
/// remove an expired key lazily before expire is called).
fn expire_entries(bus: &Bus<Writer>) -> u32 {
    bus.changes(0).unwrap().changes.iter().filter(|c| c.op == Op::Expire).count() as u32
}

#[test]
fn expire_removes_the_expired_keys_and_counts_them_in_the_feed() {
    let n = Name::shm("expire");
    let w = n.create(&CreateOptions::new(16, 64).change_ring(64));
    w.set_ttl("c", b"3", HOUR).unwrap();
    let e1 = w.set_ttl("a", b"1", MS).unwrap();
    let e2 = w.set_ttl("b", b"2", MS).unwrap();
    wait_expired(&w, "a", e1);
    wait_expired(&w, "b", e2);
    let pending = 2 - expire_entries(&w); // "b" at least: no set came after it
    let before = w.epoch();
    assert_eq!(w.expire(1).unwrap(), 1);
    assert_eq!(w.expire(0).unwrap(), pending - 1);
    assert_eq!(w.expire(0).unwrap(), 0);
    assert_eq!(w.epoch(), before + u64::from(pending));
    assert_eq!(expire_entries(&w), 2);
    let keys: Vec<String> = w.list().unwrap().map(|e| e.key.to_str().unwrap().to_owned()).collect();
    assert_eq!(keys, ["c"]);
}

#[test]
fn a_bad_ttl_is_invalid_and_sets_nothing() {
    let n = Name::shm("bad");
    let w = n.create(&CreateOptions::new(16, 64));
    for bad in [Duration::ZERO, TTL_MAX + MS] {
        let err = w.set_ttl("k", b"v", bad).unwrap_err();
        assert_eq!(err.status(), Status::Invalid);
        assert!(err.detail().contains("ttl"), "{}", err.detail());
    }
    assert_eq!(w.get("k").unwrap(), None);
    assert_eq!(w.epoch(), 0);
}

#[test]
fn a_sub_millisecond_ttl_still_sets_a_deadline() {
    let n = Name::shm("tiny");
    let w = n.create(&CreateOptions::new(16, 64));
    let e = w.set_ttl("k", b"v", Duration::from_micros(100)).unwrap();
    wait_expired(&w, "k", e);
}
