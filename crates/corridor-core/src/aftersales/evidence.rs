//! Dispute evidence: the fields merchants send, which a category requires,
//! and Visa's Compelling Evidence 3.0 check for card-absent fraud (10.4).

use super::dispute::DisputeCategory;

/// Every evidence field accepted, with the widely used names.
pub const EVIDENCE_FIELDS: &[&str] = &[
    "access_activity_log",
    "billing_address",
    "customer_email_address",
    "customer_purchase_ip",
    "duplicate_charge_explanation",
    "duplicate_charge_id",
    "product_description",
    "receipt",
    "refund_policy",
    "refund_refusal_explanation",
    "shipping_address",
    "shipping_carrier",
    "shipping_date",
    "shipping_tracking_number",
    "uncategorized_text",
];

/// Longest text of one evidence field, in characters.
pub const EVIDENCE_FIELD_CHARS_MAX: usize = 20_000;

/// The fields that speak to a category (all of them may be sent on any
/// dispute; these are the ones the category is argued with).
pub fn fields_for(category: DisputeCategory) -> &'static [&'static str] {
    match category {
        DisputeCategory::ProductNotReceived => &[
            "shipping_tracking_number",
            "shipping_carrier",
            "shipping_date",
            "shipping_address",
        ],
        DisputeCategory::Fraudulent => &[
            "customer_purchase_ip",
            "customer_email_address",
            "billing_address",
            "access_activity_log",
        ],
        DisputeCategory::ProductUnacceptable | DisputeCategory::CreditNotProcessed => &[
            "product_description",
            "receipt",
            "refund_policy",
            "refund_refusal_explanation",
        ],
        DisputeCategory::Duplicate => &["duplicate_charge_id", "duplicate_charge_explanation"],
        DisputeCategory::General => &["uncategorized_text"],
    }
}

/// The fields a submission of this category must have.
pub fn required_for(category: DisputeCategory) -> &'static [&'static str] {
    match category {
        DisputeCategory::ProductNotReceived => &[
            "shipping_tracking_number",
            "shipping_carrier",
            "shipping_date",
        ],
        DisputeCategory::Fraudulent => &["customer_purchase_ip", "customer_email_address"],
        DisputeCategory::ProductUnacceptable => &["product_description", "receipt"],
        DisputeCategory::CreditNotProcessed => &["refund_policy", "refund_refusal_explanation"],
        DisputeCategory::Duplicate => &["duplicate_charge_id", "duplicate_charge_explanation"],
        DisputeCategory::General => &["uncategorized_text"],
    }
}

/// Whether `name` is an evidence field.
pub fn is_field(name: &str) -> bool {
    EVIDENCE_FIELDS.contains(&name)
}

/// The first required field of `category` that `present` lacks.
pub fn first_missing(category: DisputeCategory, present: &[&str]) -> Option<&'static str> {
    required_for(category)
        .iter()
        .copied()
        .find(|f| !present.contains(f))
}

/// The identifying data of one transaction, as Compelling Evidence 3.0
/// compares them. `None` means the merchant does not have it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TransactionIdentity {
    /// The buyer's account (user) id at the merchant.
    pub customer_account_id: Option<String>,
    /// The device's fingerprint or id.
    pub device_id: Option<String>,
    /// The buyer's IP address.
    pub ip_address: Option<String>,
    /// The shipping address.
    pub shipping_address: Option<String>,
}

/// A prior transaction offered as compelling evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriorTransaction {
    /// Days between it and the disputed transaction.
    pub age_days: i64,
    /// It was never disputed.
    pub undisputed: bool,
    /// It was made with the disputed transaction's card.
    pub same_card: bool,
    /// Its identifying data.
    pub identity: TransactionIdentity,
}

/// Why the evidence does not qualify for Compelling Evidence 3.0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CompellingEvidenceError {
    /// Fewer than two qualifying prior transactions.
    #[error("{qualifying} prior transaction(s) qualify; at least two are needed (same card, undisputed, 120-365 days old, two matching identifiers of which one is the IP address or device id)")]
    TooFewQualifying {
        /// How many do.
        qualifying: usize,
    },
}

/// Oldest and youngest a prior transaction may be, in days.
pub const CE3_AGE_DAYS: (i64, i64) = (120, 365);

/// Visa Compelling Evidence 3.0 (dispute condition 10.4): at least two prior
/// undisputed transactions on the same card, 120 to 365 days before the
/// disputed one, each matching it on at least two of customer account id,
/// device id, IP address and shipping address, one of which is the IP
/// address or the device id.
pub fn check_compelling_evidence_3(
    disputed: &TransactionIdentity,
    priors: &[PriorTransaction],
) -> Result<(), CompellingEvidenceError> {
    let qualifying = priors.iter().filter(|p| qualifies(disputed, p)).count();
    if qualifying >= 2 {
        Ok(())
    } else {
        Err(CompellingEvidenceError::TooFewQualifying { qualifying })
    }
}

