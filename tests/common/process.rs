//! Running the `unmentoring` binary as an operator would: a folder of its own
//! per test, settings from `UNMENTORING__*` variables, children killed when
//! their guard is dropped.

use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_unmentoring");
pub const DB: &str = "db/unmentoring.sqlite";
pub const NOTHING_WAITING: &str = "Nothing is waiting to be sent";

/// Polls `check` every 20 ms until it gives a value; panics with `what` after `secs` seconds.
pub fn poll<T>(secs: u64, what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(Instant::now() < deadline, "waited {secs}s for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Kills the child (SIGKILL on Unix) and reaps it when dropped.
pub struct Guard(pub Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub struct Ran {
    pub ok: bool,
    /// The exit status; `None` if a signal ended the process.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Ran {
    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// A test's own folder and settings.
pub struct Site {
    pub dir: tempfile::TempDir,
    pub vars: Vec<(String, String)>,
    pub runs: usize,
}

impl Site {
    pub fn new() -> Self {
        let mut site = Self {
            dir: tempfile::tempdir().unwrap(),
            vars: Vec::new(),
            runs: 0,
        };
        let url = if super::database::on_postgres() {
            site.database()
        } else {
            DB.to_owned()
        };
        site.set("DATABASE__URL", &url);
        // Tests run rounds themselves; a scheduled one must not surprise them.
        site.set("SCHEDULE__ENABLED", "false");
        site
    }

    /// Sets `UNMENTORING__{key}`.
    pub fn set(&mut self, key: &str, value: &str) {
        self.vars.retain(|(k, _)| k != key);
        self.vars.push((key.to_owned(), value.to_owned()));
    }

    /// Sends email over SMTP to 127.0.0.1:`port`, retrying quickly.
    pub fn smtp(&mut self, port: u16) {
        self.set("EMAIL__TRANSPORT", "smtp");
        self.set("EMAIL__SMTP_HOST", "127.0.0.1");
        self.set("EMAIL__SMTP_PORT", &port.to_string());
        self.set("EMAIL__RETRY_INITIAL_MS", "100");
        self.set("EMAIL__RETRY_MAX_MS", "500");
        self.set("EMAIL__POLL_INTERVAL_MS", "100");
    }

    /// The site's `database.url` as a test opens it: the SQLite file [`DB`]
    /// in the site's folder, or its own PostgreSQL database.
    pub fn database(&self) -> String {
        super::database::url_for(self.dir.path(), DB)
    }

    /// The site's database, as the app's types take it.
    pub fn database_url(&self) -> unmentoring::db::DatabaseUrl {
        unmentoring::db::DatabaseUrl::parse(&self.database()).unwrap()
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    /// The command with this site's settings, and no others from the test's environment.
    pub fn command(&mut self, args: &[&str], stem: &str) -> (Command, PathBuf, PathBuf) {
        self.runs += 1;
        let out = self.path(&format!("{stem}-{}.out", self.runs));
        let err = self.path(&format!("{stem}-{}.err", self.runs));
        let mut cmd = Command::new(BIN);
        cmd.current_dir(self.dir.path()).args(args);
        cmd.stdin(Stdio::null()).stdout(File::create(&out).unwrap());
        cmd.stderr(File::create(&err).unwrap());
        let inherited = std::env::vars().map(|(k, _)| k);
        inherited
            .filter(|k| k.starts_with("UNMENTORING"))
            .for_each(|k| {
                cmd.env_remove(k);
            });
        for (key, value) in &self.vars {
            cmd.env(format!("UNMENTORING__{key}"), value);
        }
        (cmd, out, err)
    }

    /// Runs a command to the end (at most 60 s).
    pub fn run(&mut self, args: &[&str]) -> Ran {
        self.run_with_input(args, None)
    }

    /// Runs a command to the end (at most 60 s), with `input` (if any) on
    /// its standard input.
    pub fn run_with_input(&mut self, args: &[&str], input: Option<&[u8]>) -> Ran {
        let (mut cmd, out, err) = self.command(args, "run");
        if input.is_some() {
            cmd.stdin(Stdio::piped());
        }
        let mut child = Guard(cmd.spawn().expect("the binary starts"));
        if let Some(input) = input {
            use std::io::Write;
            let mut stdin = child.0.stdin.take().expect("a pipe to standard input");
            stdin.write_all(input).expect("the input is written");
        }
        let status = poll(60, &format!("unmentoring {args:?} to exit"), || {
            child.0.try_wait().unwrap()
        });
        let read = |p: &Path| std::fs::read_to_string(p).unwrap();
        Ran {
            ok: status.success(),
            code: status.code(),
            stdout: read(&out),
            stderr: read(&err),
        }
    }

    pub fn outbox(&mut self) -> String {
        let ran = self.run(&["outbox"]);
        assert!(ran.ok, "outbox failed: {}", ran.all());
        ran.stdout
    }

    /// Starts `unmentoring serve` on a free port and waits until `/healthz` answers 200.
    pub async fn serve(&mut self) -> Server {
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        self.set("SERVER__PORT", &port.to_string());
        self.set("SERVER__BASE_URL", &base);
        let (mut cmd, _, log) = self.command(&["serve"], "serve");
        let mut server = Server {
            child: Guard(cmd.spawn().expect("serve starts")),
            base,
            log,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(r) = server.client().get(server.url("/healthz")).send().await {
                if r.status() == 200 {
                    return server;
                }
            }
            if let Some(status) = server.child.0.try_wait().unwrap() {
                panic!("serve exited with {status}:\n{}", server.log());
            }
            assert!(Instant::now() < deadline, "no answer:\n{}", server.log());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

pub struct Server {
    pub child: Guard,
    pub base: String,
    pub log: PathBuf,
}

impl Server {
    pub fn client(&self) -> reqwest::Client {
        // No kept-alive connections: one idle past the server's keep-alive
        // may be closed just as a request goes out on it.
        reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub async fn sign_up(&self, client: &reqwest::Client, email: &str) {
        let form = [
            ("name", "Jo Bloggs"),
            ("email", email),
            ("phone", "01632 960 001"),
            ("organisation", "Leeds City Council"),
            ("cadence", "monthly"),
            ("consent", "yes"),
            ("share_phone", "yes"),
        ];
        let r = client
            .post(self.url("/signup"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "signup of {email}");
        assert_eq!(r.headers()["location"], "/signup/check-email");
    }

    /// Stops the server at once (SIGKILL), as a crash would.
    pub fn kill(self) {
        drop(self.child);
    }
}
