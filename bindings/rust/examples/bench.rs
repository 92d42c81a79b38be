//! What the binding costs over the C calls: get and set through the safe API
//! and through `sys` directly, in one run, on the table of
//! bench/bench_splinter_ops.cpp's headline case (1024 slots, load 50 %, 16-byte
//! keys, 64-byte values, keys visited in a shuffled order).
//!
//!     SPLINTER_LIB_DIR=$PWD/../../build/release/src cargo run --release --example bench [REPS]
//!
//! Each figure is the median over REPS (default 9) repetitions of a loop over
//! every key, timed by the thread's CPU clock (not inflated when a shared
//! machine preempts the thread), in ns per operation; "±" is half the
//! min-max range, relative to the median. Speed claims come from here or
//! from bench/ (Google Benchmark), never from tests.
use splinter::{sys, Backing, Bus, CreateOptions, Key, Reader, Writer};
use std::os::raw::{c_int, c_long};

#[repr(C)]
struct Timespec {
    sec: c_long,
    nsec: c_long,
}
extern "C" {
    fn clock_gettime(clock: c_int, ts: *mut Timespec) -> c_int;
}
const CLOCK_THREAD_CPUTIME_ID: c_int = 3;

fn cpu_ns() -> f64 {
    let mut ts = Timespec { sec: 0, nsec: 0 };
    // SAFETY: a valid out-pointer; this clock exists on Linux.
    let rc = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0);
    ts.sec as f64 * 1e9 + ts.nsec as f64
}

/// Keeps `v` alive for the optimiser (std::hint::black_box is newer than the MSRV).
fn sink<T: Copy>(v: T) {
    let mut slot = v;
    // SAFETY: a volatile write to a local.
    unsafe { std::ptr::write_volatile(&mut slot, v) };
}

const SLOTS: u32 = 1024;
const LIVE: usize = 512;
const VALUE: usize = 64;
const ROUNDS: usize = 4000; // loops over the 512 keys per repetition: ~2 M operations

fn key_text(i: usize) -> String {
    format!("k{:015}", i) // 16 bytes
}

struct Case<'a> {
    name: &'a str,
    run: Box<dyn FnMut() + 'a>,
}

fn main() {
    let reps: usize = std::env::args().nth(1).map_or(9, |a| a.parse().expect("REPS"));
    let name = format!("rs-bench-{}", std::process::id());
    let writer = Bus::<Writer>::create(Backing::Shm, &name, &CreateOptions::new(SLOTS, VALUE as u32)).unwrap();
    let reader = Bus::<Reader>::open(Backing::Shm, &name).unwrap();
    // A shuffled visiting order (fixed LCG).
    let mut order: Vec<usize> = (0..LIVE).collect();
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for i in (1..order.len()).rev() {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        order.swap(i, (x >> 33) as usize % (i + 1));
    }
    let texts: Vec<String> = order.iter().map(|&i| key_text(i)).collect();
    let keys: Vec<Key> = texts.iter().map(|t| Key::new(t).unwrap()).collect();
    let value = [0x5au8; VALUE];
    for k in &keys {
        writer.set(k, value).unwrap();
    }
    let info = reader.info().unwrap();
    assert_eq!(info.live_keys as usize, LIVE);

    let raw_reader = reader.as_raw();
    let raw_writer = writer.as_raw();
    let mut buf = [0u8; VALUE];
    let mut cases: Vec<Case> = vec![
        Case {
            name: "get 64 B: sys::splinter_get (the C call from Rust)",
            run: Box::new(|| {
                for k in &keys {
                    let mut len = 0usize;
                    // SAFETY: open handle, NUL-terminated key, buffer of VALUE bytes.
                    let rc = unsafe {
                        sys::splinter_get(
                            raw_reader,
                            k.as_c_str().as_ptr(),
                            buf.as_mut_ptr().cast(),
                            VALUE,
                            &mut len,
                            std::ptr::null_mut(),
                        )
                    };
                    assert_eq!(rc, 0);
                    sink(len);
                }
            }),
        },
        Case {
            name: "get 64 B: Bus::get_into with a Key",
            run: Box::new(|| {
                let mut b = [0u8; VALUE];
                for k in &keys {
                    sink(reader.get_into(k, &mut b).unwrap().unwrap().len);
                }
            }),
        },
        Case {
            name: "get 64 B: Bus::get_into with a &str",
            run: Box::new(|| {
                let mut b = [0u8; VALUE];
                for t in &texts {
                    sink(reader.get_into(t.as_str(), &mut b).unwrap().unwrap().len);
                }
            }),
        },
        Case {
            name: "get 64 B: Bus::get (allocates the Value)",
            run: Box::new(|| {
                for k in &keys {
                    sink(reader.get(k).unwrap().unwrap().bytes.len());
                }
            }),
        },
        Case {
            name: "set 64 B: sys::splinter_set (the C call from Rust)",
            run: Box::new(|| {
                for k in &keys {
                    // SAFETY: open writer handle, NUL-terminated key, VALUE bytes.
                    let rc = unsafe {
                        sys::splinter_set(
                            raw_writer,
                            k.as_c_str().as_ptr(),
                            value.as_ptr().cast(),
                            VALUE,
                            std::ptr::null_mut(),
                        )
                    };
                    assert_eq!(rc, 0);
                }
            }),
        },
        Case {
            name: "set 64 B: Bus::set with a Key",
            run: Box::new(|| {
                for k in &keys {
                    sink(writer.set(k, value).unwrap());
                }
            }),
        },
    ];

    let mut samples: Vec<Vec<f64>> = vec![Vec::new(); cases.len()];
    for _ in 0..reps {
        // Interleaved: every case once per repetition, so a busy spell of the
        // machine spreads over all of them.
        for (c, s) in cases.iter_mut().zip(samples.iter_mut()) {
            let t0 = cpu_ns();
            for _ in 0..ROUNDS {
                (c.run)();
            }
            s.push((cpu_ns() - t0) / (ROUNDS * LIVE) as f64);
        }
    }
    println!("splinter {} (Rust binding), {} repetitions of {} operations each", splinter::library_version(), reps, ROUNDS * LIVE);
    println!("table: {} slots, {} live keys of 16 B, values of {} B, longest probe {}", SLOTS, LIVE, VALUE, info.longest_probe);
    for (c, s) in cases.iter().zip(samples.iter_mut()) {
        s.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let median = s[s.len() / 2];
        let spread = (s[s.len() - 1] - s[0]) / 2.0 / median * 100.0;
        println!("{:>8.1} ns  ±{:>4.1} %  {}", median, spread, c.name);
    }
    drop(cases);
    drop((writer, reader));
    splinter::destroy(Backing::Shm, &name).unwrap();
}
