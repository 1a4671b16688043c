//! Making server-controlled text safe to show: one line, bounded length.
//!
//! Error ids, messages, JSON paths and excerpts come from the network. Whatever they hold, an error's `Display`
//! stays one line of bounded size, so a hostile or broken server cannot forge extra log lines or flood them.

/// `text` with every run of whitespace or control characters collapsed to one space, trimmed.
pub(crate) fn one_line(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// [`one_line`], cut to at most `max_chars` characters with `...` marking the cut.
pub(crate) fn one_line_clipped(text: &str, max_chars: usize) -> String {
    let line = one_line(text);
    match line.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}...", &line[..cut]),
        None => line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_and_newlines_become_single_spaces() {
        assert_eq!(one_line("  a\nb\r\n\tc\u{0}d\u{1b}[31m  "), "a b c d [31m");
        assert_eq!(one_line(""), "");
    }

    #[test]
    fn clipping_counts_characters_not_bytes() {
        assert_eq!(one_line_clipped("ééééé", 3), "ééé...");
        assert_eq!(one_line_clipped("abc", 3), "abc");
        assert_eq!(one_line_clipped("a\nb", 10), "a b");
    }
}
