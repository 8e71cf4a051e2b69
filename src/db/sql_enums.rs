//! Enum columns. Each enum is stored as the word its `as_str()` gives, in a
//! `Text` column, and read back strictly: a word that is none of the enum's
//! values is an error naming the column, never some other value.
//!
//! The impls are generic over the backend (any backend whose text is a
//! `str` going in and a `String` coming out), so that another database can be
//! added without touching them. Each enum derives `AsExpression` and
//! `FromSqlRow` with `#[diesel(sql_type = Text)]` where it is defined, and
//! has `ALL` (every value) and `as_str`; the macro below gives it
//! `parse_exact`, the strict reading (a form's own reading may be kinder).

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;

use super::outbox::OutboxStatus;
use super::participants::{Source, Status};
use crate::domain::experiment::Arm;
use crate::domain::pairing::OddOneOut;
use crate::domain::{
    BounceSource, Cadence, EmailKind, LeftReason, Met, NeverPairSource, NoReason, RematchReason,
    TokenPurpose, Trigger,
};

/// The error for a stored word that is none of an enum's values.
fn unknown(column: &str, raw: &str) -> Box<dyn std::error::Error + Send + Sync> {
    format!("unknown {column} {raw:?} in the database").into()
}

/// Stores each enum as `as_str()` and reads it back with `parse_exact`.
macro_rules! stored_as_text {
    ($($ty:ty => $column:literal),+ $(,)?) => {$(
        impl $ty {
            /// The value whose `as_str()` is exactly `raw`, if any.
            pub fn parse_exact(raw: &str) -> Option<Self> {
                <$ty>::ALL.iter().copied().find(|v| v.as_str() == raw)
            }
        }

        impl<DB> ToSql<Text, DB> for $ty
        where
            DB: Backend,
            str: ToSql<Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                <str as ToSql<Text, DB>>::to_sql(self.as_str(), out)
            }
        }

        impl<DB> FromSql<Text, DB> for $ty
        where
            DB: Backend,
            String: FromSql<Text, DB>,
        {
            fn from_sql(value: DB::RawValue<'_>) -> deserialize::Result<Self> {
                let raw = <String as FromSql<Text, DB>>::from_sql(value)?;
                <$ty>::parse_exact(&raw).ok_or_else(|| unknown($column, &raw))
            }
        }
    )+};
}

stored_as_text! {
    Status => "participant status",
    Source => "participant source",
    Cadence => "cadence",
    TokenPurpose => "link purpose",
    OutboxStatus => "email status",
    EmailKind => "email kind",
    Trigger => "round trigger",
    OddOneOut => "odd-one-out rule",
    Met => "follow-up answer",
    NoReason => "reason for not meeting",
    LeftReason => "reason for leaving a group",
    RematchReason => "reason for a rematch",
    BounceSource => "bounce source",
    NeverPairSource => "never-pair rule source",
    Arm => "experiment arm",
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_reads_back_as_itself_and_nothing_else_reads() {
        for status in Status::ALL {
            assert_eq!(Status::parse_exact(status.as_str()), Some(status));
        }
        for cadence in Cadence::ALL {
            assert_eq!(Cadence::parse_exact(cadence.as_str()), Some(cadence));
        }
        assert_eq!(Status::parse_exact("Left"), None);
        assert_eq!(Status::parse_exact(""), None);
        // Unlike the form's reading, a stored cadence is never empty.
        assert_eq!(Cadence::parse_exact(""), None);
        let error = unknown("participant status", "zombie").to_string();
        assert_eq!(
            error,
            "unknown participant status \"zombie\" in the database"
        );
    }
}
