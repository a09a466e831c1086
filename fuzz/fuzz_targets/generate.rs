//! Feeds arbitrary bytes through the whole generator pipeline:
//! parse → load → lower → emit → format. The first byte picks the format
//! (even: JSON, odd: YAML); the rest is the document text (lossy UTF-8).
//! Any `Err` is an expected outcome; a panic, hang or stack overflow is a
//! finding.

#![no_main]

use std::path::PathBuf;

use generator::Options;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let path = PathBuf::from(if selector % 2 == 0 {
        "fuzz.json"
    } else {
        "fuzz.yaml"
    });
    let text = String::from_utf8_lossy(rest);
    let Ok(value) = generator::load::parse_document(&path, &text) else {
        return;
    };
    let Ok(loaded) = generator::load::load_documents(vec![(path, value)]) else {
        return;
    };
    let Ok(api) = generator::lower::lower(&loaded) else {
        return;
    };
    let Ok(files) = generator::emit::emit_crate(&api, &Options::new("fuzzed")) else {
        return;
    };
    let _ = generator::write::format_crate(files, api.warnings.clone());
});
