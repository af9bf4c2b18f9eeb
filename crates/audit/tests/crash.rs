//! Placeholder so the workspace loads until the crash test is written.
fn main() {}
