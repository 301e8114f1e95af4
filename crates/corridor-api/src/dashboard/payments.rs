//! `/payments`: the list with filters, and the CSV export of the filtered rows.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use corridor_core::format_minor;
use corridor_store::PaymentRecord;

use super::data::recent_payments;
use super::forms::{parse_major, Problem};
use super::page::{render, render_status, DashError, Frame};
use super::session::SignedIn;
use crate::state::AppState;
use crate::time_fmt::rfc3339;

/// Rows shown on the page (the CSV has every filtered row).
const MAX_ROWS_SHOWN: usize = 200;
/// Payment statuses, as the filter offers them.
const STATUSES: [&str; 7] = [
    "requires_payment_method",
    "requires_action",
    "processing",
    "requires_capture",
    "succeeded",
    "failed",
    "canceled",
];

/// The filters, as typed (shown back in the form).
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// First day, `YYYY-MM-DD` (UTC).
    pub from: String,
    /// Last day.
    pub to: String,
    /// Status code.
    pub status: String,
    /// Method type.
    pub method: String,
    /// Country code.
    pub country: String,
    /// Smallest amount, major units.
    pub amount_min: String,
    /// Largest amount, major units.
    pub amount_max: String,
    /// Card last four digits.
    pub last4: String,
    /// The buyer's email, as the payment request gave it.
    pub customer_email: String,
}

impl Filters {
    fn read(query: &HashMap<String, String>) -> Filters {
        let get = |k: &str| {
            query
                .get(k)
                .map(|v| v.trim().to_string())
                .unwrap_or_default()
        };
        Filters {
            from: get("from"),
            to: get("to"),
            status: get("status"),
            method: get("method"),
            country: get("country").to_ascii_uppercase(),
            amount_min: get("amount_min"),
            amount_max: get("amount_max"),
            last4: get("last4"),
            customer_email: get("customer_email"),
        }
    }

