//! Writing a round's introductions just before they are sent. A round queues
//! each introduction as a draft (what it says, without links); the delivery
//! worker issues the member's own links and writes the email from the draft
//! in one transaction, before the first attempt. A retry sends what was
//! written, links and all.

use anyhow::Context;
use chrono::NaiveDateTime;

use crate::db::outbox::{self, Hold, QueuedEmail};
use crate::db::{rounds, tokens, Conn};
use crate::domain::TokenPurpose;
use crate::email::intro::{IntroDraft, IntroLinks};
use crate::email::Composer;

/// Writes the drafted introduction `email`, held under `hold`, and stores
/// it in the outbox in the caller's transaction. Returns it written; the
/// same email if it holds no draft; `None`, changing nothing, if the hold
/// ran out and another worker has it now.
pub fn write_held(
    conn: &mut Conn,
    composer: &Composer,
    email: &QueuedEmail,
    hold: &Hold,
    now: NaiveDateTime,
) -> anyhow::Result<Option<QueuedEmail>> {
    if !outbox::is_held(conn, hold)? {
        return Ok(None);
    }
    let Some(draft) = IntroDraft::of(&email.content)? else {
        return Ok(Some(email.clone()));
    };
    let participant_id = email
        .content
        .participant_id
        .context("a drafted introduction names nobody")?;
    let round_id = email
        .content
        .round_id
        .context("a drafted introduction has no round")?;
    let manage = tokens::issue(conn, participant_id, TokenPurpose::Manage, now)?;
    let followup =
        match rounds::member_in_group(conn, round_id, participant_id, draft.group_number())? {
            Some(member) => tokens::issue_followups(conn, &[(participant_id, member)], now)?.pop(),
            None => None,
        };
    let links = IntroLinks {
        manage: &manage,
        followup: followup.as_ref(),
    };
    let content = composer.write_intro(&email.content, &draft, &links)?;
    if !outbox::store_written(conn, hold, &content)? {
        anyhow::bail!("a held introduction could not be stored written");
    }
    let mut written = email.clone();
    written.content = content;
    Ok(Some(written))
}
