//! Exact exchange filters.
