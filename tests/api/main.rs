//! Integration tests against the real server on port 0, each with its own
//! SQLite file and an in-process SMTP server.

#[path = "../common/mod.rs"]
mod common;

mod admin_auth;
mod admin_import;
mod admin_participant_edit;
mod admin_participants;
mod admin_rounds;
mod arranged;
mod availability;
mod bad_input;
mod bounces;
mod confirm;
mod contact;
#[path = "../common/conversation_figures.rs"]
mod conversation_figures;
mod dashboard_figures;
mod decline;
mod delivery;
mod delivery_holds;
mod delivery_timeouts;
mod erasure;
mod events;
mod experiment_arms;
mod experiment_results;
mod fixtures;
mod followup;
mod health;
mod helpers;
mod inactive;
mod intro_drafts;
mod learned;
mod manage;
mod my_data;
mod no_reply;
mod nudges;
mod organisation_names;
mod organisers;
mod rematch;
mod reminders;
mod results;
mod robustness;
mod round_groups;
mod round_storage;
mod rounds;
mod safety;
mod secret_links;
mod share_phone;
mod signup;
mod signup_limits;
mod site_files;
mod stored_values;
mod unsubscribe;
