//! One line of the driver's output: how one call went, with the response
//! as the mock sent it and what the mock said about the exchange.

use serde_json::Value;

/// How one call went.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The operation id (`*` for the driver as a whole).
    pub operation: String,
    /// `ok`, `api_error` (a documented error status, decoded),
    /// `unexpected_status`, `decode_error`, `timeout`, `transport`,
    /// `missing_credentials`, `invalid_request`, `driver_error`, `other`;
    /// or `value_rejected`: a valid value did not fit an argument's type.
    pub outcome: String,
    /// The response status, if there was a response.
    pub status: Option<u16>,
    /// What went wrong, in the client's words.
    pub detail: String,
    /// What Prism found wrong with the request or its own response (its
    /// `sl-violations` header, or the `validation` list of its problem
    /// document), as JSON text.
    pub violations: Option<String>,
    /// The response's `Content-Type`.
    pub content_type: Option<String>,
    /// The response body (empty for successes, which decoded).
    pub body: Option<String>,
}

/// One thing Prism found wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// Where, below `request`/`response` (`["body", "results", "0", "id"]`).
    pub location: Vec<String>,
    /// Prism's message.
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.location.join("."))
    }
}

impl Outcome {
    /// Parses one output line; `None` if it is not an outcome.
    pub fn parse(line: &str) -> Option<Outcome> {
        let value: Value = serde_json::from_str(line.trim()).ok()?;
        let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
        Some(Outcome {
            operation: text("operation")?,
            outcome: text("outcome")?,
            status: value
                .get("status")
                .and_then(Value::as_u64)
                .and_then(|s| u16::try_from(s).ok()),
            detail: text("detail").unwrap_or_default(),
            violations: value.get("violations").and_then(|v| match v {
                Value::Null => None,
                Value::String(s) => Some(s.clone()),
                other => Some(other.to_string()),
            }),
            content_type: text("content_type"),
            body: text("body"),
        })
    }

    /// Every outcome line of a driver's standard output.
    pub fn parse_all(stdout: &str) -> Vec<Outcome> {
        stdout.lines().filter_map(Outcome::parse).collect()
    }

    /// Prism's violations, split into those of the request and those of its
    /// own response.
    pub fn split_violations(&self) -> (Vec<Violation>, Vec<Violation>) {
        let list: Vec<Value> = self
            .violations
            .as_deref()
            .and_then(|text| serde_json::from_str(text).ok())
            .unwrap_or_default();
        let mut request = Vec::new();
        let mut response = Vec::new();
        for entry in list {
            let location: Vec<String> = entry
                .get("location")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|s| match s {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect();
            let violation = Violation {
                location: location.iter().skip(1).cloned().collect(),
                message: entry
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
            };
            if location.first().map(String::as_str) == Some("response") {
                response.push(violation);
            } else {
                request.push(violation);
            }
        }
        (request, response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_parse_and_violations_split() {
        let line = r#"{"operation":"getPet","outcome":"ok","status":200,"detail":"","violations":"[{\"location\":[\"request\",\"query\",\"limit\"],\"message\":\"must be integer\"},{\"location\":[\"response\",\"body\",\"id\"],\"message\":\"must be string\"}]","content_type":"application/json","body":""}"#;
        let outcome = Outcome::parse(line).expect("an outcome");
        assert_eq!(outcome.status, Some(200));
        let (request, response) = outcome.split_violations();
        assert_eq!(request.len(), 1);
        assert_eq!(request[0].to_string(), "must be integer (query.limit)");
        assert_eq!(response[0].location, vec!["body", "id"]);
        assert!(Outcome::parse("not json").is_none());
    }
}
