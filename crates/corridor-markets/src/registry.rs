//! The registry of every known market, loaded once, and the queries the
//! payment engine asks of it.

use std::sync::LazyLock;

use corridor_core::{CountryCode, Currency};

use crate::{convert, data, LoadError, Market, MarketStatus, MethodType, PaymentMethod};

/// Every embedded market, parsed on first use. The unit tests load the same
/// files, so this cannot fail in a build whose tests pass.
static MARKETS: LazyLock<Markets> = LazyLock::new(|| {
    Markets::embedded().unwrap_or_else(|e| panic!("invalid embedded market data: {e}"))
});

/// The embedded market knowledge base.
pub fn markets() -> &'static Markets {
    &MARKETS
}

/// Markets by country.
#[derive(Debug, Clone)]
pub struct Markets {
    /// Sorted by country code, unique.
    markets: Vec<Market>,
}

impl Markets {
    /// Loads the files embedded in this crate.
    pub fn embedded() -> Result<Markets, LoadError> {
        Markets::from_files(data::FILES)
    }

    /// Loads `(country code, TOML text)` pairs, each file named after its
    /// country; fails on the first invalid file.
    pub fn from_files(files: &[(&str, &str)]) -> Result<Markets, LoadError> {
        let mut markets = files
            .iter()
            .map(|(file, text)| convert::market(file, text))
            .collect::<Result<Vec<_>, _>>()?;
        markets.sort_by(|a, b| a.country.as_str().cmp(b.country.as_str()));
        if let Some(pair) = markets.windows(2).find(|w| w[0].country == w[1].country) {
            let code = pair[0].country.as_str();
            return Err(LoadError::new(code, "(file)", "the country has two files"));
        }
        Ok(Markets { markets })
    }

    /// Every market, by country code.
    pub fn all(&self) -> &[Market] {
        &self.markets
    }

    /// One country's market, if it is known.
    pub fn get(&self, country: CountryCode) -> Option<&Market> {
        self.markets
            .binary_search_by(|m| m.country.as_str().cmp(country.as_str()))
            .ok()
            .and_then(|i| self.markets.get(i))
    }

    /// Whether Corridor may sell into a country; `None` for an unknown one.
    pub fn status(&self, country: CountryCode) -> Option<MarketStatus> {
        self.get(country).map(Market::status)
    }

    /// The method of this type in a country, if buyers there use it.
    pub fn method(&self, country: CountryCode, method_type: MethodType) -> Option<&PaymentMethod> {
        self.get(country)?.method(method_type)
    }

    /// Whether Corridor offers this method in this country: the market is
    /// known, not blocked, and lists the method.
    pub fn offers(&self, country: CountryCode, method_type: MethodType) -> bool {
        self.get(country)
            .is_some_and(|m| m.status() != MarketStatus::Blocked && m.method(method_type).is_some())
    }

    /// Whether a customer-initiated remote card payment of this amount in
    /// this country needs strong customer authentication.
    ///
    /// False where no SCA rule applies. Where one does, true unless the
    /// payment qualifies for the low-value exemption on its own: in the
    /// rule's currency and at most its threshold. The exemption's cumulative
    /// limits (amount and count since the last SCA) are tracked by the
    /// card issuer, which may still ask for SCA; an amount in another
    /// currency is not converted here and so counts as requiring SCA.
    /// Merchant-initiated and fixed-amount recurring payments are read from
    /// [`crate::ScaRule`] instead.
    pub fn sca_required(
        &self,
        country: CountryCode,
        amount_minor: i64,
        currency: Currency,
    ) -> bool {
        let Some(sca) = self.get(country).and_then(Market::sca) else {
            return false;
        };
        let low_value = sca.currency() == currency
            && amount_minor > 0
            && sca
                .low_value_exemption_minor()
                .is_some_and(|max| amount_minor <= max);
        !low_value
    }
}
