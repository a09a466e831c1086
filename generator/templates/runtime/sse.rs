//! Server-sent events (`text/event-stream`): the body is read as it arrives
//! and each event is yielded as soon as its blank line does.
//!
//! The parser is written here rather than taken from a crate: the ones
//! that exist (`eventsource-stream`, `sse-stream`) hold an event's lines
//! until its blank line with no bound, so a server that never ends an event
//! would exhaust memory, whereas the client promises a limit per event.

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_util::stream::{self, Stream};
use reqwest::header::{HeaderMap, CONTENT_TYPE};
use reqwest::StatusCode;

use super::call::{Call, Operation, Received};
use super::error::{DecodeError, Error};
use super::response::{bytes_allowed, next_chunk, RawResponse, StreamingResponse};

/// One server-sent event.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Event<T> {
    /// The event's type: its `event` field, `None` when it has none (a
    /// browser calls such an event `message`).
    pub event: Option<String>,
    /// The last event id the server set (an `id` field of this event or
    /// of an earlier one), for resuming with `Last-Event-ID`.
    pub id: Option<String>,
    /// The reconnection time the server last asked for (its `retry`
    /// field, in milliseconds).
    pub retry: Option<Duration>,
    /// The event's data (its `data` lines joined by newlines), decoded
    /// into the documented type, or as text when none is documented.
    pub data: T,
}

/// The events of a `text/event-stream` response, as they arrive.
///
/// Each item is an event, or the error of one event: data that does not
/// decode into the documented type ([`Error::Decode`], whose response body
/// is the event's data) and an event larger than the call's response limit
/// ([`Error::ResponseTooLarge`]; the limit applies to each event, not to
/// the stream) are errors of that event only, and the stream goes on. A
/// transport error or a wait for more of the body longer than the call's
/// timeout ([`Error::Timeout`]) is the last item. The stream ends when the
/// server closes the body; an event it did not finish is dropped.
///
/// ```no_run
/// # async fn example<Op, T>(call: __CRATE__::Call<'_, Op>) -> Result<(), Box<dyn std::error::Error>>
/// # where
/// #     Op: __CRATE__::Operation<Output = __CRATE__::EventStream<T, <Op as __CRATE__::Operation>::Error>> + 'static,
/// #     T: std::fmt::Debug,
/// #     Op::Error: Send + std::fmt::Debug + 'static,
/// # {
/// use __CRATE__::futures_util::StreamExt;
///
/// let mut events = call.await?;
/// while let Some(event) = events.next().await {
///     match event {
///         Ok(event) => println!("{:?} {:?}", event.event, event.data),
///         Err(error) => eprintln!("skipped an event: {error}"),
///     }
/// }
/// # Ok(())
/// # }
/// ```
pub struct EventStream<T, E> {
    inner: Pin<Box<dyn Stream<Item = EventItem<T, E>> + Send>>,
}

/// One item of an [`EventStream`].
type EventItem<T, E> = Result<Event<T>, Error<E>>;

impl<T, E> fmt::Debug for EventStream<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream").finish_non_exhaustive()
    }
}

impl<T, E> Stream for EventStream<T, E> {
    type Item = Result<Event<T>, Error<E>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

/// Turns one event's data, as the body of a response, into its value.
type DecodeData<T, E> = fn(RawResponse) -> Result<T, Error<E>>;

/// Where the bytes of the stream come from.
enum Source {
    /// A response still arriving, and the longest wait for more of it.
    Live(reqwest::Response, Duration),
    /// A body already read whole.
    Read(Option<Bytes>),
    /// Nothing more.
    Ended,
}

/// The state the stream's items are made from.
struct Reader<T, E> {
    source: Source,
    parser: Parser,
    status: StatusCode,
    /// The response's headers, but for its `Content-Type`, which names the
    /// stream, not the data: each event's decode error carries them.
    headers: HeaderMap,
    decode: DecodeData<T, E>,
}

impl<T: Send + 'static, E: Send + 'static> EventStream<T, E> {
    fn from_reader(reader: Reader<T, E>) -> Self {
        let items = stream::unfold(reader, |mut reader| async move {
            let item = reader.next().await?;
            Some((item, reader))
        });
        EventStream {
            inner: Box::pin(items),
        }
    }
}

impl<T, E> Reader<T, E> {
    fn new(
        status: StatusCode,
        headers: &HeaderMap,
        source: Source,
        limit: u64,
        decode: DecodeData<T, E>,
    ) -> Self {
        let mut headers = headers.clone();
        headers.remove(CONTENT_TYPE);
        Reader {
            source,
            parser: Parser::new(bytes_allowed(limit)),
            status,
            headers,
            decode,
        }
    }

