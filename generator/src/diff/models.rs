//! Changes to schemas: structs, enums, unions and aliases.

use super::{
    match_by, presence_label, present_type_label, reordered, type_changed, type_label, Area,
    Change, Recorder,
};
use crate::ir::{
    AdditionalProperties, Field, Model, ModelKind, PageShape, Presence, StringEnum, Struct, Union,
};
use crate::surface::{constructor, SERIALIZE_RECEIVED};

/// Compares the models of two APIs, matched by Rust name.
pub(super) fn diff_models(old: &[Model], new: &[Model], out: &mut Vec<Change>) {
    let matched = match_by(old, new, |m| m.name.clone());
    for model in matched.removed {
        Recorder::new(out, Area::Schema, &model.name)
            .breaking("schema removed", format!("type `{}` removed", model.name));
    }
    for model in matched.added {
        Recorder::new(out, Area::Schema, &model.name)
            .additive("schema added", format!("new type `{}`", model.name));
    }
    for (old_model, new_model) in matched.common {
        let mut recorder = Recorder::new(out, Area::Schema, &old_model.name);
        diff_model(old_model, new_model, &mut recorder);
    }
}

fn diff_model(old: &Model, new: &Model, recorder: &mut Recorder) {
    recorder.docs("description", &old.docs, &new.docs);
    recorder.deprecation("schema", old.deprecated, new.deprecated);
    match (&old.kind, &new.kind) {
        (ModelKind::Struct(a), ModelKind::Struct(b)) => diff_struct(&old.name, a, b, recorder),
        (ModelKind::Enum(a), ModelKind::Enum(b)) => diff_enum(&old.name, a, b, recorder),
        (ModelKind::Union(a), ModelKind::Union(b)) => diff_union(&old.name, a, b, recorder),
        (ModelKind::Alias(a), ModelKind::Alias(b)) => {
            if a != b {
                recorder.breaking(
                    type_changed("type", a, b),
                    format!("`{}` names a different type", old.name),
                );
            }
        }
        (a, b) => recorder.breaking(
            format!("changed from {} to {}", kind_label(a), kind_label(b)),
            format!("`{}` is a different kind of type", old.name),
        ),
    }
}

fn kind_label(kind: &ModelKind) -> &'static str {
    match kind {
        ModelKind::Struct(_) => "an object",
        ModelKind::Enum(_) => "a string enum",
        ModelKind::Union(_) => "a oneOf/anyOf",
        ModelKind::Alias(_) => "another type's alias",
    }
}

/// What a property is called in reports: where its struct travels.
fn property_noun(object: &Struct) -> &'static str {
    match (object.constructible, object.received) {
        (true, false) => "request property",
        (false, true) => "response property",
        _ => "property",
    }
}

fn diff_struct(name: &str, old: &Struct, new: &Struct, recorder: &mut Recorder) {
    let mut matched = match_by(&old.fields, &new.fields, |f| f.wire_name.clone());
    let renamed = matched.take_renamed(|f| f.rust_name.clone());
    let noun = property_noun(new);
    for field in matched.removed {
        recorder.breaking(
            format!("{} `{}` removed", property_noun(old), field.wire_name),
            format!("field `{name}::{}` removed", field.rust_name),
        );
    }
    for field in matched.added {
        field_added(name, field, new, recorder);
    }
    for (a, b) in &renamed {
        recorder.additive(
            format!("{noun} `{}` renamed to `{}`", a.wire_name, b.wire_name),
            format!(
                "same field `{name}::{}`; another name on the wire",
                a.rust_name
            ),
        );
    }
    for (a, b) in matched.common.iter().chain(&renamed) {
        let constructible = (old.constructible, new.constructible);
        diff_field(name, noun, a, b, constructible, recorder);
    }
    diff_constructor(name, old, new, recorder);
    if old.derive_default && !new.derive_default {
        recorder.breaking(
            "no longer every property has a default",
            format!("`{name}` no longer implements `Default`"),
        );
    } else if !old.derive_default && new.derive_default {
        recorder.additive(
            "every property now has a default",
            format!("`{name}` implements `Default`"),
        );
    }
    diff_additional(
        name,
        &old.additional_properties,
        &new.additional_properties,
        recorder,
    );
    diff_page(name, &old.page, &new.page, recorder);
}

