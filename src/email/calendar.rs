//! The calendar invitation (RFC 5545) sent when a group says when it will
//! meet: one 30-minute event, `METHOD:REQUEST`, with the same UID for the
//! group every time, so that a new time replaces the old one in people's
//! calendars (its SEQUENCE is higher).

use chrono::{Duration, NaiveDateTime};
use icalendar::{Attendee, Calendar, Component, EventLike, Property};
use lettre::message::Mailbox;

use super::message::header_safe;

/// How long an UnMentoring conversation is.
pub const MEETING_MINUTES: i64 = 30;

/// One person invited, as the calendar names them.
pub struct Invitee {
    pub name: String,
    pub address: String,
}

/// Everything the invitation says.
pub struct Invitation<'a> {
    /// Stable for the group: see [`meeting_uid`].
    pub uid: String,
    pub sequence: u32,
    /// When this version of the invitation was made (DTSTAMP), UTC.
    pub stamp: NaiveDateTime,
    /// The agreed start, UTC.
    pub starts_at: NaiveDateTime,
    pub summary: String,
    pub description: String,
    pub organizer: &'a Mailbox,
    pub invitees: &'a [Invitee],
    /// The group's video link, when there is one.
    pub location: Option<&'a str>,
}

/// The UID of a group's meeting: its id on our mail domain, so it stays the
/// same however often the time changes, and is never another sender's.
pub fn meeting_uid(meeting_id: i64, domain: &str) -> String {
    format!("unmentoring-meeting-{meeting_id}@{domain}")
}

/// A parameter value (a name) may not hold a double quote or a control
/// character (RFC 5545, 3.1): such characters become spaces.
fn parameter_safe(name: &str) -> String {
    header_safe(&name.replace('"', " "))
}

impl Invitation<'_> {
    /// The invitation as an iCalendar text, lines ending in CRLF.
    pub fn to_ics(&self) -> String {
        let mut event = icalendar::Event::new();
        event
            .uid(&self.uid)
            .sequence(self.sequence)
            .timestamp(self.stamp.and_utc())
            .starts(self.starts_at.and_utc())
            .ends((self.starts_at + Duration::minutes(MEETING_MINUTES)).and_utc())
            .summary(&self.summary)
            .description(&self.description)
            .add_property("STATUS", "CONFIRMED")
            .add_property("TRANSP", "OPAQUE");
        let mut organizer = Property::new("ORGANIZER", format!("mailto:{}", self.organizer.email));
        if let Some(name) = &self.organizer.name {
            organizer.add_parameter("CN", &parameter_safe(name));
        }
        event.append_property(organizer);
        for invitee in self.invitees {
            event.attendee(
                Attendee::new(format!("mailto:{}", invitee.address))
                    .cn(parameter_safe(&invitee.name))
                    .role(icalendar::Role::ReqParticipant)
                    .partstat(icalendar::PartStat::NeedsAction)
                    // Replies would go to our own address, which nobody reads.
                    .rsvp(false),
            );
        }
        if let Some(location) = self.location {
            event.location(location);
        }
        let mut calendar = Calendar::empty();
        calendar
            .append_property(Property::new("VERSION", "2.0"))
            .append_property(Property::new("PRODID", "-//UnMentoring//Conversations//EN"))
            .append_property(Property::new("CALSCALE", "GREGORIAN"))
            .append_property(Property::new("METHOD", "REQUEST"))
            .push(event);
        calendar.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use icalendar::{CalendarComponent, DatePerhapsTime};

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn the_invitation_reads_back_with_every_field() {
        let organizer: Mailbox = "UnMentoring <um@example.org>".parse().unwrap();
        let invitees = [
            Invitee {
                name: "Ann \"Annie\" Able".into(),
                address: "ann@example.org".into(),
            },
            Invitee {
                name: "Bob Baker, Jr".into(),
                address: "bob@example.org".into(),
            },
        ];
        let ics = Invitation {
            uid: meeting_uid(7, "example.org"),
            sequence: 2,
            stamp: at("2026-11-30 10:00"),
            starts_at: at("2026-12-08 14:30"),
            summary: "UnMentoring: Ann and Bob".into(),
            description: "A conversation".into(),
            organizer: &organizer,
            invitees: &invitees,
            location: Some("https://meet.example.org/room-1"),
        }
        .to_ics();
        assert!(ics.contains("METHOD:REQUEST\r\n"), "{ics}");
        assert!(ics.contains("DTSTART:20261208T143000Z\r\n"), "{ics}");
        assert!(ics.contains("DTEND:20261208T150000Z\r\n"), "{ics}");
        let calendar: Calendar = ics.parse().unwrap();
        assert_eq!(calendar.property_value("METHOD"), Some("REQUEST"));
        let events: Vec<_> = calendar
            .components
            .iter()
            .filter_map(|c| match c {
                CalendarComponent::Event(e) => Some(e),
                _ => None,
            })
            .collect();
        assert_eq!(events.len(), 1);
        let event = events[0];
        assert_eq!(event.get_uid(), Some("unmentoring-meeting-7@example.org"));
        assert_eq!(event.get_sequence(), Some(2));
        assert_eq!(
            event.get_start(),
            Some(DatePerhapsTime::from(at("2026-12-08 14:30").and_utc()))
        );
        assert_eq!(
            event.get_location(),
            Some("https://meet.example.org/room-1")
        );
        assert_eq!(
            event.property_value("ORGANIZER"),
            Some("mailto:um@example.org")
        );
        let attendees: Vec<String> = event
            .get_attendees()
            .into_iter()
            .map(|a| a.cal_address)
            .collect();
        assert_eq!(
            attendees,
            ["mailto:ann@example.org", "mailto:bob@example.org"]
        );
    }
}
