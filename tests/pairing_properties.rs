//! Structural properties of `arrange` on random inputs: everyone placed
//! exactly once, the odd-one-out rules, no avoidable repeats, determinism.

use std::collections::HashSet;

use proptest::prelude::*;
use rand::rngs::ChaCha8Rng;
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use unmentoring::domain::pairing::{
    arrange, organisation_key, Arrangement, Candidate, History, OddOneOut, PairingRequest, PersonId,
};

/// Candidates with ids 100.. and organisations drawn from `orgs` (spelled
/// inconsistently on purpose).
fn candidates(n: usize, orgs: usize, rng: &mut ChaCha8Rng) -> Vec<Candidate> {
    let spellings = ["Org {}", " org  {} ", "ORG{}"];
    (0..n)
        .map(|i| Candidate {
            id: 100 + i as PersonId,
            organisation: spellings[rng.random_range(0..3)]
                .replace("{}", &rng.random_range(0..orgs.max(1)).to_string()),
        })
        .collect()
}

fn random_history(
    people: &[Candidate],
    density: f64,
    rounds: u32,
    rng: &mut ChaCha8Rng,
) -> History {
    let mut history = History::new();
    for (i, a) in people.iter().enumerate() {
        for b in &people[i + 1..] {
            if rng.random_bool(density) {
                history.record_meeting(a.id, b.id, rng.random_range(0..rounds));
            }
        }
    }
    history
}

/// Pairs of people inside each group.
fn pairs_within(arrangement: &Arrangement) -> Vec<(PersonId, PersonId)> {
    let mut pairs = Vec::new();
    for group in &arrangement.groups {
        for (i, &a) in group.iter().enumerate() {
            for &b in &group[i + 1..] {
                pairs.push((a, b));
            }
        }
    }
    pairs
}

/// Checks every structural rule, and that the stats match the groups.
fn check_structure(
    request: &PairingRequest<'_>,
    arrangement: &Arrangement,
) -> Result<(), TestCaseError> {
    let n = request.candidates.len();
    let mut seen = HashSet::new();
    for group in &arrangement.groups {
        prop_assert!(
            group.len() == 2 || group.len() == 3,
            "group size {}",
            group.len()
        );
        for &id in group {
            prop_assert!(seen.insert(id), "{id} placed twice");
        }
    }
    if let Some(id) = arrangement.sat_out {
        prop_assert!(seen.insert(id), "{id} sits out and is placed");
    }
    let due: HashSet<PersonId> = request.candidates.iter().map(|c| c.id).collect();
    prop_assert_eq!(&seen, &due, "not a partition of the people due");

    let trios = arrangement.groups.iter().filter(|g| g.len() == 3).count();
    prop_assert!(trios <= 1);
    let expect_sitter = n == 1 || (n % 2 == 1 && request.odd_one_out == OddOneOut::SitOut);
    prop_assert_eq!(arrangement.sat_out.is_some(), expect_sitter);
    prop_assert_eq!(
        trios == 1,
        n % 2 == 1 && n > 1 && request.odd_one_out == OddOneOut::Trio
    );
    if n > 1 && arrangement.sat_out.is_some() {
        prop_assert!(arrangement
            .sat_out
            .is_none_or(|s| !request.must_not_sit_out.contains(&s)));
    }

    let pairs = pairs_within(arrangement);
    let repeats = pairs
        .iter()
        .filter(|p| request.history.last_met(p.0, p.1).is_some())
        .count();
    let org_of = |id: PersonId| {
        let c = request.candidates.iter().find(|c| c.id == id).unwrap();
        organisation_key(&c.organisation)
    };
    let same_org = pairs.iter().filter(|p| org_of(p.0) == org_of(p.1)).count();
    let stats = &arrangement.stats;
    prop_assert_eq!(stats.people_due, n);
    prop_assert_eq!(stats.groups, arrangement.groups.len());
    prop_assert_eq!(stats.trios, trios);
    prop_assert_eq!(stats.sat_out, usize::from(arrangement.sat_out.is_some()));
    prop_assert_eq!(stats.forced_repeats, repeats);
    prop_assert_eq!(stats.same_organisation_pairs, same_org);
    Ok(())
}

