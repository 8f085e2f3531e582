//! `stack doctor`: every service checked (slots, credentials, files) in one report.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::catalog::{Catalog, Provider};
use crate::dotenv::{self, Line};
use crate::error::{Error, Kind, Result};
use crate::project::ServiceEntry;
use crate::secret::Secret;
use crate::settings::Settings;
use crate::vault::{Key, Vault};
use crate::verify::Health;

use super::Project;
use super::files::ProjectFiles;
use super::stage::stage_warnings;
use super::verify::verify_all;

/// Doctor's verdict on one service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Ok,
    Warn,
    Unreachable,
    Invalid,
    Missing,
    UnknownProvider,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warn => "warn",
            Status::Missing => "missing",
            Status::Invalid => "invalid",
            Status::Unreachable => "unreachable",
            Status::UnknownProvider => "unknown_provider",
        }
    }

    pub fn healthy(self) -> bool {
        matches!(self, Status::Ok | Status::Warn)
    }
}

pub struct ServiceReport {
    pub name: String,
    pub entry: ServiceEntry,
    pub status: Status,
    /// The reason for the status, then any further warnings.
    pub details: Vec<Finding>,
    /// Each slot and whether the vault holds it (`None`: the vault could not be read).
    pub slots: Vec<(String, Option<bool>)>,
    /// Slots a fix must ask for again (missing or rejected).
    pub to_fix: Vec<String>,
    /// Whether `.env` or `.mcp.json` need repairing.
    pub files_stale: bool,
    pub latency_ms: Option<u128>,
    pub facts: Vec<String>,
}

/// One thing doctor found about a service: the front end turns it into words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// The recorded provider is not in the catalog.
    UnknownProvider { provider: String },
    /// The service was never added for the environment checked.
    NotAdded { provider: String, env: String },
    /// The vault could not be read: why.
    VaultUnreachable { message: String },
    /// Slots the vault does not hold.
    Missing {
        slots: Vec<String>,
        vault: &'static str,
    },
    /// What the provider said when asked (a rejection, an outage, a reservation).
    Provider { detail: String },
    /// `.env` points the slot at another reference.
    EnvPointsElsewhere { slot: String, reference: String },
    /// `.env` has no reference for the slot.
    EnvNoReference { slot: String },
    /// `.env` holds a plaintext value for the slot.
    EnvPlaintext { slot: String },
    /// `.mcp.json` lacks the server stack wrote.
    McpMissing { name: String },
    /// A stage warning about the stored values (see `stage_warnings`).
    Stage { warning: String },
    /// A secret too short for `exec` to mask in output.
    TooShortToMask { slot: String },
}

pub struct Report {
    pub root: PathBuf,
    pub project: String,
    pub services: Vec<ServiceReport>,
    /// Why the vault could not be read, when it could not: every service that needed it is
    /// then `unreachable`.
    pub vault_error: Option<Error>,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.services.iter().all(|s| s.status.healthy())
    }

    /// Contract §6: 1 for missing/invalid, else 3 for unreachable, else 0.
    pub fn exit_code(&self) -> u8 {
        let any = |f: &dyn Fn(Status) -> bool| self.services.iter().any(|s| f(s.status));
        if any(&|s| {
            matches!(
                s,
                Status::Missing | Status::Invalid | Status::UnknownProvider
            )
        }) {
            1
        } else if any(&|s| s == Status::Unreachable) {
            3
        } else {
            0
        }
    }
}

