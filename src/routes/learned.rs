//! `/learned` and `/learned.atom`: the public learning log. Only links whose
//! authors chose to publish them, with the person's name and organisation:
//! never an email address or a phone number.

use actix_web::http::StatusCode;
use actix_web::{get, web, HttpRequest, HttpResponse};
use askama::Template;
use atom_syndication::{
    ContentBuilder, EntryBuilder, Feed, FeedBuilder, FixedDateTime, LinkBuilder, PersonBuilder,
    Text,
};
use chrono::{DateTime, NaiveDateTime};
use diesel::Connection;

use crate::db;
use crate::db::followups::published::{self, Output};
use crate::domain::{FollowUpUrl, PeopleTime};
use crate::pages::{html, PageError};
use crate::startup::AppState;

/// Items on one page of `/learned`.
const PER_PAGE: i64 = 20;
/// Entries in the feed.
const FEED_ENTRIES: i64 = 50;
const FEED_TITLE: &str = "What people learned – UnMentoring";

/// One published link as the page shows it.
struct Item {
    anchor: String,
    name: String,
    organisation: String,
    /// None when the stored link is not a web link: shown as text only.
    href: Option<String>,
    link_text: String,
    note: Option<String>,
    round_date: String,
    round_date_iso: String,
}

impl Item {
    /// The round's date is the day it started in `schedule.timezone`.
    fn new(o: Output, time: PeopleTime) -> Self {
        Self {
            anchor: anchor(o.link_id),
            link_text: link_text(&o.url),
            name: o.name,
            organisation: o.organisation,
            href: is_web_link(&o.url).then_some(o.url),
            note: o.note.filter(|n| !n.trim().is_empty()),
            round_date: time.date(o.round_started_at),
            round_date_iso: time.iso_day(o.round_started_at),
        }
    }
}

/// What the page shows below the summary.
enum Listing {
    /// Nothing published yet.
    Empty,
    /// A page number past the last page.
    OutOfRange {
        requested: u64,
    },
    Items(Vec<Item>),
}

#[derive(Template)]
#[template(path = "learned.html")]
struct LearnedPage {
    conversations: String,
    shared: String,
    listing: Listing,
    page: u64,
    pages: u64,
    previous: Option<String>,
    next: Option<String>,
}

#[get("/learned")]
#[tracing::instrument(name = "learning log", skip(request, state))]
pub async fn page(
    request: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let requested = requested_page(request.query_string());
    let (summary, total, outputs) = db::run(&state.pool, move |conn| {
        // One read transaction: the counts and the page agree.
        conn.transaction(|conn| {
            let summary = published::summary(conn)?;
            let total = published::count(conn)?;
            let outputs = match i64::try_from(requested - 1) {
                // Only pages that exist are read, so the offset cannot overflow.
                Ok(skipped) if skipped < (total + PER_PAGE - 1) / PER_PAGE => {
                    let outputs = published::list(conn, PER_PAGE, skipped * PER_PAGE)?;
                    with_shown_organisations(conn, outputs)?
                }
                _ => Vec::new(),
            };
            Ok((summary, total, outputs))
        })
    })
    .await?;
    let pages = page_count(total);
    let listing = if total == 0 {
        Listing::Empty
    } else if requested > pages {
        Listing::OutOfRange { requested }
    } else {
        let time = state.settings.people_time();
        Listing::Items(outputs.into_iter().map(|o| Item::new(o, time)).collect())
    };
    let in_range = matches!(listing, Listing::Items(_));
    let link = |n: u64| match n {
        1 => "/learned".to_owned(),
        n => format!("/learned?page={n}"),
    };
    let page = LearnedPage {
        conversations: counted(summary.conversations, "conversation", "conversations"),
        shared: counted(summary.shared, "thing", "things"),
        previous: (in_range && requested > 1).then(|| link(requested - 1)),
        next: (in_range && requested < pages).then(|| link(requested + 1)),
        listing,
        page: requested,
        pages,
    };
    Ok(html(StatusCode::OK, &page))
}

#[get("/learned.atom")]
#[tracing::instrument(name = "learning log feed", skip(state))]
pub async fn feed(state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    let outputs = db::run(&state.pool, |conn| {
        let outputs = published::list(conn, FEED_ENTRIES, 0)?;
        with_shown_organisations(conn, outputs)
    })
    .await?;
    let atom = build_feed(
        state.composer.base_url().as_str(),
        state.settings.people_time(),
        outputs,
    );
    let body = atom
        .write_to(Vec::new())
        .map_err(|e| anyhow::anyhow!("could not write the feed: {e}"))?;
    Ok(HttpResponse::Ok()
        .content_type("application/atom+xml; charset=utf-8")
        .body(body))
}

/// The outputs with each organisation spelled as most of its people spell
/// it ([`crate::domain::OrganisationNames`]), not as each author typed it.
fn with_shown_organisations(
    conn: &mut db::Conn,
    mut outputs: Vec<Output>,
) -> anyhow::Result<Vec<Output>> {
    let names = crate::db::organisation_names::names(conn)?;
    for output in &mut outputs {
        output.organisation = names.shown(&output.organisation);
    }
    Ok(outputs)
}

