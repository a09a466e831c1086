//! Pagination detection: which responses are pages that link to the next
//! page, so that the client can offer a stream of items.

use std::collections::BTreeSet;

use crate::ir::{HttpMethod, Model, ModelKind, Operation, Output, PageShape, Struct, TypeRef};

/// Marks the responses of list operations that are pages linking to the
/// next page: an object with one array of items and a string field named
/// as next-page links conventionally are (`next`, `nextUrl`, `next_link`,
/// …). The shape decides, not the schema's name.
pub fn detect_pages(models: &mut [Model], operations: &mut [Operation]) {
    let listed: BTreeSet<String> = operations
        .iter()
        .filter(|op| op.http_method == HttpMethod::Get)
        .filter_map(|op| match &op.output {
            Output::Json(TypeRef::Named(name)) => Some(name.clone()),
            _ => None,
        })
        .collect();
    let mut pages = BTreeSet::new();
    for model in models.iter_mut().filter(|m| listed.contains(&m.name)) {
        let ModelKind::Struct(object) = &mut model.kind else {
            continue;
        };
        object.page = page_shape(object);
        if object.page.is_some() {
            pages.insert(model.name.clone());
        }
    }
    for operation in operations.iter_mut() {
        if matches!(&operation.output, Output::Json(TypeRef::Named(name)) if pages.contains(name)) {
            operation.docs.push_str(
                "\n\nThe response is a page: `.pages()` and `.items()` on the call stream every page, following the `next` links.",
            );
        }
    }
}

fn page_shape(object: &Struct) -> Option<PageShape> {
    let mut lists = object.fields.iter().filter_map(|f| match &f.ty {
        TypeRef::List(item) => Some((f, item.as_ref().clone())),
        _ => None,
    });
    let (items, item) = lists.next()?;
    if lists.next().is_some() {
        return None;
    }
    let next = object
        .fields
        .iter()
        .find(|f| f.ty == TypeRef::String && is_next_link_name(&f.wire_name))?;
    Some(PageShape {
        items_field: items.rust_name.clone(),
        item,
        items_presence: items.presence,
        next_field: next.rust_name.clone(),
        next_presence: next.presence,
    })
}

fn is_next_link_name(wire: &str) -> bool {
    let name: String = wire
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    matches!(
        name.as_str(),
        "next" | "nexturl" | "nextlink" | "nextpage" | "nextpageurl" | "nexthref"
    )
}
