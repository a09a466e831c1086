//! Raw request bodies read from a stream or an `AsyncRead` as they are
//! sent, so that memory stays bounded by the size of a chunk, not of the
//! body. Only APIs with raw binary request bodies have this module: it needs
//! reqwest's `stream` feature (`Body::wrap_stream`) and `tokio-util`.

use std::fmt;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

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
pub struct StreamBody(Source);

/// The chunks of a body, as reqwest reads them.
pub(crate) type Chunks = Pin<Box<dyn Stream<Item = Result<Bytes, BoxError>> + Send>>;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Where a streamed body's chunks come from.
enum Source {
    /// A stream, taken by the first attempt.
    Once(Mutex<Option<Chunks>>),
    /// Makes a body anew for each attempt.
    Replay(Arc<dyn Fn() -> StreamBody + Send + Sync>),
}

impl fmt::Debug for StreamBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.0 {
            Source::Once(_) => "Stream",
            Source::Replay(_) => "ReplayableStream",
        };
        f.debug_tuple("StreamBody").field(&kind).finish()
    }
}

impl StreamBody {
    /// A body of the chunks `stream` yields; an error it yields aborts the
    /// request with a transport error.
    pub fn from_stream<S, B, E>(stream: S) -> Self
    where
        S: Stream<Item = Result<B, E>> + Send + 'static,
        B: Into<Bytes> + 'static,
        E: Into<BoxError> + 'static,
    {
        use futures_util::StreamExt;
        let chunks = stream.map(|chunk| chunk.map(Into::into).map_err(Into::into));
        StreamBody(Source::Once(Mutex::new(Some(Box::pin(chunks)))))
    }

    /// A body read from `reader` (a file, a socket, a pipe) as it is sent.
    pub fn from_reader<R>(reader: R) -> Self
    where
        R: tokio::io::AsyncRead + Send + 'static,
    {
        StreamBody::from_stream(tokio_util::io::ReaderStream::new(reader))
    }

    /// A body `make` makes anew for each attempt (reopening a file, say),
    /// so that a call sending it can be retried.
    pub fn replayable<F>(make: F) -> Self
    where
        F: Fn() -> StreamBody + Send + Sync + 'static,
    {
        StreamBody(Source::Replay(Arc::new(make)))
    }

    /// The chunks for one attempt; `None` when a stream sent once was
    /// already taken.
    fn chunks(&self) -> Option<Chunks> {
        match &self.0 {
            Source::Once(slot) => slot.lock().ok()?.take(),
            Source::Replay(make) => make().chunks(),
        }
    }

    /// The body as a request payload, its chunks passed through `frame`
    /// (which may add bytes around them).
    pub(crate) fn into_payload(
        self,
        frame: impl Fn(Chunks) -> Chunks + Send + Sync + 'static,
    ) -> Payload {
        let body = move |chunks: Chunks| reqwest::Body::wrap_stream(frame(chunks));
        match self.0 {
            Source::Once(_) => {
                let chunks = self.chunks();
                Payload::Once(Arc::new(Mutex::new(chunks.map(body))))
            }
            Source::Replay(_) => Payload::Replay(Arc::new(move || self.chunks().map(&body))),
        }
    }
}

impl From<StreamBody> for BinaryBody {
    fn from(body: StreamBody) -> Self {
        BinaryBody(body.into_payload(|chunks| chunks))
    }
}
