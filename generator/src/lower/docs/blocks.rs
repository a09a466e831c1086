//! Markdown block structure, just enough of CommonMark to rewrite the lines
//! that rustdoc renders as the author meant but clippy's documentation lints
//! reject: lazy continuation lines of list items and block quotes (indented,
//! or given their `>`), over-indented list item lines, indented code blocks
//! (which rustdoc would compile as Rust; they become ```` ```text ````
//! fences) and link reference definitions inside list items or quotes (moved
//! after the text: definitions are global, so the rendering is the same).
//!
//! Only leading whitespace and quote markers of paragraph continuation lines
//! change, never their text: a continuation line's indentation is not part
//! of the paragraph, so the rendered docs keep their meaning.

/// Rewrites `lines` (tabs already expanded, no control characters).
pub fn normalize<'a>(lines: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut blocks = Blocks::default();
    let mut out = Vec::new();
    for line in lines {
        blocks.line(line, &mut out);
    }
    blocks.finish(&mut out);
    if !blocks.definitions.is_empty() {
        out.push(String::new());
        out.append(&mut blocks.definitions);
    }
    out
}

/// The open blocks of one container: the whole text, or a block quote's
/// content.
#[derive(Default)]
struct Blocks {
    /// The open list items, innermost last.
    items: Vec<Item>,
    /// A paragraph is open, so the next line may continue it.
    paragraph: bool,
    /// The open fenced code block.
    fence: Option<Fence>,
    /// An indented code block being rewritten as a fence at this column,
    /// with the blank lines seen since its last line.
    code: Option<(usize, usize)>,
    /// Inside an HTML block, which runs to the next blank line.
    html: bool,
    /// The open block quote.
    quote: Option<Box<Blocks>>,
    /// The previous line was blank.
    after_blank: bool,
    /// Link reference definitions taken out of list items and quotes.
    definitions: Vec<String>,
    /// These are the blocks of a quote's content.
    quoted: bool,
}

/// An open list item: where its content starts, and its list's kind
/// (the bullet character, or the delimiter after the number).
#[derive(Clone, Copy)]
struct Item {
    column: usize,
    kind: u8,
}

/// A fence's character and length: only a run of the same character at
/// least as long closes it.
#[derive(Clone, Copy)]
struct Fence {
    marker: u8,
    length: usize,
}

impl Blocks {
    fn line(&mut self, line: &str, out: &mut Vec<String>) {
        let (indent, text) = split_indent(line);
        if self.in_code_block(indent, text, out) {
            return;
        }
        if text.is_empty() {
            self.blank(out);
            return;
        }
        let after_blank = std::mem::take(&mut self.after_blank);
        if self.html {
            out.push(line.trim_end().to_owned());
            return;
        }
        if self.quote_line(indent, text, out) || self.list_line(indent, text, out) {
            return;
        }
        if self.paragraph && !interrupts_paragraph(text) {
            out.push(self.continuation(indent, text));
        } else {
            self.block_start(indent, text, after_blank, out);
        }
    }

    fn blank(&mut self, out: &mut Vec<String>) {
        self.quote_end(out);
        self.paragraph = false;
        self.html = false;
        self.after_blank = true;
        out.push(String::new());
    }

    /// Fenced code passes through untouched (its opening marked as text);
    /// indented code becomes fenced. True when the line was code.
    fn in_code_block(&mut self, indent: usize, text: &str, out: &mut Vec<String>) -> bool {
        if let Some(fence) = self.fence {
            if closes(fence, text) {
                self.fence = None;
                out.push(format!("{}{}", " ".repeat(indent), text.trim_end()));
            } else {
                out.push(format!("{}{text}", " ".repeat(indent)));
            }
            return true;
        }
        let Some((column, blanks)) = self.code else {
            return false;
        };
        if text.is_empty() {
            self.code = Some((column, blanks + 1));
            return true;
        }
        if indent < column + 4 {
            out.push(format!("{}```", " ".repeat(column)));
            out.extend(std::iter::repeat_n(String::new(), blanks));
            self.code = None;
            self.after_blank = blanks > 0;
            return false;
        }
        out.extend(std::iter::repeat_n(String::new(), blanks));
        out.push(format!("{}{text}", " ".repeat(indent - 4)));
        self.code = Some((column, 0));
        true
    }

