//! Large bodies as streams: a binary response read chunk by chunk, and a
//! raw request body read from a stream or an `AsyncRead` as it is sent.
//! Memory stays bounded by the size of a chunk, not of the body.

use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::stream::{self, Stream};
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use super::body::{BinaryBody, Payload};
use super::call::{Call, Operation, Received};
use super::error::Error;
use super::response::{next_chunk, StreamingResponse};

/// A binary response body as it arrives, chunk by chunk.
///
/// Unlike the `Bytes` the call returns when awaited, it is not held whole
/// nor cut at the response limit: a download of any size takes the memory
/// of a chunk. The call's timeout covers the wait for the response's head
/// and then each wait for the next chunk, not the whole download. A
/// transport error or a timeout is the last item.
///
/// ```no_run
/// # async fn example<Op>(call: __CRATE__::Call<'_, Op>) -> Result<(), Box<dyn std::error::Error>>
/// # where
/// #     Op: __CRATE__::Operation<Output = __CRATE__::Bytes> + 'static,
/// #     Op::Error: Send + std::fmt::Debug + 'static,
/// # {
/// use __CRATE__::futures_util::TryStreamExt;
///
/// let mut download = call.bytes_stream().await?;
/// let mut size = 0;
/// while let Some(chunk) = download.try_next().await? {
///     size += chunk.len(); // write it to a file, hash it, …
/// }
/// println!("{size} bytes");
/// # Ok(())
/// # }
/// ```
pub struct ByteStream<E> {
    status: StatusCode,
    headers: HeaderMap,
    inner: Pin<Box<dyn Stream<Item = Result<Bytes, Error<E>>> + Send>>,
}

impl<E> fmt::Debug for ByteStream<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}

impl<E> ByteStream<E> {
    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers (`Content-Length`, `Content-Type`, …).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }
}

impl<E> Stream for ByteStream<E> {
    type Item = Result<Bytes, Error<E>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl<E: Send + 'static> ByteStream<E> {
    fn live(response: StreamingResponse) -> Self {
        let (status, headers, idle) = (
            response.status(),
            response.headers().clone(),
            response.idle(),
        );
        let chunks = stream::unfold(Some(response.into_inner()), move |state| async move {
            let mut response = state?;
            match next_chunk(&mut response, idle).await {
                Ok(Some(chunk)) => Some((Ok(chunk), Some(response))),
                Ok(None) => None,
                Err(error) => Some((Err(error), None)),
            }
        });
        ByteStream {
            status,
            headers,
            inner: Box::pin(chunks),
        }
    }

    fn read(status: StatusCode, headers: HeaderMap, body: Bytes) -> Self {
        let chunks = stream::iter((!body.is_empty()).then_some(Ok(body)));
        ByteStream {
            status,
            headers,
            inner: Box::pin(chunks),
        }
    }
}

impl<'a, Op> Call<'a, Op>
where
    Op: Operation<Output = Bytes> + 'a,
    Op::Error: Send + 'static,
{
    /// Sends the call and returns the success body as a stream of chunks,
    /// instead of reading it whole into `Bytes` under the response limit
    /// (as awaiting the call does). Error responses are read whole and
    /// decoded as usual.
    pub async fn bytes_stream(self) -> Result<ByteStream<Op::Error>, Error<Op::Error>> {
        match self.receive(true).await? {
            Received::Streaming(response) => Ok(ByteStream::live(response)),
            Received::Whole(raw) => {
                let (status, headers) = (raw.status(), raw.headers().clone());
                Ok(ByteStream::read(status, headers, Op::decode(raw)?))
            }
        }
    }
}

/// A request body read from a stream or an `AsyncRead` as it is sent, so
/// that an upload of any size takes the memory of a chunk. Pass it where
/// an operation takes a raw binary body.
///
/// A stream can be read only once, so a call sending one is never
/// retried: its first attempt's outcome is returned as it is, and sending
/// a clone of the call again fails with [`Error::InvalidRequest`]. A body
/// made by [`StreamBody::replayable`] is made anew for each attempt, and is
/// retried like any other. The call's timeout covers the whole exchange,
/// upload included: raise it for large uploads.
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
