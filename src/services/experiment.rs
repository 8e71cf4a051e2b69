//! The experiment's results, for organisers (every round) and for the
//! public (only rounds with enough groups that nobody can be singled out).

use crate::configuration::ExperimentSettings;
use crate::db::{self, Conn};
use crate::domain::experiment::{analyse, publishable, Results};

/// Every round's figures and the comparison: `report --experiment` and the
/// console's Results page.
pub fn results(conn: &mut Conn, settings: &ExperimentSettings) -> anyhow::Result<Results> {
    let outcomes = db::experiment::outcomes(conn)?;
    Ok(analyse(&outcomes, settings.is_running()))
}

/// The same from rounds with at least
/// [`crate::domain::experiment::analysis::MIN_GROUPS_PUBLISHED`] groups
/// only, overall figures and comparison included: `/results`.
pub fn public_results(conn: &mut Conn, settings: &ExperimentSettings) -> anyhow::Result<Results> {
    let outcomes = publishable(&db::experiment::outcomes(conn)?);
    Ok(analyse(&outcomes, settings.is_running()))
}
