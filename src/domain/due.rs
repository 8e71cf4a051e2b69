use chrono::NaiveDate;

use super::Cadence;

/// Whether a person is due for a round today: never in a round, or at least
/// their cadence's days since the last one (counted in whole days, so a round
/// at 9:00:01 does not miss someone paired at 9:00:00 four weeks before).
pub fn is_due(cadence: Cadence, last_round: Option<NaiveDate>, today: NaiveDate) -> bool {
    last_round.is_none_or(|last| (today - last).num_days() >= cadence.days_between_rounds())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cadences_decide_who_is_due() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let ago = |days| Some(today - chrono::Duration::days(days));
        assert!(is_due(Cadence::Monthly, None, today));
        assert!(is_due(Cadence::Monthly, ago(28), today));
        assert!(!is_due(Cadence::Monthly, ago(27), today));
        assert!(!is_due(Cadence::EveryTwoMonths, ago(55), today));
        assert!(is_due(Cadence::EveryTwoMonths, ago(56), today));
        assert!(!is_due(Cadence::Quarterly, ago(83), today));
        assert!(is_due(Cadence::Quarterly, ago(84), today));
    }
}
