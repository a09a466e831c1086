use super::*;
use crate::ir::{Api, Ident};
use crate::testing::{lowered as api, PETS};

fn surface() -> (Api, Surface) {
    let api = api(PETS);
    let surface = Surface::of(&api);
    (api, surface)
}

#[test]
fn client_methods_borrow_what_they_only_read() {
    let (_, surface) = surface();
    let method = &surface.operations[0].client_method;
    assert_eq!(method.name, "update_pet");
    let arguments: Vec<(&str, &Passing)> = method
        .arguments
        .iter()
        .map(|a| (a.name.as_str(), &a.passing))
        .collect();
    assert_eq!(
        arguments,
        [
            ("pet_id", &Passing::Str),
            ("body", &Passing::Borrowed(TypeRef::Named("Pet".to_owned()))),
        ]
    );
}

#[test]
fn call_setters_take_lists_as_slices_and_small_values_by_value() {
    let (api, surface) = surface();
    let setters = &surface.operations[0].setters;
    let described: Vec<(&str, &Passing, Option<&str>)> = setters
        .iter()
        .map(|s| {
            let parameter = s
                .parameter
                .map(|i| api.operations[0].parameters[i].wire_name.as_str());
            (
                s.method.name.as_str(),
                &s.method.arguments[0].passing,
                parameter,
            )
        })
        .collect();
    assert_eq!(
        described,
        [
            ("tags", &Passing::Slice(TypeRef::String), Some("tags")),
            ("limit", &Passing::Value(TypeRef::I32), Some("limit")),
        ]
    );
    assert!(setters[0]
        .method
        .docs
        .contains("Sets the `tags` query parameter."));
}

#[test]
fn structs_users_build_own_their_values() {
    let (api, surface) = surface();
    let pet = &surface.models[model_index(&api, "Pet")];
    let new = pet
        .constructor
        .as_ref()
        .expect("Pet is sent, so it has `new`");
    assert_eq!(new.arguments.len(), 1);
    assert_eq!(new.arguments[0].passing, Passing::IntoString);
    let setters: Vec<(&str, &str, SetValue)> = pet
        .setters
        .iter()
        .map(|s| (s.method.name.as_str(), s.field.as_str(), s.stores))
        .collect();
    assert_eq!(
        setters,
        [
            ("with_type", "r#type", SetValue::Some),
            ("with_note", "note", SetValue::SomeSome),
            ("with_parent", "parent", SetValue::Some),
            ("with_legacy", "legacy", SetValue::Some),
        ]
    );
    // The recursive field is boxed; its setter takes the value unboxed.
    assert_eq!(
        pet.setters[2].method.arguments[0].passing,
        Passing::Unboxed(TypeRef::Named("Pet".to_owned()))
    );
}

