//! Background jobs that run inside `serve`, beside the delivery worker.

use std::time::Duration;

use crate::db::{self, participants, tokens, Pool};

/// Unconfirmed signups are deleted after this many days.
pub const UNCONFIRMED_DAYS: i64 = 30;

/// Expired links are kept this long, so a late click says "expired", not "not valid".
const EXPIRED_LINK_DAYS: i64 = 30;

const EVERY: Duration = Duration::from_secs(3600);

/// Hourly clean-up: unconfirmed signups past 30 days, and long-expired links.
pub async fn housekeeping(pool: Pool) {
    loop {
        if let Err(e) = tidy(&pool).await {
            tracing::error!(error = %format!("{e:#}"), "housekeeping failed");
        }
        tokio::time::sleep(EVERY).await;
    }
}

#[tracing::instrument(name = "housekeeping", skip(pool))]
pub async fn tidy(pool: &Pool) -> anyhow::Result<(usize, usize)> {
    let (signups, links) = db::run(pool, |conn| {
        let now = db::now();
        conn.immediate_transaction(|conn| {
            let signups = participants::delete_unconfirmed_before(
                conn,
                now - chrono::Duration::days(UNCONFIRMED_DAYS),
            )?;
            let links = tokens::delete_expired_before(
                conn,
                now - chrono::Duration::days(EXPIRED_LINK_DAYS),
            )?;
            Ok::<_, anyhow::Error>((signups, links))
        })
    })
    .await?;
    if signups + links > 0 {
        tracing::info!(
            signups,
            links,
            "deleted unconfirmed signups and expired links"
        );
    }
    Ok((signups, links))
}
