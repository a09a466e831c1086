use std::path::Path;

use super::*;
use crate::ErrorKind;

fn parse(text: &str) -> Result<Config> {
    Config::from_text(Path::new("openapi-rust-gen.toml"), text)
}

fn error(text: &str) -> Error {
    parse(text).expect_err("the configuration is refused")
}

#[test]
fn every_key_is_read() {
    let config = parse(
        r#"
[package]
name = "pets"
version = "2.1.0"
edition = "2021"
description = "Pets"
license = "MIT"
repository = "https://example.com/pets"
publish = true
rust-version = "1.89"

[operations.include]
tags = ["pets"]
paths = ["/pets"]
operation-ids = ["listPets"]

[operations.exclude]
operation-ids = ["deletePet"]

[rename.operations]
listPets = "all_pets"

[rename.types]
Pet = "Animal"

[derive]
all = ["Eq"]

[derive.types]
Animal = ["Hash"]

[transport]
idempotency-header = "X-Request-Key"
"#,
    )
    .expect("valid configuration");
    assert_eq!(config.transport.idempotency_header(), "X-Request-Key");
    assert_eq!(config.package.name.as_deref(), Some("pets"));
    assert_eq!(config.package.publish, Some(true));
    assert_eq!(config.package.rust_version.as_deref(), Some("1.89"));
    assert!(config
        .operations
        .include
        .selects("x", "/other", &["pets".to_owned()]));
    assert!(config.operations.exclude.selects("deletePet", "/", &[]));
    assert_eq!(config.rename.operations["listPets"].get_ref(), "all_pets");
    assert_eq!(config.rename.types["Pet"].get_ref(), "Animal");
    assert_eq!(config.derive.all[0].get_ref(), "Eq");
    assert_eq!(config.derive.types["Animal"][0].get_ref(), "Hash");
}

#[test]
fn an_unknown_key_is_located_and_lists_the_allowed_ones() {
    let error = error("[package]\nname = \"a\"\nlicence = \"MIT\"\n");
    assert_eq!(error.kind(), ErrorKind::Spec);
    assert_eq!(error.location.line, Some(3), "{error}");
    assert!(error.message.contains("unknown field `licence`"), "{error}");
    assert!(error.message.contains("`license`"), "{error}");
}

#[test]
fn a_value_of_the_wrong_type_is_located() {
    let error = error("[package]\npublish = \"yes\"\n");
    assert_eq!(error.location.line, Some(2), "{error}");
    assert!(error.message.contains("invalid type"), "{error}");
}

#[test]
fn a_derive_that_is_not_a_path_is_located() {
    let error = error("[derive]\nall = [\n  \"Eq\",\n  \"not a path\",\n]\n");
    assert_eq!(error.location.line, Some(4), "{error}");
    assert!(error.message.contains("not a path"), "{error}");
}

#[test]
fn a_rename_that_is_not_an_identifier_is_located() {
    let error = error("[rename.types]\nPet = \"Pet Type\"\n");
    assert_eq!(error.location.line, Some(2), "{error}");
}

#[test]
fn names_the_spec_does_not_have_are_located() {
    let spec = crate::testing::PETS;
    let lower = |config: &str| {
        let loaded = crate::load::load_text(Path::new("spec.yaml"), spec).expect("the spec loads");
        crate::lower::lower_with(&loaded, &parse(config).expect("valid configuration"))
    };
    let renamed = lower("\n[rename.operations]\nnoSuchOperation = \"x\"\n")
        .expect_err("an unknown operation is refused");
    assert_eq!(renamed.location.line, Some(3), "{renamed}");
    assert!(renamed.message.contains("noSuchOperation"), "{renamed}");
    let typed = lower("[rename.types]\nNoSuchSchema = \"X\"\n").expect_err("unknown schema");
    assert!(typed.message.contains("NoSuchSchema"), "{typed}");
    let derived = lower("[derive.types]\nNoSuchType = [\"Hash\"]\n").expect_err("unknown type");
    assert_eq!(derived.location.line, Some(2), "{derived}");
}

#[test]
fn the_configuration_changes_what_is_generated() {
    let loaded = crate::load::load_text(Path::new("spec.yaml"), crate::testing::PETS)
        .expect("the spec loads");
    let config = parse(
        "[rename.operations]\nupdatePet = \"replace_pet\"\n\
         [rename.types]\nPet = \"Animal\"\n\
         [derive]\nall = [\"Eq\"]\n",
    )
    .expect("valid configuration");
    let api = crate::lower::lower_with(&loaded, &config).expect("lowers");
    assert_eq!(api.operations[0].method_name, "replace_pet");
    let animal = api
        .models
        .iter()
        .find(|m| m.name == "Animal")
        .expect("renamed");
    assert_eq!(animal.extra_derives, ["Eq"]);
    let excluded =
        parse("[operations.exclude]\npaths = [\"/pets/{petId}\"]\n").expect("valid configuration");
    let api = crate::lower::lower_with(&loaded, &excluded).expect("lowers");
    assert!(api.operations.is_empty());
}

#[test]
fn the_configured_idempotency_header_is_the_one_keys_go_in() {
    let spec = "
openapi: 3.0.3
info: {title: Keys, version: '1'}
paths:
  /orders:
    post:
      operationId: createOrder
      parameters:
        - {name: X-Request-Key, in: header, schema: {type: string}}
      responses:
        '201': {description: created}
";
    let loaded = crate::load::load_text(Path::new("spec.yaml"), spec).expect("the spec loads");
    let default = crate::lower::lower(&loaded).expect("lowers");
    assert_eq!(default.operations[0].idempotency_header, None);
    let config = parse("[transport]\nidempotency-header = \"x-request-key\"\n").expect("valid");
    let configured = crate::lower::lower_with(&loaded, &config).expect("lowers");
    assert_eq!(
        configured.operations[0].idempotency_header.as_deref(),
        Some("X-Request-Key")
    );
}
