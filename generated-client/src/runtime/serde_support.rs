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
        // The enum may be deprecated; its own impls are not uses of it.
        #[allow(deprecated)]
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        #[allow(deprecated)]
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                // A `match`, not `Result::map`: no copy of that per enum.
                match <::std::string::String as ::serde::Deserialize>::deserialize(deserializer) {
                    ::std::result::Result::Ok(value) => {
                        ::std::result::Result::Ok(Self::from(value))
                    }
                    ::std::result::Result::Err(error) => ::std::result::Result::Err(error),
                }
            }
        }

        #[allow(deprecated)]
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        #[allow(deprecated)]
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

/// Unions without a tag (`oneOf`, `anyOf`): the value is captured as its
/// JSON text and each alternative tried on that text in turn. Serde's own
/// untagged enums buffer the value in a form that cannot carry a number's
/// exact text, so a `Decimal` inside one would fail to decode; the text
/// keeps every digit, and costs one copy, like serde's buffer.
pub(crate) mod untagged {
    use serde::de::DeserializeOwned;
    use serde::{Deserialize, Deserializer};
    use serde_json::value::RawValue;

    /// The value's JSON text.
    pub(crate) fn capture<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Box<RawValue>, D::Error> {
        Box::<RawValue>::deserialize(deserializer)
    }

    /// The value as the alternative `T`, if it is one.
    pub(crate) fn variant<T: DeserializeOwned>(raw: &RawValue) -> Option<T> {
        super::super::json::from_str(raw.get())
    }

    /// The error when no alternative matched, worded as serde's own.
    pub(crate) fn no_match<E: serde::de::Error>(name: &str) -> E {
        E::custom(format_args!(
            "data did not match any variant of untagged enum {name}"
        ))
    }
}

/// Tagged unions (`discriminator`). The tag property is read, not taken
/// out: variant types declare it themselves, and decode the same inside
/// the union as on their own. Values pass through their JSON text, not
/// `serde_json::Value`, so numbers keep every digit (`Decimal`).
pub(crate) mod tagged {
    use std::fmt;

    use serde::de::{
        DeserializeOwned, DeserializeSeed, Error as _, IgnoredAny, MapAccess, Visitor,
    };
    use serde::ser::{Error as _, SerializeMap};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use serde_json::value::RawValue;
    use serde_json::Value;

    use super::Members;

