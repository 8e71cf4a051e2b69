//! `[privacy]`: how long we keep the details of people who no longer take part.

use serde::Deserialize;

use super::positive_u32;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrivacySettings {
    /// Someone with no round and no visit to their links for this many
    /// months is asked, once, whether they want to stay; without an answer
    /// within 30 days their details are deleted, as if they had left.
    #[serde(deserialize_with = "positive_u32")]
    pub inactive_months: u32,
}

#[cfg(test)]
mod tests {
    use super::super::load_with;

    #[test]
    fn inactive_months_defaults_to_two_years() {
        assert_eq!(load_with("").unwrap().privacy.inactive_months, 24);
        let s = load_with("[privacy]\ninactive_months = 6\n").unwrap();
        assert_eq!(s.privacy.inactive_months, 6);
    }

    #[test]
    fn zero_inactive_months_is_refused_naming_its_key() {
        // Zero would ask everyone at once, every hour.
        let err = load_with("[privacy]\ninactive_months = 0\n").unwrap_err();
        assert!(err.contains("privacy.inactive_months"), "{err}");
        let err = load_with("[privacy]\ninactive_months = -3\n").unwrap_err();
        assert!(err.contains("privacy.inactive_months"), "{err}");
    }
}
