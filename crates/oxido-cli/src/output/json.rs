//! JSON output: exactly what the SDK's types serialize to, pretty-printed, one trailing newline.

use std::io;

use serde::Serialize;

/// Pretty JSON of a value, ending in a newline.
pub fn pretty<T: Serialize + ?Sized>(value: &T) -> io::Result<String> {
    let mut text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
    text.push('\n');
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_arrays_and_end_with_a_newline() {
        assert_eq!(pretty(&[1, 2]).unwrap(), "[\n  1,\n  2\n]\n");
        let empty: [u8; 0] = [];
        assert_eq!(pretty(&empty).unwrap(), "[]\n");
    }
}
