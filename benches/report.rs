//! `unmentoring report`'s figures for 100 rounds of 10,000 members each:
//! 1,000,000 group members, 500,000 groups, 666,667 follow-up answers, every
//! group's meeting, 1% of the groups changed by a decline and a rematch.
//! Everything is read set-based, in one pass per table.

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion};
use diesel::connection::SimpleConnection;
use unmentoring::db;
use unmentoring::db::rounds::figures;

const PEOPLE: usize = 10_000;
const ROUNDS: usize = 100;

fn template(dir: &Path) -> PathBuf {
    let path = dir.join("report.db");
    let pool = db::connect(&path, 1).unwrap();
    let mut conn = pool.get().unwrap();
    let groups = PEOPLE / 2;
    conn.batch_execute(&format!(
        "BEGIN;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {PEOPLE})
         INSERT INTO participants (id, status, name, organisation, cadence, consent_at, created_at, updated_at)
         SELECT i, 'active', 'Person ' || i, 'Council ' || (i % 20), 'monthly',
                '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-01-01 00:00:00' FROM n;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {ROUNDS})
         INSERT INTO rounds (id, round_key, trigger, seed, include_all, odd_one_out, started_at,
                             people_due, groups_count, trios, sat_out, forced_repeats, same_organisation_pairs)
         SELECT i, 'r' || i, 'manual', i, 0, 'trio', datetime('2020-01-01 09:00:00', '+' || (i * 7) || ' days'),
                {PEOPLE}, {groups}, 0, 0, 0, 250 FROM n;
         INSERT INTO group_members (round_id, group_number, participant_id)
         SELECT r.id, (p.id + 1) / 2, p.id FROM rounds r, participants p ORDER BY r.id, p.id;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {groups})
         INSERT INTO meetings (round_id, group_number, created_at, arranged_at, nudged_at)
         SELECT r.id, n.i, r.started_at,
                CASE WHEN n.i % 3 = 0 THEN datetime(r.started_at, '+' || (n.i % 7) || ' days') END,
                CASE WHEN n.i % 5 = 0 THEN datetime(r.started_at, '+5 days') END
         FROM rounds r, n;
         INSERT INTO followup_answers (group_member_id, met, challenged, publish, answered_at, updated_at)
         SELECT gm.id, CASE WHEN gm.id % 2 = 0 THEN 'yes' ELSE 'not_yet' END, 1 + gm.id % 5, 0,
                datetime(r.started_at, '+' || (gm.id % 11) || ' days'), r.started_at
         FROM group_members gm JOIN rounds r ON r.id = gm.round_id WHERE gm.id % 3 != 0;
         -- 1% of the groups: one member declined, the other was rematched into a new group.
         UPDATE group_members SET left_at = '2020-06-01 00:00:00', left_reason = 'declined'
         WHERE group_number % 100 = 0 AND participant_id % 2 = 1;
         INSERT INTO rematch_requests (round_id, member_id, participant_id, reason, from_group_number,
                                       requested_at, matched_at, to_group_number)
         SELECT round_id, id, participant_id, 'partner_declined', group_number,
                '2020-06-01 00:00:00', '2020-06-02 00:00:00', {groups} + group_number
         FROM group_members WHERE group_number % 100 = 0 AND participant_id % 2 = 0;
         UPDATE group_members SET group_number = {groups} + group_number
         WHERE group_number % 100 = 0 AND participant_id % 2 = 0;
         INSERT INTO meetings (round_id, group_number, created_at)
         SELECT DISTINCT round_id, group_number, '2020-06-02 00:00:00'
         FROM group_members WHERE group_number > {groups};
         COMMIT; PRAGMA wal_checkpoint(TRUNCATE);"
    ))
    .unwrap();
    path
}

fn report(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let pool = db::connect(template(dir.path()), 1).unwrap();
    let mut group = c.benchmark_group("report");
    group.sample_size(10);
    group.bench_function("figures, 100 rounds of 10,000 members", |b| {
        b.iter(|| {
            let mut conn = pool.get().unwrap();
            let reports = figures::load(&mut conn, None).unwrap();
            assert_eq!(reports.len(), ROUNDS);
            let total = figures::total(&reports);
            assert_eq!(total.members, (ROUNDS * (PEOPLE - PEOPLE / 200)) as u64);
            assert_eq!(total.declined, (ROUNDS * PEOPLE / 200) as u64);
            assert!(figures::total_days(&reports).median_to_met().is_some());
        })
    });
    group.finish();
}

criterion_group!(benches, report);
criterion_main!(benches);
