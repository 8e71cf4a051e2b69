//! Background jobs that run inside `serve`, beside the delivery worker and the
//! scheduler: hourly clean-up, follow-up reminders, nudges, the rematch pool
//! and inactive people.

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDateTime;
use tokio::sync::Notify;

use crate::clock::Clock;
use crate::configuration::Settings;
use crate::db::followups::in_group;
use crate::db::participants::Participant;
use crate::db::{
    self, followups, organisers, outbox, participants, pending_signups, tokens, unsubscribe_links,
    Pool,
};
use crate::domain::sign_in::{FAILURE_WINDOW_MINUTES, SESSION_IDLE_HOURS};
use crate::domain::{Token, TokenPurpose};
use crate::email::followup::OpenRound;
use crate::email::Composer;
use crate::services::rematch::{match_waiting, MatchReport};
use crate::services::{inactive, nudges};

/// Unconfirmed signups are deleted after this many days.
pub const UNCONFIRMED_DAYS: i64 = 30;

/// Expired links are kept this long, so a late click says "expired", not "not valid".
const EXPIRED_LINK_DAYS: i64 = 30;

const EVERY: Duration = Duration::from_secs(3600);

/// What the hourly jobs need.
#[derive(Clone)]
pub struct Jobs {
    pub pool: Pool,
    pub composer: Composer,
    /// `followup.*` for reminders and nudges, `meetings.*` for the rematch pool.
    pub settings: Settings,
    pub outbox_wake: Arc<Notify>,
    pub clock: Clock,
}

impl Jobs {
    pub fn new(pool: Pool, settings: Settings, outbox_wake: Arc<Notify>, clock: Clock) -> Self {
        Self {
            pool,
            composer: Composer::new(&settings),
            settings,
            outbox_wake,
            clock,
        }
    }

    /// Every hour: clean up, and send the follow-up reminders that are due.
    pub async fn run_until_stopped(self) {
        loop {
            if let Err(e) = tidy(&self.pool, self.clock.now()).await {
                tracing::error!(error = %format!("{e:#}"), "housekeeping failed");
            }
            match self.send_reminders().await {
                Ok(0) => {}
                Ok(_) => self.outbox_wake.notify_one(),
                Err(e) => tracing::error!(error = %format!("{e:#}"), "follow-up reminders failed"),
            }
            self.nudge().await;
            self.match_rematches().await;
            self.wake_if_queued(self.send_bounce_alerts().await, "bounce alerts");
            let inactive = self.ask_inactive().await;
            self.wake_if_queued(
                inactive.map(|(asked, erased)| asked + erased),
                "inactive people",
            );
            tokio::time::sleep(EVERY).await;
        }
    }

    /// Sends the nudges that are due; a failure is logged and tried again
    /// next hour.
    async fn nudge(&self) {
        match self.send_nudges().await {
            Ok(0) => {}
            Ok(_) => self.outbox_wake.notify_one(),
            Err(e) => tracing::error!(error = %format!("{e:#}"), "nudges failed"),
        }
    }

    /// Queues "Have you found a time?" for the groups due one (see
    /// [`nudges::queue_nudges`]); returns the number of emails.
    #[tracing::instrument(name = "nudges", skip(self))]
    pub async fn send_nudges(&self) -> anyhow::Result<usize> {
        let composer = self.composer.clone();
        let nudge_days = self.settings.followup.nudge_days;
        let now = self.clock.now();
        let sent = db::write(&self.pool, move |conn| {
            nudges::queue_nudges(conn, &composer, now, nudge_days)
        })
        .await?;
        if sent > 0 {
            tracing::info!(nudges = sent, "nudges queued");
        }
        Ok(sent)
    }

    /// Alerts organisers to the bounces gathered since the last alert, once
    /// its 24-hour window has ended (noticed within the hour).
    #[tracing::instrument(name = "bounce_alerts", skip(self))]
    pub async fn send_bounce_alerts(&self) -> anyhow::Result<usize> {
        let composer = self.composer.clone();
        let now = self.clock.now();
        db::write(&self.pool, move |conn| {
            crate::services::bounces::alert_if_due(conn, &composer, now)
        })
        .await
    }

