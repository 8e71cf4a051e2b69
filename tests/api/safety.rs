//! Safety between strangers: "I'd rather not be paired with them again"
//! (`avoid_partner` on the follow-up form), `/report/{token}`, the
//! console's concerns and never-pair rules, and rounds that honour them.

use std::collections::HashSet;

use unmentoring::db::never_pairs;
use unmentoring::domain::NeverPairSource;

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_report_is_kept_for_the_organisers_who_are_alerted_and_the_partner_is_not_told() {
    let app = spawn_app().await;
    app.add_organiser("org1@council.example", "a long test password");
    app.add_organiser("org2@council.example", "a long test password");
    let intro = app.pair_ann_and_bob().await;
    let report = intro.link_to(app.link_base(), "/report/");

    let page = app.get(&report).await;
    assert_eq!(page.status, 200);
    assert!(page
        .body
        .contains("Tell the organisers about a problem with this introduction"));
    assert!(page.body.contains("name=\"concern\""));

    let empty = app.post_form(&report, &[("concern", "   ")]).await;
    assert_eq!(empty.status, 200);
    assert!(
        empty.body.contains("Tell us what happened"),
        "{}",
        empty.body
    );
    assert_eq!(app.count("concerns"), 0);

    let what = "He asked for my <b>bank details</b>.";
    let done = app.post_form(&report, &[("concern", what)]).await;
    assert_eq!(done.status, 200);
    assert!(done.body.contains("Thank you for telling us"));
    assert!(done
        .body
        .contains("We will not pair you with Bob Baker again"));
    assert_eq!(app.count("concerns WHERE dealt_with_at IS NULL"), 1);
    assert_eq!(app.count("never_pairs WHERE source = 'report'"), 1);
    let again = app.post_form(&report, &[("concern", what)]).await;
    assert!(again.body.contains("Thank you for telling us"));
    assert_eq!(app.count("concerns"), 1, "sent twice, stored once");
    assert_eq!(
        app.count("outbox WHERE kind = 'alert'"),
        2,
        "one alert per organiser"
    );

    app.deliver().await;
    for organiser in ["org1@council.example", "org2@council.example"] {
        let alert = app
            .smtp
            .received()
            .into_iter()
            .find(|e| e.is_for(organiser))
            .expect("an alert to each organiser");
        assert_eq!(alert.kind, "alert");
        assert!(alert.text.contains("/admin/concerns"));
        for private in ["bank details", "Ann", "Bob"] {
            assert!(!alert.text.contains(private), "{private} in {}", alert.text);
        }
    }
    assert_eq!(
        app.kinds_for("bob@example.org"),
        ["intro"],
        "Bob is not told"
    );
}

#[tokio::test]
async fn a_report_from_a_trio_says_who_it_is_about() {
    let app = spawn_app().await;
    app.add_participant("Ann Able", "ann@example.org", "Leeds");
    let bob = app.add_participant("Bob Baker", "bob@example.org", "Kent");
    let cat = app.add_participant("Cat Cole", "cat@example.org", "Fife");
    app.run_round_for_everyone().await;
    let intro = app.email_for("ann@example.org", 3).await;
    let report = intro.link_to(app.link_base(), "/report/");
    let page = app.post_form(&report, &[("concern", "Rude.")]).await;
    assert!(
        page.body.contains("Select who it is about"),
        "{}",
        page.body
    );
    assert!(page.body.contains(">Rude.</textarea>"), "the text is kept");
    let about = cat.to_string();
    let done = app
        .post_form(&report, &[("concern", "Rude."), ("about", &about)])
        .await;
    assert!(done
        .body
        .contains("We will not pair you with Cat Cole again"));
    let rules = app.db(never_pairs::all);
    assert_eq!(rules.len(), 1);
    assert!(!rules.iter().any(|(a, b)| *a == bob || *b == bob));
}

#[tokio::test]
async fn avoid_partner_on_the_follow_up_form_sets_a_rule_the_partner_never_hears_of() {
    let app = spawn_app().await;
    let intro = app.pair_ann_and_bob().await;
    let followup = intro.link_to(app.link_base(), "/followup/");
    let page = app.get(&followup).await;
    assert!(page.body.contains("name=\"avoid_partner\""));
    assert!(
        page.body.contains("/report/"),
        "the follow-up page links to the report form"
    );

    // An error elsewhere on the form keeps the box ticked, and sets nothing.
    let bad = app
        .post_form(&followup, &[("met", "maybe"), ("avoid_partner", "yes")])
        .await;
    assert!(bad.body.contains(
        "id=\"avoid_partner\" name=\"avoid_partner\" type=\"checkbox\" value=\"yes\" checked"
    ));
    assert_eq!(app.count("never_pairs"), 0);

    let saved = app
        .post_form(&followup, &[("met", "yes"), ("avoid_partner", "yes")])
        .await;
    assert_eq!(saved.status, 303);
    assert_eq!(app.count("never_pairs WHERE source = 'avoid'"), 1);
    let page = app.get(&followup).await;
    assert!(page
        .body
        .contains("You have asked not to be paired with Bob Baker again"));
    app.deliver().await;
    assert_eq!(app.kinds_for("bob@example.org"), ["intro"]);
}

