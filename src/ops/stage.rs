//! Staging and production credentials, told apart by their prefixes.

use crate::catalog::{Provider, Stage};
use crate::secret::Secret;

/// The stage (staging or production) the values' prefixes tell, if any.
pub fn stage_of(provider: &Provider, values: &[(String, Secret)]) -> Option<Stage> {
    staged(provider, values).map(|(_, s)| s).next()
}

fn staged<'a>(
    provider: &'a Provider,
    values: &'a [(String, Secret)],
) -> impl Iterator<Item = (&'a str, Stage)> {
    values.iter().filter_map(|(name, value)| {
        let stage = provider.slot(name)?.stage(value)?;
        Some((name.as_str(), stage))
    })
}

/// Warnings about stages: a production credential in a non-production environment or the
/// reverse, and two slots of one provider from different stages (a live publishable key
/// with a test secret key).
pub fn stage_warnings(provider: &Provider, env: &str, values: &[(String, Secret)]) -> Vec<String> {
    let mut warnings: Vec<String> = staged(provider, values)
        .filter_map(|(slot, stage)| stage_mismatch(slot, stage, env))
        .collect();
    let mut stages = staged(provider, values);
    if let Some((first, first_stage)) = stages.next()
        && let Some((other, other_stage)) = stages.find(|(_, s)| *s != first_stage)
    {
        warnings.push(format!(
            "{first} is a {} credential but {other} is a {} one",
            first_stage.as_str(),
            other_stage.as_str()
        ));
    }
    warnings
}

/// The warning for a credential of `stage` stored in environment `env`, if they disagree.
pub fn stage_mismatch(slot: &str, stage: Stage, env: &str) -> Option<String> {
    match (stage, crate::is_production_env(env)) {
        (Stage::Production, false) => Some(format!(
            "{slot} is a production credential in environment {env}"
        )),
        (Stage::Staging, true) => Some(format!(
            "{slot} is a staging credential in production environment {env}"
        )),
        _ => None,
    }
}