fn qualifies(disputed: &TransactionIdentity, prior: &PriorTransaction) -> bool {
    let (min, max) = CE3_AGE_DAYS;
    if !prior.undisputed || !prior.same_card || prior.age_days < min || prior.age_days > max {
        return false;
    }
    let same =
        |a: &Option<String>, b: &Option<String>| matches!((a, b), (Some(x), Some(y)) if x == y);
    let p = &prior.identity;
    let account = same(&disputed.customer_account_id, &p.customer_account_id);
    let device = same(&disputed.device_id, &p.device_id);
    let ip = same(&disputed.ip_address, &p.ip_address);
    let address = same(&disputed.shipping_address, &p.shipping_address);
    let matches = [account, device, ip, address]
        .into_iter()
        .filter(|m| *m)
        .count();
    matches >= 2 && (ip || device)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(
        account: Option<&str>,
        device: Option<&str>,
        ip: Option<&str>,
        addr: Option<&str>,
    ) -> TransactionIdentity {
        TransactionIdentity {
            customer_account_id: account.map(str::to_string),
            device_id: device.map(str::to_string),
            ip_address: ip.map(str::to_string),
            shipping_address: addr.map(str::to_string),
        }
    }

    fn prior(age_days: i64, identity: TransactionIdentity) -> PriorTransaction {
        PriorTransaction {
            age_days,
            undisputed: true,
            same_card: true,
            identity,
        }
    }

    #[test]
    fn required_fields_per_category() {
        let cases = [
            (
                DisputeCategory::ProductNotReceived,
                vec!["shipping_tracking_number", "shipping_carrier"],
                Some("shipping_date"),
            ),
            (
                DisputeCategory::ProductNotReceived,
                vec![
                    "shipping_tracking_number",
                    "shipping_carrier",
                    "shipping_date",
                ],
                None,
            ),
            (
                DisputeCategory::Fraudulent,
                vec!["customer_email_address"],
                Some("customer_purchase_ip"),
            ),
            (
                DisputeCategory::Duplicate,
                vec!["duplicate_charge_id", "duplicate_charge_explanation"],
                None,
            ),
            (
                DisputeCategory::CreditNotProcessed,
                vec!["refund_policy"],
                Some("refund_refusal_explanation"),
            ),
            (DisputeCategory::General, vec![], Some("uncategorized_text")),
        ];
        for (category, present, missing) in cases {
            assert_eq!(first_missing(category, &present), missing, "{category:?}");
        }
        for category in DisputeCategory::ALL {
            for f in required_for(category).iter().chain(fields_for(category)) {
                assert!(is_field(f), "{f}");
            }
        }
    }

    #[test]
    fn compelling_evidence_3_table() {
        let disputed = id(
            Some("u1"),
            Some("d1"),
            Some("203.0.113.7"),
            Some("1 Main St"),
        );
        let ip_and_account = id(Some("u1"), None, Some("203.0.113.7"), None);
        let device_and_address = id(None, Some("d1"), None, Some("1 Main St"));
        let account_and_address = id(Some("u1"), None, None, Some("1 Main St"));
        let only_ip = id(None, None, Some("203.0.113.7"), None);
        let cases: Vec<(Vec<PriorTransaction>, Result<(), CompellingEvidenceError>)> = vec![
            (
                vec![
                    prior(150, ip_and_account.clone()),
                    prior(300, device_and_address.clone()),
                ],
                Ok(()),
            ),
            (
                vec![
                    prior(120, ip_and_account.clone()),
                    prior(365, ip_and_account.clone()),
                ],
                Ok(()),
            ),
            // Neither IP nor device among the matches.
            (
                vec![
                    prior(150, ip_and_account.clone()),
                    prior(200, account_and_address),
                ],
                Err(CompellingEvidenceError::TooFewQualifying { qualifying: 1 }),
            ),
            // One identifier is not enough.
            (
                vec![prior(150, ip_and_account.clone()), prior(200, only_ip)],
                Err(CompellingEvidenceError::TooFewQualifying { qualifying: 1 }),
            ),
            // Too recent, too old.
            (
                vec![
                    prior(119, ip_and_account.clone()),
                    prior(366, ip_and_account.clone()),
                ],
                Err(CompellingEvidenceError::TooFewQualifying { qualifying: 0 }),
            ),
            (
                vec![prior(150, ip_and_account.clone())],
                Err(CompellingEvidenceError::TooFewQualifying { qualifying: 1 }),
            ),
        ];
        for (priors, expected) in cases {
            assert_eq!(
                check_compelling_evidence_3(&disputed, &priors),
                expected,
                "{priors:?}"
            );
        }
        let mut disputed_before = prior(150, ip_and_account.clone());
        disputed_before.undisputed = false;
        let mut other_card = prior(150, ip_and_account.clone());
        other_card.same_card = false;
        assert!(check_compelling_evidence_3(
            &disputed,
            &[disputed_before, other_card, prior(200, ip_and_account)]
        )
        .is_err());
    }
}
