//! Where `audit append` reads its details from: `--details` (argv, for
//! values that are not secret: every user of the host can read a process's
//! arguments) or `--details-file PATH` (`-` for standard input).

use std::io::Read;
use std::path::Path;

/// The most details text read from a file or standard input.
const MAX_DETAILS_BYTES: u64 = 1 << 20;

/// The details text, from the argument or the file (never both: clap
/// refuses that).
pub(super) fn read(arg: Option<String>, file: Option<&Path>) -> Result<Option<String>, String> {
    let Some(file) = file else {
        return Ok(arg);
    };
    let (name, reader): (String, Box<dyn Read>) = if file == Path::new("-") {
        ("standard input".into(), Box::new(std::io::stdin().lock()))
    } else {
        let f = std::fs::File::open(file).map_err(|e| format!("{}: {e}", file.display()))?;
        (file.display().to_string(), Box::new(f))
    };
    let mut text = String::new();
    reader
        .take(MAX_DETAILS_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|e| format!("--details-file {name}: {e}"))?;
    if text.len() as u64 > MAX_DETAILS_BYTES {
        return Err(format!(
            "--details-file {name}: more than {MAX_DETAILS_BYTES} bytes"
        ));
    }
    Ok(Some(text))
}
