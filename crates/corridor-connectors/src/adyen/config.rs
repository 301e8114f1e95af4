//! How one Adyen connector is configured.

use std::time::Duration;

/// The settings of one Adyen merchant account. `Debug` never shows the key.
#[derive(Clone)]
pub struct AdyenConfig {
    /// The connector's name in routing (`adyen_eu`, ...).
    pub name: String,
    /// The Checkout API's base URL including the version
    /// (`https://checkout-test.adyen.com/v71`, or a live URL prefix).
    pub base_url: String,
    /// The API key of the web service user (`X-API-Key`).
    pub api_key: String,
    /// The merchant account payments are made on.
    pub merchant_account: String,
    /// Send raw card numbers: only for integrations certified PCI DSS level 1
    /// or 2, as Adyen requires. Off, card payments need the encrypted fields.
    pub raw_card_data: bool,
    /// Where Adyen sends the buyer back after a redirect or a 3DS challenge.
    pub return_url: String,
    /// How long one call may take before it is a timeout.
    pub timeout: Duration,
    /// Headers added to every call (a mock server's example selection in
    /// tests; empty in production).
    pub extra_headers: Vec<(String, String)>,
}

impl std::fmt::Debug for AdyenConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdyenConfig")
            .field("name", &self.name)
            .field("base_url", &self.base_url)
            .field("api_key", &"***")
            .field("merchant_account", &self.merchant_account)
            .field("raw_card_data", &self.raw_card_data)
            .field("return_url", &self.return_url)
            .field("timeout", &self.timeout)
            .finish()
    }
}
