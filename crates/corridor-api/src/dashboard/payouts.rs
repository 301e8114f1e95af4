//! `/beneficiaries` and `/payouts`: adding a beneficiary (each refused
//! field shown next to it) and paying out after a preview of every fee and
//! the rate. Both go through the API's own handlers, called in-process with
//! the user's merchant as the caller, so the dashboard and the API refuse
//! exactly the same input.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use corridor_core::{format_minor, Currency};
use corridor_store::Principal;
use serde_json::{json, Map, Value};

use super::forms::{parse_major, Problem};
use super::page::{render_status, see_other, DashError, Frame};
use super::session::SignedIn;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::routes::beneficiaries as api_beneficiaries;
use crate::routes::payouts as api_payouts;
use crate::state::AppState;
use crate::time_fmt::rfc3339;
use crate::users::Action;

/// Rows listed.
const MAX_ROWS: usize = 100;
/// Bank account fields the form offers (the scheme of the country and
/// currency decides which are needed).
const BANK_FIELDS: [(&str, &str); 7] = [
    ("iban", "IBAN"),
    ("bic", "BIC"),
    ("account_number", "Account number"),
    ("routing_number", "ABA routing number"),
    ("sort_code", "Sort code"),
    ("ifsc", "IFSC"),
    ("bank_code", "Bank code"),
];

/// A form field with what was typed and its problem.
pub struct FieldView {
    /// Form name.
    pub name: &'static str,
    /// Label.
    pub label: &'static str,
    /// Typed value.
    pub value: String,
    /// Problem, if any.
    pub error: Option<String>,
}

/// One beneficiary.
pub struct BeneficiaryRow {
    /// `ben_...`.
    pub id: String,
    /// Name.
    pub name: String,
    /// Country and currency.
    pub market: String,
    /// Scheme.
    pub scheme: String,
}

#[derive(Template)]
#[template(path = "dashboard/beneficiaries.html")]
struct BeneficiariesPage {
    frame: Frame,
    rows: Vec<BeneficiaryRow>,
    fields: Vec<FieldView>,
    can_add: bool,
    notice: Option<&'static str>,
    error: Option<String>,
}

fn caller(merchant: &str) -> Caller {
    Caller {
        principal: Principal::Merchant(merchant.to_string()),
    }
}

/// The form field an API parameter names (`bank_account.iban` is `iban`).
fn field_of(param: &str) -> &str {
    param.rsplit('.').next().unwrap_or(param)
}

async fn beneficiaries_page(
    state: &AppState,
    who: &SignedIn,
    typed: &HashMap<String, String>,
    problem: Option<Problem>,
    notice: Option<&'static str>,
    status: StatusCode,
) -> Result<Response, DashError> {
    let merchant = who.merchant_or_404()?;
    let page = state
        .store()
        .beneficiaries(merchant, MAX_ROWS, None)
        .await?;
    let names: [(&'static str, &'static str); 3] = [
        ("name", "Name"),
        ("country", "Country (two letters)"),
        ("currency", "Currency"),
    ];
    let problem_field = problem
        .as_ref()
        .and_then(|p| p.field.as_deref().map(field_of));
    let fields: Vec<FieldView> = names
        .iter()
        .chain(BANK_FIELDS.iter())
        .map(|(name, label)| FieldView {
            name,
            label,
            value: typed.get(*name).cloned().unwrap_or_default(),
            error: (problem_field == Some(*name))
                .then(|| problem.as_ref().map(|p| p.message.clone()))
                .flatten(),
        })
        .collect();
    let shown_next_to_a_field = fields.iter().any(|f| f.error.is_some());
    let view = BeneficiariesPage {
        frame: Frame::new(who, "Beneficiaries", "beneficiaries"),
        rows: page
            .items
            .iter()
            .map(|b| BeneficiaryRow {
                id: b.id.clone(),
                name: b.name.clone(),
                market: format!("{} · {}", b.country, b.currency.code()),
                scheme: b.scheme.clone(),
            })
            .collect(),
        fields,
        can_add: who.role.may(Action::PayOut),
        notice,
        error: problem
            .filter(|_| !shown_next_to_a_field)
            .map(|p| p.message),
    };
    Ok(render_status(status, &view))
}

