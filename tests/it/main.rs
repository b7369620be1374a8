//! The integration-test binary: every test builds real temporary directories (and, later, git
//! repositories) and runs the real `sprawl` binary, asserting exact outcomes.

mod architecture;
mod archives;
mod baseline;
mod cli;
mod config;
mod corpus;
mod decode;
mod git;
mod inputs;
mod owners;
mod report;
mod rules;
mod sarif;
mod support;
