//! What the driver sends: for every operation, the values of its arguments,
//! each a list of candidates that satisfy the spec's schemas, best first.
//!
//! Candidates come from the spec's examples (parameter, media type and
//! schema examples) and then from values made up from the schema. Each is
//! validated against its schema first: an example that breaks its own
//! schema is a *spec fault*, recorded with the validator's words, and
//! skipped; a made-up value that breaks it is dropped. So the driver only
//! ever sends values the spec allows, and a request the mock rejects is the
//! client's fault.

use openapi_rust_gen::ir::{Api, BodyEncoding, Operation, Parameter, TypeRef};
use openapi_rust_gen::surface::{OperationSurface, Passing, Surface};
use serde_json::{Map, Value};

use crate::schema::{shorten, Direction, Validators};
use crate::spec::{essence, SpecDocument};
use crate::values::{Examples, Synthesiser};

/// Union alternatives tried for made-up values.
const ALTERNATIVES: usize = 4;

/// The plan of every operation, in the IR's order.
#[derive(Debug, Clone)]
pub struct Plan {
    /// One per operation.
    pub operations: Vec<OperationPlan>,
}

/// How the driver calls one operation.
#[derive(Debug, Clone)]
pub struct OperationPlan {
    /// The operation id.
    pub id: String,
    /// The client method.
    pub method_name: String,
    /// `GET /path`, for the driver's comments.
    pub title: String,
    /// Arguments of the client method, in order.
    pub arguments: Vec<Argument>,
    /// Optional inputs set by a setter on the call: `(setter, argument)`.
    pub setters: Vec<(String, Argument)>,
    /// Examples of this operation that break their own schema.
    pub spec_faults: Vec<String>,
    /// Why no valid value could be built for some input, if so: the
    /// operation is then not exercised.
    pub unbuildable: Option<String>,
}

/// One input of a call.
#[derive(Debug, Clone)]
pub struct Argument {
    /// What it is (`path parameter `id``, `request body`).
    pub what: String,
    /// How the generated method takes it.
    pub passing: Passing,
    /// Valid values, best first.
    pub candidates: Vec<Value>,
}

/// Plans every operation of `api`.
pub fn plan(api: &Api, document: &SpecDocument, seed: u64) -> Plan {
    let mut validators = Validators::new(document);
    let mut synthesiser = Synthesiser::new(document, seed);
    let operations = api
        .operations
        .iter()
        .zip(&Surface::of(api).operations)
        .map(|(op, surface)| plan_operation(op, surface, &mut validators, &mut synthesiser))
        .collect();
    Plan { operations }
}

fn plan_operation<'d>(
    op: &Operation,
    surface: &OperationSurface,
    validators: &mut Validators<'d>,
    synthesiser: &mut Synthesiser<'d>,
) -> OperationPlan {
    let mut planner = Planner {
        op,
        validators,
        synthesiser,
        spec_faults: Vec::new(),
        unbuildable: None,
    };
    if let Some(undefined) = undefined_security(op, planner.validators.document()) {
        planner.spec_faults.push(undefined.clone());
        planner.unbuildable = Some(format!("spec fault: {undefined}"));
    }
    if let Some(mismatch) = path_mismatch(op, planner.validators.document()) {
        planner.spec_faults.push(mismatch.clone());
        planner.unbuildable = Some(format!("spec fault: {mismatch}"));
    }
    let (arguments, setters) = planner.inputs(surface);
    OperationPlan {
        id: op.id.clone(),
        method_name: surface.client_method.name.to_string(),
        title: format!("{} {}", op.http_method.as_str(), op.path),
        arguments,
        setters,
        spec_faults: planner.spec_faults,
        unbuildable: planner.unbuildable,
    }
}

struct Planner<'p, 'd> {
    op: &'p Operation,
    validators: &'p mut Validators<'d>,
    synthesiser: &'p mut Synthesiser<'d>,
    spec_faults: Vec<String>,
    unbuildable: Option<String>,
}

