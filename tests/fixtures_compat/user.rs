//! Code a user writes against the client generated from `base.yaml`: it
//! builds a request, reads a response, matches an enum, a union and an
//! error enum, and sets an optional query parameter. `tests/compatibility.rs`
//! compiles it, unchanged, against the client regenerated after each change
//! of the spec. The client crate is the dependency `api`.

use api::models::{Circle, Color, Shape, Widget, WidgetCreate};
use api::operations::{CreateWidgetError, GetWidgetError};
use api::{Client, Environment, Error};

/// A request body: required fields in `new`, optional ones by `with_`.
pub fn request() -> WidgetCreate {
    WidgetCreate::new("gear")
        .with_size(3)
        .with_type("metal")
        .with_color(Color::Red)
        .with_shape(Shape::Circle(Circle::new("circle", 1.5)))
}

/// Reads a response: fields by name and by pattern, an open enum and a
/// tagged union, each `match` with a wildcard arm.
pub fn describe(widget: &Widget) -> String {
    let Widget { id, name, .. } = widget;
    let color = match &widget.color {
        Some(Color::Red) => "red",
        Some(Color::Green) => "green",
        Some(_) => "another colour",
        None => "no colour",
    };
    let area = match &widget.shape {
        Some(Shape::Circle(circle)) => std::f64::consts::PI * circle.radius * circle.radius,
        Some(Shape::Square(square)) => square.side * square.side,
        Some(_) | None => 0.0,
    };
    format!("{id} {name}: {color}, {area}")
}

/// Calls both operations, one with its optional query parameter, and
/// matches their error enums.
pub async fn run() -> Result<String, Box<dyn std::error::Error>> {
    let client = Client::builder()
        .environment(Environment::Production)
        .build()?;
    match client.create_widget(&request()).await {
        Ok(widget) => println!("created {}", describe(&widget)),
        Err(Error::Api(error)) => match &error.kind {
            CreateWidgetError::BadRequest(problem) => return Ok(problem.message.clone()),
            _ => return Ok("another documented error".to_owned()),
        },
        Err(other) => return Err(other.into()),
    }
    match client.get_widget("w1").expand("owner").await {
        Ok(widget) => Ok(describe(&widget)),
        Err(Error::Api(error)) => match &error.kind {
            GetWidgetError::NotFound(problem) => Ok(problem.message.clone()),
            _ => Ok("another documented error".to_owned()),
        },
        Err(other) => Err(other.into()),
    }
}
