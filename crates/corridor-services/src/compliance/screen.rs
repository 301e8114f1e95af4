//! Screening a name: the request checked field by field, the lists in
//! force asked, and the decision prepared as a write with its alert and
//! audit record.

use corridor_sanctions::index::QueryError;
use corridor_sanctions::{DateOfBirth, Decision, EntityKind, Query, Screening};
use corridor_store::{AlertRecord, AuditEntry, ComplianceWrite, ScreeningRecord};
use rand::distr::{Alphanumeric, SampleString};

use super::{ComplianceError, ComplianceService};

/// Longest name screened, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest reason for resolving an alert.
pub const MAX_REASON_CHARS: usize = 1_000;

/// A screening as asked.
#[derive(Debug, Clone, Default)]
pub struct ScreeningInput {
    /// The name.
    pub name: String,
    /// `person` or `organization`.
    pub kind: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
    /// `YYYY-MM-DD` (or `YYYY`, `YYYY-MM`).
    pub date_of_birth: Option<String>,
}

/// What is being screened, for the record.
#[derive(Debug, Clone)]
pub struct Subject {
    /// `api`, `beneficiary`, `merchant`, `beneficial_owner`, ...
    pub kind: &'static str,
    /// The merchant concerned.
    pub merchant_id: Option<String>,
    /// The object screened (a beneficiary's id), so its last screening can
    /// be found.
    pub object_id: Option<String>,
}

/// A screening ready to write.
#[derive(Debug, Clone)]
pub struct ScreeningOutcome {
    /// The row.
    pub record: ScreeningRecord,
    /// What the matcher found.
    pub screening: Screening,
    /// The alert raised for a `review` or `block`.
    pub alert: Option<AlertRecord>,
    /// The write (screening, alert, audit).
    pub write: ComplianceWrite,
}

pub(crate) fn new_id(prefix: &str) -> String {
    format!(
        "{prefix}_{}",
        Alphanumeric.sample_string(&mut rand::rng(), 24)
    )
}

