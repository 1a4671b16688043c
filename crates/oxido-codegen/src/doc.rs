//! Turns the spec's Markdown descriptions into rustdoc that builds without warnings: fenced code is marked
//! `text` (never a doctest), indentation that would start an indented code block is removed, bare URLs
//! become autolinks, `[x]` that is not a link is escaped, and raw HTML is escaped outside code spans.

/// Cleans `text` into doc lines (without the `///`).
pub fn clean(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut in_fence = false;
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
        lines.push(clean_line(trimmed));
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
        match c {
            '<' => out.push_str("&lt;"),
            '>' if i > 0 => out.push_str("&gt;"),
            '&' if !is_entity(&chars, i) => out.push_str("&amp;"),
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

fn find(chars: &[char], from: usize, wanted: char) -> Option<usize> {
    (from..chars.len()).find(|&i| chars[i] == wanted)
}

fn starts_url(chars: &[char], i: usize) -> bool {
    let rest: String = chars[i..chars.len().min(i + 8)].iter().collect();
    rest.starts_with("http://") || rest.starts_with("https://")
}

fn is_entity(chars: &[char], i: usize) -> bool {
    let rest: String = chars[i..chars.len().min(i + 8)].iter().collect();
    ["&lt;", "&gt;", "&amp;", "&quot;", "&nbsp;"]
        .iter()
        .any(|e| rest.starts_with(e))
}

/// Doc comment lines for `text`, indented by nothing; empty when there is no text.
pub fn doc_comment(text: &str) -> String {
    let mut out = String::new();
    for line in clean(text) {
        if line.is_empty() {
            out.push_str("///\n");
        } else {
            out.push_str("/// ");
            out.push_str(&line);
            out.push('\n');
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
        assert_eq!(clean_line("<b>x</b> `<y>`"), "&lt;b&gt;x&lt;/b&gt; `<y>`");
        assert_eq!(clean("```\ncode\n```"), vec!["```text", "code", "```"]);
        assert_eq!(clean("a\n\n\n    indented"), vec!["a", "", "indented"]);
    }
}
