//! Servers: one `Environment` variant per absolute base URL.

use crate::ir::Server;
use crate::lower::docs;
use crate::lower::names::{type_name, NameScope};
use crate::lower::Context;

/// Lowers a `servers` list; relative URLs cannot be a base URL on their own
/// and are left to the caller's custom base URL.
pub fn lower_servers(servers: &[openapiv3::Server], at: &str, cx: &mut Context) -> Vec<Server> {
    let mut scope = NameScope::with_reserved(["Custom"]);
    let mut out = Vec::new();
    for (index, server) in servers.iter().enumerate() {
        let url = substitute_variables(server);
        if !url.contains("://") {
            cx.warn(
                &format!("{at}/{index}"),
                format!("server `{url}` is relative; use a custom base URL to reach it"),
            );
            continue;
        }
        let url = url.trim_end_matches('/').to_owned();
        out.push(Server {
            variant: scope.claim(variant_name(server, &url)),
            docs: docs::compose([server.description.as_deref(), Some(&format!("`{url}`"))]),
            url,
        });
    }
    out
}

/// URLs of a per-operation `servers` list, in order.
pub fn urls(servers: &[openapiv3::Server]) -> Vec<String> {
    servers
        .iter()
        .map(|s| substitute_variables(s).trim_end_matches('/').to_owned())
        .collect()
}

fn substitute_variables(server: &openapiv3::Server) -> String {
    let mut url = server.url.clone();
    for (name, variable) in server.variables.iter().flatten() {
        url = url.replace(&format!("{{{name}}}"), &variable.default);
    }
    url
}

/// The name the description starts with ("Sandbox — Test payments" →
/// `Sandbox`), else one from the host.
fn variant_name(server: &openapiv3::Server, url: &str) -> String {
    let lead: String = server
        .description
        .as_deref()
        .unwrap_or_default()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == ' ' || *c == '_')
        .collect();
    let from_description = type_name(lead.trim(), "");
    if !from_description.is_empty() && lead.split_whitespace().count() <= 3 {
        return from_description;
    }
    let host = url
        .split("://")
        .nth(1)
        .unwrap_or(url)
        .split('/')
        .next()
        .unwrap_or(url);
    type_name(host, "Server")
}
