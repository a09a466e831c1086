//! Rust names from spec names: ASCII, keyword-safe, and unique within their
//! scope, assigned in a stable order so they survive spec edits.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Words that cannot be identifiers even as raw identifiers.
const NOT_RAW: [&str; 5] = ["self", "Self", "super", "crate", "_"];

/// Rust keywords (strict and reserved, all editions).
const KEYWORDS: [&str; 51] = [
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try",
];

/// Keeps ASCII letters and digits, turning everything else into word breaks,
/// so that heck sees the words and the result is a plain ASCII identifier.
fn words(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    out
}

/// `UpperCamelCase` type or variant name; `fallback` when nothing is left.
pub fn type_name(raw: &str, fallback: &str) -> String {
    type_name_fixups(words(raw).to_upper_camel_case(), fallback)
}

/// `name` made a valid type name: `fallback` if empty, `V` before a
/// leading digit, `Self_` for `Self`.
fn type_name_fixups(mut name: String, fallback: &str) -> String {
    if name.is_empty() {
        name = fallback.to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    if name == "Self" {
        name.push('_');
    }
    name
}

/// `UpperCamelCase` name of an enum variant for the value `value`. Values
/// are often numbers and signs, which plain word splitting loses (`1` and
/// `-1` would both be `V1`), so:
///
/// - a leading `-` or `+` is the word `Minus` or `Plus`: `-1` → `Minus1`,
///   `+1` → `Plus1`, `-created_at` → `MinusCreatedAt`;
/// - a `.` between digits is kept as `_`: `1.5` → `V1_5`, `-0.25` →
///   `Minus0_25`, `v1.2-beta` → `V1_2Beta`;
/// - a value of symbols only spells them: `<=` → `LessThanEquals`, `*` →
///   `Star`;
/// - anything else is as for [`type_name`], with `V` before a leading digit.
pub fn enum_variant_name(value: &str) -> String {
    if !value.chars().any(|c| c.is_ascii_alphanumeric()) {
        let spelled: Vec<&str> = value.chars().filter_map(symbol_word).collect();
        return type_name(&spelled.join(" "), "Empty");
    }
    let (sign, rest) = match value.as_bytes().first() {
        Some(b'-') => ("Minus", &value[1..]),
        Some(b'+') => ("Plus", &value[1..]),
        _ => ("", value),
    };
    let chunks: Vec<String> = decimal_chunks(rest)
        .into_iter()
        .map(|chunk| words(chunk).to_upper_camel_case())
        .filter(|chunk| !chunk.is_empty())
        .collect();
    type_name_fixups(format!("{sign}{}", chunks.join("_")), "Empty")
}

/// `rest` split at each `.` that has a digit on both sides.
fn decimal_chunks(rest: &str) -> Vec<&str> {
    let bytes = rest.as_bytes();
    let mut chunks = Vec::new();
    let mut start = 0;
    for index in 1..bytes.len().saturating_sub(1) {
        let between_digits = bytes[index - 1].is_ascii_digit() && bytes[index + 1].is_ascii_digit();
        if bytes[index] == b'.' && between_digits {
            chunks.push(&rest[start..index]);
            start = index + 1;
        }
    }
    chunks.push(&rest[start..]);
    chunks
}

/// The word for a symbol in a value made of symbols only.
fn symbol_word(symbol: char) -> Option<&'static str> {
    Some(match symbol {
        '<' => "less than",
        '>' => "greater than",
        '=' => "equals",
        '!' => "not",
        '*' => "star",
        '+' => "plus",
        '-' => "minus",
        '.' => "dot",
        '/' => "slash",
        '\\' => "backslash",
        '&' => "and",
        '|' => "or",
        '%' => "percent",
        '#' => "hash",
        '@' => "at",
        '$' => "dollar",
        '^' => "caret",
        '~' => "tilde",
        '?' => "question",
        ':' => "colon",
        ',' => "comma",
        ';' => "semicolon",
        '_' => "underscore",
        _ => return None,
    })
}