    /// Reads an object's JSON text and the text of its `property`.
    pub(crate) fn split<'de, D: Deserializer<'de>>(
        deserializer: D,
        property: &str,
    ) -> Result<(String, Box<RawValue>), D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        let mut reader = serde_json::Deserializer::from_str(raw.get());
        let tag = Tag(property)
            .deserialize(&mut reader)
            .map_err(D::Error::custom)?;
        Ok((tag, raw))
    }

    /// Decodes the variant the tag chose from the whole object.
    pub(crate) fn variant<T: DeserializeOwned, E: serde::de::Error>(
        raw: &RawValue,
    ) -> Result<T, E> {
        super::super::json::from_text(raw.get())
    }

    /// An object with a tag no variant has, kept whole.
    pub(crate) fn unknown<E: serde::de::Error>(raw: &RawValue) -> Result<Value, E> {
        serde_json::from_str(raw.get()).map_err(E::custom)
    }

    /// Reads the string value of one property of an object.
    struct Tag<'a>(&'a str);

    impl<'de> DeserializeSeed<'de> for Tag<'_> {
        type Value = String;

        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
            deserializer.deserialize_map(self)
        }
    }

    impl<'de> Visitor<'de> for Tag<'_> {
        type Value = String;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<String, A::Error> {
            let mut tag = None;
            while let Some(key) = map.next_key::<String>()? {
                if key != self.0 || tag.is_some() {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
                match map.next_value::<Value>()? {
                    Value::String(text) => tag = Some(text),
                    other => {
                        return Err(A::Error::custom(format_args!(
                            "`{}` must be a string, not {other}",
                            self.0
                        )))
                    }
                }
            }
            tag.ok_or_else(|| A::Error::custom(format_args!("missing field `{}`", self.0)))
        }
    }

    /// Writes a variant with its tag. The variant decides: the value's own
    /// tag is kept when it is one of `tags` (those that select this
    /// variant), and replaced by the first of them otherwise (absent, empty
    /// as `Default` leaves it, or naming another variant). The members are
    /// written from the variant's JSON text, so numbers keep every digit.
    pub(crate) fn serialize<T: Serialize, S: Serializer>(
        serializer: S,
        property: &str,
        tags: &[&str],
        value: &T,
    ) -> Result<S::Ok, S::Error> {
        let text = serde_json::to_string(value).map_err(S::Error::custom)?;
        let Ok(Members(mut members)) = serde_json::from_str::<Members>(&text) else {
            return Err(S::Error::custom(
                "a variant of a tagged union must be an object",
            ));
        };
        let own = members
            .iter()
            .find(|(key, _)| key == property)
            .and_then(|(_, value)| serde_json::from_str::<String>(value.get()).ok());
        if !own.is_some_and(|own| tags.contains(&own.as_str())) {
            let first = tags.first().copied().unwrap_or_default();
            let tag =
                RawValue::from_string(Value::from(first).to_string()).map_err(S::Error::custom)?;
            members.retain(|(key, _)| key != property);
            members.insert(0, (property.to_owned(), tag));
        }
        let mut map = serializer.serialize_map(Some(members.len()))?;
        for (key, value) in &members {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// Objects with both listed properties and `additionalProperties`. Serde's
/// `flatten` buffers every member in a form that cannot carry a number's
/// exact text, so a `Decimal` anywhere in such an object would fail to
/// decode. Instead the object's text is read once, the listed properties
/// decoded from it by a struct of their own (which skips the others), and
/// every other member decoded from its own text into the map.
pub(crate) mod open_object {
    use serde::de::{DeserializeOwned, Error as _};
    use serde::{Deserialize, Deserializer};
    use serde_json::value::RawValue;

    use super::Members;

    /// `(listed, others)`: `K` decodes the listed properties, whose wire
    /// names are `listed`; the others go into `M`, each value as a `V`.
    pub(crate) fn split<'de, D, K, V, M>(
        deserializer: D,
        listed: &[&str],
    ) -> Result<(K, M), D::Error>
    where
        D: Deserializer<'de>,
        K: DeserializeOwned,
        V: DeserializeOwned,
        M: FromIterator<(String, V)>,
    {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        // Members first: it refuses anything but an object, where `K`
        // would also take an array of the fields' values.
        let Members(members) = serde_json::from_str(raw.get()).map_err(D::Error::custom)?;
        let known = super::super::json::from_text(raw.get())?;
        let others = members
            .into_iter()
            .filter(|(key, _)| !listed.contains(&key.as_str()))
            .map(
                |(key, value)| match super::super::json::from_slice(value.get().as_bytes()) {
                    Ok(value) => Ok((key, value)),
                    Err(failure) => Err(D::Error::custom(format_args!(
                        "property `{key}`: {failure}"
                    ))),
                },
            )
            .collect::<Result<M, D::Error>>()?;
        Ok((known, others))
    }
}

/// `Deserialize` of the structs, written by the generator rather than
/// derived. Serde's derive compiles, for every struct and deserializer, an
/// enum of member names with its own visitor, a visitor that also reads
/// arrays, the deserializer's reading of a map and a seed per member: most
/// of a generated crate's machine code. Here the reading of an object
/// ([`read`]), a list ([`fill_list`]) and an `Option` ([`fill_option`]) is
/// compiled once per deserializer for all the structs; each struct adds its
/// [`Slots`], which is not generic, and each type a member is read as adds
/// one kind of slot (the models' `__slots::Slot`, a [`Kinds`]). What the
/// derive checks is kept: a missing required member and a repeated one are
/// errors, named as serde names them, and unknown members are skipped.
///
/// Their `Serialize` too, for the structs sent in requests: each member is
/// handed to [`write`] as a value of one enum (the models'
/// `__values::Value`, a [`Value`]), so the serializer's code for a member
/// is compiled once, not once per member type.
pub(crate) mod object {
    use std::borrow::Cow;
    use std::fmt;

    use serde::de::{DeserializeSeed, Error, IgnoredAny, MapAccess, SeqAccess, Visitor};
    use serde::ser::SerializeStruct;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// A member's name, borrowed from the text when it has no escapes.
    pub(crate) struct Key<'de>(Cow<'de, str>);

    impl Key<'_> {
        pub(crate) fn as_str(&self) -> &str {
            &self.0
        }
    }

    impl<'de> Deserialize<'de> for Key<'de> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_str(KeyVisitor)
        }
    }

    struct KeyVisitor;

    impl<'de> Visitor<'de> for KeyVisitor {
        type Value = Key<'de>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a member name")
        }

        fn visit_borrowed_str<E: Error>(self, name: &'de str) -> Result<Key<'de>, E> {
            Ok(Key(Cow::Borrowed(name)))
        }

        fn visit_str<E: Error>(self, name: &str) -> Result<Key<'de>, E> {
            Ok(Key(Cow::Owned(name.to_owned())))
        }

        fn visit_string<E: Error>(self, name: String) -> Result<Key<'de>, E> {
            Ok(Key(Cow::Owned(name)))
        }
    }

    /// Reads the value of the member `name` into its slot.
    pub(crate) fn fill<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        slot: &mut Option<T>,
        deserializer: D,
        name: &'static str,
    ) -> Result<(), D::Error> {
        // `match`es, not `Option::is_some` or `?`: no copy of those per
        // member type.
        match slot {
            Some(_) => Err(D::Error::duplicate_field(name)),
            None => match T::deserialize(deserializer) {
                Ok(value) => {
                    *slot = Some(value);
                    Ok(())
                }
                Err(error) => Err(error),
            },
        }
    }

    /// A kind's maker: the slot of that kind for a value and its name.
    pub(crate) type Kind<K, T> =
        for<'a> fn(&'a mut Option<T>, &'static str) -> <K as Kinds>::Slot<'a>;

    /// Reads an `Option` member, `null` as `None`, a value by the slot of
    /// `kind`: no copy of serde's reading of an `Option` per type.
    pub(crate) fn fill_option<'de, K: Kinds, T, D: Deserializer<'de>>(
        slot: &mut Option<Option<T>>,
        deserializer: D,
        name: &'static str,
        kind: Kind<K, T>,
    ) -> Result<(), D::Error> {
        match slot {
            Some(_) => Err(D::Error::duplicate_field(name)),
            None => {
                let mut value = None;
                match deserializer.deserialize_option(OptionVisitor::<K>(kind(&mut value, name))) {
                    Ok(()) => {
                        *slot = Some(value);
                        Ok(())
                    }
                    Err(error) => Err(error),
                }
            }
        }
    }

    struct OptionVisitor<'a, K: Kinds>(K::Slot<'a>);

    impl<'de, K: Kinds> Visitor<'de> for OptionVisitor<'_, K> {
        type Value = ();

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an optional value")
        }

        fn visit_none<E: Error>(self) -> Result<(), E> {
            Ok(())
        }

        fn visit_unit<E: Error>(self) -> Result<(), E> {
            Ok(())
        }

        fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
            self.0.fill(deserializer)
        }
    }

    /// Reads a list member item by item, each by the slot of `kind`: no
    /// copy of serde's reading of a sequence per item type.
    pub(crate) fn fill_list<'de, K: Kinds, T, D: Deserializer<'de>>(
        slot: &mut Option<Vec<T>>,
        deserializer: D,
        name: &'static str,
        kind: Kind<K, T>,
    ) -> Result<(), D::Error> {
        match slot {
            Some(_) => Err(D::Error::duplicate_field(name)),
            None => {
                let mut list = List {
                    items: Vec::new(),
                    item: None,
                    kind,
                    name,
                };
                match deserializer.deserialize_seq(ListVisitor::<K>(&mut list)) {
                    Ok(()) => {
                        *slot = Some(list.items);
                        Ok(())
                    }
                    Err(error) => Err(error),
                }
            }
        }
    }

    /// A list being read: the items so far, and the slot of the next one.
    struct List<K: Kinds, T> {
        items: Vec<T>,
        item: Option<T>,
        kind: Kind<K, T>,
        name: &'static str,
    }

    /// A list being read, whatever its item type.
    trait Items<K: Kinds> {
        /// The slot of the next item.
        fn item(&mut self) -> K::Slot<'_>;

        /// Adds the item just read to the list.
        fn push(&mut self);
    }

    impl<K: Kinds, T> Items<K> for List<K, T> {
        fn item(&mut self) -> K::Slot<'_> {
            (self.kind)(&mut self.item, self.name)
        }

        fn push(&mut self) {
            if let Some(item) = self.item.take() {
                self.items.push(item);
            }
        }
    }

    struct ListVisitor<'a, K: Kinds>(&'a mut dyn Items<K>);

    impl<'de, K: Kinds> Visitor<'de> for ListVisitor<'_, K> {
        type Value = ();

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a sequence")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<(), A::Error> {
            while let Some(()) = items.next_element_seed(ValueSeed::<K>(self.0.item()))? {
                self.0.push();
            }
            Ok(())
        }
    }

    /// A value read by its slot.
    struct ValueSeed<'a, K: Kinds>(K::Slot<'a>);

    impl<'de, K: Kinds> DeserializeSeed<'de> for ValueSeed<'_, K> {
        type Value = ();

        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
            self.0.fill(deserializer)
        }
    }

    /// Skips the value of a member the struct does not list.
    fn skip<'de, D: Deserializer<'de>>(deserializer: D) -> Result<(), D::Error> {
        IgnoredAny::deserialize(deserializer).map(drop)
    }

    /// The kinds of slot a crate's structs read their members into: one
    /// per member type (the models' `__slots::Slot`), so that the reading
    /// of a member's value is compiled once per type, not per struct.
    pub(crate) trait Kinds {
        /// A member's slot, borrowed from the struct being read.
        type Slot<'a>: Fill;
    }

    /// A slot that reads a member's value.
    pub(crate) trait Fill {
        fn fill<'de, D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error>;
    }

    /// A struct being read: its slots, written per struct. Not generic, so
    /// the code is compiled once per struct; serde's derive compiles the
    /// whole reading of an object (the deserializer's map reading, the
    /// visitor, a seed per member) once per struct and deserializer.
    pub(crate) trait Slots<K: Kinds> {
        /// The slot of member `name`; `None` for a member the struct does
        /// not list, which is skipped.
        fn slot(&mut self, name: &str) -> Option<K::Slot<'_>>;

        /// Once the object has ended: the name of the first required
        /// member that was not read. The struct is built after `read`
        /// returns, from the slots by value. A struct that requires no
        /// member keeps this one.
        fn missing(&self) -> Option<&'static str> {
            None
        }
    }

    /// Reads an object into `slots`: compiled once per deserializer for all
    /// the structs.
    pub(crate) fn read<'de, K: Kinds, D: Deserializer<'de>>(
        deserializer: D,
        slots: &mut dyn Slots<K>,
        expecting: &'static str,
    ) -> Result<(), D::Error> {
        deserializer.deserialize_map(ObjectVisitor { slots, expecting })
    }

    struct ObjectVisitor<'a, K: Kinds> {
        slots: &'a mut dyn Slots<K>,
        expecting: &'static str,
    }

    impl<'de, K: Kinds> Visitor<'de> for ObjectVisitor<'_, K> {
        type Value = ();

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.expecting)
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            while let Some(name) = map.next_key::<Key<'de>>()? {
                map.next_value_seed(MemberSeed::<K>(self.slots.slot(name.as_str())))?;
            }
            // Inside the object's reading, so that the deserializer places
            // a missing member's error at the object's end, as the derive's.
            match self.slots.missing() {
                Some(name) => Err(A::Error::missing_field(name)),
                None => Ok(()),
            }
        }
    }

    /// A member's value, borrowed from the struct being written.
    pub(crate) trait Value: Serialize {
        /// Whether it is an optional member's `None`, which is left out.
        fn absent(&self) -> bool;
    }

    /// Writes a struct's members, each its name and value, in order; the
    /// optional ones that are absent are left out, as serde's derive does
    /// with `skip_serializing_if = "Option::is_none"`. Compiled once per
    /// serializer for all the structs, where the derive's code and the
    /// serializer's for each member's type are compiled per struct and per
    /// member type.
    pub(crate) fn write<S: Serializer, V: Value>(
        serializer: S,
        name: &'static str,
        members: &[(&'static str, V)],
    ) -> Result<S::Ok, S::Error> {
        let mut written = 0;
        for (_, value) in members {
            if !value.absent() {
                written += 1;
            }
        }
        let mut object = serializer.serialize_struct(name, written)?;
        for (member, value) in members {
            if value.absent() {
                object.skip_field(member)?;
            } else {
                object.serialize_field(member, value)?;
            }
        }
        object.end()
    }

    /// The value of one member: into its slot, or skipped.
    struct MemberSeed<'a, K: Kinds>(Option<K::Slot<'a>>);

    impl<'de, K: Kinds> DeserializeSeed<'de> for MemberSeed<'_, K> {
        type Value = ();

        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
            match self.0 {
                Some(slot) => slot.fill(deserializer),
                None => skip(deserializer),
            }
        }
    }
}

