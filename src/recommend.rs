//! `stack recommend`: ranks catalog providers for a plain-language brief with BM25F over
//! the manifests' names, categories, keywords and descriptions. Slot names are not
//! indexed: "auth" must not match `SENTRY_AUTH_TOKEN`.

use std::collections::HashMap;

use crate::catalog::{Catalog, Provider};

/// Field weights: what a provider is called and the words it is known by count most.
const FIELDS: [(Field, f64); 5] = [
    (Field::Name, 3.0),
    (Field::DisplayName, 3.0),
    (Field::Category, 2.0),
    (Field::Keywords, 2.0),
    (Field::Description, 1.0),
];
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// Words that say nothing about what is being built.
const STOP: &[&str] = &[
    "a",
    "across",
    "an",
    "and",
    "app",
    "application",
    "apps",
    "are",
    "as",
    "at",
    "be",
    "build",
    "building",
    "by",
    "do",
    "every",
    "for",
    "from",
    "get",
    "i",
    "in",
    "into",
    "is",
    "it",
    "its",
    "keep",
    "let",
    "me",
    "my",
    "need",
    "of",
    "on",
    "or",
    "our",
    "per",
    "project",
    "service",
    "some",
    "that",
    "the",
    "this",
    "to",
    "use",
    "want",
    "we",
    "with",
    "you",
    "your",
];

/// A field's term frequencies and its length in terms.
type FieldIndex = (HashMap<String, f64>, f64);

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Field {
    Name,
    DisplayName,
    Category,
    Keywords,
    Description,
}

fn text(p: &Provider, field: Field) -> Vec<&str> {
    match field {
        Field::Name => vec![&p.name],
        Field::DisplayName => vec![&p.display_name],
        Field::Category => vec![&p.category],
        Field::Keywords => p.keywords.iter().map(String::as_str).collect(),
        Field::Description => vec![&p.description],
    }
}

/// Lower-case words with a light stemming, so "emails" finds "email" and "flags" "flag".
pub fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| stem(&w.to_lowercase()))
        .filter(|w| !STOP.contains(&w.as_str()))
        .collect()
}

/// A light suffix stemmer: plurals, "-ing" and "-ed", so "tracking" meets "track",
/// "hosting" "host", "crashes" "crash" and "alerted" "alert".
fn stem(w: &str) -> String {
    let strip = |w: &str, n: usize| w[..w.len() - n].to_string();
    let undouble = |mut w: String| {
        // "logging" → "logg" → "log"; "running" → "run".
        let b = w.as_bytes();
        if b.len() > 3 && b[b.len() - 1] == b[b.len() - 2] && !b"aeiouls".contains(&b[b.len() - 1])
        {
            w.pop();
        }
        w
    };
    if !w.is_ascii() {
        return w.to_string();
    }
    if w.len() > 4 && w.ends_with("ies") {
        format!("{}y", strip(w, 3))
    } else if w.len() > 4
        && ["sses", "shes", "ches", "xes", "zes"]
            .iter()
            .any(|e| w.ends_with(e))
    {
        strip(w, 2)
    } else if w.len() > 5 && w.ends_with("ing") {
        undouble(strip(w, 3))
    } else if w.len() > 4 && w.ends_with("ed") && !w.ends_with("eed") {
        undouble(strip(w, 2))
    } else if w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") {
        strip(w, 1)
    } else {
        w.to_string()
    }
}

pub struct Hit<'a> {
    pub provider: &'a Provider,
    pub score: f64,
    /// The brief's words that matched, in the order they were written.
    pub matched: Vec<String>,
}

/// The `k` best providers for `brief`, best first, optionally within one category.
pub fn recommend<'a>(
    catalog: &'a Catalog,
    brief: &str,
    k: usize,
    category: Option<&str>,
) -> Vec<Hit<'a>> {
    let docs: Vec<&Provider> = catalog
        .providers()
        .iter()
        .filter(|p| category.is_none_or(|c| p.category.eq_ignore_ascii_case(c)))
        .collect();
    // Term frequencies and lengths per document and field.
    let indexed: Vec<HashMap<Field, FieldIndex>> = docs
        .iter()
        .map(|p| {
            FIELDS
                .iter()
                .map(|(f, _)| {
                    let words: Vec<String> = text(p, *f).into_iter().flat_map(tokens).collect();
                    let mut tf = HashMap::new();
                    for w in &words {
                        *tf.entry(w.clone()).or_insert(0.0) += 1.0;
                    }
                    (*f, (tf, words.len() as f64))
                })
                .collect()
        })
        .collect();
    let n = docs.len() as f64;
    let avg: HashMap<Field, f64> = FIELDS
        .iter()
        .map(|(f, _)| {
            let total: f64 = indexed.iter().map(|d| d[f].1).sum();
            (*f, (total / n.max(1.0)).max(1.0))
        })
        .collect();
    let mut query: Vec<String> = Vec::new();
    for t in tokens(brief) {
        if !query.contains(&t) {
            query.push(t);
        }
    }
    let mut hits: Vec<Hit> = docs
        .iter()
        .zip(&indexed)
        .filter_map(|(p, fields)| {
            let mut score = 0.0;
            let mut matched = Vec::new();
            for term in &query {
                let df = indexed
                    .iter()
                    .filter(|d| d.values().any(|(tf, _)| tf.contains_key(term)))
                    .count() as f64;
                let weighted: f64 = FIELDS
                    .iter()
                    .map(|(f, w)| {
                        let (tf, len) = &fields[f];
                        let t = tf.get(term).copied().unwrap_or(0.0);
                        w * t / (1.0 - B + B * len / avg[f])
                    })
                    .sum();
                if weighted > 0.0 {
                    let idf = ((n - df + 0.5) / (df + 0.5) + 1.0).ln();
                    score += idf * weighted / (K1 + weighted);
                    matched.push(term.clone());
                }
            }
            (score > 0.0).then_some(Hit {
                provider: p,
                score,
                matched,
            })
        })
        .collect();
    hits.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.provider.name.cmp(&b.provider.name))
    });
    hits.truncate(k);
    hits
}

/// The categories that have providers, in the catalog's fixed order.
pub fn categories(catalog: &Catalog) -> Vec<&'static str> {
    crate::catalog::CATEGORIES
        .iter()
        .copied()
        .filter(|c| catalog.providers().iter().any(|p| p.category == *c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lowercased_stemmed_and_stopped() {
        assert_eq!(
            tokens("Emails for my App, SSO & Feature-Flags"),
            ["email", "sso", "feature", "flag"]
        );
        assert_eq!(tokens("companies"), ["company"]);
        assert_eq!(
            tokens("tracking hosting logging crashes alerted"),
            ["track", "host", "log", "crash", "alert"]
        );
        assert_eq!(
            tokens("keep secrets per environment"),
            ["secret", "environment"]
        );
        assert_eq!(tokens("access"), ["access"]);
    }

    #[test]
    fn slot_names_are_not_searched() {
        let catalog = Catalog::builtin().unwrap();
        let hits = recommend(&catalog, "WORKOS_CLIENT_ID", 5, None);
        assert!(hits.iter().all(|h| !h.matched.contains(&"id".to_string())));
    }
}
