//! A list of people at an event (`name,email,organisation`), read from CSV
//! for `services::events`.

use super::ParticipantEmail;

/// One person on the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendee {
    pub name: String,
    pub email: Option<ParticipantEmail>,
    pub organisation: String,
}

/// Reads the list: a header row naming `name`, `email` and `organisation`
/// (in any order; other columns are ignored), then one attendee per row.
/// Returns the attendees, or the problems in words, by line.
pub fn read_list(csv_text: &str) -> Result<Vec<Attendee>, Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(csv_text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(_) => return Err(vec!["The list could not be read as CSV".to_owned()]),
    };
    let column = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(name_at), Some(email_at), Some(org_at)) =
        (column("name"), column("email"), column("organisation"))
    else {
        return Err(vec![
            "The first line must name the columns name, email and organisation".to_owned(),
        ]);
    };
    let mut attendees = Vec::new();
    let mut problems = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let Ok(record) = record else {
            problems.push(format!("Line {line}: it could not be read"));
            continue;
        };
        let field = |at: usize| record.get(at).unwrap_or_default().to_owned();
        let name = field(name_at);
        if name.is_empty() {
            problems.push(format!("Line {line}: the name is missing"));
            continue;
        }
        let raw_email = field(email_at);
        let email = if raw_email.is_empty() {
            None
        } else {
            match ParticipantEmail::parse(&raw_email) {
                Ok(email) => Some(email),
                Err(_) => {
                    problems.push(format!("Line {line}: the email address is not valid"));
                    continue;
                }
            }
        };
        attendees.push(Attendee {
            name,
            email,
            organisation: field(org_at),
        });
    }
    if attendees.is_empty() && problems.is_empty() {
        problems.push("The list has nobody on it".to_owned());
    }
    if problems.is_empty() {
        Ok(attendees)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_list_and_says_what_is_wrong_by_line() {
        let list = "Name,Organisation,Email\nAnn,Leeds,ann@example.org\nBob,Kent,\n";
        let read = read_list(list).unwrap();
        assert_eq!(read.len(), 2);
        assert_eq!(read[0].organisation, "Leeds");
        assert!(read[1].email.is_none());
        let bad = read_list("name,email,organisation\n,x@example.org,A\nCat,not-an-address,B\n")
            .unwrap_err();
        assert_eq!(
            bad,
            [
                "Line 2: the name is missing",
                "Line 3: the email address is not valid"
            ]
        );
        assert!(read_list("who,where\nAnn,Leeds\n").is_err());
        assert!(read_list("name,email,organisation\n").is_err());
    }
}
