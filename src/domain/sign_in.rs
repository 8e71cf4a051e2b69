//! How long an organiser's sign-in lasts and how long a failed one counts:
//! read by the console and by the hourly clean-up.

/// Sessions end after this long without a request.
pub const SESSION_IDLE_HOURS: i64 = 12;

/// Failed sign-ins slow the next ones down for this long.
pub const FAILURE_WINDOW_MINUTES: i64 = 15;
