//! Sending over SMTP with every wait bounded by `email.smtp_timeout_seconds`.
//!
//! lettre's transport applies its timeout only to the TCP connect under
//! tokio: the greeting, each command's reply and the DATA transfer can wait
//! for ever. Cutting its `send` short from outside is not enough either, as
//! its pool then takes back a connection left in the middle of a transaction
//! and hands it to the next send. So this drives lettre's SMTP connection
//! itself: one deadline covers the whole attempt, from connecting to the
//! server's answer to the message, and a connection is kept for the next
//! email only after a send that finished.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use secrecy::ExposeSecret;
use tokio::sync::Mutex;

use super::SendError;
use crate::configuration::{EmailSettings, SmtpTls};

/// A connection idle for longer is closed rather than reused: servers drop
/// idle clients after a while anyway.
const MAX_IDLE: Duration = Duration::from_secs(60);

#[derive(Clone)]
pub struct SmtpSender {
    host: String,
    port: u16,
    tls: SmtpTls,
    tls_parameters: Option<TlsParameters>,
    credentials: Option<Credentials>,
    timeout: Duration,
    hello: ClientId,
    /// The connection left open by the last send that finished, if any.
    idle: Arc<Mutex<Option<Idle>>>,
}

struct Idle {
    conn: AsyncSmtpConnection,
    since: Instant,
}

type SmtpResult<T> = Result<T, lettre::transport::smtp::Error>;

impl SmtpSender {
    pub fn new(settings: &EmailSettings) -> anyhow::Result<Self> {
        let host = settings.smtp_host.trim().to_owned();
        let tls_parameters = match settings.smtp_tls {
            SmtpTls::None => None,
            SmtpTls::Starttls | SmtpTls::Tls => Some(
                TlsParameters::new(host.clone())
                    .context("email.smtp_host is not a valid host name for TLS")?,
            ),
        };
        let credentials = settings.smtp_username.as_ref().map(|user| {
            Credentials::new(
                user.clone(),
                settings.smtp_password.expose_secret().to_owned(),
            )
        });
        Ok(Self {
            host,
            port: settings.smtp_port,
            tls: settings.smtp_tls,
            tls_parameters,
            credentials,
            timeout: Duration::from_secs(settings.smtp_timeout_seconds),
            hello: ClientId::default(),
            idle: Arc::default(),
        })
    }

    /// One attempt to hand `message` to the server, within the timeout.
    pub async fn send(&self, envelope: &Envelope, message: &[u8]) -> Result<(), SendError> {
        // Held for the whole attempt: sends through one sender take turns.
        let mut idle = self.idle.lock().await;
        let reusable = idle
            .take()
            .filter(|i| i.since.elapsed() < MAX_IDLE)
            .map(|i| i.conn);
        let attempt = self.attempt(reusable, envelope, message);
        match tokio::time::timeout(self.timeout, attempt).await {
            Ok(Ok(conn)) => {
                *idle = Some(Idle {
                    conn,
                    since: Instant::now(),
                });
                Ok(())
            }
            // The connection, in whatever state it was left, is dropped and so closed.
            Ok(Err(error)) => Err(classify(error)),
            Err(_) => Err(SendError::Transient(format!(
                "the SMTP server did not finish within {} s (email.smtp_timeout_seconds)",
                self.timeout.as_secs()
            ))),
        }
    }

    async fn attempt(
        &self,
        reusable: Option<AsyncSmtpConnection>,
        envelope: &Envelope,
        message: &[u8],
    ) -> SmtpResult<AsyncSmtpConnection> {
        let mut conn = match reusable {
            Some(conn) => self.still_open(conn).await?,
            None => self.connect().await?,
        };
        conn.send(envelope, message).await?;
        Ok(conn)
    }

    /// `conn` if the server still answers on it, else a new connection.
    async fn still_open(&self, mut conn: AsyncSmtpConnection) -> SmtpResult<AsyncSmtpConnection> {
        if conn.test_connected().await {
            Ok(conn)
        } else {
            self.connect().await
        }
    }

    /// Connects, reads the greeting, says EHLO, starts TLS and logs in as
    /// the settings ask.
    async fn connect(&self) -> SmtpResult<AsyncSmtpConnection> {
        let implicit_tls = match self.tls {
            SmtpTls::Tls => self.tls_parameters.clone(),
            SmtpTls::None | SmtpTls::Starttls => None,
        };
        let mut conn = AsyncSmtpConnection::connect_tokio1(
            (self.host.as_str(), self.port),
            Some(self.timeout),
            &self.hello,
            implicit_tls,
            None,
        )
        .await?;
        if let (SmtpTls::Starttls, Some(parameters)) = (self.tls, &self.tls_parameters) {
            conn.starttls(parameters.clone(), &self.hello).await?;
        }
        if let Some(credentials) = &self.credentials {
            conn.auth(DEFAULT_MECHANISMS, credentials).await?;
        }
        Ok(conn)
    }
}

/// 5xx answers are final; anything else (4xx, no connection, TLS trouble)
/// may pass, so it is tried again.
fn classify(error: lettre::transport::smtp::Error) -> SendError {
    let text = error.to_string();
    if error.is_permanent() {
        SendError::Permanent(text)
    } else {
        SendError::Transient(text)
    }
}