    /// The next item: a parsed event or error, else more of the body.
    async fn next(&mut self) -> Option<Result<Event<T>, Error<E>>> {
        loop {
            if let Some(parsed) = self.parser.ready.pop_front() {
                return Some(self.item(parsed));
            }
            let chunk = match &mut self.source {
                Source::Live(response, idle) => next_chunk(response, *idle).await,
                Source::Read(body) => Ok(body.take()),
                Source::Ended => return None,
            };
            match chunk {
                Ok(Some(chunk)) => self.parser.feed(&chunk),
                Ok(None) => self.source = Source::Ended,
                Err(error) => {
                    self.source = Source::Ended;
                    return Some(Err(error));
                }
            }
        }
    }

    fn item(&self, parsed: Parsed) -> Result<Event<T>, Error<E>> {
        let event = match parsed {
            Parsed::Event(event) => event,
            Parsed::TooLarge(limit) => {
                let response = RawResponse::new(self.status, self.headers.clone(), Bytes::new());
                return Err(Error::ResponseTooLarge {
                    limit: limit as u64,
                    response: Box::new(response),
                });
            }
        };
        let body = Bytes::from(event.data.into_bytes());
        let data = (self.decode)(RawResponse::new(self.status, self.headers.clone(), body))?;
        Ok(Event {
            event: event.event,
            id: event.id,
            retry: event.retry,
            data,
        })
    }
}

impl StreamingResponse {
    /// The body's events, each one's data decoded by `decode`.
    pub(crate) fn events<T: Send + 'static, E: Send + 'static>(
        self,
        decode: DecodeData<T, E>,
    ) -> EventStream<T, E> {
        let (status, limit, idle) = (self.status(), self.limit(), self.idle());
        let headers = self.headers().clone();
        let source = Source::Live(self.into_inner(), idle);
        EventStream::from_reader(Reader::new(status, &headers, source, limit, decode))
    }
}

impl RawResponse {
    /// The events of a body already read whole, each one's data decoded by
    /// `decode`.
    pub(crate) fn events<T: Send + 'static, E: Send + 'static>(
        self,
        decode: DecodeData<T, E>,
    ) -> Result<EventStream<T, E>, Error<E>> {
        let limit = self.body().len() as u64;
        let source = Source::Read(Some(self.body().clone()));
        let reader = Reader::new(self.status(), self.headers(), source, limit, decode);
        Ok(EventStream::from_reader(reader))
    }

