//! `unmentoring organiser add EMAIL | password EMAIL | remove EMAIL | list`.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use clap::Subcommand;

use crate::admin::password;
use crate::configuration::Settings;
use crate::db::open_database;
use crate::db::{self, organisers};
use crate::domain::ParticipantEmail;

#[derive(Debug, Subcommand)]
pub enum OrganiserCommand {
    /// Add an organiser. The password is asked for (or read from standard
    /// input when it is not a terminal), never taken from the command line.
    Add {
        /// Their email address, used to sign in.
        email: String,
    },
    /// Set a new password for an organiser and sign them out everywhere.
    /// Read like `add`'s: asked for, or from standard input.
    Password { email: String },
    /// Remove an organiser and sign them out.
    Remove { email: String },
    /// List the organisers.
    List,
}

pub async fn run(command: OrganiserCommand, settings: Settings) -> anyhow::Result<ExitCode> {
    let pool = open_database(&settings).await?;
    match command {
        OrganiserCommand::Add { email } => {
            let address = match ParticipantEmail::parse(&email) {
                Ok(address) => address,
                Err(problem) => {
                    eprintln!("{problem}.");
                    return Ok(ExitCode::from(2));
                }
            };
            let secret = match read_password(NEW_ORGANISER) {
                Ok(secret) => secret,
                Err(problem) => {
                    eprintln!("{problem}");
                    return Ok(ExitCode::from(2));
                }
            };
            let hash = tokio::task::spawn_blocking(move || password::hash(&secret)).await??;
            let (shown, key) = (address.as_str().to_owned(), address.key());
            let added = db::run(&pool, move |conn| {
                organisers::add(
                    conn,
                    &shown,
                    &key,
                    &hash,
                    crate::clock::Clock::system().now(),
                )
            })
            .await?;
            if added {
                println!(
                    "Added organiser {}. They can sign in at {}.",
                    address.as_str(),
                    settings.server.base_url.join("/admin/login")
                );
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!("{} is already an organiser.", address.as_str());
                Ok(ExitCode::from(3))
            }
        }
        OrganiserCommand::Password { email } => {
            let key = ParticipantEmail::lookup_key(&email);
            let lookup = key.clone();
            let Some(organiser) =
                db::run(&pool, move |conn| organisers::find_by_key(conn, &lookup)).await?
            else {
                eprintln!("{} is not an organiser.", email.trim());
                return Ok(ExitCode::from(3));
            };
            let secret = match read_password(NEW_PASSWORD) {
                Ok(secret) => secret,
                Err(problem) => {
                    eprintln!("{problem}");
                    return Ok(ExitCode::from(2));
                }
            };
            let hash = tokio::task::spawn_blocking(move || password::hash(&secret)).await??;
            let id = organiser.id;
            let changed = db::write(&pool, move |conn| {
                let changed = organisers::set_password(conn, id, &hash)?;
                organisers::end_sessions_of(conn, id, None)?;
                Ok(changed)
            })
            .await?;
            if changed {
                println!(
                    "Changed the password of {}. They are signed out everywhere.",
                    organiser.email
                );
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!("{} is not an organiser.", email.trim());
                Ok(ExitCode::from(3))
            }
        }
        OrganiserCommand::Remove { email } => {
            let key = ParticipantEmail::lookup_key(&email);
            let removed = db::run(&pool, move |conn| organisers::remove(conn, &key)).await?;
            if removed {
                println!("Removed organiser {}.", email.trim());
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!("{} is not an organiser.", email.trim());
                Ok(ExitCode::from(3))
            }
        }
        OrganiserCommand::List => {
            let all = db::run(&pool, organisers::list).await?;
            if all.is_empty() {
                println!("No organisers yet. Add one with `unmentoring organiser add EMAIL`.");
            }
            for o in all {
                println!("{}  (added {})", o.email, o.created_at.format("%Y-%m-%d"));
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// What `read_password` asks, and says when it refuses.
struct Asking {
    prompt: &'static str,
    nothing_done: &'static str,
}

const NEW_ORGANISER: Asking = Asking {
    prompt: "Password for the new organiser: ",
    nothing_done: "Nothing was added.",
};

const NEW_PASSWORD: Asking = Asking {
    prompt: "New password: ",
    nothing_done: "Nothing was changed.",
};

/// From a prompt (typed twice, not shown) or one line of standard input.
fn read_password(asking: Asking) -> Result<String, String> {
    let secret = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(asking.prompt).map_err(|e| e.to_string())?;
        let again =
            rpassword::prompt_password("The same password again: ").map_err(|e| e.to_string())?;
        if first != again {
            return Err(format!(
                "The two passwords were different. {}",
                asking.nothing_done
            ));
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        // Only the line break goes: spaces are part of the password, and
        // sign-in does not trim them either.
        line.trim_end_matches(['\r', '\n']).to_owned()
    };
    password::check_new(&secret).map_err(|e| format!("{e}. {}", asking.nothing_done))?;
    Ok(secret)
}
