//! Shared by the integration test binaries: an in-process SMTP server and
//! helpers to read the emails it receives.
#![allow(dead_code)]

pub mod mail;
pub mod process;
pub mod smtp;
