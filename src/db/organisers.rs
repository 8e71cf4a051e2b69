//! Organisers, their signed-in sessions, and failed sign-ins.

use anyhow::Context;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{admin_sessions, login_failures, organisers};
use super::Conn;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = organisers)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct Organiser {
    pub id: i64,
    pub email: String,
    pub password_hash: String,
    pub created_at: NaiveDateTime,
}

/// A signed-in session, with who it belongs to.
#[derive(Debug, Clone)]
pub struct Session {
    pub organiser_id: i64,
    pub email: String,
    pub csrf_token: String,
    pub last_seen_at: NaiveDateTime,
}

/// Adds an organiser; false if the address is taken already.
pub fn add(
    conn: &mut Conn,
    email: &str,
    key: &str,
    password_hash: &str,
    now: NaiveDateTime,
) -> anyhow::Result<bool> {
    let insert = diesel::insert_into(organisers::table)
        .values((
            organisers::email.eq(email),
            organisers::email_key.eq(key),
            organisers::password_hash.eq(password_hash),
            organisers::created_at.eq(now),
        ))
        .on_conflict_do_nothing();
    let added = crate::db::per_engine!(conn, c => insert.execute(c))
        .context("could not add an organiser")?;
    Ok(added == 1)
}

/// Removes an organiser and signs them out everywhere; false if unknown.
pub fn remove(conn: &mut Conn, key: &str) -> anyhow::Result<bool> {
    match find_by_key(conn, key)? {
        Some(organiser) => remove_by_id(conn, organiser.id),
        None => Ok(false),
    }
}

/// Removes an organiser and signs them out everywhere; false if unknown.
/// Their sessions are deleted here, not left to the foreign key's cascade:
/// a session must never outlive its organiser, whatever the database's
/// settings.
pub fn remove_by_id(conn: &mut Conn, id: i64) -> anyhow::Result<bool> {
    end_sessions_of(conn, id, None)?;
    let removed = diesel::delete(organisers::table.find(id))
        .execute(conn)
        .context("could not remove an organiser")?;
    Ok(removed == 1)
}

pub fn find(conn: &mut Conn, id: i64) -> anyhow::Result<Option<Organiser>> {
    organisers::table
        .find(id)
        .select(Organiser::as_select())
        .first(conn)
        .optional()
        .context("could not look up an organiser")
}

/// Stores a new password hash for an organiser; false if unknown.
pub fn set_password(conn: &mut Conn, id: i64, password_hash: &str) -> anyhow::Result<bool> {
    let changed = diesel::update(organisers::table.find(id))
        .set(organisers::password_hash.eq(password_hash))
        .execute(conn)
        .context("could not change a password")?;
    Ok(changed == 1)
}

/// Ends an organiser's sessions, all of them or all but `keep` (the one
/// in use when they change their own password). Returns how many.
pub fn end_sessions_of(
    conn: &mut Conn,
    organiser_id: i64,
    keep: Option<&str>,
) -> anyhow::Result<usize> {
    let theirs = admin_sessions::table.filter(admin_sessions::organiser_id.eq(organiser_id));
    match keep {
        Some(keep) => diesel::delete(theirs.filter(admin_sessions::id_hash.ne(keep))).execute(conn),
        None => diesel::delete(theirs).execute(conn),
    }
    .context("could not end an organiser's sessions")
}

pub fn list(conn: &mut Conn) -> anyhow::Result<Vec<Organiser>> {
    organisers::table
        .order(organisers::email_key)
        .select(Organiser::as_select())
        .load(conn)
        .context("could not list organisers")
}

pub fn find_by_key(conn: &mut Conn, key: &str) -> anyhow::Result<Option<Organiser>> {
    organisers::table
        .filter(organisers::email_key.eq(key))
        .select(Organiser::as_select())
        .first(conn)
        .optional()
        .context("could not look up an organiser")
}

pub fn create_session(
    conn: &mut Conn,
    id_hash: &str,
    organiser_id: i64,
    csrf_token: &str,
    now: NaiveDateTime,
) -> anyhow::Result<()> {
    diesel::insert_into(admin_sessions::table)
        .values((
            admin_sessions::id_hash.eq(id_hash),
            admin_sessions::organiser_id.eq(organiser_id),
            admin_sessions::csrf_token.eq(csrf_token),
            admin_sessions::created_at.eq(now),
            admin_sessions::last_seen_at.eq(now),
        ))
        .execute(conn)
        .context("could not start a session")?;
    Ok(())
}

