//! How a round's people are split between the experiment's two arms.

/// Parts per million, the unit of a stored matched share
/// ([`crate::domain::DrawInputs::matched_share_ppm`]).
pub const PPM: f64 = 1_000_000.0;

/// How many of `n` people the matched arm gets: the share of them, rounded,
/// then down to a multiple of `group_size` so that the matched arm fills
/// whole groups and nobody in it sits out (those not taken go to the random
/// arm). Whatever does not divide lands in the random arm, whose odd-one-out
/// rule (trio, larger group or one person sitting out) handles it, so a round
/// still has at most one person sitting out. If that would leave the random
/// arm with fewer people than a group, one group's worth more goes back to
/// it, so nobody is alone in an arm. Nobody in the matched arm sits out, so
/// people who must not sit out are safe there; in the random arm the engine
/// keeps them from sitting out as it always does (unless everyone in that
/// arm must not, which the split does not try to prevent).
pub fn matched_count(n: usize, share_ppm: u32, group_size: usize) -> usize {
    let size = group_size.max(2);
    let mut k = ((n as f64) * f64::from(share_ppm) / PPM).round() as usize;
    k = k.min(n) / size * size;
    if n > k && n - k < size {
        k = k.saturating_sub(size);
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_matched_arm_fills_whole_groups_and_leaves_nobody_alone_in_an_arm() {
        // (people, share in ppm, group size) → matched count.
        for (n, ppm, size, matched) in [
            (60, 500_000, 2, 30),
            (60, 300_000, 2, 18),
            (31, 500_000, 2, 16),
            (31, 500_000, 3, 15),
            (7, 500_000, 3, 3),
            (5, 900_000, 2, 2),
            (6, 1_000_000, 2, 6),
            (7, 1_000_000, 2, 4),
            (3, 500_000, 2, 0),
            (1, 1_000_000, 2, 0),
            (0, 500_000, 2, 0),
        ] {
            let k = matched_count(n, ppm, size);
            assert_eq!(k, matched, "{n} people, {ppm} ppm, groups of {size}");
            assert!(
                k == 0 || n - k == 0 || n - k >= size,
                "nobody alone in the random arm"
            );
        }
    }
}
