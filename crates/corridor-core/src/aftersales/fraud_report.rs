//! Issuers' fraud reports: Visa's TC40 records (Risk Identification
//! Service) and Mastercard's SAFE (System to Avoid Fraud Effectively)
//! reports. A report says a transaction was fraudulent; it moves no money
//! and is not a dispute, but Visa counts it in VAMP.
//!
//! The fraud types are the networks' documented codes 0-6 (Visa) and
//! 00-06 (Mastercard), which name the same seven kinds of fraud; the
//! networks' later codes (Visa 9, A-D; Mastercard 51-56) are not accepted.

use super::dispute::Network;

/// The kind of fraud an issuer reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FraudType {
    /// Visa 0, Mastercard 00: a card reported lost.
    Lost,
    /// Visa 1, Mastercard 01: a card reported stolen.
    Stolen,
    /// Visa 2, Mastercard 02: a card intercepted before the card holder
    /// received it (not received as issued).
    NotReceivedAsIssued,
    /// Visa 3, Mastercard 03: a card obtained with a false application.
    FraudulentApplication,
    /// Visa 4, Mastercard 04: an altered or reproduced card
    /// (issuer-reported counterfeit).
    Counterfeit,
    /// Visa 5 (miscellaneous: any other fraud, account takeover among
    /// them), Mastercard 05 (account takeover).
    AccountTakeover,
    /// Visa 6 (fraudulent use of account number), Mastercard 06 (card not
    /// present): the card's details used without the card.
    CardNotPresent,
}

impl FraudType {
    /// Every type, in code order.
    pub const ALL: [FraudType; 7] = [
        FraudType::Lost,
        FraudType::Stolen,
        FraudType::NotReceivedAsIssued,
        FraudType::FraudulentApplication,
        FraudType::Counterfeit,
        FraudType::AccountTakeover,
        FraudType::CardNotPresent,
    ];

    /// The network's name for the type, in snake case: Visa's TC40 and
    /// Mastercard's SAFE names differ for some types.
    pub fn name(self, network: Network) -> &'static str {
        match (self, network) {
            (FraudType::Lost, _) => "lost",
            (FraudType::Stolen, _) => "stolen",
            (FraudType::NotReceivedAsIssued, Network::Visa) => "not_received_as_issued",
            (FraudType::NotReceivedAsIssued, Network::Mastercard) => "never_received_issue",
            (FraudType::FraudulentApplication, _) => "fraudulent_application",
            (FraudType::Counterfeit, Network::Visa) => "issuer_reported_counterfeit",
            (FraudType::Counterfeit, Network::Mastercard) => "counterfeit_card",
            (FraudType::AccountTakeover, Network::Visa) => "miscellaneous",
            (FraudType::AccountTakeover, Network::Mastercard) => "account_takeover",
            (FraudType::CardNotPresent, Network::Visa) => "fraudulent_use_of_account_number",
            (FraudType::CardNotPresent, Network::Mastercard) => "card_not_present",
        }
    }

    fn index(self) -> usize {
        Self::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }

    /// The network's code: `0`-`6` for Visa, `00`-`06` for Mastercard.
    pub fn code(self, network: Network) -> String {
        match network {
            Network::Visa => format!("{}", self.index()),
            Network::Mastercard => format!("{:02}", self.index()),
        }
    }

    /// Reads the network's name (`fraudulent_use_of_account_number` for
    /// Visa, `card_not_present` for Mastercard) or code (`6`, `06`).
    pub fn parse(text: &str, network: Network) -> Option<Self> {
        let text = text.trim();
        Self::ALL
            .into_iter()
            .find(|t| t.name(network) == text || t.code(network) == text)
    }

    /// The network's own description.
    pub fn description(self, network: Network) -> &'static str {
        match (self, network) {
            (FraudType::Lost, _) => "Lost",
            (FraudType::Stolen, _) => "Stolen",
            (FraudType::NotReceivedAsIssued, Network::Visa) => "Card not received as issued",
            (FraudType::NotReceivedAsIssued, Network::Mastercard) => "Never received issue",
            (FraudType::FraudulentApplication, _) => "Fraudulent application",
            (FraudType::Counterfeit, Network::Visa) => "Issuer-reported counterfeit",
            (FraudType::Counterfeit, Network::Mastercard) => "Counterfeit card fraud",
            (FraudType::AccountTakeover, Network::Visa) => "Miscellaneous / account takeover",
            (FraudType::AccountTakeover, Network::Mastercard) => "Account takeover fraud",
            (FraudType::CardNotPresent, Network::Visa) => "Fraudulent use of account number",
            (FraudType::CardNotPresent, Network::Mastercard) => "Card not present fraud",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_per_network() {
        for t in FraudType::ALL {
            for n in [Network::Visa, Network::Mastercard] {
                assert_eq!(FraudType::parse(&t.code(n), n), Some(t));
                assert_eq!(FraudType::parse(t.name(n), n), Some(t));
            }
        }
        assert_eq!(FraudType::CardNotPresent.code(Network::Visa), "6");
        assert_eq!(FraudType::CardNotPresent.code(Network::Mastercard), "06");
        assert_eq!(FraudType::parse("06", Network::Visa), None);
        assert_eq!(FraudType::parse("7", Network::Visa), None);
        assert_eq!(FraudType::parse("A", Network::Visa), None);
        assert_eq!(FraudType::parse("51", Network::Mastercard), None);
        // Each network's own names only.
        assert_eq!(
            FraudType::parse("card_not_present", Network::Mastercard),
            Some(FraudType::CardNotPresent)
        );
        assert_eq!(FraudType::parse("card_not_present", Network::Visa), None);
        assert_eq!(
            FraudType::parse("miscellaneous", Network::Visa),
            Some(FraudType::AccountTakeover)
        );
    }
}
