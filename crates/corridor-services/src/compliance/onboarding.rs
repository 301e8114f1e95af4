//! Onboarding: a new merchant with its KYB information, and later changes
//! of that information (by the operator or the merchant itself), each
//! checked against the merchant's country. The merchant's legal name and
//! every beneficial owner are screened when the merchant is created and
//! whenever its owners change; with no list loaded, creation and changes
//! still go through (the screening happens again, failing closed, on
//! approval). A `block` on an approved merchant's new owner returns it to
//! `pending`.

use corridor_sanctions::Decision;
use corridor_store::{
    ApiKeyRecord, AuditEntry, ComplianceWrite, MerchantContact, MerchantKybRecord,
    MerchantKybWrite, MerchantRecord,
};

use super::kyb_info::{self, requirements, BeneficialOwner, KybInfo, OwnerInput};
use super::{ComplianceError, ComplianceService, ScreeningInput, ScreeningOutcome, Subject};

/// KYB information as given at creation or in a change (`None`: unchanged).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KybChanges {
    /// Registration number.
    pub registration_number: Option<String>,
    /// The whole list of beneficial owners.
    pub owners: Option<Vec<OwnerInput>>,
    /// A declaration standing in for owners at or above the threshold.
    pub ownership_declaration: Option<String>,
}

/// A creation or change ready to write.
#[derive(Debug, Clone)]
pub struct Onboarding {
    /// The information after it.
    pub info: KybInfo,
    /// The merchant's KYB status after it.
    pub status: String,
    /// The screenings run (none when no list is loaded or nothing needed
    /// screening).
    pub screenings: Vec<ScreeningOutcome>,
    /// The write.
    pub write: ComplianceWrite,
}

/// Whether screening may be skipped when no list is loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NoList {
    /// Skip (creation, changes).
    Skip,
    /// Refuse with `no_sanctions_list` (approval).
    FailClosed,
}

impl ComplianceService {
    /// Applies the changes to `before`, each field checked (the
    /// registration number by the merchant's country).
    pub fn apply_kyb_changes(
        &self,
        merchant: &MerchantRecord,
        before: &KybInfo,
        changes: &KybChanges,
    ) -> Result<KybInfo, ComplianceError> {
        let mut info = before.clone();
        let rules = requirements().of(&merchant.country);
        let mut supplied: Vec<&str> = Vec::new();
        if let Some(number) = &changes.registration_number {
            info.registration_number = Some(rules.registration_number(number)?);
            supplied.push("registration_number");
        }
        if let Some(owners) = &changes.owners {
            let today = kyb_info::today(self.store().clock().now());
            info.owners = kyb_info::owners::validate(owners, today)?;
            supplied.push("beneficial_owners");
        }
        if let Some(declaration) = &changes.ownership_declaration {
            info.ownership_declaration = Some(kyb_info::check_declaration(declaration)?);
            supplied.push("beneficial_owners");
        }
        info.requested.retain(|f| !supplied.contains(&f.as_str()));
        Ok(info)
    }

