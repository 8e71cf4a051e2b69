//! Email: what each kind of message says (`compose`), how a queued message
//! becomes a MIME message (`message`), how it leaves (`transport`, and
//! `smtp` for an SMTP server), and the worker that drains the outbox
//! (`worker`).

pub mod compose;
pub mod followup;
pub mod intro;
pub mod message;
pub mod smtp;
pub mod transport;
pub mod worker;

pub use compose::Composer;
pub use transport::{Mailer, SendError};
pub use worker::{DeliveryWorker, PassReport};

pub use crate::domain::EmailKind;