    /// Erases the people who did not answer "do you still want
    /// introductions?" within 30 days, then asks those inactive for
    /// `privacy.inactive_months` (see `services::inactive`). Two
    /// transactions, so that a failure in one does not hold up the other.
    /// Returns (asked, erased).
    #[tracing::instrument(name = "inactive_people", skip(self))]
    pub async fn ask_inactive(&self) -> anyhow::Result<(usize, usize)> {
        let now = self.clock.now();
        let (composer, settings) = (self.composer.clone(), self.settings.clone());
        let erased = db::write(&self.pool, move |conn| {
            inactive::erase_unanswered(conn, &composer, &settings, now)
        })
        .await;
        let (composer, settings) = (self.composer.clone(), self.settings.clone());
        let asked = db::write(&self.pool, move |conn| {
            inactive::ask(conn, &composer, &settings, now)
        })
        .await?;
        let erased = erased?;
        if asked > 0 || erased > 0 {
            tracing::info!(asked, erased, "inactive people asked or erased");
        }
        Ok((asked, erased))
    }

    /// Wakes the delivery worker if a job queued email; logs a job that failed.
    fn wake_if_queued(&self, queued: anyhow::Result<usize>, job: &str) {
        match queued {
            Ok(0) => {}
            Ok(_) => self.outbox_wake.notify_one(),
            Err(e) => tracing::error!(error = %format!("{e:#}"), job, "a job failed"),
        }
    }

    /// Queues a reminder for every member of a round at least
    /// `followup.after_days` old who has not answered, once each: one email
    /// per person, listing all their open rounds. Returns the emails queued.
    #[tracing::instrument(name = "followup_reminders", skip(self))]
    pub async fn send_reminders(&self) -> anyhow::Result<usize> {
        let composer = self.composer.clone();
        let after_days = i64::from(self.settings.followup.after_days);
        let now = self.clock.now();
        let sent = db::write(&self.pool, move |conn| {
            queue_reminders(conn, &composer, now, after_days)
        })
        .await?;
        if sent > 0 {
            tracing::info!(reminders = sent, "follow-up reminders queued");
        }
        Ok(sent)
    }

    /// Pairs whoever waits in a rematch pool, and tells those who waited
    /// too long that nobody was found (see `services::rematch`).
    #[tracing::instrument(name = "rematch_pool", skip(self))]
    pub async fn match_rematches(&self) -> Option<MatchReport> {
        let (composer, settings) = (self.composer.clone(), self.settings.clone());
        let now = self.clock.now();
        let matched = db::write(&self.pool, move |conn| {
            match_waiting(conn, &composer, &settings, now)
        })
        .await;
        match matched {
            Ok(report) => {
                if report.emails() > 0 {
                    self.outbox_wake.notify_one();
                }
                Some(report)
            }
            Err(e) => {
                tracing::error!(error = %format!("{e:#}"), "rematching failed");
                None
            }
        }
    }
}

/// Queues one reminder per person for all their memberships in rounds at
/// least `followup.after_days` old that are unanswered: a person in two open
/// rounds gets one email listing both. Returns the number of emails.
fn queue_reminders(
    conn: &mut db::Conn,
    composer: &Composer,
    now: NaiveDateTime,
    after_days: i64,
) -> anyhow::Result<usize> {
    let due = followups::due_reminders(conn, now - chrono::Duration::days(after_days))?;
    let holders: Vec<(i64, i64)> = due.iter().map(|(member, p)| (p.id, *member)).collect();
    let followup_tokens = tokens::issue_followups(conn, &holders, now)?;
    let people = by_person(&due, &followup_tokens);
    let participant_ids: Vec<i64> = people.iter().map(|(p, _)| p.id).collect();
    let manage_tokens = tokens::issue_many(conn, &participant_ids, TokenPurpose::Manage, now)?;
    let mut emails = Vec::with_capacity(people.len());
    for ((person, memberships), manage) in people.iter().zip(&manage_tokens) {
        emails.push(reminder(conn, composer, person, memberships, manage)?);
    }
    outbox::enqueue_all(conn, &emails, now)?;
    let members: Vec<i64> = due.iter().map(|(m, _)| *m).collect();
    followups::mark_reminded(conn, &members, now)?;
    Ok(emails.len())
}

