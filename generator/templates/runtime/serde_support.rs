//! Serde helpers the models use.

/// `Option<Option<T>>` for fields that may be absent *or* null: the outer
/// `None` is an absent field, `Some(None)` an explicit `null`. Use with
/// `#[serde(default, skip_serializing_if = "Option::is_none", with = ...)]`.
pub(crate) mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub(crate) fn serialize<T: Serialize, S: Serializer>(
        value: &Option<Option<T>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(inner) => inner.serialize(serializer),
            None => serializer.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(deserializer).map(Some)
    }
}

/// Implements `Serialize`, `Deserialize`, `Display` and `FromStr` for a
/// string enum that has `as_str` and `From<String>`, so unknown values
/// survive a round trip. Paths are absolute because models may shadow
/// prelude names.
#[allow(unused_macros)]
macro_rules! open_enum {
    ($name:ident) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)
                    .map(Self::from)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;

            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value.to_owned()))
            }
        }
    };
}

#[allow(unused_imports)]
pub(crate) use open_enum;

/// Percent-encodes a path parameter so that it stays one path segment.
pub(crate) fn path_segment(value: impl std::fmt::Display) -> String {
    use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
    /// Everything but RFC 3986's unreserved characters.
    const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    utf8_percent_encode(&value.to_string(), SEGMENT).to_string()
}

/// Items in their text form, comma-separated (arrays in headers, cookies,
/// paths and unexploded queries).
pub(crate) fn comma_separated<T: std::fmt::Display>(values: &[T]) -> String {
    let items: Vec<String> = values.iter().map(ToString::to_string).collect();
    items.join(",")
}

/// A value as JSON text, for parameters that have no plain text form. The
/// generated types always serialize, so the empty fallback is never sent.
pub(crate) fn json_text<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}
