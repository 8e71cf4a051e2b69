//! `database.url`: which engine, and where. A file path or `sqlite://PATH` is
//! SQLite; `postgres://…` or `postgresql://…` is PostgreSQL. The PostgreSQL
//! form may hold a password, so it is kept secret and shown without it.

use std::fmt;
use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer};

#[derive(Clone)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(SecretString),
}

/// Which engine a database runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "SQLite",
            Engine::Postgres => "PostgreSQL",
        }
    }
}

impl DatabaseUrl {
    /// Reads a `database.url` value. Only an empty value is refused: any other
    /// text that is not a PostgreSQL URL is a file path.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        let lower = raw.to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            let parsed = url::Url::parse(raw).map_err(|e| format!("not a PostgreSQL URL ({e})"))?;
            if parsed.host_str().is_none_or(str::is_empty) {
                return Err("a PostgreSQL URL needs a host".into());
            }
            return Ok(DatabaseUrl::Postgres(SecretString::from(raw.to_owned())));
        }
        let path = raw.strip_prefix("sqlite://").unwrap_or(raw);
        if path.is_empty() {
            return Err("it is empty: give a file path or a postgres:// URL".into());
        }
        Ok(DatabaseUrl::Sqlite(PathBuf::from(path)))
    }

    pub fn engine(&self) -> Engine {
        match self {
            DatabaseUrl::Sqlite(_) => Engine::Sqlite,
            DatabaseUrl::Postgres(_) => Engine::Postgres,
        }
    }

    /// The SQLite file, for SQLite.
    pub fn sqlite_path(&self) -> Option<&Path> {
        match self {
            DatabaseUrl::Sqlite(path) => Some(path),
            DatabaseUrl::Postgres(_) => None,
        }
    }

    /// The URL to connect with, password included: never log it.
    pub(crate) fn expose(&self) -> String {
        match self {
            DatabaseUrl::Sqlite(path) => path.to_string_lossy().into_owned(),
            DatabaseUrl::Postgres(url) => url.expose_secret().to_owned(),
        }
    }
}

/// The URL as it may be shown: a PostgreSQL password becomes `***`.
impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseUrl::Sqlite(path) => write!(f, "{}", path.display()),
            DatabaseUrl::Postgres(url) => match url::Url::parse(url.expose_secret()) {
                Ok(mut shown) => {
                    if shown.password().is_some() {
                        let _ = shown.set_password(Some("***"));
                    }
                    shown.set_query(None);
                    write!(f, "{shown}")
                }
                Err(_) => f.write_str("postgres://***"),
            },
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({self})")
    }
}

impl<'de> Deserialize<'de> for DatabaseUrl {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        DatabaseUrl::parse(&raw).map_err(serde::de::Error::custom)
    }
}

impl From<&Path> for DatabaseUrl {
    fn from(path: &Path) -> Self {
        DatabaseUrl::Sqlite(path.to_owned())
    }
}

impl From<PathBuf> for DatabaseUrl {
    fn from(path: PathBuf) -> Self {
        DatabaseUrl::Sqlite(path)
    }
}

impl From<&PathBuf> for DatabaseUrl {
    fn from(path: &PathBuf) -> Self {
        DatabaseUrl::Sqlite(path.clone())
    }
}

impl From<&DatabaseUrl> for DatabaseUrl {
    fn from(url: &DatabaseUrl) -> Self {
        url.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_or_sqlite_url_is_sqlite() {
        for raw in ["data/x.db", "sqlite://data/x.db", "/tmp/a b.db"] {
            let url = DatabaseUrl::parse(raw).unwrap();
            assert_eq!(url.engine(), Engine::Sqlite, "{raw}");
        }
        assert_eq!(
            DatabaseUrl::parse("sqlite:///srv/x.db")
                .unwrap()
                .sqlite_path(),
            Some(Path::new("/srv/x.db"))
        );
    }

    #[test]
    fn postgres_urls_are_postgres_and_never_show_the_password() {
        for raw in [
            "postgres://app:s3cret@db:5432/unmentoring",
            "postgresql://app:s3cret@db/unmentoring?sslmode=require&password=s3cret",
        ] {
            let url = DatabaseUrl::parse(raw).unwrap();
            assert_eq!(url.engine(), Engine::Postgres);
            let shown = format!("{url} {url:?}");
            assert!(!shown.contains("s3cret"), "{shown}");
            assert!(shown.contains("app:***@db"), "{shown}");
        }
    }

    #[test]
    fn empty_and_hostless_urls_are_refused() {
        assert!(DatabaseUrl::parse("").is_err());
        assert!(DatabaseUrl::parse("sqlite://").is_err());
        assert!(DatabaseUrl::parse("postgres:///nohost").is_err());
    }
}
