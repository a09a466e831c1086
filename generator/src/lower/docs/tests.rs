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
fn unterminated_fence_is_closed_within_its_part() {
    assert_eq!(sanitize("```\ncode"), "```text\ncode\n```");
    assert_eq!(
        compose([Some("```\ncode"), Some("after")]),
        "```text\ncode\n```\n\nafter"
    );
}

#[test]
fn a_fence_closes_only_on_its_own_marker() {
    assert_eq!(
        sanitize("````\n```\ninside\n````\nafter"),
        "````text\n```\ninside\n````\nafter"
    );
}

#[test]
fn lazy_list_lines_are_indented_to_the_item() {
    assert_eq!(
        sanitize("- one\ncontinued\n- two"),
        "- one\n  continued\n- two"
    );
    assert_eq!(
        sanitize("1. one\nlazy\n2. two\nlazy"),
        "1. one\n   lazy\n2. two\n   lazy"
    );
    assert_eq!(sanitize("10) ten\nlazy"), "10) ten\n    lazy");
    // A list of another kind cannot interrupt the paragraph unless it
    // starts at 1: the line is the item's text.
    assert_eq!(sanitize("1. one\n2) two"), "1. one\n   2) two");
    assert_eq!(
        sanitize("- outer\n  - inner\nlazy"),
        "- outer\n  - inner\n    lazy"
    );
}

#[test]
fn over_indented_item_lines_are_indented_to_the_item() {
    assert_eq!(sanitize("* star\n       deep"), "* star\n  deep");
}

#[test]
fn lines_that_end_a_list_are_left_alone() {
    let text = "- item\n\nparagraph\n- item\n# Heading\n- item\n```\ncode\n```";
    assert_eq!(sanitize(text), text.replace("```\ncode", "```text\ncode"));
    // `2019.` cannot interrupt a paragraph, so it continues the item.
    assert_eq!(sanitize("- item\n2019. a year"), "- item\n  2019. a year");
    // Under an indented line `===` would make a heading.
    assert_eq!(sanitize("- item\n==="), "- item\n  \\===");
}

#[test]
fn lazy_quote_lines_get_their_marker() {
    assert_eq!(sanitize("> quoted\nlazy"), "> quoted\n> lazy");
    assert_eq!(
        sanitize("> > nested\nlazy\n\nafter"),
        "> > nested\n> > lazy\n\nafter"
    );
    assert_eq!(sanitize("> - item\nlazy"), "> - item\n>   lazy");
    assert_eq!(sanitize("> quoted\n- list"), "> quoted\n- list");
}

#[test]
fn indented_code_becomes_a_text_fence() {
    assert_eq!(
        sanitize("Code:\n\n    {\"a\": 1}\n\n    more\n\nAfter"),
        "Code:\n\n```text\n{\"a\": 1}\n\nmore\n```\n\nAfter"
    );
    assert_eq!(
        sanitize("- item\n\n      code"),
        "- item\n\n  ```text\n  code\n  ```"
    );
    // Indented lines inside a paragraph are text.
    assert_eq!(sanitize("text\n    more"), "text\n    more");
}

#[test]
fn definitions_in_items_and_quotes_move_after_the_text() {
    assert_eq!(
        sanitize("- [a]: https://a.example\n- see [a]"),
        "-\n- see [a]\n\n[a]: https://a.example"
    );
    assert_eq!(
        sanitize("> [b]: https://b.example\n\nsee [b]"),
        "\n\nsee [b]\n\n[b]: https://b.example".trim_start()
    );
    assert_eq!(sanitize("[c]: https://c.example"), "[c]: https://c.example");
}

#[test]
fn undefined_footnotes_are_escaped_outside_code() {
    assert_eq!(
        compose([Some("a[^1] and `b[^2]` and c[^n]\n\n[^n]: defined")]),
        "a\\[^1] and `b[^2]` and c[^n]\n\n[^n]: defined"
    );
    assert_eq!(compose([Some("```\n[^1]\n```")]), "```text\n[^1]\n```");
}

#[test]
fn control_characters_drop_and_tabs_expand() {
    assert_eq!(sanitize("a\0b\tc"), "ab    c");
    assert_eq!(compose([Some("\0")]), "");
}