/// Members named by digits become fields `_0`, `_1`; their setters are
/// still snake case.
#[test]
fn setters_of_fields_named_by_digits_are_snake_case() {
    let api = api("
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /slots:
    post:
      operationId: setSlots
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Slots'}
      responses:
        '204': {description: done}
components:
  schemas:
    Slots:
      type: object
      properties: {'0': {type: string}, '1': {type: string}, _note: {type: string}}
");
    let surface = Surface::of(&api);
    let names: Vec<&str> = model(&surface, &api, "Slots")
        .setters
        .iter()
        .map(|s| s.method.name.as_str())
        .collect();
    assert_eq!(names, ["with_0", "with_1", "with_note"]);
}

#[test]
fn types_are_spelled_for_where_the_code_stands() {
    let spell = |ty: &TypeRef, scope| rust_type(ty, scope).to_string().replace(' ', "");
    let pet = TypeRef::List(Box::new(TypeRef::Named("Pet".to_owned())));
    assert_eq!(spell(&pet, Scope::Models), "Vec<Pet>");
    assert_eq!(spell(&pet, Scope::Crate), "Vec<models::Pet>");
    assert_eq!(
        spell(&pet, Scope::Outside("pets")),
        "Vec<::pets::models::Pet>"
    );
    assert_eq!(spell(&TypeRef::Uuid, Scope::Crate), "uuid::Uuid");
    assert_eq!(
        spell(&TypeRef::Uuid, Scope::Outside("pets")),
        "::pets::uuid::Uuid"
    );
    assert_eq!(
        spell(&TypeRef::Decimal, Scope::Crate),
        "crate::runtime::Decimal"
    );
    assert_eq!(
        spell(&TypeRef::Decimal, Scope::Outside("pets")),
        "::pets::Decimal"
    );
    let passing = Passing::IntoBytes;
    assert_eq!(
        passing
            .rust_type(Scope::Outside("pets"))
            .to_string()
            .replace(' ', ""),
        "implInto<::pets::BinaryBody>"
    );
    assert_eq!(
        passing.rust_type(Scope::Crate).to_string().replace(' ', ""),
        "implInto<crate::runtime::BinaryBody>"
    );
    // Code that writes calls holds the bytes, which convert into it.
    assert_eq!(
        passing
            .example_type(Scope::Outside("pets"))
            .to_string()
            .replace(' ', ""),
        "::pets::Bytes"
    );
}

#[test]
fn the_crate_root_reexports_what_the_types_need() {
    let api = api("
openapi: 3.0.3
info: {title: Ids, version: '1'}
paths: {}
components:
  schemas:
    Thing:
      type: object
      properties:
        id: {type: string, format: uuid}
        blob: {type: string, format: byte}
");
    let surface = Surface::of(&api);
    let names: Vec<&str> = surface.reexports.iter().map(|r| r.name).collect();
    assert_eq!(names, ["uuid", "models::Base64"]);
    assert!(surface.reexports("uuid"));
    assert!(!surface.reexports("chrono"));
}

#[test]
fn names_the_runtime_uses_are_avoided_and_a_clash_is_found() {
    let api = api("
openapi: 3.0.3
info: {title: Clash, version: '1'}
paths:
  /things:
    get:
      operationId: builder
      parameters:
        - {name: timeout, in: query, schema: {type: integer}}
        - {name: send, in: query, schema: {type: string}}
      responses:
        '200': {description: ok}
");
    let mut surface = Surface::of(&api);
    assert_eq!(surface.name_clashes(), Vec::<String>::new());
    let setters: Vec<&str> = surface.operations[0]
        .setters
        .iter()
        .map(|s| s.method.name.as_code())
        .collect();
    assert!(
        !setters.contains(&"timeout") && !setters.contains(&"send"),
        "{setters:?}"
    );
    // A surface that took the runtime's names is caught.
    surface.operations[0].setters[0].method.name = Ident::new("timeout");
    surface.operations[0].client_method.name = Ident::new("builder");
    assert_eq!(surface.name_clashes(), ["Client::builder", "Call::timeout"]);
}

#[test]
fn structs_decode_by_written_code_unless_configured_serde_needs_the_derive() {
    let (mut api, surface) = surface();
    let pet = model_index(&api, "Pet");
    assert_eq!(surface.models[pet].decoding, Decoding::Members);
    assert!(!surface.models[pet]
        .derives
        .contains(&"Deserialize".to_owned()));

    api.models[pet].extra_attributes = vec!["#[serde (deny_unknown_fields)]".to_owned()];
    let configured = Surface::of(&api);
    assert_eq!(configured.models[pet].decoding, Decoding::Own);
    assert!(configured.models[pet]
        .derives
        .contains(&"Deserialize".to_owned()));

    api.models[pet].extra_attributes.clear();
    api.models[pet].extra_derives = vec!["serde::Deserialize".to_owned()];
    let derived = Surface::of(&api);
    assert_eq!(derived.models[pet].decoding, Decoding::Own);
    let deserialize = derived.models[pet]
        .derives
        .iter()
        .filter(|d| d.ends_with("Deserialize"));
    assert_eq!(
        deserialize.count(),
        1,
        "derived once: {:?}",
        derived.models[pet].derives
    );
}

/// Sends `Sent` and `Shape` (untagged); receives `Got`, `Event` (tagged)
/// and `Either` (untagged).
const DIRECTIONS: &str = "
openapi: 3.0.3
info: {title: Directions, version: '1'}
paths:
  /things:
    post:
      operationId: createThing
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                sent: {$ref: '#/components/schemas/Sent'}
                shape: {$ref: '#/components/schemas/Shape'}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  got: {$ref: '#/components/schemas/Got'}
                  event: {$ref: '#/components/schemas/Event'}
                  either: {$ref: '#/components/schemas/Either'}
components:
  schemas:
    Sent:
      type: object
      properties: {a_field: {type: string}}
    Shape:
      oneOf: [{type: string}, {type: integer}]
    Got:
      type: object
      properties: {b_field: {type: string}}
    Either:
      oneOf: [{type: string}, {$ref: '#/components/schemas/Got'}]
    Event:
      oneOf: [{$ref: '#/components/schemas/Ping'}, {$ref: '#/components/schemas/Pong'}]
      discriminator: {propertyName: kind}
    Ping:
      type: object
      required: [kind]
      properties: {kind: {type: string}}
    Pong:
      type: object
      required: [kind, at]
      properties: {kind: {type: string}, at: {type: integer}}
";

fn model<'a>(surface: &'a Surface, api: &Api, name: &str) -> &'a ModelSurface {
    &surface.models[model_index(api, name)]
}

/// The index of the model named `name`, in the IR as in the surface.
fn model_index(api: &Api, name: &str) -> usize {
    api.models
        .iter()
        .position(|m| m.name == name)
        .unwrap_or_else(|| panic!("the spec has a model {name}"))
}

/// The index of the operation `id`, in the IR as in the surface.
fn operation_index(api: &Api, id: &str) -> usize {
    api.operations
        .iter()
        .position(|op| op.id == id)
        .unwrap_or_else(|| panic!("the spec has an operation {id}"))
}

#[test]
fn only_sent_types_always_serialize_received_ones_with_the_feature() {
    let mut api = api(DIRECTIONS);
    let surface = Surface::of(&api);
    // A sent struct's `Serialize` is written, with no serde attributes; a
    // sent untagged union's is derived.
    let sent = model(&surface, &api, "Sent");
    assert_eq!(sent.encodes, Availability::Always);
    assert_eq!(sent.encoding, Encoding::Members);
    assert!(!sent.derives.iter().any(|d| d.ends_with("Serialize")));
    assert!(sent.derives_serialize_received.is_empty());
    assert_eq!(sent.serde_attributes, Availability::Never);
    let shape = model(&surface, &api, "Shape");
    assert_eq!(shape.encodes, Availability::Always);
    assert_eq!(shape.encoding, Encoding::Own);
    assert!(shape.derives.contains(&"Serialize".to_owned()));
    assert!(shape.derives_serialize_received.is_empty());
    assert_eq!(shape.serde_attributes, Availability::Always);
    for received in ["Got", "Either"] {
        let received = model(&surface, &api, received);
        let name = &received.name;
        assert_eq!(
            received.encodes,
            Availability::WithSerializeReceived,
            "{name}"
        );
        assert!(
            !received.derives.contains(&"Serialize".to_owned()),
            "{name}"
        );
        assert_eq!(
            received.derives_serialize_received,
            ["serde::Serialize"],
            "{name}"
        );
        assert_eq!(
            received.serde_attributes,
            Availability::WithSerializeReceived
        );
        assert_eq!(received.encoding, Encoding::Own, "{name}");
    }
    // A tagged union's `Serialize` is written, not derived.
    let event = model(&surface, &api, "Event");
    assert_eq!(event.encodes, Availability::WithSerializeReceived);
    assert!(event.derives_serialize_received.is_empty());
    assert!(surface.has_serialize_received());

    // Asked for by the configuration: always, and once (written, like a
    // sent struct's, so not derived as well).
    let got_at = model_index(&api, "Got");
    api.models[got_at].extra_derives = vec!["serde::Serialize".to_owned()];
    let configured = Surface::of(&api);
    let got = model(&configured, &api, "Got");
    assert_eq!(got.encodes, Availability::Always);
    assert_eq!(got.encoding, Encoding::Members);
    assert_eq!(got.serde_attributes, Availability::Never);
    assert!(got.derives_serialize_received.is_empty());
    let serialize = got.derives.iter().filter(|d| d.ends_with("Serialize"));
    assert_eq!(serialize.count(), 0, "{:?}", got.derives);

    // With serde attributes from the configuration, the derive reads them.
    api.models[got_at].extra_attributes = vec!["#[serde(deny_unknown_fields)]".to_owned()];
    let attributed = Surface::of(&api);
    let got = model(&attributed, &api, "Got");
    assert_eq!(got.encoding, Encoding::Own);
    let serialize = got.derives.iter().filter(|d| d.ends_with("Serialize"));
    assert_eq!(serialize.count(), 1, "{:?}", got.derives);
    assert_eq!(got.serde_attributes, Availability::Always);
}

/// `getA` and `getB` document the same errors; `getC` another body.
const SHARED_ERRORS: &str = "
openapi: 3.0.3
info: {title: Errors, version: '1'}
paths:
  /a:
    get:
      operationId: getA
      responses:
        '200': {description: ok}
        '404': {description: Missing, content: {application/json: {schema: {$ref: '#/components/schemas/Problem'}}}}
  /b:
    get:
      operationId: getB
      responses:
        '200': {description: ok}
        '404': {description: Missing, content: {application/json: {schema: {$ref: '#/components/schemas/Problem'}}}}
  /c:
    get:
      operationId: getC
      responses:
        '200': {description: ok}
        '404': {description: Missing, content: {application/json: {schema: {type: string}}}}
components:
  schemas:
    Problem:
      type: object
      properties: {detail: {type: string}}
";

#[test]
fn operations_documenting_the_same_errors_share_one_enum_by_their_own_aliases() {
    let api = api(SHARED_ERRORS);
    let surface = Surface::of(&api);
    let index = |id| operation_index(&api, id);
    let (a, b, c) = (index("getA"), index("getB"), index("getC"));
    assert_eq!(
        surface.shared_errors,
        [SharedErrors {
            name: "NotFound".to_owned(),
            operations: vec![a, b],
        }]
    );
    for op in [a, b] {
        assert_eq!(
            surface.operations[op].shared_errors.as_deref(),
            Some("NotFound")
        );
        assert_eq!(
            surface.operations[op].error_type,
            api.operations[op].error_type
        );
    }
    assert_eq!(surface.operations[c].shared_errors, None);
}
