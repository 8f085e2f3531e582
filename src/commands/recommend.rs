//! `stack recommend "<brief>"`: which providers fit what you are building.

use serde_json::json;
use stack::catalog::Catalog;
use stack::{Error, recommend};

use crate::cli::Context;

/// Rank catalog providers for a plain-language brief
#[derive(clap::Args)]
pub struct Args {
    /// What you are building, in your own words
    brief: String,
    /// How many providers to show
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..))]
    k: u16,
    /// Only this category (any case)
    #[arg(long)]
    category: Option<String>,
    /// Print one JSON document
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Context, args: Args) -> stack::Result<u8> {
    if args.brief.trim().is_empty() {
        return Err(Error::usage("the brief is empty").with_hint(
            "describe what you are building: `stack recommend \"user login with SSO\"`",
        ));
    }
    let catalog = Catalog::load(&ctx.settings)?;
    let hits = recommend::recommend(
        &catalog,
        &args.brief,
        args.k.into(),
        args.category.as_deref(),
    );
    if args.json {
        let hits: Vec<_> = hits
            .iter()
            .map(|h| {
                json!({"name": h.provider.name, "display_name": h.provider.display_name,
                       "category": h.provider.category,
                       "score": (h.score * 100.0).round() / 100.0, "matched": h.matched})
            })
            .collect();
        ctx.ui.json(&json!({"query": args.brief, "hits": hits}));
    } else {
        for h in &hits {
            ctx.ui.out(&format!(
                "{:<14} {} (matches: {})",
                h.provider.name,
                h.provider.description,
                h.matched.join(", ")
            ));
            ctx.ui.out(&format!("  stack add {}", h.provider.name));
        }
    }
    if hits.is_empty() {
        ctx.ui.hint(&format!(
            "no provider matched; try other words, or browse `stack providers` (categories: {})",
            recommend::categories(&catalog).join(", ")
        ));
    }
    Ok(0)
}