    /// An event's data as text, undecoded.
    pub(crate) fn event_text<E>(self) -> Result<String, Error<E>> {
        Ok(self.text())
    }
}

/// An operation whose success is JSON unless the request asks the server to
/// stream (a `stream` field, say), when it comes as server-sent events:
/// [`Call::event_stream`] reads those.
pub trait EventStreaming: Operation {
    /// The type each event's data decodes into.
    type Data;
    /// Decodes one event's data (given as the body of a response).
    fn decode_event(data: RawResponse) -> Result<Self::Data, Error<Self::Error>>;
}

impl<'a, Op> Call<'a, Op>
where
    Op: EventStreaming + 'a,
    Op::Data: Send + 'static,
    Op::Error: Send + 'static,
{
    /// Sends the call asking for `text/event-stream` and returns the
    /// events as they arrive, instead of the JSON output awaiting the call
    /// gives. The request itself must ask the server to stream (see the
    /// operation's docs): a success that is not an event stream is an
    /// [`Error::Decode`] saying so, and error statuses are decoded as
    /// usual.
    ///
    /// ```no_run
    /// # async fn example<Op>(call: __CRATE__::Call<'_, Op>) -> Result<(), Box<dyn std::error::Error>>
    /// # where
    /// #     Op: __CRATE__::EventStreaming + 'static,
    /// #     Op::Data: Send + std::fmt::Debug + 'static,
    /// #     Op::Error: Send + std::fmt::Debug + 'static,
    /// # {
    /// use __CRATE__::futures_util::TryStreamExt;
    ///
    /// let mut events = call.event_stream().await?;
    /// while let Some(event) = events.try_next().await? {
    ///     println!("{:?}", event.data);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn event_stream(self) -> Result<EventStream<Op::Data, Op::Error>, Error<Op::Error>> {
        let call = self.header("accept", EVENT_STREAM);
        let response = match call.receive(true).await? {
            Received::Streaming(response) if is_event_stream(response.headers()) => {
                return Ok(response.events(Op::decode_event));
            }
            Received::Streaming(response) => response.read_whole().await?,
            Received::Whole(raw) => raw,
        };
        Op::decode(response.clone())?;
        let message = "the success response is not `text/event-stream`: the request must ask \
                       the server to stream";
        Err(Error::Decode(Box::new(DecodeError {
            response,
            path: String::new(),
            message: message.to_owned(),
        })))
    }
}

/// The media type of server-sent events.
const EVENT_STREAM: &str = "text/event-stream";

/// Whether the `Content-Type` header says the body is an event stream.
fn is_event_stream(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case(EVENT_STREAM))
}

/// What the parser made of a complete event.
#[derive(Debug, PartialEq)]
enum Parsed {
    Event(RawEvent),
    /// An event (or a line) longer than the limit, skipped up to its end.
    TooLarge(usize),
}

#[derive(Debug, PartialEq)]
struct RawEvent {
    event: Option<String>,
    id: Option<String>,
    retry: Option<Duration>,
    data: String,
}

/// An incremental `text/event-stream` parser, as the HTML standard
/// describes it: lines end with CRLF, LF or CR (possibly split across
/// chunks); `:` starts a comment; a blank line ends an event, which is
/// dispatched when it has data. Memory is bounded by `limit`: an event
/// whose current line and data outgrow it is skipped to its end and
/// reported once.
struct Parser {
    limit: usize,
    ready: VecDeque<Parsed>,
    /// The current line, until its end arrives.
    line: Vec<u8>,
    /// Bytes the current line has had, kept or not (0: a blank line).
    line_length: usize,
    /// The last chunk ended in CR: an LF starting the next one ends nothing.
    after_cr: bool,
    /// The first line may start with a byte order mark.
    first_line: bool,
    /// The current event outgrew the limit: skip to its blank line.
    skipping: bool,
    data: Vec<u8>,
    event: Option<String>,
    id: Option<String>,
    retry: Option<Duration>,
}

impl Parser {
    fn new(limit: usize) -> Self {
        Parser {
            limit,
            ready: VecDeque::new(),
            line: Vec::new(),
            line_length: 0,
            after_cr: false,
            first_line: true,
            skipping: false,
            data: Vec::new(),
            event: None,
            id: None,
            retry: None,
        }
    }

    fn feed(&mut self, mut chunk: &[u8]) {
        if self.after_cr && chunk.first() == Some(&b'\n') {
            chunk = &chunk[1..];
        }
        self.after_cr = false;
        while let Some(end) = chunk.iter().position(|b| *b == b'\n' || *b == b'\r') {
            self.extend_line(&chunk[..end]);
            self.end_line();
            let crlf = chunk[end] == b'\r' && chunk.get(end + 1) == Some(&b'\n');
            if chunk[end] == b'\r' && end + 1 == chunk.len() {
                self.after_cr = true;
            }
            chunk = &chunk[end + if crlf { 2 } else { 1 }..];
        }
        self.extend_line(chunk);
    }