/// Checks every service: slots present, credentials verified (all services at once),
/// files consistent.
pub fn check(
    settings: &Settings,
    project: &Project,
    vault: &dyn Vault,
    catalog: &Catalog,
    env: &str,
) -> Result<Report> {
    let config = &project.config;
    let files = ProjectFiles::read(&project.root)?;
    let keys: Vec<Key> = config
        .services
        .values()
        .filter(|e| e.has_env(env))
        .flat_map(|e| e.secrets.iter().map(|s| project.key(env, s)))
        .collect();
    // An unreachable vault is a finding about every service, not the end of the report
    // (contract §6: `doctor --json` prints one object).
    let (mut values, vault_error) = match vault.get(&keys) {
        Ok(values) => (values.into_iter(), None),
        Err(e) if e.kind == Kind::Unavailable => (Vec::new().into_iter(), Some(e)),
        Err(e) => return Err(e),
    };

    let mut reports = Vec::new();
    let mut pending = Vec::new();
    for (name, entry) in &config.services {
        let stored: Vec<(String, Option<Secret>)> = if entry.has_env(env) {
            entry
                .secrets
                .iter()
                .map(|s| (s.clone(), values.next().flatten()))
                .collect()
        } else {
            entry.secrets.iter().map(|s| (s.clone(), None)).collect()
        };
        let mut report = ServiceReport {
            name: name.clone(),
            entry: entry.clone(),
            status: Status::Ok,
            details: Vec::new(),
            slots: stored
                .iter()
                .map(|(s, v)| (s.clone(), vault_error.is_none().then_some(v.is_some())))
                .collect(),
            to_fix: stored
                .iter()
                .filter(|(_, v)| v.is_none() && vault_error.is_none())
                .map(|(s, _)| s.clone())
                .collect(),
            files_stale: false,
            latency_ms: None,
            facts: Vec::new(),
        };
        let Some(provider) = catalog.get(&entry.provider) else {
            report.status = Status::UnknownProvider;
            report.details.push(Finding::UnknownProvider {
                provider: entry.provider.clone(),
            });
            reports.push(report);
            continue;
        };
        if !entry.has_env(env) {
            report.status = Status::Missing;
            report.details.push(Finding::NotAdded {
                provider: provider.name.clone(),
                env: env.to_string(),
            });
        } else if let Some(e) = &vault_error {
            report.status = Status::Unreachable;
            report.details.push(Finding::VaultUnreachable {
                message: e.message.clone(),
            });
        } else if !report.to_fix.is_empty() {
            report.status = Status::Missing;
            report.details.push(Finding::Missing {
                slots: report.to_fix.clone(),
                vault: vault.kind().as_str(),
            });
        }
        file_warnings(&files, provider, name, entry, &mut report);
        let values: Vec<(String, Secret)> = stored
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k, v)))
            .collect();
        report.details.extend(
            stage_warnings(provider, env, &values)
                .into_iter()
                .map(|warning| Finding::Stage { warning }),
        );
        let secrets: Vec<(&str, &Secret)> = values
            .iter()
            .filter(|(k, _)| provider.slot(k).is_none_or(|s| s.secret))
            .map(|(k, v)| (k.as_str(), v))
            .collect();
        for slot in crate::mask::Masker::too_short(&secrets) {
            report.details.push(Finding::TooShortToMask { slot });
        }
        let values: HashMap<String, Secret> = values.into_iter().collect();
        if report.status == Status::Ok && !provider.verify.is_empty() {
            pending.push((reports.len(), provider, values));
        }
        reports.push(report);
    }

    if !pending.is_empty() {
        let verdicts = verify_all(settings, &pending)?;
        for ((idx, ..), verdict) in pending.iter().zip(verdicts) {
            let report = &mut reports[*idx];
            report.latency_ms = Some(verdict.latency.as_millis());
            report.facts = verdict.facts;
            let status = match verdict.health {
                Health::Ok => Status::Ok,
                Health::Warn => Status::Warn,
                Health::Unreachable => Status::Unreachable,
                Health::Invalid => Status::Invalid,
            };
            if let Some(slot) = verdict.rejected_slot {
                report.to_fix.push(slot);
            }
            if let Some(detail) = verdict.detail {
                report.details.insert(0, Finding::Provider { detail });
            }
            report.status = report.status.max(status);
        }
    }
    for r in &mut reports {
        if r.status == Status::Ok && !r.details.is_empty() {
            r.status = Status::Warn;
        }
    }
    Ok(Report {
        root: project.root.clone(),
        project: project.id().to_string(),
        services: reports,
        vault_error,
    })
}

fn file_warnings(
    files: &ProjectFiles,
    provider: &Provider,
    name: &str,
    entry: &ServiceEntry,
    report: &mut ServiceReport,
) {
    for slot in &entry.secrets {
        match files.env.get(slot) {
            Line::Reference(r) if r == dotenv::reference(name, slot) => {}
            Line::Reference(r) => report.details.push(Finding::EnvPointsElsewhere {
                slot: slot.clone(),
                reference: r.to_string(),
            }),
            Line::Absent => {
                report.files_stale = true;
                report
                    .details
                    .push(Finding::EnvNoReference { slot: slot.clone() });
            }
            Line::Plain(_) => report
                .details
                .push(Finding::EnvPlaintext { slot: slot.clone() }),
        }
    }
    if let (Some(mcp_name), Some(_)) = (&entry.mcp, &provider.mcp)
        && !files.mcp.has(mcp_name)
    {
        report.files_stale = true;
        report.details.push(Finding::McpMissing {
            name: mcp_name.clone(),
        });
    }
}
