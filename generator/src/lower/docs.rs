//! Rustdoc text from spec prose. Spec text only ever reaches generated code
//! as doc attributes, never as code, so the only care needed is Markdown that
//! rustdoc would misread.

/// Joins non-empty parts with blank lines and makes the result safe rustdoc.
pub fn compose<'a>(parts: impl IntoIterator<Item = Option<&'a str>>) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for part in parts.into_iter().flatten() {
        let part = part.trim();
        if !part.is_empty() && !seen.contains(&part) {
            seen.push(part);
        }
    }
    sanitize(&seen.join("\n\n"))
}

/// Code fences in descriptions are examples in some other language (JSON,
/// shell); untagged ones would be compiled as Rust doctests, so they are
/// marked as text. NUL and other control characters are dropped.
pub fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_fence = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        let fence = trimmed.starts_with("```") || trimmed.starts_with("~~~");
        if fence && !in_fence {
            out.push_str("```text");
            in_fence = true;
        } else if fence {
            out.push_str("```");
            in_fence = false;
        } else {
            // Tabs become spaces (clippy objects to tabs in docs); other
            // control characters are dropped.
            for c in line.chars() {
                match c {
                    '\t' => out.push_str("    "),
                    c if c.is_control() => {}
                    c => out.push(c),
                }
            }
        }
        out.push('\n');
    }
    if in_fence {
        out.push_str("```\n");
    }
    out.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_become_text_and_duplicates_drop() {
        let text = compose([
            Some("Summary"),
            Some("Summary"),
            Some("```json\n{}\n```"),
            None,
        ]);
        assert_eq!(text, "Summary\n\n```text\n{}\n```");
    }

    #[test]
    fn unterminated_fence_is_closed() {
        assert_eq!(sanitize("```\ncode"), "```text\ncode\n```");
    }
}
