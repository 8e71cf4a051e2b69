//! Email: what each kind of message says (`compose`), how a queued message
//! becomes a MIME message (`message`), how it leaves (`transport`, and
//! `smtp` for an SMTP server), and the worker that drains the outbox
//! (`worker`).

/// Declares the two parts of one kind of email, plain text and HTML, from
/// one list of fields: `email_parts!(FooText = "email/foo.txt", FooHtml =
/// "email/foo.html", 'a { name: &'a str })`. Each part is an askama template.
macro_rules! email_parts {
    ($text:ident = $text_path:literal, $html:ident = $html_path:literal,
     $lt:lifetime { $($field:ident: $ty:ty),* $(,)? }) => {
        #[derive(askama::Template)]
        #[template(path = $text_path)]
        struct $text<$lt> { $($field: $ty),* }

        #[derive(askama::Template)]
        #[template(path = $html_path)]
        struct $html<$lt> { $($field: $ty),* }
    };
}

pub mod alert;
pub mod calendar;
pub mod compose;
pub mod concern_alert;
pub mod dsn;
pub mod email_change;
pub mod envelope;
pub mod event;
pub mod followup;
pub mod intro;
pub mod invite;
pub mod message;
pub mod nudge;
pub mod organiser_invite;
pub mod rematch;
pub mod smtp;
pub mod still_interested;
pub mod transport;
pub mod worker;

pub use compose::Composer;
pub use transport::{Mailer, SendError};
pub use worker::{DeliveryWorker, PassReport};

pub use crate::domain::EmailKind;
