//! Enrichment: facts added to findings after the scan — who owns a credential (inventory, CODEOWNERS,
//! commit author) and whether it is governed. Works on plain data handed in by the orchestrator; never reads sources or writes reports.

pub mod inventory;
pub mod owners;
pub mod validity;
