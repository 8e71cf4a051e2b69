//! What can happen between an introduction and a conversation: a member
//! leaves their group, a partner goes into the rematch pool, an email bounces.
//! Each is stored as the word its `as_str()` gives.

use diesel::sql_types::Text;

/// Why a member is no longer in their group (`group_members.left_reason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = Text)]
pub enum LeftReason {
    /// They said they cannot take part this round. Not a ghost.
    Declined,
    /// Email to them bounced.
    Bounced,
    /// Their partner went; they wait in the round's rematch pool.
    Rematching,
    /// They waited in the pool and nobody was found.
    Unmatched,
}

impl LeftReason {
    pub const ALL: [LeftReason; 4] = [
        Self::Declined,
        Self::Bounced,
        Self::Rematching,
        Self::Unmatched,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Declined => "declined",
            Self::Bounced => "bounced",
            Self::Rematching => "rematching",
            Self::Unmatched => "unmatched",
        }
    }
}

/// Why someone is in the rematch pool (`rematch_requests.reason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = Text)]
pub enum RematchReason {
    PartnerDeclined,
    PartnerBounced,
    /// They said "my partner hasn't replied".
    PartnerSilent,
}

impl RematchReason {
    pub const ALL: [RematchReason; 3] = [
        Self::PartnerDeclined,
        Self::PartnerBounced,
        Self::PartnerSilent,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::PartnerDeclined => "partner_declined",
            Self::PartnerBounced => "partner_bounced",
            Self::PartnerSilent => "partner_silent",
        }
    }
}

/// How we learned that an email bounced (`bounces.source`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = Text)]
pub enum BounceSource {
    /// Our SMTP server answered 5xx.
    Refused,
    /// Temporary failures for longer than `email.give_up_after_hours`.
    GaveUp,
    /// A delivery-status notification came back (`bounces ingest`).
    Report,
}

impl BounceSource {
    pub const ALL: [BounceSource; 3] = [Self::Refused, Self::GaveUp, Self::Report];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Refused => "refused",
            Self::GaveUp => "gave_up",
            Self::Report => "report",
        }
    }
}
