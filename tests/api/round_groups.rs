//! Rounds with `pairing.group_size` above 2.

use std::collections::BTreeSet;

use unmentoring::db;
use unmentoring::email::Composer;
use unmentoring::services::round_runner::{self as rounds, RoundOptions, RoundOutcome, Trigger};

use crate::common::smtp::TestSmtp;
use crate::helpers::spawn_app_in;

/// The addresses in an intro email's Reply-To: the other members.
fn reply_to_addresses(email: &crate::common::mail::ReceivedEmail) -> BTreeSet<String> {
    let header = email.reply_to.clone().unwrap_or_default();
    header
        .split(',')
        .filter_map(|part| Some(part[part.find('<')? + 1..part.find('>')?].to_lowercase()))
        .collect()
}

#[tokio::test]
async fn a_round_with_group_size_three_makes_groups_of_three_and_four() {
    let app = spawn_app_in(tempfile::tempdir().unwrap(), TestSmtp::start(), |s| {
        s.pairing.group_size = 3;
    })
    .await;
    for i in 0..7 {
        app.add_participant(
            &format!("Member {i}"),
            &format!("m{i}@example.org"),
            &format!("Org {i}"),
        );
    }
    let options = RoundOptions {
        key: "manual:groups".into(),
        trigger: Trigger::Manual,
        include_all: true,
        force: true,
        odd_one_out: app.settings.pairing.odd_one_out,
        group_size: app.settings.pairing.group_size,
        matched_share: app.settings.experiment.matched_share,
        followup_after_days: 14,
    };
    let composer = Composer::new(&app.settings);
    let now = app.clock.now();
    let outcome = db::run(&app.pool, move |c| rounds::run(c, &composer, &options, now))
        .await
        .unwrap();
    let RoundOutcome::Ran { round, plan } = outcome else {
        panic!("the round did not run: {outcome:?}");
    };
    let mut sizes: Vec<usize> = plan.groups.iter().map(Vec::len).collect();
    sizes.sort_unstable();
    assert_eq!(sizes, [3, 4]);
    assert!(plan.sat_out.is_none() && plan.left_out.is_empty());
    assert_eq!((round.groups_count, round.trios, round.sat_out), (2, 1, 0));
    assert_eq!(plan.stats.same_organisation_pairs, 0);

    let intros = app.wait_for_emails(7).await;
    assert_eq!(intros.iter().filter(|e| e.kind == "intro").count(), 7);
    for group in &plan.groups {
        for member in group {
            let address = member.email.clone().unwrap();
            let mine: Vec<_> = intros.iter().filter(|e| e.is_for(&address)).collect();
            assert_eq!(mine.len(), 1, "{address} gets one introduction");
            let others: Vec<_> = group.iter().filter(|p| p.id != member.id).collect();
            let expected: BTreeSet<String> =
                others.iter().filter_map(|p| p.email.clone()).collect();
            assert_eq!(reply_to_addresses(mine[0]), expected, "{address}: Reply-To");
            for other in others {
                assert!(
                    mine[0].text.contains(&other.name)
                        && mine[0].text.contains(other.email.as_deref().unwrap()),
                    "{address}'s introduction names {}",
                    other.name
                );
            }
        }
    }
    assert_eq!(app.count("group_members"), 7);
}