fn field_added(name: &str, field: &Field, object: &Struct, recorder: &mut Recorder) {
    let presence = presence_label(field.presence);
    let noun = property_noun(object);
    if object.constructible && field.presence == Presence::Required {
        recorder.breaking(
            format!("required {noun} `{}` added", field.wire_name),
            format!("`{name}::new` takes a new argument `{}`", field.rust_name),
        );
    } else {
        recorder.additive(
            format!("{noun} `{}` added ({presence})", field.wire_name),
            format!(
                "new field `{name}::{}: {}` (the struct is `#[non_exhaustive]`)",
                field.rust_name,
                present_type_label(&field.ty, field.presence)
            ),
        );
    }
}

/// Compares one property, called `noun` in reports; `constructible` is the
/// struct's flag before and after.
fn diff_field(
    name: &str,
    noun: &str,
    old: &Field,
    new: &Field,
    constructible: (bool, bool),
    recorder: &mut Recorder,
) {
    let what = format!("{noun} `{}`", old.wire_name);
    recorder.docs(&format!("{what} description"), &old.docs, &new.docs);
    recorder.deprecation(&what, old.deprecated, new.deprecated);
    if old.rust_name != new.rust_name {
        recorder.breaking(
            format!("{what} now maps to a different Rust name"),
            format!(
                "field `{name}::{}` renamed to `{}`",
                old.rust_name, new.rust_name
            ),
        );
    }
    let old_type = present_type_label(&old.ty, old.presence);
    let new_type = present_type_label(&new.ty, new.presence);
    if old_type != new_type {
        recorder.breaking(
            format!(
                "{what} changed from {} `{}` to {} `{}`",
                presence_label(old.presence),
                type_label(&old.ty),
                presence_label(new.presence),
                type_label(&new.ty)
            ),
            format!("field `{name}::{}` is now `{new_type}`", new.rust_name),
        );
    } else if old.presence != new.presence {
        let change = format!(
            "{what} changed from {} to {}",
            presence_label(old.presence),
            presence_label(new.presence)
        );
        presence_only_change(name, change, (old, new), constructible, recorder);
    }
}

/// A presence change that keeps the field's Rust type (`Option<T>` either
/// way): breaking only when it moves the field in or out of `new`.
fn presence_only_change(
    name: &str,
    change: String,
    (old, new): (&Field, &Field),
    constructible: (bool, bool),
    recorder: &mut Recorder,
) {
    let was_argument = constructible.0 && old.presence == Presence::Required;
    let is_argument = constructible.1 && new.presence == Presence::Required;
    if was_argument != is_argument {
        recorder.breaking(change, format!("`{name}::new` takes different arguments"));
    } else {
        recorder.additive(
            change,
            "same Rust type; absent and `null` are sent differently",
        );
    }
}

/// The `new` constructor appears, disappears or has its arguments reordered.
fn diff_constructor(name: &str, old: &Struct, new: &Struct, recorder: &mut Recorder) {
    match (old.constructible, new.constructible) {
        (true, false) => recorder.breaking(
            "schema no longer sent in any request",
            format!(
                "`{name}::new` and its `with_` setters removed; `Serialize` only with the \
                 `{SERIALIZE_RECEIVED}` feature"
            ),
        ),
        (false, true) => recorder.additive(
            "schema now sent in a request",
            format!("`{name}::new`, `with_` setters and `Serialize` added"),
        ),
        (true, true) => {
            if reordered(&constructor(old), &constructor(new)) {
                recorder.breaking(
                    "required properties reordered",
                    format!("`{name}::new` takes its arguments in a different order"),
                );
            }
        }
        (false, false) => {}
    }
}

fn diff_additional(
    name: &str,
    old: &Option<AdditionalProperties>,
    new: &Option<AdditionalProperties>,
    recorder: &mut Recorder,
) {
    match (old, new) {
        (Some(a), None) => recorder.breaking(
            "additional properties no longer allowed",
            format!("field `{name}::{}` removed", a.rust_name),
        ),
        (None, Some(b)) => recorder.additive(
            "additional properties allowed",
            format!("new map field `{name}::{}`", b.rust_name),
        ),
        (Some(a), Some(b)) if a != b => recorder.breaking(
            type_changed("additional properties", &a.ty, &b.ty),
            format!("map field `{name}::{}` changed", a.rust_name),
        ),
        _ => {}
    }
}

fn diff_page(
    name: &str,
    old: &Option<PageShape>,
    new: &Option<PageShape>,
    recorder: &mut Recorder,
) {
    match (old, new) {
        (Some(_), None) => recorder.breaking(
            "no longer a page that links to the next one",
            format!(
                "`{name}` no longer implements `Page`; its operations lose `pages()` and `items()`"
            ),
        ),
        (None, Some(_)) => recorder.additive(
            "now a page that links to the next one",
            format!("`{name}` implements `Page`; its operations gain `pages()` and `items()`"),
        ),
        (Some(a), Some(b)) if a.item != b.item => recorder.breaking(
            type_changed("page items", &a.item, &b.item),
            format!("`<{name} as Page>::Item` changed"),
        ),
        _ => {}
    }
}