#[tokio::test]
async fn organisers_see_open_concerns_mark_them_dealt_with_and_manage_rules() {
    let app = spawn_app().await;
    let intro = app.pair_ann_and_bob().await;
    let report = intro.link_to(app.link_base(), "/report/");
    app.post_form(&report, &[("concern", "Line one.\nLine two.")])
        .await;
    let cat = app.add_participant("Cat Cole", "cat@example.org", "Fife");
    let organiser = app.organiser().await;

    let page = organiser.get("/admin/concerns").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Line one.\nLine two."));
    assert!(page.body.contains("Ann Able") && page.body.contains("Bob Baker"));
    assert!(page.body.contains("Reported a concern"));

    let id = app.db(unmentoring::db::concerns::open)[0].id;
    let done = organiser
        .post(&format!("/admin/concerns/{id}/dealt-with"), &[])
        .await;
    assert_eq!(done.status, 303);
    assert_eq!(
        app.count("concerns WHERE dealt_with_at IS NOT NULL AND dealt_with_by IS NOT NULL"),
        1
    );
    assert!(organiser
        .get("/admin/concerns")
        .await
        .body
        .contains("There are no open concerns"));

    let unknown = organiser
        .post(
            "/admin/never-pairs",
            &[
                ("first_email", "ANN@example.org"),
                ("second_email", "nobody@example.org"),
            ],
        )
        .await;
    assert_eq!(unknown.status, 200);
    assert!(unknown
        .body
        .contains("There is no participant with this email address"));
    assert!(
        unknown.body.contains("value=\"nobody@example.org\""),
        "values kept"
    );
    let added = organiser
        .post(
            "/admin/never-pairs",
            &[
                ("first_email", "ANN@example.org"),
                ("second_email", "cat@example.org"),
            ],
        )
        .await;
    assert_eq!(added.status, 303);
    assert_eq!(app.count("never_pairs WHERE source = 'organiser'"), 1);

    let rule = app
        .db(never_pairs::listed)
        .into_iter()
        .find(|r| r.first.0 == cat || r.second.0 == cat)
        .unwrap();
    let removed = organiser
        .post(&format!("/admin/never-pairs/{}/remove", rule.id), &[])
        .await;
    assert_eq!(removed.status, 303);
    assert_eq!(app.count("never_pairs"), 1, "only the reported one is left");
}

#[tokio::test]
async fn never_pair_rules_hold_across_twenty_seeded_rounds() {
    let app = spawn_app().await;
    let people: Vec<i64> = ["Ann", "Bob", "Cat", "Dan", "Eve", "Fay", "Gus"]
        .iter()
        .enumerate()
        .map(|(i, name)| {
            app.add_participant(
                name,
                &format!("{}@example.org", name.to_lowercase()),
                &format!("Council {i}"),
            )
        })
        .collect();
    let now = app.clock.now();
    let rules = [
        (people[0], people[1], NeverPairSource::Avoid),
        (people[2], people[3], NeverPairSource::Report),
        (people[0], people[4], NeverPairSource::Organiser),
    ];
    app.db(|c| {
        for (a, b, source) in rules {
            never_pairs::add(c, a, b, source, now)?;
        }
        Ok(())
    });
    let forbidden: HashSet<(i64, i64)> = rules
        .iter()
        .map(|(a, b, _)| (*a.min(b), *a.max(b)))
        .collect();
    let mut grouped_with_someone = HashSet::new();
    // All at one time: nobody's follow-up falls due, so nobody is paused as
    // silent, and every round has all seven.
    for _ in 0..20 {
        let round = app.run_round_for_everyone().await;
        let members = app.db(|c| unmentoring::db::rounds::members(c, round));
        let mut groups: std::collections::BTreeMap<i32, Vec<i64>> = Default::default();
        for (number, person) in members {
            groups.entry(number).or_default().push(person.id);
        }
        for group in groups.values() {
            for (i, a) in group.iter().enumerate() {
                for b in &group[i + 1..] {
                    assert!(
                        !forbidden.contains(&(*a.min(b), *a.max(b))),
                        "{a} and {b} were grouped"
                    );
                    grouped_with_someone.insert((*a.min(b), *a.max(b)));
                }
            }
        }
    }
    // Everyone else met: the rules are not keeping people apart at large.
    let all_pairs = people.len() * (people.len() - 1) / 2;
    assert_eq!(grouped_with_someone.len(), all_pairs - forbidden.len());
}

#[tokio::test]
async fn leaving_takes_the_person_out_of_rules_and_concerns() {
    let app = spawn_app().await;
    let intro = app.pair_ann_and_bob().await;
    let report = intro.link_to(app.link_base(), "/report/");
    app.post_form(&report, &[("concern", "Bob Baker was rude.")])
        .await;
    let welcome_link = intro.link_to(app.link_base(), "/me/");
    assert_eq!(
        app.post_form(&format!("{welcome_link}/leave"), &[("", "")])
            .await
            .status,
        200
    );
    assert_eq!(app.count("concerns"), 0);
    assert_eq!(app.count("never_pairs"), 0);
}

#[tokio::test]
async fn a_partner_who_declined_can_still_be_reported_but_one_who_left_cannot() {
    let app = spawn_app().await;
    let intro = app.pair_ann_and_bob().await;
    let to_bob = app.email_for("bob@example.org", 2).await;
    crate::rematch::decline(&app, &to_bob).await;
    let report = intro.link_to(app.link_base(), "/report/");
    let page = app.get(&report).await;
    assert!(
        page.body.contains("your introduction to Bob Baker"),
        "{}",
        page.body
    );

    let bob_manage = to_bob.link_to(app.link_base(), "/me/");
    app.post_form(&format!("{bob_manage}/leave"), &[("", "")])
        .await;
    let page = app.get(&report).await;
    assert!(
        page.body.contains("The people in your group have left"),
        "{}",
        page.body
    );
    let sent = app.post_form(&report, &[("concern", "Too late?")]).await;
    assert!(sent.body.contains("The people in your group have left"));
    assert_eq!(app.count("concerns"), 0);
}
