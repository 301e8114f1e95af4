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
    /// Visa 5 (miscellaneous, account takeover), Mastercard 05 (account
    /// takeover).
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

    /// Stable name.
    pub fn name(self) -> &'static str {
        match self {
            FraudType::Lost => "lost",
            FraudType::Stolen => "stolen",
            FraudType::NotReceivedAsIssued => "not_received_as_issued",
            FraudType::FraudulentApplication => "fraudulent_application",
            FraudType::Counterfeit => "counterfeit",
            FraudType::AccountTakeover => "account_takeover",
            FraudType::CardNotPresent => "card_not_present",
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

    /// Reads a name (`card_not_present`) or a network's code (`6` for Visa,
    /// `06` for Mastercard).
    pub fn parse(text: &str, network: Network) -> Option<Self> {
        let text = text.trim();
        Self::ALL
            .into_iter()
            .find(|t| t.name() == text || t.code(network) == text)
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
                assert_eq!(FraudType::parse(t.name(), n), Some(t));
            }
        }
        assert_eq!(FraudType::CardNotPresent.code(Network::Visa), "6");
        assert_eq!(FraudType::CardNotPresent.code(Network::Mastercard), "06");
        assert_eq!(FraudType::parse("06", Network::Visa), None);
        assert_eq!(FraudType::parse("7", Network::Visa), None);
        assert_eq!(FraudType::parse("A", Network::Visa), None);
        assert_eq!(FraudType::parse("51", Network::Mastercard), None);
    }
}
