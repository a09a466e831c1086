//! Exact decimal numbers for `format: decimal`, so that amounts of money
//! never pass through `f64`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

/// A decimal number that round-trips exactly through JSON: `29.99` is read
/// from the JSON text itself and written back as the same digits.
///
/// ```
/// # fn example() -> Result<(), Box<dyn std::error::Error>> {
/// let price: kelviq::Decimal = serde_json::from_str("29.99")?;
/// assert_eq!(price.to_string(), "29.99");
/// assert_eq!(serde_json::to_string(&price)?, "29.99");
/// # Ok(())
/// # }
/// # example().unwrap();
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Decimal(pub rust_decimal::Decimal);

impl Decimal {
    /// The number as a `rust_decimal::Decimal`, for arithmetic.
    pub fn value(self) -> rust_decimal::Decimal {
        self.0
    }
}

impl From<rust_decimal::Decimal> for Decimal {
    fn from(value: rust_decimal::Decimal) -> Self {
        Decimal(value)
    }
}

impl From<i64> for Decimal {
    fn from(value: i64) -> Self {
        Decimal(value.into())
    }
}

impl FromStr for Decimal {
    type Err = rust_decimal::Error;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        rust_decimal::Decimal::from_str_exact(text)
            .or_else(|_| rust_decimal::Decimal::from_scientific(text))
            .map(Decimal)
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let raw = RawValue::from_string(self.0.to_string()).map_err(serde::ser::Error::custom)?;
        raw.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        // A JSON number, or a string holding one.
        let text = raw.get().trim().trim_matches('"');
        text.parse()
            .map_err(|e| serde::de::Error::custom(format!("invalid decimal `{text}`: {e}")))
    }
}
