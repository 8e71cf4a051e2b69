//! Someone tells the organisers about a problem with an introduction: the
//! concern is stored, the two are never paired again, and every organiser
//! is alerted (or the contact address, when there are no organisers yet).

use chrono::NaiveDateTime;

use crate::configuration::Settings;
use crate::db::concerns::{self, NewConcern};
use crate::db::{never_pairs, organisers, outbox, Conn};
use crate::domain::NeverPairSource;
use crate::email::Composer;

/// A report by `reporter_id` about `about_id`, from their group in `round_id`.
pub struct Report<'a> {
    pub reporter_id: i64,
    pub about_id: i64,
    pub round_id: i64,
    pub concern: &'a str,
}

/// Stores the report and its consequences, once: the same report sent
/// again changes nothing. Call it inside a transaction.
pub fn report(
    conn: &mut Conn,
    composer: &Composer,
    settings: &Settings,
    report: &Report<'_>,
    now: NaiveDateTime,
) -> anyhow::Result<()> {
    let new = NewConcern {
        reporter_id: report.reporter_id,
        about_id: report.about_id,
        round_id: report.round_id,
        concern: report.concern,
    };
    if concerns::is_open_already(conn, &new)? {
        return Ok(());
    }
    concerns::insert(conn, &new, now)?;
    never_pairs::add(
        conn,
        report.reporter_id,
        report.about_id,
        NeverPairSource::Report,
        now,
    )?;
    let mut to: Vec<String> = organisers::list(conn)?
        .into_iter()
        .map(|o| o.email)
        .collect();
    if to.is_empty() {
        to.extend(
            settings
                .organisation
                .contact_email
                .iter()
                .map(|a| a.to_string()),
        );
    }
    if to.is_empty() {
        tracing::warn!(
            "a concern was reported but there is no organiser or contact address to alert"
        );
    }
    let alerts = to
        .iter()
        .map(|address| composer.concern_alert(address))
        .collect::<anyhow::Result<Vec<_>>>()?;
    outbox::enqueue_all(conn, &alerts, now)?;
    tracing::info!(
        reporter_id = report.reporter_id,
        about_id = report.about_id,
        alerts = alerts.len(),
        "a concern was reported"
    );
    Ok(())
}
