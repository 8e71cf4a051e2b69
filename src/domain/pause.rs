use chrono::NaiveDate;

/// The furthest ahead a pause can be set, in days.
const MAX_DAYS_AHEAD: i64 = 2 * 366;

/// Reads the "pause until" date from its day, month and year boxes. All three
/// empty means "until I resume" (None).
pub fn parse_pause_until(
    day: &str,
    month: &str,
    year: &str,
    today: NaiveDate,
) -> Result<Option<NaiveDate>, &'static str> {
    let parts = [day.trim(), month.trim(), year.trim()];
    if parts.iter().all(|p| p.is_empty()) {
        return Ok(None);
    }
    if parts.iter().any(|p| p.is_empty()) {
        return Err("The date must include a day, month and year");
    }
    let numbers: Vec<u32> = parts
        .iter()
        .map(|p| p.parse::<u32>())
        .collect::<Result<_, _>>()
        .map_err(|_| "The date must be a real date, like 27 3 2027")?;
    let year =
        i32::try_from(numbers[2]).map_err(|_| "The date must be a real date, like 27 3 2027")?;
    if year < 1000 {
        return Err("The year must include 4 numbers, like 2027");
    }
    let date = NaiveDate::from_ymd_opt(year, numbers[1], numbers[0])
        .ok_or("The date must be a real date, like 27 3 2027")?;
    if date <= today {
        return Err("The date must be in the future");
    }
    if (date - today).num_days() > MAX_DAYS_AHEAD {
        return Err("The date must be within the next 2 years");
    }
    Ok(Some(date))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    #[test]
    fn empty_means_until_resumed() {
        assert_eq!(parse_pause_until(" ", "", "", today()), Ok(None));
    }

    #[test]
    fn reads_real_future_dates_only() {
        assert_eq!(
            parse_pause_until("3", "03", "2027", today()),
            Ok(NaiveDate::from_ymd_opt(2027, 3, 3))
        );
        for (d, m, y) in [
            ("31", "2", "2027"),
            ("x", "1", "2027"),
            ("1", "1", "27"),
            ("22", "11", "2026"),
            ("1", "1", "2030"),
            ("1", "", "2027"),
        ] {
            assert!(parse_pause_until(d, m, y, today()).is_err(), "{d} {m} {y}");
        }
    }
}