fn mode(sit_out: bool) -> OddOneOut {
    if sit_out {
        OddOneOut::SitOut
    } else {
        OddOneOut::Trio
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn every_arrangement_is_a_valid_partition(
        n in 0usize..70, orgs in 1usize..6, density in 0.0f64..0.6,
        sit_out in any::<bool>(), barred in any::<bool>(), seed in any::<u64>(),
    ) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let people = candidates(n, orgs, &mut rng);
        let history = random_history(&people, density, 30, &mut rng);
        let must_not_sit_out = if barred && n > 0 { [people[rng.random_range(0..n)].id].into() } else { Default::default() };
        let request = PairingRequest { candidates: &people, history: &history, odd_one_out: mode(sit_out), must_not_sit_out };
        let arrangement = arrange(&request, &mut rng);
        check_structure(&request, &arrangement)?;
    }

    /// First in line after a failed rematch, and last round's sitter: with
    /// several people who must not sit out, the sitter is someone else.
    #[test]
    fn nobody_who_must_not_sit_out_sits_out_while_someone_else_can(
        half in 1usize..25, orgs in 1usize..5, density in 0.0f64..0.6, seed in any::<u64>(),
    ) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let n = 2 * half + 1;
        let people = candidates(n, orgs, &mut rng);
        let history = random_history(&people, density, 30, &mut rng);
        let barred = rng.random_range(0..n);
        let mut order: Vec<PersonId> = people.iter().map(|c| c.id).collect();
        order.shuffle(&mut rng);
        let must_not_sit_out = order[..barred].iter().copied().collect();
        let request = PairingRequest { candidates: &people, history: &history, odd_one_out: OddOneOut::SitOut, must_not_sit_out };
        let arrangement = arrange(&request, &mut rng);
        check_structure(&request, &arrangement)?;
        let sitter = arrangement.sat_out.expect("an odd pool with sit_out has a sitter");
        prop_assert!(!request.must_not_sit_out.contains(&sitter), "{sitter} must not sit out");
    }

    #[test]
    fn same_seed_same_arrangement(n in 0usize..60, orgs in 1usize..5, sit_out in any::<bool>(), seed in any::<u64>()) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let people = candidates(n, orgs, &mut rng);
        let history = random_history(&people, 0.3, 20, &mut rng);
        let request = PairingRequest { candidates: &people, history: &history, odd_one_out: mode(sit_out), must_not_sit_out: people.first().map(|c| c.id).into_iter().collect() };
        let first = arrange(&request, &mut ChaCha8Rng::seed_from_u64(seed ^ 1));
        let second = arrange(&request, &mut ChaCha8Rng::seed_from_u64(seed ^ 1));
        prop_assert_eq!(first, second);
    }

    /// Hides one repeat-free arrangement in a dense history: every pair not in
    /// it has met. The engine must find a repeat-free one (maybe another).
    #[test]
    fn no_repeat_when_a_repeat_free_arrangement_exists(
        n in 2usize..60, orgs in 1usize..5, density in 0.5f64..1.0,
        sit_out in any::<bool>(), seed in any::<u64>(),
    ) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let people = candidates(n, orgs, &mut rng);
        let mut order: Vec<PersonId> = people.iter().map(|c| c.id).collect();
        order.shuffle(&mut rng);
        let odd = n % 2 == 1;
        // The hidden arrangement: odd group first (trio or sitter), then pairs.
        let odd_len = match (odd, sit_out) { (false, _) => 0, (true, false) => 3, (true, true) => 1 };
        let hidden_group = |id: PersonId| {
            let at = order.iter().position(|&x| x == id).unwrap();
            if at < odd_len { usize::MAX } else { (at - odd_len) / 2 }
        };
        let mut history = History::new();
        for (i, a) in people.iter().enumerate() {
            for b in &people[i + 1..] {
                let together = hidden_group(a.id) == hidden_group(b.id) && (odd_len != 1 || hidden_group(a.id) != usize::MAX);
                if !together && rng.random_bool(density) {
                    history.record_meeting(a.id, b.id, rng.random_range(0..40));
                }
            }
        }
        // Bar someone other than the hidden sitter (the hidden arrangement stays allowed).
        let must_not_sit_out = if odd && sit_out && n > 1 { [order[1 + rng.random_range(0..n - 1)]].into() } else { Default::default() };
        let request = PairingRequest { candidates: &people, history: &history, odd_one_out: mode(sit_out), must_not_sit_out };
        let arrangement = arrange(&request, &mut rng);
        check_structure(&request, &arrangement)?;
        prop_assert_eq!(arrangement.stats.forced_repeats, 0, "avoidable repeat in {:?}", arrangement.groups);
    }
}

