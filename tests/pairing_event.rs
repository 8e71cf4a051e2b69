//! Groups at an event: everyone in exactly one group of the size (some one
//! larger), no two people of one organisation together where avoidable,
//! organisations before past meetings, and the same groups for a seed.

use std::collections::HashMap;

use rand::rngs::ChaCha8Rng;
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use unmentoring::domain::pairing::{event_groups, Candidate, EventRequest, History, PersonId};

/// Attendees with organisations of the given sizes; the first half are
/// participants (positive ids), the rest guests (negative ids).
fn attendees(org_sizes: &[usize]) -> Vec<Candidate> {
    let mut out = Vec::new();
    for (org, &count) in org_sizes.iter().enumerate() {
        for _ in 0..count {
            out.push(Candidate {
                id: 0,
                organisation: format!("Org {org}"),
            });
        }
    }
    let half = out.len() / 2;
    for (i, person) in out.iter_mut().enumerate() {
        person.id = if i < half {
            i as PersonId + 1
        } else {
            -(i as PersonId)
        };
    }
    out
}

fn sizes_of(groups: &[Vec<PersonId>]) -> Vec<usize> {
    let mut sizes: Vec<usize> = groups.iter().map(Vec::len).collect();
    sizes.sort_unstable();
    sizes
}

fn same_org_pairs(people: &[Candidate], groups: &[Vec<PersonId>]) -> usize {
    let org: HashMap<PersonId, &str> = people
        .iter()
        .map(|c| (c.id, c.organisation.as_str()))
        .collect();
    groups
        .iter()
        .map(|g| {
            (0..g.len())
                .flat_map(|i| (i + 1..g.len()).map(move |j| (i, j)))
                .filter(|&(i, j)| org[&g[i]] == org[&g[j]])
                .count()
        })
        .sum()
}

fn everyone_once(people: &[Candidate], groups: &[Vec<PersonId>]) {
    let mut seen: Vec<PersonId> = groups.iter().flatten().copied().collect();
    let mut ids: Vec<PersonId> = people.iter().map(|c| c.id).collect();
    seen.sort_unstable();
    ids.sort_unstable();
    assert_eq!(seen, ids);
}

/// 37 people in 9 organisations, the largest of 9: nine groups (eight of 4,
/// one of 5) with one of the largest organisation each, and no shared
/// organisation in any group, for every seed; participants have met before.
#[test]
fn thirty_seven_in_nine_organisations_share_no_organisation() {
    let people = attendees(&[9, 5, 5, 4, 4, 4, 2, 2, 2]);
    assert_eq!(people.len(), 37);
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let mut history = History::new();
    let mut members: Vec<PersonId> = people.iter().map(|c| c.id).filter(|&id| id > 0).collect();
    for round in 0..4 {
        members.shuffle(&mut rng);
        for pair in members.chunks_exact(2) {
            history.record_meeting(pair[0], pair[1], round);
        }
    }
    let request = EventRequest {
        attendees: &people,
        history: &history,
        size: 4,
    };
    for seed in 0..150 {
        let groups = event_groups(&request, &mut ChaCha8Rng::seed_from_u64(seed));
        everyone_once(&people, &groups);
        assert_eq!(
            sizes_of(&groups),
            [4, 4, 4, 4, 4, 4, 4, 4, 5],
            "seed {seed}"
        );
        assert_eq!(
            same_org_pairs(&people, &groups),
            0,
            "seed {seed}: {groups:?}"
        );
    }
}

#[test]
fn group_sizes_for_small_counts() {
    let history = History::new();
    for (count, expected) in [
        (0, vec![]),
        (1, vec![1]),
        (3, vec![3]),
        (4, vec![4]),
        (5, vec![5]),
        (9, vec![4, 5]),
        (11, vec![5, 6]),
    ] {
        let people = attendees(&vec![1; count]);
        let request = EventRequest {
            attendees: &people,
            history: &history,
            size: 4,
        };
        for seed in 0..5 {
            let groups = event_groups(&request, &mut ChaCha8Rng::seed_from_u64(seed));
            everyone_once(&people, &groups);
            assert_eq!(sizes_of(&groups), expected, "{count} people");
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_groups() {
    let people = attendees(&[6, 5, 5, 4, 3, 3, 1]);
    let history = History::new();
    for size in 2..=8 {
        let request = EventRequest {
            attendees: &people,
            history: &history,
            size,
        };
        let once = event_groups(&request, &mut ChaCha8Rng::seed_from_u64(9));
        let again = event_groups(&request, &mut ChaCha8Rng::seed_from_u64(9));
        assert_eq!(once, again, "size {size}");
        let other = event_groups(&request, &mut ChaCha8Rng::seed_from_u64(10));
        assert_ne!(once, other, "size {size}: the seed matters");
    }
}

/// Two of org A and two of org B, and every cross pair met before: keeping
/// organisations apart costs two past meetings, which an event accepts.
#[test]
fn organisations_come_before_past_meetings() {
    let people = attendees(&[2, 2]);
    let mut history = History::new();
    for a in [1, 2] {
        for b in [-2, -3] {
            history.record_meeting(a, b, 1);
        }
    }
    let request = EventRequest {
        attendees: &people,
        history: &history,
        size: 2,
    };
    for seed in 0..20 {
        let groups = event_groups(&request, &mut ChaCha8Rng::seed_from_u64(seed));
        assert_eq!(same_org_pairs(&people, &groups), 0, "seed {seed}");
    }
}

/// A never-pair rule is kept when it can be, and nobody is left out when it
/// cannot.
#[test]
fn never_pair_rules_are_kept_and_nobody_is_left_out() {
    let people = attendees(&[1; 12]);
    let mut rng = ChaCha8Rng::seed_from_u64(4);
    let mut history = History::new();
    for _ in 0..6 {
        let (a, b) = (rng.random_range(0..12), rng.random_range(0..12));
        history.never_pair(people[a].id, people[b].id);
    }
    let request = EventRequest {
        attendees: &people,
        history: &history,
        size: 3,
    };
    for seed in 0..20 {
        let groups = event_groups(&request, &mut ChaCha8Rng::seed_from_u64(seed));
        everyone_once(&people, &groups);
        for g in &groups {
            for (i, &a) in g.iter().enumerate() {
                assert!(g[i + 1..].iter().all(|&b| !history.is_never_pair(a, b)));
            }
        }
    }
    let pair = attendees(&[1, 1]);
    let mut rule = History::new();
    rule.never_pair(pair[0].id, pair[1].id);
    let request = EventRequest {
        attendees: &pair,
        history: &rule,
        size: 2,
    };
    let groups = event_groups(&request, &mut ChaCha8Rng::seed_from_u64(1));
    assert_eq!(sizes_of(&groups), [2]);
}