impl Planner<'_, '_> {
    /// Values for the client method's arguments, in order, and for the
    /// call's setters the spec gives a value for, each taken the way the
    /// generated method takes it.
    fn inputs(&mut self, surface: &OperationSurface) -> (Vec<Argument>, Vec<(String, Argument)>) {
        let op = self.op;
        let mut passings = surface.client_method.arguments.iter();
        let mut arguments: Vec<Argument> = op
            .arguments()
            .into_iter()
            .zip(passings.by_ref())
            .map(|(parameter, argument)| self.parameter(parameter, true, &argument.passing))
            .collect::<Option<Vec<_>>>()
            .unwrap_or_default();
        // What is left after the parameters is the required body.
        if let Some(body) = passings.next() {
            arguments.extend(self.body(&body.passing));
        }
        let mut setters = Vec::new();
        for setter in &surface.setters {
            let Some(passing) = setter.method.arguments.first().map(|a| &a.passing) else {
                continue;
            };
            let value = match setter.parameter.and_then(|index| op.parameters.get(index)) {
                Some(parameter) => self.parameter(parameter, false, passing),
                None => self.body(passing),
            };
            setters.extend(value.map(|value| (setter.method.name.to_string(), value)));
        }
        (arguments, setters)
    }

    /// A required parameter always gets an argument (or the operation is
    /// unbuildable); an optional one only when the spec gives a valid
    /// example for it.
    fn parameter(
        &mut self,
        parameter: &Parameter,
        required: bool,
        passing: &Passing,
    ) -> Option<Argument> {
        let document = self.validators.document();
        let raw = document.parameter(self.op, parameter);
        let what = format!(
            "{} parameter `{}`",
            parameter.location.as_str(),
            parameter.wire_name
        );
        let schema = raw.and_then(parameter_schema);
        let mut examples = Vec::new();
        if let Some(raw) = raw {
            examples.extend(raw.get("example").cloned());
            examples.extend(examples_values(document, raw));
        }
        if let Some(schema) = schema {
            examples.extend(schema_example(document, schema));
        }
        let mut candidates = match schema {
            Some(schema) => self.valid_examples(&what, schema, examples),
            None => examples,
        };
        // Optional parameters are sent when the spec shows a value, and
        // object parameters always: Prism checks the required members of
        // an exploded object even when the parameter is left out.
        let is_object = schema
            .map(|s| document.resolve(s))
            .is_some_and(|s| s.get("type").and_then(Value::as_str) == Some("object"));
        if !required && candidates.is_empty() && !is_object {
            return None;
        }
        match schema {
            Some(schema) => candidates.extend(self.made_up(schema)),
            None => candidates.push(type_fallback(&parameter.ty)),
        }
        self.argument(what, passing, candidates)
    }

    fn body(&mut self, passing: &Passing) -> Option<Argument> {
        let body = self.op.body.as_ref()?;
        let document = self.validators.document();
        let media = document.request_media(self.op, &body.media_type);
        let schema = media.and_then(|m| m.get("schema"));
        let mut examples = Vec::new();
        if let Some(media) = media {
            examples.extend(media.get("example").cloned());
            examples.extend(examples_values(document, media));
        }
        if let Some(schema) = schema {
            examples.extend(schema_example(document, schema));
        }
        if is_form(&body.media_type) {
            if let Some(schema) = schema {
                examples = examples
                    .into_iter()
                    .map(|e| widen_single_items(document, schema, coerce_form(document, schema, e)))
                    .collect();
            }
        }
        let raw_bytes = matches!(body.encoding, BodyEncoding::Bytes);
        let mut candidates = match schema {
            Some(schema) if !raw_bytes => self.valid_examples("request body", schema, examples),
            _ => examples,
        };
        match schema {
            Some(schema) if !raw_bytes => candidates.extend(self.made_up(schema)),
            _ => candidates.push(Value::from("example")),
        }
        // Text and byte bodies are passed from a string.
        if passing.caller_value().0 == TypeRef::String {
            candidates.retain(Value::is_string);
        }
        self.argument("request body".to_owned(), passing, candidates)
    }

