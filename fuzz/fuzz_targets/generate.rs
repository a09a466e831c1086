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
    // Documents may nest far deeper than libFuzzer's stack allows: run on a
    // thread with the stack `generator::generate` uses, and hand a panic
    // back to libFuzzer as a finding.
    let data = data.to_vec();
    let worker = std::thread::Builder::new()
        .stack_size(generator::PIPELINE_STACK)
        .spawn(move || run(&data));
    if let Ok(worker) = worker {
        if let Err(panic) = worker.join() {
            std::panic::resume_unwind(panic);
        }
    }
});

fn run(data: &[u8]) {
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
}
