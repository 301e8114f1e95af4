//! API keys: generation, hashing, and the caller extractor.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use corridor_store::Principal;
use rand::distr::{Alphanumeric, SampleString};
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::state::AppState;

/// Random characters in a generated key.
const KEY_RANDOM_CHARS: usize = 40;

/// A new operator key (`ok_...`).
pub fn new_operator_key() -> String {
    format!(
        "ok_{}",
        Alphanumeric.sample_string(&mut rand::rng(), KEY_RANDOM_CHARS)
    )
}

/// A new merchant key (`sk_...`).
pub fn new_merchant_key() -> String {
    format!(
        "sk_{}",
        Alphanumeric.sample_string(&mut rand::rng(), KEY_RANDOM_CHARS)
    )
}

/// Hex SHA-256 of a key: what the database stores.
pub fn hash_key(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// The bearer token of a request, if any.
pub fn bearer(parts: &axum::http::HeaderMap) -> Option<&str> {
    let value = parts
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    value
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|k| !k.is_empty())
}

/// The authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller {
    /// Who it is.
    pub principal: Principal,
}

impl Caller {
    /// Fails unless the caller is an operator.
    pub fn require_operator(&self) -> Result<(), ApiError> {
        match self.principal {
            Principal::Operator => Ok(()),
            Principal::Merchant(_) => {
                Err(ApiError::forbidden("this endpoint needs an operator key"))
            }
        }
    }

    /// The merchant whose data a request is about: a merchant key's own
    /// merchant, or for an operator the `merchant` query parameter.
    pub fn merchant_scope(&self, requested: Option<&str>) -> Result<String, ApiError> {
        match (&self.principal, requested) {
            (Principal::Merchant(own), None) => Ok(own.clone()),
            (Principal::Merchant(own), Some(other)) if other == own => Ok(own.clone()),
            (Principal::Merchant(_), Some(other)) => Err(ApiError::not_found("merchant", other)),
            (Principal::Operator, Some("")) => Err(ApiError::invalid(
                "merchant",
                "parameter_invalid",
                "merchant must be a merchant id (mer_...)",
            )),
            (Principal::Operator, Some(id)) => Ok(id.to_string()),
            (Principal::Operator, None) => Err(ApiError::invalid(
                "merchant",
                "parameter_missing",
                "operators must name the merchant (?merchant=mer_...)",
            )),
        }
    }

    /// Whether the caller may see this merchant's objects.
    pub fn can_see(&self, merchant_id: &str) -> bool {
        match &self.principal {
            Principal::Operator => true,
            Principal::Merchant(own) => own == merchant_id,
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let key = bearer(&parts.headers).ok_or_else(|| {
            ApiError::unauthenticated("missing 'Authorization: Bearer <key>' header")
        })?;
        let hash = hash_key(key);
        if let Some(principal) = state.cached_principal(&hash) {
            return Ok(Caller { principal });
        }
        let principal = state
            .store()
            .principal_for_key(&hash)
            .await?
            .ok_or_else(|| ApiError::unauthenticated("invalid API key"))?;
        state.cache_principal(hash, principal.clone());
        Ok(Caller { principal })
    }
}
