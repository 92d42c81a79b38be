//! Behaviours of the safe API, one per test, on real buses (both backings).
use splinter::{
    Backing, Bus, Changes, CreateOptions, Entry, Fix, Found, Key, Op, Reader, RoleKind, Severity, Status, Writer,
    KEY_MAX,
};
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::time::Duration;

/// A bus name unique to this process and test; destroyed when dropped.
struct Name {
    backing: Backing,
    name: OsString,
}

impl Name {
    fn shm(tag: &str) -> Name {
        Name { backing: Backing::Shm, name: format!("rs-test-{}-{}", std::process::id(), tag).into() }
    }
    fn file(tag: &str) -> Name {
        let p: PathBuf = std::env::temp_dir().join(format!("rs-test-{}-{}.bus", std::process::id(), tag));
        Name { backing: Backing::File, name: p.into_os_string() }
    }
    fn create(&self, slots: u32, max_value_size: u32) -> Bus<Writer> {
        Bus::<Writer>::create(self.backing, &self.name, &CreateOptions::new(slots, max_value_size)).unwrap()
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

#[test]
fn set_then_get_returns_the_value_and_its_epoch_on_both_backings() {
    for n in [Name::shm("setget"), Name::file("setget")] {
        let w = n.create(16, 64);
        let e = w.set("k", b"hello").unwrap();
        let v = n.reader().get("k").unwrap().unwrap();
        assert_eq!((v.bytes, v.epoch), (b"hello".to_vec(), e));
    }
}

#[test]
fn an_absent_key_is_none_and_an_empty_value_is_not_absent() {
    let n = Name::shm("empty");
    let w = n.create(16, 64);
    assert_eq!(w.get("k").unwrap(), None);
    assert_eq!(w.get_into("k", &mut []).unwrap(), None);
    let e = w.set("k", b"").unwrap();
    assert_eq!(w.get("k").unwrap().unwrap().bytes, b"");
    assert_eq!(w.get_into("k", &mut []).unwrap(), Some(Found { len: 0, epoch: e }));
}

#[test]
fn epochs_count_committed_mutations_and_not_failed_ones() {
    let n = Name::shm("epochs");
    let w = n.create(2, 4);
    assert_eq!(w.set("a", b"1").unwrap(), 1);
    assert_eq!(w.set("a", b"2").unwrap(), 2);
    assert_eq!(w.set("a", b"too long").unwrap_err().status(), Status::TooLarge);
    assert_eq!(w.unset("missing").unwrap(), None);
    assert_eq!(w.unset("a").unwrap(), Some(3));
    assert_eq!(w.epoch(), 3);
    assert_eq!(n.reader().epoch(), 3);
}

#[test]
fn bad_keys_get_the_statuses_the_library_gives() {
    let n = Name::shm("badkeys");
    let w = n.create(16, 64);
    let long = "k".repeat(KEY_MAX + 1);
    for (key, status) in [("", Status::Invalid), ("a\0b", Status::Invalid), (long.as_str(), Status::KeyTooLong)] {
        assert_eq!(w.set(key, b"v").unwrap_err().status(), status, "{:?}", key);
        assert_eq!(w.get(key).unwrap_err().status(), status);
        assert_eq!(w.get_into(key, &mut [0; 4]).unwrap_err().status(), status);
        assert_eq!(w.unset(key).unwrap_err().status(), status);
        assert_eq!(w.poll(key, 0, Some(Duration::ZERO)).unwrap_err().status(), status);
        assert_eq!(Key::new(key).unwrap_err().status(), status);
    }
    assert_eq!(w.epoch(), 0);
}

#[test]
fn the_longest_key_and_any_non_nul_bytes_round_trip_through_list() {
    let n = Name::shm("keybytes");
    let w = n.create(16, 64);
    let longest = Key::new("x".repeat(KEY_MAX)).unwrap();
    let binary = Key::new([0x01, 0xff, 0x80, b'\n']).unwrap();
    w.set(longest, b"1").unwrap();
    w.set(binary, b"22").unwrap();
    let listed: BTreeMap<Key, usize> = n.reader().list().unwrap().map(|e| (e.key, e.value_len)).collect();
    assert_eq!(listed, [(longest, 1), (binary, 2)].into_iter().collect());
}

#[test]
fn get_grows_its_buffer_for_a_large_value() {
    let n = Name::shm("large");
    let w = n.create(4, 1 << 20);
    let value: Vec<u8> = (0..(1u32 << 20)).map(|i| (i * 7 % 251) as u8).collect();
    let e = w.set("big", &value).unwrap();
    let got = n.reader().get("big").unwrap().unwrap();
    assert_eq!(got.epoch, e);
    assert!(got.bytes == value);
}

#[test]
fn get_into_a_short_buffer_says_the_size_needed_and_writes_nothing() {
    let n = Name::shm("short");
    let w = n.create(4, 64);
    let e = w.set("k", b"0123456789").unwrap();
    let mut buf = [b'.'; 9];
    let err = w.get_into("k", &mut buf).unwrap_err();
    assert_eq!((err.status(), err.needed_len()), (Status::Buffer, Some(10)));
    assert_eq!(buf, [b'.'; 9]);
    let mut exact = [0u8; 10];
    assert_eq!(w.get_into("k", &mut exact).unwrap(), Some(Found { len: 10, epoch: e }));
    assert_eq!(&exact, b"0123456789");
}

#[test]
fn list_gives_every_live_key_once_with_what_get_gives() {
    let n = Name::shm("list");
    let w = n.create(64, 64);
    for i in 0..40 {
        w.set(format!("key/{}", i), vec![b'v'; i]).unwrap();
    }
    for i in (0..40).step_by(3) {
        w.unset(format!("key/{}", i)).unwrap();
    }
    let r = n.reader();
    let entries: Vec<Entry> = r.list().unwrap().collect();
    assert_eq!(entries.len(), 40 - 14);
    let unique: std::collections::BTreeSet<Key> = entries.iter().map(|e| e.key).collect();
    assert_eq!(unique.len(), entries.len());
    for e in entries {
        let v = r.get(e.key).unwrap().unwrap();
        assert_eq!((v.bytes.len(), v.epoch), (e.value_len, e.epoch));
    }
}

#[test]
fn visit_stops_when_the_closure_breaks() {
    let n = Name::shm("visit");
    let w = n.create(16, 8);
    for k in ["a", "b", "c", "d"] {
        w.set(k, b"v").unwrap();
    }
    let mut seen = Vec::new();
    let flow = w
        .visit(|e| {
            seen.push(e.key);
            if seen.len() == 3 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })
        .unwrap();
    assert_eq!((flow, seen.len()), (ControlFlow::Break(()), 3));
    assert_eq!(w.visit(|_| ControlFlow::Continue(())).unwrap(), ControlFlow::Continue(()));
}

#[test]
fn a_panic_in_visit_reaches_the_caller_and_the_handle_stays_usable() {
    let n = Name::shm("panic");
    let w = n.create(16, 8);
    w.set("a", b"v").unwrap();
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = w.visit(|_| panic!("boom"));
    }));
    assert_eq!(*caught.unwrap_err().downcast::<&str>().unwrap(), "boom");
    assert_eq!(w.list().unwrap().count(), 1);
}