/// `GET /beneficiaries`.
pub async fn beneficiaries(
    State(state): State<AppState>,
    who: SignedIn,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, DashError> {
    let notice = super::page::done_notice(&query, "added", "Beneficiary added.");
    beneficiaries_page(&state, &who, &HashMap::new(), None, notice, StatusCode::OK).await
}

/// `POST /beneficiaries`: adds a beneficiary through the API's checks.
pub async fn add_beneficiary(
    State(state): State<AppState>,
    who: SignedIn,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, DashError> {
    who.check_csrf(form.get("csrf"))?;
    let merchant = who.merchant_or_404()?.to_string();
    who.require(Action::PayOut)?;
    let text = |k: &str| {
        form.get(k)
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let mut bank = Map::new();
    for (name, _) in BANK_FIELDS {
        let value = text(name);
        if !value.is_empty() {
            bank.insert(name.to_string(), Value::String(value));
        }
    }
    let body = json!({
        "name": text("name"),
        "country": text("country"),
        "currency": text("currency").to_ascii_uppercase(),
        "bank_account": bank,
    });
    let result = match crate::json::parse(body.to_string().as_bytes()) {
        Ok(parsed) => {
            api_beneficiaries::create(
                State(state.clone()),
                caller(&merchant),
                None,
                ApiJson(parsed),
            )
            .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(r) if r.status().is_success() => Ok(see_other("/beneficiaries?done=added")),
        Ok(r) => Err(DashError::Internal(format!(
            "beneficiary answered {}",
            r.status()
        ))),
        Err(e) => {
            let status = e.status();
            beneficiaries_page(&state, &who, &form, Some(Problem::of(&e)), None, status).await
        }
    }
}

/// One payout.
pub struct PayoutRow {
    /// `po_...`.
    pub id: String,
    /// Status.
    pub status: String,
    /// Amount debited.
    pub amount: String,
    /// Fee.
    pub fee: String,
    /// What the beneficiary receives.
    pub target: String,
    /// Rail.
    pub rail: String,
    /// Value date.
    pub value_date: String,
    /// Created.
    pub created_at: String,
}

/// The preview shown before confirming.
pub struct PreviewView {
    /// Amount debited, formatted.
    pub amount: String,
    /// Fee.
    pub fee: String,
    /// Amount plus fee.
    pub total: String,
    /// What arrives.
    pub target: String,
    /// The rate, when currencies differ.
    pub rate: String,
    /// Rail.
    pub rail: String,
    /// Value date.
    pub value_date: String,
}

#[derive(Template)]
#[template(path = "dashboard/payouts.html")]
struct PayoutsPage {
    frame: Frame,
    rows: Vec<PayoutRow>,
    beneficiaries: Vec<(String, String)>,
    currencies: Vec<String>,
    preview: Option<PreviewView>,
    typed: HashMap<String, String>,
    can_pay_out: bool,
    notice: Option<&'static str>,
    problem: Option<Problem>,
}

impl PayoutsPage {
    fn typed(&self, field: &str) -> &str {
        self.typed.get(field).map(String::as_str).unwrap_or("")
    }

    fn field_problem(&self, field: &str) -> Option<&str> {
        self.problem.as_ref().and_then(|p| {
            (p.field.as_deref().map(field_of) == Some(field)).then_some(p.message.as_str())
        })
    }

    fn general_problem(&self) -> Option<&str> {
        self.problem
            .as_ref()
            .filter(|p| {
                !matches!(
                    p.field.as_deref().map(field_of),
                    Some("amount" | "currency" | "beneficiary" | "reference")
                )
            })
            .map(|p| p.message.as_str())
    }
}

async fn payouts_page(
    state: &AppState,
    who: &SignedIn,
    typed: HashMap<String, String>,
    preview: Option<PreviewView>,
    problem: Option<Problem>,
    notice: Option<&'static str>,
    status: StatusCode,
) -> Result<Response, DashError> {
    let merchant = who.merchant_or_404()?;
    let payouts = state.store().payouts(merchant, MAX_ROWS, None).await?;
    let beneficiaries = state
        .store()
        .beneficiaries(merchant, MAX_ROWS, None)
        .await?;
    let mut currencies: Vec<String> = super::data::balances(state, merchant)
        .await?
        .into_iter()
        .map(|b| b.currency)
        .collect();
    if let Some(m) = state.store().merchant(merchant).await? {
        currencies.push(m.home_currency.code().to_string());
    }
    currencies.sort();
    currencies.dedup();
    let page = PayoutsPage {
        frame: Frame::new(who, "Payouts", "payouts"),
        rows: payouts
            .items
            .iter()
            .map(|p| PayoutRow {
                id: p.id.clone(),
                status: p.status.clone(),
                amount: format_minor(p.amount, p.currency),
                fee: format_minor(p.fee, p.currency),
                target: format_minor(p.target_amount, p.target_currency),
                rail: p.rail.clone(),
                value_date: p.value_date.clone(),
                created_at: rfc3339(p.created_at),
            })
            .collect(),
        beneficiaries: beneficiaries
            .items
            .iter()
            .map(|b| {
                (
                    b.id.clone(),
                    format!("{} ({} · {})", b.name, b.country, b.currency.code()),
                )
            })
            .collect(),
        currencies,
        preview,
        typed,
        can_pay_out: who.role.may(Action::PayOut),
        notice,
        problem,
    };
    Ok(render_status(status, &page))
}

/// `GET /payouts`.
pub async fn payouts(
    State(state): State<AppState>,
    who: SignedIn,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, DashError> {
    let notice = super::page::done_notice(&query, "created", "Payout created.");
    payouts_page(
        &state,
        &who,
        HashMap::new(),
        None,
        None,
        notice,
        StatusCode::OK,
    )
    .await
}

/// The API body of the payout form, or the problem with a field.
fn payout_body(form: &HashMap<String, String>) -> Result<api_payouts::CreatePayout, ApiError> {
    let text = |k: &str| {
        form.get(k)
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let currency = Currency::parse(&text("currency")).map_err(|_| {
        ApiError::invalid(
            "currency",
            "currency_invalid",
            "Choose the currency to pay from.",
        )
    })?;
    let amount = parse_major(&text("amount"), currency)
        .map_err(|e| ApiError::invalid("amount", "amount_invalid", e))?;
    let mut body =
        json!({"amount": amount, "currency": currency.code(), "beneficiary": text("beneficiary")});
    let reference = text("reference");
    if !reference.is_empty() {
        body["reference"] = Value::String(reference);
    }
    crate::json::parse(body.to_string().as_bytes())
}

/// `POST /payouts/preview`: every fee and the rate, before confirming.
pub async fn preview(
    State(state): State<AppState>,
    who: SignedIn,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, DashError> {
    let (merchant, typed) = who.merchant_form(form, Action::PayOut)?;
    let result = match payout_body(&typed) {
        Ok(body) => {
            api_payouts::preview_payout(State(state.clone()), caller(&merchant), ApiJson(body))
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(axum::Json(p)) => {
            let money = |amount: i64, code: &str| {
                Currency::parse(code)
                    .map_or_else(|_| format!("{amount} {code}"), |c| format_minor(amount, c))
            };
            let view = PreviewView {
                amount: money(p.amount, &p.currency),
                fee: money(p.fee, &p.currency),
                total: money(p.total, &p.currency),
                target: money(p.target_amount, &p.target_currency),
                rate: p.fx.as_ref().map(|f| f.rate.clone()).unwrap_or_default(),
                rail: p.rail.clone(),
                value_date: p.value_date.clone(),
            };
            payouts_page(&state, &who, typed, Some(view), None, None, StatusCode::OK).await
        }
        Err(e) => refused(&state, &who, typed, &e).await,
    }
}

/// The payouts page again with a refused request's problem, next to its field.
async fn refused(
    state: &AppState,
    who: &SignedIn,
    typed: HashMap<String, String>,
    e: &ApiError,
) -> Result<Response, DashError> {
    payouts_page(
        state,
        who,
        typed,
        None,
        Some(Problem::of(e)),
        None,
        e.status(),
    )
    .await
}

/// `POST /payouts`: creates the previewed payout.
pub async fn create(
    State(state): State<AppState>,
    who: SignedIn,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, DashError> {
    let (merchant, typed) = who.merchant_form(form, Action::PayOut)?;
    let result = match payout_body(&typed) {
        Ok(body) => {
            api_payouts::create(State(state.clone()), caller(&merchant), None, ApiJson(body)).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(r) if r.status().is_success() => Ok(see_other("/payouts?done=created")),
        Ok(r) => {
            // The writer's refusal comes back as a stored error response.
            let status = r.status();
            let bytes = axum::body::to_bytes(r.into_body(), crate::json::MAX_BODY_BYTES)
                .await
                .unwrap_or_default();
            let message = serde_json::from_slice::<Value>(&bytes)
                .ok()
                .and_then(|v| v["error"]["message"].as_str().map(str::to_string))
                .unwrap_or_else(|| "The payout was refused.".into());
            let problem = Problem {
                field: None,
                message,
            };
            payouts_page(&state, &who, typed, None, Some(problem), None, status).await
        }
        Err(e) => refused(&state, &who, typed, &e).await,
    }
}
