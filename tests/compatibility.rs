//! Additive API changes do not break users of the generated crate.
//!
//! `tests/fixtures_compat/base.yaml` is a small API and
//! `tests/fixtures_compat/user.rs` code written against the client generated
//! from it (building a request with `new` and `with_`, reading a response,
//! matching an enum, a union and an error enum, setting an optional query
//! parameter). Each variant below changes the spec the way an API evolves
//! without breaking its clients; the same user code must still compile
//! against the client regenerated from every variant. One breaking variant
//! (a new required request field) is the control: there the user code must
//! fail to compile, so the test can tell a break when it sees one.
//!
//! All clients and user crates are members of one scratch cargo workspace,
//! checked with `cargo check`; dependency builds are shared with the
//! fixture compile check in `target/fixture-check`.

use std::path::Path;
use std::time::Instant;

use integration_tests::{cargo_offline_first, generate, workspace_root, write_scratch_workspace};
use serde_yaml::{Mapping, Value};

/// A change of the base spec.
struct Variant {
    /// Kebab-case name, part of the package names.
    name: &'static str,
    /// Applies the change to the parsed base document.
    edit: fn(&mut Value),
}

/// Changes a client must absorb without breaking code written against it.
const ADDITIVE: &[Variant] = &[
    Variant {
        name: "optional-request-field",
        edit: |doc| add_property(doc, "WidgetCreate", "note", "type: string", false),
    },
    Variant {
        name: "required-response-field",
        edit: |doc| add_property(doc, "Widget", "createdAt", "type: string", true),
    },
    Variant {
        name: "optional-response-field",
        edit: |doc| add_property(doc, "Widget", "weight", "type: number", false),
    },
    Variant {
        name: "enum-value",
        edit: |doc| push(&mut schema(doc, "Color")["enum"], "blue".into()),
    },
    Variant {
        name: "union-alternative",
        edit: add_triangle,
    },
    Variant {
        name: "new-operation",
        edit: |doc| {
            doc["paths"]["/widgets/{id}/"]["delete"] = yaml(
                "operationId: deleteWidget\n\
                 parameters:\n  - {name: id, in: path, required: true, schema: {type: string}}\n\
                 responses:\n  '204': {description: Deleted.}",
            );
        },
    },
    Variant {
        name: "optional-query-parameter",
        edit: |doc| {
            push(
                &mut doc["paths"]["/widgets/{id}/"]["get"]["parameters"],
                yaml("{name: verbose, in: query, schema: {type: boolean}}"),
            );
        },
    },
    Variant {
        name: "new-error-status",
        edit: |doc| {
            doc["paths"]["/widgets/"]["post"]["responses"]["409"] = yaml(
                "description: A widget has this name.\n\
                 content: {application/json: {schema: {$ref: '#/components/schemas/Problem'}}}",
            );
        },
    },
    Variant {
        name: "new-server",
        edit: |doc| {
            push(
                &mut doc["servers"],
                yaml("{url: 'https://sandbox.widgets.example', description: Sandbox}"),
            );
        },
    },
];

/// The control: `new` takes one more argument, so the user code breaks.
const BREAKING: Variant = Variant {
    name: "required-request-field",
    edit: |doc| add_property(doc, "WidgetCreate", "owner", "type: string", true),
};

fn yaml(text: &str) -> Value {
    serde_yaml::from_str(text).unwrap_or_else(|e| panic!("bad YAML in the test: {e}\n{text}"))
}

fn schema<'d>(doc: &'d mut Value, name: &str) -> &'d mut Value {
    &mut doc["components"]["schemas"][name]
}

fn push(list: &mut Value, item: Value) {
    list.as_sequence_mut()
        .expect("the spec has a list here")
        .push(item);
}

fn add_property(
    doc: &mut Value,
    schema_name: &str,
    property: &str,
    definition: &str,
    required: bool,
) {
    let target = schema(doc, schema_name);
    target["properties"]
        .as_mapping_mut()
        .unwrap_or_else(|| panic!("{schema_name} has no properties"))
        .insert(property.into(), yaml(definition));
    if required {
        push(&mut target["required"], property.into());
    }
}

/// A third alternative of the tagged union `Shape`.
fn add_triangle(doc: &mut Value) {
    doc["components"]["schemas"]
        .as_mapping_mut()
        .expect("schemas mapping")
        .insert(
            "Triangle".into(),
            yaml(
                "type: object\n\
                 required: [kind, base, height]\n\
                 properties: {kind: {type: string}, base: {type: number}, height: {type: number}}",
            ),
        );
    let shape = schema(doc, "Shape");
    push(
        &mut shape["oneOf"],
        yaml("$ref: '#/components/schemas/Triangle'"),
    );
    let mut mapping = Mapping::new();
    mapping.insert("triangle".into(), "#/components/schemas/Triangle".into());
    shape["discriminator"]["mapping"]
        .as_mapping_mut()
        .expect("discriminator mapping")
        .extend(mapping);
}

