//! How an organisation is shown to other people: one spelling for everyone
//! who works there, whatever each of them typed ("bristol city  council" is
//! shown as "Bristol City Council" when most of its people typed that).
//! People's own records, and their manage page, keep what they typed.

use std::collections::HashMap;

use super::pairing::organisation_key;

/// One spelling exactly as typed, by how many people, and the first of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spelling {
    pub text: String,
    pub people: i64,
    /// The id of the first person who typed it: the earlier spelling wins a tie.
    pub first_id: i64,
}

/// The spelling shown for each organisation, by its key (the organisations
/// are told apart as the pairing tells them apart: [`organisation_key`]).
#[derive(Debug, Clone, Default)]
pub struct OrganisationNames(HashMap<String, Spelling>);

impl OrganisationNames {
    /// The most common spelling of each organisation wins; of equally common
    /// ones, the one typed first.
    pub fn new(spellings: impl IntoIterator<Item = Spelling>) -> Self {
        let mut chosen: HashMap<String, Spelling> = HashMap::new();
        for spelling in spellings {
            let key = organisation_key(&spelling.text);
            let better = |current: &Spelling| {
                (spelling.people, -spelling.first_id) > (current.people, -current.first_id)
            };
            if chosen.get(&key).is_none_or(better) {
                chosen.insert(key, spelling);
            }
        }
        Self(chosen)
    }

    /// Organisers' choices, as (organisation key, spelling), win over the
    /// most common spelling: people may mostly type an old or short name.
    #[must_use]
    pub fn choosing(mut self, chosen: impl IntoIterator<Item = (String, String)>) -> Self {
        for (key, text) in chosen {
            let spelling = Spelling {
                people: self.0.get(&key).map_or(0, |s| s.people),
                first_id: 0,
                text,
            };
            self.0.insert(key, spelling);
        }
        self
    }

    /// How the organisation that `typed` names is shown: its chosen
    /// spelling, or `typed` itself if none is known (nor for an empty one).
    pub fn shown(&self, typed: &str) -> String {
        self.0
            .get(&organisation_key(typed))
            .map_or_else(|| typed.to_owned(), |s| s.text.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spelling(text: &str, people: i64, first_id: i64) -> Spelling {
        Spelling {
            text: text.to_owned(),
            people,
            first_id,
        }
    }

    #[test]
    fn the_most_common_spelling_is_shown_for_every_spelling() {
        let names = OrganisationNames::new([
            spelling("bristol city  council", 1, 1),
            spelling("Bristol City Council", 3, 2),
            spelling("Leeds", 1, 3),
        ]);
        assert_eq!(names.shown("bristol city  council"), "Bristol City Council");
        assert_eq!(names.shown("BRISTOL CITYCOUNCIL"), "Bristol City Council");
        assert_eq!(names.shown("Leeds"), "Leeds");
        assert_eq!(
            names.shown("York Council"),
            "York Council",
            "unknown: as typed"
        );
        assert_eq!(names.shown(""), "");
    }

    #[test]
    fn a_chosen_spelling_wins_over_the_most_common_one() {
        let names = OrganisationNames::new([
            spelling("bristol city council", 5, 1),
            spelling("Bristol City Council", 1, 2),
        ])
        .choosing([(
            organisation_key("Bristol City Council"),
            "Bristol City Council".to_owned(),
        )]);
        assert_eq!(names.shown("bristol city council"), "Bristol City Council");
        assert_eq!(names.shown("Leeds"), "Leeds", "others are as before");
    }

    #[test]
    fn a_tie_goes_to_the_spelling_typed_first() {
        let later_first = [spelling("hull cc", 2, 9), spelling("Hull CC", 2, 4)];
        assert_eq!(
            OrganisationNames::new(later_first.clone()).shown("HULL CC"),
            "Hull CC"
        );
        let reversed: Vec<_> = later_first.into_iter().rev().collect();
        assert_eq!(OrganisationNames::new(reversed).shown("HULL CC"), "Hull CC");
    }
}
