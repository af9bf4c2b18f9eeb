//! A guard in front of the simulator, built from examples/guarded_bot.toml
//! exactly as the main job builds it: the simulator over HTTPS with a test
//! CA, a test name server, a vault holding the API key, an operator key.

#![allow(dead_code, clippy::unwrap_used)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use secrecy::SecretString;
use supreme_guard::{Config, Environment, Guard, GuardBuilder};
use supreme_kill_switch::{Clock as _, OperatorKey, ResetRequest, SignReset as _, SystemClock};
use supreme_testkit::binance::{ApiKey, ApiRestrictions, KeyCredential, SimBinance, SimServer};
use supreme_testkit::dns::DnsServer;
use supreme_testkit::guard_file::{self, SimValues};
use supreme_vault::{EntrySecret, KdfParams, VaultFile};

pub(crate) const HOST: &str = "api.binance.test";
pub(crate) const API_KEY: &str = "guard-test-api-key";

/// Everything a guard test stands on.
pub(crate) struct Rig {
    pub(crate) sim: SimBinance,
    pub(crate) server: Arc<SimServer>,
    pub(crate) dns: DnsServer,
    pub(crate) operator: OperatorKey,
    pub(crate) dir: tempfile::TempDir,
    pub(crate) file: PathBuf,
    pub(crate) passphrase: SecretString,
}

/// The main job's file.
pub(crate) fn template() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/guarded_bot.toml");
    std::fs::read_to_string(path).unwrap()
}

impl Rig {
    /// The simulator (100,000 USDT), the file from `template` with `edit`
    /// applied, the vault.
    pub(crate) fn new(edit: impl FnOnce(String) -> String) -> Self {
        let sim = SimBinance::with_sample();
        sim.set_balance("USDT", "100000");
        sim.set_price("ETHBTC", "0.06");
        let server = Arc::new(sim.serve(&[HOST]).unwrap());
        let dns = DnsServer::start().unwrap();
        dns.set(HOST, &["127.0.0.1".parse().unwrap()]);
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
        let operator = OperatorKey::generate().unwrap();
        let values = SimValues {
            server: &server,
            dns: dns.addr(),
            operator: &operator.public_key().to_hex(),
            metrics_port: guard_file::free_port().unwrap(),
        };
        let file = guard_file::write(&edit(template()), &values, dir.path()).unwrap();
        let secret: String = (0..64u32)
            .map(|i| char::from(b'A' + (i * 7 % 26) as u8))
            .collect();
        sim.add_key(ApiKey {
            key: API_KEY.into(),
            credential: KeyCredential::hmac(secret.as_bytes()),
            restrictions: ApiRestrictions::TRADING_ONLY,
        });
        let passphrase = SecretString::from("guard test passphrase");
        for sub in ["vault", "audit"] {
            let d = dir.path().join(sub);
            std::fs::create_dir(&d).unwrap();
            std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o700)).unwrap();
        }
        let vault_path = dir.path().join("vault/bot.vault");
        let mut vault = VaultFile::create(
            &vault_path,
            &passphrase,
            KdfParams::dangerous().insecure_for_tests(),
        )
        .unwrap();
        let entry = EntrySecret::Hmac {
            key_id: API_KEY.into(),
            secret: SecretString::from(secret),
        };
        vault.vault_mut().put("binance", &entry, None).unwrap();
        vault.save().unwrap();
        Self {
            sim,
            server,
            dns,
            operator,
            dir,
            file,
            passphrase,
        }
    }

    /// The file, loaded with `[danger]` allowed.
    pub(crate) fn config(&self) -> Config {
        let env = Environment::empty().with(supreme_guard::env::ALLOW_DANGER, "1");
        Config::load_with(&self.file, &env).unwrap()
    }

    /// A builder with the passphrase.
    pub(crate) fn builder(&self) -> GuardBuilder {
        Guard::builder(self.config()).passphrase(self.passphrase.clone())
    }

    /// The operator's init token.
    pub(crate) fn init(&self) -> Vec<ResetRequest> {
        let token = self
            .operator
            .sign_init("operator", SystemClock.now_ms() + 60_000)
            .unwrap();
        vec![ResetRequest {
            operator: "operator".into(),
            token,
        }]
    }

    /// A first run's guard.
    pub(crate) async fn first_run(&self) -> Guard {
        self.builder().first_run(self.init()).start().await.unwrap()
    }

    /// A path in the working directory.
    pub(crate) fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }
}

/// An order context at `price`, observed now, with no open orders and no
/// position.
pub(crate) fn context(price: &str) -> supreme_order_guard::OrderContext<'static> {
    let now = supreme_core::Clock::now_ms(&supreme_core::SystemClock);
    let price: supreme_order_guard::Price = price.parse().unwrap();
    let mut ctx = supreme_order_guard::OrderContext::new(now)
        .with_open_orders(
            supreme_order_guard::OpenOrderCounts::default(),
            supreme_order_guard::OpenOrderCounts::default(),
        )
        .with_base_position(supreme_order_guard::Quantity::ZERO);
    ctx.reference = Some(supreme_order_guard::ReferencePrice {
        price,
        observed_at_ms: now,
    });
    ctx.worst_case_price = Some(price);
    ctx
}
