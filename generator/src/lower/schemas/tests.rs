//! Lowering of schema constructs, checked on the IR.

use std::path::PathBuf;

use crate::ir::{Api, Model, ModelKind, Presence, Struct, TypeRef, Union};

/// Lowers a spec made of `schemas` (YAML, indented for `components`) and
/// operations that send `sent` and return `received`.
fn lower(schemas: &str, sent: &str, received: &str) -> Api {
    let text = format!(
        "openapi: 3.0.3
info: {{title: T, version: '1'}}
paths:
  /send:
    post:
      operationId: send
      requestBody:
        required: true
        content:
          application/json:
            schema: {{$ref: '#/components/schemas/{sent}'}}
      responses:
        '204': {{description: ok}}
  /receive:
    get:
      operationId: receive
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {{$ref: '#/components/schemas/{received}'}}
components:
  schemas:
{schemas}"
    );
    let path = PathBuf::from("spec.yaml");
    let document = crate::load::parse_document(&path, &text).expect("valid YAML");
    let loaded = crate::load::load_documents(vec![(path, document)]).expect("loads");
    crate::lower::lower(&loaded).expect("lowers")
}

fn model<'a>(api: &'a Api, name: &str) -> &'a Model {
    api.models
        .iter()
        .find(|m| m.name == name)
        .unwrap_or_else(|| panic!("no model {name} in {:?}", names(api)))
}

fn names(api: &Api) -> Vec<&str> {
    api.models.iter().map(|m| m.name.as_str()).collect()
}

fn union<'a>(api: &'a Api, name: &str) -> &'a Union {
    match &model(api, name).kind {
        ModelKind::Union(union) => union,
        other => panic!("{name} is not a union: {other:?}"),
    }
}

fn object<'a>(api: &'a Api, name: &str) -> &'a Struct {
    match &model(api, name).kind {
        ModelKind::Struct(object) => object,
        other => panic!("{name} is not a struct: {other:?}"),
    }
}

fn tags(union: &Union) -> Vec<(&str, Vec<&str>)> {
    union
        .variants
        .iter()
        .map(|v| {
            let values = v.tag_values.iter().map(String::as_str).collect();
            (v.rust_name.as_str(), values)
        })
        .collect()
}

fn field_names(object: &Struct) -> Vec<&str> {
    object.fields.iter().map(|f| f.wire_name.as_str()).collect()
}

const PETS: &str = "
    Pet:
      oneOf:
        - $ref: '#/components/schemas/Dog'
        - $ref: '#/components/schemas/Cat'
      discriminator:
        propertyName: petType
        mapping:
          dog: '#/components/schemas/Dog'
          kitty: Cat
          cat: Cat
    Dog:
      type: object
      required: [petType]
      properties:
        petType: {type: string}
    Cat:
      type: object
      properties:
        petType: {type: string, enum: [cat, kitty]}
";

#[test]
fn a_discriminator_with_a_mapping_makes_a_tagged_union() {
    let api = lower(PETS, "Pet", "Pet");
    let pet = union(&api, "Pet");
    let tag = pet.tag.as_ref().expect("tagged");
    assert_eq!(tag.property, "petType");
    assert_eq!(tag.unknown_variant, "Unknown");
    assert_eq!(
        tags(pet),
        [("Dog", vec!["dog"]), ("Cat", vec!["kitty", "cat"])]
    );
    // The variant structs keep the tag property.
    assert_eq!(field_names(object(&api, "Dog")), ["petType"]);
    assert!(api.warnings.is_empty(), "{:?}", api.warnings);
}

#[test]
fn without_a_mapping_values_come_from_enums_then_schema_names() {
    let schemas = "
    Event:
      anyOf:
        - $ref: '#/components/schemas/Created'
        - $ref: '#/components/schemas/Plain'
      discriminator: {propertyName: type}
    Created:
      allOf:
        - $ref: '#/components/schemas/Plain'
        - properties:
            type: {type: string, enum: [created]}
    Plain:
      type: object
      properties:
        type: {type: string}
";
    let api = lower(schemas, "Event", "Event");
    assert_eq!(
        tags(union(&api, "Event")),
        [("Created", vec!["created"]), ("Plain", vec!["Plain"])]
    );
}