fn request_for<'a>(
    people: &'a [Candidate],
    history: &'a History,
    odd: OddOneOut,
) -> PairingRequest<'a> {
    PairingRequest {
        candidates: people,
        history,
        odd_one_out: odd,
        must_not_sit_out: Default::default(),
    }
}

#[test]
fn nobody_due_gives_an_empty_arrangement() {
    let history = History::new();
    let arrangement = arrange(
        &request_for(&[], &history, OddOneOut::Trio),
        &mut ChaCha8Rng::seed_from_u64(1),
    );
    assert!(arrangement.groups.is_empty());
    assert_eq!(arrangement.sat_out, None);
    assert_eq!(arrangement.stats, Default::default());
}

#[test]
fn a_single_person_sits_out_whatever_the_mode() {
    let people = candidates(1, 1, &mut ChaCha8Rng::seed_from_u64(2));
    let history = History::new();
    for odd in [OddOneOut::Trio, OddOneOut::SitOut] {
        let mut request = request_for(&people, &history, odd);
        request.must_not_sit_out = [people[0].id].into();
        let arrangement = arrange(&request, &mut ChaCha8Rng::seed_from_u64(3));
        assert!(arrangement.groups.is_empty());
        assert_eq!(arrangement.sat_out, Some(people[0].id));
        assert_eq!(arrangement.stats.sat_out, 1);
        assert_eq!(arrangement.stats.people_due, 1);
    }
}

#[test]
fn three_people_make_one_trio() {
    let people = candidates(3, 1, &mut ChaCha8Rng::seed_from_u64(4));
    let mut history = History::new();
    history.record_meeting(people[0].id, people[1].id, 7);
    let arrangement = arrange(
        &request_for(&people, &history, OddOneOut::Trio),
        &mut ChaCha8Rng::seed_from_u64(5),
    );
    assert_eq!(arrangement.groups.len(), 1);
    assert_eq!(arrangement.groups[0].len(), 3);
    assert_eq!(arrangement.stats.trios, 1);
    assert_eq!(arrangement.stats.forced_repeats, 1);
    assert_eq!(arrangement.stats.same_organisation_pairs, 3);
}

#[test]
fn the_last_sitter_never_sits_out_twice() {
    let people = candidates(3, 2, &mut ChaCha8Rng::seed_from_u64(6));
    let history = History::new();
    for seed in 0..50 {
        let mut request = request_for(&people, &history, OddOneOut::SitOut);
        request.must_not_sit_out = [people[seed as usize % 3].id].into();
        let arrangement = arrange(&request, &mut ChaCha8Rng::seed_from_u64(seed));
        assert!(arrangement.sat_out.is_some());
        assert!(arrangement
            .sat_out
            .is_none_or(|s| !request.must_not_sit_out.contains(&s)));
    }
}

#[test]
fn organisation_key_ignores_case_and_whitespace() {
    let key = organisation_key("Leeds City Council");
    assert_eq!(key, "leedscitycouncil");
    assert_eq!(organisation_key(" leeds  city council "), key);
    assert_eq!(organisation_key("LeedsCityCouncil"), key);
    assert_eq!(organisation_key("Leeds\u{00A0}City\tCouncil\n"), key);
    assert_ne!(organisation_key("Leeds County Council"), key);
}

