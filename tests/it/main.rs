//! The integration-test binary: every test builds real temporary directories (and, later, git
//! repositories) and runs the real `sprawl` binary, asserting exact outcomes.

mod action;
mod architecture;
mod archives;
mod baseline;
mod binary;
mod bulk;
mod cli;
mod config;
mod corpus;
mod decode;
mod engine;
mod fuzz;
mod git;
mod gitleaks;
mod hooks;
mod hostile;
mod html;
mod inputs;
mod inventory;
mod lint;
mod migrate;
mod mock;
mod owners;
mod reach;
mod release;
mod report;
mod revoke;
mod rules;
mod sarif;
mod support;
mod tls;
mod validate;
