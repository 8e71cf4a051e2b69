/// What started a round. Stored with each round as `as_str()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum Trigger {
    Schedule,
    Manual,
}

impl Trigger {
    pub const ALL: [Trigger; 2] = [Self::Schedule, Self::Manual];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Schedule => "schedule",
            Self::Manual => "manual",
        }
    }
}
