//! Helpers to run the built binary with an empty home folder and no terminal.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// The built `closer` binary.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_closer"))
}

/// Result of one run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Standard output with every run of whitespace made one space: text is wrapped at the
    /// terminal's width (80 columns without one), so a phrase may span a line break.
    pub fn words(&self) -> String {
        self.stdout.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

/// Runs `closer ARGS` with `stdin` as standard input, under a fresh empty HOME (and XDG dirs),
/// in a fresh empty working directory. Returns the run and the temporary folder, so a test can
/// check that nothing was written.
pub fn run_in(args: &[&str], stdin: &str) -> (Run, tempfile::TempDir) {
    let home = tempfile::tempdir().expect("temp dir");
    let work = home.path().join("work");
    std::fs::create_dir(&work).expect("work dir");
    let mut child = Command::new(bin())
        .args(args)
        .current_dir(&work)
        .env_clear()
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("xdg-data"))
        .env("XDG_CONFIG_HOME", home.path().join("xdg-config"))
        .env("XDG_CACHE_HOME", home.path().join("xdg-cache"))
        .env("TMPDIR", home.path().join("tmp"))
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn closer");
    {
        use std::io::Write;
        let mut si = child.stdin.take().expect("stdin");
        let _ = si.write_all(stdin.as_bytes());
    }
    let out: Output = child.wait_with_output().expect("wait");
    (
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        },
        home,
    )
}

/// Runs with empty stdin.
pub fn run(args: &[&str]) -> Run {
    run_in(args, "").0
}

/// Every file under `dir`, relative, except the empty `work` folder we made.
pub fn files_under(dir: &std::path::Path) -> Vec<PathBuf> {
    fn walk(d: &std::path::Path, acc: &mut Vec<PathBuf>) {
        if let Ok(rd) = std::fs::read_dir(d) {
            for e in rd.flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, acc);
                } else {
                    acc.push(p);
                }
            }
        }
    }
    let mut acc = Vec::new();
    walk(dir, &mut acc);
    acc
}

/// A test that cannot run here (a missing tool or folder) skips quietly on a developer's machine
/// but fails in CI (`CI` set, as CI runs with `CI=true`), where a skip would hide a gap.
pub fn required_in_ci(what: &str) {
    if std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false" && v != "0") {
        panic!("CI is set but {what} is missing: this test would be skipped");
    }
    eprintln!("skipped: {what} is missing");
}

/// The path to `../shared` as CI lays it out (`CLOSER_SHARED` overrides it, for a checkout that
/// is not beside the shared folder, such as a git worktree).
pub fn shared() -> PathBuf {
    if let Some(p) = std::env::var_os("CLOSER_SHARED") {
        return PathBuf::from(p);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

/// Runs `closer ARGS` at a pseudo-terminal (through `script(1)`, when the system has it) with
/// the given keystrokes, under an empty HOME; asserts exit 0 and that no file was written.
/// Returns the raw terminal output, or `None` when `script` is not available.
pub fn at_a_terminal(args: &[&str], keys: &str) -> Option<String> {
    let (code, out) = at_a_terminal_with(args, keys, &[])?;
    assert_eq!(code, Some(0), "{out}");
    Some(out)
}

/// As [`at_a_terminal`], with extra environment variables, returning the exit code and the
/// raw terminal output (standard output and standard error, as the terminal received them)
/// whatever the code; still asserts that no file was written.
pub fn at_a_terminal_with(
    args: &[&str],
    keys: &str,
    env: &[(&str, &str)],
) -> Option<(Option<i32>, String)> {
    let Some(script) = ["/usr/bin/script", "/bin/script"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
    else {
        required_in_ci("script(1), for the pseudo-terminal tests");
        return None;
    };
    let home = tempfile::tempdir().expect("temp dir");
    let mut cmd = format!("'{}'", bin().display());
    for a in args {
        cmd.push_str(&format!(" '{a}'"));
    }
    // A watchdog: a screen that waits for input that never comes fails the test (exit 124)
    // instead of hanging the whole run.
    let mut child = Command::new("timeout")
        .args(["120", script, "-qec", &cmd, "/dev/null"])
        .current_dir(home.path())
        .env("HOME", home.path())
        .env("TERM", "xterm")
        // A region from the environment would skip the region question the tests type into.
        .env_remove("CLOSER_REGION")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn script");
    {
        use std::io::Write;
        let mut si = child.stdin.take().expect("stdin");
        let _ = si.write_all(keys.as_bytes());
    }
    let out = child.wait_with_output().expect("wait");
    assert!(
        files_under(home.path()).is_empty(),
        "closer {args:?} wrote a file"
    );
    Some((
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    ))
}

/// Writes a moves CSV of a two-person Hawkes log with known parameters over `0..horizon` hours
/// (through `closer simulate-hawkes`), for tests that need a real moves file.
pub fn hawkes_moves(path: &std::path::Path, horizon: f64) {
    let made = run(&[
        "simulate-hawkes",
        "--baseline",
        "0.3,0.2",
        "--excitation",
        "0.2,0.5;0.6,0.1",
        "--decay",
        "1",
        "--horizon",
        &horizon.to_string(),
        "--moves-out",
        path.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(made.code, 0, "{}", made.stderr);
}

/// The secret the test servers are started with (`CLOSER_SECRET`).
pub const TEST_SECRET: &str = "a test secret of at least thirty-two characters";

/// A `closer serve` process on a free loopback port, for the end-to-end web tests. Killed when
/// dropped, so a failing test leaves no server behind.
pub struct Server {
    child: Option<std::process::Child>,
    /// `127.0.0.1:PORT`, read from the first line it prints.
    pub addr: String,
}

impl Server {
    /// Starts `closer serve --addr 127.0.0.1:0 ARGS` (with [`TEST_SECRET`] when `secret`) and
    /// waits for its first line, `listening on http://ADDR/`.
    pub fn start(args: &[&str], secret: bool) -> Server {
        use std::io::BufRead;
        let mut cmd = Command::new(bin());
        cmd.args(["serve", "--addr", "127.0.0.1:0"]).args(args);
        if secret {
            cmd.env("CLOSER_SECRET", TEST_SECRET);
        }
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn closer serve");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().expect("piped stdout"))
            .read_line(&mut line)
            .expect("the first line of closer serve");
        let addr = line
            .trim()
            .strip_prefix("listening on http://")
            .and_then(|s| s.strip_suffix('/'))
            .map(str::to_string);
        let Some(addr) = addr else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("first line: {line:?}");
        };
        Server {
            child: Some(child),
            addr,
        }
    }

    /// Stops the server; returns what it wrote on standard error (the log).
    pub fn stop(mut self) -> String {
        use std::io::Read;
        let mut log = String::new();
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            if let Some(mut err) = child.stderr.take() {
                let _ = err.read_to_string(&mut log);
            }
            let _ = child.wait();
        }
        log
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// One HTTP/1.1 request to `addr` and the whole response (headers and body). A POST is sent
/// as a form from the server's own origin; `cookie` is sent as the `Cookie` header.
pub fn http(addr: &str, method: &str, path: &str, cookie: Option<&str>, body: &str) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if let Some(c) = cookie {
        req.push_str(&format!("Cookie: {c}\r\n"));
    }
    if method == "POST" {
        req.push_str(&format!(
            "Origin: http://{addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).expect("send the request");
    let mut out = String::new();
    s.read_to_string(&mut out).expect("read the response");
    out
}
