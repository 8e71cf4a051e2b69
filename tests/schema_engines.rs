//! The two engines' migrations make the same schema: every table, column by
//! column (order, type, nullability), with the same primary keys, foreign
//! keys (and what a delete does), unique constraints, indexes and number of
//! CHECK constraints. Needs a PostgreSQL server: `--features postgres-tests`.

#![cfg(feature = "postgres-tests")]

#[path = "common/mod.rs"]
mod common;

use std::collections::{BTreeMap, BTreeSet};

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use unmentoring::db::{self, AnyConnection};

/// One table, as both engines can describe it.
#[derive(Debug, Default, PartialEq, Eq)]
struct Table {
    /// (name, type as diesel reads it, nullable), in order.
    columns: Vec<(String, String, bool)>,
    primary_key: Vec<String>,
    /// (columns, parent table, parent columns, on delete).
    foreign_keys: BTreeSet<(String, String, String, String)>,
    /// Column lists of unique constraints and indexes.
    unique: BTreeSet<String>,
    indexes: BTreeSet<String>,
    checks: usize,
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    a: String,
    #[diesel(sql_type = Text)]
    b: String,
    #[diesel(sql_type = Text)]
    c: String,
    #[diesel(sql_type = Text)]
    d: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn rows(conn: &mut AnyConnection, sql: &str) -> Vec<Row> {
    diesel::sql_query(sql)
        .load(conn)
        .unwrap_or_else(|e| panic!("{e}: {sql}"))
}

/// A column type as the diesel type it is read as. On SQLite an id column
/// is INTEGER (always 64 bits there), so INTEGER primary and foreign keys
/// count as BigInt.
fn diesel_type(raw: &str, is_key: bool) -> String {
    match raw.to_ascii_lowercase().as_str() {
        "integer" if is_key => "BigInt",
        "integer" => "Integer",
        "bigint" => "BigInt",
        "text" => "Text",
        "timestamp" | "timestamp without time zone" => "Timestamp",
        "date" => "Date",
        "boolean" => "Bool",
        other => return format!("unknown {other}"),
    }
    .to_owned()
}

fn sqlite_tables(conn: &mut AnyConnection) -> BTreeMap<String, Table> {
    let names = rows(
        conn,
        "SELECT name AS a, sql AS b, '' AS c, '' AS d, 0 AS n FROM sqlite_master
         WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '__diesel_schema_migrations'",
    );
    let mut tables = BTreeMap::new();
    for table in names {
        let name = table.a;
        let mut t = Table {
            checks: table.b.matches("CHECK (").count(),
            ..Table::default()
        };
        let keys = rows(
            conn,
            &format!(
                "SELECT \"from\" AS a, \"table\" AS b, \"to\" AS c, on_delete AS d, seq AS n
                 FROM pragma_foreign_key_list('{name}')"
            ),
        );
        let key_columns: BTreeSet<String> = keys.iter().map(|k| k.a.clone()).collect();
        for k in keys {
            t.foreign_keys.insert((k.a, k.b, k.c, k.d));
        }
        let mut pk = Vec::new();
        for c in rows(
            conn,
            &format!(
                "SELECT name AS a, type AS b, '' AS c, '' AS d, \"notnull\" * 10 + pk AS n
                 FROM pragma_table_info('{name}') ORDER BY cid"
            ),
        ) {
            let (notnull, in_pk) = (c.n / 10 == 1, c.n % 10);
            if in_pk > 0 {
                pk.push((in_pk, c.a.clone()));
            }
            let is_key = in_pk > 0 || key_columns.contains(&c.a);
            let nullable = !notnull && in_pk == 0;
            t.columns.push((c.a, diesel_type(&c.b, is_key), nullable));
        }
        pk.sort();
        t.primary_key = pk.into_iter().map(|(_, c)| c).collect();
        for index in rows(
            conn,
            &format!(
                "SELECT name AS a, origin AS b, '' AS c, '' AS d, \"unique\" AS n
                 FROM pragma_index_list('{name}')"
            ),
        ) {
            if index.b == "pk" {
                continue;
            }
            let columns: Vec<String> = rows(
                conn,
                &format!(
                    "SELECT name AS a, '' AS b, '' AS c, '' AS d, seqno AS n
                     FROM pragma_index_info('{}') ORDER BY seqno",
                    index.a
                ),
            )
            .into_iter()
            .map(|c| c.a)
            .collect();
            let set = if index.n == 1 {
                &mut t.unique
            } else {
                &mut t.indexes
            };
            set.insert(columns.join(","));
        }
        tables.insert(name, t);
    }
    tables
}

fn postgres_tables(conn: &mut AnyConnection) -> BTreeMap<String, Table> {
    let mut tables: BTreeMap<String, Table> = BTreeMap::new();
    let key_columns: BTreeSet<(String, String)> = rows(
        conn,
        "SELECT tc.table_name::text AS a, kcu.column_name::text AS b, '' AS c, '' AS d, 0::bigint AS n
         FROM information_schema.table_constraints tc
         JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name
         WHERE tc.constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY') AND tc.table_schema = 'public'",
    )
    .into_iter()
    .map(|r| (r.a, r.b))
    .collect();
    for c in rows(
        conn,
        "SELECT table_name::text AS a, column_name::text AS b, data_type::text AS c,
                is_nullable::text AS d, ordinal_position::bigint AS n
         FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations'
         ORDER BY table_name, ordinal_position",
    ) {
        let is_key = key_columns.contains(&(c.a.clone(), c.b.clone()));
        let t = tables.entry(c.a).or_default();
        t.columns
            .push((c.b, diesel_type(&c.c, is_key), c.d == "YES"));
    }
    // Constraints and indexes, each with its columns in order.
    let on_delete = |code: &str| match code {
        "c" => "CASCADE",
        "n" => "SET NULL",
        _ => "NO ACTION",
    };
    for k in rows(
        conn,
        "SELECT con.conrelid::regclass::text AS a, con.contype::text AS b,
                COALESCE(con.confrelid::regclass::text, '') || '|' || con.confdeltype::text AS c,
                (SELECT string_agg(att.attname::text, ',' ORDER BY u.i)
                   FROM unnest(con.conkey) WITH ORDINALITY AS u(k, i)
                   JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = u.k) || '|' ||
                COALESCE((SELECT string_agg(att.attname::text, ',' ORDER BY u.i)
                   FROM unnest(con.confkey) WITH ORDINALITY AS u(k, i)
                   JOIN pg_attribute att ON att.attrelid = con.confrelid AND att.attnum = u.k), '') AS d,
                0::bigint AS n
         FROM pg_constraint con WHERE con.connamespace = 'public'::regnamespace",
    ) {
        let t = tables.entry(k.a).or_default();
        let (parent, delete) = k.c.split_once('|').unwrap();
        let (columns, parent_columns) = k.d.split_once('|').unwrap();
        match k.b.as_str() {
            "p" => t.primary_key = columns.split(',').map(str::to_owned).collect(),
            "f" => {
                t.foreign_keys.insert((
                    columns.into(),
                    parent.into(),
                    parent_columns.into(),
                    on_delete(delete).into(),
                ));
            }
            "u" => {
                t.unique.insert(columns.into());
            }
            "c" => t.checks += 1,
            other => panic!("constraint type {other}"),
        }
    }
    for i in rows(
        conn,
        "SELECT ix.indrelid::regclass::text AS a,
                (SELECT string_agg(att.attname::text, ',' ORDER BY u.i)
                   FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS u(k, i)
                   JOIN pg_attribute att ON att.attrelid = ix.indrelid AND att.attnum = u.k) AS b,
                '' AS c, '' AS d, ix.indisunique::int::bigint AS n
         FROM pg_index ix JOIN pg_class c ON c.oid = ix.indexrelid
         WHERE c.relnamespace = 'public'::regnamespace AND NOT ix.indisprimary
           AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = ix.indexrelid)
           AND ix.indrelid::regclass::text <> '__diesel_schema_migrations'",
    ) {
        let t = tables.entry(i.a).or_default();
        let set = if i.n == 1 {
            &mut t.unique
        } else {
            &mut t.indexes
        };
        set.insert(i.b);
    }
    tables.remove("__diesel_schema_migrations");
    tables
}