/// The feed, with links made from `base` (`server.base_url`), never the request.
fn build_feed(base: &str, time: PeopleTime, outputs: Vec<Output>) -> Feed {
    let page_url = format!("{base}/learned");
    let feed_url = format!("{base}/learned.atom");
    let updated = outputs
        .first()
        .map(|o| utc(o.shared_at))
        .unwrap_or_else(|| utc(DateTime::UNIX_EPOCH.naive_utc()));
    let entries: Vec<_> = outputs
        .into_iter()
        .map(|o| {
            let shown = link_text(&o.url);
            let who = who(&o.name, &o.organisation);
            let mut entry = EntryBuilder::default();
            entry
                .id(format!("{page_url}#{}", anchor(o.link_id)))
                .title(Text::plain(xml_safe(&format!("{who} shared {shown}"))))
                .updated(utc(o.shared_at))
                .published(Some(utc(o.shared_at)))
                .author(PersonBuilder::default().name(xml_safe(&o.name)).build());
            if is_web_link(&o.url) {
                entry.link(
                    LinkBuilder::default()
                        .href(xml_safe(&o.url))
                        .rel("alternate")
                        .build(),
                );
            }
            let round = time.date(o.round_started_at);
            entry.summary(Some(Text::plain(format!(
                "Shared after a conversation in the UnMentoring round of {round}."
            ))));
            if let Some(note) = o.note.as_deref().filter(|n| !n.trim().is_empty()) {
                entry.content(Some(
                    ContentBuilder::default()
                        .content_type(Some("text".to_owned()))
                        .value(Some(xml_safe(note)))
                        .build(),
                ));
            }
            entry.build()
        })
        .collect();
    FeedBuilder::default()
        .id(feed_url.clone())
        .title(Text::plain(FEED_TITLE))
        .subtitle(Some(Text::plain(
            "Links to what people shared after their UnMentoring conversations, published with their agreement.",
        )))
        .updated(updated)
        .author(PersonBuilder::default().name("UnMentoring").uri(Some(format!("{base}/"))).build())
        .link(
            LinkBuilder::default()
                .href(feed_url)
                .rel("self")
                .mime_type(Some("application/atom+xml".to_owned()))
                .build(),
        )
        .link(
            LinkBuilder::default()
                .href(page_url)
                .rel("alternate")
                .mime_type(Some("text/html".to_owned()))
                .build(),
        )
        .lang(Some("en-GB".to_owned()))
        .entries(entries)
        .build()
}

/// The page asked for by `?page=N`; anything unreadable, or 0, is page 1.
fn requested_page(query: &str) -> u64 {
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == "page")
        .and_then(|(_, value)| value.trim().parse::<u64>().ok())
        .filter(|&n| n >= 1)
        .unwrap_or(1)
}

fn page_count(total: i64) -> u64 {
    let total = u64::try_from(total).unwrap_or(0);
    total.div_ceil(PER_PAGE as u64).max(1)
}

/// "1 conversation", "12 conversations".
fn counted(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The anchor of an item on the page, also the end of its feed entry's id.
fn anchor(link_id: i64) -> String {
    format!("link-{link_id}")
}

fn who(name: &str, organisation: &str) -> String {
    if organisation.trim().is_empty() {
        name.to_owned()
    } else {
        format!("{name} ({organisation})")
    }
}

/// How a link is shown: host and path, or the stored text if it does not parse.
fn link_text(url: &str) -> String {
    FollowUpUrl::parse(url).map_or_else(|_| url.to_owned(), |u| u.display())
}

/// Only links that pass today's rules are ever links: never `javascript:`
/// and the like, nor a private or local address stored before those were
/// refused, whatever found its way into the database.
fn is_web_link(url: &str) -> bool {
    let absolute = url::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
    absolute && FollowUpUrl::parse(url).is_ok()
}

fn utc(at: NaiveDateTime) -> FixedDateTime {
    at.and_utc().fixed_offset()
}

/// Drops characters that XML 1.0 does not allow, so the feed always parses.
fn xml_safe(text: &str) -> String {
    text.chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r')
                || matches!(c, '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_never_fail() {
        assert_eq!(requested_page(""), 1);
        assert_eq!(requested_page("page=3"), 3);
        assert_eq!(requested_page("page=abc"), 1);
        assert_eq!(requested_page("page=0"), 1);
        assert_eq!(requested_page("page=-2"), 1);
        assert_eq!(requested_page("page=99999999999999999999999"), 1);
        assert_eq!(requested_page("x=1&page=%32"), 2);
        assert_eq!(page_count(0), 1);
        assert_eq!(page_count(20), 1);
        assert_eq!(page_count(21), 2);
    }

    #[test]
    fn feed_text_is_valid_xml() {
        assert_eq!(xml_safe("a\u{1}b\u{FFFE}c\nd"), "abc\nd");
        assert_eq!(
            link_text("https://www.example.org/post"),
            "example.org/post"
        );
        assert_eq!(link_text("not a link"), "not a link");
        assert_eq!(who("Jo", ""), "Jo");
        assert!(is_web_link("https://example.org/a"));
        assert!(!is_web_link("javascript:alert(1)"));
        assert!(!is_web_link("example.org/a"));
        assert!(!is_web_link("http://192.168.1.1/cgi-bin/reboot"));
        assert_eq!(counted(1, "thing", "things"), "1 thing");
        assert_eq!(counted(0, "thing", "things"), "0 things");
    }

    #[test]
    fn an_empty_feed_is_still_a_valid_feed() {
        let london = PeopleTime::new(chrono_tz::Europe::London);
        let atom = build_feed("https://example.org", london, Vec::new());
        let parsed: Feed = atom.to_string().parse().unwrap();
        assert_eq!(parsed.id(), "https://example.org/learned.atom");
        assert_eq!(parsed.updated().timestamp(), 0);
        assert!(parsed.entries().is_empty());
    }
}
