use diesel::prelude::*;
use unmentoring::clock::Clock;
use unmentoring::configuration::{self, BaseUrl, Settings, SmtpTls, TransportKind};
use unmentoring::db::{self, DatabaseUrl, Pool};
use unmentoring::email::{DeliveryWorker, Mailer, PassReport};
use unmentoring::startup::Application;

use crate::common::mail::ReceivedEmail;
use crate::common::smtp::TestSmtp;

pub const LINK_BASE: &str = "https://unmentoring.test";

pub struct TestApp {
    pub address: String,
    pub pool: Pool,
    pub smtp: TestSmtp,
    pub client: reqwest::Client,
    pub settings: Settings,
    pub dir: tempfile::TempDir,
    /// The app's clock: it stands still until a test moves it.
    pub clock: Clock,
    /// The app's delivery worker, which only sends when a test calls it.
    pub worker: DeliveryWorker,
}

/// Where every test's clock starts: a fixed, ordinary weekday morning, so
/// that no test depends on the day or the speed of the machine it runs on.
pub fn test_start() -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    chrono::Utc
        .with_ymd_and_hms(2026, 11, 30, 10, 0, 0)
        .unwrap()
}

/// Settings for a test: port 0, a fresh SQLite file, SMTP to `smtp`, fast retries.
pub fn test_settings(dir: &std::path::Path, smtp: &TestSmtp) -> Settings {
    let mut s =
        configuration::load(std::path::Path::new("/nonexistent"), None).expect("default settings");
    s.server.port = 0;
    // Not this server's address: links must come from server.base_url, never the request.
    s.server.base_url = BaseUrl::parse(LINK_BASE).unwrap();
    s.database.url = DatabaseUrl::parse(&crate::common::database::url_for(dir, "test.db")).unwrap();
    s.email.transport = TransportKind::Smtp;
    s.email.smtp_host = "127.0.0.1".into();
    s.email.smtp_port = smtp.port;
    s.email.smtp_tls = SmtpTls::None;
    s.email.smtp_timeout_seconds = 5;
    s.email.retry_initial_ms = 50;
    s.email.retry_max_ms = 400;
    s.email.poll_interval_ms = 100;
    // Tests run rounds themselves; a scheduled one must not surprise them.
    s.schedule.enabled = false;
    s
}

/// The app with a listening SMTP server.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(TestSmtp::start()).await
}

/// The app with the given SMTP server (which may not be listening yet).
pub async fn spawn_app_with(smtp: TestSmtp) -> TestApp {
    spawn_app_in(tempfile::tempdir().unwrap(), smtp, |_| {}).await
}

/// The app in a given folder (its database is `test.db` there), with settings
/// adjusted by `adjust`.
pub async fn spawn_app_in(
    dir: tempfile::TempDir,
    smtp: TestSmtp,
    adjust: impl FnOnce(&mut Settings),
) -> TestApp {
    let mut settings = test_settings(dir.path(), &smtp);
    adjust(&mut settings);
    let clock = Clock::manual(test_start());
    let mailer = Mailer::from_settings(&settings.email).expect("the mailer");
    let mut app = Application::build_with(settings.clone(), mailer, clock.clone())
        .await
        .expect("the app starts");
    let port = app.port();
    let worker = app.take_delivery_worker().expect("a delivery worker");
    // Tests run the hourly jobs themselves (`TestApp::jobs`).
    drop(app.take_housekeeping());
    tokio::spawn(app.run_until_stopped());
    let address = format!("http://127.0.0.1:{port}");
    let pool = db::connect(&settings.database.url, 2).unwrap();
    TestApp {
        address,
        pool,
        smtp,
        // A new connection per request: a kept-alive one that sat idle past
        // the server's keep-alive (a slow step of the test, on a busy
        // machine) may be closed by the server just as a request goes out on
        // it, and that request fails with "IncompleteMessage".
        client: reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        settings,
        dir,
        clock,
        worker,
    }
}

/// A complete, valid signup form.
pub fn signup_form(email: &str) -> Vec<(&'static str, String)> {
    vec![
        ("name", "Jo Bloggs".into()),
        ("email", email.into()),
        ("phone", "01632 960 001".into()),
        ("organisation", "Leeds City Council".into()),
        ("google_id", String::new()),
        ("skype", "jo.bloggs".into()),
        ("topics", "Open data and user research".into()),
        ("cadence", "monthly".into()),
        ("consent", "yes".into()),
        ("share_phone", "yes".into()),
    ]
}

pub struct Page {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Page {
    pub fn location(&self) -> String {
        self.headers["location"].to_str().unwrap().to_owned()
    }

    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    }

