//! A payout batch as a pain.001.001.09 file: one payment information block
//! per rail and currency, one transaction per payout.

use std::collections::BTreeMap;

use corridor_connectors::bank::pain001::{
    self, Agent, ClearingSystem, CreditTransfer, CreditTransferFile, CreditorAccount, CreditorId,
    PaymentBlock,
};
use corridor_core::payouts::Rail;
use corridor_core::Currency;
use corridor_store::{BeneficiaryRecord, PayoutBatchRecord, PayoutRecord};

use super::beneficiaries::account_fields;
use super::value_date::{execution_date, iso_date, iso_datetime};

/// The platform's account that payouts leave from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Debtor {
    /// Legal name of the platform.
    pub name: String,
    /// Its country.
    pub country: String,
    /// Its account (an IBAN or another identifier).
    pub account: String,
    /// Its bank's BIC.
    pub bic: String,
}

impl Debtor {
    /// The settlement account used in sandbox mode.
    pub fn sandbox() -> Self {
        Debtor {
            name: "Corridor Payments Ltd".into(),
            country: "DE".into(),
            account: "DE89370400440532013000".into(),
            bic: "COBADEFFXXX".into(),
        }
    }
}

fn agent_and_account(
    b: &BeneficiaryRecord,
) -> (Agent, CreditorAccount, Option<String>, Option<CreditorId>) {
    let f = account_fields(&b.bank_account);
    let member = |code: &str, id: String| Some((ClearingSystem::Code(code.into()), id));
    let other = |id: Option<String>| CreditorAccount::Other {
        id: id.unwrap_or_default(),
        scheme: None,
    };
    let mut agent = Agent {
        bic: f.bic.clone(),
        clearing: None,
    };
    let mut kind = None;
    let mut creditor_id = None;
    let account = match b.scheme.as_str() {
        "iban" => CreditorAccount::Iban(f.iban.clone().unwrap_or_default()),
        "us_aba" => {
            agent.clearing = member("USABA", f.routing_number.clone().unwrap_or_default());
            kind = f
                .account_type
                .as_deref()
                .map(|t| if t == "savings" { "SVGS" } else { "CACC" }.to_string());
            other(f.account_number.clone())
        }
        "gb_sort_code" => {
            agent.clearing = member("GBDSC", f.sort_code.clone().unwrap_or_default());
            other(f.account_number.clone())
        }
        "in_ifsc" => {
            agent.clearing = member("INFSC", f.ifsc.clone().unwrap_or_default());
            other(f.account_number.clone())
        }
        "cn_cnaps" => {
            agent.clearing = member("CNAPS", f.bank_code.clone().unwrap_or_default());
            other(f.account_number.clone())
        }
        "jp_zengin" => {
            agent.clearing = member(
                "JPZGN",
                format!(
                    "{}{}",
                    f.bank_code.clone().unwrap_or_default(),
                    f.branch_code.clone().unwrap_or_default()
                ),
            );
            other(f.account_number.clone())
        }
        "au_bsb" => {
            agent.clearing = member("AUBSB", f.bsb.clone().unwrap_or_default());
            other(f.account_number.clone())
        }
        "ca_transit" => {
            // Payments Canada routing: 0, institution (3), transit (5).
            agent.clearing = member(
                "CACPA",
                format!(
                    "0{}{}",
                    f.institution_number.clone().unwrap_or_default(),
                    f.transit_number.clone().unwrap_or_default()
                ),
            );
            other(f.account_number.clone())
        }
        "mx_clabe" => CreditorAccount::Other {
            id: f.clabe.clone().unwrap_or_default(),
            scheme: Some("CLABE".into()),
        },
        "br_bank" => {
            agent.clearing = Some((
                ClearingSystem::Proprietary("BRCOMPE".into()),
                format!(
                    "{}{}",
                    f.bank_code.clone().unwrap_or_default(),
                    f.branch_code.clone().unwrap_or_default()
                ),
            ));
            let doc = f.cpf_cnpj.clone().unwrap_or_default();
            creditor_id = Some(if doc.len() == 11 {
                CreditorId::Person(doc, "CPF".into())
            } else {
                CreditorId::Organisation(doc, "CNPJ".into())
            });
            other(f.account_number.clone())
        }
        _ => other(f.account_number.clone()),
    };
    (agent, account, kind, creditor_id)
}

fn service_level(rail: Rail) -> &'static str {
    match rail {
        Rail::Sepa => "SEPA",
        Rail::Local => "NURG",
        Rail::Swift(_) => "URGP",
    }
}

/// Builds the file of a batch from its stored rows. Everything in it comes
/// from the batch and its payouts as stored, so generating it again gives
/// the same bytes: a bank receiving it twice sees the same message id.
pub fn build(
    batch: &PayoutBatchRecord,
    payouts: &[PayoutRecord],
    beneficiaries: &BTreeMap<String, BeneficiaryRecord>,
    debtor: &Debtor,
) -> String {
    let mut groups: BTreeMap<(String, &'static str), Vec<&PayoutRecord>> = BTreeMap::new();
    for p in payouts {
        groups
            .entry((p.rail.clone(), p.target_currency.code()))
            .or_default()
            .push(p);
    }
    let blocks = groups
        .into_iter()
        .enumerate()
        .map(|(i, ((rail_code, _), list))| {
            let rail = Rail::parse(&rail_code).unwrap_or(Rail::Local);
            let currency: Currency = list[0].target_currency;
            PaymentBlock {
                id: format!("{}-{}", batch.id, i + 1),
                execution_date: iso_date(execution_date(rail, currency, batch.created_at)),
                currency: currency.code().to_string(),
                exponent: currency.exponent(),
                service_level: service_level(rail).into(),
                charge_bearer: rail.iso_charge_bearer().into(),
                transfers: list
                    .into_iter()
                    .filter_map(|p| {
                        let b = beneficiaries.get(&p.beneficiary_id)?;
                        let (agent, account, account_type, creditor_id) = agent_and_account(b);
                        Some(CreditTransfer {
                            end_to_end_id: p.end_to_end_id.clone(),
                            uetr: p.uetr.clone(),
                            amount: p.target_amount,
                            agent,
                            creditor_name: b.name.clone(),
                            creditor_country: b.country.clone(),
                            creditor_id,
                            account,
                            account_type,
                            purpose: p.purpose_code.clone(),
                            remittance: p.reference.clone(),
                        })
                    })
                    .collect(),
            }
        })
        .collect();
    pain001::write(&CreditTransferFile {
        message_id: batch.id.clone(),
        created_at: iso_datetime(batch.created_at),
        debtor: pain001::Debtor {
            name: debtor.name.clone(),
            country: debtor.country.clone(),
            account: if debtor.account.len() > 4
                && corridor_core::payouts::iban::parse_iban("debtor", &debtor.account).is_ok()
            {
                CreditorAccount::Iban(debtor.account.clone())
            } else {
                CreditorAccount::Other {
                    id: debtor.account.clone(),
                    scheme: None,
                }
            },
            agent_bic: debtor.bic.clone(),
        },
        blocks,
    })
}
