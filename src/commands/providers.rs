//! `stack providers`: the provider catalog.

use serde_json::json;
use stack::catalog::Catalog;
use stack::{Error, recommend};

use crate::cli::Context;

/// List the provider catalog
#[derive(clap::Args)]
pub struct Args {
    /// Only this category (auth, database, ai, …; any case)
    #[arg(long)]
    category: Option<String>,
    /// Print one JSON document
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Context, args: Args) -> stack::Result<u8> {
    let catalog = Catalog::load(&ctx.settings)?;
    let wanted = |c: &str| {
        args.category
            .as_deref()
            .is_none_or(|w| w.eq_ignore_ascii_case(c))
    };
    if let Some(c) = &args.category
        && !recommend::categories(&catalog)
            .iter()
            .any(|k| k.eq_ignore_ascii_case(c))
    {
        return Err(
            Error::usage(format!("no category {c:?}")).with_hint(format!(
                "categories: {}",
                recommend::categories(&catalog).join(", ")
            )),
        );
    }
    let providers: Vec<_> = catalog
        .providers()
        .iter()
        .filter(|p| wanted(&p.category))
        .collect();
    if args.json {
        let doc: Vec<_> = providers
            .iter()
            .map(|p| {
                let slots: Vec<_> = p
                    .slots
                    .iter()
                    .map(|s| json!({"name": s.name, "secret": s.secret}))
                    .collect();
                json!({"name": p.name, "display_name": p.display_name,
                       "category": p.category, "slots": slots})
            })
            .collect();
        ctx.ui.json(&json!(doc));
        return Ok(0);
    }
    for category in recommend::categories(&catalog) {
        let in_category: Vec<_> = providers
            .iter()
            .filter(|p| p.category == category)
            .collect();
        if in_category.is_empty() {
            continue;
        }
        ctx.ui.out(&format!("{category}:"));
        for p in in_category {
            ctx.ui.out(&format!("  {:<14} {}", p.name, p.description));
        }
    }
    Ok(0)
}
