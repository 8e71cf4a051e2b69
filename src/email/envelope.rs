//! The envelope sender (SMTP `MAIL FROM`, which the receiving server keeps as
//! `Return-Path`). With `email.bounce_address` set, each message's is
//! `bounces+{envelope_id}@domain`, so a bounce that comes back later names
//! the message it is about (see `bounces ingest`).

use anyhow::Context;
use lettre::Address;

/// `bounce`'s local part up to any `+`, then `+{envelope_id}`, at its domain.
pub fn sender_for(bounce: &Address, envelope_id: &str) -> anyhow::Result<Address> {
    let local = bounce.user().split('+').next().unwrap_or_default();
    Address::new(format!("{local}+{envelope_id}"), bounce.domain())
        .context("the envelope sender made from email.bounce_address is not a valid address")
}

/// Length of an envelope id: 128 bits in hex.
const ID_LENGTH: usize = 32;

/// The envelope id in an address like `bounces+{id}@example.org`, found
/// anywhere in `text` (a header value, with or without a display name).
pub fn id_in(text: &str) -> Option<String> {
    text.match_indices('+').find_map(|(at, _)| {
        let rest = &text[at + 1..];
        let id = rest.get(..ID_LENGTH)?;
        let is_id = id.bytes().all(|b| b.is_ascii_hexdigit());
        (is_id && rest[ID_LENGTH..].starts_with('@')).then(|| id.to_ascii_lowercase())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn the_sender_keeps_the_local_part_before_any_plus() {
        let plain: Address = "bounces@example.org".parse().unwrap();
        let tagged: Address = "mail+old@example.org".parse().unwrap();
        assert_eq!(
            sender_for(&plain, ID).unwrap().to_string(),
            format!("bounces+{ID}@example.org")
        );
        assert_eq!(
            sender_for(&tagged, ID).unwrap().to_string(),
            format!("mail+{ID}@example.org")
        );
    }

    #[test]
    fn finds_the_id_in_a_header_value() {
        assert_eq!(
            id_in(&format!("<bounces+{ID}@example.org>")).as_deref(),
            Some(ID)
        );
        assert_eq!(
            id_in(&format!("Bounces <x+y+{}@e.org>", ID.to_uppercase())).as_deref(),
            Some(ID)
        );
        assert_eq!(id_in("bounces@example.org"), None);
        assert_eq!(id_in(&format!("bounces+{ID}x@example.org")), None);
        assert_eq!(id_in("bounces+abc@example.org"), None);
    }
}
