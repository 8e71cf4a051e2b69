//! When someone is usually free: weekday mornings and afternoons, ticked on
//! the signup form and the manage page (`availability` checkboxes) and
//! stored as space-separated codes (`participants.availability`). It only
//! adds a sentence to introductions; it never changes who is paired.

/// One half-day of the working week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Slot(u8);

const DAYS: [(&str, &str); 5] = [
    ("mon", "Monday"),
    ("tue", "Tuesday"),
    ("wed", "Wednesday"),
    ("thu", "Thursday"),
    ("fri", "Friday"),
];

impl Slot {
    /// Every slot, in the order of the week.
    pub fn all() -> impl Iterator<Item = Slot> {
        (0..10).map(Slot)
    }

    fn day(self) -> (&'static str, &'static str) {
        DAYS[usize::from(self.0 / 2)]
    }

    fn morning(self) -> bool {
        self.0.is_multiple_of(2)
    }

    /// `mon_am` … `fri_pm`: the form value and the stored code.
    pub fn code(self) -> String {
        let half = if self.morning() { "am" } else { "pm" };
        format!("{}_{half}", self.day().0)
    }

    /// "Monday morning": the checkbox label.
    pub fn label(self) -> String {
        format!("{} {}", self.day().1, self.half_day())
    }

    /// "Monday mornings": as in "usually free on Monday mornings".
    pub fn plural(self) -> String {
        format!("{}s", self.label())
    }

    fn half_day(self) -> &'static str {
        if self.morning() {
            "morning"
        } else {
            "afternoon"
        }
    }

    pub fn parse(code: &str) -> Option<Slot> {
        Slot::all().find(|s| s.code() == code)
    }
}

/// The slots someone ticked; empty when they gave none.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Availability {
    bits: u16,
}

/// Shown when a form sends a value that is not one of the checkboxes.
pub const UNKNOWN_SLOT: &str = "Choose the times you are usually free from the list";

impl Availability {
    /// The ticked checkboxes. A value that is not one of them is refused
    /// (no page sends one, so something is wrong): nothing is guessed.
    pub fn from_form(values: &[String]) -> Result<Self, &'static str> {
        values
            .iter()
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .try_fold(Self::default(), |found, value| {
                Slot::parse(value)
                    .map(|slot| found.with(slot))
                    .ok_or(UNKNOWN_SLOT)
            })
    }

    /// What was stored; codes this version does not know are skipped.
    pub fn from_stored(stored: Option<&str>) -> Self {
        stored
            .unwrap_or_default()
            .split_whitespace()
            .filter_map(Slot::parse)
            .fold(Self::default(), Self::with)
    }

    /// Space-separated codes in the order of the week; `None` when empty.
    pub fn to_stored(self) -> Option<String> {
        (!self.is_empty()).then(|| self.codes().join(" "))
    }

    /// The codes of the ticked slots, to tick them again on a form.
    pub fn codes(self) -> Vec<String> {
        self.slots().map(Slot::code).collect()
    }

    pub fn with(self, slot: Slot) -> Self {
        Self {
            bits: self.bits | 1 << slot.0,
        }
    }

    pub fn contains(self, slot: Slot) -> bool {
        self.bits & (1 << slot.0) != 0
    }

    pub fn is_empty(self) -> bool {
        self.bits == 0
    }

    pub fn slots(self) -> impl Iterator<Item = Slot> {
        Slot::all().filter(move |s| self.contains(*s))
    }

    fn shared_with(self, other: Self) -> Self {
        Self {
            bits: self.bits & other.bits,
        }
    }
}

/// The sentence for a group's introduction: "You are both usually free on
/// Tuesday mornings and Thursday afternoons" (or "You are all …" for three
/// or more). `None` unless every member gave their availability and they
/// share at least one slot.
pub fn shared_sentence(members: &[Availability]) -> Option<String> {
    if members.len() < 2 || members.iter().any(|a| a.is_empty()) {
        return None;
    }
    let shared = members.iter().copied().reduce(Availability::shared_with)?;
    let slots: Vec<String> = shared.slots().map(Slot::plural).collect();
    let who = if members.len() == 2 { "both" } else { "all" };
    match slots.as_slice() {
        [] => None,
        [one] => Some(format!("You are {who} usually free on {one}.")),
        [rest @ .., last] => Some(format!(
            "You are {who} usually free on {} and {last}.",
            rest.join(", ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(codes: &str) -> Availability {
        Availability::from_stored(Some(codes))
    }

    #[test]
    fn there_are_ten_slots_named_as_the_issue_says() {
        let codes: Vec<String> = Slot::all().map(Slot::code).collect();
        assert_eq!(
            codes.join(" "),
            "mon_am mon_pm tue_am tue_pm wed_am wed_pm thu_am thu_pm fri_am fri_pm"
        );
        assert_eq!(Slot::parse("tue_pm").unwrap().label(), "Tuesday afternoon");
        assert_eq!(Slot::parse("mon_am").unwrap().plural(), "Monday mornings");
    }

    #[test]
    fn a_form_is_read_in_any_order_and_stored_in_week_order() {
        let form = vec![
            "thu_pm".to_owned(),
            "mon_am".to_owned(),
            "mon_am".to_owned(),
        ];
        let got = Availability::from_form(&form).unwrap();
        assert_eq!(got.to_stored().as_deref(), Some("mon_am thu_pm"));
        assert_eq!(Availability::from_form(&[]).unwrap().to_stored(), None);
    }

    #[test]
    fn an_unknown_value_is_refused() {
        let form = vec!["mon_am".to_owned(), "sat_am".to_owned()];
        assert_eq!(Availability::from_form(&form), Err(UNKNOWN_SLOT));
    }

    #[test]
    fn unknown_stored_codes_are_skipped() {
        assert_eq!(of("sun_am  wed_pm").codes(), ["wed_pm"]);
        assert!(Availability::from_stored(None).is_empty());
    }

    #[test]
    fn a_pair_sharing_slots_gets_one_sentence() {
        let sentence = shared_sentence(&[of("tue_am thu_pm fri_am"), of("thu_pm tue_am mon_pm")]);
        assert_eq!(
            sentence.as_deref(),
            Some("You are both usually free on Tuesday mornings and Thursday afternoons.")
        );
    }

    #[test]
    fn a_trio_is_all_and_three_slots_get_commas() {
        let sentence = shared_sentence(&[
            of("mon_am tue_am wed_pm"),
            of("mon_am tue_am wed_pm"),
            of("mon_am tue_am wed_pm fri_pm"),
        ]);
        assert_eq!(
            sentence.as_deref(),
            Some("You are all usually free on Monday mornings, Tuesday mornings and Wednesday afternoons.")
        );
    }

    #[test]
    fn no_sentence_without_everyone_or_without_a_shared_slot() {
        assert_eq!(shared_sentence(&[of("mon_am"), of("")]), None);
        assert_eq!(shared_sentence(&[of("mon_am"), of("mon_pm")]), None);
        assert_eq!(shared_sentence(&[of("mon_am")]), None);
    }
}
