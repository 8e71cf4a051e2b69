//! The public results: `/results` and `/results.json`. Only rounds with at
//! least 5 groups count, and nothing about a person is ever shown.

use serde_json::{json, Value};
use unmentoring::domain::{LeftReason, Met, ValidFollowup};

use crate::common::smtp::TestSmtp;
use crate::fixtures::{at, followup, link};
use crate::helpers::{spawn_app, spawn_app_in, TestApp};

/// A follow-up answer with the experiment's questions.
fn answer(met: Met, challenged: Option<u8>, would_repeat: Option<bool>) -> ValidFollowup {
    ValidFollowup {
        challenged: Some(challenged),
        would_repeat: Some(would_repeat),
        ..followup(met)
    }
}

/// Puts the groups of these people in the matched arm (the round runner
/// does this by the round's seed; a fixture cannot choose through it).
fn make_matched(app: &TestApp, round: i64, people: &[i64]) {
    let ids: Vec<String> = people.iter().map(i64::to_string).collect();
    app.execute(&format!(
        "UPDATE meetings SET arm = 'matched' WHERE round_id = {round} AND group_number IN \
         (SELECT group_number FROM group_members WHERE round_id = {round} AND participant_id IN ({}))",
        ids.join(", ")
    ));
}

/// Round A, 1 October 2026: five pairs, three random and two matched.
/// Random: 6 people, 3 answered (50%), 2 met (66.7%), 1 shared (50%),
/// would repeat 1 of 2 (50%), new connection 1 of 1, challenge 4 and 2.
/// Matched: 4 people, 3 answered (75%), 3 met (100%), none shared, would
/// repeat 2 of 2, challenge 5 and 3.
fn round_a(app: &TestApp) -> i64 {
    let p: Vec<i64> = (1..=10)
        .map(|n| {
            app.add_participant(
                &format!("Person {n}"),
                &format!("p{n}@people.test"),
                "Some Council",
            )
        })
        .collect();
    let groups: Vec<&[i64]> = p.chunks(2).collect();
    let round = app.add_round(at("2026-10-01 09:00:00"), &groups);
    make_matched(app, round, &p[6..]);
    let when = at("2026-10-05 09:00:00");
    let first = ValidFollowup {
        new_connection: Some(Some(true)),
        urls: vec![link("https://example.org/what-i-learned")],
        ..answer(Met::Yes, Some(4), Some(true))
    };
    app.answer(app.member_of(round, p[0]), &first, when);
    app.answer(
        app.member_of(round, p[1]),
        &answer(Met::Yes, Some(2), Some(false)),
        when,
    );
    app.answer(
        app.member_of(round, p[2]),
        &answer(Met::No, None, None),
        when,
    );
    app.answer(
        app.member_of(round, p[6]),
        &answer(Met::Yes, Some(5), Some(true)),
        when,
    );
    app.answer(
        app.member_of(round, p[7]),
        &answer(Met::Yes, Some(3), Some(true)),
        when,
    );
    app.answer(
        app.member_of(round, p[8]),
        &answer(Met::Yes, None, None),
        when,
    );
    round
}

/// Distinctive people in round B, which has only 4 groups.
const HIDDEN: [(&str, &str, &str); 8] = [
    (
        "Zebedee Quixotic",
        "zebedee@quuxshire.test",
        "Quuxshire Borough Council",
    ),
    (
        "Xanthe Verisimilar",
        "xanthe@quuxshire.test",
        "Wibbleton District Council",
    ),
    (
        "Ysolde Marchpane",
        "ysolde@frobham.test",
        "Frobham Unitary Authority",
    ),
    (
        "Wilhelmina Oddsock",
        "wilhelmina@frobham.test",
        "Glimmerdale Parish",
    ),
    (
        "Percival Thrumbly",
        "percival@plonk.test",
        "Plonkington Council",
    ),
    (
        "Ottoline Fennimore",
        "ottoline@plonk.test",
        "Snorfolk County Council",
    ),
    (
        "Barnabas Quillfeather",
        "barnabas@grum.test",
        "Grumbleshire Council",
    ),
    (
        "Clementine Wobblesworth",
        "clementine@grum.test",
        "Tottering Borough",
    ),
];

