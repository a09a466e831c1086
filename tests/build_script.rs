//! The build-script example (`examples/build-script`, a workspace member
//! that `cargo test --workspace` builds and tests) generates its client
//! with `Generator::write_single_file`; its `Cargo.toml` must carry what
//! the generated code needs, or a spec change that needs a new crate would
//! break it. The generator's own `Cargo.toml` for the same spec and
//! configuration is the reference.

use std::path::Path;

use integration_tests::workspace_root;
use openapi_rust_gen::config::Config;
use openapi_rust_gen::Generator;

fn table<'t>(manifest: &'t toml::Table, key: &str) -> &'t toml::Table {
    manifest
        .get(key)
        .and_then(toml::Value::as_table)
        .unwrap_or_else(|| panic!("no [{key}] table"))
}

fn parse(text: &str, what: &str) -> toml::Table {
    text.parse()
        .unwrap_or_else(|e| panic!("{what} is not TOML: {e}"))
}

#[test]
fn the_example_has_the_dependencies_and_features_of_the_generated_crate() {
    let example = workspace_root().join("examples/build-script");
    let spec = example.join("openapi.yaml");
    let config = Config::beside(&spec).expect("the configuration reads");
    let generated = Generator::new(&spec)
        .crate_name("bookshelf-client")
        .config(config)
        .generate()
        .expect("the spec generates");
    let wanted = parse(
        &generated.files[Path::new("Cargo.toml")],
        "the generated manifest",
    );
    let manifest = std::fs::read_to_string(example.join("Cargo.toml")).expect("the manifest");
    let has = parse(&manifest, "the example's manifest");
    for key in ["dependencies", "features"] {
        let (wanted, has) = (table(&wanted, key), table(&has, key));
        for (name, value) in wanted {
            assert_eq!(
                has.get(name),
                Some(value),
                "examples/build-script/Cargo.toml [{key}] {name}: the generated code needs {value:?}"
            );
        }
    }
}

#[test]
fn the_single_file_is_what_the_example_includes() {
    let example = workspace_root().join("examples/build-script");
    let generated = Generator::new(example.join("openapi.yaml"))
        .crate_name("bookshelf-client")
        .generate()
        .expect("the spec generates");
    let text = generated.single_file().expect("one file");
    let file = syn::parse_file(&text).expect("the single file parses");
    assert!(
        file.attrs.is_empty(),
        "include! cannot take inner attributes"
    );
    let modules: Vec<String> = file
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Mod(module) => {
                assert!(
                    module.content.is_some(),
                    "`mod {};` is not inline",
                    module.ident
                );
                Some(module.ident.to_string())
            }
            _ => None,
        })
        .collect();
    assert_eq!(modules, ["client", "models", "operations", "runtime"]);
    let lib = std::fs::read_to_string(example.join("src/lib.rs")).expect("lib.rs");
    assert!(lib.contains(r#"include!(concat!(env!("OUT_DIR"), "/bookshelf.rs"));"#));
}
