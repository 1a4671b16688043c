//! Misuse of the SDK's types that must not compile (issue 17): required arguments that could be swapped
//! silently, a tag that a variant implies given again, and read-only fields in a create body. Each case
//! in `tests/cases/` has the compiler's answer beside it (`.stderr`); after a deliberate change of
//! a message, `TRYBUILD=overwrite cargo test -p oxido-compile-fail` rewrites them.

#[test]
fn misuse_does_not_compile() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/cases/*.rs");
}