/// Each person with their memberships (member id, new follow-up token);
/// `due` lists each person's memberships in a row.
fn by_person<'a>(
    due: &'a [(i64, Participant)],
    followup_tokens: &'a [Token],
) -> Vec<(&'a Participant, Vec<(i64, &'a Token)>)> {
    let mut people: Vec<(&Participant, Vec<(i64, &Token)>)> = Vec::new();
    for ((member, person), token) in due.iter().zip(followup_tokens) {
        match people.last_mut() {
            Some((last, memberships)) if last.id == person.id => memberships.push((*member, token)),
            _ => people.push((person, vec![(*member, token)])),
        }
    }
    people
}

/// One person's reminder: each open round with its date and partners.
fn reminder(
    conn: &mut db::Conn,
    composer: &Composer,
    person: &Participant,
    memberships: &[(i64, &Token)],
    manage: &Token,
) -> anyhow::Result<outbox::NewEmail> {
    let mut about = Vec::with_capacity(memberships.len());
    for (member, _) in memberships {
        about.push((
            followups::round_start_of(conn, *member)?,
            in_group::partners_of(conn, *member)?,
        ));
    }
    let rounds: Vec<OpenRound<'_>> = memberships
        .iter()
        .zip(&about)
        .map(|((_, followup), (round_started_at, partners))| OpenRound {
            round_started_at: *round_started_at,
            partners,
            followup,
        })
        .collect();
    composer.followup_reminder(person, &rounds, manage)
}

/// What one clean-up deleted.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tidied {
    /// Signups never confirmed, past [`UNCONFIRMED_DAYS`].
    pub signups: usize,
    /// Details sent with a confirmation link that has expired.
    pub details: usize,
    /// Links (and organiser invitations) expired for more than [`EXPIRED_LINK_DAYS`].
    pub links: usize,
    /// Organiser sessions idle past their expiry.
    pub sessions: usize,
    /// Failed sign-ins too old to slow anyone down.
    pub failures: usize,
}

/// Hourly clean-up: unconfirmed signups past 30 days, the details of signups
/// whose link expired, long-expired links, idle organiser sessions and old
/// failed sign-ins (nothing else removes the last two).
#[tracing::instrument(name = "housekeeping", skip(pool))]
pub async fn tidy(pool: &Pool, now: NaiveDateTime) -> anyhow::Result<Tidied> {
    let expired_before = now - chrono::Duration::days(EXPIRED_LINK_DAYS);
    let tidied = db::write(pool, move |conn| {
        Ok(Tidied {
            signups: participants::delete_unconfirmed_before(
                conn,
                now - chrono::Duration::days(UNCONFIRMED_DAYS),
            )?,
            details: pending_signups::delete_unconfirmable(conn, now)?,
            links: tokens::delete_expired_before(conn, expired_before)?
                + unsubscribe_links::delete_expired_before(conn, expired_before)?
                + crate::db::organiser_invites::delete_expired_before(conn, expired_before)?
                + crate::db::round_drafts::delete_expired_before(conn, now)?,
            sessions: organisers::delete_idle_sessions(
                conn,
                now - chrono::Duration::hours(SESSION_IDLE_HOURS),
            )?,
            failures: organisers::delete_failures_before(
                conn,
                now - chrono::Duration::minutes(FAILURE_WINDOW_MINUTES),
            )?,
        })
    })
    .await?;
    if tidied != Tidied::default() {
        tracing::info!(
            signups = tidied.signups,
            details = tidied.details,
            links = tidied.links,
            sessions = tidied.sessions,
            failures = tidied.failures,
            "deleted what is no longer needed"
        );
    }
    Ok(tidied)
}
