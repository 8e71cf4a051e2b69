//! The dashboard's figures from introduction to conversation, per recent
//! round and for all rounds, and the public summary: each person counted
//! once, in their final group. The fixture and its hand-worked figures are
//! in `tests/common/conversation_figures.rs`.

use unmentoring::db::followups;
use unmentoring::domain::Met;

use crate::conversation_figures::{self as fixture, at};
use crate::fixtures::followup;
use crate::helpers::spawn_app;

/// The text of each cell of each body row of the table captioned by `caption_id`.
pub fn table_rows(body: &str, caption_id: &str) -> Vec<Vec<String>> {
    let start = body
        .find(&format!("id=\"{caption_id}\""))
        .unwrap_or_else(|| panic!("no table {caption_id}: {body}"));
    let table = &body[start..start + body[start..].find("</table>").unwrap()];
    let tbody = &table[table.find("<tbody>").unwrap()..];
    tbody
        .split("<tr>")
        .skip(1)
        .map(|row| {
            row.split("</td>")
                .flat_map(|cell| cell.split("</th>"))
                .map(text_of)
                .filter(|cell| !cell.is_empty())
                .collect()
        })
        .collect()
}

/// The text of some HTML, without its tags.
fn text_of(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.trim().to_owned()
}

fn strings(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| (*c).to_owned()).collect()
}

#[tokio::test]
async fn the_dashboard_counts_every_step_per_round_and_for_all_rounds() {
    let app = spawn_app().await;
    let built = app.db(|c| Ok(fixture::build(c)));
    let organiser = app.organiser().await;
    let page = organiser.get("/admin").await;
    assert_eq!(page.status, 200);

    let (one, two) = (built.round_1.to_string(), built.round_2.to_string());
    assert_eq!(
        table_rows(&page.body, "steps-caption"),
        vec![
            strings(&[
                &format!("Round {two}"),
                "0 (0%)",
                "0",
                "0",
                "0",
                "0",
                "–",
                "–"
            ]),
            strings(&[
                &format!("Round {one}"),
                "3 (75%)",
                "1",
                "2",
                "1",
                "2",
                "1.5",
                "2.5"
            ]),
            strings(&["All 2 rounds", "3 (60%)", "1", "2", "1", "2", "1.5", "2.5"]),
        ],
        "{}",
        page.body
    );
    assert!(page
        .body
        .contains(&format!("<a href=\"/admin/rounds/{one}\">Round {one}</a>")));
    assert!(page.body.contains("the mean of the two middle values"));

    // The recent rounds: the people still in their groups, each once.
    let rounds: Vec<Vec<String>> = table_rows(&page.body, "rounds-caption")
        .into_iter()
        .map(|mut row| {
            row.remove(1); // the date
            row
        })
        .collect();
    assert_eq!(
        rounds,
        vec![
            strings(&[&format!("Round {two}"), "2", "1", "0%", "–", "0"]),
            strings(&[&format!("Round {one}"), "9", "4", "89%", "75%", "1"]),
        ],
        "{}",
        page.body
    );
}

#[tokio::test]
async fn the_public_summary_counts_no_conversation_of_someone_who_left_their_group() {
    let app = spawn_app().await;
    let built = app.db(|c| Ok(fixture::build(c)));
    // Person 5 answered, then declined: even a "we met" from them is not a
    // conversation (their group has nobody left in it).
    let left = app.db(|c| {
        let ids = unmentoring::db::rounds::member_ids(c, built.round_1)?;
        Ok(ids[&app.id_of("p5@people.test")])
    });
    app.db(|c| followups::save(c, left, &followup(Met::Yes), at("2026-10-20 09:00")));

    let page = app.get("/learned").await;
    assert!(
        page.body
            .contains("<strong>4 conversations</strong> took place"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn days_to_met_count_from_the_yes_not_from_an_earlier_not_yet() {
    let app = spawn_app().await;
    let ann = app.add_participant("Ann Able", "ann@example.org", "Hackney Council");
    let bob = app.add_participant("Bob Baker", "bob@example.org", "Essex County Council");
    let round = app.add_round(at("2026-10-01 09:00"), &[&[ann, bob]]);
    let member = app.member_of(round, ann);
    app.answer(member, &followup(Met::NotYet), at("2026-10-02 09:00"));
    app.answer(member, &followup(Met::Yes), at("2026-10-05 09:00"));
    // Editing the answer later (a link, a note) does not move the date.
    app.answer(member, &followup(Met::Yes), at("2026-10-09 09:00"));

    let reports = app.db(|c| unmentoring::db::rounds::figures::load(c, Some(round)));
    assert_eq!(reports[0].days.to_met, vec![4.0]);

    // Changing the answer away from "yes" forgets the date.
    app.answer(member, &followup(Met::No), at("2026-10-10 09:00"));
    let reports = app.db(|c| unmentoring::db::rounds::figures::load(c, Some(round)));
    assert!(reports[0].days.to_met.is_empty());
}
