//! Where emails go: an SMTP server, `.eml` files in a folder, or (for tests) memory.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::AsyncSmtpTransportBuilder;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;

use crate::configuration::{EmailSettings, SmtpTls, TransportKind};

#[derive(Clone)]
pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    File(AsyncFileTransport<Tokio1Executor>),
    Memory(Arc<Mutex<Vec<Message>>>),
}

/// Why a message did not leave.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// Worth trying again later: no connection, a timeout, a 4xx answer.
    #[error("temporary failure: {0}")]
    Transient(String),
    /// The server refused the message for good (a 5xx answer).
    #[error("permanent failure: {0}")]
    Permanent(String),
}

impl Mailer {
    pub fn from_settings(settings: &EmailSettings) -> anyhow::Result<Self> {
        match settings.transport {
            TransportKind::File => {
                std::fs::create_dir_all(&settings.file_dir).with_context(|| {
                    format!(
                        "could not create email.file_dir {}",
                        settings.file_dir.display()
                    )
                })?;
                Ok(Self::File(AsyncFileTransport::new(&settings.file_dir)))
            }
            TransportKind::Smtp => Ok(Self::Smtp(smtp_builder(settings)?.build())),
        }
    }

    pub fn in_memory() -> (Self, Arc<Mutex<Vec<Message>>>) {
        let store = Arc::new(Mutex::new(Vec::new()));
        (Self::Memory(store.clone()), store)
    }

    pub async fn send(&self, message: Message) -> Result<(), SendError> {
        match self {
            Self::Smtp(smtp) => smtp.send(message).await.map(drop).map_err(classify),
            Self::File(file) => file
                .send(message)
                .await
                .map(drop)
                .map_err(|e| SendError::Transient(e.to_string())),
            Self::Memory(store) => {
                store.lock().expect("mail store poisoned").push(message);
                Ok(())
            }
        }
    }
}

fn smtp_builder(settings: &EmailSettings) -> anyhow::Result<AsyncSmtpTransportBuilder> {
    let host = settings.smtp_host.as_str();
    let builder = match settings.smtp_tls {
        SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
        SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)
            .context("email.smtp_host is not a valid host name for TLS")?,
        SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host)
            .context("email.smtp_host is not a valid host name for TLS")?,
    };
    let mut builder = builder
        .port(settings.smtp_port)
        .timeout(Some(Duration::from_secs(settings.smtp_timeout_seconds)));
    if let Some(user) = &settings.smtp_username {
        builder = builder.credentials(Credentials::new(
            user.clone(),
            settings.smtp_password.expose_secret().to_owned(),
        ));
    }
    Ok(builder)
}

/// 5xx answers are final; anything else (4xx, no connection, timeouts, TLS
/// trouble) may pass, so it is tried again.
fn classify(error: lettre::transport::smtp::Error) -> SendError {
    let text = error.to_string();
    if error.is_permanent() {
        SendError::Permanent(text)
    } else {
        SendError::Transient(text)
    }
}
