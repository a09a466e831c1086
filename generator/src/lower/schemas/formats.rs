//! `format` to Rust type. Formats with a Rust type that checks them get it
//! (`uint32` → `u32`, `ipv4` → `Ipv4Addr`, `byte` → base64 bytes); the
//! rest (`email`, `uri`, `hostname`, unknown ones) keep the base type.

use openapiv3::{IntegerFormat, NumberFormat, StringFormat, VariantOrUnknownOrEmpty};

use crate::ir::TypeRef;

/// The type of an integer schema.
pub(super) fn integer(format: &VariantOrUnknownOrEmpty<IntegerFormat>) -> TypeRef {
    match format {
        VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::I32,
        VariantOrUnknownOrEmpty::Item(IntegerFormat::Int64) | VariantOrUnknownOrEmpty::Empty => {
            TypeRef::I64
        }
        VariantOrUnknownOrEmpty::Unknown(name) => integer_named(name),
    }
}

/// The type of an integer of the named format.
pub(crate) fn integer_named(name: &str) -> TypeRef {
    match name {
        "int8" => TypeRef::I8,
        "int16" => TypeRef::I16,
        "int32" => TypeRef::I32,
        "uint8" => TypeRef::U8,
        "uint16" => TypeRef::U16,
        "uint32" => TypeRef::U32,
        // `uint` (a machine word in some generators) fits in 64 bits.
        "uint64" | "uint" => TypeRef::U64,
        _ => TypeRef::I64,
    }
}

/// The type of a number schema.
pub(super) fn number(format: &VariantOrUnknownOrEmpty<NumberFormat>) -> TypeRef {
    match format {
        VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => TypeRef::F32,
        VariantOrUnknownOrEmpty::Item(NumberFormat::Double) | VariantOrUnknownOrEmpty::Empty => {
            TypeRef::F64
        }
        VariantOrUnknownOrEmpty::Unknown(name) => number_named(name),
    }
}

/// The type of a number of the named format.
pub(crate) fn number_named(name: &str) -> TypeRef {
    match name {
        "float" => TypeRef::F32,
        "decimal" => TypeRef::Decimal,
        _ => TypeRef::F64,
    }
}

/// The type of a string schema without `enum`.
pub(super) fn string(format: &VariantOrUnknownOrEmpty<StringFormat>) -> TypeRef {
    match format {
        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => TypeRef::DateTime,
        VariantOrUnknownOrEmpty::Item(StringFormat::Date) => TypeRef::Date,
        VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => TypeRef::Base64,
        // File content.
        VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => TypeRef::Binary,
        VariantOrUnknownOrEmpty::Item(StringFormat::Password) | VariantOrUnknownOrEmpty::Empty => {
            TypeRef::String
        }
        VariantOrUnknownOrEmpty::Unknown(name) => string_named(name),
    }
}

/// The type of a string of the named format.
pub(crate) fn string_named(name: &str) -> TypeRef {
    match name {
        "date-time" => TypeRef::DateTime,
        "date" => TypeRef::Date,
        "uuid" => TypeRef::Uuid,
        "byte" => TypeRef::Base64,
        "binary" => TypeRef::Binary,
        "ip" => TypeRef::IpAddr,
        "ipv4" => TypeRef::Ipv4Addr,
        "ipv6" => TypeRef::Ipv6Addr,
        _ => TypeRef::String,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_formats_pick_the_matching_width() {
        assert_eq!(integer_named("uint64"), TypeRef::U64);
        assert_eq!(integer_named("uint32"), TypeRef::U32);
        assert_eq!(integer_named("uint8"), TypeRef::U8);
        assert_eq!(integer_named("int16"), TypeRef::I16);
        assert_eq!(integer_named("int8"), TypeRef::I8);
        assert_eq!(integer_named("int33"), TypeRef::I64);
        assert_eq!(
            integer(&VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32)),
            TypeRef::I32
        );
    }

    #[test]
    fn string_formats_with_a_checked_type_get_it() {
        assert_eq!(string_named("ipv4"), TypeRef::Ipv4Addr);
        assert_eq!(string_named("ip"), TypeRef::IpAddr);
        assert_eq!(string_named("email"), TypeRef::String);
        assert_eq!(
            string(&VariantOrUnknownOrEmpty::Item(StringFormat::Byte)),
            TypeRef::Base64
        );
        assert_eq!(number_named("float"), TypeRef::F32);
    }
}