/// An object's members in order, each value as its JSON text: what the
/// union and open-object helpers take apart without losing digits.
pub(crate) struct Members(pub(crate) Vec<(String, Box<serde_json::value::RawValue>)>);

impl<'de> serde::Deserialize<'de> for Members {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(MembersVisitor)
    }
}

struct MembersVisitor;

impl<'de> serde::de::Visitor<'de> for MembersVisitor {
    type Value = Members;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
        let mut members = Vec::new();
        while let Some(entry) = map.next_entry()? {
            members.push(entry);
        }
        Ok(Members(members))
    }
}

/// Bytes that travel as base64 text (`format: byte`). They are sent in the
/// standard alphabet with padding, and read in the standard or URL-safe
/// alphabet, with or without padding.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Base64(pub Vec<u8>);

impl Base64 {
    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The bytes, taken out.
    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }
}

impl From<Vec<u8>> for Base64 {
    fn from(bytes: Vec<u8>) -> Self {
        Base64(bytes)
    }
}

impl From<&[u8]> for Base64 {
    fn from(bytes: &[u8]) -> Self {
        Base64(bytes.to_vec())
    }
}

impl std::fmt::Display for Base64 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&base64_encode(&self.0))
    }
}

impl std::str::FromStr for Base64 {
    type Err = InvalidBase64;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        base64_decode(text).map(Base64).ok_or(InvalidBase64)
    }
}