#[test]
fn poll_with_a_zero_timeout_checks_once() {
    let n = Name::shm("poll0");
    let w = n.create(16, 8);
    let r = n.reader();
    assert_eq!(r.poll("k", 0, Some(Duration::ZERO)).unwrap(), None);
    assert_eq!(r.poll_bus(0, Some(Duration::ZERO)).unwrap(), None);
    let e = w.set("k", b"v").unwrap();
    assert_eq!(r.poll("k", 0, Some(Duration::ZERO)).unwrap(), Some(e));
    assert_eq!(r.poll_bus(0, Some(Duration::ZERO)).unwrap(), Some(e));
}

#[test]
fn poll_times_out_with_none() {
    let n = Name::shm("polltimeout");
    let _w = n.create(16, 8);
    assert_eq!(n.reader().poll("k", 0, Some(Duration::from_millis(20))).unwrap(), None);
}

#[test]
fn poll_wakes_on_a_set_from_another_thread_and_sees_removal_as_zero() {
    let n = Name::shm("pollwake");
    let w = n.create(16, 8);
    let r = n.reader();
    std::thread::scope(|s| {
        // No update is missed between the epoch read and the poll, so the
        // order in which the two threads run does not matter.
        let created = s.spawn(|| r.poll("k", 0, None).unwrap());
        let e = w.set("k", b"v").unwrap();
        assert_eq!(created.join().unwrap(), Some(e));
        let r = &r;
        let removed = s.spawn(move || r.poll("k", e, None).unwrap());
        w.unset("k").unwrap();
        assert_eq!(removed.join().unwrap(), Some(0));
    });
}