    pub fn title(&self) -> String {
        let start = self.body.find("<title>").expect("a title") + "<title>".len();
        let end = self.body.find("</title>").unwrap();
        self.body[start..end].trim().to_owned()
    }
}

impl TestApp {
    /// The hourly jobs (reminders, nudges, rematches, alerts), with this
    /// app's settings and clock, to run by hand.
    pub fn jobs(&self) -> unmentoring::services::housekeeping::Jobs {
        unmentoring::services::housekeeping::Jobs::new(
            self.pool.clone(),
            self.settings.clone(),
            std::sync::Arc::new(tokio::sync::Notify::new()),
            self.clock.clone(),
        )
    }

    /// The base URL that links in emails start with: `server.base_url` as configured.
    pub fn link_base(&self) -> &'static str {
        LINK_BASE
    }

    /// A link from an email, pointed at this test server.
    pub fn local(&self, link: &str) -> String {
        link.replacen(self.link_base(), &self.address, 1)
    }

    pub async fn get(&self, path_or_url: &str) -> Page {
        let url = self.url(path_or_url);
        read(self.client.get(url).send().await.unwrap()).await
    }

    pub async fn post_form<T: serde::Serialize + ?Sized>(
        &self,
        path_or_url: &str,
        form: &T,
    ) -> Page {
        let url = self.url(path_or_url);
        read(self.client.post(url).form(form).send().await.unwrap()).await
    }

    pub async fn post_raw(&self, path: &str, body: impl Into<reqwest::Body>) -> Page {
        let response = self
            .client
            .post(self.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        read(response).await
    }

    fn url(&self, path_or_url: &str) -> String {
        if path_or_url.starts_with("http") {
            self.local(path_or_url)
        } else {
            format!("{}{}", self.address, path_or_url)
        }
    }

    pub async fn sign_up(&self, email: &str) -> Page {
        self.post_form("/signup", &signup_form(email)).await
    }

    /// Sends everything in the outbox that is due by the test clock.
    pub async fn deliver(&self) -> PassReport {
        self.worker.deliver_due().await.expect("a delivery pass")
    }

    /// Sends what is due, then checks that at least `n` emails have arrived
    /// in all; returns them all.
    pub async fn wait_for_emails(&self, n: usize) -> Vec<ReceivedEmail> {
        self.deliver().await;
        let got = self.smtp.received();
        assert!(got.len() >= n, "expected {n} emails, got {}", got.len());
        got
    }

    /// Waits for the `n`th email overall and returns the newest one for `address`.
    pub async fn email_for(&self, address: &str, n: usize) -> ReceivedEmail {
        let all = self.wait_for_emails(n).await;
        all.into_iter()
            .rev()
            .find(|e| e.is_for(address))
            .expect("an email for the address")
    }

    /// Signs up `email` (as the first email of the test) and returns the
    /// confirmation link from the email it gets.
    pub async fn signed_up_link(&self, email: &str) -> String {
        assert_eq!(self.sign_up(email).await.status, 303);
        self.email_for(email, 1)
            .await
            .link_to(self.link_base(), "/confirm/")
    }

    /// Signs up and confirms `email`; returns the welcome email with the manage link.
    pub async fn confirmed_participant(&self, email: &str) -> ReceivedEmail {
        let before = self.smtp.received().len();
        assert_eq!(self.sign_up(email).await.status, 303);
        let confirm = self.email_for(email, before + 1).await;
        let link = confirm.link_to(self.link_base(), "/confirm/");
        let page = self.post_form(&link, &[("", "")]).await;
        assert_eq!(page.status, 303, "{}", page.body);
        self.email_for(email, before + 2).await
    }

    pub fn count(&self, sql_table: &str) -> i64 {
        #[derive(QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let mut conn = self.pool.get().unwrap();
        diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {sql_table}"))
            .get_result::<Count>(&mut conn)
            .unwrap()
            .n
    }

    /// Runs a round for everyone taking part, as `unmentoring round run --all
    /// --force` does; returns its id.
    pub async fn run_round_for_everyone(&self) -> i64 {
        use unmentoring::configuration::OddOneOutSetting;
        use unmentoring::email::Composer;
        use unmentoring::services::round_runner::{
            self as rounds, RoundOptions, RoundOutcome, Trigger,
        };

        let options = RoundOptions {
            key: format!("manual:{}", uuid::Uuid::new_v4()),
            trigger: Trigger::Manual,
            include_all: true,
            force: true,
            odd_one_out: OddOneOutSetting::Trio,
            group_size: self.settings.pairing.group_size,
            matched_share: self.settings.experiment.matched_share,
            followup_after_days: self.settings.followup.after_days,
        };
        let composer = Composer::new(&self.settings);
        let now = self.clock.now();
        let outcome = db::run(&self.pool, move |c| {
            rounds::run(c, &composer, &options, now)
        })
        .await
        .unwrap();
        match outcome {
            RoundOutcome::Ran { round, .. } => round.id,
            other => panic!("no round: {other:?}"),
        }
    }

    pub fn execute(&self, sql: &str) -> usize {
        let mut conn = self.pool.get().unwrap();
        diesel::sql_query(sql).execute(&mut conn).unwrap()
    }

    /// Sends what is due, then checks that the outbox has nothing left to
    /// send and that nothing failed.
    pub async fn assert_all_email_sent(&self) {
        self.deliver().await;
        assert_eq!(
            self.count("outbox WHERE status = 'queued'"),
            0,
            "emails left unsent in the outbox"
        );
        assert_eq!(
            self.count("outbox WHERE status = 'failed'"),
            0,
            "an email failed"
        );
    }
}

