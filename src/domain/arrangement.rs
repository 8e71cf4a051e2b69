//! The "we've arranged a time" form: an optional `date` (YYYY-MM-DD) and
//! `time` (HH:MM), read in the zone people live in (`schedule.timezone`) and
//! kept as a UTC moment.

use chrono::{LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;
use serde::Deserialize;

use super::FieldErrors;

/// The form as it arrived.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ArrangeForm {
    pub date: String,
    pub time: String,
}

impl ArrangeForm {
    /// The agreed moment in UTC, `None` when no time was given (the group
    /// has arranged, but did not say when), or the errors to show.
    pub fn validate(&self, zone: Tz) -> Result<Option<NaiveDateTime>, FieldErrors> {
        let (date, time) = (self.date.trim(), self.time.trim());
        let mut errors = FieldErrors::default();
        match (date.is_empty(), time.is_empty()) {
            (true, true) => return Ok(None),
            (false, true) => errors.add(
                "time",
                "Enter the time you agreed, or leave the date empty too",
            ),
            (true, false) => errors.add(
                "date",
                "Enter the date you agreed, or leave the time empty too",
            ),
            (false, false) => {}
        }
        let day = parse_date(date);
        let clock = parse_time(time);
        if !date.is_empty() && day.is_none() {
            errors.add("date", "Enter a real date, like 2026-12-08");
        }
        if !time.is_empty() && clock.is_none() {
            errors.add("time", "Enter a real time, like 14:30");
        }
        let (Some(day), Some(clock)) = (day, clock) else {
            return Err(errors);
        };
        match zone.from_local_datetime(&day.and_time(clock)) {
            LocalResult::Single(at) => Ok(Some(at.naive_utc())),
            // The clocks went back: the first of the two moments.
            LocalResult::Ambiguous(first, _) => Ok(Some(first.naive_utc())),
            LocalResult::None => {
                errors.add(
                    "time",
                    "That time does not exist on that day, because the clocks go forward: enter another time",
                );
                Err(errors)
            }
        }
    }
}

fn parse_date(raw: &str) -> Option<NaiveDate> {
    // Exactly YYYY-MM-DD: what a date input sends.
    let shape = raw.len() == 10 && raw.as_bytes()[4] == b'-' && raw.as_bytes()[7] == b'-';
    shape
        .then(|| NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok())
        .flatten()
}

fn parse_time(raw: &str) -> Option<NaiveTime> {
    // HH:MM, as a time input sends it; some browsers add ":00" seconds.
    let raw = raw
        .strip_suffix(":00")
        .filter(|r| r.len() == 5)
        .unwrap_or(raw);
    let shape = raw.len() == 5 && raw.as_bytes()[2] == b':';
    shape
        .then(|| NaiveTime::parse_from_str(raw, "%H:%M").ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LONDON: Tz = chrono_tz::Europe::London;

    fn form(date: &str, time: &str) -> ArrangeForm {
        ArrangeForm {
            date: date.into(),
            time: time.into(),
        }
    }

    fn utc(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
    }

    fn fields(errors: FieldErrors) -> Vec<String> {
        errors.iter().map(|(f, _)| f.to_owned()).collect()
    }

    #[test]
    fn nothing_given_is_arranged_without_a_time() {
        assert_eq!(form(" ", "").validate(LONDON), Ok(None));
    }

    #[test]
    fn a_time_is_read_in_the_zone_and_kept_in_utc() {
        assert_eq!(
            form("2026-12-08", "14:30").validate(LONDON),
            Ok(Some(utc("2026-12-08 14:30")))
        );
        assert_eq!(
            form("2027-06-08", "14:30").validate(LONDON),
            Ok(Some(utc("2027-06-08 13:30")))
        );
        assert_eq!(
            form("2027-06-08", "14:30:00").validate(LONDON),
            Ok(Some(utc("2027-06-08 13:30")))
        );
    }

    #[test]
    fn one_without_the_other_is_an_error_on_the_missing_one() {
        assert_eq!(
            fields(form("2026-12-08", "").validate(LONDON).unwrap_err()),
            ["time"]
        );
        assert_eq!(
            fields(form("", "14:30").validate(LONDON).unwrap_err()),
            ["date"]
        );
    }

    #[test]
    fn impossible_dates_and_times_are_refused() {
        for (date, time, wrong) in [
            ("2026-02-30", "10:00", vec!["date"]),
            ("8 Dec 2026", "10:00", vec!["date"]),
            ("2026-12-08", "25:00", vec!["time"]),
            ("2026-12-08", "9:5", vec!["time"]),
            ("2026-13-01", "10:61", vec!["date", "time"]),
        ] {
            let errors = form(date, time).validate(LONDON).unwrap_err();
            assert_eq!(fields(errors), wrong, "{date} {time}");
        }
    }

    #[test]
    fn a_time_lost_when_the_clocks_go_forward_is_refused() {
        // 29 March 2026: 01:00 to 02:00 does not happen in London.
        let errors = form("2026-03-29", "01:30").validate(LONDON).unwrap_err();
        assert!(errors.get("time").unwrap().contains("clocks go forward"));
    }

    #[test]
    fn a_time_that_happens_twice_is_the_first() {
        // 25 October 2026: 01:30 happens in BST, then again in GMT.
        assert_eq!(
            form("2026-10-25", "01:30").validate(LONDON),
            Ok(Some(utc("2026-10-25 00:30")))
        );
    }
}