    fn extend_line(&mut self, part: &[u8]) {
        self.line_length += part.len();
        if self.skipping || part.is_empty() {
            return;
        }
        if self.line.len() + part.len() + self.data.len() > self.limit {
            self.skipping = true;
            self.line.clear();
            self.data.clear();
            self.ready.push_back(Parsed::TooLarge(self.limit));
            return;
        }
        self.line.extend_from_slice(part);
    }

    fn end_line(&mut self) {
        let blank = self.line_length == 0;
        self.line_length = 0;
        let mut line = std::mem::take(&mut self.line);
        if std::mem::take(&mut self.first_line) && line.starts_with(b"\xEF\xBB\xBF") {
            line.drain(..3);
        }
        if blank {
            self.dispatch();
        } else if !self.skipping {
            self.field(&line);
        }
    }

    /// One `name: value` line (or a comment, or a name alone).
    fn field(&mut self, line: &[u8]) {
        let (name, value) = match line.iter().position(|b| *b == b':') {
            Some(0) => return,
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &b""[..]),
        };
        match name {
            b"data" => {
                self.data.extend_from_slice(value);
                self.data.push(b'\n');
            }
            b"event" => self.event = Some(String::from_utf8_lossy(value).into_owned()),
            b"id" if !value.contains(&0) => {
                self.id = Some(String::from_utf8_lossy(value).into_owned());
            }
            b"retry" if !value.is_empty() && value.iter().all(u8::is_ascii_digit) => {
                let millis = std::str::from_utf8(value).ok().and_then(|v| v.parse().ok());
                self.retry = millis.map(Duration::from_millis).or(self.retry);
            }
            _ => {}
        }
    }

    /// The end of an event: yield it when it has data.
    fn dispatch(&mut self) {
        let event = self.event.take();
        if std::mem::take(&mut self.skipping) || self.data.is_empty() {
            self.data.clear();
            return;
        }
        let mut data = std::mem::take(&mut self.data);
        data.pop();
        self.ready.push_back(Parsed::Event(RawEvent {
            event,
            id: self.id.clone(),
            retry: self.retry,
            data: String::from_utf8(data)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(chunks: &[&str], limit: usize) -> Vec<Parsed> {
        let mut parser = Parser::new(limit);
        for chunk in chunks {
            parser.feed(chunk.as_bytes());
        }
        parser.ready.into_iter().collect()
    }

    fn event(event: Option<&str>, id: Option<&str>, data: &str) -> Parsed {
        Parsed::Event(RawEvent {
            event: event.map(str::to_owned),
            id: id.map(str::to_owned),
            retry: None,
            data: data.to_owned(),
        })
    }

    #[test]
    fn lines_end_with_crlf_lf_or_cr_across_chunks() {
        let parsed = parse(
            &["data: a\r", "\ndata: b\r\r", "event: x\nda", "ta:c\n\n"],
            100,
        );
        assert_eq!(
            parsed,
            [event(None, None, "a\nb"), event(Some("x"), None, "c")]
        );
    }

    #[test]
    fn comments_ids_and_empty_data() {
        let parsed = parse(&[": hi\nid: 7\ndata\n\nid\0x: 8\n: x\n\ndata:\n\n"], 100);
        assert_eq!(
            parsed,
            [event(None, Some("7"), ""), event(None, Some("7"), "")]
        );
    }

    #[test]
    fn an_oversized_event_is_skipped_and_reported_once() {
        let parsed = parse(
            &["data: 0123456789\n", "data: 0123456789\n\ndata: ok\n\n"],
            12,
        );
        assert_eq!(parsed, [Parsed::TooLarge(12), event(None, None, "ok")]);
    }
}