    /// A line of, or lazily continuing, a block quote at this level.
    fn quote_line(&mut self, indent: usize, text: &str, out: &mut Vec<String>) -> bool {
        // Quotes inside list items are left as they are.
        let quoted = indent < 4
            && text.starts_with('>')
            && self.items.iter().all(|item| item.column > indent);
        if quoted {
            self.items.clear();
        } else {
            let lazy = self
                .quote
                .as_ref()
                .is_some_and(|quote| quote.paragraph_open() && !interrupts_paragraph(text));
            if !lazy {
                self.quote_end(out);
                return false;
            }
        }
        let content = if quoted {
            let rest = &text[1..];
            rest.strip_prefix(' ').unwrap_or(rest)
        } else {
            text
        };
        let quote = self.quote.get_or_insert_with(|| {
            Box::new(Blocks {
                quoted: true,
                ..Blocks::default()
            })
        });
        let mut inner = Vec::new();
        quote.line(content, &mut inner);
        self.definitions.append(&mut quote.definitions);
        out.extend(inner.into_iter().map(|line| quoted_line(&line)));
        self.paragraph = false;
        true
    }

    fn quote_end(&mut self, out: &mut Vec<String>) {
        if let Some(mut quote) = self.quote.take() {
            let mut inner = Vec::new();
            quote.finish(&mut inner);
            self.definitions.append(&mut quote.definitions);
            out.extend(inner.into_iter().map(|line| quoted_line(&line)));
        }
    }

    /// Whether the innermost open paragraph, quoted or not, takes lazy lines.
    fn paragraph_open(&self) -> bool {
        match &self.quote {
            Some(quote) => quote.paragraph_open(),
            None => self.paragraph && self.fence.is_none() && !self.html,
        }
    }

    /// A list item's first line: it closes the deeper items and opens one.
    fn list_line(&mut self, indent: usize, text: &str, out: &mut Vec<String>) -> bool {
        let Some((marker, content)) = list_marker(text) else {
            return false;
        };
        if is_rule(text)
            || indent >= self.content_column() + 4
            || !self.item_may_start(marker, text)
        {
            return false;
        }
        self.items.retain(|item| item.column <= indent);
        let spaces = content.len() - content.trim_start().len();
        let content = content.trim_start();
        // Five or more spaces after the marker start indented code: the
        // content column is one past the marker then.
        let gap = if content.is_empty() || spaces > 4 {
            1
        } else {
            spaces
        };
        let kind = marker.as_bytes()[marker.len() - 1];
        self.items.push(Item {
            column: indent + marker.len() + gap,
            kind,
        });
        let head = format!("{}{marker}", " ".repeat(indent));
        self.paragraph = false;
        if content.is_empty() {
            out.push(head);
        } else if is_definition(content) {
            out.push(head);
            self.definitions.push(content.to_owned());
        } else {
            self.start_block(content, format!("{head}{}", " ".repeat(gap)), out);
        }
        true
    }

    /// Inside a paragraph only a list of a kind already open, or one that
    /// may interrupt a paragraph, starts an item; otherwise the line is
    /// text (`2019. was a year`).
    fn item_may_start(&self, marker: &str, text: &str) -> bool {
        let kind = marker.as_bytes()[marker.len() - 1];
        !self.paragraph || can_interrupt(text) || self.items.iter().any(|item| item.kind == kind)
    }

    fn content_column(&self) -> usize {
        self.items.last().map_or(0, |item| item.column)
    }

    /// A paragraph line after the first: re-indented to the innermost
    /// item's content column (indentation inside a paragraph is not text).
    fn continuation(&self, indent: usize, text: &str) -> String {
        match self.items.last().map(|item| item.column) {
            Some(column) if indent != column => {
                // `===` under a now-indented line would make it a heading.
                let text = if text.trim_end().bytes().all(|b| b == b'=') {
                    format!("\\{text}")
                } else {
                    text.to_owned()
                };
                format!("{}{text}", " ".repeat(column))
            }
            _ => format!("{}{text}", " ".repeat(indent)),
        }
    }

    /// A line that is not a paragraph's continuation starts a block, in
    /// the innermost item whose content column it reaches.
    fn block_start(&mut self, indent: usize, text: &str, after_blank: bool, out: &mut Vec<String>) {
        self.items.retain(|item| item.column <= indent);
        let column = self.content_column();
        if indent >= column + 4 && (after_blank || !self.paragraph) {
            out.push(format!("{}```text", " ".repeat(column)));
            out.push(format!("{}{text}", " ".repeat(indent - 4)));
            self.code = Some((column, 0));
            self.paragraph = false;
            return;
        }
        if (self.quoted || !self.items.is_empty()) && is_definition(text) {
            self.definitions.push(text.to_owned());
            self.paragraph = false;
            return;
        }
        self.start_block(text, " ".repeat(indent), out);
    }

    /// Opens the block `text` starts (`head` is what precedes it on the
    /// line): a fence, an HTML block, a heading or rule, or a paragraph.
    fn start_block(&mut self, text: &str, head: String, out: &mut Vec<String>) {
        if let Some(fence) = opening_fence(text) {
            self.fence = Some(fence);
            out.push(format!("{head}{}text", fence_marker(fence)));
            self.paragraph = false;
            return;
        }
        self.html = starts_html_block(text);
        self.paragraph = !self.html && !is_heading(text) && !is_rule(text);
        out.push(format!("{head}{text}"));
    }

