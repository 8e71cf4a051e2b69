//! Time `arrange` alone (inputs are built outside the timed loop) on large
//! pools: ~20 organisations and five rounds of history.

use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use rand::rngs::ChaCha8Rng;
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use unmentoring::domain::experiment::topics::{tf_idf, TermNumbers};
use unmentoring::domain::pairing::{
    arrange, arrange_groups_by_similarity, Candidate, GroupRequest, History, OddOneOut,
    PairingRequest, TopicVector,
};

const ORGANISATIONS: usize = 20;
const HISTORY_ROUNDS: u32 = 5;

/// `n` people in ~20 organisations, and five past rounds of random pairs.
fn pool(n: usize, rng: &mut ChaCha8Rng) -> (Vec<Candidate>, History) {
    let people: Vec<Candidate> = (0..n)
        .map(|i| Candidate {
            id: 10_000 + i as i64,
            organisation: format!("Council {}", rng.random_range(0..ORGANISATIONS)),
        })
        .collect();
    let mut history = History::new();
    let mut order: Vec<i64> = people.iter().map(|c| c.id).collect();
    for round in 0..HISTORY_ROUNDS {
        order.shuffle(rng);
        for pair in order.chunks_exact(2) {
            history.record_meeting(pair[0], pair[1], round);
        }
    }
    (people, history)
}

fn bench_arrange(c: &mut Criterion) {
    let mut group = c.benchmark_group("arrange");
    for (n, samples, seconds) in [(10_000, 20, 5), (100_000, 10, 8), (1_000_000, 10, 30)] {
        let mut rng = ChaCha8Rng::seed_from_u64(n as u64);
        // Odd on purpose: the trio is the harder case.
        let (people, history) = pool(n + 1, &mut rng);
        let request = PairingRequest {
            candidates: &people,
            history: &history,
            odd_one_out: OddOneOut::Trio,
            must_not_sit_out: Default::default(),
        };
        group.sample_size(samples);
        group.measurement_time(Duration::from_secs(seconds));
        group.bench_with_input(BenchmarkId::from_parameter(n), &request, |b, request| {
            b.iter(|| arrange(request, &mut rng));
        });
    }
    group.finish();
}

/// Three words each from a vocabulary of 200 (one in ten gave none).
fn topic_vectors(n: usize, rng: &mut ChaCha8Rng) -> Vec<TopicVector> {
    let mut terms = TermNumbers::default();
    let docs: Vec<_> = (0..n)
        .map(|i| {
            let words: Vec<String> = (0..3)
                .map(|_| format!("subject{}", rng.random_range(0..200)))
                .collect();
            terms.counts((i % 10 != 0).then(|| words.join(" ")).as_deref())
        })
        .collect();
    tf_idf(&docs)
}

/// The experiment's matched arm: exact matching up to 1,500, local search beyond.
fn bench_matched_arm(c: &mut Criterion) {
    let mut group = c.benchmark_group("matched_arm");
    for (n, samples, seconds) in [(1_000, 10, 10), (3_000, 10, 20)] {
        let mut rng = ChaCha8Rng::seed_from_u64(n as u64);
        let (people, history) = pool(n, &mut rng);
        let vectors = topic_vectors(n, &mut rng);
        let request = GroupRequest {
            candidates: &people,
            history: &history,
            size: 2,
            odd_one_out: OddOneOut::Trio,
            must_not_sit_out: Default::default(),
        };
        group.sample_size(samples);
        group.measurement_time(Duration::from_secs(seconds));
        group.bench_with_input(BenchmarkId::from_parameter(n), &request, |b, request| {
            b.iter(|| arrange_groups_by_similarity(request, vectors.clone(), &mut rng));
        });
    }
    group.finish();
}

criterion_group!(benches, bench_arrange, bench_matched_arm);
criterion_main!(benches);
