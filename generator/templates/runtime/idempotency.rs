//! Idempotency keys, for the operations that declare an `Idempotency-Key`
//! header.

/// A fresh idempotency key: a random UUID v4.
pub fn new_idempotency_key() -> String {
    uuid::Uuid::new_v4().to_string()
}
