//! How long groups took from their introduction to "arranged" and to "met",
//! and the median of those waits.

use chrono::NaiveDateTime;

/// Waits in days (fractions of a day kept), one value per group.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Days {
    /// From the introduction (`meetings.created_at`) to "we've arranged a
    /// time" (`meetings.arranged_at`), for the groups that arranged one.
    pub to_arranged: Vec<f64>,
    /// From the introduction to the follow-up answer of the first member
    /// still in the group who said they met, for the groups that met.
    pub to_met: Vec<f64>,
}

impl Days {
    pub fn add(&mut self, other: &Days) {
        self.to_arranged.extend_from_slice(&other.to_arranged);
        self.to_met.extend_from_slice(&other.to_met);
    }

    pub fn median_to_arranged(&self) -> Option<f64> {
        median(&self.to_arranged)
    }

    pub fn median_to_met(&self) -> Option<f64> {
        median(&self.to_met)
    }
}

/// The time from `from` to `to`, in days.
pub fn days_between(from: NaiveDateTime, to: NaiveDateTime) -> f64 {
    (to - from).num_seconds() as f64 / 86_400.0
}

/// The median, to one decimal: the middle value, or with an even count the
/// mean of the two middle values. None of nothing (shown as "–" / null, never 0).
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let middle = sorted.len() / 2;
    let value = if sorted.len() % 2 == 1 {
        sorted[middle]
    } else {
        (sorted[middle - 1] + sorted[middle]) / 2.0
    };
    Some((value * 10.0).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_an_odd_count_is_the_middle_value() {
        assert_eq!(median(&[9.0, 1.0, 2.5]), Some(2.5));
        assert_eq!(median(&[4.0]), Some(4.0));
    }

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_two_middle_values() {
        assert_eq!(median(&[1.0, 10.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[0.25, 0.5]), Some(0.4));
    }

    #[test]
    fn nothing_has_no_median() {
        assert_eq!(median(&[]), None);
        assert_eq!(Days::default().median_to_met(), None);
    }

    #[test]
    fn waits_keep_fractions_of_a_day() {
        let from = NaiveDateTime::parse_from_str("2026-10-05 09:00", "%Y-%m-%d %H:%M").unwrap();
        let to = NaiveDateTime::parse_from_str("2026-10-07 21:00", "%Y-%m-%d %H:%M").unwrap();
        assert_eq!(days_between(from, to), 2.5);
    }
}
