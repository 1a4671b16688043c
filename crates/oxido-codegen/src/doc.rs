//! Turns the spec's Markdown descriptions into rustdoc that builds without warnings: fenced code is marked
//! `text` (never a doctest), indentation that would start an indented code block is removed, bare URLs
//! become autolinks, `[x]` that is not a link is escaped, and raw HTML is escaped outside code spans.

/// Cleans `text` into doc lines (without the `///`).
pub fn clean(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut in_fence = false;
    // Width of the current list item's marker: its continuation lines are indented by it.
    let mut list_indent = 0;
    for raw in text.trim().lines() {
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            if in_fence {
                lines.push("```".to_owned());
            } else {
                lines.push("```text".to_owned());
            }
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            lines.push(line.to_owned());
            continue;
        }
        if trimmed.is_empty() {
            list_indent = 0;
            lines.push(String::new());
            continue;
        }
        let cleaned = clean_line(trimmed);
        if let Some(width) = list_marker(trimmed) {
            list_indent = width;
            lines.push(cleaned);
        } else if list_indent > 0 {
            lines.push(format!("{}{cleaned}", " ".repeat(list_indent)));
        } else {
            lines.push(cleaned);
        }
    }
    if in_fence {
        lines.push("```".to_owned());
    }
    // Collapse runs of blank lines and drop leading/trailing ones.
    let mut out: Vec<String> = Vec::new();
    for line in lines {
        if line.is_empty() && out.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        out.push(line);
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out
}

fn clean_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    let mut in_code = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            in_code = !in_code;
            out.push(c);
            i += 1;
            continue;
        }
        if in_code {
            out.push(c);
            i += 1;
            continue;
        }
        // A Markdown link `[text](target)`: keep the text cleaned and the target verbatim.
        if c == '[' {
            if let Some(close) = find(&chars, i + 1, ']') {
                if chars.get(close + 1) == Some(&'(') {
                    if let Some(end) = find(&chars, close + 2, ')') {
                        let text: String = chars[i + 1..close].iter().collect();
                        let target: String = chars[close + 2..end].iter().collect();
                        out.push('[');
                        out.push_str(&clean_line(&text).replace(['[', ']'], ""));
                        out.push_str("](");
                        out.push_str(target.trim());
                        out.push(')');
                        i = end + 1;
                        continue;
                    }
                }
            }
            out.push_str("\\[");
            i += 1;
            continue;
        }
        if c == ']' {
            out.push_str("\\]");
            i += 1;
            continue;
        }
        if starts_url(&chars, i) {
            let mut end = i;
            while end < chars.len()
                && !chars[end].is_whitespace()
                && !matches!(chars[end], '<' | '>' | '"' | '`')
            {
                end += 1;
            }
            while end > i
                && matches!(
                    chars[end - 1],
                    '.' | ',' | ';' | ':' | ')' | '\'' | '!' | '?'
                )
            {
                end -= 1;
            }
            let url: String = chars[i..end].iter().collect();
            out.push('<');
            out.push_str(&url);
            out.push('>');
            i = end;
            continue;
        }
        // An entity in the spec's text is decoded; the result reads as itself in the source.
        if c == '&' {
            if let Some((decoded, len)) = entity(&chars, i) {
                match decoded {
                    '<' => out.push_str("\\<"),
                    '&' => out.push_str("\\&"),
                    other => out.push(other),
                }
                i += len;
                continue;
            }
        }
        // Backslash escapes keep raw HTML and entities from being read as such, and the source readable.
        match c {
            '<' => out.push_str("\\<"),
            '&' if looks_like_entity(&chars, i) => out.push_str("\\&"),
            '\t' => out.push(' '),
            _ => out.push(c),
        }
        i += 1;
    }
    if in_code {
        // An unbalanced backtick would swallow the following line into a code span.
        out = out.replace('`', "'");
    }
    out
}

/// The width of a list item's marker (`- `, `* `, `+ `, `1. `), if the line starts one.
fn list_marker(line: &str) -> Option<usize> {
    if line.starts_with("- ") || line.starts_with("* ") || line.starts_with("+ ") {
        return Some(2);
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && line[digits..].starts_with(". ") {
        return Some(digits + 2);
    }
    None
}

fn find(chars: &[char], from: usize, wanted: char) -> Option<usize> {
    (from..chars.len()).find(|&i| chars[i] == wanted)
}

fn starts_url(chars: &[char], i: usize) -> bool {
    let rest: String = chars[i..chars.len().min(i + 8)].iter().collect();
    rest.starts_with("http://") || rest.starts_with("https://")
}

/// The character an HTML entity at `i` stands for, and the entity's length.
fn entity(chars: &[char], i: usize) -> Option<(char, usize)> {
    let end = (i + 1..chars.len().min(i + 12)).find(|&j| chars[j] == ';')?;
    let name: String = chars[i + 1..end].iter().collect();
    let decoded = match name.as_str() {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "mdash" => '\u{2014}',
        "ndash" => '\u{2013}',
        "hellip" => '\u{2026}',
        numeric => {
            let digits = numeric.strip_prefix('#')?;
            let code = match digits.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => digits.parse().ok()?,
            };
            char::from_u32(code).filter(|c| !c.is_control())?
        }
    };
    Some((decoded, end - i + 1))
}

