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
    /// A calendar invitation for the time a group arranged (or a change to it).
    Invite,
    /// A new partner after the first one went, or word that none was found.
    Rematch,
    /// "Have you found a time?", to a group that has neither arranged nor answered.
    Nudge,
    /// To organisers: participants whose email bounced.
    Alert,
    /// Once, to someone with no round and no visit for `privacy.inactive_months`:
    /// do you want to stay? Without an answer they are erased 30 days later.
    StillInterested,
    /// To someone invited to become an organiser: a one-time link to set a password.
    OrganiserInvite,
    /// To someone at an event: which small group they are in.
    Event,
    Test,
}

impl EmailKind {
    pub const ALL: [EmailKind; 13] = [
        Self::Confirm,
        Self::Manage,
        Self::Intro,
        Self::Followup,
        Self::SatOut,
        Self::Invite,
        Self::Rematch,
        Self::Nudge,
        Self::Alert,
        Self::StillInterested,
        Self::OrganiserInvite,
        Self::Event,
        Self::Test,
    ];

    /// Emails a person asks for themselves (by signing up, or asking for
    /// their link): these still go after they used a List-Unsubscribe link.
    pub fn asked_for(self) -> bool {
        matches!(self, Self::Confirm | Self::Manage)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Confirm => "confirm",
            Self::Manage => "manage",
            Self::Intro => "intro",
            Self::Followup => "followup",
            Self::SatOut => "sat_out",
            Self::Invite => "invite",
            Self::Rematch => "rematch",
            Self::Nudge => "nudge",
            Self::Alert => "alert",
            Self::StillInterested => "still_interested",
            Self::OrganiserInvite => "organiser_invite",
            Self::Event => "event",
            Self::Test => "test",
        }
    }
}
