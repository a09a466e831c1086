//! Multipart file parts sent from a stream: the rest of the body is
//! encoded in memory, the file's content read as it is sent.

use std::borrow::Cow;

use bytes::Bytes;
use futures_util::stream::{self, StreamExt};

use super::call::{Call, Operation};
use super::multipart::Multipart;
use super::uploads::{Chunks, StreamBody};

impl<Op: Operation> Call<'_, Op> {
    /// Sends the content of the multipart file part `part` (its wire name)
    /// from `file`, read as it is sent, instead of the bytes its `FilePart`
    /// holds (leave them empty); the part keeps the `FilePart`'s file name
    /// and media type. One file part per call can be streamed. The call is
    /// then not retried unless `file` is [`StreamBody::replayable`]. A call
    /// without such a part fails with
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) when sent.
    ///
    /// ```no_run
    /// # async fn example<Op>(call: __CRATE__::Call<'_, Op>) -> Result<(), Box<dyn std::error::Error>>
    /// # where
    /// #     Op: __CRATE__::Operation + 'static,
    /// #     Op::Output: Send,
    /// #     Op::Error: Send + std::fmt::Debug + 'static,
    /// # {
    /// let file = tokio::fs::File::open("recording.mp3").await?;
    /// call.file_stream("file", __CRATE__::StreamBody::from_reader(file)).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn file_stream(mut self, part: &str, file: StreamBody) -> Self {
        let Some((multipart, media_type)) = self.kept_parts::<(Multipart, &'static str)>() else {
            self.fail(format!(
                "the request has no multipart body for the file part `{part}`"
            ));
            return self;
        };
        match multipart.split_at_file(part, media_type) {
            Ok((before, after, content_type)) => {
                let payload = file.into_payload(move |chunks: Chunks| -> Chunks {
                    let before = stream::once(std::future::ready(Ok(before.clone())));
                    let after = stream::once(std::future::ready(Ok::<Bytes, _>(after.clone())));
                    Box::pin(before.chain(chunks).chain(after))
                });
                self.payload_body(payload, Cow::Owned(content_type))
            }
            Err(reason) => {
                self.fail(reason);
                self
            }
        }
    }
}
