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
        r##"
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

[attributes]
all = ["#[allow(clippy::struct_excessive_bools)]"]

[attributes.types]
Animal = ["#[serde(deny_unknown_fields)]"]

[types.schemas]
Old = "std::path::PathBuf"

[types.formats]
int32 = { type = "num::BigInt", crate = "num", version = "0.4", features = ["serde"] }

[transport]
idempotency-header = "X-Request-Key"
"##,
    )
    .expect("valid configuration");
    assert_eq!(
        config.attributes.all[0].get_ref(),
        "#[allow(clippy::struct_excessive_bools)]"
    );
    assert_eq!(config.attributes.types["Animal"].len(), 1);
    assert_eq!(
        config.types.schemas["Old"].get_ref().path(),
        "std::path::PathBuf"
    );
    let big = config.types.formats["int32"].get_ref().external_type();
    assert_eq!(big.path, "num::BigInt");
    let dependency = big.dependency.expect("a crate");
    assert_eq!(
        (dependency.name.as_str(), dependency.version.as_str()),
        ("num", "0.4")
    );
    assert_eq!(dependency.features, ["serde"]);
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

#[test]
fn an_override_that_is_not_a_type_path_is_located() {
    let e1 = error("[types.formats]\nuuid = \"fn() -> u8\"\n");
    assert_eq!(e1.location.line, Some(2), "{e1}");
    assert!(e1.message.contains("not a Rust type path"), "{e1}");
    let e2 = error("[types.schemas]\n\nPet = { type = \"a::B\", crate = \"a\" }\n");
    assert_eq!(e2.location.line, Some(3), "{e2}");
    assert!(e2.message.contains("needs a `version`"), "{e2}");
    let e3 = error("[types.schemas]\nPet = { type = \"a::B\", krate = \"a\" }\n");
    assert_eq!(e3.location.line, Some(2), "{e3}");
}

#[test]
fn an_attribute_that_is_not_one_is_located() {
    let e4 = error("[attributes]\nall = [\"#[must_use]\", \"derive(Hash)\"]\n");
    assert_eq!(e4.location.line, Some(2), "{e4}");
    assert!(e4.message.contains("not an outer attribute"), "{e4}");
    let e5 = error("[attributes.types]\nPet = [\"#![inner]\"]\n");
    assert!(e5.message.contains("not an outer attribute"), "{e5}");
}

fn lowered(config: &str) -> Result<crate::ir::Api> {
    let loaded = crate::load::load_text(Path::new("spec.yaml"), crate::testing::PETS)
        .expect("the spec loads");
    crate::lower::lower_with(&loaded, &parse(config).expect("valid configuration"))
}

#[test]
fn unknown_overrides_are_located() {
    let schema = lowered("[types.schemas]\nNoSuchSchema = \"u8\"\n").expect_err("unknown schema");
    assert_eq!(schema.location.line, Some(2), "{schema}");
    assert!(schema.message.contains("NoSuchSchema"), "{schema}");
    let format = lowered("[types.formats]\n\nuuid = \"u8\"\n").expect_err("unused format");
    assert_eq!(format.location.line, Some(3), "{format}");
    assert!(format.message.contains("`uuid`"), "{format}");
    assert!(
        format.message.contains("int32"),
        "lists the formats there are: {format}"
    );
    let attributed =
        lowered("[attributes.types]\nNoSuchType = [\"#[must_use]\"]\n").expect_err("unknown type");
    assert_eq!(attributed.location.line, Some(2), "{attributed}");
}

#[test]
fn overrides_replace_the_generated_types() {
    let api = lowered(
        "[types.schemas]\nOld = { type = \"legacy::Record\", crate = \"legacy\", version = \"2\" }\n\
         [types.formats]\nint32 = { type = \"num::BigInt\", crate = \"num\", version = \"0.4\", features = [\"serde\"] }\n\
         [attributes]\nall = [\"#[must_use]\"]\n",
    )
    .expect("lowers");
    assert!(
        !api.models.iter().any(|m| m.name == "Old"),
        "an overridden schema has no model"
    );
    let pet = api.models.iter().find(|m| m.name == "Pet").expect("Pet");
    let crate::ir::ModelKind::Struct(object) = &pet.kind else {
        panic!("Pet is a struct");
    };
    let legacy = object
        .fields
        .iter()
        .find(|f| f.wire_name == "legacy")
        .expect("legacy");
    assert!(
        matches!(legacy.ty.parts().last(), Some(crate::ir::TypeRef::External(t)) if t.path == "legacy::Record"),
        "{:?}",
        legacy.ty
    );
    assert_eq!(pet.extra_attributes, ["#[must_use]"]);
    let limit = &api.operations[0].parameters[2];
    assert!(
        matches!(limit.ty.parts().last(), Some(crate::ir::TypeRef::External(t)) if t.path == "num::BigInt"),
        "{:?}",
        limit.ty
    );
    let crates: Vec<&str> = api
        .type_dependencies
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    assert_eq!(crates, ["legacy", "num"]);
}

#[test]
fn the_configuration_wins_over_x_rust_type() {
    let spec = "
openapi: 3.0.3
info: {title: T, version: '1'}
paths: {}
components:
  schemas:
    Stamp: {type: string, x-rust-type: {path: time::OffsetDateTime, crate: time, version: '0.3'}}
    Holder:
      type: object
      properties:
        at: {$ref: '#/components/schemas/Stamp'}
        also: {type: string, x-rust-type: std::net::SocketAddr}
";
    let loaded = crate::load::load_text(Path::new("spec.yaml"), spec).expect("the spec loads");
    let lower = |config: &str| {
        crate::lower::lower_with(&loaded, &parse(config).expect("valid")).expect("lowers")
    };
    let field_types = |api: &crate::ir::Api| -> Vec<String> {
        let holder = api
            .models
            .iter()
            .find(|m| m.name == "Holder")
            .expect("Holder");
        let crate::ir::ModelKind::Struct(object) = &holder.kind else {
            panic!("a struct");
        };
        object
            .fields
            .iter()
            .map(|f| match f.ty.parts().last() {
                Some(crate::ir::TypeRef::External(t)) => t.path.clone(),
                other => format!("{other:?}"),
            })
            .collect()
    };
    let declared = lower("");
    assert_eq!(
        field_types(&declared),
        ["time::OffsetDateTime", "std::net::SocketAddr"]
    );
    assert_eq!(declared.type_dependencies[0].name, "time");
    let configured = lower("[types.schemas]\nStamp = \"chrono::NaiveTime\"\n");
    assert_eq!(
        field_types(&configured),
        ["chrono::NaiveTime", "std::net::SocketAddr"]
    );
    assert!(configured.type_dependencies.is_empty());
}
