//! Run-time conformance of generated clients: every operation of a
//! document's client is called against Stoplight Prism, a mock server that
//! validates requests against the same document, and every call is
//! classified by evidence (see [`classify`]).
//!
//! The pipeline: [`spec`] reads the loader's merged document; [`plan`]
//! picks valid values for every input (examples checked with [`schema`],
//! made-up values from [`values`]); [`driver`] writes a binary that calls
//! every operation and prints an [`outcome`] per call; [`run`] builds the
//! clients and drivers ([`workspace`]), starts [`prism`] and classifies;
//! [`report`] prints and serialises the findings.

pub mod classify;
pub mod driver;
pub mod outcome;
pub mod plan;
pub mod prism;
pub mod report;
pub mod run;
pub mod schema;
pub mod spec;
pub mod values;
pub mod workspace;

#[cfg(test)]
mod tests;

pub use report::{DocumentReport, Finding, PassReport};
pub use run::{run, Settings};