#[test]
fn discriminators_that_cannot_tell_variants_apart_fall_back_to_order() {
    let schemas = "
    Clash:
      oneOf:
        - $ref: '#/components/schemas/A'
        - $ref: '#/components/schemas/B'
      discriminator: {propertyName: kind}
    A:
      type: object
      properties:
        kind: {type: string, enum: [same]}
    B:
      type: object
      required: [kind, b]
      properties:
        kind: {type: string, enum: [same]}
        b: {type: string}
";
    let api = lower(schemas, "Clash", "Clash");
    let clash = union(&api, "Clash");
    assert!(clash.tag.is_none());
    // Untagged, so the struct with more required properties goes first.
    let order: Vec<&str> = clash
        .variants
        .iter()
        .map(|v| v.rust_name.as_str())
        .collect();
    assert_eq!(order, ["B", "A"]);
    assert_eq!(api.warnings.len(), 1);
    assert!(api.warnings[0].message.contains("`same` selects both"));
}

#[test]
fn allof_children_of_a_discriminated_parent_are_its_variants() {
    let schemas = "
    Animal:
      type: object
      required: [kind]
      properties:
        kind: {type: string}
      discriminator:
        propertyName: kind
        mapping:
          bird: '#/components/schemas/Bird'
    Bird:
      allOf:
        - $ref: '#/components/schemas/Animal'
        - properties:
            wings: {type: integer}
    Fish:
      allOf:
        - $ref: '#/components/schemas/Animal'
";
    let api = lower(schemas, "Animal", "Animal");
    assert_eq!(
        tags(union(&api, "Animal")),
        [("Bird", vec!["bird"]), ("Fish", vec!["Fish"])]
    );
    assert_eq!(field_names(object(&api, "Bird")), ["kind", "wings"]);
}

#[test]
fn nested_allof_parts_merge_into_one_struct() {
    let schemas = "
    Base:
      type: object
      required: [id]
      properties:
        id: {type: string}
    Named:
      allOf:
        - $ref: '#/components/schemas/Base'
        - properties:
            name: {type: string}
    Labelled:
      allOf:
        - $ref: '#/components/schemas/Named'
        - allOf:
            - required: [label]
              properties:
                label: {type: string}
            - description: only an annotation
    Loop:
      allOf:
        - $ref: '#/components/schemas/Loop2'
        - properties:
            a: {type: string}
    Loop2:
      allOf:
        - $ref: '#/components/schemas/Loop'
        - properties:
            b: {type: string}
";
    let api = lower(schemas, "Labelled", "Loop");
    let labelled = object(&api, "Labelled");
    assert_eq!(field_names(labelled), ["id", "name", "label"]);
    let required: Vec<bool> = labelled
        .fields
        .iter()
        .map(|f| f.presence == Presence::Required)
        .collect();
    assert_eq!(required, [true, false, true]);
    assert_eq!(field_names(object(&api, "Loop")), ["a", "b"]);
    assert!(api.warnings.is_empty(), "{:?}", api.warnings);
}

#[test]
fn a_single_reference_with_nullable_beside_it_is_that_type_nullable() {
    let schemas = "
    Thing:
      type: object
      properties:
        id: {type: string}
    Holder:
      type: object
      required: [beside, part, choice]
      properties:
        beside:
          nullable: true
          allOf:
            - $ref: '#/components/schemas/Thing'
        part:
          allOf:
            - $ref: '#/components/schemas/Thing'
            - nullable: true
        choice:
          anyOf:
            - $ref: '#/components/schemas/Thing'
            - nullable: true
        plain:
          allOf:
            - $ref: '#/components/schemas/Thing'
";
    let api = lower(schemas, "Holder", "Holder");
    let holder = object(&api, "Holder");
    for field in &holder.fields {
        assert_eq!(
            field.ty,
            TypeRef::Named("Thing".into()),
            "{}",
            field.wire_name
        );
    }
    let presence: Vec<Presence> = holder.fields.iter().map(|f| f.presence).collect();
    assert_eq!(
        presence,
        [
            Presence::RequiredNullable,
            Presence::RequiredNullable,
            Presence::RequiredNullable,
            Presence::Optional,
        ]
    );
}

