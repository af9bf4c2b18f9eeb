//! `rotate`, `reseal` and `retire`: data-key versions over a vault's life.
//! Rotate keeps older versions readable and says which; reseal moves
//! entries, `sv1:` values and streams to the newest; retire drops the older
//! ones once no entry needs them.

use std::path::{Path, PathBuf};

use secrecy::ExposeSecret;
use supreme_vault::{Error, Vault};

use super::Failure;
use super::input::stdin_secret;
use super::session::Session;
use super::streams;

/// Arguments of `reseal`: the entries, or one value, or one stream.
#[derive(Debug, clap::Args)]
pub(crate) struct ResealArgs {
    /// The vault.
    path: PathBuf,
    /// Re-seal the `sv1:` value on standard input, sealed for this variable
    /// name; the re-sealed value is printed on standard output.
    #[arg(long, value_name = "LABEL", conflicts_with = "stream")]
    value: Option<String>,
    /// Re-seal an encrypted stream (made by `encrypt`), chunk by chunk.
    #[arg(long)]
    stream: bool,
    /// With --stream: input file (default: standard input).
    #[arg(long = "in", value_name = "FILE", requires = "stream")]
    input: Option<PathBuf>,
    /// With --stream: output file, created 0600; it appears only if all of
    /// the input authenticates (default: standard output). May be the input.
    #[arg(long = "out", value_name = "FILE", requires = "stream")]
    output: Option<PathBuf>,
}

/// "version 1", "versions 1..3", or "versions 1, 3" (ascending input).
fn versions(list: &[u32]) -> String {
    match list {
        [one] => format!("version {one}"),
        [first, .., last] if u64::from(*last) - u64::from(*first) + 1 == list.len() as u64 => {
            format!("versions {first}..{last}")
        }
        _ => {
            let all: Vec<String> = list.iter().map(u32::to_string).collect();
            format!("versions {}", all.join(", "))
        }
    }
}

fn entries(n: usize) -> String {
    if n == 1 {
        "1 entry".to_owned()
    } else {
        format!("{n} entries")
    }
}

/// The older versions still held, and how to retire them.
fn still_readable(path: &Path, vault: &Vault) {
    let mut held = vault.key_versions();
    let newest = held.pop().unwrap_or_default();
    if held.is_empty() {
        return;
    }
    let verb = if held.len() == 1 {
        "decrypts"
    } else {
        "decrypt"
    };
    let p = path.display();
    eprintln!(
        "{} still {verb} values and streams sealed before; re-seal them (supreme vault reseal {p} --value LABEL, or --stream), then run `supreme vault retire {p} --below {newest}`",
        versions(&held)
    );
}

pub(super) fn rotate(s: &Session, path: &Path) -> Result<(), Failure> {
    let mut vf = s.open(path)?;
    let rotation = vf.vault_mut().rotate()?;
    s.save(&mut vf)?;
    eprintln!(
        "rotated: data key version {} seals from now on; {} re-sealed under it",
        rotation.key_version,
        entries(rotation.resealed)
    );
    still_readable(path, vf.vault());
    Ok(())
}

pub(super) fn reseal(s: &Session, args: &ResealArgs) -> Result<(), Failure> {
    let path = &args.path;
    if args.stream {
        return streams::reseal(s, path, args.input.as_deref(), args.output.as_deref());
    }
    if let Some(label) = &args.value {
        let vf = s.open(path)?;
        let text = stdin_secret()?;
        println!("{}", vf.vault().reseal_value(label, text.expose_secret())?);
        eprintln!("resealed under key version {}", vf.vault().key_version());
        return Ok(());
    }
    let mut vf = s.open(path)?;
    let n = vf.vault_mut().reseal()?;
    let newest = vf.vault().key_version();
    if n == 0 {
        eprintln!("every entry is already sealed under key version {newest}");
    } else {
        s.save(&mut vf)?;
        eprintln!("resealed {} under key version {newest}", entries(n));
    }
    still_readable(path, vf.vault());
    Ok(())
}

pub(super) fn retire(s: &Session, path: &Path, below: u32) -> Result<(), Failure> {
    let mut vf = s.open(path)?;
    match vf.vault_mut().retire_below(below) {
        Ok(retired) if retired.is_empty() => {
            let oldest = vf.vault().key_versions().first().copied().unwrap_or(0);
            eprintln!("nothing to retire: the oldest version held is {oldest}");
            Ok(())
        }
        Ok(retired) => {
            s.save(&mut vf)?;
            eprintln!(
                "retired {}; held: {}; anything sealed under a retired version is refused from now on",
                versions(&retired),
                versions(&vf.vault().key_versions())
            );
            Ok(())
        }
        Err(e @ Error::KeyVersionInUse { .. }) => {
            eprintln!(
                "refused: {e}: run `supreme vault reseal {}`",
                path.display()
            );
            Err(Failure::Reported)
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests;
