//! Misuse of the SDK's types that must not compile (issue 17): required arguments that could be swapped
//! silently, a tag that a variant implies given again, and read-only fields in a create body. Each case
//! in `tests/cases/` has the compiler's answer beside it (`.stderr`); after a deliberate change of
//! a message, `TRYBUILD=overwrite cargo test -p oxido-compile-fail` rewrites them.

use std::process::Command;

/// The compiler whose messages the `.stderr` files hold.
const PINNED: &str = "rustc 1.95.";

/// Whether the compiler running the cases is the one the `.stderr` files were written by.
fn pinned_compiler() -> bool {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .is_some_and(|version| version.starts_with(PINNED))
}

#[test]
fn misuse_does_not_compile() {
    if !pinned_compiler() && std::env::var_os("TRYBUILD").is_none() {
        // Another compiler words its errors differently: every case must still fail to
        // compile, but its message is not compared (trybuild rewrites the `.stderr`).
        // SAFETY: set before trybuild starts, while this test's thread is the only one
        // that reads the environment.
        unsafe { std::env::set_var("TRYBUILD", "overwrite") };
    }
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/cases/*.rs");
}