#[test]
fn one_writer_at_a_time_and_drop_releases_the_role() {
    let n = Name::shm("busy");
    let w = n.create(16, 8);
    assert_eq!(Bus::<Writer>::open(n.backing, &n.name).unwrap_err().status(), Status::Busy);
    assert_eq!(splinter::recover(n.backing, &n.name).unwrap_err().status(), Status::Busy);
    drop(w);
    let w2 = Bus::<Writer>::open(n.backing, &n.name).unwrap();
    assert_eq!(w2.info().unwrap().role, RoleKind::Writer);
}

#[test]
fn info_describes_the_bus_and_the_handle() {
    let n = Name::shm("info");
    let w = n.create(32, 100);
    w.set("a", b"1").unwrap();
    w.set("b", b"2").unwrap();
    let i = n.reader().info().unwrap();
    assert_eq!((i.format_version, i.backing, i.role), (splinter::FORMAT_VERSION, Backing::Shm, RoleKind::Reader));
    assert_eq!((i.slots, i.max_value_size, i.live_keys, i.bus_epoch), (32, 100, 2, 2));
    assert_eq!((i.writer_pid, i.waiters), (Some(std::process::id()), 0));
    assert!(i.region_size > 0);
    assert_eq!((i.change_ring, i.history_depth, i.feed_oldest), (1024, 0, Some(1)));
    assert!(i.probe_limit >= 1);
    drop(w);
    assert_eq!(n.reader().info().unwrap().writer_pid, None);
}

fn create_with(n: &Name, opts: &CreateOptions) -> Bus<Writer> {
    Bus::<Writer>::create(n.backing, &n.name, opts).unwrap()
}

#[test]
fn create_options_show_in_info_and_out_of_range_ones_are_invalid() {
    let n = Name::shm("options");
    let w = create_with(&n, &CreateOptions::new(16, 64).history_depth(2).change_ring(5));
    let i = w.info().unwrap();
    assert_eq!((i.history_depth, i.change_ring, i.feed_oldest), (2, 8, None)); // rounded up to a power of two
    let m = Name::shm("options-bad");
    let too_deep = CreateOptions::new(8, 8).history_depth(splinter::HISTORY_MAX + 1);
    let too_long = CreateOptions::new(8, 8).change_ring(splinter::RING_MAX + 1);
    for opts in [too_deep, too_long] {
        let err = Bus::<Writer>::create(m.backing, &m.name, &opts).unwrap_err();
        assert_eq!(err.status(), Status::Invalid);
    }
}

#[test]
fn changes_give_every_mutation_after_since_in_order_to_a_reader_too() {
    for n in [Name::shm("changes"), Name::file("changes")] {
        let w = n.create(16, 64);
        w.set("a", b"1").unwrap();
        w.set("b", b"2").unwrap();
        w.unset("a").unwrap();
        let feed = n.reader().changes(0).unwrap();
        let seen: Vec<_> = feed.changes.iter().map(|c| (c.epoch, c.op, c.key.as_bytes().to_vec())).collect();
        assert_eq!(seen, [(1, Op::Set, b"a".to_vec()), (2, Op::Set, b"b".to_vec()), (3, Op::Unset, b"a".to_vec())]);
        assert_eq!(feed.last, 3);
        assert_eq!(w.changes(2).unwrap().changes.len(), 1);
        assert_eq!(w.changes(3).unwrap(), Changes { changes: vec![], last: 3 });
    }
}

#[test]
fn changes_no_longer_held_or_ahead_of_the_bus_are_compacted() {
    let n = Name::shm("compacted");
    let w = create_with(&n, &CreateOptions::new(16, 64).change_ring(4));
    for i in 0..6u8 {
        w.set("k", &[i]).unwrap();
    }
    assert_eq!(w.changes(0).unwrap_err().status(), Status::Compacted);
    assert_eq!(w.changes(7).unwrap_err().status(), Status::Compacted);
    assert_eq!(w.info().unwrap().feed_oldest, Some(3));
    let feed = w.changes(2).unwrap();
    assert_eq!((feed.changes.iter().map(|c| c.epoch).collect::<Vec<_>>(), feed.last), (vec![3, 4, 5, 6], 6));
}