/// Checks free text: not blank, at most `max` characters, no control
/// characters.
pub(crate) fn check_text(param: &str, value: &str, max: usize) -> Result<(), ComplianceError> {
    if value.trim().is_empty() {
        return Err(ComplianceError::invalid(
            param,
            "parameter_missing",
            format!("{param} must not be empty"),
        ));
    }
    if value.chars().count() > max {
        return Err(ComplianceError::invalid(
            param,
            "parameter_invalid",
            format!("{param} is longer than {max} characters"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(ComplianceError::invalid(
            param,
            "parameter_invalid",
            format!("{param} must not hold control characters"),
        ));
    }
    Ok(())
}

fn kind(value: Option<&str>) -> Result<Option<EntityKind>, ComplianceError> {
    match value {
        None => Ok(None),
        Some("person") => Ok(Some(EntityKind::Person)),
        Some("organization") => Ok(Some(EntityKind::Organization)),
        Some(_) => Err(ComplianceError::invalid(
            "type",
            "parameter_invalid",
            "type must be person or organization",
        )),
    }
}

impl ComplianceService {
    /// Screens a name against the lists in force. With no list loaded it
    /// fails closed (`no_sanctions_list`).
    pub fn prepare_screening(
        &self,
        input: &ScreeningInput,
        subject: &Subject,
        actor: &str,
    ) -> Result<ScreeningOutcome, ComplianceError> {
        check_text("name", &input.name, MAX_NAME_CHARS)?;
        let entity_kind = kind(input.kind.as_deref())?;
        let date_of_birth = match &input.date_of_birth {
            None => None,
            Some(d) => Some(
                DateOfBirth::parse_iso(d)
                    .filter(|_| d.len() == 10 || d.len() == 4 || d.len() == 7)
                    .ok_or_else(|| {
                        ComplianceError::invalid(
                            "date_of_birth",
                            "parameter_invalid",
                            "date_of_birth must be YYYY-MM-DD",
                        )
                    })?,
            ),
        };
        let loaded = self.loaded();
        if loaded.screener.is_empty() {
            return Err(ComplianceError::Blocked {
                code: "no_sanctions_list".into(),
                message: "no sanctions list is loaded: screening fails closed".into(),
            });
        }
        let query = Query {
            name: &input.name,
            kind: entity_kind,
            country: input.country.as_deref(),
            date_of_birth,
        };
        let (thresholds_version, thresholds) = self.thresholds_in_force();
        let screening = loaded
            .screener
            .screen(&query, &thresholds)
            .map_err(|e| match e {
                QueryError::NoLetters => ComplianceError::invalid(
                    "name",
                    "parameter_invalid",
                    "name holds no letter or digit",
                ),
                QueryError::UnknownCountry => ComplianceError::invalid(
                    "country",
                    "parameter_invalid",
                    "country must be an ISO 3166-1 alpha-2 code",
                ),
            })?;
        Ok(self.outcome(
            input,
            subject,
            actor,
            screening,
            (thresholds_version, thresholds),
        ))
    }

    fn outcome(
        &self,
        input: &ScreeningInput,
        subject: &Subject,
        actor: &str,
        screening: Screening,
        (thresholds_version, thresholds): (i64, corridor_sanctions::Thresholds),
    ) -> ScreeningOutcome {
        let now = self.store().clock().now();
        let matches: Vec<serde_json::Value> = screening
            .matches
            .iter()
            .map(|m| serde_json::json!({"list": m.list, "entry_id": m.entry_id, "name": m.name, "score": m.score, "kind": m.kind.as_str()}))
            .collect();
        let record = ScreeningRecord {
            id: new_id("scr"),
            merchant_id: subject.merchant_id.clone(),
            subject: subject.kind.to_owned(),
            name: input.name.clone(),
            decision: screening.decision.as_str().to_owned(),
            lists_version: screening.lists_version.clone(),
            body: serde_json::json!({
                "type": input.kind, "country": input.country, "date_of_birth": input.date_of_birth,
                "matches": matches, "thresholds": {"review": thresholds.review, "block": thresholds.block, "version": thresholds_version},
            })
            .to_string(),
            created_at: now,
            object_id: subject.object_id.clone(),
        };
        let alert = (screening.decision != Decision::Clear).then(|| AlertRecord {
            id: new_id("alr"),
            kind: format!("screening_{}", screening.decision.as_str()),
            severity: if screening.decision == Decision::Block {
                "high"
            } else {
                "medium"
            }
            .into(),
            status: "open".into(),
            screening_id: Some(record.id.clone()),
            merchant_id: subject.merchant_id.clone(),
            body: serde_json::json!({
                "subject": subject.kind, "name": input.name, "decision": record.decision,
                "top_match": matches.first(),
            })
            .to_string(),
            resolution: None,
            version: 1,
            created_at: now,
            resolved_at: None,
        });
        let mut audit = vec![AuditEntry {
            actor: actor.to_owned(),
            action: "screening.decided".into(),
            object_id: record.id.clone(),
            detail: serde_json::json!({
                "subject": subject.kind, "merchant": subject.merchant_id, "decision": record.decision,
                "top_score": screening.matches.first().map(|m| m.score), "lists_version": record.lists_version,
            })
            .to_string(),
        }];
        if let Some(a) = &alert {
            audit.push(AuditEntry {
                actor: "system".into(),
                action: "alert.raised".into(),
                object_id: a.id.clone(),
                detail: serde_json::json!({"kind": a.kind, "severity": a.severity, "screening": record.id}).to_string(),
            });
        }
        let write = ComplianceWrite {
            list: None,
            screenings: vec![record.clone()],
            alerts: alert.iter().map(|a| (a.clone(), None)).collect(),
            audit,
            ..ComplianceWrite::default()
        };
        ScreeningOutcome {
            record,
            screening,
            alert,
            write,
        }
    }

    /// Prepares the resolution of an open alert, with the operator's reason.
    pub async fn prepare_resolve(
        &self,
        alert_id: &str,
        reason: &str,
        actor: &str,
    ) -> Result<(AlertRecord, ComplianceWrite), ComplianceError> {
        check_text("reason", reason, MAX_REASON_CHARS)?;
        let alert = self
            .store()
            .compliance_alert(alert_id)
            .await?
            .ok_or_else(|| ComplianceError::NotFound {
                kind: "alert",
                id: alert_id.to_owned(),
            })?;
        if alert.status != "open" {
            return Err(ComplianceError::Conflict {
                code: "alert_resolved".into(),
                message: format!("alert {alert_id} is already resolved"),
            });
        }
        let expected = alert.version;
        let mut resolved = alert;
        resolved.status = "resolved".into();
        resolved.resolution = Some(reason.to_owned());
        resolved.resolved_at = Some(self.store().clock().now());
        let write = ComplianceWrite {
            alerts: vec![(resolved.clone(), Some(expected))],
            audit: vec![AuditEntry {
                actor: actor.to_owned(),
                action: "alert.resolved".into(),
                object_id: resolved.id.clone(),
                detail: serde_json::json!({"reason": reason}).to_string(),
            }],
            ..ComplianceWrite::default()
        };
        resolved.version = expected + 1;
        Ok((resolved, write))
    }
}
