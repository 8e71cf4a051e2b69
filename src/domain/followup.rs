//! The follow-up form: did you meet, what did you share. Field names, for
//! people who script it: `met`, `no_reason`, `url` (repeatable), `note`,
//! `publish`, `challenged`, `would_repeat`, `new_connection`, and `remove`
//! (repeatable: ids of links to take away).
//!
//! A field left out of the request entirely keeps what was stored before, so
//! a script can add a link without restating everything else.

use super::follow_up_url::FollowUpUrl;
use super::text::{OptionalText, TextField};
use super::{Audience, FieldErrors};

pub const NOTE_MAX: usize = 1000;

const NOTE: TextField = TextField {
    label: "Your note",
    noun: "note",
    missing: "",
    max: NOTE_MAX,
    multiline: true,
};
/// Empty link boxes on the form.
pub const URL_SLOTS: usize = 3;

/// Whether a group met. Stored as `as_str()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum Met {
    Yes,
    NotYet,
    No,
}

impl Met {
    pub const ALL: [Met; 3] = [Met::Yes, Met::NotYet, Met::No];

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "yes" => Some(Self::Yes),
            "not_yet" => Some(Self::NotYet),
            "no" => Some(Self::No),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Yes => "yes",
            Self::NotYet => "not_yet",
            Self::No => "no",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Yes => "Yes, we met",
            Self::NotYet => "Not yet, but we plan to",
            Self::No => "No, we did not meet",
        }
    }
}

/// Why a group did not meet. Stored as `as_str()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum NoReason {
    NoTime,
    NoReply,
    Other,
}

impl NoReason {
    pub const ALL: [NoReason; 3] = [NoReason::NoTime, NoReason::NoReply, NoReason::Other];

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "no_time" => Some(Self::NoTime),
            "no_reply" => Some(Self::NoReply),
            "other" => Some(Self::Other),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::NoTime => "no_time",
            Self::NoReply => "no_reply",
            Self::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::NoTime => "We could not find a time",
            Self::NoReply => "My partner did not reply",
            Self::Other => "Another reason",
        }
    }
}

/// The form as sent: every value as text; `None` when a field was not sent at all.
#[derive(Debug, Clone, Default)]
pub struct FollowupForm {
    pub met: Option<String>,
    pub no_reason: Option<String>,
    pub urls: Vec<String>,
    pub note: Option<String>,
    pub publish: Option<String>,
    pub challenged: Option<String>,
    pub would_repeat: Option<String>,
    pub new_connection: Option<String>,
    pub remove: Vec<String>,
}

/// A follow-up that passed every check. `None` means "keep what was stored".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidFollowup {
    pub met: Met,
    pub no_reason: Option<NoReason>,
    pub urls: Vec<FollowUpUrl>,
    pub note: Option<Option<String>>,
    pub publish: Option<bool>,
    pub challenged: Option<Option<u8>>,
    /// "Would you like another conversation like this?"
    pub would_repeat: Option<Option<bool>>,
    /// "Is this someone you would contact again about work?"
    pub new_connection: Option<Option<bool>>,
    pub remove: Vec<i64>,
}

