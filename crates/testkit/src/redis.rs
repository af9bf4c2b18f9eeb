//! A real `redis-server` on a free loopback port, for tests that need Redis.
//!
//! Each [`RedisServer`] runs its own child process in its own temporary
//! directory, bound to 127.0.0.1 only, with no RDB snapshots and (by
//! default) no AOF; [`RedisServer::start_aof`] turns on the append-only
//! file with `appendfsync always`, so a [`restart`](RedisServer::restart)
//! after a [`kill`](RedisServer::kill) finds every acknowledged write.
//! The process is killed (SIGKILL) when the value is dropped.
//!
//! Fault injection: [`kill`](RedisServer::kill) (SIGKILL),
//! [`pause`](RedisServer::pause) (SIGSTOP) and [`resume`](RedisServer::resume)
//! (SIGCONT), [`restart`](RedisServer::restart) on the same port and files.
//!
//! A missing `redis-server` binary is an error that says so
//! ([`RedisServer::start`]) or a panic with the install command
//! ([`RedisServer::require`]): tests that need Redis fail, they never skip.
//!
//! ```
//! use supreme_testkit::redis::RedisServer;
//!
//! let redis = RedisServer::require();
//! assert!(redis.url().starts_with("redis://127.0.0.1:"));
//! assert!(redis.ping());
//! # Ok::<(), std::io::Error>(())
//! ```

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

/// How long a start waits for PING to answer.
const START_BOUND: Duration = Duration::from_secs(10);

/// A running `redis-server` child. Killed on drop.
#[derive(Debug)]
pub struct RedisServer {
    child: Option<Child>,
    port: u16,
    aof: bool,
    dir: tempfile::TempDir,
}

impl RedisServer {
    /// Starts one with no persistence at all.
    pub fn start() -> io::Result<Self> {
        Self::launch(false)
    }

    /// Starts one with the append-only file on and `appendfsync always`.
    pub fn start_aof() -> io::Result<Self> {
        Self::launch(true)
    }

    /// [`start`](Self::start), panicking with the install command if
    /// `redis-server` is missing or does not come up.
    pub fn require() -> Self {
        Self::start().unwrap_or_else(|e| panic!("{e}"))
    }

    fn launch(aof: bool) -> io::Result<Self> {
        let mut last = None;
        // The free port may be taken between the probe and the bind: retry.
        for _ in 0..5 {
            let mut server = Self {
                child: None,
                port: free_port()?,
                aof,
                dir: tempfile::Builder::new().prefix("supreme-redis").tempdir()?,
            };
            match server.spawn() {
                Ok(()) => return Ok(server),
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(e),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| io::Error::other("redis-server did not start")))
    }

    fn spawn(&mut self) -> io::Result<()> {
        let port = self.port.to_string();
        let dir = self.dir.path().to_string_lossy().into_owned();
        let aof = if self.aof { "yes" } else { "no" };
        let child = Command::new("redis-server")
            .args(["--port", &port, "--bind", "127.0.0.1", "--dir", &dir])
            .args(["--save", "", "--appendonly", aof, "--appendfsync", "always"])
            .args(["--daemonize", "no", "--protected-mode", "yes"])
            .args(["--logfile", "redis.log", "--loglevel", "warning"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!(
                        "cannot run redis-server ({e}): tests that need Redis fail without it; \
                         install it with `apt-get install -y redis-server`"
                    ),
                )
            })?;
        self.child = Some(child);
        let deadline = Instant::now() + START_BOUND;
        while Instant::now() < deadline {
            if let Some(status) = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                self.child = None;
                return Err(io::Error::other(format!(
                    "redis-server exited at start ({status}); log: {}",
                    self.log()
                )));
            }
            if self.ping() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        Err(io::Error::other("redis-server did not answer PING in 10 s"))
    }

    /// `redis://127.0.0.1:PORT/`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// The loopback address it listens on.
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from((Ipv4Addr::LOCALHOST, self.port))
    }

    /// Its directory (the AOF and the log live here).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The child's process id, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// `true` if a PING is answered with PONG within 200 ms.
    pub fn ping(&self) -> bool {
        let Ok(mut s) = TcpStream::connect_timeout(&self.addr(), Duration::from_millis(200)) else {
            return false;
        };
        let _ = s.set_read_timeout(Some(Duration::from_millis(200)));
        if s.write_all(b"PING\r\n").is_err() {
            return false;
        }
        let mut buf = [0u8; 7];
        s.read_exact(&mut buf).is_ok() && &buf == b"+PONG\r\n"
    }

    /// SIGKILLs the server and reaps it (no shutdown, no final fsync).
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// SIGSTOPs the server: connections stay open, nothing is answered.
    pub fn pause(&self) -> io::Result<()> {
        self.signal(Signal::SIGSTOP)
    }

    /// SIGCONTs a paused server.
    pub fn resume(&self) -> io::Result<()> {
        self.signal(Signal::SIGCONT)
    }

    fn signal(&self, sig: Signal) -> io::Result<()> {
        let pid = self
            .pid()
            .ok_or_else(|| io::Error::other("redis-server is not running"))?;
        let pid = i32::try_from(pid).map_err(io::Error::other)?;
        kill(Pid::from_raw(pid), sig).map_err(io::Error::other)
    }

    /// Kills the server if it runs, then starts it again on the same port
    /// and directory (with AOF, the data comes back).
    pub fn restart(&mut self) -> io::Result<()> {
        self.kill();
        self.spawn()
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.log_path()).unwrap_or_default()
    }

    fn log_path(&self) -> PathBuf {
        self.dir.path().join("redis.log")
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        if let Some(pid) = self.pid().and_then(|p| i32::try_from(p).ok()) {
            // A stopped process must be continued to die promptly on some kernels.
            let _ = kill(Pid::from_raw(pid), Signal::SIGCONT);
        }
        self.kill();
    }
}

fn free_port() -> io::Result<u16> {
    Ok(TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?
        .local_addr()?
        .port())
}

#[cfg(test)]
mod tests;
