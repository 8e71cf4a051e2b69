//! Every change to a round's groups since it ran, for its console page: who
//! declined or bounced, who waited for a new partner, who was rematched into
//! which group and when, who joined the round to partner them, and who was
//! told that nobody could be found. For the console's round page and
//! `unmentoring round show`.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;

use crate::db::rematches::{Place, RematchRequest};
use crate::domain::{LeftReason, RematchReason};

/// One change, as listed.
pub struct ChangeRow {
    pub when: String,
    pub person: String,
    pub what: String,
}

fn reason(reason: RematchReason) -> &'static str {
    match reason {
        RematchReason::PartnerDeclined => "their partner said they can’t take part",
        RematchReason::PartnerBounced => "email to their partner bounced",
        RematchReason::PartnerSilent => "their partner did not reply",
    }
}

fn shown(name: &str) -> String {
    if name.is_empty() { "(left)" } else { name }.to_owned()
}

/// The changes, oldest first, with times shown by `when`.
pub fn changes(
    places: &[(Place, String)],
    requests: &[RematchRequest],
    when: impl Fn(NaiveDateTime) -> String,
) -> Vec<ChangeRow> {
    let name_of: HashMap<i64, &str> = places.iter().map(|(p, n)| (p.id, n.as_str())).collect();
    let mut events: Vec<(NaiveDateTime, String, String)> = Vec::new();
    for (place, name) in places {
        let left = match place.left_reason {
            Some(LeftReason::Declined) => "said they can’t take part this round",
            Some(LeftReason::Bounced) => "their email bounced",
            _ => continue,
        };
        if let Some(at) = place.left_at {
            let what = format!("Left group {}: {left}", place.group_number);
            events.push((at, shown(name), what));
        }
    }
    let unmatched: HashSet<i64> = places
        .iter()
        .filter(|(p, _)| p.left_reason == Some(LeftReason::Unmatched))
        .map(|(p, _)| p.id)
        .collect();
    for r in requests {
        let name = shown(name_of.get(&r.member_id).copied().unwrap_or_default());
        let waited = format!(
            "Waited for a new partner, from group {}: {}",
            r.from_group_number,
            reason(r.reason)
        );
        events.push((r.requested_at, name.clone(), waited));
        if let (Some(at), Some(group)) = (r.matched_at, r.to_group_number) {
            events.push((at, name.clone(), format!("Rematched into group {group}")));
        }
        if let Some(at) = r.gave_up_at {
            let what = if unmatched.contains(&r.member_id) {
                "Nobody found: sent the “nobody found” email; first in line next round"
            } else {
                "Left the pool: no longer taking part"
            };
            events.push((at, name, what.to_owned()));
        }
    }
    events.extend(newcomers(places, requests, &shown));
    events.sort_by_key(|e| e.0);
    events
        .into_iter()
        .map(|(at, person, what)| ChangeRow {
            when: when(at),
            person,
            what,
        })
        .collect()
}

/// People new to the round who joined a rematch group: members of such a
/// group who never waited in this round's pool.
fn newcomers(
    places: &[(Place, String)],
    requests: &[RematchRequest],
    shown: &dyn Fn(&str) -> String,
) -> Vec<(NaiveDateTime, String, String)> {
    let waited: HashSet<i64> = requests.iter().map(|r| r.member_id).collect();
    let made_at: HashMap<i32, NaiveDateTime> = requests
        .iter()
        .filter_map(|r| Some((r.to_group_number?, r.matched_at?)))
        .collect();
    places
        .iter()
        .filter(|(p, _)| !waited.contains(&p.id))
        .filter_map(|(p, name)| {
            let at = *made_at.get(&p.group_number)?;
            let what = format!(
                "Joined the round in group {} to partner someone waiting (new to the round)",
                p.group_number
            );
            Some((at, shown(name), what))
        })
        .collect()
}
