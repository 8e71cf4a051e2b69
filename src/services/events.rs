//! Small groups on the day of an event (an unconference, say): a list of
//! attendees (`name,email,organisation`; participants and others alike)
//! split into groups of a chosen size, keeping people from one organisation
//! apart, and people who met through UnMentoring apart, where they can be
//! (see `domain::pairing::event_groups`). Each attendee with an address can
//! be emailed their group (kind `event`).

use std::collections::HashMap;

use chrono::NaiveDateTime;
use rand::rngs::ChaCha8Rng;
use rand::SeedableRng;

use crate::db::{outbox, participants, rounds, Conn};
use crate::domain::pairing::{event_groups, Candidate, EventRequest};
use crate::domain::Attendee;
use crate::email::Composer;

/// The group sizes an organiser may ask for.
pub const SIZES: std::ops::RangeInclusive<usize> = 2..=8;

/// The groups, each a list of attendees (by their place in the list).
pub type Groups = Vec<Vec<usize>>;

/// Makes the groups: people who take part in UnMentoring are recognised by
/// their address, so that who met whom counts; everyone else is new.
/// The same list, size and seed always make the same groups.
pub fn make_groups(
    conn: &mut Conn,
    attendees: &[Attendee],
    size: usize,
    seed: u64,
) -> anyhow::Result<Groups> {
    let history = rounds::history(conn)?;
    let mut candidates = Vec::with_capacity(attendees.len());
    for (i, attendee) in attendees.iter().enumerate() {
        let known = match &attendee.email {
            Some(email) => participants::find_by_email_key(conn, &email.key())?,
            None => None,
        };
        // Others get ids no participant has: below zero.
        let id = known.map_or(-(i as i64) - 1, |p| p.id);
        candidates.push(Candidate {
            id,
            organisation: attendee.organisation.clone(),
        });
    }
    let index: HashMap<i64, usize> = candidates
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id, i))
        .collect();
    let request = EventRequest {
        attendees: &candidates,
        history: &history,
        size,
    };
    let groups = event_groups(&request, &mut ChaCha8Rng::seed_from_u64(seed));
    Ok(groups
        .into_iter()
        .map(|g| {
            g.into_iter()
                .filter_map(|id| index.get(&id).copied())
                .collect()
        })
        .collect())
}

/// Queues each attendee with an address an email naming their group;
/// returns how many. Call it inside a transaction.
pub fn email_groups(
    conn: &mut Conn,
    composer: &Composer,
    event: &str,
    attendees: &[Attendee],
    groups: &Groups,
    now: NaiveDateTime,
) -> anyhow::Result<usize> {
    let mut queued = 0;
    for (number, group) in groups.iter().enumerate() {
        for &me in group {
            let Some(email) = &attendees[me].email else {
                continue;
            };
            let others: Vec<&Attendee> = group
                .iter()
                .filter(|&&other| other != me)
                .map(|&other| &attendees[other])
                .collect();
            let participant = participants::find_by_email_key(conn, &email.key())?.map(|p| p.id);
            let message = composer.event_group(
                event,
                &attendees[me],
                email,
                participant,
                number + 1,
                &others,
            )?;
            outbox::enqueue(conn, &message, now)?;
            queued += 1;
        }
    }
    Ok(queued)
}
