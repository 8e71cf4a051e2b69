//! Where emails go: an SMTP server, or `.eml` files in a folder.

use anyhow::Context;
use lettre::address::Envelope;
use lettre::{Address, AsyncFileTransport, AsyncTransport, Message, Tokio1Executor};

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
        self.send_from(message, None).await
    }

    /// Sends `message` with `sender` as its envelope sender (`MAIL FROM`),
    /// or, without one, the message's From address.
    pub async fn send_from(
        &self,
        message: Message,
        sender: Option<Address>,
    ) -> Result<(), SendError> {
        let envelope = match sender {
            Some(sender) => Envelope::new(Some(sender), message.envelope().to().to_vec())
                .map_err(|e| SendError::Permanent(format!("no envelope for the email: {e}")))?,
            None => message.envelope().clone(),
        };
        let raw = message.formatted();
        match self {
            Self::Smtp(smtp) => smtp.send(&envelope, &raw).await,
            Self::File(file) => file
                .send_raw(&envelope, &raw)
                .await
                .map(drop)
                .map_err(|e| SendError::Transient(e.to_string())),
        }
    }
}