    /// Closes what is still open at the end of the text.
    fn finish(&mut self, out: &mut Vec<String>) {
        if let Some((column, _)) = self.code.take() {
            out.push(format!("{}```", " ".repeat(column)));
        }
        if let Some(fence) = self.fence.take() {
            out.push(fence_marker(fence));
        }
        self.quote_end(out);
    }
}

fn split_indent(line: &str) -> (usize, &str) {
    let text = line.trim_start_matches(' ');
    (line.len() - text.len(), text.trim_end())
}

fn quoted_line(line: &str) -> String {
    if line.is_empty() {
        ">".to_owned()
    } else {
        format!("> {line}")
    }
}

/// `-`, `*`, `+`, or one to nine digits and `.` or `)`, followed by a
/// space or the end of the line: the marker and what follows it.
fn list_marker(text: &str) -> Option<(&str, &str)> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let marker_len = match text.as_bytes().first()? {
        b'-' | b'*' | b'+' => 1,
        _ if (1..=9).contains(&digits)
            && matches!(text.as_bytes().get(digits), Some(b'.' | b')')) =>
        {
            digits + 1
        }
        _ => return None,
    };
    let (marker, rest) = text.split_at(marker_len);
    (rest.is_empty() || rest.starts_with(' ')).then_some((marker, rest))
}

/// Whether a list item can start in the middle of a paragraph: a bullet
/// or a `1.` with text (CommonMark), so `2019. was a year` stays text.
fn can_interrupt(text: &str) -> bool {
    match list_marker(text) {
        Some((marker, content)) => {
            !content.trim().is_empty()
                && (matches!(marker, "-" | "*" | "+")
                    || marker.starts_with("1") && marker.len() == 2)
        }
        None => false,
    }
}

/// Lines that end a paragraph instead of continuing it.
fn interrupts_paragraph(text: &str) -> bool {
    text.starts_with('>')
        || opening_fence(text).is_some()
        || is_heading(text)
        || is_rule(text)
        || starts_html_block(text)
        || can_interrupt(text)
}

fn opening_fence(text: &str) -> Option<Fence> {
    let marker = *text.as_bytes().first()?;
    if marker != b'`' && marker != b'~' {
        return None;
    }
    let length = text.bytes().take_while(|&b| b == marker).count();
    // A backtick fence's info string may not contain backticks.
    let info_ok = marker == b'~' || !text[length..].contains('`');
    (length >= 3 && info_ok).then_some(Fence { marker, length })
}

fn closes(fence: Fence, text: &str) -> bool {
    let length = text.bytes().take_while(|&b| b == fence.marker).count();
    length >= fence.length && text[length..].trim().is_empty()
}

fn fence_marker(fence: Fence) -> String {
    char::from(fence.marker).to_string().repeat(fence.length)
}

fn is_heading(text: &str) -> bool {
    let hashes = text.bytes().take_while(|&b| b == b'#').count();
    (1..=6).contains(&hashes) && matches!(text.as_bytes().get(hashes), None | Some(b' '))
}

/// `---`, `***` or `___`, spaces allowed between.
fn is_rule(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    matches!(first, '-' | '*' | '_')
        && text.chars().all(|c| c == first || c == ' ')
        && text.chars().filter(|&c| c == first).count() >= 3
}

/// Tag names of the HTML blocks that may interrupt a paragraph (CommonMark
/// kind 6).
const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "center",
    "col",
    "colgroup",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hr",
    "html",
    "iframe",
    "legend",
    "li",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "script",
    "section",
    "style",
    "summary",
    "table",
    "tbody",
    "td",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "ul",
];

/// HTML blocks that may interrupt a paragraph (CommonMark kinds 1 to 6).
fn starts_html_block(text: &str) -> bool {
    let Some(rest) = text.strip_prefix('<') else {
        return false;
    };
    if rest.starts_with('!') || rest.starts_with('?') {
        return true;
    }
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    let name: String = rest
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    let after = rest[name.len()..].chars().next();
    BLOCK_TAGS.contains(&name.as_str()) && matches!(after, None | Some(' ' | '>' | '/'))
}

/// `[label]: destination`.
fn is_definition(text: &str) -> bool {
    let Some(rest) = text.strip_prefix('[') else {
        return false;
    };
    let Some(end) = rest.find("]:") else {
        return false;
    };
    let label = &rest[..end];
    !label.trim().is_empty()
        && !label.starts_with('^')
        && !label.contains('[')
        && !rest[end + 2..].trim().is_empty()
}
