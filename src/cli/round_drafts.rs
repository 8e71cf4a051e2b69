//! `round run --dry-run` (a draft), `round send DRAFT_ID` and
//! `round replay ROUND_ID`: see `services::round_drafts`.

use std::process::ExitCode;

use crate::clock::Clock;
use crate::configuration::Settings;
use crate::db::{self, participants, Pool};
use crate::email::Composer;
use crate::services::round_drafts::{self as drafts, Replay, Sent};
use crate::services::round_runner::{self as runner, MIN_MINUTES_BETWEEN_MANUAL_ROUNDS};

use super::round::{print_ghosts, print_plan, print_stats};

pub async fn dry_run(pool: &Pool, settings: &Settings, all: bool) -> anyhow::Result<ExitCode> {
    let grouping = runner::Grouping::from_settings(settings);
    let after_days = settings.followup.after_days;
    let now = Clock::system().now();
    let (id, plan, ghosts) = db::write(pool, move |conn| {
        let ghost_ids = runner::ghosts(conn, now, after_days)?;
        let (id, plan) = drafts::draw(conn, all, grouping, after_days, None, now)?;
        let ghosts = ghost_ids
            .into_iter()
            .filter_map(|id| participants::find(conn, id).transpose())
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok((id, plan, ghosts))
    })
    .await?;
    println!("Draft {id}: nothing is sent until you send it.\n");
    print_plan(&plan);
    print_stats(&plan.stats);
    print_ghosts(&ghosts);
    println!(
        "\nTo send exactly these introductions: unmentoring round send {id}\n(The draft expires after {} hours.)",
        db::round_drafts::LIFETIME_HOURS
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn send(
    pool: &Pool,
    settings: &Settings,
    draft_id: i64,
    force: bool,
) -> anyhow::Result<ExitCode> {
    let options = drafts::manual_options(
        draft_id,
        force,
        settings.pairing.odd_one_out,
        settings.followup.after_days,
    );
    let composer = Composer::new(settings);
    let now = Clock::system().now();
    let sent = db::run(pool, move |conn| {
        drafts::send(conn, &composer, draft_id, &options, now)
    })
    .await?;
    let refused = |why: String| {
        eprintln!("Not sent: {why}");
        Ok(ExitCode::from(3))
    };
    match sent {
        Sent::Ran(round) => {
            println!(
                "Draft {draft_id} sent as round {}: its introductions are queued; `unmentoring serve` sends them.",
                round.id
            );
            Ok(ExitCode::SUCCESS)
        }
        Sent::AlreadySent(round) => refused(format!("draft {draft_id} was sent already, as round {round}.")),
        Sent::Missing => refused(format!("there is no draft {draft_id}.")),
        Sent::Expired => refused(format!(
            "draft {draft_id} is more than {} hours old. Draw again with `unmentoring round run --dry-run`.",
            db::round_drafts::LIFETIME_HOURS
        )),
        Sent::TooSoon(last) => refused(format!(
            "round {} ran less than {MIN_MINUTES_BETWEEN_MANUAL_ROUNDS} minutes ago. Use --force to send anyway.",
            last.id
        )),
        Sent::Changed { joined, gone } => {
            let names = |people: &[participants::Participant]| {
                people
                    .iter()
                    .map(|p| if p.name.is_empty() { "(someone who has left)".to_owned() } else { p.name.clone() })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let mut why = "who is due has changed since the draft was drawn.".to_owned();
            if !joined.is_empty() {
                why.push_str(&format!("\n  Due now: {}", names(&joined)));
            }
            if !gone.is_empty() {
                why.push_str(&format!("\n  No longer due: {}", names(&gone)));
            }
            why.push_str("\nDraw again with `unmentoring round run --dry-run`.");
            refused(why)
        }
    }
}

pub async fn replay(pool: &Pool, round_id: i64) -> anyhow::Result<ExitCode> {
    let (replay, names) = db::run(pool, move |conn| {
        let replay = drafts::replay(conn, round_id)?;
        // Swapped people by name (someone who left has none any more).
        let mut names = std::collections::HashMap::new();
        if let Replay::Identical { edits } = &replay {
            for id in edits.iter().flat_map(|s| [s.first, s.second]) {
                let name = participants::find(conn, id)?
                    .map(|p| p.name)
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| format!("participant {id} (left)"));
                names.insert(id, name);
            }
        }
        Ok((replay, names))
    })
    .await?;
    match replay {
        Replay::Identical { edits } if edits.is_empty() => {
            println!("Round {round_id}, drawn again from its seed and the people who were due: identical to what was sent.");
            Ok(ExitCode::SUCCESS)
        }
        Replay::Identical { edits } => {
            println!("Round {round_id}, drawn again from its seed and the people who were due: identical to the draw.");
            println!(
                "It was edited by hand before it was sent ({} swap{}):",
                edits.len(),
                if edits.len() == 1 { "" } else { "s" }
            );
            for swap in &edits {
                let by = swap.by.map_or_else(
                    || "from the command line".to_owned(),
                    |id| format!("by organiser {id}"),
                );
                println!(
                    "  {} and {} swapped, {by}, at {} UTC",
                    names[&swap.first],
                    names[&swap.second],
                    swap.at.format("%Y-%m-%d %H:%M:%S")
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Replay::Different { stored, again } => {
            println!("Round {round_id}, drawn again: DIFFERENT from the stored draw.");
            println!(
                "  stored: {:?}\n  again:  {:?}",
                stored.groups, again.groups
            );
            Ok(ExitCode::from(1))
        }
        Replay::NotKept => {
            eprintln!("Round {round_id} ran before draws were kept, so it cannot be drawn again.");
            Ok(ExitCode::from(3))
        }
        Replay::Missing => {
            eprintln!("There is no round {round_id}.");
            Ok(ExitCode::from(2))
        }
    }
}
