//! Shared by the integration test binaries: an in-process SMTP server, one
//! that stalls, and helpers to read the emails they receive.
#![allow(dead_code)]

pub mod csv_output;
pub mod database;
pub mod logs;
pub mod mail;
pub mod process;
pub mod smtp;
pub mod stalling_smtp;