/// Round B, 1 November 2026: four pairs of the people above, all of whom
/// met, scored 1 and shared a link; one pair matched. Left out everywhere.
fn round_b(app: &TestApp) -> i64 {
    let p: Vec<i64> = HIDDEN
        .iter()
        .map(|(name, email, organisation)| app.add_participant(name, email, organisation))
        .collect();
    let groups: Vec<&[i64]> = p.chunks(2).collect();
    let round = app.add_round(at("2026-11-01 09:00:00"), &groups);
    make_matched(app, round, &p[..2]);
    for (i, &person) in p.iter().enumerate() {
        let shared = ValidFollowup {
            urls: vec![link(&format!("https://example.org/secret-{i}"))],
            ..answer(Met::Yes, Some(1), Some(false))
        };
        app.answer(
            app.member_of(round, person),
            &shared,
            at("2026-11-03 09:00:00"),
        );
    }
    round
}

async fn results_json(app: &TestApp) -> Value {
    let page = app.get("/results.json").await;
    assert_eq!(page.status, 200);
    assert_eq!(page.header("content-type"), "application/json");
    serde_json::from_str(&page.body).unwrap()
}

fn assert_close(value: &Value, expected: f64) {
    let got = value
        .as_f64()
        .unwrap_or_else(|| panic!("a number: {value}"));
    assert!((got - expected).abs() < 0.006, "{got} ≠ {expected}");
}

#[tokio::test]
async fn the_json_has_each_arm_the_comparison_and_each_published_round() {
    let app = spawn_app().await;
    round_a(&app);
    round_b(&app);
    let data = results_json(&app).await;

    assert_eq!(data["comparing"], json!(true));
    assert!(data["hypothesis"]
        .as_str()
        .unwrap()
        .starts_with("Being paired at random"));
    let random = &data["arms"]["random"];
    for (key, value) in [
        ("groups", json!(3)),
        ("people", json!(6)),
        ("answered", json!(3)),
        ("answered_pct", json!(50.0)),
        ("met_pct", json!(66.7)),
        ("shared_pct", json!(50.0)),
        ("would_repeat_pct", json!(50.0)),
        ("new_connection_pct", json!(100.0)),
        ("challenge_answers", json!(2)),
    ] {
        assert_eq!(random[key], value, "random {key}: {random}");
    }
    // 3 ± t(0.975, 1) · √2/√2 = 3 ± 12.706.
    assert_eq!(random["challenge_mean"], json!(3.0));
    assert_close(&random["challenge_ci_low"], -9.71);
    assert_close(&random["challenge_ci_high"], 15.71);

    let matched = &data["arms"]["matched"];
    assert_eq!(matched["people"], json!(4));
    assert_eq!(matched["answered_pct"], json!(75.0));
    assert_eq!(matched["met_pct"], json!(100.0));
    assert_eq!(matched["shared_pct"], json!(0.0));
    assert_eq!(matched["would_repeat_pct"], json!(100.0));
    assert_eq!(matched["new_connection_pct"], Value::Null);
    assert_eq!(matched["challenge_mean"], json!(4.0));

    // Everyone in round A only: 4, 2, 5, 3 gives 3.5 ± 3.182 · 0.6455.
    let all = &data["arms"]["all"];
    assert_eq!(all["groups"], json!(5));
    assert_eq!(all["people"], json!(10));
    assert_eq!(all["answered_pct"], json!(60.0));
    assert_eq!(all["met_pct"], json!(83.3));
    assert_eq!(all["shared_pct"], json!(20.0));
    assert_eq!(all["would_repeat_pct"], json!(75.0));
    assert_eq!(all["challenge_mean"], json!(3.5));
    assert_close(&all["challenge_ci_low"], 1.45);
    assert_close(&all["challenge_ci_high"], 5.55);

    // Random − matched: −1 ± t(0.975, 2) · √2 (Welch); met 2/3 − 3/3.
    let comparison = &data["comparison"];
    assert_eq!(comparison["challenge_difference"], json!(-1.0));
    assert_close(&comparison["challenge_difference_ci_low"], -7.08);
    assert_close(&comparison["challenge_difference_ci_high"], 5.08);
    assert_eq!(comparison["met_pct_difference"], json!(-33.3));
    assert_close(&comparison["met_p"], 0.273);
    assert_close(&comparison["challenge_p"], 0.699);
    assert!(comparison["more_answers_for_power"].as_u64().unwrap() > 0);
    let verdict = comparison["verdict"].as_str().unwrap();
    assert!(verdict.starts_with("Not enough answers yet"), "{verdict}");

    assert_eq!(data["min_groups_per_round"], json!(5));
    let rounds = data["rounds"].as_array().unwrap();
    assert_eq!(rounds.len(), 1, "round B has 4 groups: left out");
    assert!(rounds[0]["started_at"]
        .as_str()
        .unwrap()
        .starts_with("2026-10-01"));
    let arms = rounds[0]["arms"].as_object().unwrap();
    assert_eq!(
        arms.keys().collect::<Vec<_>>(),
        ["all"],
        "no arm within a round"
    );
    let round = &arms["all"];
    assert_eq!(
        (&round["groups"], &round["people"]),
        (&json!(5), &json!(10))
    );
    assert_eq!(
        (&round["met_pct"], &round["challenge_mean"]),
        (&json!(83.3), &json!(3.5))
    );
}

