//! Turning a payment request into a validated payment, by the market's rules.

use corridor_connectors::{CaptureMode, CardDetails, MethodType, PaymentMethod};
use corridor_core::payments::card::{check_cvc, CardError, CardNumber, Expiry};
use corridor_core::{Amount, CountryCode, Currency, Timestamp};
use corridor_markets::{markets, MarketStatus};

use super::PaymentError;

/// Card details as the merchant sent them. `Debug` never shows the number
/// or the CVC.
#[derive(Clone)]
pub struct CardInput {
    /// The number (spaces allowed).
    pub number: String,
    /// 1-12.
    pub exp_month: i64,
    /// Two or four digits.
    pub exp_year: i64,
    /// 3 or 4 digits.
    pub cvc: String,
}

impl std::fmt::Debug for CardInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CardInput")
            .field("number", &"[redacted]")
            .field("exp_month", &self.exp_month)
            .field("exp_year", &self.exp_year)
            .field("cvc", &"[redacted]")
            .finish()
    }
}

/// Card fields a provider's client-side encryption produced (Adyen's
/// `encryptedCardNumber`, ...), passed through unread.
#[derive(Clone, Default)]
pub struct EncryptedCardInput {
    /// The encrypted number.
    pub number: Option<String>,
    /// The encrypted expiry month.
    pub expiry_month: Option<String>,
    /// The encrypted expiry year.
    pub expiry_year: Option<String>,
    /// The encrypted security code.
    pub security_code: Option<String>,
}

impl std::fmt::Debug for EncryptedCardInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EncryptedCardInput(***)")
    }
}

impl EncryptedCardInput {
    fn any(&self) -> bool {
        self.number.is_some()
            || self.expiry_month.is_some()
            || self.expiry_year.is_some()
            || self.security_code.is_some()
    }
}

/// Longest encrypted card field.
pub const ENCRYPTED_FIELD_LEN_MAX: usize = 10_000;

/// A payment request as received (fields not yet checked against the market).
#[derive(Debug, Clone)]
pub struct PaymentInput {
    /// Owning merchant.
    pub merchant_id: String,
    /// Minor units.
    pub amount: i64,
    /// ISO 4217 code, any case.
    pub currency: String,
    /// Buyer's market, ISO 3166-1 alpha-2.
    pub country: String,
    /// Method type (`card`, `konbini`, ...).
    pub method_type: String,
    /// Card details, for cards.
    pub card: Option<CardInput>,
    /// Encrypted card fields, for cards paid through a client-side integration.
    pub encrypted_card: EncryptedCardInput,
    /// IBAN, for SEPA debits.
    pub iban: Option<String>,
    /// The account holder's name, for SEPA debits
    /// (`payment_method.owner_name`, else `customer.name`).
    pub owner_name: Option<String>,
    /// UPI virtual payment address, for UPI.
    pub vpa: Option<String>,
    /// `automatic` (default) or `manual`.
    pub capture_method: Option<String>,
    /// Confirm at once.
    pub confirm: bool,
    /// Merchant's description.
    pub description: Option<String>,
    /// Merchant's metadata, as JSON text.
    pub metadata: Option<String>,
    /// The buyer's email (`customer.email`), as given.
    pub customer_email: Option<String>,
}

/// A payment the market allows.
#[derive(Debug, Clone)]
pub struct NewPayment {
    /// Owning merchant.
    pub merchant_id: String,
    /// Amount.
    pub amount: Amount,
    /// Currency.
    pub currency: Currency,
    /// Market.
    pub country: CountryCode,
    /// How the buyer pays.
    pub method: PaymentMethod,
    /// Capture mode.
    pub capture: CaptureMode,
    /// Whether the market's rules require strong customer authentication.
    pub sca_required: bool,
    /// Days until captured funds are available.
    pub settlement_days: i64,
    /// Confirm at once.
    pub confirm: bool,
    /// Description.
    pub description: Option<String>,
    /// Metadata JSON.
    pub metadata: Option<String>,
    /// The buyer's email, checked and in lower case.
    pub customer_email: Option<String>,
}

/// Days until funds settle when the knowledge base has no figure.
const DEFAULT_SETTLEMENT_DAYS: i64 = 2;

