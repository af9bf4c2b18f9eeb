//! One function per vault subcommand.

use std::io::Write;
use std::path::Path;

use secrecy::{ExposeSecret, SecretBox, SecretString};
use supreme_vault::{
    EntrySecret, Error, KeyFormat, OpenOptions, VaultFile, advisory_substrings, check_api_key,
};

use super::input::{
    format_rfc3339, hmac_input, kdf_for_new_vault, new_passphrase, parse_rfc3339, passphrase,
    pkcs8_from, print_secret, stdin_bytes, stdin_secret,
};
use super::session::{Session, kdf_floor};
use super::{Failure, PutArgs, VaultCommand, rekey, streams};

pub(super) fn dispatch(s: &Session, cmd: VaultCommand) -> Result<(), Failure> {
    match cmd {
        VaultCommand::Init { path } => init(s, &path),
        VaultCommand::Put(args) => put(s, &args),
        VaultCommand::List { path, json } => list(s, &path, json),
        VaultCommand::Sign { path, name } => sign(s, &path, &name),
        VaultCommand::Get { path, name, reveal } => get(s, &path, &name, reveal),
        VaultCommand::Remove { path, name } => {
            let mut vf = s.open(&path)?;
            vf.vault_mut().remove(&name)?;
            s.save(&mut vf)?;
            eprintln!("removed {name}");
            Ok(())
        }
        VaultCommand::Rotate { path } => rekey::rotate(s, &path),
        VaultCommand::Reseal(args) => rekey::reseal(s, &args),
        VaultCommand::Retire { path, below } => rekey::retire(s, &path, below),
        VaultCommand::Passwd { path } => {
            let mut vf = s.open(&path)?;
            let new = new_passphrase()?;
            vf.vault_mut().passwd(&new, kdf_for_new_vault())?;
            s.save(&mut vf)?;
            eprintln!(
                "passphrase changed; new data key version {} seals from now on",
                vf.vault().key_version()
            );
            Ok(())
        }
        VaultCommand::Verify {
            path,
            min_generation,
        } => verify(s, &path, min_generation),
        VaultCommand::Seal { path, label } => {
            let vf = s.open(&path)?;
            let plain = stdin_bytes(512 * 1024)?;
            println!("{}", vf.vault().seal_bytes(&label, &plain)?);
            Ok(())
        }
        VaultCommand::Unseal {
            path,
            label,
            reveal,
        } => {
            require_reveal(reveal)?;
            let vf = s.open(&path)?;
            let text = stdin_secret()?;
            print_secret(&vf.vault().open_text(&label, text.expose_secret())?);
            Ok(())
        }
        VaultCommand::Encrypt(args) => streams::encrypt(s, &args),
        VaultCommand::Decrypt(args) => streams::decrypt(s, &args),
    }
}

fn require_reveal(reveal: bool) -> Result<(), Failure> {
    if reveal {
        Ok(())
    } else {
        Err(Failure::Usage(
            "this prints a secret: add --reveal to confirm".into(),
        ))
    }
}

fn init(s: &Session, path: &Path) -> Result<(), Failure> {
    let pass = passphrase(true)?;
    let kdf = kdf_for_new_vault();
    let vf = VaultFile::create(path, &pass, kdf)?;
    s.created(&vf)?;
    eprintln!(
        "created {} (Argon2id {} MiB, {} passes, {} lane(s))",
        vf.path().display(),
        kdf.memory_kib() / 1024,
        kdf.passes(),
        kdf.lanes()
    );
    Ok(())
}

