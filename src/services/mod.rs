//! Application services: what the service does, apart from how it is asked.
//! Routes, the console and the command line call these; these call `db`,
//! `domain` and `email`.

pub mod backup;
pub mod bounce_reports;
pub mod bounces;
pub mod concerns;
pub mod copy;
pub mod email_change;
pub mod events;
pub mod experiment;
pub mod export;
pub mod housekeeping;
pub mod import;
pub mod inactive;
pub mod intro_drafts;
pub mod leaving;
pub mod my_data;
pub mod nudges;
pub mod registration;
pub mod rematch;
pub mod round_changes;
pub mod round_drafts;
pub mod round_runner;
pub mod scheduler;
pub mod supervisor;
pub mod unsubscribe;
