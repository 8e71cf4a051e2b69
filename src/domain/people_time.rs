//! How dates and times are shown to people: on pages, in emails, in the
//! organiser console and on the command line. The database keeps moments in
//! UTC; people read them in `schedule.timezone`, the zone rounds run in.

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use chrono_tz::Tz;

/// Shows stored moments (UTC) in one time zone. Built from
/// `schedule.timezone`; reached through `AppState::people_time` and the
/// email `Composer`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeopleTime {
    zone: Tz,
}

impl PeopleTime {
    pub fn new(zone: Tz) -> Self {
        Self { zone }
    }

    /// A stored UTC moment as a moment in this zone.
    pub fn local(&self, at: NaiveDateTime) -> DateTime<Tz> {
        at.and_utc().with_timezone(&self.zone)
    }

    /// The calendar day a stored UTC moment falls on in this zone.
    pub fn day_of(&self, at: NaiveDateTime) -> NaiveDate {
        self.local(at).date_naive()
    }

    /// "1 April 2026": the day a stored UTC moment falls on in this zone.
    pub fn date(&self, at: NaiveDateTime) -> String {
        Self::calendar_date(self.day_of(at))
    }

    /// "1 April 2026 at 00:30", in this zone.
    pub fn date_and_time(&self, at: NaiveDateTime) -> String {
        let local = self.local(at);
        format!(
            "{} at {}",
            Self::calendar_date(local.date_naive()),
            local.format("%H:%M")
        )
    }

    /// [`PeopleTime::date_and_time`] for a moment already placed in time,
    /// like the next scheduled round.
    pub fn date_and_time_of<Z: chrono::TimeZone>(&self, at: &DateTime<Z>) -> String {
        self.date_and_time(at.naive_utc())
    }

    /// "2026-04-01 00:30 BST": one column wide, for tables on the command line.
    pub fn compact(&self, at: NaiveDateTime) -> String {
        self.local(at).format("%Y-%m-%d %H:%M %Z").to_string()
    }

    /// "2026-04-01": the day in this zone, for a `<time datetime>` attribute.
    pub fn iso_day(&self, at: NaiveDateTime) -> String {
        self.day_of(at).format("%Y-%m-%d").to_string()
    }

    /// "3 March 2027": a date stored as a date (a pause's end), shown as it
    /// is, in no zone.
    pub fn calendar_date(date: NaiveDate) -> String {
        date.format("%-d %B %Y").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
    }

    fn london() -> PeopleTime {
        PeopleTime::new(chrono_tz::Europe::London)
    }

    #[test]
    fn a_late_evening_in_summer_is_the_next_day_in_london() {
        let at = utc("2026-03-31 23:30");
        assert_eq!(london().date(at), "1 April 2026");
        assert_eq!(london().date_and_time(at), "1 April 2026 at 00:30");
        assert_eq!(london().compact(at), "2026-04-01 00:30 BST");
        assert_eq!(london().iso_day(at), "2026-04-01");
    }

    #[test]
    fn in_winter_london_is_on_utc() {
        let at = utc("2026-11-30 23:30");
        assert_eq!(london().date(at), "30 November 2026");
        assert_eq!(london().date_and_time(at), "30 November 2026 at 23:30");
        assert_eq!(london().compact(at), "2026-11-30 23:30 GMT");
    }

    #[test]
    fn zones_west_of_utc_can_be_the_day_before() {
        let new_york = PeopleTime::new(chrono_tz::America::New_York);
        let at = utc("2026-07-01 02:00");
        assert_eq!(new_york.date(at), "30 June 2026");
        assert_eq!(new_york.date_and_time(at), "30 June 2026 at 22:00");
    }

    #[test]
    fn the_clock_change_is_followed() {
        // 01:00 UTC on 29 March 2026 is the moment British Summer Time starts.
        assert_eq!(
            london().date_and_time(utc("2026-03-29 00:59")),
            "29 March 2026 at 00:59"
        );
        assert_eq!(
            london().date_and_time(utc("2026-03-29 01:00")),
            "29 March 2026 at 02:00"
        );
    }

    #[test]
    fn moments_with_a_zone_are_shown_in_this_zone() {
        let at = utc("2026-06-01 08:00").and_utc();
        assert_eq!(london().date_and_time_of(&at), "1 June 2026 at 09:00");
    }

    #[test]
    fn stored_dates_are_shown_as_they_are() {
        for (y, m, d, shown) in [
            (2027, 3, 3, "3 March 2027"),
            (2026, 12, 31, "31 December 2026"),
            (2028, 2, 29, "29 February 2028"),
        ] {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(PeopleTime::calendar_date(date), shown);
        }
    }
}
