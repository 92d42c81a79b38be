//! Finds libsplinter and tells rustc how to link it.
//!
//! - `SPLINTER_LIB_DIR=DIR`: the directory holding `libsplinter.so` (a CMake
//!   build tree: `build/release/src`). The crate's own tests, examples and
//!   binaries get an rpath to it, so they run without `LD_LIBRARY_PATH`.
//! - otherwise `pkg-config splinter` (`$PKG_CONFIG` overrides the command;
//!   `PKG_CONFIG_PATH` finds an install prefix that is not the system's).
//! - otherwise a plain `-lsplinter`, with a warning.
//!
//! Shared by default; the `static` feature links `libsplinter.a` and what it
//! needs (xxhash and the C++ runtime).
use std::env;
use std::path::Path;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    for var in ["SPLINTER_LIB_DIR", "PKG_CONFIG", "PKG_CONFIG_PATH"] {
        println!("cargo:rerun-if-env-changed={}", var);
    }
    let want_static = env::var_os("CARGO_FEATURE_STATIC").is_some();
    let kind = if want_static { "static" } else { "dylib" };

    let mut dirs: Vec<String> = Vec::new();
    let mut libs: Vec<String> = Vec::new();
    if let Some(dir) = env::var_os("SPLINTER_LIB_DIR") {
        let dir = Path::new(&dir);
        let lib = if want_static { "libsplinter.a" } else { "libsplinter.so" };
        if !dir.join(lib).exists() {
            panic!("SPLINTER_LIB_DIR={}: no {} there", dir.display(), lib);
        }
        dirs.push(dir.display().to_string());
        libs.push("splinter".to_string());
        if want_static {
            libs.push("xxhash".to_string());
        }
    } else if let Some((d, l)) = pkg_config(want_static) {
        dirs = d;
        libs = l;
    } else {
        println!(
            "cargo:warning=libsplinter not found by pkg-config and SPLINTER_LIB_DIR is not set: \
             linking -lsplinter from the default search path"
        );
        libs.push("splinter".to_string());
        if want_static {
            libs.push("xxhash".to_string());
        }
    }

    for dir in &dirs {
        println!("cargo:rustc-link-search=native={}", dir);
        // Only this package's tests, examples and binaries: a dependent
        // crate sets its own run-time search path.
        println!("cargo:rustc-link-arg=-Wl,-rpath,{}", dir);
    }
    for lib in &libs {
        if lib == "splinter" {
            println!("cargo:rustc-link-lib={}=splinter", kind);
        } else {
            println!("cargo:rustc-link-lib=dylib={}", lib);
        }
    }
    if want_static {
        // libsplinter is C++: its static archive needs the C++ runtime.
        println!("cargo:rustc-link-lib=dylib=stdc++");
    }
    if let Some(dir) = dirs.first() {
        // DEP_SPLINTER_LIB_DIR for crates that depend on this one.
        println!("cargo:lib_dir={}", dir);
    }
}

/// `pkg-config --libs splinter`, split into search directories and libraries.
fn pkg_config(want_static: bool) -> Option<(Vec<String>, Vec<String>)> {
    let cmd = env::var("PKG_CONFIG").unwrap_or_else(|_| "pkg-config".to_string());
    let mut c = Command::new(cmd);
    c.arg("--libs");
    if want_static {
        c.arg("--static");
    }
    let out = c.arg("splinter").output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    let (mut dirs, mut libs) = (Vec::new(), Vec::new());
    for word in text.split_whitespace() {
        if let Some(d) = word.strip_prefix("-L") {
            dirs.push(d.to_string());
        } else if let Some(l) = word.strip_prefix("-l") {
            libs.push(l.to_string());
        }
    }
    if !libs.iter().any(|l| l == "splinter") {
        return None;
    }
    Some((dirs, libs))
}