fn diff_enum(name: &str, old: &StringEnum, new: &StringEnum, recorder: &mut Recorder) {
    let matched = match_by(&old.variants, &new.variants, |v| v.wire_value.clone());
    for value in matched.removed {
        let change = format!("enum value `{}` removed", value.wire_value);
        variant_removed(recorder, change, name, &value.rust_name);
    }
    for value in matched.added {
        let change = format!("enum value `{}` added", value.wire_value);
        variant_added(recorder, change, name, &value.rust_name);
    }
    for (a, b) in matched.common {
        if a.rust_name != b.rust_name {
            recorder.breaking(
                format!(
                    "enum value `{}` now maps to a different Rust name",
                    a.wire_value
                ),
                format!(
                    "variant `{name}::{}` renamed to `{}`",
                    a.rust_name, b.rust_name
                ),
            );
        }
    }
    if old.unknown_variant != new.unknown_variant {
        recorder.breaking(
            "a new value takes the name of the catch-all variant",
            format!(
                "variant `{name}::{}` renamed to `{}`",
                old.unknown_variant, new.unknown_variant
            ),
        );
    }
}

/// A variant of an enum or union removed: matches on it stop compiling.
fn variant_removed(recorder: &mut Recorder, change: String, name: &str, variant: &str) {
    recorder.breaking(change, format!("variant `{name}::{variant}` removed"));
}

/// A variant added: matches have a `_` arm, as the enum is
/// `#[non_exhaustive]`.
fn variant_added(recorder: &mut Recorder, change: String, name: &str, variant: &str) {
    recorder.additive(
        change,
        format!("new variant `{name}::{variant}` (the enum is `#[non_exhaustive]`)"),
    );
}

fn diff_union(name: &str, old: &Union, new: &Union, recorder: &mut Recorder) {
    let matched = match_by(&old.variants, &new.variants, |v| v.rust_name.clone());
    for variant in matched.removed {
        let change = format!("alternative `{}` removed", type_label(&variant.ty));
        variant_removed(recorder, change, name, &variant.rust_name);
    }
    for variant in matched.added {
        let change = format!("alternative `{}` added", type_label(&variant.ty));
        variant_added(recorder, change, name, &variant.rust_name);
    }
    for (a, b) in matched.common {
        if a.ty != b.ty {
            recorder.breaking(
                type_changed("alternative", &a.ty, &b.ty),
                format!("variant `{name}::{}` holds a different type", a.rust_name),
            );
        } else if a.tag_values != b.tag_values {
            recorder.additive(
                format!(
                    "discriminator values of `{}` changed from {:?} to {:?}",
                    a.rust_name, a.tag_values, b.tag_values
                ),
                "same Rust type; other tag values on the wire",
            );
        }
    }
    diff_union_tag(name, old, new, recorder);
    match (old.sent, new.sent) {
        (true, false) => recorder.breaking(
            "oneOf/anyOf no longer sent in any request",
            format!("`{name}` implements `Serialize` only with the `{SERIALIZE_RECEIVED}` feature"),
        ),
        (false, true) => recorder.additive(
            "oneOf/anyOf now sent in a request",
            format!("`{name}` implements `Serialize`"),
        ),
        _ => {}
    }
}

fn diff_union_tag(name: &str, old: &Union, new: &Union, recorder: &mut Recorder) {
    match (&old.tag, &new.tag) {
        (Some(a), None) => recorder.breaking(
            format!("discriminator `{}` removed", a.property),
            format!("variant `{name}::{}` removed", a.unknown_variant),
        ),
        (None, Some(b)) => recorder.additive(
            format!("discriminator `{}` added", b.property),
            format!(
                "new variant `{name}::{}` for unknown tags",
                b.unknown_variant
            ),
        ),
        (Some(a), Some(b)) => {
            if a.unknown_variant != b.unknown_variant {
                recorder.breaking(
                    "an alternative takes the name of the catch-all variant",
                    format!(
                        "variant `{name}::{}` renamed to `{}`",
                        a.unknown_variant, b.unknown_variant
                    ),
                );
            }
            if a.property != b.property {
                recorder.additive(
                    format!(
                        "discriminator changed from `{}` to `{}`",
                        a.property, b.property
                    ),
                    "same Rust type; another property decides the variant",
                );
            }
        }
        (None, None) => {}
    }
}
