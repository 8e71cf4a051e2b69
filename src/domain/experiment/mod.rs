//! The experiment: each round's people split at random into two arms, one
//! paired at random and one paired by shared interests, so that what people
//! say afterwards can be compared (`experiment.matched_share`).

pub mod analysis;
mod arm;
pub mod split;
pub mod summary;
pub mod topics;

pub use analysis::{analyse, publishable, Outcome, Results};
pub use arm::Arm;
