//! sprawl: finds machine credentials leaked into files and git history and reports each as one
//! credential with all its locations.
//!
//! Layers, lowest first; a module uses only modules of lower layers (`tests/it/architecture.rs` holds
//! the same list and checks every `crate::` path against it):
//! 0. `clock` (the one "now", `SPRAWL_NOW`), `diag` (what reaches stderr, escaped), `work` (the
//!    scoped-thread work loop): used by any layer, using none.
//! 1. `finding`, `rules`: plain data (a finding carries its rule's metadata).
//! 2. `engine` (matching), `source` (files, archives, git objects).
//! 3. `baseline`, `check` (the rule checker), `config`, `enrich` (owners, inventory, validity), `hook`.
//! 4. `scan` (orchestration: sources through the engine, then enrichment).
//! 5. `report` (every output format).
//! 6. `bulk` (many repositories: lists, mirrors, shards, a report per repository), `revoke`.
//! 7. The CLI (`src/cli.rs`, binary only) turns arguments into a [`config::Config`].

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
