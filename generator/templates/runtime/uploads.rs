//! Raw request bodies read from a stream or an `AsyncRead` as they are
//! sent, so that memory stays bounded by the size of a chunk, not of the
//! body. Only APIs with raw binary request bodies have this module: it needs
//! reqwest's `stream` feature (`Body::wrap_stream`) and `tokio-util`.

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::stream::Stream;

use super::body::{BinaryBody, Payload};
use super::error::Error;

/// A request body read from a stream or an `AsyncRead` as it is sent, so
/// that an upload of any size takes the memory of a chunk. Pass it where
/// an operation takes a raw binary body.
///
/// A stream can be read only once, so a call sending one is never
/// retried: its first attempt's outcome is returned as it is, and sending
/// a clone of the call again fails with [`Error::InvalidRequest`]. A body
/// made by [`StreamBody::replayable`] is made anew for each attempt, and is
/// retried like any other. The call's timeout covers the whole exchange,
/// upload included: raise it for large uploads. A [`Hook`](crate::Hook)
/// sees no bytes of such a body (its `as_bytes()` is `None`), so
/// a hook that signs bodies cannot sign it.
///
/// ```no_run
/// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
/// use __CRATE__::StreamBody;
///
/// // From anything that implements tokio's `AsyncRead`, such as a file.
/// let file = tokio::fs::File::open("video.mp4").await?;
/// let body = StreamBody::from_reader(file);
/// // From a stream of chunks.
/// let chunks = __CRATE__::futures_util::stream::iter(
///     (0..4).map(|_| Ok::<_, std::io::Error>(vec![0u8; 1024])),
/// );
/// let body = StreamBody::from_stream(chunks);
/// // Made anew for each attempt, so the call may be retried.
/// let body = StreamBody::replayable(|| StreamBody::from_stream(
///     __CRATE__::futures_util::stream::iter([Ok::<_, std::io::Error>(vec![1u8, 2, 3])]),
/// ));
/// # let _ = body;
/// # Ok(())
/// # }
/// ```
pub struct StreamBody(Payload);

impl fmt::Debug for StreamBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("StreamBody").field(&self.0).finish()
    }
}

impl StreamBody {
    /// A body of the chunks `stream` yields; an error it yields aborts the
    /// request with a transport error.
    pub fn from_stream<S, B, E>(stream: S) -> Self
    where
        S: Stream<Item = Result<B, E>> + Send + 'static,
        B: Into<Bytes> + 'static,
        E: Into<Box<dyn std::error::Error + Send + Sync>> + 'static,
    {
        use futures_util::StreamExt;
        let chunks = stream.map(|chunk| chunk.map(Into::into));
        StreamBody(Payload::once(reqwest::Body::wrap_stream(chunks)))
    }

    /// A body read from `reader` (a file, a socket, a pipe) as it is sent.
    pub fn from_reader<R>(reader: R) -> Self
    where
        R: tokio::io::AsyncRead + Send + 'static,
    {
        let chunks = tokio_util::io::ReaderStream::new(reader);
        StreamBody(Payload::once(reqwest::Body::wrap_stream(chunks)))
    }

    /// A body `make` makes anew for each attempt (reopening a file, say),
    /// so that a call sending it can be retried.
    pub fn replayable<F>(make: F) -> Self
    where
        F: Fn() -> StreamBody + Send + Sync + 'static,
    {
        StreamBody(Payload::Replay(Arc::new(move || make().0.body())))
    }
}

impl From<StreamBody> for BinaryBody {
    fn from(body: StreamBody) -> Self {
        BinaryBody(body.0)
    }
}
