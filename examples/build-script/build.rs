//! Generates the Bookshelf client from `openapi.yaml` into `OUT_DIR` on
//! every build where the spec or its configuration changed.

use std::path::{Path, PathBuf};

use openapi_rust_gen::config::Config;
use openapi_rust_gen::Generator;

fn main() {
    let spec = Path::new("openapi.yaml");
    println!("cargo::rerun-if-changed={}", spec.display());
    println!("cargo::rerun-if-changed=openapi-rust-gen.toml");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    // A located error (file, line, what) is the best a build script can
    // print: cargo shows the panic message.
    let config = Config::beside(spec).unwrap_or_else(|e| panic!("{e}"));
    let generated = Generator::new(spec)
        .crate_name(std::env::var("CARGO_PKG_NAME").expect("cargo sets CARGO_PKG_NAME"))
        .config(config)
        .write_single_file(&out.join("bookshelf.rs"))
        .unwrap_or_else(|e| panic!("{e}"));
    for warning in &generated.warnings {
        println!("cargo::warning={warning}");
    }
}
