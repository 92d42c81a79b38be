//! The adapter runs where the library was found: an rpath to the directory
//! the `splinter` crate linked from (its `links` metadata), if any.
fn main() {
    println!("cargo:rerun-if-env-changed=DEP_SPLINTER_LIB_DIR");
    if let Ok(dir) = std::env::var("DEP_SPLINTER_LIB_DIR") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{}", dir);
    }
}
