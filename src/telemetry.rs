//! Structured logs. Nothing here may write an email address, a phone number or
//! a token: request logs name the route pattern (`/me/{token}`), never the path.

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::{fmt, EnvFilter};

/// JSON logs on stderr; `RUST_LOG` picks the level (default `info`).
pub fn init() {
    init_with_writer("info", std::io::stderr);
}

/// JSON logs to `writer`, at `RUST_LOG` or else `default_level`. A second
/// call keeps the first subscriber.
pub fn init_with_writer<W>(default_level: &str, writer: W)
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_level));
    let _ = fmt()
        .json()
        .with_env_filter(filter)
        .with_current_span(true)
        .with_span_list(true)
        .with_writer(writer)
        .try_init();
}

/// Hides anything in free text (an SMTP server's answer, say) that looks like
/// an email address, a phone number or a token.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    for c in text.chars() {
        if c.is_whitespace() || "<>()[],;\"'/?=&".contains(c) {
            out.push_str(&redact_word(&word));
            word.clear();
            out.push(c);
        } else {
            word.push(c);
        }
    }
    out.push_str(&redact_word(&word));
    out
}

fn redact_word(word: &str) -> String {
    let digits = word.chars().filter(char::is_ascii_digit).count();
    let token_like = word.len() >= 20
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if word.contains('@') || digits >= 7 || token_like {
        "[redacted]".to_owned()
    } else {
        word.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn hides_addresses_numbers_and_tokens() {
        let text = "550 5.1.1 <jo@x.org>: no such user; call 07700900982 or see /me/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abc";
        let r = redact(text);
        assert!(
            !r.contains("jo@x.org") && !r.contains("07700900982") && !r.contains("AbCdEf"),
            "{r}"
        );
        assert!(r.starts_with("550 5.1.1 <[redacted]>"));
        assert_eq!(redact("connection refused"), "connection refused");
    }
}
