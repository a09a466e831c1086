//! Paginated list operations: follow each page's `next` link until there is
//! none, as a stream of pages or of items.

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

impl<'a, Op> Call<'a, Op>
where
    Op: Operation + 'a,
    Op::Output: Page,
{
    /// Every page, starting with this call's and following `next` links.
    /// Credentials are only sent to links on the same origin.
    pub fn pages(self) -> impl Stream<Item = Result<Op::Output, Error<Op::Error>>> + 'a {
        stream::try_unfold(Some(self), |state| async move {
            let Some(call) = state else {
                return Ok(None);
            };
            let page = Op::decode(call.execute().await?)?;
            let next = match page.next_link() {
                Some(link) => Some(call.follow(link)?),
                None => None,
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
        if next == current {
            return Err(Error::InvalidRequest(format!(
                "the next-page link `{link}` points back at the same page"
            )));
        }
        let send_credentials = credentialed && next.origin() == current.origin();
        Ok(self.clone().with_link(Link {
            url: next,
            send_credentials,
        }))
    }
}