#[tokio::test]
async fn the_page_shows_the_same_figures_in_words() {
    let app = spawn_app().await;
    round_a(&app);
    round_b(&app);
    let page = app.get("/results").await;
    assert_eq!(page.status, 200);
    let body = &page.body;
    for expected in [
        "<h1 class=\"heading-xl\">Results</h1>",
        "A comparison is running",
        "at least 5 groups",
        "<th scope=\"col\">Paired at random</th><th scope=\"col\">Paired by interests</th>",
        "<td>66.7%</td>",
        "3.0 out of 5 (95% confidence interval −9.7 to 15.7, from 2 answers)",
        "3.5 out of 5 (95% confidence interval 1.4 to 5.6, from 4 answers)",
        "t-based",
        "−1.0 points (95% confidence interval −7.1 to +5.1).",
        "<td>p = 0.699</td>",
        "−33.3 percentage points (p = 0.273).",
        "Not enough answers yet (need about",
        "<time datetime=\"2026-10-01\">1 October 2026</time></th><td>5</td><td>10</td><td>83.3%</td><td>3.5</td>",
        "role=\"img\"",
        "<a href=\"/results.json\">Download these figures as JSON</a>",
    ] {
        assert!(body.contains(expected), "{expected:?} in {body}");
    }
}

#[tokio::test]
async fn a_round_with_fewer_than_5_groups_is_left_out_and_nobody_in_it_is_named() {
    let app = spawn_app().await;
    round_b(&app);
    let page = app.get("/results").await;
    let json = app.get("/results.json").await;
    for (name, email, organisation) in HIDDEN {
        for text in [name, email, organisation, name.split(' ').next().unwrap()] {
            assert!(!page.body.contains(text), "{text} on the page");
            assert!(!json.body.contains(text), "{text} in the JSON");
        }
    }
    assert!(page.body.contains("No results yet"), "{}", page.body);
    assert!(!page.body.contains("1 November 2026"));
    let data: Value = serde_json::from_str(&json.body).unwrap();
    assert_eq!(data["rounds"], json!([]));
    assert_eq!(data["arms"]["all"]["people"], json!(0));
    assert_eq!(data["arms"]["matched"]["people"], json!(0));

    // Beside a round with enough groups, it still counts for nothing.
    round_a(&app);
    let data = results_json(&app).await;
    assert_eq!(data["rounds"].as_array().unwrap().len(), 1);
    assert_eq!(data["arms"]["all"]["people"], json!(10));
    let page = app.get("/results").await;
    assert!(page.body.contains("1 October 2026"));
    assert!(!page.body.contains("1 November 2026"));
    for (name, email, organisation) in HIDDEN {
        for text in [name, email, organisation] {
            assert!(!page.body.contains(text), "{text} on the page");
        }
    }
    // Nor is anyone in the published round named.
    assert!(!page.body.contains("p1@people.test") && !page.body.contains("Person 1"));
}

