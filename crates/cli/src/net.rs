//! `supreme net check URL`: resolve the host and apply the egress policy.
//!
//! Exit 0 allowed (prints the addresses a connection would use), 1 denied
//! (the reason and the offending address), 2 usage or resolution error.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use supreme_net_guard::resolve::{GuardedResolver, Nameserver, ResolverSettings};
use supreme_net_guard::{EgressPolicy, Error, TargetHost};

use crate::exit::{self, OK, REFUSED};

/// Network egress subcommands.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum NetCommand {
    /// Judge a URL: https only, allowlist, ports, and every address its host resolves to.
    Check {
        /// The URL.
        url: String,
        /// Allowed host (exact or `*.suffix`); repeat for more. Without it any public host passes.
        #[arg(long = "allow-host")]
        allow_host: Vec<String>,
        /// Resolve through this nameserver over plain DNS (UDP, then TCP).
        #[arg(long)]
        nameserver: Option<SocketAddr>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Runs a `net` subcommand.
pub(crate) fn run(cmd: NetCommand) -> ExitCode {
    match cmd {
        NetCommand::Check {
            url,
            allow_host,
            nameserver,
            json,
        } => check(&url, &allow_host, nameserver, json),
    }
}

fn check(url: &str, allow: &[String], nameserver: Option<SocketAddr>, json: bool) -> ExitCode {
    let mut builder = EgressPolicy::builder();
    for h in allow {
        builder = match builder.allow_host(h) {
            Ok(b) => b,
            Err(e) => return exit::input_error(e),
        };
    }
    let policy = Arc::new(builder.build());
    let mut settings = ResolverSettings {
        timeout: Duration::from_secs(3),
        ..ResolverSettings::default()
    };
    if let Some(ns) = nameserver {
        settings.nameservers = vec![Nameserver::Plain(ns)];
    }
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return exit::input_error(e),
    };
    let outcome = rt.block_on(async {
        let target = policy.check_url(url)?;
        match &target.host {
            TargetHost::Ip(ip) => Ok((target.clone(), vec![*ip])),
            TargetHost::Name(name) => {
                let resolver = GuardedResolver::new(&settings, policy.clone())?;
                let addrs = resolver.resolve(name, target.port).await?;
                Ok((target.clone(), addrs))
            }
        }
    });
    match outcome {
        Ok((target, addrs)) => {
            let addrs: Vec<String> = addrs.iter().map(ToString::to_string).collect();
            if json {
                println!(
                    "{}",
                    json!({"allowed": true, "host": target.host_str(), "port": target.port, "addresses": addrs})
                );
            } else {
                println!("allowed: {} -> {}", target.host_str(), addrs.join(", "));
            }
            ExitCode::from(OK)
        }
        Err(
            e @ (Error::InvalidUrl { .. }
            | Error::Resolve { .. }
            | Error::NoAddresses { .. }
            | Error::Config(_)),
        ) => {
            if json {
                println!("{}", json!({"allowed": false, "error": e.to_string()}));
            }
            exit::input_error(e)
        }
        Err(e) => {
            let address = match &e {
                Error::AddressDenied { denied, .. } => Some(denied.addr.to_string()),
                Error::IpLiteralNotAllowed { addr } => Some(addr.to_string()),
                _ => None,
            };
            if json {
                println!(
                    "{}",
                    json!({"allowed": false, "reason": e.to_string(), "address": address})
                );
            } else {
                println!("denied: {e}");
            }
            ExitCode::from(REFUSED)
        }
    }
}
