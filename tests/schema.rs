//! `src/db/schema.rs` is written by hand; this test keeps it true to the
//! migrations. It migrates a fresh SQLite file, reads every table back with
//! SQLite's own `PRAGMA`s, and compares tables, columns (order, type,
//! nullability), primary keys and foreign keys with what schema.rs declares.

use std::collections::{BTreeMap, BTreeSet};

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text};

const SCHEMA_RS: &str = include_str!("../src/db/schema.rs");

#[derive(Debug, Clone, PartialEq, Eq)]
struct Column {
    name: String,
    /// The diesel type without `Nullable<…>`: `Text`, `BigInt`, …
    sql_type: String,
    nullable: bool,
}

#[derive(Debug, Default)]
struct Table {
    primary_key: Vec<String>,
    columns: Vec<Column>,
}

/// A foreign key as (child table, parent table, column).
type Join = (String, String, String);

/// The `diesel::table!` blocks of schema.rs, and its `joinable!` lines.
fn declared() -> (BTreeMap<String, Table>, BTreeSet<Join>) {
    let mut tables = BTreeMap::new();
    let mut joins = BTreeSet::new();
    let mut current: Option<(String, Table)> = None;
    for line in SCHEMA_RS.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("diesel::joinable!(") {
            // tokens -> participants (participant_id));
            let (child, rest) = rest.split_once(" -> ").expect("child -> parent");
            let (parent, column) = rest.split_once(" (").expect("(column)");
            let column = column.trim_end_matches(");").trim_end_matches(')');
            joins.insert((child.into(), parent.into(), column.into()));
        } else if let Some((name, key)) = line.strip_suffix('{').and_then(|l| {
            let l = l.trim();
            let (name, key) = l.split_once(" (")?;
            Some((name.to_owned(), key.trim_end_matches(')').to_owned()))
        }) {
            let table = Table {
                primary_key: key.split(',').map(|k| k.trim().to_owned()).collect(),
                columns: Vec::new(),
            };
            current = Some((name, table));
        } else if let Some((name, sql_type)) =
            line.strip_suffix(',').and_then(|l| l.split_once(" -> "))
        {
            let (_, table) = current.as_mut().expect("a column inside a table");
            let (sql_type, nullable) = match sql_type.strip_prefix("Nullable<") {
                Some(inner) => (inner.trim_end_matches('>'), true),
                None => (sql_type, false),
            };
            table.columns.push(Column {
                name: name.to_owned(),
                sql_type: sql_type.to_owned(),
                nullable,
            });
        } else if line == "}" {
            if let Some((name, table)) = current.take() {
                tables.insert(name, table);
            }
        }
    }
    (tables, joins)
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct TableInfo {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    sql_type: String,
    #[diesel(sql_type = Integer)]
    notnull: i32,
    #[diesel(sql_type = Integer)]
    pk: i32,
}

#[derive(QueryableByName)]
struct ForeignKey {
    #[diesel(sql_type = Text)]
    table: String,
    #[diesel(sql_type = Text)]
    from: String,
    #[diesel(sql_type = BigInt)]
    seq: i64,
}

/// The diesel types a column of this declared SQL type may be read as.
fn diesel_types_for(declared: &str) -> &'static [&'static str] {
    match declared {
        "INTEGER" => &["Integer", "BigInt"],
        "BIGINT" => &["BigInt"],
        "TEXT" => &["Text"],
        "TIMESTAMP" => &["Timestamp"],
        "DATE" => &["Date"],
        "BOOLEAN" => &["Bool"],
        _ => &[],
    }
}

#[test]
fn schema_rs_matches_the_migrated_database() {
    let dir = tempfile::tempdir().unwrap();
    let pool = unmentoring::db::connect(dir.path().join("schema.db"), 1).unwrap();
    let mut conn = pool.get().unwrap();
    let (declared, joins) = declared();
    assert!(
        declared.len() >= 10,
        "schema.rs was read: {:?}",
        declared.keys()
    );

    let in_database: Vec<String> = diesel::sql_query(
        "SELECT name FROM sqlite_master WHERE type = 'table'
         AND name NOT LIKE 'sqlite_%' AND name <> '__diesel_schema_migrations' ORDER BY name",
    )
    .load::<Name>(&mut conn)
    .unwrap()
    .into_iter()
    .map(|n| n.name)
    .collect();
    assert_eq!(
        in_database,
        declared.keys().cloned().collect::<Vec<_>>(),
        "the same tables"
    );

    let mut problems = Vec::new();
    let mut foreign = BTreeSet::new();
    for (name, table) in &declared {
        let info: Vec<TableInfo> = diesel::sql_query(format!(
            "SELECT name, type AS sql_type, \"notnull\", pk FROM pragma_table_info('{name}') ORDER BY cid"
        ))
            .load(&mut conn)
            .unwrap();
        let real: Vec<&str> = info.iter().map(|c| c.name.as_str()).collect();
        let said: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
        if real != said {
            problems.push(format!(
                "{name}: columns are {real:?} but schema.rs says {said:?}"
            ));
            continue;
        }
        for (column, real) in table.columns.iter().zip(&info) {
            if !diesel_types_for(&real.sql_type).contains(&column.sql_type.as_str()) {
                problems.push(format!(
                    "{name}.{}: {} in the database, {} in schema.rs",
                    column.name, real.sql_type, column.sql_type
                ));
            }
            let nullable = real.notnull == 0 && real.pk == 0;
            if nullable != column.nullable {
                problems.push(format!(
                    "{name}.{}: nullable is {nullable} in the database, {} in schema.rs",
                    column.name, column.nullable
                ));
            }
        }
        let mut key: Vec<(i32, &str)> = info
            .iter()
            .filter(|c| c.pk > 0)
            .map(|c| (c.pk, c.name.as_str()))
            .collect();
        key.sort();
        let key: Vec<&str> = key.into_iter().map(|(_, n)| n).collect();
        if key != table.primary_key {
            problems.push(format!(
                "{name}: primary key {key:?} in the database, {:?} in schema.rs",
                table.primary_key
            ));
        }
        let keys: Vec<ForeignKey> = diesel::sql_query(format!(
            "SELECT \"table\", \"from\", seq FROM pragma_foreign_key_list('{name}')"
        ))
        .load(&mut conn)
        .unwrap();
        for fk in keys.into_iter().filter(|k| k.seq == 0) {
            foreign.insert((name.clone(), fk.table, fk.from));
        }
    }
    // Every joinable! is a real foreign key. (A table may have two keys to the
    // same table, which diesel cannot declare, so not every key is joinable.)
    for join in &joins {
        if !foreign.contains(join) {
            problems.push(format!(
                "joinable!{join:?} is not a foreign key in the database"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "schema.rs has drifted:\n{}",
        problems.join("\n")
    );
}
