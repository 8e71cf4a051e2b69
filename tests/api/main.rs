//! Integration tests against the real server on port 0, each with its own
//! SQLite file and an in-process SMTP server.

#[path = "../common/mod.rs"]
mod common;

mod admin_auth;
mod admin_import;
mod admin_participants;
mod admin_rounds;
mod bad_input;
mod bounces;
mod confirm;
mod delivery;
mod delivery_timeouts;
mod fixtures;
mod followup;
mod health;
mod helpers;
mod learned;
mod manage;
mod organisation_names;
mod robustness;
mod rounds;
mod secret_links;
mod signup;
mod signup_limits;
mod site_files;
mod stored_values;