/// Generates the client of one spec version and a user crate depending on
/// it (as `api`) into `workspace`; returns the user crate's package name
/// and the generated files.
fn add_version(
    workspace: &Path,
    name: &str,
    document: &Value,
) -> (
    String,
    std::collections::BTreeMap<std::path::PathBuf, String>,
) {
    let spec = workspace.join("specs").join(format!("{name}.yaml"));
    std::fs::create_dir_all(workspace.join("specs")).expect("create specs directory");
    std::fs::write(
        &spec,
        serde_yaml::to_string(document).expect("serialize the spec"),
    )
    .expect("write the spec");
    let client = format!("client-{name}");
    let generated = generate(&spec, &client);
    generated
        .write_to(&workspace.join(&client))
        .unwrap_or_else(|e| panic!("writing {client} failed: {e}"));

    let user = format!("user-{name}");
    let user_dir = workspace.join(&user);
    std::fs::create_dir_all(user_dir.join("src")).expect("create the user crate");
    std::fs::write(
        user_dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{user}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\napi = {{ path = \"../{client}\", package = \"{client}\" }}\n"
        ),
    )
    .expect("write the user manifest");
    std::fs::copy(
        workspace_root().join("tests/fixtures_compat/user.rs"),
        user_dir.join("src/lib.rs"),
    )
    .expect("copy the user code");
    (user, generated.files)
}

#[test]
fn additive_changes_keep_user_code_compiling() {
    let base_text =
        std::fs::read_to_string(workspace_root().join("tests/fixtures_compat/base.yaml"))
            .expect("read the base spec");
    let base: Value = serde_yaml::from_str(&base_text).expect("the base spec is YAML");
    let workspace = tempfile::Builder::new()
        .prefix("compat-check-")
        .tempdir()
        .expect("create a temporary directory");

    let (base_user, base_files) = add_version(workspace.path(), "base", &base);
    let mut additive = vec![base_user];
    for variant in ADDITIVE {
        let mut document = base.clone();
        (variant.edit)(&mut document);
        let (user, files) = add_version(workspace.path(), variant.name, &document);
        assert_ne!(
            strip_names(&files, variant.name),
            strip_names(&base_files, "base"),
            "the variant {} changes nothing in the generated client",
            variant.name
        );
        additive.push(user);
    }
    let mut breaking = base.clone();
    (BREAKING.edit)(&mut breaking);
    let (breaking_user, _) = add_version(workspace.path(), BREAKING.name, &breaking);

    let users: Vec<&String> = additive.iter().chain([&breaking_user]).collect();
    let members: Vec<String> = users
        .iter()
        .flat_map(|user| [(*user).clone(), user.replacen("user-", "client-", 1)])
        .collect();
    write_scratch_workspace(workspace.path(), &members)
        .expect("write the workspace manifest and lock file");
    let target = workspace_root().join("target").join("fixture-check");

    let started = Instant::now();
    let mut args = vec!["check", "--keep-going"];
    for user in &additive {
        args.extend(["-p", user.as_str()]);
    }
    let output = cargo_offline_first(workspace.path(), &target, &args, &[]);
    eprintln!(
        "cargo check of {} client versions took {:.1?}",
        additive.len(),
        started.elapsed()
    );
    if !output.status.success() {
        panic!(
            "user code stopped compiling after an additive change (kept in {}):\n{}",
            workspace.keep().display(),
            String::from_utf8_lossy(&output.stderr),
        );
    }

    let output = cargo_offline_first(
        workspace.path(),
        &target,
        &["check", "-p", &breaking_user],
        &[],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    // E0061: `WidgetCreate::new` takes one more argument than the user passes.
    if output.status.success() || !stderr.contains("E0061") {
        panic!(
            "the breaking control ({}) should fail to compile with E0061 (kept in {}):\n{stderr}",
            BREAKING.name,
            workspace.keep().display(),
        );
    }
}

/// The generated files with the crate's own name taken out, so that two
/// versions compare by their API alone.
fn strip_names(
    files: &std::collections::BTreeMap<std::path::PathBuf, String>,
    name: &str,
) -> Vec<String> {
    let package = format!("client-{name}");
    let ident = package.replace('-', "_");
    files
        .values()
        .map(|text| text.replace(&package, "client").replace(&ident, "client"))
        .collect()
}