    /// The query string that reproduces these filters (for the CSV link).
    pub fn query(&self) -> String {
        let pairs = [
            ("from", &self.from),
            ("to", &self.to),
            ("status", &self.status),
            ("method", &self.method),
            ("country", &self.country),
            ("amount_min", &self.amount_min),
            ("amount_max", &self.amount_max),
            ("last4", &self.last4),
            ("customer_email", &self.customer_email),
        ];
        pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Filters checked: each bad one is a problem next to its field.
struct Checked {
    from_day: Option<i64>,
    to_day: Option<i64>,
    problems: Vec<Problem>,
}

fn day_number(text: &str) -> Option<i64> {
    let mut parts = text.splitn(3, '-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let day: u8 = parts.next()?.parse().ok()?;
    let date =
        time::Date::from_calendar_date(year, time::Month::try_from(month).ok()?, day).ok()?;
    let epoch = time::Date::from_calendar_date(1970, time::Month::January, 1).ok()?;
    Some(i64::from(date.to_julian_day()) - i64::from(epoch.to_julian_day()))
}

fn check(f: &Filters) -> Checked {
    let mut problems = Vec::new();
    let mut day = |field: &str, text: &str| {
        if text.is_empty() {
            return None;
        }
        let parsed = day_number(text);
        if parsed.is_none() {
            problems.push(Problem::field(field, "Enter a date as YYYY-MM-DD."));
        }
        parsed
    };
    let from_day = day("from", &f.from);
    let to_day = day("to", &f.to);
    if !f.status.is_empty() && !STATUSES.contains(&f.status.as_str()) {
        problems.push(Problem::field("status", "Choose a status from the list."));
    }
    let country_ok = f.country.len() == 2 && f.country.chars().all(|c| c.is_ascii_alphabetic());
    if !f.country.is_empty() && !country_ok {
        problems.push(Problem::field(
            "country",
            "Enter a two-letter country code, like JP.",
        ));
    }
    let last4_ok = f.last4.len() == 4 && f.last4.chars().all(|c| c.is_ascii_digit());
    if !f.last4.is_empty() && !last4_ok {
        problems.push(Problem::field(
            "last4",
            "Enter the last four digits of the card.",
        ));
    }
    let email_ok = f.customer_email.len() <= 254
        && f.customer_email
            .split_once('@')
            .is_some_and(|(l, d)| !l.is_empty() && !d.is_empty());
    if !f.customer_email.is_empty() && !email_ok {
        problems.push(Problem::field(
            "customer_email",
            "Enter an email address, like buyer@example.com.",
        ));
    }
    let usd = corridor_core::Currency::parse("USD").ok();
    for (field, text) in [("amount_min", &f.amount_min), ("amount_max", &f.amount_max)] {
        if let (false, Some(usd)) = (text.is_empty(), usd) {
            if let Err(e) = parse_major(text, usd) {
                problems.push(Problem::field(field, e));
            }
        }
    }
    Checked {
        from_day,
        to_day,
        problems,
    }
}

fn matches(p: &PaymentRecord, f: &Filters, c: &Checked) -> bool {
    let day = super::data::day_of(p.created_at);
    let amount_ok = |text: &str, keep: fn(i64, i64) -> bool| {
        text.is_empty() || parse_major(text, p.currency).is_ok_and(|limit| keep(p.amount, limit))
    };
    c.from_day.is_none_or(|d| day >= d)
        && c.to_day.is_none_or(|d| day <= d)
        && (f.status.is_empty() || p.status.code() == f.status)
        && (f.method.is_empty() || p.method_type.code() == f.method)
        && (f.country.is_empty() || p.country == f.country)
        && amount_ok(&f.amount_min, |a, l| a >= l)
        && amount_ok(&f.amount_max, |a, l| a <= l)
        && (f.last4.is_empty() || p.card.as_ref().is_some_and(|card| card.last4 == f.last4))
        && (f.customer_email.is_empty()
            || p.customer_email
                .as_deref()
                .is_some_and(|e| e.eq_ignore_ascii_case(f.customer_email.trim())))
}

/// One row of the list.
pub struct Row {
    /// `pay_...`.
    pub id: String,
    /// Creation time.
    pub created_at: String,
    /// Status.
    pub status: String,
    /// Formatted amount.
    pub amount: String,
    /// Country.
    pub country: String,
    /// Method.
    pub method: String,
    /// Card brand and last four, if a card.
    pub card: String,
}

#[derive(Template)]
#[template(path = "dashboard/payments.html")]
struct PaymentsPage {
    frame: Frame,
    chosen: Filters,
    problems: Vec<Problem>,
    rows: Vec<Row>,
    total: usize,
    truncated: bool,
    statuses: [&'static str; 7],
    methods: Vec<String>,
    export: String,
}

impl PaymentsPage {
    fn problem(&self, field: &str) -> Option<&str> {
        self.problems.iter().find_map(|p| p.for_field(field))
    }
}

async fn filtered(
    state: &AppState,
    merchant: &str,
    filters: &Filters,
) -> Result<(Vec<PaymentRecord>, Vec<String>, Vec<Problem>, bool), DashError> {
    let checked = check(filters);
    let (all, truncated) = recent_payments(state, merchant).await?;
    let mut methods: Vec<String> = all
        .iter()
        .map(|p| p.method_type.code().to_string())
        .collect();
    methods.sort();
    methods.dedup();
    if !checked.problems.is_empty() {
        return Ok((Vec::new(), methods, checked.problems, truncated));
    }
    let rows = all
        .into_iter()
        .filter(|p| matches(p, filters, &checked))
        .collect();
    Ok((rows, methods, Vec::new(), truncated))
}

/// `GET /payments`.
pub async fn list(
    State(state): State<AppState>,
    who: SignedIn,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, DashError> {
    let merchant = who.merchant_or_404()?;
    let filters = Filters::read(&query);
    let (payments, methods, problems, truncated) = filtered(&state, merchant, &filters).await?;
    let page = PaymentsPage {
        frame: Frame::new(&who, "Payments", "payments"),
        export: filters.query(),
        total: payments.len(),
        rows: payments.iter().take(MAX_ROWS_SHOWN).map(row).collect(),
        chosen: filters,
        truncated,
        statuses: STATUSES,
        methods,
        problems,
    };
    Ok(if page.problems.is_empty() {
        render(&page)
    } else {
        render_status(axum::http::StatusCode::BAD_REQUEST, &page)
    })
}

fn row(p: &PaymentRecord) -> Row {
    Row {
        id: p.id.clone(),
        created_at: rfc3339(p.created_at),
        status: p.status.code().to_string(),
        amount: format_minor(p.amount, p.currency),
        country: p.country.clone(),
        method: p.method_type.code().to_string(),
        card: p
            .card
            .as_ref()
            .map(|c| format!("{} •••• {}", c.brand, c.last4))
            .unwrap_or_default(),
    }
}

/// `GET /payments/export.csv`: the filtered rows as CSV.
pub async fn export(
    State(state): State<AppState>,
    who: SignedIn,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, DashError> {
    let merchant = who.merchant_or_404()?;
    let filters = Filters::read(&query);
    let (payments, _, problems, _) = filtered(&state, merchant, &filters).await?;
    if let Some(p) = problems.first() {
        let field = p.field.clone().unwrap_or_default();
        return Ok((
            axum::http::StatusCode::BAD_REQUEST,
            format!("{field}: {}\n", p.message),
        )
            .into_response());
    }
    Ok((
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8"),
            (CONTENT_DISPOSITION, "attachment; filename=\"payments.csv\""),
        ],
        csv(&payments),
    )
        .into_response())
}

/// The CSV of payments: one header line, one line per payment.
pub fn csv(payments: &[PaymentRecord]) -> String {
    let mut out = String::from(
        "id,created_at,status,amount_minor,currency,amount,country,method,card_brand,card_last4,amount_captured_minor,amount_refunded_minor,fee_minor,decline_code,description,customer_email\n",
    );
    for p in payments {
        let fields = [
            p.id.clone(),
            rfc3339(p.created_at),
            p.status.code().to_string(),
            p.amount.to_string(),
            p.currency.code().to_string(),
            format_minor(p.amount, p.currency),
            p.country.clone(),
            p.method_type.code().to_string(),
            p.card.as_ref().map(|c| c.brand.clone()).unwrap_or_default(),
            p.card.as_ref().map(|c| c.last4.clone()).unwrap_or_default(),
            p.amount_captured.to_string(),
            p.amount_refunded.to_string(),
            p.fee.to_string(),
            p.decline_code.clone().unwrap_or_default(),
            p.description.clone().unwrap_or_default(),
            p.customer_email.clone().unwrap_or_default(),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

/// Quotes a field when needed, and defuses text a spreadsheet would run
/// as a formula (`=`, `+`, `-`, `@` first) by prefixing a quote mark.
fn csv_field(value: &str) -> String {
    let defused = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if defused.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_defused() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(csv_field("USD 1,250.00"), "\"USD 1,250.00\"");
    }

    #[test]
    fn bad_filters_name_their_field() {
        let f = Filters {
            from: "2026-13-01".into(),
            last4: "12a4".into(),
            amount_min: "1.234".into(),
            customer_email: "not-an-email".into(),
            ..Filters::default()
        };
        let fields: Vec<_> = check(&f)
            .problems
            .iter()
            .filter_map(|p| p.field.clone())
            .collect();
        assert_eq!(
            fields,
            vec!["from", "last4", "customer_email", "amount_min"]
        );
        assert_eq!(day_number("1970-01-02"), Some(1));
    }
}