    /// The examples that satisfy `schema`; each other one is a spec fault.
    fn valid_examples(&mut self, what: &str, schema: &Value, examples: Vec<Value>) -> Vec<Value> {
        let mut valid = Vec::new();
        for example in dedup(examples) {
            match self.validators.check(schema, &example, Direction::Request) {
                Ok(()) => valid.push(example),
                Err(problem) => self.spec_faults.push(format!(
                    "the example {} of the {what} breaks its schema: {problem}",
                    shorten(&example.to_string(), 120)
                )),
            }
        }
        valid
    }

    /// Made-up values that satisfy `schema`: with the examples of its parts,
    /// then without any, for a few alternatives of its unions.
    fn made_up(&mut self, schema: &Value) -> Vec<Value> {
        let mut valid = Vec::new();
        let mut last_problem = None;
        for choice in 0..ALTERNATIVES {
            for examples in [Examples::BelowTop, Examples::None] {
                let value = self.synthesiser.value(schema, examples, choice);
                if valid.contains(&value) {
                    continue;
                }
                match self.validators.check(schema, &value, Direction::Request) {
                    Ok(()) => valid.push(value),
                    Err(problem) => last_problem = Some(format!("{value}: {problem}")),
                }
            }
            let full = self.synthesiser.full_value(schema, choice);
            if !valid.contains(&full) {
                match self.validators.check(schema, &full, Direction::Request) {
                    Ok(()) => valid.push(full),
                    Err(problem) => last_problem = Some(format!("{full}: {problem}")),
                }
            }
            if !valid.is_empty() {
                break;
            }
        }
        if valid.is_empty() {
            if let Some(problem) = last_problem {
                self.unbuildable.get_or_insert(format!(
                    "no value made up from the schema satisfies it ({})",
                    shorten(&problem, 300)
                ));
            }
        }
        valid
    }

    fn argument(
        &mut self,
        what: String,
        passing: &Passing,
        candidates: Vec<Value>,
    ) -> Option<Argument> {
        let candidates = dedup(candidates);
        if candidates.is_empty() {
            self.unbuildable
                .get_or_insert(format!("no valid value for the {what}"));
            return None;
        }
        Some(Argument {
            what,
            passing: passing.clone(),
            candidates,
        })
    }
}

/// How the path template and the declared path parameters disagree, if
/// they do (a template variable nobody declares, or a path parameter the
/// template does not name): no client can call such an operation right.
fn path_mismatch(op: &Operation, document: &SpecDocument) -> Option<String> {
    let mut named: Vec<&str> = op
        .path
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect();
    named.sort_unstable();
    named.dedup();
    let operation = document.operation(op)?;
    let item = document
        .root()
        .get("paths")
        .and_then(|p| p.get(&op.path))
        .map(|i| document.resolve(i));
    let mut declared: Vec<&str> = [
        operation.get("parameters"),
        item.and_then(|i| i.get("parameters")),
    ]
    .into_iter()
    .flatten()
    .filter_map(Value::as_array)
    .flatten()
    .map(|p| document.resolve(p))
    .filter(|p| p.get("in").and_then(Value::as_str) == Some("path"))
    .filter_map(|p| p.get("name").and_then(Value::as_str))
    .collect();
    declared.sort_unstable();
    declared.dedup();
    // A template variable nobody declares is still an argument of the
    // generated method; a declared one the template lacks cannot be sent.
    let unnamed: Vec<&str> = declared
        .iter()
        .filter(|d| !named.contains(d))
        .copied()
        .collect();
    (!unnamed.is_empty()).then(|| {
        format!(
            "the path template `{}` names {{{}}} but the path parameters are {{{}}}",
            op.path,
            named.join(", "),
            declared.join(", ")
        )
    })
}

/// The operation's security requirement, when none of its alternatives
/// can be met because it names schemes the document does not define.
fn undefined_security(op: &Operation, document: &SpecDocument) -> Option<String> {
    let requirement = document
        .operation(op)
        .and_then(|o| o.get("security"))
        .or_else(|| document.root().get("security"))?
        .as_array()?;
    let defined = document
        .root()
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object);
    let is_defined = |name: &String| defined.is_some_and(|d| d.contains_key(name));
    let mut missing = Vec::new();
    for alternative in requirement.iter().filter_map(Value::as_object) {
        let names: Vec<&String> = alternative.keys().collect();
        if names.iter().all(|n| is_defined(n)) {
            return None;
        }
        missing.extend(names.into_iter().filter(|n| !is_defined(n)).cloned());
    }
    (!missing.is_empty()).then(|| {
        format!(
            "the operation's security names schemes the document does not define: {}",
            missing.join(", ")
        )
    })
}

