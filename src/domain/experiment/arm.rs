/// How a group was formed. Stored as `as_str()` on each group (`meetings.arm`).
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    diesel::AsExpression,
    diesel::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "snake_case")]
pub enum Arm {
    /// Paired at random, as every group is when no comparison runs; also
    /// every rematch, whose pool is paired at random.
    #[default]
    Random,
    /// Paired by the similarity of what people would like to talk about.
    Matched,
}

impl Arm {
    pub const ALL: [Arm; 2] = [Self::Random, Self::Matched];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Random => "random",
            Self::Matched => "matched",
        }
    }

    /// In an organiser's words, beside a group.
    pub fn label(self) -> &'static str {
        match self {
            Self::Random => "Random",
            Self::Matched => "Matched by interests",
        }
    }
}
