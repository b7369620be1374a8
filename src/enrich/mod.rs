//! Enrichment: facts added to findings after the scan — who owns a credential (CODEOWNERS, commit
//! author). Works on plain data handed in by the orchestrator; never reads sources or writes reports.

pub mod owners;
