//! Settings: `config/default.toml` (built into the binary), then an optional
//! `config/local.toml`, then `UNMENTORING__SECTION__KEY` environment variables,
//! then a file given with `--config`.

use std::path::{Path, PathBuf};

use config::{Config, Environment, File, FileFormat, Source, Value, ValueKind};
use lettre::message::Mailbox;
use secrecy::SecretString;
use serde::{Deserialize, Deserializer};

mod experiment;
mod organisation;
mod privacy;

pub use experiment::ExperimentSettings;
pub use organisation::OrganisationSettings;
pub use privacy::PrivacySettings;

const DEFAULTS: &str = include_str!("../../config/default.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub email: EmailSettings,
    pub pairing: PairingSettings,
    pub schedule: ScheduleSettings,
    pub followup: FollowupSettings,
    pub signup: SignupSettings,
    pub meetings: MeetingsSettings,
    pub organisation: OrganisationSettings,
    pub privacy: PrivacySettings,
    pub experiment: ExperimentSettings,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeetingsSettings {
    /// A URL template containing `{room}`; `None` (empty) means no video link.
    #[serde(deserialize_with = "video_link")]
    pub video_link: Option<String>,
    /// How long someone waits in the rematch pool before we say nobody was found.
    #[serde(deserialize_with = "positive_u32")]
    pub rematch_wait_hours: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignupSettings {
    /// The signup form emails one address at most once in this many minutes.
    pub repeat_email_minutes: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowupSettings {
    pub after_days: u32,
    /// Days after a round when a group that has neither arranged a time nor
    /// answered is asked "Have you found a time?".
    #[serde(deserialize_with = "positive_u32")]
    pub nudge_days: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OddOneOutSetting {
    Trio,
    SitOut,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairingSettings {
    pub odd_one_out: OddOneOutSetting,
    /// People per group in a round, 2 (pairs) to 6; with more than 2,
    /// groups that do not come out even have one more, and nobody sits out.
    #[serde(deserialize_with = "group_size")]
    pub group_size: usize,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleSettings {
    pub enabled: bool,
    #[serde(deserialize_with = "cron_schedule")]
    pub cron: cron::Schedule,
    #[serde(deserialize_with = "time_zone")]
    pub timezone: chrono_tz::Tz,
    pub catch_up_hours: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    pub host: String,
    pub port: u16,
    pub base_url: BaseUrl,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    pub url: crate::db::DatabaseUrl,
    #[serde(deserialize_with = "positive_u32")]
    pub pool_size: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransportKind {
    File,
    Smtp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmtpTls {
    None,
    Starttls,
    Tls,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailSettings {
    pub transport: TransportKind,
    pub file_dir: PathBuf,
    #[serde(deserialize_with = "mailbox")]
    pub from: Mailbox,
    pub smtp_host: String,
    pub smtp_port: u16,
    pub smtp_tls: SmtpTls,
    #[serde(deserialize_with = "optional_text")]
    pub smtp_username: Option<String>,
    pub smtp_password: SecretString,
    pub smtp_timeout_seconds: u64,
    pub retry_initial_ms: u64,
    pub retry_max_ms: u64,
    pub poll_interval_ms: u64,
    /// A message still failing temporarily this long after it was queued is given up.
    #[serde(deserialize_with = "positive_u32")]
    pub give_up_after_hours: u32,
    /// When set, every envelope sender is `bounces+{id}@` this address's domain.
    #[serde(deserialize_with = "optional_address")]
    pub bounce_address: Option<lettre::Address>,
}

/// The public address of the service, without a trailing slash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl(String);

impl BaseUrl {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let url = url::Url::parse(raw.trim()).map_err(|e| format!("not a URL ({e})"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err("must start with http:// or https://".into());
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err("must not have a query or fragment".into());
        }
        Ok(Self(url.as_str().trim_end_matches('/').to_owned()))
    }

    /// A full link to `path`, which starts with `/`.
    pub fn join(&self, path: &str) -> String {
        format!("{}{}", self.0, path)
    }

    pub fn is_https(&self) -> bool {
        self.0.starts_with("https://")
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for BaseUrl {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        BaseUrl::parse(&raw).map_err(serde::de::Error::custom)
    }
}

fn mailbox<'de, D: Deserializer<'de>>(d: D) -> Result<Mailbox, D::Error> {
    let raw = String::deserialize(d)?;
    raw.parse::<Mailbox>().map_err(|e| {
        serde::de::Error::custom(format!(
            "expected an address like \"UnMentoring <hello@example.org>\" ({e})"
        ))
    })
}

fn cron_schedule<'de, D: Deserializer<'de>>(d: D) -> Result<cron::Schedule, D::Error> {
    let raw = String::deserialize(d)?;
    let fields = raw.split_whitespace().count();
    if fields != 6 {
        return Err(serde::de::Error::custom(format!(
            "needs 6 fields (second minute hour day-of-month month day-of-week), like \"0 0 9 * * Mon\"; \"{raw}\" has {fields}"
        )));
    }
    raw.parse::<cron::Schedule>().map_err(|e| {
        serde::de::Error::custom(format!("\"{raw}\" is not a valid cron expression ({e})"))
    })
}

fn time_zone<'de, D: Deserializer<'de>>(d: D) -> Result<chrono_tz::Tz, D::Error> {
    let raw = String::deserialize(d)?;
    raw.parse::<chrono_tz::Tz>().map_err(|_| {
        serde::de::Error::custom(format!(
            "\"{raw}\" is not a time zone name like \"Europe/London\""
        ))
    })
}

fn optional_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let raw = Option::<String>::deserialize(d)?;
    Ok(raw.filter(|s| !s.trim().is_empty()))
}

fn optional_address<'de, D: Deserializer<'de>>(d: D) -> Result<Option<lettre::Address>, D::Error> {
    let Some(raw) = optional_text(d)? else {
        return Ok(None);
    };
    raw.trim()
        .parse::<lettre::Address>()
        .map(Some)
        .map_err(|e| {
            serde::de::Error::custom(format!(
                "expected an address like \"bounces@example.org\" ({e})"
            ))
        })
}

/// Empty, or an http(s) URL with `{room}` in it.
fn video_link<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let Some(raw) = optional_text(d)? else {
        return Ok(None);
    };
    let raw = raw.trim().to_owned();
    if !raw.contains("{room}") {
        return Err(serde::de::Error::custom(format!(
            "\"{raw}\" must contain {{room}}, like \"https://meet.jit.si/unmentoring-{{room}}\""
        )));
    }
    match url::Url::parse(&raw.replace("{room}", "room")) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => Ok(Some(raw)),
        _ => Err(serde::de::Error::custom(format!(
            "\"{raw}\" is not an http:// or https:// address"
        ))),
    }
}

fn positive_u32<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    match u32::deserialize(d)? {
        0 => Err(serde::de::Error::custom("must be at least 1")),
        n => Ok(n),
    }
}

/// Larger groups stop being a conversation; 1 is nobody to talk to.
fn group_size<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    match usize::deserialize(d)? {
        n @ 2..=6 => Ok(n),
        _ => Err(serde::de::Error::custom("must be 2 to 6")),
    }
}

/// Reads the settings from the usual places. `config_dir` holds `local.toml`.
pub fn load(config_dir: &Path, extra_file: Option<&Path>) -> Result<Settings, String> {
    let mut builder = Config::builder()
        .add_source(File::from_str(DEFAULTS, FileFormat::Toml))
        .add_source(File::from(config_dir.join("local.toml")).required(false))
        .add_source(
            Environment::with_prefix("UNMENTORING")
                .prefix_separator("__")
                .separator("__"),
        );
    if let Some(file) = extra_file {
        builder = builder.add_source(File::from(file).required(true));
    }
    let config = builder
        .build()
        .map_err(|e| format!("configuration error: {e}"))?;
    refuse_unknown_keys(&config)?;
    let settings: Settings = config
        .try_deserialize()
        .map_err(|e| format!("configuration error: {e}"))?;
    settings.check()?;
    Ok(settings)
}

/// A misspelt key would otherwise be ignored without a word, and the default
/// used instead. `config/default.toml` lists every key, so any key it does not
/// have is refused, naming the key and where it came from.
fn refuse_unknown_keys(config: &Config) -> Result<(), String> {
    let collect = |source: &dyn Source| {
        source
            .collect()
            .map_err(|e| format!("configuration error: {e}"))
    };
    let known = collect(&File::from_str(DEFAULTS, FileFormat::Toml))?;
    let given = collect(config)?;
    match first_unknown_key(&known, &given, "") {
        None => Ok(()),
        Some((key, origin)) => Err(format!(
            "configuration error: unknown configuration key `{key}` in {origin}"
        )),
    }
}

/// The dotted path of the first key in `given` that `known` does not have,
/// with where its value came from.
fn first_unknown_key(
    known: &config::Map<String, Value>,
    given: &config::Map<String, Value>,
    prefix: &str,
) -> Option<(String, String)> {
    let mut keys: Vec<&String> = given.keys().collect();
    keys.sort();
    keys.into_iter().find_map(|key| {
        let path = format!("{prefix}{key}");
        let value = &given[key];
        match (known.get(key).map(|k| &k.kind), &value.kind) {
            (None, _) => Some((path, origin_of(value))),
            (Some(ValueKind::Table(known)), ValueKind::Table(given)) => {
                first_unknown_key(known, given, &format!("{path}."))
            }
            _ => None,
        }
    })
}

/// Where a value came from: a file's path or "the environment". A table's
/// origin is that of its first value.
fn origin_of(value: &Value) -> String {
    match (&value.kind, value.origin()) {
        (_, Some(origin)) => origin.to_owned(),
        (ValueKind::Table(table), None) => table
            .values()
            .next()
            .map_or_else(|| "the settings".to_owned(), origin_of),
        _ => "the settings".to_owned(),
    }
}

impl Settings {
    /// Checks that cannot be expressed by types alone.
    fn check(&self) -> Result<(), String> {
        let e = &self.email;
        if e.transport == TransportKind::Smtp && e.smtp_host.trim().is_empty() {
            return Err(
                "configuration error: email.smtp_host must be set when email.transport is \"smtp\""
                    .into(),
            );
        }
        if e.retry_initial_ms == 0 || e.retry_max_ms < e.retry_initial_ms {
            return Err("configuration error: email.retry_initial_ms must be at least 1 and no more than email.retry_max_ms".into());
        }
        if e.poll_interval_ms == 0 {
            return Err("configuration error: email.poll_interval_ms must be at least 1".into());
        }
        Ok(())
    }

    /// The domain Message-IDs are made on: the domain of `email.from`.
    pub fn message_id_domain(&self) -> String {
        self.email.from.email.domain().to_owned()
    }

    /// How dates and times are shown to people: in `schedule.timezone`.
    pub fn people_time(&self) -> crate::domain::PeopleTime {
        crate::domain::PeopleTime::new(self.schedule.timezone)
    }
}

/// Settings from the defaults and `toml` as a `--config` file, for the
/// section modules' tests.
#[cfg(test)]
fn load_with(toml: &str) -> Result<Settings, String> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.toml");
    std::fs::write(&file, toml).unwrap();
    load(dir.path(), Some(&file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_load() {
        let s = load(Path::new("/nonexistent"), None).expect("defaults are valid");
        assert_eq!(s.server.port, 8080);
        assert_eq!(s.email.transport, TransportKind::File);
        assert_eq!(s.message_id_domain(), "localhost");
        assert!(s.email.smtp_username.is_none());
    }

    #[test]
    fn an_unknown_key_is_refused_with_its_name_and_origin() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("extra.toml");
        std::fs::write(&file, "[server]\nprot = 9000\n").unwrap();
        let err = load(dir.path(), Some(&file)).unwrap_err();
        assert!(
            err.contains("unknown configuration key `server.prot`"),
            "{err}"
        );
        assert!(err.contains("extra.toml"), "{err}");
        std::fs::write(&file, "[servr]\nport = 9000\n").unwrap();
        let err = load(dir.path(), Some(&file)).unwrap_err();
        assert!(err.contains("unknown configuration key `servr`"), "{err}");
        std::fs::write(&file, "[email]\nsmtp_timeout_seconds = 3\n").unwrap();
        let s = load(dir.path(), Some(&file)).expect("known keys are fine");
        assert_eq!(s.email.smtp_timeout_seconds, 3);
    }

    #[test]
    fn base_url_is_normalised() {
        let u = BaseUrl::parse("https://unmentoring.example.org/").unwrap();
        assert_eq!(u.join("/me/x"), "https://unmentoring.example.org/me/x");
        assert!(u.is_https());
        assert!(BaseUrl::parse("ftp://x").is_err());
        assert!(BaseUrl::parse("nonsense").is_err());
    }

    #[test]
    fn text_that_looks_like_a_number_stays_text() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("s.toml");
        std::fs::write(
            &file,
            "[email]\nsmtp_password = \"0123\"\nsmtp_port = 2525\n",
        )
        .unwrap();
        let s = load(dir.path(), Some(&file)).unwrap();
        use secrecy::ExposeSecret;
        assert_eq!(s.email.smtp_password.expose_secret(), "0123");
        assert_eq!(s.email.smtp_port, 2525);
    }

    #[test]
    fn a_bad_value_names_its_key() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("bad.toml");
        std::fs::write(&file, "[server]\nport = \"eighty\"\n").unwrap();
        let err = load(dir.path(), Some(&file)).unwrap_err();
        assert!(err.contains("server.port"), "{err}");
        std::fs::write(&file, "[email]\nsmtp_tls = \"maybe\"\n").unwrap();
        let err = load(dir.path(), Some(&file)).unwrap_err();
        assert!(err.contains("email.smtp_tls"), "{err}");
        std::fs::write(&file, "[schedule]\ncron = \"0 9 * * Mon\"\n").unwrap();
        let err = load(dir.path(), Some(&file)).unwrap_err();
        assert!(
            err.contains("schedule.cron") && err.contains("6 fields"),
            "{err}"
        );
        std::fs::write(&file, "[schedule]\ntimezone = \"Mars/Olympus\"\n").unwrap();
        let err = load(dir.path(), Some(&file)).unwrap_err();
        assert!(err.contains("schedule.timezone"), "{err}");
        std::fs::write(&file, "[pairing]\nodd_one_out = \"drop\"\n").unwrap();
        let err = load(dir.path(), Some(&file)).unwrap_err();
        assert!(err.contains("pairing.odd_one_out"), "{err}");
        for size in ["1", "7", "-2"] {
            std::fs::write(&file, format!("[pairing]\ngroup_size = {size}\n")).unwrap();
            let err = load(dir.path(), Some(&file)).unwrap_err();
            assert!(err.contains("pairing.group_size"), "{size}: {err}");
        }
        std::fs::write(&file, "[pairing]\ngroup_size = 4\n").unwrap();
        assert_eq!(load(dir.path(), Some(&file)).unwrap().pairing.group_size, 4);
    }
}
