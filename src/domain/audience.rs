//! Who reads a message about a value that was refused.
//!
//! Each rule is written once, beside the type that checks it, and says what
//! is wrong as a value (`Missing`, `TooLong`, ...). How that is put into
//! words depends on the reader: the person filling in a form is asked to put
//! it right ("Enter your full name"); an organiser reading the results of an
//! import is told what the row holds ("the name is missing").

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The person giving their own details, on the signup or manage form.
    Person,
    /// An organiser who imported other people's details from a file. Their
    /// messages complete "Line 7: ...", so they start with a small letter.
    Organiser,
}

/// `text` with its first letter in capitals: an organiser's message at the
/// start of a sentence or a table cell.
pub fn sentence_case(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::sentence_case;

    #[test]
    fn only_the_first_letter_changes() {
        assert_eq!(
            sentence_case("the Google ID is missing"),
            "The Google ID is missing"
        );
        assert_eq!(sentence_case("élan"), "Élan");
        assert_eq!(sentence_case(""), "");
    }
}
