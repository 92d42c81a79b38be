//! Two processes on one bus: a writer and a reader, each in its own process.
//!
//! The test binary is also the child: `two_process --child ROLE NAME`. The
//! parent and the child coordinate only through events (a line on a pipe, a
//! bus state, a process exit), never by waiting a duration. Its own main
//! (harness = false) prints results the way libtest does.
use splinter::{Backing, Bus, CreateOptions, Reader, Status, Writer};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Duration;

/// A child process of this binary, talked to line by line.
struct Peer {
    child: Child,
    to: Option<ChildStdin>,
    from: BufReader<ChildStdout>,
}

impl Peer {
    fn spawn(role: &str, name: &str) -> Peer {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--child", role, name])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawning the child process");
        let to = child.stdin.take();
        let from = BufReader::new(child.stdout.take().unwrap());
        Peer { child, to, from }
    }

    /// The child's next line; fails if it exited instead.
    fn line(&mut self) -> String {
        let mut s = String::new();
        let n = self.from.read_line(&mut s).unwrap();
        assert!(n > 0, "the child exited early ({:?})", self.child.try_wait());
        s.trim_end().to_string()
    }

    fn say(&mut self, line: &str) {
        let to = self.to.as_mut().unwrap();
        writeln!(to, "{}", line).unwrap();
        to.flush().unwrap();
    }

    /// Closes the child's input and expects it to exit with status 0.
    fn exits_cleanly(mut self) {
        drop(self.to.take());
        assert!(self.child.wait().unwrap().success());
    }
}

impl Drop for Peer {
    /// A failed scenario leaves no child behind.
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn bus_name(tag: &str) -> String {
    format!("rs-2proc-{}-{}", std::process::id(), tag)
}

/// Destroys the bus when the scenario ends, whatever happened.
struct Cleanup(String);
impl Drop for Cleanup {
    fn drop(&mut self) {
        let _ = splinter::destroy(Backing::Shm, &self.0);
    }
}

fn a_reader_process_sees_each_set_of_the_writer_process() {
    let name = bus_name("reader");
    let _cleanup = Cleanup(name.clone());
    let writer = Bus::<Writer>::create(Backing::Shm, &name, &CreateOptions::new(16, 64)).unwrap();
    let mut reader = Peer::spawn("reader", &name);
    assert_eq!(reader.line(), "seen 0 -");
    for i in 1..=5 {
        let value = format!("v{}", i);
        let epoch = writer.set("k", value.as_bytes()).unwrap();
        // The reader was blocked in poll (or about to be): it wakes and reads
        // exactly this value, at exactly this epoch.
        assert_eq!(reader.line(), format!("seen {} {}", epoch, value));
    }
    let epoch = writer.set("k", b"stop").unwrap();
    assert_eq!(reader.line(), format!("seen {} stop", epoch));
    reader.exits_cleanly();
}

fn a_writer_process_holds_the_role_until_it_dies() {
    let name = bus_name("writer");
    let _cleanup = Cleanup(name.clone());
    drop(Bus::<Writer>::create(Backing::Shm, &name, &CreateOptions::new(16, 64)).unwrap());
    let mut writer = Peer::spawn("writer", &name);
    assert_eq!(writer.line(), "ready");

    let reader = Bus::<Reader>::open(Backing::Shm, &name).unwrap();
    assert_eq!(reader.info().unwrap().writer_pid, Some(writer.child.id()));
    let second = Bus::<Writer>::open(Backing::Shm, &name);
    assert_eq!(second.unwrap_err().status(), Status::Busy);

    writer.say("set k hello");
    let epoch: u64 = writer.line().strip_prefix("ok ").unwrap().parse().unwrap();
    let v = reader.get("k").unwrap().unwrap();
    assert_eq!((v.bytes.as_slice(), v.epoch), (&b"hello"[..], epoch));

    // SIGKILL: the writer never closes. Its claim dies with it.
    writer.child.kill().unwrap();
    writer.child.wait().unwrap();
    let next = Bus::<Writer>::open(Backing::Shm, &name).unwrap();
    assert_eq!(next.get("k").unwrap().unwrap().bytes, b"hello");
    assert_eq!(reader.info().unwrap().writer_pid, Some(std::process::id()));
}

/// Child: reads "k" and reports each state it sees, until the value "stop".
fn child_reader(name: &str) {
    let bus = Bus::<Reader>::open(Backing::Shm, name).unwrap();
    let mut out = std::io::stdout();
    loop {
        let (epoch, text) = match bus.get("k").unwrap() {
            Some(v) => (v.epoch, String::from_utf8(v.bytes).unwrap()),
            None => (0, "-".to_string()),
        };
        writeln!(out, "seen {} {}", epoch, text).unwrap();
        out.flush().unwrap();
        if text == "stop" {
            return;
        }
        // A bound so that a lost wake-up fails the test instead of hanging it.
        let woke = bus.poll("k", epoch, Some(Duration::from_secs(120))).unwrap();
        assert!(woke.is_some(), "no change of k within 120 s");
    }
}

/// Child: holds the writer role and runs "set KEY VALUE" lines from stdin.
fn child_writer(name: &str) {
    let bus = Bus::<Writer>::open(Backing::Shm, name).unwrap();
    let mut out = std::io::stdout();
    writeln!(out, "ready").unwrap();
    out.flush().unwrap();
    for line in std::io::stdin().lock().lines() {
        let line = line.unwrap();
        let mut words = line.splitn(3, ' ');
        assert_eq!(words.next(), Some("set"));
        let (k, v) = (words.next().unwrap(), words.next().unwrap());
        writeln!(out, "ok {}", bus.set(k, v.as_bytes()).unwrap()).unwrap();
        out.flush().unwrap();
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() == 4 && args[1] == "--child" {
        match args[2].as_str() {
            "reader" => child_reader(&args[3]),
            "writer" => child_writer(&args[3]),
            r => panic!("unknown child role {}", r),
        }
        return;
    }
    let tests: [(&str, fn()); 2] = [
        ("a_reader_process_sees_each_set_of_the_writer_process", a_reader_process_sees_each_set_of_the_writer_process),
        ("a_writer_process_holds_the_role_until_it_dies", a_writer_process_holds_the_role_until_it_dies),
    ];
    if args.iter().any(|a| a == "--list") {
        for (name, _) in tests {
            println!("{}: test", name);
        }
        return;
    }
    // Plain arguments filter by substring, as libtest does; flags are ignored.
    let filters: Vec<&String> = args[1..].iter().filter(|a| !a.starts_with('-')).collect();
    let chosen: Vec<_> = tests
        .iter()
        .filter(|(name, _)| filters.is_empty() || filters.iter().any(|f| name.contains(f.as_str())))
        .collect();
    println!("\nrunning {} tests", chosen.len());
    let mut failed = Vec::new();
    for (name, test) in &chosen {
        let ok = std::panic::catch_unwind(test).is_ok();
        println!("test {} ... {}", name, if ok { "ok" } else { "FAILED" });
        if !ok {
            failed.push(*name);
        }
    }
    let passed = chosen.len() - failed.len();
    println!(
        "\ntest result: {}. {} passed; {} failed; 0 ignored; 0 measured; {} filtered out\n",
        if failed.is_empty() { "ok" } else { "FAILED" },
        passed,
        failed.len(),
        tests.len() - chosen.len()
    );
    if !failed.is_empty() {
        std::process::exit(101);
    }
}