/// Checks a request against money rules, the market and the method.
pub(crate) fn validate(input: PaymentInput, now: Timestamp) -> Result<NewPayment, PaymentError> {
    let amount = Amount::positive(input.amount).map_err(|_| {
        PaymentError::invalid(
            "amount",
            "amount_invalid",
            "amount must be a positive integer in minor units",
        )
    })?;
    let currency = Currency::parse(&input.currency)
        .map_err(|e| PaymentError::invalid("currency", "currency_invalid", e.to_string()))?;
    let country = CountryCode::parse(&input.country)
        .map_err(|e| PaymentError::invalid("country", "country_invalid", e.to_string()))?;
    let market = markets().get(country).ok_or_else(|| {
        PaymentError::invalid(
            "country",
            "market_unknown",
            format!("Corridor does not serve {}", country.as_str()),
        )
    })?;
    if market.status() == MarketStatus::Blocked {
        return Err(PaymentError::Blocked {
            code: "market_blocked",
            message: format!(
                "payments to {} are blocked by comprehensive sanctions",
                market.name()
            ),
        });
    }
    let param = "payment_method.type";
    let method_type = corridor_markets::MethodType::parse(&input.method_type).map_err(|_| {
        PaymentError::invalid(
            param,
            "payment_method_unknown",
            format!("unknown payment method type '{}'", input.method_type),
        )
    })?;
    let method = market.method(method_type).ok_or_else(|| {
        PaymentError::invalid(
            param,
            "payment_method_not_available",
            format!(
                "{} is not offered in {}",
                method_type.as_str(),
                market.name()
            ),
        )
    })?;
    if !method.supports(currency) {
        return Err(PaymentError::invalid(
            "currency",
            "currency_not_supported",
            format!(
                "{} in {} does not take {}",
                method_type.as_str(),
                market.name(),
                currency.code()
            ),
        ));
    }
    if let Some(limit) = method.limit(currency) {
        if !limit.allows(amount.minor()) {
            return Err(PaymentError::invalid(
                "amount",
                "amount_outside_limits",
                limit_message(limit, method_type, currency),
            ));
        }
    }
    let method = details(&input, method_type, now)?;
    let capture = match input.capture_method.as_deref() {
        None | Some("automatic") => CaptureMode::Automatic,
        Some("manual") => CaptureMode::Manual,
        Some(other) => {
            return Err(PaymentError::invalid(
                "capture_method",
                "parameter_invalid",
                format!("capture_method must be automatic or manual, not '{other}'"),
            ))
        }
    };
    Ok(NewPayment {
        merchant_id: input.merchant_id,
        amount,
        currency,
        country,
        sca_required: method.method_type() == MethodType::Card
            && markets().sca_required(country, amount.minor(), currency),
        method,
        capture,
        settlement_days: market
            .method(method_type)
            .and_then(|m| m.settlement_days())
            .map_or(DEFAULT_SETTLEMENT_DAYS, i64::from),
        confirm: input.confirm,
        description: input.description,
        metadata: input.metadata,
        customer_email: customer_email(input.customer_email.as_deref())?,
    })
}

/// The longest email address accepted (RFC 5321's path limit).
const MAX_EMAIL_CHARS: usize = 254;

/// A buyer's email, trimmed and in lower case: one `@` with text on both
/// sides and a dot in the domain, no spaces, at most 254 characters.
fn customer_email(email: Option<&str>) -> Result<Option<String>, PaymentError> {
    let Some(email) = email.map(str::trim) else {
        return Ok(None);
    };
    let valid = email.len() <= MAX_EMAIL_CHARS
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if !valid {
        return Err(PaymentError::invalid(
            "customer.email",
            "parameter_invalid",
            "customer.email must be an email address like buyer@example.com",
        ));
    }
    Ok(Some(email.to_lowercase()))
}

fn limit_message(
    limit: &corridor_markets::AmountLimit,
    method: corridor_markets::MethodType,
    currency: Currency,
) -> String {
    let bound = |v: Option<i64>| v.map_or("-".to_string(), |m| m.to_string());
    format!(
        "{} takes {} amounts from {} to {} (minor units)",
        method.as_str(),
        currency.code(),
        bound(limit.min_minor()),
        bound(limit.max_minor())
    )
}

