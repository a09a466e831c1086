//! Footnote references without a definition: rustdoc shows `[^1]` as it is,
//! and clippy (`doc_suspicious_footnotes`) asks for a definition or an
//! escape. Escaping renders the same text.

/// `text` with a backslash before every `[^label]` whose label has no
/// `[^label]:` definition, outside code.
pub fn escape_undefined(text: &str) -> String {
    if !text.contains("[^") {
        return text.to_owned();
    }
    let defined = definitions(text);
    let mut out = String::with_capacity(text.len() + 8);
    let mut fence: Option<&str> = None;
    for (index, line) in text.split('\n').enumerate() {
        if index > 0 {
            out.push('\n');
        }
        let trimmed = line.trim_start();
        let marker = fence_marker(trimmed);
        match (fence, marker) {
            (Some(open), Some(marker))
                if marker.starts_with(open) && trimmed.len() == marker.len() =>
            {
                fence = None;
            }
            (None, Some(marker)) => fence = Some(marker),
            _ => {}
        }
        if fence.is_some() || marker.is_some() {
            out.push_str(line);
        } else {
            escape_line(line, &defined, &mut out);
        }
    }
    out
}

/// The run of backticks or tildes a fence line starts with.
fn fence_marker(line: &str) -> Option<&str> {
    let first = line.chars().next().filter(|&c| c == '`' || c == '~')?;
    let length = line.len() - line.trim_start_matches(first).len();
    (length >= 3).then(|| &line[..length])
}

fn definitions(text: &str) -> Vec<&str> {
    text.lines()
        .filter_map(|line| {
            let rest = line
                .trim_start()
                .trim_start_matches("> ")
                .strip_prefix("[^")?;
            let end = rest.find("]:")?;
            Some(&rest[..end])
        })
        .collect()
}

/// Copies `line`, escaping undefined references outside code spans.
fn escape_line(line: &str, defined: &[&str], out: &mut String) {
    let mut rest = line;
    while let Some(position) = rest.find(['`', '[']) {
        let (before, at) = rest.split_at(position);
        out.push_str(before);
        if at.starts_with('`') {
            let span = code_span(at);
            out.push_str(&at[..span]);
            rest = &at[span..];
            continue;
        }
        if let Some(label) = footnote_label(at) {
            if !before.ends_with('\\') && !defined.contains(&label) {
                out.push('\\');
            }
        }
        out.push('[');
        rest = &at[1..];
    }
    out.push_str(rest);
}

/// The length of the code span (or lone backtick run) `text` starts with.
fn code_span(text: &str) -> usize {
    let ticks = text.len() - text.trim_start_matches('`').len();
    let opening = &text[..ticks];
    let mut search = ticks;
    while let Some(found) = text[search..].find(opening) {
        let start = search + found;
        let run = text[start..].len() - text[start..].trim_start_matches('`').len();
        if run == ticks {
            return start + ticks;
        }
        search = start + run;
    }
    ticks
}

/// The label of a `[^label]` at the start of `text`.
fn footnote_label(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("[^")?;
    let end = rest.find(']')?;
    let label = &rest[..end];
    (!label.is_empty() && !label.contains(char::is_whitespace)).then_some(label)
}
