//! Asking providers whether credentials work, several at once.

use std::collections::HashMap;

use crate::catalog::Provider;
use crate::error::Result;
use crate::secret::Secret;
use crate::settings::Settings;
use crate::verify::{Verdict, Verifier};

use super::Values;

/// Verifies every pending provider concurrently on one small runtime.
pub(super) fn verify_all(
    settings: &Settings,
    pending: &[(usize, &Provider, HashMap<String, Secret>)],
) -> Result<Vec<Verdict>> {
    let bases: Vec<String> = pending
        .iter()
        .map(|(_, p, v)| settings.api_base(p, v))
        .collect::<Result<_>>()?;
    let verifier = Verifier::new(settings)?;
    crate::verify::block_on(async {
        let futures = pending
            .iter()
            .zip(&bases)
            .map(|((_, p, v), base)| verifier.verify(p, base, v));
        futures_util::future::join_all(futures).await
    })
}

/// Verifies one provider's values (for `add` and `doctor --fix`).
pub fn verify_one(settings: &Settings, provider: &Provider, values: &Values) -> Result<Verdict> {
    let map: HashMap<String, Secret> = values.iter().cloned().collect();
    let base = settings.api_base(provider, &map)?;
    let verifier = Verifier::new(settings)?;
    crate::verify::block_on(verifier.verify(provider, &base, &map))
}

/// Verifies several providers' values at once (for `import`).
pub fn verify_many(settings: &Settings, items: &[(&Provider, &Values)]) -> Result<Vec<Verdict>> {
    let pending: Vec<(usize, &Provider, HashMap<String, Secret>)> = items
        .iter()
        .enumerate()
        .map(|(i, (p, v))| (i, *p, v.iter().cloned().collect()))
        .collect();
    verify_all(settings, &pending)
}
