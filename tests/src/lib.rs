//! Integration tests of the generator and the generated kelviq client.
