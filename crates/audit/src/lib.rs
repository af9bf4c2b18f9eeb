//! supreme-audit: work in progress (see its issue).
