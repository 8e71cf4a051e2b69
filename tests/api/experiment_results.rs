//! `/admin/results`: the experiment for organisers. The dashboard's fixture
//! (`tests/common/conversation_figures.rs`) with round 1's groups 1 and 5
//! set to the matched arm:
//!   matched: groups 1 (p1 yes 4 with a link, p2 yes) and 5 (p9 yes, p10 not
//!     yet, p11 no answer): 5 people, answered 4 (80.0%), met 3 (75.0%),
//!     shared 1 of 3 (33.3%), challenge 4 from one answer;
//!   random: round 1's groups 2 (p3 yes, p4 no) and 6 (p6 yes 5, p7 yes), and
//!     round 2's group (p1, p3, no answers): 6 people, answered 4 (66.7%),
//!     met 3 (75.0%), challenge 5 from one answer;
//!   everyone: 11 people, answered 8 (72.7%), met 6 (75.0%), challenge 4.50.

use unmentoring::domain::statistics;

use crate::conversation_figures as fixture;
use crate::dashboard_figures::table_rows;
use crate::helpers::spawn_app;

fn strings(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| (*c).to_owned()).collect()
}

/// As askama writes text into HTML.
fn escaped(text: &str) -> String {
    text.replace('&', "&#38;")
        .replace('\'', "&#39;")
        .replace('"', "&#34;")
}

#[tokio::test]
async fn results_are_for_signed_in_organisers_only() {
    let app = spawn_app().await;
    assert_eq!(app.get("/admin/results").await.location(), "/admin/login");
}

#[tokio::test]
async fn results_compare_the_arms_with_the_verdict_and_every_round() {
    let app = spawn_app().await;
    let built = app.db(|c| Ok(fixture::build(c)));
    let matched = app.execute(&format!(
        "UPDATE meetings SET arm = 'matched' WHERE round_id = {} AND group_number IN (1, 5)",
        built.round_1
    ));
    assert_eq!(matched, 2);
    let organiser = app.organiser().await;
    let page = organiser.get("/admin/results").await;
    assert_eq!(page.status, 200);
    let body = &page.body;
    assert!(
        body.contains("href=\"/admin/results\" aria-current=\"page\""),
        "{body}"
    );

    let verdict = statistics::verdict(&[5.0], &[4.0]);
    assert!(body.contains(&escaped(&verdict)), "{verdict}: {body}");
    let rows = table_rows(body, "arms-caption");
    assert_eq!(rows[1], strings(&["People", "6", "5", "11"]));
    assert_eq!(
        rows[2],
        strings(&["Answered", "4 (66.7%)", "4 (80.0%)", "8 (72.7%)"])
    );
    assert_eq!(
        rows[3],
        strings(&["Met", "3 (75.0%)", "3 (75.0%)", "6 (75.0%)"])
    );
    assert_eq!(
        rows[7],
        strings(&["Challenge", "5.00", "4.00", "4.50 (-1.85 to 10.85)"])
    );
    assert!(body.contains("<th scope=\"col\">Paired at random</th><th scope=\"col\">Paired by interests</th><th scope=\"col\">Everyone</th>"));

    let comparison = table_rows(body, "comparison-caption");
    assert_eq!(
        comparison[2],
        strings(&[
            "Met difference (random − matched)",
            "0.0 percentage points, p = 1.0000"
        ])
    );

    let rounds = table_rows(body, "rounds-caption");
    let (one, two) = (built.round_1.to_string(), built.round_2.to_string());
    assert_eq!(rounds.len(), 6);
    assert_eq!(rounds[1][0], format!("Round {one}"));
    assert_eq!(
        rounds[1][2..],
        strings(&["Paired by interests", "2", "5", "3 (75.0%)", "4.00"])
    );
    assert_eq!(rounds[3][0], format!("Round {two}"));
    assert_eq!(
        rounds[3][2..],
        strings(&["Paired at random", "1", "2", "0 (–)", "–"])
    );
    assert!(body.contains("t-based"), "{body}");
}

#[tokio::test]
async fn results_without_a_matched_share_show_everyone_and_no_comparison() {
    let app = spawn_app().await;
    app.db(|c| Ok(fixture::build(c)));
    let organiser = app.organiser().await;
    let body = organiser.get("/admin/results").await.body;
    assert!(
        body.contains("No comparison is running: experiment.matched_share is 0"),
        "{body}"
    );
    assert!(!body.contains("comparison-caption") && !body.contains("Paired by interests"));
    let rows = table_rows(&body, "arms-caption");
    assert_eq!(rows[1], strings(&["People", "11"]));
    assert_eq!(rows[3], strings(&["Met", "6 (75.0%)"]));
    let rounds = table_rows(&body, "rounds-caption");
    assert_eq!(rounds.len(), 2);
    assert_eq!(
        rounds[0][2..],
        strings(&["Everyone", "4", "9", "6 (75.0%)", "4.50"])
    );
}