#[test]
fn history_keeps_the_latest_round_in_either_order() {
    let mut history = History::new();
    assert!(history.is_empty());
    history.record_meeting(1, 2, 5);
    history.record_meeting(2, 1, 3);
    assert_eq!(history.last_met(2, 1), Some(5));
    history.record_meeting(2, 1, 9);
    assert_eq!(history.last_met(1, 2), Some(9));
    assert_eq!(history.last_met(1, 3), None);
    assert_eq!(history.len(), 1);
}

/// Adds `count` random never-pair rules between the people with the given
/// ids (a rule of someone with themselves is ignored by `History`).
fn add_random_rules(history: &mut History, ids: &[PersonId], count: usize, rng: &mut ChaCha8Rng) {
    if ids.is_empty() {
        return;
    }
    for _ in 0..count {
        let a = ids[rng.random_range(0..ids.len())];
        let b = ids[rng.random_range(0..ids.len())];
        history.never_pair(a, b);
    }
}

/// Ids of people who are not candidates (the candidates are 100..).
fn outsiders(count: usize) -> Vec<PersonId> {
    (0..count as PersonId).map(|i| 10_000 + i).collect()
}

/// The structural rules once never-pair rules are in play: groups of two or
/// three (at most one trio), every candidate exactly once in the groups, the
/// sitter or the people left out, no group under a rule, and stats that
/// match the final groups.
fn check_with_rules(
    request: &PairingRequest<'_>,
    arrangement: &Arrangement,
) -> Result<(), TestCaseError> {
    let n = request.candidates.len();
    let mut seen = HashSet::new();
    for group in &arrangement.groups {
        prop_assert!(group.len() == 2 || group.len() == 3);
    }
    let everyone = arrangement
        .groups
        .iter()
        .flatten()
        .chain(&arrangement.sat_out)
        .chain(&arrangement.left_out);
    for &id in everyone {
        prop_assert!(seen.insert(id), "{id} placed twice");
    }
    let due: HashSet<PersonId> = request.candidates.iter().map(|c| c.id).collect();
    prop_assert_eq!(&seen, &due, "not a partition of the people due");
    let pairs = pairs_within(arrangement);
    for &(a, b) in &pairs {
        prop_assert!(!request.history.is_never_pair(a, b), "{a} and {b} grouped");
    }
    let trios = arrangement.groups.iter().filter(|g| g.len() == 3).count();
    prop_assert!(trios <= 1);
    if arrangement.sat_out.is_some() {
        prop_assert!(n == 1 || request.odd_one_out == OddOneOut::SitOut);
    }
    let org_of = |id: PersonId| {
        let c = request.candidates.iter().find(|c| c.id == id).unwrap();
        organisation_key(&c.organisation)
    };
    let repeats = pairs
        .iter()
        .filter(|p| request.history.last_met(p.0, p.1).is_some())
        .count();
    let same_org = pairs.iter().filter(|p| org_of(p.0) == org_of(p.1)).count();
    let stats = &arrangement.stats;
    prop_assert_eq!(stats.people_due, n);
    prop_assert_eq!(stats.groups, arrangement.groups.len());
    prop_assert_eq!(stats.trios, trios);
    prop_assert_eq!(stats.sat_out, usize::from(arrangement.sat_out.is_some()));
    prop_assert_eq!(stats.forced_repeats, repeats);
    prop_assert_eq!(stats.same_organisation_pairs, same_org);
    Ok(())
}

