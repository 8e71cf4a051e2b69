//! Registration: a signup from the form becomes a pending participant with a
//! confirmation link, or, for an address we know, the right email for them.

use chrono::{Duration, NaiveDateTime};

use crate::db::outbox::NewEmail;
use crate::db::participants::{Participant, Status};
use crate::db::{outbox, participants, pending_signups, tokens, Conn, Isolation};
use crate::domain::{Availability, TokenPurpose, ValidProfile};
use crate::email::Composer;

/// Stores the signup and queues the right email, in one transaction:
/// - a new address: a pending participant and a confirmation link;
/// - an address still waiting for confirmation: a fresh link, which confirms
///   the details submitted with it (earlier links keep confirming theirs);
/// - an address already taking part: their own manage link, nothing changed.
///
/// Whatever the case, the signup form emails an address at most once per
/// `repeat_email_after`: a repeat sooner than that stores and sends nothing.
/// `availability` waits with the other details, like them.
pub fn register(
    conn: &mut Conn,
    composer: &Composer,
    (profile, availability): (&ValidProfile, Availability),
    now: NaiveDateTime,
    repeat_email_after: Duration,
) -> anyhow::Result<()> {
    let key = profile
        .email
        .as_ref()
        .map(|e| e.key())
        .ok_or_else(|| anyhow::anyhow!("a signup needs an email address"))?;
    // READ COMMITTED is enough: the row lock makes two signups for a known
    // address take turns, and for a new one the unique email key lets one
    // in and sends the other round again, to find it (see `db::Isolation`).
    crate::db::transaction_with(conn, Isolation::ReadCommitted, |conn| {
        let (participant_id, email) = match participants::lock_by_email_key(conn, &key)? {
            None => new_signup(conn, composer, (profile, availability), now)?,
            Some(known) if emailed_since(conn, known.id, now - repeat_email_after)? => {
                tracing::info!(
                    participant_id = known.id,
                    "repeat signup soon after the last email: nothing sent"
                );
                return Ok(());
            }
            Some(known) if known.status == Status::Pending => {
                repeat_pending(conn, composer, known, (profile, availability), now)?
            }
            Some(known) => repeat_confirmed(conn, composer, known, now)?,
        };
        participants::note_signup_email(conn, participant_id, now)?;
        outbox::enqueue(conn, &email, now)
    })
}

fn emailed_since(conn: &mut Conn, id: i64, since: NaiveDateTime) -> anyhow::Result<bool> {
    Ok(participants::signup_email_at(conn, id)?.is_some_and(|at| at > since))
}

fn new_signup(
    conn: &mut Conn,
    composer: &Composer,
    (profile, availability): (&ValidProfile, Availability),
    now: NaiveDateTime,
) -> anyhow::Result<(i64, NewEmail)> {
    let person = participants::insert_pending(conn, profile, now)?;
    participants::set_availability(conn, person.id, availability.to_stored().as_deref())?;
    let token = tokens::issue(conn, person.id, TokenPurpose::Confirm, now)?;
    pending_signups::store(conn, &token, person.id, profile, availability, now)?;
    tracing::info!(participant_id = person.id, "new signup");
    Ok((person.id, composer.confirm(&person, &token)?))
}

/// The person's details stay as they are: the new ones wait with the new
/// link. The email greets whoever this signup says they are, as its link
/// would confirm that.
fn repeat_pending(
    conn: &mut Conn,
    composer: &Composer,
    mut known: Participant,
    (profile, availability): (&ValidProfile, Availability),
    now: NaiveDateTime,
) -> anyhow::Result<(i64, NewEmail)> {
    let token = tokens::issue(conn, known.id, TokenPurpose::Confirm, now)?;
    pending_signups::store(conn, &token, known.id, profile, availability, now)?;
    tracing::info!(participant_id = known.id, "repeat of an unconfirmed signup");
    known.name.clone_from(&profile.name);
    Ok((known.id, composer.confirm(&known, &token)?))
}

fn repeat_confirmed(
    conn: &mut Conn,
    composer: &Composer,
    known: Participant,
    now: NaiveDateTime,
) -> anyhow::Result<(i64, NewEmail)> {
    let token = tokens::issue(conn, known.id, TokenPurpose::Manage, now)?;
    tracing::info!(
        participant_id = known.id,
        "repeat signup of a confirmed participant"
    );
    Ok((known.id, composer.manage(&known, &token)?))
}