/// The session with this id, if it was used since `idle_since`.
pub fn find_session(
    conn: &mut Conn,
    id_hash: &str,
    idle_since: NaiveDateTime,
) -> anyhow::Result<Option<Session>> {
    let found: Option<(i64, String, String, NaiveDateTime)> = admin_sessions::table
        .inner_join(organisers::table)
        .filter(admin_sessions::id_hash.eq(id_hash))
        .filter(admin_sessions::last_seen_at.gt(idle_since))
        .select((
            admin_sessions::organiser_id,
            organisers::email,
            admin_sessions::csrf_token,
            admin_sessions::last_seen_at,
        ))
        .first(conn)
        .optional()
        .context("could not read a session")?;
    Ok(
        found.map(|(organiser_id, email, csrf_token, last_seen_at)| Session {
            organiser_id,
            email,
            csrf_token,
            last_seen_at,
        }),
    )
}

pub fn touch_session(conn: &mut Conn, id_hash: &str, now: NaiveDateTime) -> anyhow::Result<()> {
    diesel::update(admin_sessions::table.find(id_hash))
        .set(admin_sessions::last_seen_at.eq(now))
        .execute(conn)
        .context("could not refresh a session")?;
    Ok(())
}

pub fn end_session(conn: &mut Conn, id_hash: &str) -> anyhow::Result<()> {
    diesel::delete(admin_sessions::table.find(id_hash))
        .execute(conn)
        .context("could not end a session")?;
    Ok(())
}

/// Forgets sessions idle since before `idle_since`.
pub fn delete_idle_sessions(conn: &mut Conn, idle_since: NaiveDateTime) -> anyhow::Result<usize> {
    diesel::delete(admin_sessions::table.filter(admin_sessions::last_seen_at.le(idle_since)))
        .execute(conn)
        .context("could not delete idle sessions")
}

pub fn record_failure(
    conn: &mut Conn,
    key: &str,
    ip: &str,
    now: NaiveDateTime,
) -> anyhow::Result<()> {
    diesel::insert_into(login_failures::table)
        .values((
            login_failures::email_key.eq(key),
            login_failures::ip.eq(ip),
            login_failures::failed_at.eq(now),
        ))
        .execute(conn)
        .context("could not record a failed sign-in")?;
    Ok(())
}

/// Recent failures for this account or this address: the larger count, and the latest time.
pub fn recent_failures(
    conn: &mut Conn,
    key: &str,
    ip: &str,
    since: NaiveDateTime,
) -> anyhow::Result<(i64, Option<NaiveDateTime>)> {
    let count_and_last =
        |conn: &mut Conn, by_account: bool| -> anyhow::Result<(i64, Option<NaiveDateTime>)> {
            let query = login_failures::table
                .filter(login_failures::failed_at.gt(since))
                .into_boxed();
            let query = if by_account {
                query.filter(login_failures::email_key.eq(key))
            } else {
                query.filter(login_failures::ip.eq(ip))
            };
            query
                .select((
                    diesel::dsl::count_star(),
                    diesel::dsl::max(login_failures::failed_at),
                ))
                .first(conn)
                .context("could not count failed sign-ins")
        };
    let (by_account, last_account) = count_and_last(conn, true)?;
    let (by_ip, last_ip) = count_and_last(conn, false)?;
    Ok((by_account.max(by_ip), last_account.max(last_ip)))
}

/// Forgets failed sign-ins from before `before`: they no longer count.
pub fn delete_failures_before(conn: &mut Conn, before: NaiveDateTime) -> anyhow::Result<usize> {
    diesel::delete(login_failures::table.filter(login_failures::failed_at.le(before)))
        .execute(conn)
        .context("could not delete old failed sign-ins")
}

/// A successful sign-in clears the account's failures.
pub fn clear_failures(conn: &mut Conn, key: &str) -> anyhow::Result<()> {
    diesel::delete(login_failures::table.filter(login_failures::email_key.eq(key)))
        .execute(conn)
        .context("could not clear failed sign-ins")?;
    Ok(())
}
