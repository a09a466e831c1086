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
    let mut name = words(raw).to_upper_camel_case();
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
    pub fn with_reserved(reserved: &[&str]) -> Self {
        NameScope {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
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
        let separator = if base.contains('_') || base.starts_with(|c: char| c.is_ascii_lowercase())
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
    }
}
