//! What the crate root re-exports beyond its fixed set: the crates whose
//! types appear in the public API (so users need not match versions by
//! hand) and the runtime types only some APIs use.

use crate::ir::{Api, ExternalCrate, TypeRef};

/// One item the crate root re-exports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reexport {
    /// The name users write after the crate's (`chrono`, `Page`), or a path
    /// from the crate root (`models::Base64`).
    pub name: &'static str,
    /// Where it comes from.
    pub origin: ReexportOrigin,
}

/// Where a re-exported item comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReexportOrigin {
    /// A dependency crate, re-exported whole.
    Crate,
    /// An item of the runtime, re-exported at the crate root.
    Runtime,
    /// The runtime's `Base64`, re-exported in `models` where the types that
    /// use it live.
    Models,
}

/// The re-exports of the crate for `api`: crates first, then runtime
/// items, each group sorted as rustfmt sorts `use` items.
pub(super) fn reexports(api: &Api) -> Vec<Reexport> {
    let mut crates = Vec::new();
    let mut runtime = Vec::new();
    for dependency in &api.extra_dependencies {
        let (name, item) = match dependency {
            ExternalCrate::Chrono => ("chrono", None),
            ExternalCrate::FuturesUtil => ("futures_util", None),
            ExternalCrate::RustDecimal => ("rust_decimal", Some("Decimal")),
            ExternalCrate::Uuid => ("uuid", None),
        };
        crates.push(reexport(name, ReexportOrigin::Crate));
        runtime.extend(item.map(|item| reexport(item, ReexportOrigin::Runtime)));
    }
    if api.uses_files {
        runtime.push(reexport("FilePart", ReexportOrigin::Runtime));
    }
    if api.has_pages() {
        runtime.push(reexport("Page", ReexportOrigin::Runtime));
    }
    if api.has_event_streams() {
        runtime.push(reexport("Event", ReexportOrigin::Runtime));
        runtime.push(reexport("EventStream", ReexportOrigin::Runtime));
        runtime.push(reexport("EventStreaming", ReexportOrigin::Runtime));
    }
    if api.has_binary_responses() {
        runtime.push(reexport("ByteStream", ReexportOrigin::Runtime));
    }
    if api.has_streamable_request_bodies() {
        runtime.push(reexport("StreamBody", ReexportOrigin::Runtime));
    }
    runtime.sort_unstable_by_key(|r| r.name);
    let base64 = api
        .mentions(&TypeRef::Base64)
        .then(|| reexport("models::Base64", ReexportOrigin::Models));
    crates.into_iter().chain(runtime).chain(base64).collect()
}

fn reexport(name: &'static str, origin: ReexportOrigin) -> Reexport {
    Reexport { name, origin }
}
