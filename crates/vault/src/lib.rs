//! supreme-vault: work in progress (see its issue).
