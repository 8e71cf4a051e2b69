//! `unmentoring round run [--dry-run] [--all] [--force]`, `round list`, `round show ID`,
//! and (in `round_drafts`) `round send DRAFT_ID`, `round replay ROUND_ID`.

use std::collections::HashSet;
use std::process::ExitCode;

use clap::Subcommand;

use crate::configuration::Settings;
use crate::db::open_database;
use crate::db::participants::Participant;
use crate::db::rounds::{self, Round};
use crate::db::{self, rematches, Pool};
use crate::domain::experiment::Arm;
use crate::domain::pairing::PairingStats;
use crate::email::Composer;
use crate::services::round_changes;

use super::round_drafts as drafts;
use crate::services::round_runner::{
    self as runner, RoundOptions, RoundOutcome, RoundPlan, Trigger,
};

#[derive(Debug, Subcommand)]
pub enum RoundCommand {
    /// Pair everyone who is due now and queue their introductions.
    Run {
        /// Draw the groups and store them as a draft to check, without
        /// emailing anyone: prints the draft's number for `round send`.
        #[arg(long)]
        dry_run: bool,
        /// Include every active participant, whatever their cadence (a launch or event round).
        #[arg(long)]
        all: bool,
        /// Run even if a round ran less than 10 minutes ago.
        #[arg(long)]
        force: bool,
    },
    /// List rounds, newest first.
    List,
    /// Show one round: its statistics and groups.
    Show {
        /// The round's number, from `round list`.
        id: i64,
    },
    /// Send a draft made by `round run --dry-run` (or the console's
    /// preview): exactly its groups, unless who is due has changed since.
    Send {
        /// The draft's number, as `round run --dry-run` printed it.
        draft_id: i64,
        /// Send even if a round ran less than 10 minutes ago.
        #[arg(long)]
        force: bool,
    },
    /// Draw a round again from its stored seed and inputs, and say whether
    /// the result is identical to what was sent.
    Replay {
        /// The round's number, from `round list`.
        id: i64,
    },
}

pub async fn run(command: RoundCommand, settings: Settings) -> anyhow::Result<ExitCode> {
    let pool = open_database(&settings).await?;
    match command {
        RoundCommand::Run {
            dry_run: true, all, ..
        } => drafts::dry_run(&pool, &settings, all).await,
        RoundCommand::Run { all, force, .. } => run_round(&pool, &settings, all, force).await,
        RoundCommand::List => list(&pool).await,
        RoundCommand::Show { id } => show(&pool, id).await,
        RoundCommand::Send { draft_id, force } => {
            drafts::send(&pool, &settings, draft_id, force).await
        }
        RoundCommand::Replay { id } => drafts::replay(&pool, id).await,
    }
}

/// Who the real run would pause for silence, and so leave out.
pub(super) fn print_ghosts(ghosts: &[Participant]) {
    if ghosts.is_empty() {
        return;
    }
    println!(
        "\nThe real run would pause {} for not answering {} rounds in a row, and leave them out:",
        people(ghosts.len()),
        crate::domain::SILENT_ROUNDS
    );
    for person in ghosts {
        println!("  {} ({})", person.name, person.organisation);
    }
}

/// "1 person is", "3 people are".
fn people_are(n: usize) -> String {
    if n == 1 {
        "1 person is".to_owned()
    } else {
        format!("{n} people are")
    }
}

fn people(n: usize) -> String {
    if n == 1 {
        "1 person".to_owned()
    } else {
        format!("{n} people")
    }
}

async fn run_round(
    pool: &Pool,
    settings: &Settings,
    all: bool,
    force: bool,
) -> anyhow::Result<ExitCode> {
    let options = RoundOptions {
        key: format!("manual:{}", uuid::Uuid::new_v4()),
        trigger: Trigger::Manual,
        include_all: all,
        force,
        odd_one_out: settings.pairing.odd_one_out,
        group_size: settings.pairing.group_size,
        matched_share: settings.experiment.matched_share,
        followup_after_days: settings.followup.after_days,
    };
    let composer = Composer::new(settings);
    let outcome = db::run(pool, move |conn| {
        runner::run(
            conn,
            &composer,
            &options,
            crate::clock::Clock::system().now(),
        )
    })
    .await?;
    match outcome {
        RoundOutcome::Ran { round, plan } => {
            println!(
                "Round {} ran at {} UTC.\n",
                round.id,
                round.started_at.format("%Y-%m-%d %H:%M:%S")
            );
            print_plan(&plan);
            print_stats(&plan.stats);
            let emails: usize = plan.groups.iter().map(Vec::len).sum();
            println!("\n{emails} introduction emails are queued; `unmentoring serve` sends them.");
            Ok(ExitCode::SUCCESS)
        }
        RoundOutcome::TooSoon { last } => {
            eprintln!(
                "Not run: round {} ran at {} UTC, less than {} minutes ago. Use --force to run another round anyway.",
                last.id,
                last.started_at.format("%Y-%m-%d %H:%M:%S"),
                runner::MIN_MINUTES_BETWEEN_MANUAL_ROUNDS
            );
            Ok(ExitCode::from(3))
        }
        RoundOutcome::NotEnoughPeople { due } => {
            if all {
                eprintln!("Not run: only {} taking part (not paused or silent), and a round needs at least 2.", people_are(due));
            } else {
                eprintln!("Not run: {} due, and a round needs at least 2. Use --all to include everyone active.", people_are(due));
            }
            Ok(ExitCode::from(3))
        }
        RoundOutcome::AlreadyRan(round) => {
            eprintln!("Not run: round {} already ran for this request.", round.id);
            Ok(ExitCode::from(3))
        }
    }
}

