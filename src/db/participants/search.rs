//! Finding people by text and state, a page at a time.

use anyhow::Context;
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text};

use super::{Person, Status};
use crate::db::schema::participants;
use crate::db::{Conn, MultiBackend};

diesel::define_sql_function! {
    /// The engine's own lower case: ASCII letters on SQLite, all letters on
    /// PostgreSQL. Applied to both sides of LIKE, so a search ignores case
    /// the same way on the column and on the words typed.
    fn lower(text: Nullable<Text>) -> Nullable<Text>;
}

/// People on one page of search results.
pub const PAGE_SIZE: i64 = 50;

/// A search: text to look for in name, email address or organisation
/// (empty for everyone), an optional state, and a page counted from 1.
#[derive(Debug, Clone)]
pub struct Search {
    pub text: String,
    pub status: Option<Status>,
    pub page: i64,
}

pub struct Results {
    pub people: Vec<Person>,
    pub total: i64,
}

/// `%text%` for LIKE, with LIKE's own wildcards (and the escape) escaped.
fn like_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

fn filtered(search: &Search) -> participants::BoxedQuery<'static, MultiBackend> {
    let mut query = participants::table.into_boxed();
    if let Some(status) = search.status {
        query = query.filter(participants::status.eq(status));
    }
    if !search.text.is_empty() {
        let pattern = || lower(Some(like_pattern(&search.text)));
        query = query.filter(
            lower(participants::name.nullable())
                .like(pattern())
                .escape('\\')
                .or(lower(participants::organisation.nullable())
                    .like(pattern())
                    .escape('\\'))
                .or(lower(participants::email).like(pattern()).escape('\\'))
                .assume_not_null(),
        );
    }
    query
}

/// One page of people matching a search: taking part first, then by name.
pub fn search(conn: &mut Conn, search: &Search) -> anyhow::Result<Results> {
    let total: i64 = filtered(search)
        .count()
        .get_result(conn)
        .context("could not count participants")?;
    let offset = (search.page.max(1) - 1).saturating_mul(PAGE_SIZE);
    let people = filtered(search)
        .order((
            participants::status.eq(Status::Left),
            lower(participants::name.nullable()),
            participants::id,
        ))
        .limit(PAGE_SIZE)
        .offset(offset)
        .select(Person::as_select())
        .load(conn)
        .context("could not search participants")?;
    Ok(Results { people, total })
}

#[cfg(test)]
mod tests {
    use super::like_pattern;

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(like_pattern("Leeds"), "%Leeds%");
        assert_eq!(like_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}
