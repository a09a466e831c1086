//! Binary responses read as a stream of chunks, so that memory stays
//! bounded by the size of a chunk, not of the body.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::stream::{self, Stream};
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

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
