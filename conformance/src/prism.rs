//! Stoplight Prism, the spec-validating mock server: installed from the
//! project's pinned `package-lock.json` with `npm ci`, started on a free
//! loopback port, waited for in proportion to the document's size, and
//! killed when dropped (also when the caller panics).

use std::fs::File;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The least time Prism gets to start listening.
const BASE_START_TIMEOUT: Duration = Duration::from_secs(60);
/// More time per megabyte of document: Prism resolves and compiles the
/// whole document before it listens (a 4 MB document took over a minute).
const START_TIMEOUT_PER_MB: Duration = Duration::from_secs(45);

/// The Prism executable in `npm_dir/node_modules`, installed with `npm ci`
/// from `npm_dir/package-lock.json` if it is not there yet.
pub fn ensure_installed(npm_dir: &Path) -> Result<PathBuf, String> {
    let bin = npm_dir
        .join("node_modules")
        .join(".bin")
        .join(if cfg!(windows) { "prism.cmd" } else { "prism" });
    if bin.exists() {
        return Ok(bin);
    }
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    let started = Instant::now();
    let output = Command::new(npm)
        // No install scripts: Prism needs none (the only one is a
        // dependency's telemetry ping).
        .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
        .current_dir(npm_dir)
        .env("SCARF_ANALYTICS", "false")
        .output()
        .map_err(|e| {
            format!(
                "cannot run `npm ci` in {} (is Node.js installed?): {e}",
                npm_dir.display()
            )
        })?;
    if !output.status.success() {
        return Err(format!(
            "`npm ci` in {} failed:\n{}\n{}",
            npm_dir.display(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    eprintln!("installed Prism with npm ci in {:.1?}", started.elapsed());
    if bin.exists() {
        Ok(bin)
    } else {
        Err(format!("`npm ci` did not install {}", bin.display()))
    }
}

/// How to start Prism on one document.
#[derive(Debug, Clone)]
pub struct Launch {
    /// The Prism executable.
    pub bin: PathBuf,
    /// The document it mocks.
    pub spec: PathBuf,
    /// Extra flags (`--dynamic --seed S`).
    pub flags: Vec<String>,
    /// Where its output goes.
    pub log: PathBuf,
}

/// A running `prism mock`.
pub struct Prism {
    child: Child,
    port: u16,
    log: PathBuf,
    /// How long it took to listen.
    pub startup: Duration,
}

impl Prism {
    /// Starts `prism mock <spec> --host 127.0.0.1 --port <free port>
    /// <flags>` and waits until it accepts connections.
    pub fn start(launch: &Launch) -> Result<Prism, String> {
        let port = free_port()?;
        let log = File::create(&launch.log)
            .map_err(|e| format!("cannot create {}: {e}", launch.log.display()))?;
        let err = log
            .try_clone()
            .map_err(|e| format!("cannot open {} twice: {e}", launch.log.display()))?;
        let child = Command::new(&launch.bin)
            .arg("mock")
            .arg(&launch.spec)
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(&launch.flags)
            .stdin(Stdio::null())
            .stdout(Stdio::from(log))
            .stderr(Stdio::from(err))
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", launch.bin.display()))?;
        let mut prism = Prism {
            child,
            port,
            log: launch.log.clone(),
            startup: Duration::ZERO,
        };
        prism.wait_until_listening(start_timeout(&launch.spec))?;
        Ok(prism)
    }

    fn wait_until_listening(&mut self, timeout: Duration) -> Result<(), String> {
        let started = Instant::now();
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        loop {
            if !self.is_alive() {
                return Err(format!(
                    "Prism exited before listening:\n{}",
                    self.log_tail()
                ));
            }
            if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
                self.startup = started.elapsed();
                return Ok(());
            }
            if started.elapsed() > timeout {
                return Err(format!(
                    "Prism did not listen within {timeout:?}:\n{}",
                    self.log_tail()
                ));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Whether the process still runs.
    pub fn is_alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The last lines of its log.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// How long Prism may take to listen on `spec`.
pub fn start_timeout(spec: &Path) -> Duration {
    let bytes = std::fs::metadata(spec).map_or(0, |m| m.len());
    let megabytes = u32::try_from(bytes / 1_000_000 + 1).unwrap_or(u32::MAX);
    BASE_START_TIMEOUT + START_TIMEOUT_PER_MB * megabytes
}

/// A port nothing listens on right now.
fn free_port() -> Result<u16, String> {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .map_err(|e| format!("cannot find a free port: {e}"))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// A stand-in for `prism`: serves HTTP on the `--port` it is given
    /// (its sixth argument) for `seconds`, or exits at once when 0.
    fn stand_in(dir: &Path, seconds: u32) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let script = dir.join(format!("prism-{seconds}"));
        let body = match seconds {
            0 => "#!/bin/sh\nexit 3\n".to_owned(),
            s => format!(
                "#!/bin/sh\nexec timeout {s} python3 -m http.server \"$6\" --bind 127.0.0.1\n"
            ),
        };
        std::fs::write(&script, body).expect("write the stand-in");
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))
            .expect("make it executable");
        script
    }

    fn launch(dir: &Path, bin: PathBuf) -> Launch {
        Launch {
            bin,
            spec: dir.join("spec.json"),
            flags: Vec::new(),
            log: dir.join("prism.log"),
        }
    }

    #[test]
    fn a_mock_that_dies_is_seen_dead() {
        let dir = std::env::temp_dir().join(format!("conformance-prism-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a scratch directory");
        let mut prism =
            Prism::start(&launch(&dir, stand_in(&dir, 2))).expect("the stand-in listens");
        assert!(prism.is_alive());
        std::thread::sleep(Duration::from_secs(4));
        assert!(!prism.is_alive(), "the stand-in exited after 2 s");
        let failed = Prism::start(&launch(&dir, stand_in(&dir, 0)));
        assert!(failed.is_err_and(|e| e.contains("exited before listening")));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
