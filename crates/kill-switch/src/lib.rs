//! supreme-kill-switch: work in progress (see its issue).
