//! A provider's coverage as JSON (`GET /psp/{name}`).

use corridor_core::{Amount, CountryCode, Currency};
use serde::{Deserialize, Serialize};

use crate::{AmountLimit, CountrySet, Coverage, CurrencySet, MethodCoverage, MethodType};

/// A provider and what it serves.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PspWire {
    pub name: String,
    pub methods: Vec<MethodCoverageWire>,
}

/// One method; `countries`/`currencies` absent means any.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MethodCoverageWire {
    pub method: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub countries: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currencies: Option<Vec<String>>,
    pub limits: Vec<LimitWire>,
    pub manual_capture: bool,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LimitWire {
    pub currency: String,
    pub min: i64,
    pub max: i64,
}

impl PspWire {
    pub fn from_coverage(name: &str, coverage: &Coverage) -> Self {
        PspWire {
            name: name.to_string(),
            methods: coverage
                .methods
                .iter()
                .map(MethodCoverageWire::from_coverage)
                .collect(),
        }
    }

    pub fn into_coverage(self) -> Result<Coverage, String> {
        let methods = self
            .methods
            .into_iter()
            .map(MethodCoverageWire::into_coverage)
            .collect::<Result<_, _>>()?;
        Ok(Coverage { methods })
    }
}

impl MethodCoverageWire {
    fn from_coverage(entry: &MethodCoverage) -> Self {
        MethodCoverageWire {
            method: entry.method.code().to_string(),
            countries: match &entry.countries {
                CountrySet::Any => None,
                CountrySet::Only(list) => {
                    Some(list.iter().map(|c| c.as_str().to_string()).collect())
                }
            },
            currencies: match &entry.currencies {
                CurrencySet::Any => None,
                CurrencySet::Only(list) => {
                    Some(list.iter().map(|c| c.code().to_string()).collect())
                }
            },
            limits: entry
                .limits
                .iter()
                .map(|l| LimitWire {
                    currency: l.currency.code().to_string(),
                    min: l.min.minor(),
                    max: l.max.minor(),
                })
                .collect(),
            manual_capture: entry.manual_capture,
        }
    }

    fn into_coverage(self) -> Result<MethodCoverage, String> {
        let method = MethodType::parse(&self.method).ok_or(format!("method `{}`", self.method))?;
        let countries = match self.countries {
            None => CountrySet::Any,
            Some(list) => CountrySet::Only(
                list.iter()
                    .map(|c| CountryCode::parse(c).map_err(|e| e.to_string()))
                    .collect::<Result<_, _>>()?,
            ),
        };
        let currencies = match self.currencies {
            None => CurrencySet::Any,
            Some(list) => CurrencySet::Only(
                list.iter()
                    .map(|c| Currency::parse(c).map_err(|e| e.to_string()))
                    .collect::<Result<_, _>>()?,
            ),
        };
        let limits = self
            .limits
            .into_iter()
            .map(|l| {
                Ok(AmountLimit {
                    currency: Currency::parse(&l.currency).map_err(|e| e.to_string())?,
                    min: Amount::non_negative(l.min).map_err(|e| e.to_string())?,
                    max: Amount::non_negative(l.max).map_err(|e| e.to_string())?,
                })
            })
            .collect::<Result<_, String>>()?;
        Ok(MethodCoverage {
            method,
            countries,
            currencies,
            limits,
            manual_capture: self.manual_capture,
        })
    }
}
