//! What the experiment's analysis reads: each person still in their group,
//! with the group's arm, their follow-up answers and whether they shared a
//! link. One query per table, whatever the number of rounds.

use std::collections::{HashMap, HashSet};

use anyhow::Context;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{followup_answers, group_members, meetings, rounds, shared_links};
use crate::db::Conn;
use crate::domain::experiment::analysis::Answer;
use crate::domain::experiment::{Arm, Outcome};
use crate::domain::Met;

type AnswerRow = (Met, Option<i32>, Option<bool>, Option<bool>);

/// Every group member still in their group, oldest round first.
pub fn outcomes(conn: &mut Conn) -> anyhow::Result<Vec<Outcome>> {
    let arms: HashMap<(i64, i32), Arm> = meetings::table
        .select((meetings::round_id, meetings::group_number, meetings::arm))
        .load::<(i64, i32, Arm)>(conn)
        .context("could not read the groups' arms")?
        .into_iter()
        .map(|(round, group, arm)| ((round, group), arm))
        .collect();
    let shared: HashSet<i64> = shared_links::table
        .select(shared_links::group_member_id)
        .distinct()
        .load(conn)
        .context("could not read who shared links")?
        .into_iter()
        .collect();
    let rows: Vec<(i64, i64, NaiveDateTime, i32, Option<AnswerRow>)> = group_members::table
        .inner_join(rounds::table)
        .left_join(followup_answers::table)
        .filter(group_members::left_at.is_null())
        .order((rounds::started_at, rounds::id, group_members::group_number))
        .select((
            group_members::id,
            group_members::round_id,
            rounds::started_at,
            group_members::group_number,
            (
                followup_answers::met,
                followup_answers::challenged,
                followup_answers::would_repeat,
                followup_answers::new_connection,
            )
                .nullable(),
        ))
        .load(conn)
        .context("could not read the follow-up answers")?;
    Ok(rows
        .into_iter()
        .map(
            |(member, round_id, started_at, group_number, answer)| Outcome {
                round_id,
                round_started_at: started_at,
                group_number,
                arm: arms
                    .get(&(round_id, group_number))
                    .copied()
                    .unwrap_or_default(),
                answer: answer.map(|(met, challenged, would_repeat, new_connection)| Answer {
                    met,
                    challenged: challenged.and_then(|c| u8::try_from(c).ok()),
                    would_repeat,
                    new_connection,
                }),
                shared_link: shared.contains(&member),
            },
        )
        .collect())
}
