//! `encrypt` and `decrypt` for files and streams.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use supreme_core::files::AtomicFile;
use supreme_vault::Error;

use super::Failure;
use super::session::Session;

/// Where to read and write.
#[derive(Debug, clap::Args)]
pub(crate) struct StreamArgs {
    /// The vault.
    path: PathBuf,
    /// Input file (default: standard input).
    #[arg(long = "in", value_name = "FILE")]
    input: Option<PathBuf>,
    /// Output file, created 0600 (default: standard output).
    #[arg(long = "out", value_name = "FILE")]
    output: Option<PathBuf>,
}

fn io_err(path: &Path, e: std::io::Error) -> Failure {
    Failure::Usage(format!("{}: {e}", path.display()))
}

/// Runs `f` from the input to the output. A file output is written to a
/// random 0600 temporary file beside it (core's [`AtomicFile`]) and renamed
/// into place only on success.
fn with_streams(
    input: Option<&Path>,
    output: Option<&Path>,
    f: impl FnOnce(&mut dyn std::io::Read, &mut dyn Write) -> Result<u64, Error>,
) -> Result<u64, Failure> {
    let mut input: Box<dyn std::io::Read> = match input {
        Some(p) => Box::new(File::open(p).map_err(|e| io_err(p, e))?),
        None => Box::new(std::io::stdin().lock()),
    };
    let Some(out) = output else {
        let mut stdout = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        let n = f(&mut input, &mut stdout)?;
        stdout
            .flush()
            .map_err(|e| Failure::Usage(format!("standard output: {e}")))?;
        return Ok(n);
    };
    if out.file_name().is_none() {
        return Err(Failure::Usage("--out needs a file name".into()));
    }
    let file = AtomicFile::create(out).map_err(|e| Failure::Usage(e.to_string()))?;
    let mut writer = BufWriter::with_capacity(1 << 16, file);
    let n = f(&mut input, &mut writer)?;
    // Dropped without a commit (an error above), the temp file is removed.
    let file = writer
        .into_inner()
        .map_err(|e| io_err(out, e.into_error()))?;
    file.commit().map_err(|e| Failure::Usage(e.to_string()))?;
    Ok(n)
}

impl StreamArgs {
    fn ends(&self) -> (Option<&Path>, Option<&Path>) {
        (self.input.as_deref(), self.output.as_deref())
    }
}

pub(super) fn encrypt(s: &Session, args: &StreamArgs) -> Result<(), Failure> {
    let vf = s.open(&args.path)?;
    let (input, output) = args.ends();
    let n = with_streams(input, output, |r, w| {
        vf.vault().encrypt_stream(&mut { r }, &mut { w })
    })?;
    eprintln!("encrypted {n} bytes");
    Ok(())
}

pub(super) fn decrypt(s: &Session, args: &StreamArgs) -> Result<(), Failure> {
    let vf = s.open(&args.path)?;
    let (input, output) = args.ends();
    let n = with_streams(input, output, |r, w| {
        vf.vault().decrypt_stream(&mut { r }, &mut { w })
    })?;
    eprintln!("decrypted {n} bytes");
    Ok(())
}

/// `reseal --stream`: the same temporary-file rule as `decrypt`, so a
/// stream that fails authentication half-way leaves no output.
pub(super) fn reseal(
    s: &Session,
    path: &Path,
    input: Option<&Path>,
    output: Option<&Path>,
) -> Result<(), Failure> {
    let vf = s.open(path)?;
    let n = with_streams(input, output, |r, w| {
        vf.vault().reseal_stream(&mut { r }, &mut { w })
    })?;
    eprintln!(
        "resealed a stream of {n} bytes under key version {}",
        vf.vault().key_version()
    );
    Ok(())
}