#[test]
fn both_engines_migrate_to_the_same_schema() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = db::connect(dir.path().join("schema.db"), 1).unwrap();
    let postgres_url = common::database::fresh_postgres();
    let postgres = db::connect(db::DatabaseUrl::parse(&postgres_url).unwrap(), 1).unwrap();
    let on_sqlite = sqlite_tables(&mut sqlite.get().unwrap());
    let on_postgres = postgres_tables(&mut postgres.get().unwrap());
    assert!(on_sqlite.len() >= 15, "{:?}", on_sqlite.keys());
    assert!(
        on_sqlite
            .values()
            .all(|t| t.columns.iter().all(|c| !c.1.starts_with("unknown"))),
        "{on_sqlite:#?}"
    );
    assert_eq!(
        on_sqlite.keys().collect::<Vec<_>>(),
        on_postgres.keys().collect::<Vec<_>>(),
        "the same tables"
    );
    let mut problems = Vec::new();
    for (name, s) in &on_sqlite {
        let p = &on_postgres[name];
        if s != p {
            problems.push(format!("{name}:\n  SQLite     {s:?}\n  PostgreSQL {p:?}"));
        }
    }
    assert!(
        problems.is_empty(),
        "the engines differ:\n{}",
        problems.join("\n")
    );
}