/// A random request for the never-pair properties; the caller adds rules.
fn random_request_parts(
    n: usize,
    orgs: usize,
    density: f64,
    barred: usize,
    rng: &mut ChaCha8Rng,
) -> (
    Vec<Candidate>,
    History,
    std::collections::BTreeSet<PersonId>,
) {
    let people = candidates(n, orgs, rng);
    let history = random_history(&people, density, 30, rng);
    let mut ids: Vec<PersonId> = people.iter().map(|c| c.id).collect();
    ids.shuffle(rng);
    let must_not_sit_out = ids.into_iter().take(barred.min(n)).collect();
    (people, history, must_not_sit_out)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Random rules among the candidates and with outsiders: nobody is ever
    /// grouped with someone they must never be grouped with, and everyone is
    /// still accounted for exactly once.
    #[test]
    fn no_group_ever_breaks_a_never_pair_rule(
        n in 0usize..60, orgs in 1usize..6, density in 0.0f64..0.6,
        rules in 0usize..40, outside in 0usize..10, barred in 0usize..4,
        sit_out in any::<bool>(), seed in any::<u64>(),
    ) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let (people, mut history, must_not_sit_out) =
            random_request_parts(n, orgs, density, barred, &mut rng);
        let ids: Vec<PersonId> = people.iter().map(|c| c.id).collect();
        add_random_rules(&mut history, &ids, rules, &mut rng);
        let mixed: Vec<PersonId> = ids.iter().copied().chain(outsiders(outside)).collect();
        add_random_rules(&mut history, &mixed, outside, &mut rng);
        let request = PairingRequest { candidates: &people, history: &history, odd_one_out: mode(sit_out), must_not_sit_out };
        let arrangement = arrange(&request, &mut rng);
        check_with_rules(&request, &arrangement)?;
    }

    /// When the rules form a matching (each person in at most one rule) and
    /// at least four people are due, an arrangement keeping every rule
    /// exists (each person may join anyone but one), so nobody is left out.
    #[test]
    fn nobody_is_left_out_when_the_rules_can_be_kept(
        n in 4usize..60, orgs in 1usize..6, density in 0.0f64..0.6,
        rules in 0usize..30, barred in 0usize..4,
        sit_out in any::<bool>(), seed in any::<u64>(),
    ) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let (people, mut history, must_not_sit_out) =
            random_request_parts(n, orgs, density, barred, &mut rng);
        let mut ids: Vec<PersonId> = people.iter().map(|c| c.id).collect();
        ids.shuffle(&mut rng);
        for pair in ids.chunks_exact(2).take(rules) {
            history.never_pair(pair[0], pair[1]);
        }
        let request = PairingRequest { candidates: &people, history: &history, odd_one_out: mode(sit_out), must_not_sit_out };
        let arrangement = arrange(&request, &mut rng);
        check_with_rules(&request, &arrangement)?;
        prop_assert!(arrangement.left_out.is_empty(), "left out: {:?}", arrangement.left_out);
        check_structure(&request, &arrangement)?;
    }

    /// Rules that involve at most one candidate play no part in the round:
    /// the arrangement is the one without any rules, for the same seed.
    #[test]
    fn rules_outside_the_pool_change_nothing(
        n in 0usize..60, orgs in 1usize..6, density in 0.0f64..0.6,
        outside in 0usize..20, barred in 0usize..4,
        sit_out in any::<bool>(), seed in any::<u64>(),
    ) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let (people, history, must_not_sit_out) =
            random_request_parts(n, orgs, density, barred, &mut rng);
        let others = outsiders(outside);
        let mut with_rules = history.clone();
        add_random_rules(&mut with_rules, &others, outside, &mut rng);
        for &other in &others {
            if n > 0 && rng.random_bool(0.5) {
                with_rules.never_pair(people[rng.random_range(0..n)].id, other);
            }
        }
        let plain = PairingRequest { candidates: &people, history: &history, odd_one_out: mode(sit_out), must_not_sit_out };
        let ruled = PairingRequest { history: &with_rules, ..plain.clone() };
        let expected = arrange(&plain, &mut ChaCha8Rng::seed_from_u64(seed ^ 7));
        let got = arrange(&ruled, &mut ChaCha8Rng::seed_from_u64(seed ^ 7));
        prop_assert!(got.left_out.is_empty());
        prop_assert_eq!(got, expected);
    }
}
