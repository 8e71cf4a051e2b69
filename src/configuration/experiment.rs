//! `[experiment]`: whether rounds compare random pairing with pairing by
//! shared interests, and the sentence the results page tests.

use serde::{Deserialize, Deserializer};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExperimentSettings {
    /// The share of each round's people, chosen at random, who are paired
    /// by what they would like to talk about (the `matched` arm); the rest
    /// are paired at random (the `random` arm). 0 runs no comparison.
    #[serde(deserialize_with = "share")]
    pub matched_share: f64,
    /// What the experiment tests, in one sentence: shown on `/results`.
    #[serde(deserialize_with = "sentence")]
    pub hypothesis: String,
}

impl ExperimentSettings {
    /// Whether rounds are split into two arms.
    pub fn is_running(&self) -> bool {
        self.matched_share > 0.0
    }
}

fn share<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    let value = f64::deserialize(d)?;
    if (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(serde::de::Error::custom(format!(
            "must be from 0.0 to 1.0, not {value},"
        )))
    }
}

fn sentence<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let value = String::deserialize(d)?;
    let value = value.trim();
    if value.is_empty() {
        return Err(serde::de::Error::custom("must not be empty"));
    }
    Ok(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::super::load_with;

    #[test]
    fn no_comparison_runs_by_default() {
        let s = load_with("").unwrap();
        assert_eq!(s.experiment.matched_share, 0.0);
        assert!(!s.experiment.is_running());
        assert!(s
            .experiment
            .hypothesis
            .starts_with("Being paired at random"));
        let s = load_with("[experiment]\nmatched_share = 0.5\n").unwrap();
        assert_eq!(s.experiment.matched_share, 0.5);
        assert!(s.experiment.is_running());
    }

    #[test]
    fn a_share_outside_0_to_1_is_refused_naming_its_key() {
        for bad in ["1.5", "-0.1"] {
            let err = load_with(&format!("[experiment]\nmatched_share = {bad}\n")).unwrap_err();
            assert!(err.contains("experiment.matched_share"), "{err}");
        }
        let err = load_with("[experiment]\nhypothesis = \"  \"\n").unwrap_err();
        assert!(err.contains("experiment.hypothesis"), "{err}");
    }
}
