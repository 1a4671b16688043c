//! Link options for the `oxido` binary.
//!
//! The generated command table and the embedded emulator hold well over 100,000 pointers in
//! static data (`&'static str` tables). In a position-independent executable each is a
//! relative relocation that the loader applies at every start, stored as a 24-byte
//! `.rela.dyn` entry: about 4 MB of the binary. `-z pack-relative-relocs` (GNU ld 2.38,
//! lld 15) stores them as a bitmap of a few kilobytes (DT_RELR), which the loader reads
//! faster too. The resulting binary needs a loader that knows DT_RELR (glibc 2.36), so the
//! option is used only when a probe linked with it runs on the build machine: a linker or
//! C library without it gets the ordinary binary.

use std::path::PathBuf;
use std::process::{Command, Stdio};

const FLAG: &str = "-Wl,-z,pack-relative-relocs";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    // Only a native Linux build can run the probe (and only ELF linkers take the option).
    if var("CARGO_CFG_TARGET_OS") != "linux" || var("TARGET") != var("HOST") {
        return;
    }
    let out = PathBuf::from(var("OUT_DIR"));
    if relr_works(&out) {
        println!("cargo:rustc-link-arg-bins={FLAG}");
    }
}

/// Links a small position-independent program holding a relative relocation with the
/// option, and runs it: true only if both work and the loader applied the relocation.
fn relr_works(out: &std::path::Path) -> bool {
    let source = out.join("relr_probe.c");
    let program = out.join("relr_probe");
    let text = "static int value = 7;\nint *pointers[] = { &value, &value };\n\
                int main(void) { return *pointers[0] + *pointers[1] == 14 ? 0 : 1; }\n";
    if std::fs::write(&source, text).is_err() {
        return false;
    }
    // rustc links through `cc` on Linux unless told otherwise; so does the probe.
    let linker = std::env::var("RUSTC_LINKER").unwrap_or_else(|_| "cc".to_owned());
    let linked = Command::new(linker)
        .args(["-fPIE", "-pie", FLAG, "-o"])
        .arg(&program)
        .arg(&source)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    linked
        && Command::new(&program)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
}
