//! The `openapi-rust-gen` binary as users run it: each command on real
//! documents, its output and its exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A configuration that uses every key, for the pet store document.
const EVERY_KEY: &str = include_str!("../../tests/config/every_key.toml");

fn cli(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_openapi-rust-gen"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn run(args: &[&str]) -> Output {
    let args: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsStr::new).collect();
    cli(&args)
}

fn corpus(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus")
        .join(path)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn arg(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

#[test]
fn generate_then_check_then_a_stale_file_is_listed() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let out = dir.path().join("petstore");
    let spec = corpus("public/oai-petstore.yaml");
    let generated = run(&["generate", arg(&spec), "-o", arg(&out)]);
    assert!(generated.status.success(), "{}", text(&generated.stderr));
    assert!(
        text(&generated.stdout).contains("wrote"),
        "{}",
        text(&generated.stdout)
    );
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).expect("manifest written");
    assert!(manifest.contains("name = \"petstore\""), "{manifest}");

    let current = run(&["check", arg(&spec), "-o", arg(&out)]);
    assert_eq!(current.status.code(), Some(0), "{}", text(&current.stderr));

    std::fs::write(out.join("src/models.rs"), "// edited by hand\n").expect("edit");
    let stale = run(&["check", arg(&spec), "-o", arg(&out)]);
    assert_eq!(stale.status.code(), Some(1));
    assert!(
        text(&stale.stderr).contains("models.rs"),
        "{}",
        text(&stale.stderr)
    );
}

#[test]
fn diff_reports_changes_in_markdown_and_json() {
    let history = corpus("kelviq/history");
    let mut versions: Vec<PathBuf> = std::fs::read_dir(&history)
        .expect("the kelviq history")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .collect();
    versions.sort();
    let (old, new) = (&versions[0], &versions[1]);
    let markdown = run(&["diff", arg(old), arg(new)]);
    assert!(markdown.status.success(), "{}", text(&markdown.stderr));
    assert!(
        text(&markdown.stdout).starts_with("## "),
        "{}",
        text(&markdown.stdout)
    );
    let json = run(&["diff", arg(old), arg(new), "--format", "json"]);
    assert!(json.status.success(), "{}", text(&json.stderr));
    assert!(
        text(&json.stdout).contains("\"verdict\""),
        "{}",
        text(&json.stdout)
    );
}

#[test]
fn diff_gates_ci_on_the_axis_named_by_fail_on() {
    // 053 → 054 renames two query parameters on the wire only.
    let history = corpus("kelviq/history");
    let version = |prefix: &str| {
        std::fs::read_dir(&history)
            .expect("the kelviq history")
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .find(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
            })
            .expect("the version")
    };
    let (old, new) = (version("053"), version("054"));
    let wire = run(&[
        "diff",
        arg(&old),
        arg(&new),
        "--format",
        "github",
        "--fail-on",
        "wire-breaking",
    ]);
    assert_eq!(wire.status.code(), Some(4), "{}", text(&wire.stderr));
    let annotations = text(&wire.stdout);
    assert!(
        annotations.starts_with("::error file=") && annotations.contains(",line=7560,"),
        "{annotations}"
    );
    let rust = run(&[
        "diff",
        arg(&old),
        arg(&new),
        "--format",
        "text",
        "--fail-on",
        "rust-breaking",
    ]);
    assert_eq!(rust.status.code(), Some(0), "{}", text(&rust.stderr));
    assert!(
        text(&rust.stdout).contains("Wire:     breaking"),
        "{}",
        text(&rust.stdout)
    );
    let any = run(&["diff", arg(&old), arg(&new), "--fail-on", "any"]);
    assert_eq!(any.status.code(), Some(4));
    let unknown = run(&["diff", arg(&old), arg(&new), "--fail-on", "sometimes"]);
    assert_eq!(unknown.status.code(), Some(2), "a usage error");
}

#[test]
fn a_spec_error_shows_the_line_it_points_at() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let spec = dir.path().join("bad.yaml");
    std::fs::write(
        &spec,
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n      responses: {200: [unclosed\n  /b: {}\n",
    )
    .expect("write the spec");
    let out = dir.path().join("out");
    let failed = run(&["generate", arg(&spec), "-o", arg(&out)]);
    assert_eq!(failed.status.code(), Some(1));
    let stderr = text(&failed.stderr);
    assert!(stderr.contains("bad.yaml:7"), "{stderr}");
    assert!(stderr.contains("7 |   /b: {}"), "{stderr}");
    assert!(stderr.contains("^^^"), "{stderr}");
    assert!(!out.exists(), "nothing is written for a bad spec");
}

#[test]
fn usage_errors_exit_2_and_help_shows_examples() {
    let missing = run(&["generate", "openapi.yaml"]);
    assert_eq!(missing.status.code(), Some(2));
    let bad_name = run(&["generate", "x.yaml", "-o", "out", "--name", "9lives"]);
    assert_eq!(bad_name.status.code(), Some(2));
    assert!(text(&bad_name.stderr).contains("not a package name"));
    let help = run(&["--help"]);
    assert!(help.status.success());
    assert!(
        text(&help.stdout).contains("Examples:"),
        "{}",
        text(&help.stdout)
    );
}

#[test]
fn a_generator_bug_exits_3() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let spec = dir.path().join("panics.yaml");
    std::fs::write(
        &spec,
        format!(
            "openapi: 3.0.3\ninfo: {{title: T, version: '1', {}: true}}\npaths: {{}}\n",
            openapi_rust_gen::lower::FAULT_INJECTION_EXTENSION
        ),
    )
    .expect("write the spec");
    let out = dir.path().join("out");
    let failed = run(&["-q", "generate", arg(&spec), "-o", arg(&out)]);
    assert_eq!(failed.status.code(), Some(3), "{}", text(&failed.stderr));
    assert!(text(&failed.stderr).contains("generator bug"));
}