impl serde::Serialize for Base64 {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Base64 {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Text that is not base64.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidBase64;

impl std::fmt::Display for InvalidBase64 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("invalid base64 text")
    }
}

impl std::error::Error for InvalidBase64 {}

const BASE64_ALPHABET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding (RFC 4648 §4).
pub(crate) fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let mut group = [0u8; 3];
        group[..chunk.len()].copy_from_slice(chunk);
        let bits = u32::from(group[0]) << 16 | u32::from(group[1]) << 8 | u32::from(group[2]);
        for position in 0..4 {
            if position <= chunk.len() {
                let index = (bits >> (18 - 6 * position)) & 0x3f;
                out.push(char::from(BASE64_ALPHABET[index as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    let mut buffer: u32 = 0;
    let mut bits = 0u32;
    let mut symbols = 0usize;
    for byte in text.trim_end_matches('=').bytes() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b' ' | b'\t' | b'\r' | b'\n' => continue,
            _ => return None,
        };
        symbols += 1;
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    // One symbol alone carries only 6 bits: no base64 text ends that way.
    (symbols % 4 != 1).then_some(out)
}

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

/// A value of any shape as a path, header or cookie parameter
/// (`style: simple`): scalars as text, arrays comma-separated, objects as
/// `k1,v1,k2,v2` (or `k1=v1,k2=v2` when `explode`). The generated types
/// always serialize, so the empty fallback is never sent.
pub(crate) fn simple_text<T: serde::Serialize + ?Sized>(value: &T, explode: bool) -> String {
    super::encoding::json_value(value)
        .map(|value| super::encoding::simple_text(&value, explode))
        .unwrap_or_default()
}

/// A value as JSON text, for parameters that have no plain text form. The
/// generated types always serialize, so the empty fallback is never sent.
pub(crate) fn json_text<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}
