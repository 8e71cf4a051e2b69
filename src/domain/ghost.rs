use chrono::{Duration, NaiveDateTime};

/// How many silent rounds in a row make a "ghost", who is paused.
pub const SILENT_ROUNDS: usize = 3;

/// Whether someone has gone silent: their last three rounds whose follow-up
/// time has passed (`after_days`) went unanswered, and they have answered
/// nothing since. `rounds` is (round start, answered?), newest first.
pub fn is_ghost(rounds: &[(NaiveDateTime, bool)], now: NaiveDateTime, after_days: u32) -> bool {
    let judged_before = now - Duration::days(i64::from(after_days));
    let mut silent = 0;
    for &(started, answered) in rounds {
        if answered {
            return false;
        }
        if started <= judged_before {
            silent += 1;
            if silent == SILENT_ROUNDS {
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(days_ago: i64) -> NaiveDateTime {
        now() - Duration::days(days_ago)
    }

    fn now() -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 23)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap()
    }

    #[test]
    fn three_silent_rounds_make_a_ghost_and_two_do_not() {
        assert!(!is_ghost(&[(at(30), false), (at(60), false)], now(), 14));
        assert!(is_ghost(
            &[(at(30), false), (at(60), false), (at(90), false)],
            now(),
            14
        ));
    }

    #[test]
    fn any_answer_since_clears_it() {
        assert!(!is_ghost(
            &[
                (at(2), true),
                (at(30), false),
                (at(60), false),
                (at(90), false)
            ],
            now(),
            14
        ));
        assert!(!is_ghost(
            &[
                (at(30), false),
                (at(60), true),
                (at(90), false),
                (at(120), false)
            ],
            now(),
            14
        ));
    }

    #[test]
    fn a_round_too_recent_to_judge_does_not_count() {
        assert!(!is_ghost(
            &[(at(3), false), (at(30), false), (at(60), false)],
            now(),
            14
        ));
        assert!(is_ghost(
            &[
                (at(3), false),
                (at(30), false),
                (at(60), false),
                (at(90), false)
            ],
            now(),
            14
        ));
    }
}
