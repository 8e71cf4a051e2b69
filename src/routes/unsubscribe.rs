//! `/unsubscribe/{token}`: the List-Unsubscribe link of every email to a
//! person (RFC 8058). Mail programs POST `List-Unsubscribe=One-Click` to it,
//! with no cookie and no form token: the link itself is the secret. A GET
//! (a person following the link) shows a page with a button and changes
//! nothing, so that link checkers and previews never unsubscribe anyone.

use actix_web::http::header::CONTENT_TYPE;
use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use askama::Template;

use crate::db::{self, participants::Status};
use crate::pages::secret_link::UnsubscribeLink;
use crate::pages::{private_html, MessagePage, PageError};
use crate::services::unsubscribe::{one_click, Unsubscribed};
use crate::startup::AppState;

#[derive(Template)]
#[template(path = "unsubscribe.html")]
struct UnsubscribePage {
    token: String,
    /// Not confirmed yet: there are no introductions to stop.
    pending: bool,
    /// Unsubscribed already.
    already: bool,
}

#[get("/unsubscribe/{token}")]
#[tracing::instrument(name = "unsubscribe_page", skip_all)]
pub async fn show(link: UnsubscribeLink) -> HttpResponse {
    button_page(link)
}

/// The page with the button; changes nothing.
fn button_page(link: UnsubscribeLink) -> HttpResponse {
    let (token, person) = link.into_parts();
    private_html(
        StatusCode::OK,
        &UnsubscribePage {
            token,
            pending: person.status == Status::Pending,
            already: person.unsubscribed_at.is_some(),
        },
    )
}

#[post("/unsubscribe/{token}")]
#[tracing::instrument(name = "unsubscribe", skip_all)]
pub async fn unsubscribe(
    link: UnsubscribeLink,
    request: HttpRequest,
    body: web::Bytes,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let content_type = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !is_one_click(content_type, &body) {
        return Ok(button_page(link));
    }
    let (id, pending) = (link.holder.id, link.holder.status == Status::Pending);
    let now = state.clock.now();
    let (composer, settings) = (state.composer.clone(), state.settings.clone());
    let outcome = db::write(&state.pool, move |conn| {
        one_click(conn, &composer, &settings, id, now)
    })
    .await?;
    state.wake_mailer();
    Ok(private_html(StatusCode::OK, &done_page(outcome, pending)))
}

/// What the person sees once unsubscribed (a mail program ignores it).
fn done_page(outcome: Unsubscribed, pending: bool) -> MessagePage {
    if outcome == Unsubscribed::Gone {
        return MessagePage::new(
            "You have left UnMentoring",
            &["Your details have been deleted. We will not email you again."],
        );
    }
    let next = if pending {
        "You had not confirmed your place. If you want to join after all, use the confirmation link in the email we sent you, or sign up again."
    } else {
        "You are paused: we will not pair you with anyone. To start again, or to leave UnMentoring and have your details deleted, open the link to your details in one of our earlier emails."
    };
    MessagePage::new(
        "You have unsubscribed",
        &[
            "We will not send you any more emails, unless you ask for one.",
            next,
        ],
    )
    .with_link("/contact", "Contact the organisers if you need help")
}

/// Whether a POST body says `List-Unsubscribe=One-Click`, in either
/// encoding RFC 8058 allows.
fn is_one_click(content_type: &str, body: &[u8]) -> bool {
    let media_type = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match media_type.as_str() {
        "multipart/form-data" => multipart_says_one_click(body),
        _ => url::form_urlencoded::parse(body)
            .any(|(k, v)| k == "List-Unsubscribe" && v == "One-Click"),
    }
}

/// A multipart body with a `List-Unsubscribe` part whose value is `One-Click`.
fn multipart_says_one_click(body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(body);
    text.split("name=\"List-Unsubscribe\"").skip(1).any(|part| {
        part.split_once("\r\n\r\n")
            .or_else(|| part.split_once("\n\n"))
            .is_some_and(|(_, value)| value.trim_start().starts_with("One-Click"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_encodings_of_one_click() {
        let form = "application/x-www-form-urlencoded";
        assert!(is_one_click(form, b"List-Unsubscribe=One-Click"));
        assert!(is_one_click("", b"List-Unsubscribe=One-Click"));
        assert!(!is_one_click(form, b""));
        assert!(!is_one_click(form, b"List-Unsubscribe=Later"));
        let multipart = "multipart/form-data; boundary=XyZ";
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--XyZ--\r\n";
        assert!(is_one_click(multipart, body));
        assert!(!is_one_click(multipart, b"--XyZ--\r\n"));
    }
}
