//! Bad input gives an error that says where (file, line or JSON pointer) and
//! what, never a panic.

use std::path::{Path, PathBuf};

use openapi_rust_gen::{generate, Options};

/// Writes `files` (relative path, content) into a fresh directory.
fn spec_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    for (path, content) in files {
        let target = dir.path().join(path);
        std::fs::create_dir_all(target.parent().expect("file has a parent")).expect("create dirs");
        std::fs::write(target, content).expect("write spec file");
    }
    dir
}

fn error_for(spec: &Path) -> openapi_rust_gen::Error {
    match generate(spec, &Options::new("fixture")) {
        Ok(_) => panic!("generation of {} should fail", spec.display()),
        Err(e) => e,
    }
}

const COMPONENTS: &str = "\
openapi: 3.0.3
info: {title: T, version: '1'}
paths: {}
components:
  schemas:
    Plan:
      type: object
      properties:
        name: {type: string}
";

#[test]
fn missing_spec_path_names_the_path() {
    let missing = PathBuf::from("definitely/not/here.yaml");
    let error = error_for(&missing);
    let message = error.to_string();
    assert!(message.starts_with("definitely/not/here.yaml"), "{message}");
    assert!(message.contains("cannot read"), "{message}");
}

#[test]
fn invalid_yaml_names_file_and_line() {
    let dir = spec_dir(&[(
        "api.yaml",
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get: [unclosed\n",
    )]);
    let error = error_for(dir.path());
    assert_eq!(
        error.location.file.as_deref(),
        Some(dir.path().join("api.yaml").as_path())
    );
    assert!(
        error.location.line.is_some(),
        "a YAML error has a line: {error}"
    );
    assert!(error.message.starts_with("invalid YAML"), "{error}");
}

#[test]
fn dangling_local_reference_names_file_and_pointer() {
    let dir = spec_dir(&[(
        "api.yaml",
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /plans:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Missing'}\n",
    )]);
    let error = error_for(dir.path());
    assert_eq!(
        error.location.file.as_deref(),
        Some(dir.path().join("api.yaml").as_path())
    );
    assert_eq!(
        error.location.pointer.as_deref(),
        Some("#/paths/~1plans/get/responses/200/content/application~1json/schema")
    );
    assert_eq!(
        error.message,
        "dangling reference: `$ref: #/components/schemas/Missing` points at nothing"
    );
}

#[test]
fn dangling_cross_file_reference_names_the_referring_file() {
    let dir = spec_dir(&[
        ("components.yaml", COMPONENTS),
        (
            "plans.yaml",
            "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /plans:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: 'components.yaml#/components/schemas/Nope'}\n",
        ),
    ]);
    let error = error_for(dir.path());
    let message = error.to_string();
    assert!(message.contains("components.yaml"), "{message}");
    assert!(message.contains("#/components/schemas/Nope"), "{message}");
    assert!(message.contains("does not exist"), "{message}");
}

#[test]
fn reference_to_missing_file_names_both_ends() {
    let dir = spec_dir(&[(
        "plans.yaml",
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /plans:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: 'gone.yaml#/components/schemas/Plan'}\n",
    )]);
    let error = error_for(dir.path());
    assert_eq!(
        error.location.file.as_deref(),
        Some(dir.path().join("plans.yaml").as_path())
    );
    assert!(error.message.contains("gone.yaml"), "{error}");
    assert!(error.message.contains("does not exist"), "{error}");
}

#[test]
fn conflicting_definitions_name_both_files_and_the_pointer() {
    let other = COMPONENTS.replace("name: {type: string}", "name: {type: integer}");
    let dir = spec_dir(&[("a.yaml", COMPONENTS), ("b.yaml", &other)]);
    let error = error_for(dir.path());
    assert_eq!(
        error.location.file.as_deref(),
        Some(dir.path().join("b.yaml").as_path())
    );
    assert_eq!(
        error.location.pointer.as_deref(),
        Some("#/components/schemas/Plan")
    );
    assert!(
        error
            .message
            .contains(&dir.path().join("a.yaml").display().to_string()),
        "{error}"
    );
    assert!(error.message.contains("defined differently"), "{error}");
}

#[test]
fn identical_definitions_in_two_files_merge() {
    let dir = spec_dir(&[("a.yaml", COMPONENTS), ("b.yaml", COMPONENTS)]);
    let generated =
        generate(dir.path(), &Options::new("fixture")).expect("identical components merge");
    let models = &generated.files[&PathBuf::from("src/models.rs")];
    assert_eq!(models.matches("pub struct Plan {").count(), 1, "{models}");
}

#[test]
fn wrong_construct_is_located_by_pointer() {
    let dir = spec_dir(&[(
        "api.yaml",
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /plans:\n    get:\n      responses: 7\n",
    )]);
    let error = error_for(dir.path());
    assert_eq!(
        error.location.file.as_deref(),
        Some(dir.path().join("api.yaml").as_path())
    );
    assert_eq!(
        error.location.pointer.as_deref(),
        Some("#/paths/~1plans/get/responses")
    );
    assert!(
        error
            .message
            .starts_with("not a valid OpenAPI 3.0 construct"),
        "{error}"
    );
}

#[test]
fn unsupported_versions_are_named() {
    let swagger = spec_dir(&[("api.json", r#"{"swagger": "2.0", "info": {}, "paths": {}}"#)]);
    assert!(error_for(swagger.path()).message.contains("Swagger 2.0"));
    let not_openapi = spec_dir(&[("api.yaml", "hello: world\n")]);
    let error = error_for(not_openapi.path());
    assert_eq!(error.location.pointer.as_deref(), Some("#/openapi"));
    assert!(
        error
            .message
            .contains("missing the `openapi` version field"),
        "{error}"
    );
}

#[test]
fn empty_directory_is_an_error() {
    let dir = spec_dir(&[]);
    let error = error_for(dir.path());
    assert!(error.message.contains("no OpenAPI documents"), "{error}");
}