#[test]
fn a_configuration_beside_the_spec_shapes_the_crate() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let spec = dir.path().join("openapi.yaml");
    std::fs::copy(corpus("public/oai-petstore.yaml"), &spec).expect("copy the spec");
    std::fs::write(dir.path().join("openapi-rust-gen.toml"), EVERY_KEY)
        .expect("write the configuration");
    let out = dir.path().join("out");
    let generated = run(&["generate", arg(&spec), "-o", arg(&out)]);
    assert!(generated.status.success(), "{}", text(&generated.stderr));
    let read = |file: &str| std::fs::read_to_string(out.join(file)).expect("generated file");
    let manifest = read("Cargo.toml");
    for line in [
        "name = \"zoo\"",
        "version = \"3.0.0\"",
        "license = \"MIT\"",
        "repository = \"https://example.com/zoo\"",
        "publish = true",
        "description = \"The zoo's pets\"",
    ] {
        assert!(manifest.contains(line), "{line} in {manifest}");
    }
    let operations = read("src/operations.rs");
    assert!(operations.contains("pub fn all_pets("), "{operations}");
    assert!(!operations.contains("pub fn create_pets("), "{operations}");
    let models = read("src/models.rs");
    assert!(models.contains("pub struct Animal"), "{models}");
    assert!(models.contains("pub id: rust_decimal::Decimal"), "{models}");
    assert!(models.contains("#[serde(deny_unknown_fields)]"), "{models}");
    assert!(!models.contains("pub struct Error"), "{models}");
    assert!(
        manifest.contains(r#"rust_decimal = { version = "1", features = ["serde"] }"#),
        "{manifest}"
    );
    assert!(
        models.contains(
            "Eq, Hash)]\n#[cfg_attr(feature = \"serialize-received\", derive(serde::Serialize))]\n\
             #[allow(clippy::struct_excessive_bools)]\n#[serde(deny_unknown_fields)]\n\
             #[non_exhaustive]\npub struct Animal"
        ),
        "{models}"
    );
    let current = run(&["check", arg(&spec), "-o", arg(&out)]);
    assert_eq!(current.status.code(), Some(0), "{}", text(&current.stderr));
}

#[test]
fn a_bad_configuration_is_located() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let config = dir.path().join("settings.toml");
    let spec = corpus("public/oai-petstore.yaml");
    let out = dir.path().join("out");
    // A wrong key, a value of the wrong type, and an override of a schema
    // the spec does not have.
    for (configuration, line, says) in [
        (
            "[package]\nname = \"zoo\"\nlicence = \"MIT\"\n",
            3,
            "unknown field `licence`",
        ),
        ("[package]\npublish = \"yes\"\n", 2, "invalid type"),
        ("\n[types.schemas]\nPett = \"u64\"\n", 3, "schema `Pett`"),
    ] {
        std::fs::write(&config, configuration).expect("write");
        let failed = run(&[
            "generate",
            arg(&spec),
            "-o",
            arg(&out),
            "--config",
            arg(&config),
        ]);
        assert_eq!(failed.status.code(), Some(1));
        let stderr = text(&failed.stderr);
        assert!(
            stderr.contains(&format!("settings.toml:{line}")),
            "{stderr}"
        );
        assert!(stderr.contains(says), "{stderr}");
    }
}

#[test]
fn an_error_located_by_a_pointer_shows_its_line() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let spec = dir.path().join("dangling.yaml");
    std::fs::write(
        &spec,
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Missing'}\n",
    )
    .expect("write the spec");
    let failed = run(&["generate", arg(&spec), "-o", arg(&dir.path().join("out"))]);
    assert_eq!(failed.status.code(), Some(1));
    let stderr = text(&failed.stderr);
    assert!(stderr.contains("dangling.yaml:11"), "{stderr}");
    assert!(stderr.contains("11 |"), "{stderr}");
    assert!(stderr.contains("Missing"), "{stderr}");
}
