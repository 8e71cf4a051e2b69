//! Pure types that parse and check their input, and the pairing engine.

mod arrangement;
mod audience;
mod availability;
mod cadence;
mod conversation;
mod draw;
mod due;
mod email_kind;
mod follow_up_url;
mod followup;
mod ghost;
mod organisation;
mod participant_email;
mod pause;
mod people_time;
mod phone;
mod profile;
mod public_host;
mod safety;
mod text;
mod token;
mod trigger;

pub mod pairing;
pub mod sign_in;

pub use arrangement::ArrangeForm;
pub use audience::{sentence_case, Audience};
pub use availability::{shared_sentence, Availability, Slot};
pub use cadence::Cadence;
pub use conversation::{BounceSource, LeftReason, RematchReason};
pub use draw::{DrawInputs, Drawn, Swap};
pub use due::is_due;
pub use email_kind::EmailKind;
pub use follow_up_url::FollowUpUrl;
pub use followup::{FollowupForm, Met, NoReason, ValidFollowup, NOTE_MAX, URL_SLOTS};
pub use ghost::{is_ghost, SILENT_ROUNDS};
pub use organisation::{OrganisationNames, Spelling};
pub use participant_email::{EmailProblem, ParticipantEmail};
pub use pause::parse_pause_until;
pub use people_time::PeopleTime;
pub use phone::{PhoneNumber, PhoneProblem};
pub use profile::{FieldErrors, FormKind, ProfileForm, ValidProfile};
pub use safety::{parse_concern, NeverPairSource, CONCERN_MAX_CHARS};
pub use text::{OptionalText, RequiredText, TextField, TextProblem};
pub use token::{Token, TokenPurpose};
pub use trigger::Trigger;