/// `snake_case` field, method or argument name; keywords become raw
/// identifiers (`r#type`).
pub fn value_name(raw: &str, fallback: &str) -> String {
    let mut name = words(raw).to_snake_case();
    if name.is_empty() {
        name = fallback.to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    if NOT_RAW.contains(&name.as_str()) {
        name.push('_');
    } else if KEYWORDS.contains(&name.as_str()) {
        name.insert_str(0, "r#");
    }
    name
}

/// Hands out names unique within one scope.
#[derive(Debug, Clone, Default)]
pub struct NameScope {
    taken: BTreeSet<String>,
}

impl NameScope {
    /// A scope in which `reserved` are already taken.
    pub fn with_reserved<S: AsRef<str>>(reserved: impl IntoIterator<Item = S>) -> Self {
        NameScope {
            taken: reserved
                .into_iter()
                .map(|s| s.as_ref().to_owned())
                .collect(),
        }
    }

    /// `name` if it is free, else `name2`, `name3`, … (with `_` between
    /// for snake case names).
    pub fn claim(&mut self, name: String) -> String {
        if self.taken.insert(name.clone()) {
            return name;
        }
        // A trailing `_` (`Self_`, `self_`) is dropped first: `Self__2`
        // would not be upper camel case.
        let base = name
            .strip_prefix("r#")
            .unwrap_or(&name)
            .trim_end_matches('_')
            .to_owned();
        let base = if base.is_empty() { name.clone() } else { base };
        // After a digit, a number would run on: `V1` again is `V1_2`.
        let separator = if base.contains('_')
            || base.starts_with(|c: char| c.is_ascii_lowercase())
            || base.ends_with(|c: char| c.is_ascii_digit())
        {
            "_"
        } else {
            ""
        };
        (2..)
            .map(|n| format!("{base}{separator}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .unwrap_or(name)
    }

    /// Whether `name` is taken.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_are_camel_ascii_identifiers() {
        assert_eq!(type_name("PlanUpdateRequest", "T"), "PlanUpdateRequest");
        assert_eq!(type_name("plan-update_request", "T"), "PlanUpdateRequest");
        assert_eq!(type_name("EVERY_28_DAYS", "T"), "Every28Days");
        assert_eq!(type_name("1st", "T"), "V1st");
        assert_eq!(type_name("Self", "T"), "Self_");
        assert_eq!(type_name("", "Empty"), "Empty");
        assert_eq!(type_name("größe", "T"), "GrE");
    }

    #[test]
    fn variant_names_keep_signs_decimals_and_symbols() {
        let names = |values: &[&str]| -> Vec<String> {
            values.iter().map(|v| enum_variant_name(v)).collect()
        };
        assert_eq!(names(&["1", "-1", "+1"]), ["V1", "Minus1", "Plus1"]);
        assert_eq!(
            names(&["1.5", "-0.25", "1.5.3"]),
            ["V1_5", "Minus0_25", "V1_5_3"]
        );
        assert_eq!(
            names(&["v1.2-beta", "created_at", "-created_at"]),
            ["V1_2Beta", "CreatedAt", "MinusCreatedAt"]
        );
        assert_eq!(
            names(&["<=", "!=", "*", "", "é"]),
            ["LessThanEquals", "NotEquals", "Star", "Empty", "Empty"]
        );
        assert_eq!(
            names(&["1st", "Self", "-", "."]),
            ["V1st", "Self_", "Minus", "Dot"]
        );
    }

    #[test]
    fn value_names_escape_keywords() {
        assert_eq!(value_name("type", "f"), "r#type");
        assert_eq!(value_name("self", "f"), "self_");
        assert_eq!(value_name("isVisible", "f"), "is_visible");
        assert_eq!(value_name("page_size", "f"), "page_size");
        assert_eq!(value_name("2fa", "f"), "_2fa");
        assert_eq!(value_name("$", "value"), "value");
    }

    #[test]
    fn scopes_disambiguate_collisions_stably() {
        let mut scope = NameScope::default();
        assert_eq!(scope.claim("foo_bar".into()), "foo_bar");
        assert_eq!(scope.claim("foo_bar".into()), "foo_bar_2");
        assert_eq!(scope.claim("FooBar".into()), "FooBar");
        assert_eq!(scope.claim("FooBar".into()), "FooBar2");
        assert_eq!(scope.claim("r#type".into()), "r#type");
        assert_eq!(scope.claim("r#type".into()), "type_2");
        // A trailing underscore is not doubled: `Self__2` is not camel case.
        assert_eq!(scope.claim("Self_".into()), "Self_");
        assert_eq!(scope.claim("Self_".into()), "Self2");
        assert_eq!(scope.claim("self_".into()), "self_");
        assert_eq!(scope.claim("self_".into()), "self_2");
        assert_eq!(scope.claim("V1".into()), "V1");
        assert_eq!(scope.claim("V1".into()), "V1_2");
    }
}
