//! The client the build script generated works like a committed one:
//! requests on the wire as the spec says, typed responses and errors.

use bookshelf_client::models::Book;
use bookshelf_client::operations::AddBookError;
use bookshelf_client::{Client, Error};
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .build()
        .expect("the client builds")
}

#[tokio::test]
async fn lists_books_by_author() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/books"))
        .and(query_param("author", "Le Guin"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([
            {"isbn": "978-0-441-47812-5", "title": "The Left Hand of Darkness", "published": "1969-03-01"}
        ])))
        .expect(1)
        .mount(&server)
        .await;
    let books = client(&server)
        .list_books()
        .author("Le Guin")
        .send()
        .await
        .expect("the books decode")
        .into_data();
    assert_eq!(books.len(), 1);
    assert_eq!(books[0].title, "The Left Hand of Darkness");
    assert_eq!(
        books[0].published.map(|d| d.to_string()).as_deref(),
        Some("1969-03-01")
    );
}

#[tokio::test]
async fn a_documented_error_is_typed() {
    let server = MockServer::start().await;
    let book = Book::new("978-0-441-47812-5", "The Left Hand of Darkness");
    Mock::given(method("POST"))
        .and(path("/books"))
        .and(body_json(serde_json::json!({
            "isbn": "978-0-441-47812-5", "title": "The Left Hand of Darkness"
        })))
        .respond_with(
            ResponseTemplate::new(409)
                .set_body_json(serde_json::json!({"message": "already there"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let error = client(&server)
        .add_book(&book)
        .send()
        .await
        .expect_err("a conflict");
    match error {
        Error::Api(api) => match api.kind {
            AddBookError::Conflict(problem) => assert_eq!(problem.message, "already there"),
            other => panic!("expected the documented 409, got {other:?}"),
        },
        other => panic!("expected the documented 409, got {other:?}"),
    }
}
