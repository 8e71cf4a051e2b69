/// How often a person wants a conversation. Stored as `as_str()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum Cadence {
    #[default]
    Monthly,
    EveryTwoMonths,
    Quarterly,
}

impl Cadence {
    pub const ALL: [Cadence; 3] = [
        Cadence::Monthly,
        Cadence::EveryTwoMonths,
        Cadence::Quarterly,
    ];

    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        match raw.trim() {
            "" | "monthly" => Ok(Self::Monthly),
            "every_two_months" => Ok(Self::EveryTwoMonths),
            "quarterly" => Ok(Self::Quarterly),
            _ => Err("Choose how often you would like a conversation"),
        }
    }

    /// The value used in forms and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Monthly => "monthly",
            Self::EveryTwoMonths => "every_two_months",
            Self::Quarterly => "quarterly",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Monthly => "Once a month",
            Self::EveryTwoMonths => "Every two months",
            Self::Quarterly => "Every three months",
        }
    }

    /// Days that must pass since a person's last round before they are due again.
    pub fn days_between_rounds(self) -> i64 {
        match self {
            Self::Monthly => 28,
            Self::EveryTwoMonths => 56,
            Self::Quarterly => 84,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Cadence;

    #[test]
    fn round_trips_and_defaults_to_monthly() {
        for c in Cadence::ALL {
            assert_eq!(Cadence::parse(c.as_str()), Ok(c));
        }
        assert_eq!(Cadence::parse(""), Ok(Cadence::Monthly));
        assert!(Cadence::parse("weekly").is_err());
        assert_eq!(Cadence::Quarterly.days_between_rounds(), 84);
    }
}