/// The connector-level method with its details, checked.
fn details(
    input: &PaymentInput,
    method_type: corridor_markets::MethodType,
    now: Timestamp,
) -> Result<PaymentMethod, PaymentError> {
    let connector_type = MethodType::parse(method_type.as_str()).ok_or_else(|| {
        PaymentError::invalid(
            "payment_method.type",
            "payment_method_not_supported",
            format!(
                "Corridor's providers do not process {} yet",
                method_type.as_str()
            ),
        )
    })?;
    match connector_type {
        MethodType::Card if input.encrypted_card.any() => {
            encrypted_card(input.card.as_ref(), &input.encrypted_card)
        }
        MethodType::Card => card(input.card.as_ref(), now),
        MethodType::SepaDebit => {
            super::sepa_input::sepa_debit(input.iban.as_deref(), input.owner_name.as_deref())
        }
        MethodType::Upi => {
            let vpa = required(input.vpa.as_deref(), "payment_method.vpa")?;
            if !vpa.contains('@') {
                return Err(PaymentError::invalid(
                    "payment_method.vpa",
                    "parameter_invalid",
                    "a UPI address looks like name@bank",
                ));
            }
            Ok(PaymentMethod::Upi {
                vpa: vpa.to_string(),
            })
        }
        other => PaymentMethod::without_details(other).ok_or_else(|| {
            PaymentError::invalid(
                "payment_method.type",
                "payment_method_not_supported",
                "this method needs details",
            )
        }),
    }
}

fn required<'a>(value: Option<&'a str>, param: &str) -> Result<&'a str, PaymentError> {
    value.filter(|v| !v.trim().is_empty()).ok_or_else(|| {
        PaymentError::invalid(param, "parameter_missing", format!("{param} is required"))
    })
}

/// Encrypted fields, all three of number and expiry, never with a raw number.
fn encrypted_card(
    raw: Option<&CardInput>,
    e: &EncryptedCardInput,
) -> Result<PaymentMethod, PaymentError> {
    if raw.is_some_and(|c| !c.number.is_empty()) {
        return Err(PaymentError::invalid(
            "payment_method.number",
            "parameter_invalid",
            "give either the card number or the encrypted card fields, not both",
        ));
    }
    let field = |value: &Option<String>, param: &str| -> Result<String, PaymentError> {
        let v = required(value.as_deref(), param)?;
        if v.len() > ENCRYPTED_FIELD_LEN_MAX || v.chars().any(char::is_control) {
            return Err(PaymentError::invalid(
                param,
                "parameter_invalid",
                format!("{param} is at most {ENCRYPTED_FIELD_LEN_MAX} characters"),
            ));
        }
        Ok(v.to_string())
    };
    let number = field(&e.number, "payment_method.encrypted_card_number")?;
    let expiry_month = field(&e.expiry_month, "payment_method.encrypted_expiry_month")?;
    let expiry_year = field(&e.expiry_year, "payment_method.encrypted_expiry_year")?;
    let security_code = match &e.security_code {
        None => None,
        Some(_) => Some(field(
            &e.security_code,
            "payment_method.encrypted_security_code",
        )?),
    };
    Ok(PaymentMethod::EncryptedCard(
        corridor_connectors::EncryptedCard {
            number,
            expiry_month,
            expiry_year,
            security_code,
        },
    ))
}

fn card(card: Option<&CardInput>, now: Timestamp) -> Result<PaymentMethod, PaymentError> {
    let card = card.ok_or_else(|| {
        PaymentError::invalid(
            "payment_method.number",
            "parameter_missing",
            "card details are required",
        )
    })?;
    let as_error = |e: CardError| {
        PaymentError::invalid(
            &format!("payment_method.{}", e.param()),
            e.code(),
            e.to_string(),
        )
    };
    let number = CardNumber::parse(&card.number).map_err(as_error)?;
    let expiry = Expiry::parse(card.exp_month, card.exp_year, now).map_err(as_error)?;
    check_cvc(&card.cvc, number.brand()).map_err(as_error)?;
    Ok(PaymentMethod::Card(CardDetails {
        number,
        expiry,
        cvc: card.cvc.clone(),
    }))
}