async fn list(pool: &Pool) -> anyhow::Result<ExitCode> {
    let all = db::run(pool, |conn| rounds::list(conn, i64::MAX)).await?;
    if all.is_empty() {
        println!("No rounds yet. Run one with `unmentoring round run`.");
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{:>5}  {:<19}  {:<8}  {:>5}  {:>6}  {:>5}  {:>7}  {:>7}  {:>8}",
        "ROUND",
        "STARTED (UTC)",
        "TRIGGER",
        "DUE",
        "GROUPS",
        "TRIOS",
        "SAT OUT",
        "REPEATS",
        "SAME ORG"
    );
    for r in &all {
        println!(
            "{:>5}  {:<19}  {:<8}  {:>5}  {:>6}  {:>5}  {:>7}  {:>7}  {:>8}",
            r.id,
            r.started_at.format("%Y-%m-%d %H:%M:%S"),
            r.trigger.as_str(),
            r.people_due,
            r.groups_count,
            r.trios,
            r.sat_out,
            r.forced_repeats,
            r.same_organisation_pairs
        );
    }
    Ok(ExitCode::SUCCESS)
}

async fn show(pool: &Pool, id: i64) -> anyhow::Result<ExitCode> {
    let found = db::run(pool, move |conn| {
        let Some(round) = rounds::find(conn, id)? else {
            return Ok(None);
        };
        // Organisations as the members saw them in their introductions.
        let names = crate::db::organisation_names::names(conn)?;
        let mut members = rounds::members(conn, id)?;
        for (_, person) in &mut members {
            person.organisation = names.shown(&person.organisation);
        }
        let places = rematches::places_of_round(conn, id)?;
        let requests = rematches::of_round(conn, id)?;
        let arms = crate::db::meetings::arms_of_round(conn, id)?;
        Ok(Some((round, members, places, requests, arms)))
    })
    .await?;
    let Some((round, members, places, requests, arms)) = found else {
        eprintln!("There is no round {id}. `unmentoring round list` shows the rounds.");
        return Ok(ExitCode::from(2));
    };
    print_round_header(&round);
    // Groups as they are now: without members who left them.
    let left: HashSet<i64> = places
        .iter()
        .filter(|(p, _)| p.left_at.is_some())
        .map(|(p, _)| p.participant_id)
        .collect();
    let arm_of = arm_labels(&arms);
    let mut current = None;
    for (number, person) in members.iter().filter(|(_, p)| !left.contains(&p.id)) {
        if current != Some(*number) {
            match arm_of(*number) {
                Some(arm) => println!("\nGroup {number} ({arm})"),
                None => println!("\nGroup {number}"),
            }
            current = Some(*number);
        }
        println!("  {}", describe(&person.name, &person.organisation));
    }
    let changes = round_changes::changes(&places, &requests, |t| {
        t.format("%Y-%m-%d %H:%M UTC").to_string()
    });
    if !changes.is_empty() {
        println!("\nChanges to the groups since the round ran");
        for c in changes {
            println!("  {}  {}: {}", c.when, c.person, c.what);
        }
    }
    println!();
    print_stats(&round.stats());
    Ok(ExitCode::SUCCESS)
}

/// Each group's arm in words (`arm_of(group_number)`), only for a round
/// with a matched group: a round without the experiment shows no arms.
fn arm_labels(arms: &[(i32, Arm)]) -> impl Fn(i32) -> Option<String> + '_ {
    let any_matched = arms.iter().any(|&(_, arm)| arm == Arm::Matched);
    move |number| {
        let arm = arms
            .iter()
            .find(|(n, _)| *n == number)
            .map_or(Arm::Random, |a| a.1);
        any_matched.then(|| arm.label().to_lowercase())
    }
}

fn print_round_header(round: &Round) {
    println!(
        "Round {} ({}), started {} UTC{}; seed {}",
        round.id,
        round.trigger.as_str(),
        round.started_at.format("%Y-%m-%d %H:%M:%S"),
        if round.include_all {
            ", everyone active included"
        } else {
            ""
        },
        round.seed as u64
    );
}

/// A person as listed: people who left have no name any more.
fn describe(name: &str, organisation: &str) -> String {
    if name.is_empty() {
        "(left UnMentoring)".to_owned()
    } else {
        format!("{name} ({organisation})")
    }
}

pub(super) fn print_plan(plan: &RoundPlan) {
    let drawn = &plan.draw.drawn;
    for (i, group) in plan.groups.iter().enumerate() {
        let people: Vec<String> = group
            .iter()
            .map(|p| describe(&p.name, &p.organisation))
            .collect();
        let arm = if drawn.has_matched() {
            format!(" ({})", drawn.arm(i).label().to_lowercase())
        } else {
            String::new()
        };
        println!("Group {}{arm}: {}", i + 1, people.join(" + "));
    }
    if let Some(p) = &plan.sat_out {
        println!("Sits out: {}", describe(&p.name, &p.organisation));
    }
    println!();
}

pub(super) fn print_stats(s: &PairingStats) {
    println!("People due:              {}", s.people_due);
    println!("Groups:                  {}", s.groups);
    println!("Trios:                   {}", s.trios);
    println!("Sat out:                 {}", s.sat_out);
    println!("Forced repeats:          {}", s.forced_repeats);
    println!("Same-organisation pairs: {}", s.same_organisation_pairs);
}