#[test]
fn history_is_newest_first_up_to_the_depth_and_an_unset_ends_it() {
    let n = Name::shm("history");
    let w = create_with(&n, &CreateOptions::new(16, 64).history_depth(2));
    for v in [&b"one"[..], b"two", b"three", b"four"] {
        w.set("k", v).unwrap();
    }
    let h: Vec<_> = n.reader().history("k").unwrap().into_iter().map(|v| (v.bytes, v.epoch)).collect();
    assert_eq!(h, [(b"four".to_vec(), 4), (b"three".to_vec(), 3), (b"two".to_vec(), 2)]);
    assert!(w.history("absent").unwrap().is_empty());
    w.unset("k").unwrap();
    assert!(w.history("k").unwrap().is_empty());
    w.set("k", b"").unwrap();
    let h: Vec<_> = w.history("k").unwrap().into_iter().map(|v| (v.bytes, v.epoch)).collect();
    assert_eq!(h, [(vec![], 6)]);
    assert_eq!(w.history([b'k'; 64].as_slice()).unwrap_err().status(), Status::KeyTooLong);
}

#[test]
fn a_full_bus_refuses_new_keys_but_takes_overwrites() {
    let n = Name::shm("full");
    let w = n.create(2, 8);
    w.set("a", b"1").unwrap();
    w.set("b", b"1").unwrap();
    assert_eq!(w.set("c", b"1").unwrap_err().status(), Status::Full);
    w.set("a", b"2").unwrap();
    w.unset("b").unwrap();
    w.set("c", b"1").unwrap();
}

#[test]
fn create_refuses_an_existing_name_bad_geometry_and_a_nul_in_the_name() {
    let n = Name::shm("exists");
    let w = n.create(4, 8);
    w.set("k", b"kept").unwrap();
    let again = Bus::<Writer>::create(n.backing, &n.name, &CreateOptions::new(4, 8));
    assert_eq!(again.unwrap_err().status(), Status::Exists);
    assert_eq!(w.get("k").unwrap().unwrap().bytes, b"kept");
    let bad = Name::shm("zero-slots");
    let zero = Bus::<Writer>::create(bad.backing, &bad.name, &CreateOptions::new(0, 8));
    assert_eq!(zero.unwrap_err().status(), Status::Invalid);
    assert_eq!(Bus::<Reader>::open(Backing::Shm, "a\0b").unwrap_err().status(), Status::Invalid);
}

#[test]
fn a_file_bus_keeps_its_contents_after_every_handle_is_closed() {
    let n = Name::file("persist");
    let w = n.create(8, 16);
    let e = w.set("k", b"durable").unwrap();
    w.flush().unwrap();
    drop(w);
    assert_eq!(n.reader().get("k").unwrap().unwrap().epoch, e);
}

#[test]
fn destroy_removes_the_name_and_open_handles_keep_working() {
    let n = Name::shm("destroy");
    let w = n.create(8, 16);
    let r = n.reader();
    drop(w);
    splinter::destroy(n.backing, &n.name).unwrap();
    assert_eq!(Bus::<Reader>::open(n.backing, &n.name).unwrap_err().status(), Status::NoBus);
    assert_eq!(r.get("k").unwrap(), None);
}

#[test]
fn check_and_recover_of_a_clean_bus_find_nothing() {
    let n = Name::file("clean");
    let mut w = n.create(8, 16);
    w.set("k", b"v").unwrap();
    assert!(w.check().unwrap().is_clean());
    drop(w);
    assert!(splinter::check(n.backing, &n.name).unwrap().is_clean());
    let r = splinter::recover(n.backing, &n.name).unwrap();
    assert_eq!((r.findings.len(), r.repaired, r.rolled_back, r.dropped), (0, 0, 0, 0));
}

