//! A child started by the kill switch cannot read the bot's secrets back
//! out of the bot through `/proc`: `/proc/<bot>/environ` holds the bot's
//! environment as it started (`SUPREME_VAULT_PASSPHRASE` included, even
//! after the bot removed the variable), and a process of the same user may
//! read it, and ptrace the bot, unless the bot is not dumpable.
//!
//! The test re-runs this binary as the "bot" with the passphrase in its
//! environment, under an unprivileged user (root may read any process), and
//! that bot starts a real `/bin/sh` through [`ChildSpec`] that tries to read
//! its parent's environment.

use std::os::unix::fs::MetadataExt;
use std::process::Command;

use supreme_kill_switch::ChildSpec;

const BOT: &str = "KS_CHILD_PARENT_PROC_BOT";
const SECRET: &str = "hunter2-correct-horse-from-proc";

/// The inner half (the bot): runs only inside the re-executed binary.
#[test]
fn inner_bot_spawns_a_child_that_reads_its_parent() {
    if std::env::var_os(BOT).is_none() {
        return;
    }
    let outcome = ChildSpec::new("/bin/sh")
        .arg("-c")
        .arg("tr '\\0' '\\n' < /proc/$PPID/environ")
        .capture_output(1 << 20)
        .run()
        .expect("run child");
    let out = outcome.output.expect("captured");
    println!(
        "CHILD-STDOUT<{}>",
        String::from_utf8_lossy(&out.stdout.bytes)
    );
    println!(
        "CHILD-STDERR<{}>",
        String::from_utf8_lossy(&out.stderr.bytes)
    );
}

#[test]
fn child_cannot_read_the_vault_passphrase_from_the_bots_proc_environ() {
    let exe = std::env::current_exe().expect("test binary");
    let inner = ["--exact", "inner_bot_spawns_a_child_that_reads_its_parent"];
    // `/proc/self` belongs to this process's user.
    let root = std::fs::metadata("/proc/self").expect("/proc").uid() == 0;
    let mut cmd = if root {
        // Bot and child as one unprivileged user, as in production.
        let mut c = Command::new("/usr/bin/setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(&exe);
        c
    } else {
        Command::new(&exe)
    };
    let run = cmd
        .args(inner)
        .arg("--nocapture")
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env(BOT, "1")
        .env("SUPREME_VAULT_PASSPHRASE", SECRET)
        .current_dir("/")
        .output()
        .expect("re-run test binary as the bot");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{run:?}");
    assert!(
        stdout.contains("CHILD-STDOUT<"),
        "the bot did not run: {stdout}"
    );
    assert!(
        !stdout.contains(SECRET),
        "child read the passphrase: {stdout}"
    );
    assert!(
        stdout.contains("Permission denied"),
        "the child's read was not refused: {stdout}"
    );
}