/// `&name;` or `&#…;` that Markdown would read as an entity.
fn looks_like_entity(chars: &[char], i: usize) -> bool {
    let mut j = i + 1;
    if chars.get(j) == Some(&'#') {
        j += 1;
    }
    let start = j;
    while j < chars.len() && chars[j].is_ascii_alphanumeric() {
        j += 1;
    }
    j > start && chars.get(j) == Some(&';')
}

/// Widest doc text in columns; with `/// ` and up to 4 columns of indentation a line stays within 100.
const WIDTH: usize = 92;

/// Wraps one cleaned line at spaces to [`WIDTH`]. A continuation keeps the item's indentation and
/// never starts with what Markdown would read as a new block (a list marker, heading, quote, table).
fn wrap(line: &str) -> Vec<String> {
    wrap_to(line, WIDTH)
}

fn wrap_to(line: &str, width: usize) -> Vec<String> {
    if line.chars().count() <= width || line.trim_start().starts_with(['|', '#']) {
        return vec![line.to_owned()];
    }
    let body = line.trim_start();
    let lead = line.len() - body.len();
    let indent = " ".repeat(lead + list_marker(body).unwrap_or(0));
    let mut out = Vec::new();
    let mut current = line[..lead].to_owned();
    for word in body.split(' ') {
        let starts_line = current.trim().is_empty();
        let fits = current.chars().count() + 1 + word.chars().count() <= width;
        if starts_line || fits || opens_block(word) {
            if !starts_line {
                current.push(' ');
            }
            current.push_str(word);
        } else {
            out.push(current);
            current = format!("{indent}{word}");
        }
    }
    out.push(current);
    out
}

fn opens_block(word: &str) -> bool {
    matches!(word, "-" | "*" | "+" | "=" | "|" | ">")
        || word.starts_with(['#', '>', '|', '='])
        || word.starts_with("---")
        || (word.len() > 1
            && word.ends_with(['.', ')'])
            && word[..word.len() - 1].chars().all(|c| c.is_ascii_digit()))
}

/// Longest line of a generated Rust file, in columns.
const MAX_COLUMNS: usize = 100;

/// Wraps every `///` line of formatted Rust source that is wider than [`MAX_COLUMNS`], keeping its
/// indentation, outside code fences and tables.
pub fn rewrap_source(source: &str) -> String {
    let mut out = String::with_capacity(source.len() + 1024);
    let mut in_fence = false;
    for line in source.lines() {
        let body = line.trim_start();
        let Some(text) = body
            .strip_prefix("/// ")
            .or_else(|| (body == "///").then_some(""))
        else {
            in_fence = false;
            out.push_str(line);
            out.push('\n');
            continue;
        };
        if text.starts_with("```") {
            in_fence = !in_fence;
        }
        let prefix_len = line.len() - text.len();
        if in_fence || line.chars().count() <= MAX_COLUMNS || prefix_len + 20 > MAX_COLUMNS {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let prefix = &line[..prefix_len];
        for part in wrap_to(text, MAX_COLUMNS - prefix.chars().count()) {
            out.push_str(prefix);
            out.push_str(&part);
            out.push('\n');
        }
    }
    out
}

/// Doc comment lines for `text`, indented by nothing; empty when there is no text.
pub fn doc_comment(text: &str) -> String {
    let mut out = String::new();
    let mut in_fence = false;
    for line in clean(text) {
        if line.starts_with("```") {
            in_fence = !in_fence;
        }
        let lines = if in_fence || line.starts_with("```") {
            vec![line]
        } else {
            wrap(&line)
        };
        for line in lines {
            if line.is_empty() {
                out.push_str("///\n");
            } else {
                out.push_str("/// ");
                out.push_str(&line);
                out.push('\n');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_brackets_html_and_fences() {
        assert_eq!(clean_line("see https://x.io/a."), "see <https://x.io/a>.");
        assert_eq!(clean_line("[docs](https://x.io)"), "[docs](https://x.io)");
        assert_eq!(clean_line("a [b] c"), "a \\[b\\] c");
        assert_eq!(clean_line("<b>x</b> `<y>`"), "\\<b>x\\</b> `<y>`");
        assert_eq!(
            clean_line("a &mdash; b &amp; c &#39;d&#39; &lt;e&gt;"),
            "a \u{2014} b \\& c 'd' \\<e>"
        );
        assert_eq!(clean_line("R&D &copy;"), "R&D \\&copy;");
        assert_eq!(clean("```\ncode\n```"), vec!["```text", "code", "```"]);
        assert_eq!(clean("a\n\n\n    indented"), vec!["a", "", "indented"]);
    }

    #[test]
    fn long_lines_wrap_without_starting_a_block() {
        let long = format!(
            "{} - {}",
            "word ".repeat(17).trim(),
            "more ".repeat(10).trim()
        );
        let lines = wrap(&long);
        assert!(lines.len() > 1, "{lines:?}");
        for line in &lines {
            assert!(line.chars().count() <= WIDTH, "{line}");
            assert!(!opens_block(line.split(' ').next().unwrap_or("")), "{line}");
        }
        assert_eq!(lines.join(" "), long);
        let item = format!("- {}", "word ".repeat(30).trim());
        let lines = wrap(&item);
        assert!(lines[1].starts_with("  word"), "{lines:?}");
    }
}
