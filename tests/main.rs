//! errdex's integration tests: one binary, one module per feature. See tests/README.md.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

mod harness;

mod build;
mod check;
mod distribution;
mod docs;
mod finding;
mod fuzz;
mod hostile;
mod incremental;
mod init;
mod layout;
mod limits;
mod output;
mod progress;
mod relative;
mod search;
mod serve;
mod sources;
