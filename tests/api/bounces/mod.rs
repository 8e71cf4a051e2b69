//! Bounces: a refused or given-up email makes its participant `bouncing`,
//! takes them out of their group, puts a partner left alone in the rematch
//! pool, and alerts organisers at most once a day; envelope senders carry the
//! message's id for late bounces.

mod alerts;
mod console;
mod email_change;
mod envelope;
mod refused;

use unmentoring::services::housekeeping::Jobs;

use crate::common::mail::ReceivedEmail;
use crate::helpers::TestApp;

pub fn jobs(app: &TestApp) -> Jobs {
    app.jobs()
}

/// Two organisers, who get the alerts.
pub const ORGANISERS: [&str; 2] = ["org.one@example.org", "org.two@example.org"];

pub fn add_organisers(app: &TestApp) {
    for email in ORGANISERS {
        app.add_organiser(email, "a long test password");
    }
}

/// Every alert received so far.
pub fn alerts(app: &TestApp) -> Vec<ReceivedEmail> {
    app.smtp
        .received()
        .into_iter()
        .filter(|e| e.kind == "alert")
        .collect()
}

pub fn status_of(app: &TestApp, id: i64) -> String {
    let sql = |status: &str| format!("participants WHERE id = {id} AND status = '{status}'");
    ["active", "paused", "bouncing", "left", "pending"]
        .into_iter()
        .find(|s| app.count(&sql(s)) == 1)
        .expect("a participant with a status")
        .to_owned()
}
