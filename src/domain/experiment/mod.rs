//! The experiment: each round's people split at random into two arms, one
//! paired at random and one paired by shared interests, so that what people
//! say afterwards can be compared (`experiment.matched_share`).

mod arm;
pub mod topics;

pub use arm::Arm;
