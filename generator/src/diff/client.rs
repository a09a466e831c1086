//! Changes to what the client as a whole offers: servers, credentials, the
//! crates it re-exports and its documentation.

use super::{match_by, Area, Change, Recorder};
use crate::ir::{Api, ExternalCrate, SchemeKind, SecurityScheme};

/// Compares the API-wide parts of two APIs.
pub(super) fn diff_client(old: &Api, new: &Api, out: &mut Vec<Change>) {
    diff_servers(old, new, out);
    diff_schemes(&old.security_schemes, &new.security_schemes, out);
    diff_crate(old, new, out);
}

fn diff_servers(old: &Api, new: &Api, out: &mut Vec<Change>) {
    let matched = match_by(&old.servers, &new.servers, |s| s.variant.clone());
    for server in matched.removed {
        Recorder::new(out, Area::Servers, &server.variant).breaking(
            format!("server `{}` removed", server.url),
            format!("variant `Environment::{}` removed", server.variant),
        );
    }
    for server in matched.added {
        Recorder::new(out, Area::Servers, &server.variant).additive(
            format!("server `{}` added", server.url),
            format!(
                "new variant `Environment::{}` (the enum is `#[non_exhaustive]`)",
                server.variant
            ),
        );
    }
    for (a, b) in matched.common {
        let mut recorder = Recorder::new(out, Area::Servers, &a.variant);
        recorder.docs("server description", &a.docs, &b.docs);
        if a.url != b.url {
            recorder.additive(
                format!("server URL changed from `{}` to `{}`", a.url, b.url),
                format!("`Environment::{}` points at the new URL", a.variant),
            );
        }
    }
    let first = |api: &Api| api.servers.first().map(|s| s.variant.clone());
    if first(old) != first(new) {
        if let Some(default) = first(new) {
            Recorder::new(out, Area::Servers, &default).additive(
                "first server changed",
                format!("`Environment::default()` is now `{default}`"),
            );
        }
    }
}

fn diff_schemes(old: &[SecurityScheme], new: &[SecurityScheme], out: &mut Vec<Change>) {
    let matched = match_by(old, new, |s| s.key.clone());
    for scheme in matched.removed {
        Recorder::new(out, Area::Auth, &scheme.key).breaking(
            "security scheme removed",
            format!("builder method `ClientBuilder::{}` removed", scheme.setter),
        );
    }
    for scheme in matched.added {
        Recorder::new(out, Area::Auth, &scheme.key).additive(
            "security scheme added",
            format!("new builder method `ClientBuilder::{}`", scheme.setter),
        );
    }
    for (a, b) in matched.common {
        let mut recorder = Recorder::new(out, Area::Auth, &a.key);
        recorder.docs("security scheme description", &a.docs, &b.docs);
        let takes_pair = |s: &SecurityScheme| matches!(s.kind, SchemeKind::Basic);
        if a.setter != b.setter || takes_pair(a) != takes_pair(b) {
            recorder.breaking(
                "security scheme changed kind",
                format!(
                    "`ClientBuilder::{}` replaced by `ClientBuilder::{}` with other arguments",
                    a.setter, b.setter
                ),
            );
        } else if a.kind != b.kind {
            recorder.additive(
                "credential sent another way",
                format!("same `ClientBuilder::{}`; sent differently", a.setter),
            );
        }
    }
}

/// Re-exports that follow from what the models use, and crate docs.
fn diff_crate(old: &Api, new: &Api, out: &mut Vec<Change>) {
    let mut recorder = Recorder::new(out, Area::Crate, "crate");
    for dependency in &old.extra_dependencies {
        if !new.extra_dependencies.contains(dependency) {
            recorder.breaking(
                format!("no type uses {} any more", crate_purpose(*dependency)),
                format!("re-export of `{}` removed", crate_name(*dependency)),
            );
        }
    }
    for dependency in &new.extra_dependencies {
        if !old.extra_dependencies.contains(dependency) {
            recorder.additive(
                format!("a type uses {}", crate_purpose(*dependency)),
                format!(
                    "new dependency, re-exported as `{}`",
                    crate_name(*dependency)
                ),
            );
        }
    }
    if old.uses_files && !new.uses_files {
        recorder.breaking(
            "no binary content any more",
            "re-export of `FilePart` removed",
        );
    } else if !old.uses_files && new.uses_files {
        recorder.additive("binary content", "new re-export `FilePart`");
    }
    recorder.docs("API description", &old.docs, &new.docs);
    if old.version != new.version {
        recorder.record(
            super::Impact::DocsOnly,
            format!(
                "API version changed from `{}` to `{}`",
                old.version, new.version
            ),
            "rustdoc only",
        );
    }
}

fn crate_name(dependency: ExternalCrate) -> &'static str {
    match dependency {
        ExternalCrate::Chrono => "chrono",
        ExternalCrate::FuturesUtil => "futures_util",
        ExternalCrate::RustDecimal => "rust_decimal",
        ExternalCrate::Uuid => "uuid",
    }
}

fn crate_purpose(dependency: ExternalCrate) -> &'static str {
    match dependency {
        ExternalCrate::Chrono => "dates or times",
        ExternalCrate::FuturesUtil => "streams (pages, server-sent events, binary bodies)",
        ExternalCrate::RustDecimal => "decimals",
        ExternalCrate::Uuid => "UUIDs",
    }
}
