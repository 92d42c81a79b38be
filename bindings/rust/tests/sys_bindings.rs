//! The raw declarations (src/sys/generated.rs) are those of splinter.h.
//!
//! 1. `gen-sys --stdout` (bindgen over the header) reproduces the committed
//!    file exactly: every function, type, constant and struct layout. Needs
//!    Debian's `bindgen` and `rustfmt`; without them the test says so and
//!    passes, unless SPLINTER_REQUIRE_BINDGEN is set (ci/test-rust sets it).
//! 2. Without any tool: every function the header declares is declared in
//!    the generated file and the other way round, and every status code of
//!    the header has its `Status`.
//!
//! Each has a negative control: a header with one more function must make
//! the check fail.
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn header_path() -> PathBuf {
    crate_dir().join("../../include/splinter/splinter.h")
}

fn committed() -> String {
    std::fs::read_to_string(crate_dir().join("src/sys/generated.rs")).expect("src/sys/generated.rs")
}

/// Runs gen-sys --stdout on `header` (None: splinter.h). None if bindgen or
/// rustfmt is missing and the caller did not require them.
fn generate(header: Option<&Path>) -> Option<String> {
    let mut cmd = Command::new(crate_dir().join("gen-sys"));
    cmd.arg("--stdout");
    if let Some(h) = header {
        cmd.env("SPLINTER_HEADER", h);
    }
    let out = cmd.output().expect("running bindings/rust/gen-sys");
    if out.status.code() == Some(2) && std::env::var_os("SPLINTER_REQUIRE_BINDGEN").is_none() {
        eprintln!(
            "skipped: {} (set SPLINTER_REQUIRE_BINDGEN=1 to make this a failure)",
            String::from_utf8_lossy(&out.stderr).trim()
        );
        return None;
    }
    assert!(out.status.success(), "gen-sys failed: {}", String::from_utf8_lossy(&out.stderr));
    Some(String::from_utf8(out.stdout).expect("UTF-8 output"))
}

/// The first line where two texts differ, for the failure message.
fn first_difference(a: &str, b: &str) -> String {
    for (i, (x, y)) in a.lines().zip(b.lines()).enumerate() {
        if x != y {
            return format!("line {}:\n  committed: {}\n  generated: {}", i + 1, x, y);
        }
    }
    format!("lengths differ: {} vs {} lines", a.lines().count(), b.lines().count())
}

/// A header that includes splinter.h and declares one more function.
fn header_with_extra_call() -> PathBuf {
    let path = std::env::temp_dir().join(format!("splinter-extra-{}.h", std::process::id()));
    let text = format!(
        "#include \"{}\"\nint splinter_not_declared_yet(const splinter_bus *bus, uint64_t since);\n",
        header_path().canonicalize().unwrap().display()
    );
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn generated_file_is_what_bindgen_makes_of_the_header() {
    let generated = match generate(None) {
        Some(g) => g,
        None => return,
    };
    let committed = committed();
    assert!(
        generated == committed,
        "src/sys/generated.rs is stale: run bindings/rust/gen-sys and commit it ({})",
        first_difference(&committed, &generated)
    );
}

#[test]
fn regeneration_sees_a_new_function_of_the_header() {
    // Negative control of the test above.
    let header = header_with_extra_call();
    let generated = generate(Some(&header));
    std::fs::remove_file(&header).unwrap();
    let generated = match generated {
        Some(g) => g,
        None => return,
    };
    assert!(generated.contains("pub fn splinter_not_declared_yet("));
    assert_ne!(generated, committed());
}

/// Names of the functions a header declares: every declaration of the API
/// is `... SPLINTER_API <type> name(...)`.
fn header_functions(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for line_start in text.split("SPLINTER_API ").skip(1) {
        let decl = &line_start[..line_start.find(['(', '\n']).unwrap_or(line_start.len())];
        let name = decl.rsplit([' ', '*']).next().unwrap();
        // (The macro's own definition, `SPLINTER_API __attribute__(...)`, is
        // not a declaration.)
        if line_start[decl.len()..].starts_with('(') && name.starts_with("splinter_") {
            names.insert(name.to_string());
        }
    }
    names
}

fn generated_functions(text: &str) -> BTreeSet<String> {
    text.split("pub fn ")
        .skip(1)
        .map(|s| s[..s.find('(').unwrap()].to_string())
        .filter(|n| n.starts_with("splinter_"))
        .collect()
}

fn missing_declarations(header: &str, generated: &str) -> Vec<String> {
    let (h, g) = (header_functions(header), generated_functions(generated));
    h.symmetric_difference(&g).cloned().collect()
}

#[test]
fn every_function_of_the_header_is_declared_and_no_other() {
    let header = std::fs::read_to_string(header_path()).unwrap();
    let funcs = header_functions(&header);
    assert!(funcs.contains("splinter_get") && funcs.contains("splinter_version"), "{:?}", funcs);
    assert!(funcs.len() >= 20, "the header scan found only {:?}", funcs);
    assert_eq!(missing_declarations(&header, &committed()), Vec::<String>::new());
}

#[test]
fn a_function_missing_from_the_declarations_is_found() {
    // Negative control of the test above.
    let header = std::fs::read_to_string(header_path()).unwrap()
        + "\nSPLINTER_API int splinter_not_declared_yet(const splinter_bus *bus, uint64_t since);\n";
    assert_eq!(missing_declarations(&header, &committed()), ["splinter_not_declared_yet"]);
}

/// `SPLINTER_E_NAME = -N` pairs of the generated constants.
fn status_codes(generated: &str) -> Vec<(String, i32)> {
    generated
        .lines()
        .filter_map(|l| l.strip_prefix("pub const SPLINTER_E_"))
        .map(|l| {
            let name = &l[..l.find(':').unwrap()];
            let value = l[l.find('=').unwrap() + 1..].trim().trim_end_matches(';');
            (name.to_string(), value.parse().unwrap())
        })
        .collect()
}

#[test]
fn every_status_code_of_the_header_has_its_status() {
    let codes = status_codes(&committed());
    assert!(codes.len() >= 16, "{:?}", codes);
    for (name, code) in codes {
        let status = splinter::Status::from_code(code).unwrap();
        assert_eq!(status.name(), name, "code {}", code);
        assert_eq!(status.code(), code);
    }
}

#[test]
fn an_unknown_status_code_is_kept_as_unknown() {
    // Negative control: what the test above would see for a code added to
    // the header but not to Status: the code after the header's last one.
    let next = status_codes(&committed()).iter().map(|&(_, c)| c).min().unwrap() - 1;
    assert_eq!(splinter::Status::from_code(next), Some(splinter::Status::Unknown(next)));
    assert_eq!(splinter::Status::Unknown(next).name(), "UNKNOWN");
}