/// The schema of a parameter: its own, or that of its first `content` entry.
fn parameter_schema(raw: &Value) -> Option<&Value> {
    raw.get("schema").or_else(|| {
        raw.get("content")
            .and_then(Value::as_object)
            .and_then(|c| c.values().next())
            .and_then(|m| m.get("schema"))
    })
}

/// The `value`s of an `examples` map.
fn examples_values(document: &SpecDocument, raw: &Value) -> Vec<Value> {
    raw.get("examples")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(_, example)| document.resolve(example).get("value").cloned())
        .collect()
}

/// A schema's own example (through references and one-part `allOf`s).
fn schema_example(document: &SpecDocument, schema: &Value) -> Option<Value> {
    let schema = document.resolve(schema);
    if let Some(example) = schema.get("example") {
        return Some(example.clone());
    }
    match schema.get("allOf").and_then(Value::as_array) {
        Some(parts) if parts.len() == 1 => schema_example(document, &parts[0]),
        _ => None,
    }
}

fn is_form(media_type: &str) -> bool {
    let essence = essence(media_type);
    essence == "application/x-www-form-urlencoded" || essence == "multipart/form-data"
}

/// A form example with its text values read as the types the schema gives
/// them: on that wire format every value is text (`"Record": "true"`), so
/// examples may legitimately write them so.
fn coerce_form(document: &SpecDocument, schema: &Value, example: Value) -> Value {
    let Value::Object(fields) = example else {
        return example;
    };
    let properties = document
        .resolve(schema)
        .get("properties")
        .and_then(Value::as_object);
    let coerced: Map<String, Value> = fields
        .into_iter()
        .map(|(name, value)| {
            let ty = properties
                .and_then(|p| p.get(&name))
                .map(|p| document.resolve(p))
                .and_then(|p| p.get("type"))
                .and_then(Value::as_str);
            let value = match (ty, &value) {
                (Some("boolean" | "integer" | "number"), Value::String(text)) => {
                    serde_json::from_str::<Value>(text)
                        .ok()
                        .filter(|v| !v.is_string())
                        .unwrap_or(value)
                }
                _ => value,
            };
            (name, value)
        })
        .collect();
    Value::Object(coerced)
}

/// A form example with each one-item array made two items, where the
/// schema allows: on the wire one item of an exploded array reads like a
/// plain value, and Prism takes it for one.
fn widen_single_items(document: &SpecDocument, schema: &Value, example: Value) -> Value {
    let Value::Object(mut fields) = example else {
        return example;
    };
    let properties = document
        .resolve(schema)
        .get("properties")
        .and_then(Value::as_object);
    for (name, value) in &mut fields {
        let Some(property) = properties
            .and_then(|p| p.get(name))
            .map(|p| document.resolve(p))
        else {
            continue;
        };
        let room = property
            .get("maxItems")
            .and_then(Value::as_u64)
            .is_none_or(|m| m >= 2);
        let unique = property.get("uniqueItems") == Some(&Value::Bool(true));
        if let (Value::Array(items), true, false) = (value, room, unique) {
            if let [only] = items.as_slice() {
                let twice = only.clone();
                items.push(twice);
            }
        }
    }
    Value::Object(fields)
}

/// `values` without repeats, in order.
fn dedup(values: Vec<Value>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    for value in values {
        if !out.contains(&value) {
            out.push(value);
        }
    }
    out
}

/// A made-up value for a parameter without a schema, from its Rust type.
fn type_fallback(ty: &TypeRef) -> Value {
    match ty {
        TypeRef::Bool => Value::Bool(true),
        TypeRef::I32 | TypeRef::I64 | TypeRef::F32 | TypeRef::F64 | TypeRef::Decimal => {
            Value::from(1)
        }
        TypeRef::List(inner) => Value::Array(vec![type_fallback(inner)]),
        _ => Value::from("example"),
    }
}