impl TestApp {
    /// Waits for something a background task (the scheduler) does; the
    /// deadline is generous, so that only a real failure ends the wait.
    pub async fn wait_until(&self, what: &str, mut check: impl FnMut(&Self) -> bool) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
        while !check(self) {
            assert!(
                std::time::Instant::now() < deadline,
                "gave up waiting for {what}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
}

async fn read(response: reqwest::Response) -> Page {
    Page {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: response.text().await.unwrap(),
    }
}

/// An organiser signed in through `/admin/login`. The session cookie is sent
/// by hand: in tests `server.base_url` is https, so the cookie is `Secure`.
pub struct Organiser<'a> {
    pub app: &'a TestApp,
    pub cookie: String,
    pub csrf_token: String,
}

impl TestApp {
    /// Adds an organiser with this password, as `unmentoring organiser add` does.
    pub fn add_organiser(&self, email: &str, password: &str) {
        let hash = unmentoring::admin::password::hash(password).unwrap();
        let mut conn = self.pool.get().unwrap();
        let added = unmentoring::db::organisers::add(
            &mut conn,
            email,
            &email.to_lowercase(),
            &hash,
            self.clock.now(),
        )
        .unwrap();
        assert!(added);
    }

    pub async fn post_login(&self, email: &str, password: &str) -> Page {
        self.post_form("/admin/login", &[("email", email), ("password", password)])
            .await
    }

    /// Adds an organiser and signs them in.
    pub async fn organiser(&self) -> Organiser<'_> {
        self.add_organiser("organiser@example.org", "a long test password");
        let page = self
            .post_login("organiser@example.org", "a long test password")
            .await;
        assert_eq!(page.status, 303, "{}", page.body);
        let set_cookie = page.header("set-cookie");
        let cookie = set_cookie.split(';').next().unwrap().to_owned();
        let mut organiser = Organiser {
            app: self,
            cookie,
            csrf_token: String::new(),
        };
        let dashboard = organiser.get("/admin").await;
        assert_eq!(dashboard.status, 200, "{}", dashboard.body);
        organiser.csrf_token =
            csrf_token_in(&dashboard.body).expect("a form token on the dashboard");
        organiser
    }
}

/// The `csrf_token` hidden field's value in a page.
pub fn csrf_token_in(body: &str) -> Option<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = body.find(marker)? + marker.len();
    let end = body[start..].find('"')? + start;
    Some(body[start..end].to_owned())
}

impl Organiser<'_> {
    pub async fn get(&self, path: &str) -> Page {
        let url = format!("{}{}", self.app.address, path);
        read(
            self.app
                .client
                .get(url)
                .header("cookie", &self.cookie)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    /// POSTs a form with this session's token added.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("csrf_token", &self.csrf_token));
        self.post_raw_form(path, &form).await
    }

    /// POSTs exactly these fields (no token added).
    pub async fn post_raw_form(&self, path: &str, form: &[(&str, &str)]) -> Page {
        let url = format!("{}{}", self.app.address, path);
        let response = self
            .app
            .client
            .post(url)
            .header("cookie", &self.cookie)
            .form(form)
            .send()
            .await
            .unwrap();
        read(response).await
    }

    /// POSTs a multipart form (a file upload) with this session's token added.
    pub async fn post_multipart(&self, path: &str, form: reqwest::multipart::Form) -> Page {
        let url = format!("{}{}", self.app.address, path);
        let form = form.text("csrf_token", self.csrf_token.clone());
        let response = self
            .app
            .client
            .post(url)
            .header("cookie", &self.cookie)
            .multipart(form)
            .send()
            .await
            .unwrap();
        read(response).await
    }
}