fn put(s: &Session, args: &PutArgs) -> Result<(), Failure> {
    let PutArgs {
        path,
        name,
        kind,
        key_id,
        key_id_file,
        expires,
        replace,
        exchange,
    } = args;
    let expires = expires.as_deref().map(parse_rfc3339).transpose()?;
    if kind != "hmac" && (key_id.is_some() || key_id_file.is_some()) {
        return Err(Failure::Usage(
            "--key-id and --key-id-file are for --kind hmac only".into(),
        ));
    }
    let mut vf = s.open(path)?;
    let secret = match kind.as_str() {
        "hmac" => {
            let (key_id, secret) = hmac_input(key_id.as_deref(), key_id_file.as_deref())?;
            if exchange.is_some() {
                check_api_key(KeyFormat::Binance, &key_id)
                    .map_err(|e| Failure::Vault(key_id_error(&e)))?;
                check_api_key(KeyFormat::Binance, secret.expose_secret())?;
            }
            for s in advisory_substrings(secret.expose_secret()) {
                eprintln!("note: the secret contains {s:?}; accepted (random keys sometimes do)");
            }
            EntrySecret::Hmac { key_id, secret }
        }
        "ed25519" => {
            let der = pkcs8_from(&stdin_bytes(64 * 1024)?)?;
            EntrySecret::Ed25519 {
                pkcs8: SecretBox::from(der.to_vec()),
            }
        }
        _ => EntrySecret::Text(stdin_secret()?),
    };
    if *replace {
        vf.vault_mut().replace(name, &secret, expires)?;
    } else {
        vf.vault_mut().put(name, &secret, expires)?;
    }
    s.save(&mut vf)?;
    eprintln!("stored {name} ({kind})");
    Ok(())
}

fn key_id_error(e: &Error) -> Error {
    Error::RejectedSecret(format!("key id: {e}"))
}

fn list(s: &Session, path: &Path, json: bool) -> Result<(), Failure> {
    let vf = s.open(path)?;
    let entries = vf.vault().list();
    if json {
        let items: Vec<_> = entries
            .iter()
            .map(|e| {
                serde_json::json!({
                    "name": e.name,
                    "kind": e.kind.as_str(),
                    "key_version": e.key_version,
                    "expires": e.expires.map(format_rfc3339),
                })
            })
            .collect();
        println!("{}", serde_json::Value::Array(items));
    } else {
        for e in entries {
            let expiry = e.expires.map_or_else(|| "never".to_owned(), format_rfc3339);
            println!(
                "{}\t{}\tv{}\texpires {}",
                e.name, e.kind, e.key_version, expiry
            );
        }
    }
    Ok(())
}

fn sign(s: &Session, path: &Path, name: &str) -> Result<(), Failure> {
    let vf = s.open(path)?;
    let signer = vf.vault().signer(name)?;
    let payload = stdin_bytes(16 * 1024 * 1024)?;
    let sig = signer.sign(&payload)?;
    println!("{sig}");
    Ok(())
}

fn get(s: &Session, path: &Path, name: &str, reveal: bool) -> Result<(), Failure> {
    require_reveal(reveal)?;
    let vf = s.open(path)?;
    match vf.vault().reveal(name)? {
        EntrySecret::Hmac { key_id, secret } => {
            println!("{key_id}");
            print_secret(&secret);
        }
        EntrySecret::Ed25519 { pkcs8 } => {
            use base64::Engine as _;
            let b64 = zeroize::Zeroizing::new(
                base64::engine::general_purpose::STANDARD.encode(pkcs8.expose_secret()),
            );
            print_secret(&SecretString::from(format!(
                "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----",
                b64.as_str()
            )));
        }
        EntrySecret::Text(s) => print_secret(&s),
        _ => return Err(Failure::Vault(Error::Malformed("unknown entry kind"))),
    }
    std::io::stdout()
        .flush()
        .map_err(|e| Failure::Usage(e.to_string()))
}

fn verify(s: &Session, path: &Path, min_generation: u64) -> Result<(), Failure> {
    let vf = s.open_with(path, &OpenOptions::default().min_generation(min_generation))?;
    let v = vf.vault();
    let n = v.verify_entries()?;
    kdf_floor(&vf)?;
    let kdf = v.kdf_params();
    let versions: Vec<String> = v.key_versions().iter().map(u32::to_string).collect();
    println!(
        "ok: generation {}, key version {} (held: {}), {n} entries, Argon2id {} KiB x {} passes x {} lane(s)",
        v.generation(),
        v.key_version(),
        versions.join(", "),
        kdf.memory_kib(),
        kdf.passes(),
        kdf.lanes()
    );
    Ok(())
}
