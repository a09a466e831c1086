//! The guide's sections on streams: server-sent events, and binary bodies
//! read or sent as streams. Each is written only when the API has such
//! operations, with an example calling one of them when its required
//! inputs are path strings.

use std::fmt::Write as _;

use crate::ir::{Api, BodyEncoding, Operation, Output};
use crate::surface::{OperationSurface, Surface};

use super::path_arguments;

/// The sections, in order: events, then byte streams.
pub(super) fn sections(api: &Api, surface: &Surface, crate_ident: &str) -> Vec<String> {
    let mut out = Vec::new();
    if api.has_event_streams() {
        out.push(events_section(api, surface, crate_ident));
    }
    if api.has_byte_streams() {
        out.push(byte_streams_section(api, surface, crate_ident));
    }
    out
}

/// The first operation `wanted` picks whose required parameters are all
/// path strings, with the method's name and placeholder arguments.
fn example_call<'s>(
    api: &Api,
    surface: &'s Surface,
    wanted: impl Fn(&Operation) -> bool,
) -> Option<(&'s OperationSurface, String)> {
    api.operations
        .iter()
        .zip(&surface.operations)
        .filter(|(op, _)| wanted(op))
        .find_map(|(op, s)| Some((s, path_arguments(op)?)))
}

fn events_section(api: &Api, surface: &Surface, crate_ident: &str) -> String {
    let mut text = "**Server-sent events.** An operation answering with `text/event-stream` \
                    returns an [`EventStream`] of [`Event`]s, read as they arrive: each has its \
                    `event` type, the last `id`, the `retry` time and its `data`, decoded into \
                    the documented type (text when none is). One event whose data does not \
                    decode is an error item, and the stream goes on; the response limit \
                    (`max_response_bytes`) applies to each event, not to the stream, and the \
                    timeout to each wait for more of it."
        .to_owned();
    if api.operations.iter().any(|op| op.events_beside.is_some()) {
        text.push_str(
            " An operation whose success is JSON unless the request asks the server to stream \
             (a `stream` field, say) returns the JSON when awaited; `.event_stream()` on its \
             call asks for the events instead (see [`EventStreaming`]).",
        );
    }
    let found = example_call(api, surface, |op| {
        matches!(op.output, Output::Events(_)) && op.body.as_ref().is_none_or(|b| !b.required)
    });
    if let Some((op, arguments)) = found {
        let _ = write!(
            text,
            "\n\n```no_run\n\
             # async fn example(client: {crate_ident}::Client) -> Result<(), Box<dyn std::error::Error>> {{\n\
             use {crate_ident}::futures_util::StreamExt;\n\n\
             let mut events = client.{}({}).await?;\n\
             while let Some(event) = events.next().await {{\n    \
             match event {{\n        \
             Ok(event) => println!(\"{{:?}}: {{:?}}\", event.event, event.data),\n        \
             Err(error) => eprintln!(\"skipped: {{error}}\"),\n    \
             }}\n\
             }}\n\
             # Ok(())\n\
             # }}\n\
             ```",
            op.client_method.name,
            arguments.trim_end_matches(", ")
        );
    }
    text
}

fn byte_streams_section(api: &Api, surface: &Surface, crate_ident: &str) -> String {
    let mut text = "**Large bodies.**".to_owned();
    if api.has_binary_responses() {
        text.push_str(
            " Awaiting an operation that returns binary content reads it whole into \
             [`Bytes`], under the response limit; `.bytes_stream()` on the call returns a \
             [`ByteStream`] of chunks instead, for a download of any size.",
        );
    }
    if api.has_binary_request_bodies() {
        text.push_str(
            " A raw request body takes bytes or a [`StreamBody`], read from a stream or an \
             `AsyncRead` as it is sent.",
        );
    }
    if api.has_multipart_files() {
        text.push_str(
            " A multipart file part can be sent from a [`StreamBody`] with \
             `.file_stream(part, body)` on the call (the `FilePart` gives its name and media \
             type).",
        );
    }
    if api.has_streamable_request_bodies() {
        text.push_str(
            " A stream is read once, so a call sending one is never retried, unless it is made \
             by `StreamBody::replayable`, which makes it anew for each attempt.",
        );
    }
    let download = example_call(api, surface, |op| {
        op.output == Output::Bytes && op.body.as_ref().is_none_or(|b| !b.required)
    });
    if let Some((op, arguments)) = download {
        let _ = write!(
            text,
            "\n\n```no_run\n\
             # async fn example(client: {crate_ident}::Client) -> Result<(), Box<dyn std::error::Error>> {{\n\
             use {crate_ident}::futures_util::TryStreamExt;\n\n\
             let mut download = client.{}({}).bytes_stream().await?;\n\
             while let Some(chunk) = download.try_next().await? {{\n    \
             println!(\"{{}} more bytes\", chunk.len());\n\
             }}\n\
             # Ok(())\n\
             # }}\n\
             ```",
            op.client_method.name,
            arguments.trim_end_matches(", ")
        );
    }
    let upload = example_call(api, surface, |op| {
        op.body
            .as_ref()
            .is_some_and(|b| b.required && b.encoding == BodyEncoding::Bytes)
    });
    if let Some((op, arguments)) = upload {
        let _ = write!(
            text,
            "\n\n```no_run\n\
             # async fn example(client: {crate_ident}::Client, file: impl tokio::io::AsyncRead + Send + 'static) -> Result<(), Box<dyn std::error::Error>> {{\n\
             let body = {crate_ident}::StreamBody::from_reader(file);\n\
             client.{}({arguments}body).await?;\n\
             # Ok(())\n\
             # }}\n\
             ```",
            op.client_method.name,
        );
    }
    text
}