#[test]
fn untagged_alternatives_are_tried_most_specific_first() {
    let schemas = "
    Choice:
      oneOf:
        - type: object
          additionalProperties: {type: string}
        - type: string
        - type: number
        - type: string
          format: date
        - type: integer
        - nullable: true
";
    let api = lower(schemas, "Choice", "Choice");
    let order: Vec<&TypeRef> = union(&api, "Choice")
        .variants
        .iter()
        .map(|v| &v.ty)
        .collect();
    assert_eq!(
        order,
        [
            &TypeRef::I64,
            &TypeRef::F64,
            &TypeRef::Date,
            &TypeRef::String,
            &TypeRef::Map(Box::new(TypeRef::String)),
        ]
    );
}

#[test]
fn deprecated_schemas_and_properties_are_marked() {
    let schemas = "
    Old:
      deprecated: true
      type: object
      properties:
        gone: {type: string, deprecated: true}
        kept: {type: string}
";
    let api = lower(schemas, "Old", "Old");
    assert!(model(&api, "Old").deprecated);
    let deprecated: Vec<bool> = object(&api, "Old")
        .fields
        .iter()
        .map(|f| f.deprecated)
        .collect();
    assert_eq!(deprecated, [true, false]);
}

#[test]
fn required_fields_with_a_default_need_not_be_sent() {
    let schemas = "
    Level: {type: integer, default: 1}
    Request:
      type: object
      required: [retries, level]
      properties:
        retries: {type: integer, default: 3, description: How often.}
        level: {$ref: '#/components/schemas/Level'}
    Response:
      type: object
      required: [retries]
      properties:
        retries: {type: integer, default: 3}
";
    let api = lower(schemas, "Request", "Response");
    let request = object(&api, "Request");
    assert_eq!(request.fields[0].presence, Presence::Optional);
    assert_eq!(
        request.fields[0].docs,
        "How often.\n\nDefaults to `3` on the server."
    );
    assert_eq!(request.fields[1].docs, "Defaults to `1` on the server.");
    assert_eq!(
        object(&api, "Response").fields[0].presence,
        Presence::Required
    );
}

#[test]
fn additional_properties_false_has_no_map_and_a_schema_gives_a_typed_one() {
    let schemas = "
    Closed:
      type: object
      additionalProperties: false
      properties:
        id: {type: string}
    Open:
      type: object
      additionalProperties: {type: integer, format: uint32}
      properties:
        id: {type: string}
    Both:
      type: object
      properties:
        closed: {$ref: '#/components/schemas/Closed'}
        open: {$ref: '#/components/schemas/Open'}
";
    let api = lower(schemas, "Both", "Both");
    assert!(object(&api, "Closed").additional_properties.is_none());
    let open = object(&api, "Open").additional_properties.as_ref();
    assert_eq!(open.map(|a| &a.ty), Some(&TypeRef::U32));
}

#[test]
fn structs_sent_are_constructible_and_only_they_derive_default() {
    let schemas = "
    Request:
      type: object
      properties:
        options: {$ref: '#/components/schemas/Options'}
        shape: {$ref: '#/components/schemas/Shape'}
    Options:
      type: object
      properties:
        verbose: {type: boolean}
    Shape:
      oneOf:
        - {$ref: '#/components/schemas/Circle'}
    Circle:
      type: object
      required: [radius]
      properties:
        radius: {type: number}
    Response:
      type: object
      properties:
        id: {type: string}
    Orphan:
      type: object
      properties:
        id: {type: string}
";
    let api = lower(schemas, "Request", "Response");
    let facts = |name| {
        let object = object(&api, name);
        (object.constructible, object.derive_default)
    };
    // Sent, directly or through fields and union alternatives.
    assert_eq!(facts("Request"), (true, true));
    assert_eq!(facts("Options"), (true, true));
    assert_eq!(facts("Circle"), (true, true));
    // Received only, or not used by any operation: no constructor, and no
    // `Default` for a later required field to take away.
    assert_eq!(facts("Response"), (false, false));
    assert_eq!(facts("Orphan"), (false, false));
}
