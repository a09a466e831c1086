//! Rustdoc text from spec prose. Spec text only ever reaches generated code
//! as doc attributes, never as code, so the only care needed is Markdown that
//! rustdoc would misread or that clippy's documentation lints reject.

mod blocks;
mod footnotes;

/// Joins non-empty parts with blank lines and makes the result safe rustdoc.
/// Each part is made safe on its own, so that one part's unclosed code
/// fence or list cannot take in the next.
pub fn compose<'a>(parts: impl IntoIterator<Item = Option<&'a str>>) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for part in parts.into_iter().flatten() {
        let part = part.trim();
        if !part.is_empty() && !seen.contains(&part) {
            seen.push(part);
        }
    }
    let sanitized: Vec<String> = seen
        .iter()
        .map(|part| sanitize(part))
        .filter(|part| !part.is_empty())
        .collect();
    footnotes::escape_undefined(&sanitized.join("\n\n"))
}

/// Code fences in descriptions are examples in some other language (JSON,
/// shell); untagged ones, and indented code blocks, would be compiled as
/// Rust doctests, so they are marked as text. Tabs become spaces (clippy
/// objects to tabs in docs); NUL and other control characters are dropped.
/// List items and block quotes are normalised (see [`blocks`]).
pub fn sanitize(text: &str) -> String {
    let cleaned: Vec<String> = text.lines().map(clean_line).collect();
    let lines = blocks::normalize(cleaned.iter().map(String::as_str));
    lines
        .join("\n")
        .trim_end()
        .trim_start_matches('\n')
        .to_owned()
}

fn clean_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        match c {
            '\t' => out.push_str("    "),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests;
