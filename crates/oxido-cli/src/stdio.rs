//! Every byte this binary writes to stdout or stderr goes through here.
//!
//! `println!`/`eprintln!` panic when the stream is a closed pipe (`oxido ... | head -1`) or a
//! full disk (`2>/dev/full`), which would turn any documented exit status into 101. Here:
//! - stdout (results): a reader that went away is not an error, the command keeps its status;
//!   any other failure (a full disk) is returned, because the result was lost.
//! - stderr (progress, notices, the error line): failures are dropped; a lost diagnostic
//!   must not change the exit status. The crate denies `print!`-style macros so nothing
//!   bypasses this module.

use std::io::{self, Write};

/// Writes a result to stdout. A closed pipe counts as written.
pub fn out(text: &[u8]) -> io::Result<()> {
    write_to(&mut io::stdout().lock(), text)
}

/// Writes one line (a newline is added) to stderr, ignoring every failure.
pub fn err_line(line: &str) {
    let mut text = String::with_capacity(line.len() + 1);
    text.push_str(line);
    text.push('\n');
    let _ = write_to(&mut io::stderr().lock(), text.as_bytes());
}

/// Writes a prompt (no newline) to stderr, ignoring every failure.
pub fn err_prompt(text: &str) {
    let _ = write_to(&mut io::stderr().lock(), text.as_bytes());
}

fn write_to(stream: &mut impl Write, text: &[u8]) -> io::Result<()> {
    match stream.write_all(text).and_then(|()| stream.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Failing(io::ErrorKind);

    impl Write for Failing {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::from(self.0))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_closed_pipe_is_not_an_error_but_a_full_disk_is() {
        assert!(write_to(&mut Failing(io::ErrorKind::BrokenPipe), b"x").is_ok());
        let full = write_to(&mut Failing(io::ErrorKind::StorageFull), b"x");
        assert_eq!(full.unwrap_err().kind(), io::ErrorKind::StorageFull);
    }
}
