//! What the bot stands on: a simulated Binance on loopback (HTTPS with a
//! test CA, a test name server), a vault holding its API key, an operator's
//! key, and `examples/guarded_bot.toml` filled in with the simulator's
//! address. The guard itself is one call: `Guard::builder(config).start()`.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use secrecy::SecretString;
use supreme_security::guard::{Config, Environment, Guard};
use supreme_security::kill_switch::{
    Clock as _, OperatorKey, ResetRequest, SignReset as _, SystemClock,
};
use supreme_security::order_guard::Symbol;
use supreme_security::vault::{EntrySecret, KdfParams, VaultFile};
use supreme_testkit::binance::{ApiKey, ApiRestrictions, KeyCredential, SimBinance, SimServer};
use supreme_testkit::dns::DnsServer;
use supreme_testkit::guard_file::{self, SimValues};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The exchange's name in this demo (our name server answers it).
pub(crate) const HOST: &str = "api.binance.test";

pub(crate) struct Bot {
    pub(crate) guard: Guard,
    pub(crate) sim: SimBinance,
    /// The simulator's port.
    pub(crate) port: u16,
    /// Keeps the simulator serving until the bot ends.
    pub(crate) _server: Arc<SimServer>,
    /// Answers the demo's names until the bot ends.
    pub(crate) _dns: DnsServer,
    /// Where the bot keeps its files (removed at the end unless the
    /// operator named it with `SUPREME_DEMO_DIR`).
    pub(crate) dir: PathBuf,
    pub(crate) _temp: Option<tempfile::TempDir>,
}

fn step(what: &str, detail: impl std::fmt::Display) {
    println!("  {what:<26} {detail}");
}

fn private_dir(path: &Path) -> Result<(), BoxError> {
    std::fs::create_dir_all(path)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))?;
    Ok(())
}

/// The directory the bot keeps its files in: `SUPREME_DEMO_DIR` (created
/// 0700, so a test can read the audit log afterwards), or a temporary one.
fn workdir() -> Result<(PathBuf, Option<tempfile::TempDir>), BoxError> {
    let (dir, temp) = match std::env::var_os("SUPREME_DEMO_DIR") {
        Some(path) => (PathBuf::from(path), None),
        None => {
            let temp = tempfile::tempdir()?;
            (temp.path().to_path_buf(), Some(temp))
        }
    };
    for sub in ["", "audit", "vault"] {
        private_dir(&dir.join(sub))?;
    }
    Ok((dir, temp))
}

/// The simulated exchange: 100,000 USDT and 2 ETH on the account.
fn exchange() -> Result<(SimBinance, Arc<SimServer>, DnsServer), BoxError> {
    let sim = SimBinance::with_sample();
    sim.set_balance("USDT", "100000");
    sim.set_balance("ETH", "2");
    let server = Arc::new(sim.serve(&[HOST])?);
    let dns = DnsServer::start()?;
    dns.set(HOST, &["127.0.0.1".parse()?]);
    // A name a careless bot might follow: cloud metadata behind a name.
    dns.set("status.binance.test", &["169.254.169.254".parse()?]);
    Ok((sim, server, dns))
}

/// The vault, sealed with Argon2id + XChaCha20-Poly1305, holding a demo
/// API key the simulator also knows (trading only, IP-restricted).
fn vault(sim: &SimBinance, path: &Path, passphrase: &SecretString) -> Result<(), BoxError> {
    let api_key = "demo-api-key-0123456789";
    let secret: String = (0..64)
        .map(|i| char::from(b'A' + (i * 7 % 26) as u8))
        .collect();
    sim.add_key(ApiKey {
        key: api_key.into(),
        credential: KeyCredential::hmac(secret.as_bytes()),
        restrictions: ApiRestrictions::TRADING_ONLY,
    });
    let mut vault = VaultFile::create(path, passphrase, KdfParams::default())?;
    let entry = EntrySecret::Hmac {
        key_id: api_key.into(),
        secret: SecretString::from(secret),
    };
    vault.vault_mut().put("binance", &entry, None)?;
    vault.save()?;
    Ok(())
}

pub(crate) async fn start() -> Result<Bot, BoxError> {
    let (dir, temp) = workdir()?;
    let (sim, server, dns) = exchange()?;
    step(
        "simulated exchange",
        format!("{} (a test CA made just now)", server.base_url()),
    );
    let passphrase =
        SecretString::from("demo passphrase: a real bot reads SUPREME_VAULT_PASSPHRASE_FILE");
    vault(&sim, &dir.join("vault/bot.vault"), &passphrase)?;

    // The operator's key stays with the operator; the file holds the public
    // half, and a first run is armed by the operator's signed init token.
    let operator = OperatorKey::generate()?;
    let metrics_port = guard_file::free_port()?;
    let template = include_str!("../guarded_bot.toml");
    let values = SimValues {
        server: &server,
        dns: dns.addr(),
        operator: &operator.public_key().to_hex(),
        metrics_port,
    };
    let file = guard_file::write(template, &values, &dir)?;
    let config = Config::load_with(
        &file,
        &Environment::process().with(supreme_security::guard::env::ALLOW_DANGER, "1"),
    )?;
    let init = ResetRequest {
        operator: "operator".into(),
        token: operator.sign_init("operator", SystemClock.now_ms() + 60_000)?,
    };
    let guard = Guard::builder(config)
        .passphrase(passphrase)
        .first_run(vec![init])
        .start()
        .await?;
    step("supreme.toml", file.display());
    step(
        "guard",
        "audit log -> kill switch -> vault -> pinned connection -> risk book -> gate",
    );
    step(
        "exchange rules",
        format!(
            "{} symbols; clock offset {} ms",
            guard.rules().len(),
            guard.client().clock_offset_ms()
        ),
    );
    let warnings = guard
        .client()
        .check_key_privileges(supreme_security::binance::KeyPolicy {
            require_ip_restriction: true,
            ..Default::default()
        })
        .await?;
    step(
        "API key",
        format!("trading only, IP-restricted ({} warnings)", warnings.len()),
    );
    Ok(Bot {
        guard,
        sim,
        port: server.addr().port(),
        _server: server,
        _dns: dns,
        dir,
        _temp: temp,
    })
}

pub(crate) fn symbol(s: &str) -> Symbol {
    Symbol::new(s).unwrap_or_else(|_| unreachable!("a valid literal"))
}
