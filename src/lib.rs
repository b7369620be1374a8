//! sprawl: finds machine credentials leaked into files and git history and reports each as one
//! credential with all its locations.
//!
//! Layers (a lower one never uses a higher one): `finding`, `rules` → `engine` → `source` → `scan`
//! (orchestration) → `report` → `bulk` (many repositories: lists, mirrors, shards, a report per repository); `check` (the rule checker) sits on the engine; `clock` (the one "now", `SPRAWL_NOW`), `diag` (what reaches stderr, escaped) and `work` (the scoped-thread work loop) are used by any layer. The CLI (`src/cli.rs`, binary only) turns arguments into a [`config::Config`].

pub mod baseline;
pub mod bulk;
pub mod check;
pub mod clock;
pub mod config;
pub mod diag;
pub mod engine;
pub mod enrich;
pub mod finding;
pub mod hook;
pub mod report;
pub mod revoke;
pub mod rules;
pub mod scan;
pub mod source;
pub mod work;
