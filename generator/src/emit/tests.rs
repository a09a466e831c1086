//! The emitters on small APIs: what they render for a given model and
//! surface, read back as formatted code.

use proc_macro2::TokenStream;

use crate::emit::{emit_crate, models, operations, EmittedFile};
use crate::ir::Api;
use crate::surface::Surface;
use crate::testing::{lowered as api, PETS};
use crate::Options;

/// The code as prettyplease formats it, as in a generated crate.
fn code(tokens: TokenStream) -> String {
    let file: syn::File = syn::parse2(tokens).expect("emitted code parses");
    prettyplease::unparse(&file)
}

fn models_code(api: &Api) -> String {
    code(models::models_file(api, &Surface::of(api)))
}

fn operations_code(api: &Api) -> String {
    let surface = Surface::of(api);
    code(operations::operations_file(
        &api.operations,
        &surface.operations,
        &surface.shared_errors,
        &api.features,
    ))
}

#[test]
fn setters_render_the_surface_signature_and_store_the_value() {
    let code = models_code(&api(PETS));
    assert!(
        code.contains("pub fn new(name: impl Into<String>) -> Self {"),
        "{code}"
    );
    assert!(
        code.contains("pub fn with_type(mut self, value: impl Into<String>) -> Self {"),
        "{code}"
    );
    // `type` is a keyword: the field is a raw identifier, the setter not;
    // a nullable field can be set to `null` as well.
    assert!(code.contains("self.r#type = Some(value.into());"), "{code}");
    assert!(
        code.contains("self.note = Some(Some(value.into()));"),
        "{code}"
    );
}

#[test]
fn a_model_holding_a_deprecated_one_allows_its_own_use() {
    let code = models_code(&api(PETS));
    let old = code.find("pub struct Old").expect("Old is emitted");
    assert!(code[..old].contains("#[deprecated]"), "{code}");
    let pet = code.find("pub struct Pet").expect("Pet is emitted");
    let before_pet = &code[..pet];
    let attributes = &before_pet[before_pet.rfind("///").unwrap_or(0)..];
    assert!(attributes.contains("#[allow(deprecated)]"), "{attributes}");
}

#[test]
fn client_methods_borrow_their_arguments_and_setters_push_parameters() {
    let code = operations_code(&api(PETS));
    assert!(
        code.contains(
            "pub fn update_pet(&self, pet_id: &str, body: &models::Pet) -> Call<'_, UpdatePet> {"
        ),
        "{code}"
    );
    assert!(
        code.contains(".json_body(body, \"application/json\")"),
        "{code}"
    );
    assert!(
        code.contains("pub fn tags(self, tags: &[String]) -> Self {"),
        "{code}"
    );
    assert!(code.contains(".query_list(\"tags\", tags, true)"), "{code}");
}

#[test]
fn many_required_arguments_are_allowed_explicitly() {
    let parameters: String = (0..8)
        .map(|n| {
            format!(
                "        - {{name: p{n}, in: query, required: true, schema: {{type: integer}}}}\n"
            )
        })
        .collect();
    let yaml = format!(
        "openapi: 3.0.3\ninfo: {{title: Many, version: '1'}}\npaths:\n  /many:\n    get:\n      operationId: many\n      parameters:\n{parameters}      responses:\n        '204': {{description: ok}}\n"
    );
    let code = operations_code(&api(&yaml));
    let method = code.find("pub fn many(").expect("the method is emitted");
    assert!(
        code[..method].ends_with("#[allow(clippy::too_many_arguments)]\n    "),
        "{}",
        &code[..method]
    );
}

#[test]
fn optional_runtime_modules_follow_the_types_the_api_uses() {
    let files = |api: &Api| -> Vec<String> {
        let surface = Surface::of(api);
        let emitted = emit_crate(api, &surface, &Options::new("t")).expect("emits");
        emitted
            .iter()
            .map(|file| match file {
                EmittedFile::Rust(path, _) | EmittedFile::Text(path, _) => {
                    path.display().to_string()
                }
            })
            .collect()
    };
    let plain = files(&api(PETS));
    assert!(
        !plain.contains(&"src/runtime/decimal.rs".to_owned()),
        "{plain:?}"
    );
    let money = api("
openapi: 3.0.3
info: {title: Money, version: '1'}
paths: {}
components:
  schemas:
    Price:
      type: object
      properties:
        amount: {type: number, format: decimal}
");
    let with_decimal = files(&money);
    assert!(
        with_decimal.contains(&"src/runtime/decimal.rs".to_owned()),
        "{with_decimal:?}"
    );
}

/// The paths and the `Cargo.toml` of the crate emitted for `api`.
fn files_and_manifest(api: &Api) -> (Vec<String>, String) {
    let surface = Surface::of(api);
    let emitted = emit_crate(api, &surface, &Options::new("t")).expect("emits");
    let mut paths = Vec::new();
    let mut manifest = String::new();
    for file in &emitted {
        let (EmittedFile::Rust(path, _) | EmittedFile::Text(path, _)) = file;
        if let EmittedFile::Text(path, text) = file {
            if path.as_os_str() == "Cargo.toml" {
                manifest = text.clone();
            }
        }
        paths.push(path.display().to_string());
    }
    (paths, manifest)
}

#[test]
fn stream_modules_and_features_follow_the_operations() {
    let document = |responses: &str, body: &str| {
        format!(
            "openapi: 3.0.3\ninfo: {{title: S, version: '1'}}\npaths:\n  /s:\n    post:\n      operationId: s\n{body}      responses:\n        '200':\n          description: ok\n          content:\n{responses}"
        )
    };
    let events = "            text/event-stream:\n              schema: {type: string}\n";
    let binary = "            application/octet-stream:\n              schema: {type: string, format: binary}\n";
    let upload = "      requestBody:\n        required: true\n        content:\n          application/octet-stream:\n            schema: {type: string, format: binary}\n";
    let has = |paths: &[String], module: &str| paths.contains(&format!("src/runtime/{module}.rs"));

    let (paths, manifest) = files_and_manifest(&api(&document(events, "")));
    assert!(has(&paths, "sse") && !has(&paths, "streams") && !has(&paths, "uploads"));
    assert!(!has(&paths, "pagination"), "{paths:?}");
    assert!(manifest.contains("futures-util") && !manifest.contains("\"stream\""));
    let ops = operations_code(&api(&document(events, "")));
    assert!(
        ops.contains("crate::runtime::EventStream<String, SError>"),
        "{ops}"
    );
    assert!(ops.contains("const STREAMS: bool = true;"), "{ops}");

    // A download needs no reqwest feature; an upload does.
    let (paths, manifest) = files_and_manifest(&api(&document(binary, "")));
    assert!(has(&paths, "streams") && !has(&paths, "uploads") && !has(&paths, "sse"));
    assert!(!manifest.contains("\"stream\"") && !manifest.contains("tokio-util"));
    let (paths, manifest) = files_and_manifest(&api(&document(binary, upload)));
    assert!(has(&paths, "streams") && has(&paths, "uploads"));
    assert!(manifest.contains("features = [\"stream\"]") && manifest.contains("tokio-util"));

    let (paths, manifest) = files_and_manifest(&api(PETS));
    assert!(!has(&paths, "sse") && !has(&paths, "streams") && !has(&paths, "uploads"));
    assert!(!manifest.contains("\"stream\""));
}
