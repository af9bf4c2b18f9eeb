//! Standard output and standard error for every subcommand.
//!
//! The crate root shadows `println!`, `print!`, `eprintln!` and `eprint!`
//! with macros that call these functions, so every line any subcommand
//! prints comes here:
//!
//! - A closed standard output (`supreme audit show LOG | head -1`) is not a
//!   panic: the first failed write marks it closed, later writes are
//!   skipped, and the command ends with its normal exit code
//!   ([`stdout_closed`] lets a long listing stop early). Any other write
//!   error (a full disk) is reported once at exit, as a usage error.
//! - Every `eprintln!` line (diagnostics and error messages, one line each)
//!   is passed through [`escape`](crate::escape::escape): text from a file,
//!   an argument or a library error cannot forge a line. `eprint!` (a
//!   progress line redrawn with `\r`) is written as is.

use std::fmt;
use std::io::{ErrorKind, Write};
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

static CLOSED: AtomicBool = AtomicBool::new(false);
static FAILED: Mutex<Option<String>> = Mutex::new(None);

fn record(e: &std::io::Error) {
    CLOSED.store(true, Ordering::Relaxed);
    if e.kind() != ErrorKind::BrokenPipe {
        let mut failed = FAILED
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        failed.get_or_insert_with(|| e.to_string());
    }
}

/// Writes to standard output, with a newline when `newline`.
pub(crate) fn out(args: fmt::Arguments<'_>, newline: bool) {
    if CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut stdout = std::io::stdout().lock();
    let written = stdout.write_fmt(args).and_then(|()| {
        if newline {
            stdout.write_all(b"\n")
        } else {
            Ok(())
        }
    });
    if let Err(e) = written {
        record(&e);
    }
}

/// Writes to standard error: a line escaped (see the module docs), or raw text.
pub(crate) fn err(args: fmt::Arguments<'_>, line: bool) {
    let mut stderr = std::io::stderr().lock();
    // Nowhere left to report a failure to write standard error.
    let _ = if line {
        let text = args.to_string();
        writeln!(stderr, "{}", crate::escape::escape(&text))
    } else {
        stderr.write_fmt(args)
    };
}

/// Whether standard output was closed under us (stop producing output).
pub(crate) fn stdout_closed() -> bool {
    CLOSED.load(Ordering::Relaxed)
}

/// The command's exit code, after flushing standard output: a write error
/// other than a closed pipe turns it into a usage error.
pub(crate) fn finish(code: ExitCode) -> ExitCode {
    if !stdout_closed()
        && let Err(e) = std::io::stdout().lock().flush()
    {
        record(&e);
    }
    let failed = FAILED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .take();
    match failed {
        Some(e) => crate::exit::input_error(format!("writing standard output: {e}")),
        None => code,
    }
}
