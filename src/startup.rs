//! Builds the application from `Settings`: database, mailer, HTTP server,
//! and the background jobs that run inside `serve`.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::{from_fn, Compress};
use actix_web::{web, App, HttpServer};
use anyhow::Context;
use tokio::sync::Notify;

use crate::clock::Clock;
use crate::configuration::Settings;
use crate::db::{self, Pool};
use crate::email::{Composer, DeliveryWorker, Mailer};
use crate::health::Health;
use crate::middleware::{
    friendly_errors, limit_body, log_request, noindex_personal_links, security_headers, MAX_BODY,
};
use crate::services::housekeeping::Jobs;
use crate::services::scheduler::Scheduler;
use crate::services::supervisor::supervise;
use crate::{pages, routes};

/// How long a background task that failed waits before it starts again.
const RESTART_PAUSE: std::time::Duration = std::time::Duration::from_secs(1);

/// What every request handler can reach.
pub struct AppState {
    pub pool: Pool,
    pub composer: Composer,
    /// Wakes the delivery worker as soon as an email is queued.
    pub outbox_wake: Arc<Notify>,
    /// For the organiser pages: schedule, pairing and follow-up settings.
    pub settings: Settings,
    /// The one clock every time-dependent rule reads.
    pub clock: Clock,
    /// Whether the background tasks are alive, for `/healthz`.
    pub health: Health,
}

impl AppState {
    pub fn wake_mailer(&self) {
        self.outbox_wake.notify_one();
    }
}

pub struct Application {
    port: u16,
    server: Server,
    /// `None` once a caller took it to drive delivery itself.
    worker: Option<DeliveryWorker>,
    scheduler: Scheduler,
    /// `None` once a caller took it to run the jobs itself.
    jobs: Option<Jobs>,
}

impl Application {
    /// Opens the database and the mailer named in the settings, and binds the
    /// listening socket (port 0 picks a free port).
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let mailer = Mailer::from_settings(&settings.email)?;
        Self::build_with(settings, mailer, Clock::system()).await
    }

    /// Like [`Application::build`], with a given mailer and clock (tests use
    /// a manual clock).
    pub async fn build_with(
        settings: Settings,
        mailer: Mailer,
        clock: Clock,
    ) -> anyhow::Result<Self> {
        let pool = db::open_database(&settings).await?;
        let address = format!("{}:{}", settings.server.host, settings.server.port);
        let listener = TcpListener::bind(&address)
            .with_context(|| format!("could not listen on {address} (server.host, server.port)"))?;
        let port = listener.local_addr()?.port();
        // Said once the rest has started: a start-up that fails says only why.
        if settings.organisation.contact_email.is_none() {
            tracing::warn!(
                "organisation.contact_email is not set: the contact page and the privacy notice give no way to reach the organisers"
            );
        }
        let wake = Arc::new(Notify::new());
        let health = Health::new(&settings);
        let worker = DeliveryWorker::new(
            pool.clone(),
            mailer,
            &settings,
            wake.clone(),
            clock.clone(),
            health.delivery.clone(),
        );
        let composer = Composer::new(&settings);
        let scheduler = Scheduler {
            pool: pool.clone(),
            composer: composer.clone(),
            settings: settings.schedule.clone(),
            odd_one_out: settings.pairing.odd_one_out,
            group_size: settings.pairing.group_size,
            matched_share: settings.experiment.matched_share,
            followup_after_days: settings.followup.after_days,
            outbox_wake: wake.clone(),
            clock: clock.clone(),
            heartbeat: health.scheduler.clone(),
        };
        let jobs = Jobs::new(pool.clone(), settings.clone(), wake.clone(), clock.clone());
        let state = web::Data::new(AppState {
            pool: pool.clone(),
            composer,
            outbox_wake: wake,
            settings: settings.clone(),
            clock,
            health,
        });
        let server = run(listener, state)?;
        Ok(Self {
            port,
            server,
            worker: Some(worker),
            scheduler,
            jobs: Some(jobs),
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Takes the delivery worker out of the application, so that the caller
    /// sends email by calling it (tests do, to control when email goes).
    pub fn take_delivery_worker(&mut self) -> Option<DeliveryWorker> {
        self.worker.take()
    }

    /// Takes the hourly jobs out of the application, so that the caller runs
    /// them when it chooses (tests do: a run at start-up, at a moment the
    /// test does not control, would race with the test's own).
    pub fn take_housekeeping(&mut self) -> Option<Jobs> {
        self.jobs.take()
    }

    /// Serves until the process is stopped, with the delivery worker (unless
    /// taken), the round scheduler and the housekeeping job beside the server.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let worker = self.worker.map(|w| {
            tokio::spawn(supervise("delivery worker", RESTART_PAUSE, move || {
                w.clone().run_until_stopped()
            }))
        });
        let scheduler = self.scheduler;
        let scheduler = tokio::spawn(supervise("scheduler", RESTART_PAUSE, move || {
            scheduler.clone().run_until_stopped()
        }));
        let housekeeping = self.jobs.map(|jobs| {
            tokio::spawn(supervise("housekeeping", RESTART_PAUSE, move || {
                jobs.clone().run_until_stopped()
            }))
        });
        let served = self.server.await;
        if let Some(worker) = worker {
            worker.abort();
        }
        scheduler.abort();
        if let Some(housekeeping) = housekeeping {
            housekeeping.abort();
        }
        served.context("the web server stopped with an error")
    }
}

fn run(listener: TcpListener, state: web::Data<AppState>) -> anyhow::Result<Server> {
    let server = HttpServer::new(move || {
        App::new()
            .wrap(from_fn(noindex_personal_links))
            .wrap(from_fn(friendly_errors))
            .wrap(Compress::default())
            .wrap(from_fn(limit_body))
            .wrap(security_headers())
            .wrap(from_fn(log_request))
            .app_data(state.clone())
            .app_data(web::FormConfig::default().limit(MAX_BODY))
            .app_data(web::PayloadConfig::default().limit(MAX_BODY))
            .configure(routes::configure)
            .configure(crate::admin::configure)
            .default_service(web::to(|| async { pages::not_found() }))
    })
    .listen(listener)?
    .shutdown_timeout(10)
    .run();
    Ok(server)
}
