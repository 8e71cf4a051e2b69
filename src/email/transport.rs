//! Where emails go: an SMTP server, or `.eml` files in a folder.

use anyhow::Context;
use lettre::{AsyncFileTransport, AsyncTransport, Message, Tokio1Executor};

use super::smtp::SmtpSender;
use crate::configuration::{EmailSettings, TransportKind};

#[derive(Clone)]
pub enum Mailer {
    Smtp(SmtpSender),
    File(AsyncFileTransport<Tokio1Executor>),
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
            TransportKind::Smtp => Ok(Self::Smtp(SmtpSender::new(settings)?)),
        }
    }

    pub async fn send(&self, message: Message) -> Result<(), SendError> {
        match self {
            Self::Smtp(smtp) => smtp.send(message.envelope(), &message.formatted()).await,
            Self::File(file) => file
                .send(message)
                .await
                .map(drop)
                .map_err(|e| SendError::Transient(e.to_string())),
        }
    }
}
