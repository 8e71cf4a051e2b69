//! Input that used to be accepted and then fail later, or do harm later:
//! addresses no email can be built for, look-alike addresses, bytes that are
//! not text, links to private addresses, passwords with spaces at the ends,
//! and CSV files as large as the import page promises.

mod addresses;
mod links;
mod passwords;
mod unreadable;
mod upload_size;
