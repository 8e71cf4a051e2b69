//! UnMentoring: randomised coffee trials for people who work on digital
//! services in UK councils. People sign up, are paired at random each round,
//! meet for 30 minutes to think, do and share, and tell us what they learned.

pub mod admin;
pub mod cli;
pub mod clock;
pub mod configuration;
pub mod db;
pub mod domain;
pub mod email;
pub mod health;
pub mod middleware;
pub mod pages;
pub mod routes;
pub mod services;
pub mod startup;
pub mod telemetry;