impl FollowupForm {
    /// Reads `application/x-www-form-urlencoded` pairs; repeated `url` and `remove` add up.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (std::borrow::Cow<'a, str>, std::borrow::Cow<'a, str>)>,
    ) -> Self {
        let mut form = Self::default();
        for (key, value) in pairs {
            let value = value.into_owned();
            match key.as_ref() {
                "met" => form.met = Some(value),
                "no_reason" => form.no_reason = Some(value),
                "url" => form.urls.push(value),
                "note" => form.note = Some(value),
                "publish" => form.publish = Some(value),
                "challenged" => form.challenged = Some(value),
                "would_repeat" => form.would_repeat = Some(value),
                "new_connection" => form.new_connection = Some(value),
                "remove" => form.remove.push(value),
                _ => {}
            }
        }
        form
    }

    pub fn validate(&self) -> Result<ValidFollowup, FieldErrors> {
        let mut errors = FieldErrors::default();
        let met = self.met.as_deref().and_then(Met::parse);
        if met.is_none() {
            errors.add("met", "Select whether you met");
        }
        let no_reason = match self.no_reason.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => NoReason::parse(raw).or_else(|| {
                errors.add("no_reason", "Select why you did not meet");
                None
            }),
        };
        let urls = self.valid_urls(&mut errors);
        let note = match &self.note {
            None => None,
            Some(raw) => match OptionalText::parse(raw, &NOTE) {
                Ok(text) => Some(text.into_inner()),
                Err(problem) => {
                    errors.add("note", problem.message(&NOTE, Audience::Person));
                    None
                }
            },
        };
        let publish = match self.publish.as_deref() {
            None => None,
            Some("yes") => Some(true),
            Some("no") | Some("") => Some(false),
            Some(_) => {
                errors.add("publish", "Select whether we may publish what you shared");
                None
            }
        };
        let challenged = match self.challenged.as_deref().map(str::trim) {
            None => None,
            Some("") => Some(None),
            Some(raw) => match raw.parse::<u8>() {
                Ok(n @ 1..=5) => Some(Some(n)),
                _ => {
                    errors.add("challenged", "Select a number from 1 to 5");
                    None
                }
            },
        };
        let would_repeat = yes_no(
            self.would_repeat.as_deref(),
            "would_repeat",
            "Select yes if you would like another conversation like this, or no if not",
            &mut errors,
        );
        let new_connection = yes_no(
            self.new_connection.as_deref(),
            "new_connection",
            "Select yes if you would contact them again about work, or no if not",
            &mut errors,
        );
        let remove = self
            .remove
            .iter()
            .filter_map(|r| r.trim().parse().ok())
            .collect();
        match met {
            Some(met) if errors.is_empty() => Ok(ValidFollowup {
                met,
                no_reason: no_reason.filter(|_| met == Met::No),
                urls,
                note,
                publish,
                challenged,
                would_repeat,
                new_connection,
                remove,
            }),
            _ => Err(errors),
        }
    }

    /// Each non-empty link box, checked; errors name the box (`url-1`, ...).
    fn valid_urls(&self, errors: &mut FieldErrors) -> Vec<FollowUpUrl> {
        let mut urls: Vec<FollowUpUrl> = Vec::new();
        for (i, raw) in self.urls.iter().enumerate() {
            if raw.trim().is_empty() {
                continue;
            }
            match FollowUpUrl::parse(raw) {
                Ok(url) if !urls.contains(&url) => urls.push(url),
                Ok(_) => {}
                Err(message) => errors.add(format!("url-{}", i + 1), message),
            }
        }
        urls
    }
}

/// An optional yes/no question: not sent keeps what was stored (`None`),
/// empty clears it (`Some(None)`), anything but `yes` or `no` is an error.
fn yes_no(
    raw: Option<&str>,
    field: &str,
    message: &str,
    errors: &mut FieldErrors,
) -> Option<Option<bool>> {
    match raw.map(str::trim) {
        None => None,
        Some("") => Some(None),
        Some("yes") => Some(Some(true)),
        Some("no") => Some(Some(false)),
        Some(_) => {
            errors.add(field, message);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn form(pairs: &[(&'static str, &'static str)]) -> FollowupForm {
        FollowupForm::from_pairs(
            pairs
                .iter()
                .map(|(k, v)| (Cow::Borrowed(*k), Cow::Borrowed(*v))),
        )
    }

    #[test]
    fn a_full_answer_passes() {
        let valid = form(&[
            ("met", "yes"),
            ("url", "https://blog.example.org/a"),
            ("url", ""),
            ("url", "https://social.example/@jo/1"),
            ("note", "Good chat"),
            ("publish", "yes"),
            ("challenged", "4"),
            ("would_repeat", "yes"),
            ("new_connection", "no"),
        ])
        .validate()
        .unwrap();
        assert_eq!(valid.met, Met::Yes);
        assert_eq!(valid.urls.len(), 2);
        assert_eq!(valid.publish, Some(true));
        assert_eq!(valid.challenged, Some(Some(4)));
        assert_eq!(valid.would_repeat, Some(Some(true)));
        assert_eq!(valid.new_connection, Some(Some(false)));
        assert_eq!(valid.note, Some(Some("Good chat".into())));
    }

    #[test]
    fn fields_not_sent_keep_what_was_stored() {
        let valid = form(&[("met", "not_yet"), ("url", "https://example.org/x")])
            .validate()
            .unwrap();
        assert_eq!(
            (valid.note, valid.publish, valid.challenged),
            (None, None, None)
        );
        assert_eq!((valid.would_repeat, valid.new_connection), (None, None));
    }

    #[test]
    fn bad_values_are_named_by_field() {
        let errors = form(&[
            ("url", "https://example.org/ok"),
            ("url", "javascript:alert(1)"),
            ("challenged", "9"),
            ("publish", "maybe"),
            ("no_reason", "bored"),
            ("would_repeat", "maybe"),
            ("new_connection", "true"),
        ])
        .validate()
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|(f, _)| f.to_owned()).collect();
        assert_eq!(
            fields,
            [
                "met",
                "no_reason",
                "url-2",
                "publish",
                "challenged",
                "would_repeat",
                "new_connection"
            ]
        );
    }

    #[test]
    fn a_reason_counts_only_when_they_did_not_meet() {
        let yes = form(&[("met", "yes"), ("no_reason", "no_time")])
            .validate()
            .unwrap();
        assert_eq!(yes.no_reason, None);
        let no = form(&[("met", "no"), ("no_reason", "no_reply")])
            .validate()
            .unwrap();
        assert_eq!(no.no_reason, Some(NoReason::NoReply));
    }
}