#[tokio::test]
async fn with_nothing_to_publish_the_page_says_so_and_no_comparison_runs() {
    let app = spawn_app().await;
    let page = app.get("/results").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("No results yet: "), "{}", page.body);
    assert!(page
        .body
        .contains("No comparison is running at the moment: everyone is paired at random."));
    assert!(!page.body.contains("<svg"));
    let data = results_json(&app).await;
    assert_eq!(data["comparing"], json!(false));
    assert_eq!(data["comparison"], Value::Null);
    assert_eq!(data["rounds"], json!([]));
    assert_eq!(data["arms"]["all"]["met_pct"], Value::Null);
}

#[tokio::test]
async fn every_page_links_to_the_results_in_its_header() {
    let app = spawn_app().await;
    for path in ["/", "/learned", "/results"] {
        let page = app.get(path).await;
        let nav = &page.body[page.body.find("aria-label=\"Main\"").unwrap()..];
        let nav = &nav[..nav.find("</nav>").unwrap()];
        assert!(
            nav.contains("<a href=\"/learned\">What people learned</a></li>\n          <li><a href=\"/results\">Results</a>"),
            "{path}: {nav}"
        );
    }
}

#[tokio::test]
async fn the_hypothesis_is_escaped_and_a_running_comparison_is_said_to_run() {
    let app = spawn_app_in(tempfile::tempdir().unwrap(), TestSmtp::start(), |s| {
        s.experiment.hypothesis = "<script>alert(1)</script> & pairs \"differ\"".to_owned();
        s.experiment.matched_share = 0.5;
    })
    .await;
    let page = app.get("/results").await;
    assert!(!page.body.contains("<script>"), "{}", page.body);
    // askama writes numeric character references.
    assert!(
        page.body
            .contains("&#60;script&#62;alert(1)&#60;/script&#62; &#38; pairs &#34;differ&#34;"),
        "{}",
        page.body
    );
    assert!(page.body.contains("A comparison is running"));
    assert!(page.body.contains("No results yet"));
    let data = results_json(&app).await;
    assert_eq!(
        data["hypothesis"],
        json!("<script>alert(1)</script> & pairs \"differ\"")
    );
    assert_eq!(data["comparing"], json!(true));
}

#[tokio::test]
async fn someone_who_declines_or_leaves_half_way_is_counted_as_documented() {
    let app = spawn_app().await;
    let round = round_a(&app);
    let members = app.db(|c| unmentoring::db::rounds::member_ids(c, round));
    let mut people: Vec<i64> = members.keys().copied().collect();
    people.sort_unstable();

    // Person 8 (matched, met, challenge 3) declines after answering: no
    // longer in the group, so no longer counted anywhere.
    let now = app.clock.now();
    let left = app.db(|c| {
        unmentoring::db::rematches::leave_group(c, members[&people[7]], LeftReason::Declined, now)
    });
    assert!(left);
    let matched = results_json(&app).await["arms"]["matched"].clone();
    assert_eq!(matched["people"], json!(3));
    assert_eq!(matched["answered"], json!(2));
    assert_eq!(matched["challenge_mean"], json!(5.0));

    // Person 1 (random, met, challenge 4, the one shared link) leaves
    // UnMentoring: their details and links are erased, their answers stay,
    // anonymous, so the counts do not change behind the public's back.
    app.erase(people[0]);
    let random = results_json(&app).await["arms"]["random"].clone();
    assert_eq!(random["people"], json!(6));
    assert_eq!(random["answered"], json!(3));
    assert_eq!(random["challenge_mean"], json!(3.0));
    assert_eq!(random["shared"], json!(0), "their link went with them");
    let page = app.get("/results").await;
    assert!(!page.body.contains("Person 1"), "nobody is named");
}
