//! Feeds arbitrary bytes through the whole generator pipeline:
//! parse → load → lower → emit → format. The first byte picks the format
//! (even: JSON, odd: YAML); the rest is the document text (lossy UTF-8).
//! A spec error is an expected outcome; a generator bug (a panic, or an
//! error of kind `Bug` such as emitted code that does not parse), a hang or
//! a stack overflow is a finding.

#![no_main]

use std::path::PathBuf;

use openapi_rust_gen::{ErrorKind, Options};
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
    // The stages run on the generator's large-stack thread; a panic there
    // already aborts through libFuzzer's panic hook, and a bug reported as
    // an error aborts here.
    let generated = openapi_rust_gen::on_pipeline_stack(&path, || {
        let loaded = openapi_rust_gen::load::load_text(&path, &text)?;
        let api = openapi_rust_gen::lower::lower(&loaded)?;
        let surface = openapi_rust_gen::surface::Surface::of(&api);
        let files = openapi_rust_gen::emit::emit_crate(&api, &surface, &Options::new("fuzzed"))?;
        openapi_rust_gen::write::format_crate(files, api.warnings.clone())
    });
    if let Err(error) = generated {
        if error.kind() == ErrorKind::Bug {
            panic!("{error}");
        }
    }
});
