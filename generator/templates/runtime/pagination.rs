//! Paginated list operations: follow each page's `next` link until there is
//! none, as a stream of pages or of items.

use std::collections::HashSet;

use futures_util::stream::{self, Stream, TryStreamExt};

use super::call::{Call, Link, Operation};
use super::error::Error;

/// A page of a list response: its items and the link to the next page.
///
/// The call of a paginated operation can stream every page, or every item,
/// following `next` links until there are none. Awaiting it fetches one page.
///
/// ```no_run
/// # async fn example<Op>(call: __CRATE__::Call<'_, Op>) -> Result<(), Box<dyn std::error::Error>>
/// # where
/// #     Op: __CRATE__::Operation + 'static,
/// #     Op::Output: __CRATE__::Page + Send,
/// #     <Op::Output as __CRATE__::Page>::Item: std::fmt::Debug,
/// #     Op::Error: Send + std::fmt::Debug + 'static,
/// # {
/// use __CRATE__::futures_util::TryStreamExt;
///
/// let mut items = std::pin::pin!(call.items());
/// while let Some(item) = items.try_next().await? {
///     println!("{item:?}");
/// }
/// # Ok(())
/// # }
/// ```
pub trait Page {
    /// What the page lists.
    type Item;
    /// The next page's URL; `None` on the last page.
    fn next_link(&self) -> Option<&str>;
    /// The page's items.
    fn into_items(self) -> Vec<Self::Item>;
}

/// Where a stream of pages stands.
enum PageState<'a, Op: Operation> {
    /// The next page to fetch, and the URLs fetched so far.
    Next {
        call: Box<Call<'a, Op>>,
        visited: HashSet<reqwest::Url>,
    },
    /// The last page pointed somewhere it cannot go.
    Failed(Error<Op::Error>),
    /// The last page had no next link.
    Done,
}

impl<'a, Op> Call<'a, Op>
where
    Op: Operation + 'a,
    Op::Output: Page,
{
    /// Every page, starting with this call's and following `next` links.
    /// Credentials are only sent to links on the same origin. A link back to
    /// a page already fetched ends the stream with an error after the page
    /// that holds it, instead of looping forever.
    pub fn pages(self) -> impl Stream<Item = Result<Op::Output, Error<Op::Error>>> + 'a {
        let start = PageState::Next {
            call: Box::new(self),
            visited: HashSet::new(),
        };
        stream::try_unfold(start, |state| async move {
            let (call, mut visited) = match state {
                PageState::Next { call, visited } => (call, visited),
                PageState::Failed(error) => return Err(error),
                PageState::Done => return Ok(None),
            };
            visited.insert(call.url(&Op::INFO)?.0);
            let page = Op::decode(call.execute().await?)?;
            let next = match page.next_link() {
                None => PageState::Done,
                Some(link) => match call.follow(link) {
                    Ok(next) if visited.contains(&next.url(&Op::INFO)?.0) => {
                        PageState::Failed(Error::InvalidRequest(format!(
                            "the next-page link `{link}` points back at a page already fetched"
                        )))
                    }
                    Ok(next) => PageState::Next {
                        call: Box::new(next),
                        visited,
                    },
                    Err(error) => PageState::Failed(error),
                },
            };
            Ok(Some((page, next)))
        })
    }

    /// Every item of every page, in order.
    pub fn items(
        self,
    ) -> impl Stream<Item = Result<<Op::Output as Page>::Item, Error<Op::Error>>> + 'a {
        self.pages()
            .map_ok(|page| stream::iter(page.into_items().into_iter().map(Ok)))
            .try_flatten()
    }

    /// The same call aimed at `link` (absolute, or relative to this call's
    /// URL).
    fn follow(&self, link: &str) -> Result<Self, Error<Op::Error>> {
        let (current, credentialed) = self.url(&Op::INFO)?;
        let next = current
            .join(link)
            .map_err(|e| Error::InvalidRequest(format!("invalid next-page link `{link}`: {e}")))?;
        let send_credentials = credentialed && next.origin() == current.origin();
        Ok(self.clone().with_link(Link {
            url: next,
            send_credentials,
        }))
    }
}
