/// The kinds of email, named in each message's `X-Unmentoring-Kind` header
/// and stored with each email in the outbox as `as_str()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum EmailKind {
    Confirm,
    Manage,
    Intro,
    Followup,
    /// To the person left out of a round with an odd number of people.
    SatOut,
    Test,
}

impl EmailKind {
    pub const ALL: [EmailKind; 6] = [
        Self::Confirm,
        Self::Manage,
        Self::Intro,
        Self::Followup,
        Self::SatOut,
        Self::Test,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Confirm => "confirm",
            Self::Manage => "manage",
            Self::Intro => "intro",
            Self::Followup => "followup",
            Self::SatOut => "sat_out",
            Self::Test => "test",
        }
    }
}