#[test]
fn a_damaged_value_is_found_refused_and_dropped_by_recovery() {
    let n = Name::file("damaged");
    let w = n.create(8, 64);
    let marker = b"a value whose bytes are easy to find";
    w.set("victim", &marker[..]).unwrap();
    w.set("bystander", b"intact").unwrap();
    drop(w);
    // Flip one byte of the stored value: its checksum no longer matches.
    let path = PathBuf::from(&n.name);
    let mut bytes = std::fs::read(&path).unwrap();
    let at = bytes.windows(marker.len()).position(|w| w == marker).expect("the value in the file");
    bytes[at] ^= 0x20;
    std::fs::write(&path, &bytes).unwrap();

    assert_eq!(n.reader().get("victim").unwrap_err().status(), Status::Corrupt);
    assert_eq!(Bus::<Writer>::open(n.backing, &n.name).unwrap_err().status(), Status::Corrupt);
    let found = splinter::check(n.backing, &n.name).unwrap();
    assert_eq!(found.worst, Some(Severity::Unrecoverable));
    assert_eq!(found.findings.len(), 1);
    let f = &found.findings[0];
    assert_eq!((f.key.as_str(), f.fix, f.slot.is_some()), ("victim", Fix::Drop, true));

    let fixed = splinter::recover(n.backing, &n.name).unwrap();
    assert_eq!((fixed.dropped, fixed.findings.len()), (1, 1));
    assert!(splinter::check(n.backing, &n.name).unwrap().is_clean());
    let r = n.reader();
    assert_eq!(r.get("victim").unwrap(), None);
    assert_eq!(r.get("bystander").unwrap().unwrap().bytes, b"intact");
}

#[test]
fn a_system_error_carries_errno_as_its_source() {
    use std::error::Error as _;
    let err = Bus::<Writer>::create(Backing::File, "/nonexistent-dir/x.bus", &CreateOptions::new(4, 4)).unwrap_err();
    assert_eq!(err.status(), Status::System);
    let source = err.source().unwrap().downcast_ref::<std::io::Error>().unwrap();
    assert_eq!(source.raw_os_error(), Some(2)); // ENOENT
    assert!(err.to_string().starts_with("SYSTEM: "), "{}", err);
}

#[test]
fn spin_budget_is_checked_by_the_library() {
    let n = Name::shm("spin");
    let mut r = {
        let _w = n.create(4, 4);
        n.reader()
    };
    r.set_spin(Duration::from_secs(1)).unwrap();
    r.set_spin(Duration::ZERO).unwrap();
    assert_eq!(r.set_spin(Duration::from_micros(1_000_001)).unwrap_err().status(), Status::Invalid);
}

#[test]
fn a_shared_writer_takes_sets_from_many_threads() {
    let n = Name::shm("threads");
    let w = std::sync::Arc::new(n.create(256, 16));
    std::thread::scope(|s| {
        for t in 0..4 {
            let w = std::sync::Arc::clone(&w);
            s.spawn(move || {
                for i in 0..50 {
                    w.set(format!("{}/{}", t, i), b"v").unwrap();
                }
            });
        }
    });
    assert_eq!(w.epoch(), 200);
    assert_eq!(n.reader().info().unwrap().live_keys, 200);
}

#[test]
fn a_prepared_key_reads_and_writes_as_its_key_and_a_garbled_one_is_invalid() {
    for name in [Name::shm("prepared"), Name::file("prepared")] {
        let w = name.create(8, 16);
        let r = name.reader();
        let key = splinter::PreparedKey::new("hot").unwrap();
        let e = w.set_prepared(&key, b"v1").unwrap();
        assert_eq!(r.get("hot").unwrap().unwrap().bytes, b"v1");
        let mut buf = [0u8; 16];
        assert_eq!(r.get_into_prepared(&key, &mut buf).unwrap(), Some(Found { len: 2, epoch: e }));
        assert_eq!(r.get_into_prepared(&key, &mut buf[..1]).unwrap_err().needed_len(), Some(2));
        assert_eq!(r.poll_prepared(&key, e, Some(Duration::ZERO)).unwrap(), None);
        let moved = std::thread::scope(|s| s.spawn(|| r.get_into_prepared(&key, &mut [0u8; 16])).join().unwrap());
        assert_eq!(moved.unwrap(), Some(Found { len: 2, epoch: e }));
        let mut raw = *key.as_raw();
        raw.opaque[4] ^= 1 << 7;
        let bad = splinter::PreparedKey::from_raw(raw);
        assert_eq!(r.get_into_prepared(&bad, &mut buf).unwrap_err().status(), Status::Invalid);
        assert_eq!(w.set_prepared(&bad, b"x").unwrap_err().status(), Status::Invalid);
        assert_eq!(w.unset_prepared(&key).unwrap(), Some(e + 1));
        assert_eq!(r.get("hot").unwrap(), None);
    }
}