    /// Screens the merchant's legal name (`with_name`) and each owner.
    pub(crate) fn screen_parties(
        &self,
        merchant: &MerchantRecord,
        owners: &[BeneficialOwner],
        with_name: bool,
        no_list: NoList,
        actor: &str,
    ) -> Result<Vec<ScreeningOutcome>, ComplianceError> {
        let (_, any_list) = self.lists_version();
        if !any_list && no_list == NoList::Skip {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        let mut parties: Vec<(String, ScreeningInput, Subject)> = Vec::new();
        if with_name {
            parties.push((
                "legal_name".into(),
                ScreeningInput {
                    name: merchant.legal_name.clone(),
                    kind: Some("organization".into()),
                    country: Some(merchant.country.clone()),
                    date_of_birth: None,
                },
                Subject {
                    kind: "merchant",
                    merchant_id: Some(merchant.id.clone()),
                    object_id: None,
                },
            ));
        }
        for (i, owner) in owners.iter().enumerate() {
            parties.push((
                format!("beneficial_owners[{i}].name"),
                ScreeningInput {
                    name: owner.name.clone(),
                    kind: Some("person".into()),
                    country: owner.country.clone(),
                    date_of_birth: owner.date_of_birth.clone(),
                },
                Subject {
                    kind: "beneficial_owner",
                    merchant_id: Some(merchant.id.clone()),
                    object_id: None,
                },
            ));
        }
        for (name_param, input, subject) in parties {
            let mut result = self.prepare_screening(&input, &subject, actor);
            if matches!(&result, Err(ComplianceError::Invalid { param, .. }) if param == "country")
            {
                // A country ISO knows but the matcher's tables do not (a
                // territory): screen on the rest.
                let without = ScreeningInput {
                    country: None,
                    ..input
                };
                result = self.prepare_screening(&without, &subject, actor);
            }
            out.push(result.map_err(|e| match e {
                // Checked before (owners) or free text the matcher cannot
                // read (a name without letters or digits): name the field.
                ComplianceError::Invalid { code, message, .. } => ComplianceError::Invalid {
                    param: name_param.clone(),
                    code,
                    message: message.replacen("name", &name_param, 1),
                },
                other => other,
            })?);
        }
        Ok(out)
    }

    /// A new merchant (with its first key) and its KYB information; the
    /// name and owners screened, the screenings and alerts written with it.
    pub fn prepare_new_merchant(
        &self,
        merchant: MerchantRecord,
        api_key: ApiKeyRecord,
        changes: &KybChanges,
        actor: &str,
    ) -> Result<Onboarding, ComplianceError> {
        let info = self.apply_kyb_changes(&merchant, &KybInfo::of(None), changes)?;
        let screenings = self.screen_parties(&merchant, &info.owners, true, NoList::Skip, actor)?;
        let now = self.store().clock().now();
        let mut write = merged(&screenings);
        write.merchant_info = Some(MerchantKybWrite {
            record: info.record(&merchant.id, now),
            expected_version: 0,
            contact: None,
        });
        write.audit.push(AuditEntry {
            actor: actor.to_owned(),
            action: "merchant.created".into(),
            object_id: merchant.id.clone(),
            detail: serde_json::json!({
                "country": merchant.country, "owners": info.owners.len(),
                "registration_number": info.registration_number.is_some(),
                "screenings": screenings.iter().map(|s| s.record.id.clone()).collect::<Vec<_>>(),
                "kyb_missing": info.missing(&merchant),
            })
            .to_string(),
        });
        let status = merchant.kyb_status.clone();
        write.new_merchant = Some((merchant, api_key));
        Ok(Onboarding {
            info,
            status,
            screenings,
            write,
        })
    }

    /// A change of a merchant's KYB information and contact details,
    /// checked against the version read; the owners screened again when
    /// they change. Every change is audited with the fields it touched.
    pub fn prepare_kyb_change(
        &self,
        merchant: &MerchantRecord,
        stored: Option<&MerchantKybRecord>,
        changes: &KybChanges,
        contact: Option<MerchantContact>,
        actor: &str,
    ) -> Result<Onboarding, ComplianceError> {
        let before = KybInfo::of(stored);
        let mut info = self.apply_kyb_changes(merchant, &before, changes)?;
        let mut after = merchant.clone();
        let mut fields: Vec<&str> = Vec::new();
        if changes.registration_number.is_some() {
            fields.push("registration_number");
        }
        if changes.owners.is_some() {
            fields.push("beneficial_owners");
        }
        if changes.ownership_declaration.is_some() {
            fields.push("ownership_declaration");
        }
        if let Some(c) = &contact {
            if c.email != merchant.email {
                fields.push("email");
            }
            if c.website != merchant.website {
                fields.push("website");
                info.requested.retain(|f| f != "website");
            }
            if c.marketplace_store_ids != merchant.marketplace_store_ids {
                fields.push("marketplace_store_ids");
                info.requested.retain(|f| f != "marketplace_store_ids");
            }
            after.email = c.email.clone();
            after.website = c.website.clone();
            after.marketplace_store_ids = c.marketplace_store_ids.clone();
        }
        let owners_changed = changes.owners.is_some() && info.owners != before.owners;
        let screenings = if owners_changed {
            self.screen_parties(merchant, &info.owners, false, NoList::Skip, actor)?
        } else {
            Vec::new()
        };
        let blocked = screenings
            .iter()
            .find(|s| s.screening.decision == Decision::Block);
        let mut write = merged(&screenings);
        let mut status = merchant.kyb_status.clone();
        if let (Some(b), "approved") = (blocked, merchant.kyb_status.as_str()) {
            status = "pending".into();
            write.merchant_kyb = Some((merchant.id.clone(), status.clone()));
            write.audit.push(AuditEntry {
                actor: "system".into(),
                action: "merchant.kyb_reopened".into(),
                object_id: merchant.id.clone(),
                detail: serde_json::json!({
                    "reason": "a beneficial owner's screening decided block",
                    "screening": b.record.id, "status": status,
                })
                .to_string(),
            });
        }
        let now = self.store().clock().now();
        write.merchant_info = Some(MerchantKybWrite {
            record: info.record(&merchant.id, now),
            expected_version: before.version,
            contact,
        });
        write.audit.push(AuditEntry {
            actor: actor.to_owned(),
            action: "merchant.kyb_info_changed".into(),
            object_id: merchant.id.clone(),
            detail: serde_json::json!({
                "fields": fields, "kyb_status": merchant.kyb_status,
                "screenings": screenings.iter().map(|s| s.record.id.clone()).collect::<Vec<_>>(),
                "kyb_missing": info.missing(&after),
            })
            .to_string(),
        });
        Ok(Onboarding {
            info,
            status,
            screenings,
            write,
        })
    }
}

/// The screenings' rows, alerts and audit records in one write.
pub(crate) fn merged(screenings: &[ScreeningOutcome]) -> ComplianceWrite {
    let mut write = ComplianceWrite::default();
    for s in screenings {
        write.screenings.extend(s.write.screenings.iter().cloned());
        write.alerts.extend(s.write.alerts.iter().cloned());
        write.audit.extend(s.write.audit.iter().cloned());
    }
    write
}
