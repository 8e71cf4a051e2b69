//! When a person leaves, other people's emails that name them are changed so
//! that nothing identifies them: an email still waiting to go that names
//! them (a partner's introduction, say) is withdrawn, and in every other one
//! their name, address and phone number are replaced.

use std::collections::BTreeSet;

use anyhow::Context;
use diesel::prelude::*;

use super::{EmailKind, OutboxStatus};
use crate::db::schema::outbox;
use crate::db::Conn;

/// What is shown instead of a person who left.
pub const LEFT: &str = "(someone who has left)";

/// `text` with every whole-word `trace` (not part of a longer word, so that
/// "Jo" leaves "Journey" alone) replaced by [`LEFT`].
pub fn replace_whole(text: &str, trace: &str) -> String {
    if trace.is_empty() {
        return text.to_owned();
    }
    let is_word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(trace) {
        // At the start of `rest`, the character before is the last one kept.
        let before = rest[..at].chars().last().or_else(|| out.chars().last());
        let after = rest[at + trace.len()..].chars().next();
        out.push_str(&rest[..at]);
        if is_word(before) || is_word(after) {
            out.push_str(trace);
        } else {
            out.push_str(LEFT);
        }
        rest = &rest[at + trace.len()..];
    }
    out.push_str(rest);
    out
}

/// `text` as a LIKE pattern that matches it anywhere, literally.
pub fn containing(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

#[derive(Queryable)]
struct Naming {
    id: i64,
    kind: EmailKind,
    status: OutboxStatus,
    reply_to: String,
    subject: String,
    body_text: String,
    body_html: String,
    draft: Option<String>,
    calendar: Option<String>,
}

/// Who left, as the emails that name them show it.
pub struct Traces<'a> {
    pub name: &'a str,
    pub address: &'a str,
    /// Anything else that identifies them (their phone number).
    pub others: Vec<&'a str>,
}

/// Changes every email about the person: one that holds their address
/// anywhere, or their name in the subject of an email about people (a name
/// or a phone number alone may be someone else's too: a council's
/// switchboard). It is withdrawn (deleted) if it is still waiting to be sent
/// to someone else about them, and otherwise each trace in it is replaced.
/// Returns how many emails were withdrawn and how many changed.
pub fn forget(conn: &mut Conn, who: &Traces<'_>) -> anyhow::Result<(usize, usize)> {
    let mut ids: BTreeSet<i64> = BTreeSet::new();
    if !who.name.is_empty() {
        let by_name: Vec<i64> = outbox::table
            .filter(outbox::kind.eq_any(NAMING_KINDS))
            .filter(outbox::subject.like(containing(who.name)).escape('\\'))
            .select(outbox::id)
            .load(conn)
            .context("could not find emails naming someone who left")?;
        ids.extend(by_name);
    }
    if !who.address.is_empty() {
        let pattern = containing(who.address);
        let by_address: Vec<i64> = outbox::table
            .filter(
                outbox::subject
                    .like(&pattern)
                    .escape('\\')
                    .or(outbox::reply_to.like(&pattern).escape('\\'))
                    .or(outbox::body_text.like(&pattern).escape('\\'))
                    .or(outbox::body_html.like(&pattern).escape('\\'))
                    .or(outbox::draft.like(&pattern).escape('\\'))
                    .or(outbox::calendar.like(&pattern).escape('\\')),
            )
            .select(outbox::id)
            .load(conn)
            .context("could not find emails naming someone who left")?;
        ids.extend(by_address);
    }
    let traces: Vec<&str> = [who.name, who.address]
        .into_iter()
        .chain(who.others.iter().copied())
        .filter(|t| !t.is_empty())
        .collect();
    let rows: Vec<Naming> = outbox::table
        .filter(outbox::id.eq_any(&ids))
        .select((
            outbox::id,
            outbox::kind,
            outbox::status,
            outbox::reply_to,
            outbox::subject,
            outbox::body_text,
            outbox::body_html,
            outbox::draft,
            outbox::calendar,
        ))
        .load(conn)
        .context("could not read emails naming someone who left")?;
    let (mut withdrawn, mut changed) = (0, 0);
    for row in rows {
        if row.status == OutboxStatus::Queued && is_about_a_partner(row.kind) {
            diesel::delete(outbox::table.find(row.id))
                .execute(conn)
                .context("could not withdraw an email")?;
            withdrawn += 1;
        } else {
            replace_traces(conn, row, &traces)?;
            changed += 1;
        }
    }
    Ok((withdrawn, changed))
}

/// Kinds whose subject may name a person: a partner, or someone whose email bounced.
const NAMING_KINDS: [EmailKind; 5] = [
    EmailKind::Intro,
    EmailKind::Rematch,
    EmailKind::Invite,
    EmailKind::Nudge,
    EmailKind::Alert,
];

/// An email whose point is the people it names: without them it is no use.
fn is_about_a_partner(kind: EmailKind) -> bool {
    matches!(
        kind,
        EmailKind::Intro | EmailKind::Rematch | EmailKind::Invite | EmailKind::Nudge
    )
}

fn replace_traces(conn: &mut Conn, row: Naming, traces: &[&str]) -> anyhow::Result<()> {
    let scrub = |text: &str| {
        traces
            .iter()
            .fold(text.to_owned(), |text, trace| replace_whole(&text, trace))
    };
    diesel::update(outbox::table.find(row.id))
        .set((
            outbox::reply_to.eq(without_them(&row.reply_to, traces)),
            outbox::subject.eq(scrub(&row.subject)),
            outbox::body_text.eq(scrub(&row.body_text)),
            outbox::body_html.eq(scrub(&row.body_html)),
            outbox::draft.eq(row.draft.as_deref().map(scrub)),
            outbox::calendar.eq(row.calendar.as_deref().map(scrub)),
        ))
        .execute(conn)
        .context("could not remove someone who left from an email")?;
    Ok(())
}

/// The Reply-To list without anyone named by a trace.
fn without_them(reply_to: &str, traces: &[&str]) -> String {
    let Ok(list) = serde_json::from_str::<Vec<crate::email::message::Recipient>>(reply_to) else {
        return "[]".into();
    };
    let kept: Vec<_> = list
        .into_iter()
        .filter(|r| !traces.iter().any(|t| r.address == *t || r.name == *t))
        .collect();
    serde_json::to_string(&kept).unwrap_or_else(|_| "[]".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_whole_words_are_replaced() {
        assert_eq!(
            replace_whole("Jo and Jo's Journey, Jo", "Jo"),
            format!("{LEFT} and {LEFT}'s Journey, {LEFT}")
        );
        assert_eq!(
            replace_whole("mailto:jo@x.org\">jo@x.org", "jo@x.org"),
            format!("mailto:{LEFT}\">{LEFT}")
        );
        assert_eq!(replace_whole("Joanna", "Jo"), "Joanna");
    }

    #[test]
    fn a_like_pattern_matches_the_text_literally() {
        assert_eq!(containing("a_b%c\\d"), "%a\\_b\\%c\\\\d%");
    }

    #[test]
    fn the_reply_to_list_loses_only_the_person_who_left() {
        let list = r#"[{"name":"Ann","address":"ann@example.org"},{"name":"Cy","address":"cy@example.org"}]"#;
        assert_eq!(
            without_them(list, &["Ann Able", "ann@example.org"]),
            r#"[{"name":"Cy","address":"cy@example.org"}]"#
        );
    }
}
