//! `unmentoring event groups --size N --people FILE.csv [--seed S] [--email]`:
//! small groups on the day of an event (see `services::events`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

use crate::clock::Clock;
use crate::configuration::Settings;
use crate::db::{self, open_database};
use crate::domain::{read_list, Attendee};
use crate::email::Composer;
use crate::services::events;

#[derive(Debug, Subcommand)]
pub enum EventCommand {
    /// Split a list of attendees into small groups, keeping people from one
    /// organisation, and people who met through UnMentoring, apart where possible.
    Groups {
        /// People per group, 2 to 8; when the count does not divide, some groups have one more.
        #[arg(long)]
        size: usize,
        /// A CSV file with the columns name, email and organisation.
        #[arg(long)]
        people: PathBuf,
        /// Makes the same groups again from the same list.
        #[arg(long)]
        seed: Option<u64>,
        /// Email each attendee who has an address their group (kind `event`).
        #[arg(long)]
        email: bool,
    },
}

pub async fn run(command: EventCommand, settings: Settings) -> anyhow::Result<ExitCode> {
    let EventCommand::Groups {
        size,
        people,
        seed,
        email,
    } = command;
    if !events::SIZES.contains(&size) {
        eprintln!("--size must be from 2 to 8.");
        return Ok(ExitCode::from(2));
    }
    let text = match std::fs::read_to_string(&people) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("Could not read {}: {e}.", people.display());
            return Ok(ExitCode::from(2));
        }
    };
    let attendees = match read_list(&text) {
        Ok(attendees) => attendees,
        Err(problems) => {
            for problem in problems {
                eprintln!("{problem}.");
            }
            return Ok(ExitCode::from(2));
        }
    };
    let seed = seed.unwrap_or_else(crate::services::round_runner::new_seed);
    let pool = open_database(&settings).await?;
    let composer = Composer::new(&settings);
    let now = Clock::system().now();
    let list = attendees.clone();
    let (groups, emailed) = db::write(&pool, move |conn| {
        let groups = events::make_groups(conn, &list, size, seed)?;
        let emailed = if email {
            events::email_groups(conn, &composer, "", &list, &groups, now)?
        } else {
            0
        };
        Ok((groups, emailed))
    })
    .await?;
    print_groups(&attendees, &groups);
    println!(
        "\n{} people in {} groups. Seed {seed}: run again with --seed {seed} for the same groups.",
        attendees.len(),
        groups.len()
    );
    if email {
        println!("{emailed} attendees with an email address will get their group; `unmentoring serve` sends the emails.");
    }
    Ok(ExitCode::SUCCESS)
}

fn print_groups(attendees: &[Attendee], groups: &events::Groups) {
    for (i, group) in groups.iter().enumerate() {
        let people: Vec<String> = group
            .iter()
            .map(|&a| {
                let person = &attendees[a];
                if person.organisation.is_empty() {
                    person.name.clone()
                } else {
                    format!("{} ({})", person.name, person.organisation)
                }
            })
            .collect();
        println!("Group {}: {}", i + 1, people.join(", "));
    }
}
