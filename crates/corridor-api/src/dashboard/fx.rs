//! `/fx`: reference rates, a quote with its lock counting down and the
//! button that converts it, open forwards with their mark-to-market, and
//! the exposure with VaR, all through the FX service.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use corridor_core::fx::{LockDuration, QuoteAmount};
use corridor_core::{format_minor, Amount, Currency};
use corridor_services::fx::{FxService, Quote, QuoteRequest};

use super::forms::{parse_major, Problem};
use super::page::{render_status, see_other, DashError, Frame};
use super::rate_chart::{rate_chart, RateChart, CHART_DAYS};
use super::session::{seconds_until, SignedIn};
use crate::error::ApiError;
use crate::state::AppState;
use crate::users::Action;

/// Open forwards listed.
const MAX_FORWARDS: usize = 50;

/// A quote as shown before converting.
pub struct QuoteView {
    /// `fxq_...`.
    pub id: String,
    /// What is sold.
    pub sell: String,
    /// What is bought.
    pub buy: String,
    /// The client rate.
    pub rate: String,
    /// The mid rate.
    pub mid_rate: String,
    /// The fee.
    pub fee: String,
    /// All-in cost against mid.
    pub all_in_cost_pct: String,
    /// Seconds until the lock ends.
    pub seconds_left: i64,
}

/// One open forward.
pub struct ForwardView {
    /// Id.
    pub id: String,
    /// Sold.
    pub sell: String,
    /// Bought.
    pub buy: String,
    /// Forward rate.
    pub rate: String,
    /// Maturity.
    pub maturity: String,
    /// Mark-to-market, in the buy currency (the merchant's gain positive).
    pub mark_to_market: String,
}

/// One currency's exposure.
pub struct ExposureRow {
    /// Currency.
    pub currency: String,
    /// Balance.
    pub balance: String,
    /// Hedged by forwards.
    pub hedged: String,
    /// Net open, in the home currency.
    pub net_open_home: String,
    /// 1-day VaR at 95%, home currency.
    pub var_95_1d: String,
    /// 1-day VaR at 99%.
    pub var_99_1d: String,
}

#[derive(Template)]
#[template(path = "dashboard/fx.html")]
struct FxPage {
    frame: Frame,
    base: String,
    rates_date: String,
    rates_source: String,
    rates: Vec<(String, String)>,
    chart: Option<RateChart>,
    chart_days: i32,
    currencies: Vec<String>,
    quote: Option<QuoteView>,
    forwards: Vec<ForwardView>,
    exposure: Vec<ExposureRow>,
    total_var_95_1d: String,
    can_convert: bool,
    notice: Option<&'static str>,
    problem: Option<Problem>,
    typed: HashMap<String, String>,
}

impl FxPage {
    fn field_problem(&self, field: &str) -> Option<&str> {
        self.problem.as_ref().and_then(|p| p.for_field(field))
    }

    fn general_problem(&self) -> Option<&str> {
        self.problem
            .as_ref()
            .filter(|p| {
                !matches!(
                    p.field.as_deref(),
                    Some("sell_amount" | "sell_currency" | "buy_currency" | "lock_duration")
                )
            })
            .map(|p| p.message.as_str())
    }

    fn typed(&self, field: &str) -> &str {
        self.typed.get(field).map(String::as_str).unwrap_or("")
    }
}

fn service(state: &AppState) -> Result<&FxService, DashError> {
    state
        .fx()
        .ok_or_else(|| DashError::Internal("no FX service".into()))
}

async fn home_currency(state: &AppState, merchant: &str) -> Result<Currency, DashError> {
    Ok(state
        .store()
        .merchant(merchant)
        .await?
        .ok_or(DashError::NotFound)?
        .home_currency)
}

fn internal(e: impl std::fmt::Display) -> DashError {
    DashError::Internal(e.to_string())
}

async fn page(
    state: &AppState,
    who: &SignedIn,
    quote: Option<&Quote>,
    notice: Option<&'static str>,
    problem: Option<Problem>,
    typed: HashMap<String, String>,
    status: StatusCode,
) -> Result<Response, DashError> {
    let merchant = who.merchant_or_404()?;
    let fx = service(state)?;
    let home = home_currency(state, merchant).await?;
    let eur = Currency::parse("EUR").map_err(internal)?;
    let view = fx
        .rates(home, None)
        .or_else(|_| fx.rates(eur, None))
        .map_err(internal)?;
    let now = state.store().clock().now();
    let exposure = fx.exposure(merchant, home).await.map_err(internal)?;
    let forwards = fx
        .open_forwards(merchant, MAX_FORWARDS)
        .await
        .map_err(internal)?;
    let minor = |amount: i64, code: &str| match Currency::parse(code) {
        Ok(c) => format_minor(amount, c),
        Err(_) => format!("{amount} {code}"),
    };
    let mut currencies: Vec<String> = view.rates.keys().map(|c| c.code().to_string()).collect();
    currencies.push(view.base.code().to_string());
    currencies.sort();
    currencies.dedup();
    // The chart shows the first foreign currency the merchant holds, else
    // USD (EUR for a USD merchant).
    let usd = Currency::parse("USD").map_err(internal)?;
    let foreign = exposure
        .currencies
        .iter()
        .map(|c| c.currency)
        .find(|c| *c != home)
        .unwrap_or(if home == usd { eur } else { usd });
    let today = corridor_services::fx::dates::today(now);
    let chart = fx.with_history(|h| rate_chart(h, foreign, home, today));
    let page = FxPage {
        frame: Frame::new(who, "FX", "fx"),
        base: view.base.code().to_string(),
        rates_date: corridor_services::fx::dates::iso(view.as_of),
        rates_source: view.source.clone(),
        rates: view
            .rates
            .iter()
            .map(|(c, r)| (c.code().to_string(), r.value().to_string()))
            .collect(),
        chart,
        chart_days: CHART_DAYS,
        currencies,
        quote: quote.map(|q| QuoteView {
            id: q.id.clone(),
            sell: minor(q.sell_amount, &q.sell_currency),
            buy: minor(q.buy_amount, &q.buy_currency),
            rate: q.rate.clone(),
            mid_rate: q.mid_rate.clone(),
            fee: minor(q.fee, &q.sell_currency),
            all_in_cost_pct: q.all_in_cost_pct.clone(),
            seconds_left: seconds_until(
                now,
                corridor_core::Timestamp::from_unix_micros(q.expires_at),
            ),
        }),
        forwards: forwards
            .iter()
            .map(|f| ForwardView {
                id: f.id.clone(),
                sell: minor(f.sell_amount, &f.sell_currency),
                buy: minor(f.buy_amount, &f.buy_currency),
                rate: f.forward_rate.clone(),
                maturity: f.maturity_date.clone(),
                mark_to_market: minor(f.mark_to_market, &f.buy_currency),
            })
            .collect(),
        exposure: exposure
            .currencies
            .iter()
            .map(|c| ExposureRow {
                currency: c.currency.code().to_string(),
                balance: format_minor(c.balance, c.currency),
                hedged: format_minor(c.hedged, c.currency),
                net_open_home: format_minor(c.net_open_home, home),
                var_95_1d: format_minor(c.var.var_95_1d, home),
                var_99_1d: format_minor(c.var.var_99_1d, home),
            })
            .collect(),
        total_var_95_1d: format_minor(exposure.total_var.var_95_1d, home),
        can_convert: who.role.may(Action::Convert),
        notice,
        problem,
        typed,
    };
    Ok(render_status(status, &page))
}

/// `GET /fx`.
pub async fn show(
    State(state): State<AppState>,
    who: SignedIn,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, DashError> {
    let notice = super::page::done_notice(&query, "converted", "Converted.");
    page(
        &state,
        &who,
        None,
        notice,
        None,
        HashMap::new(),
        StatusCode::OK,
    )
    .await
}

fn request(form: &HashMap<String, String>) -> Result<(QuoteRequest, i64), Problem> {
    let get = |k: &str| form.get(k).map(|v| v.trim()).unwrap_or("");
    let sell = Currency::parse(get("sell_currency"))
        .map_err(|_| Problem::field("sell_currency", "Choose the currency to sell."))?;
    let buy = Currency::parse(get("buy_currency"))
        .map_err(|_| Problem::field("buy_currency", "Choose the currency to buy."))?;
    if sell == buy {
        return Err(Problem::field(
            "buy_currency",
            "Choose a currency other than the one sold.",
        ));
    }
    let minor =
        parse_major(get("sell_amount"), sell).map_err(|e| Problem::field("sell_amount", e))?;
    let amount = Amount::positive(minor)
        .map_err(|_| Problem::field("sell_amount", "Enter an amount above zero."))?;
    let lock = LockDuration::parse(get("lock_duration"))
        .ok_or_else(|| Problem::field("lock_duration", "Choose how long the rate is held."))?;
    Ok((
        QuoteRequest {
            sell,
            buy,
            amount: QuoteAmount::Sell(amount),
            lock,
        },
        minor,
    ))
}

/// `POST /fx/quote`: a quote, shown with its lock and a convert button.
pub async fn quote(
    State(state): State<AppState>,
    who: SignedIn,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, DashError> {
    let (merchant, typed) = who.merchant_form(form, Action::Convert)?;
    let (request, sell_minor) = match request(&typed) {
        Ok(r) => r,
        Err(p) => return refused(&state, &who, p, typed, StatusCode::BAD_REQUEST).await,
    };
    let quoted = match state
        .policy()
        .check_amount("sell_amount", sell_minor, request.sell.code())
    {
        Err(e) => Err(e),
        Ok(()) => service(&state)?
            .create_quote(&merchant, request)
            .await
            .map_err(ApiError::from),
    };
    match quoted {
        Ok(q) => page(&state, &who, Some(&q), None, None, typed, StatusCode::OK).await,
        Err(api) => {
            let status = api.status();
            refused(&state, &who, Problem::of(&api), typed, status).await
        }
    }
}

/// The page again with a refused request's problem, next to its field.
async fn refused(
    state: &AppState,
    who: &SignedIn,
    problem: Problem,
    typed: HashMap<String, String>,
    status: StatusCode,
) -> Result<Response, DashError> {
    page(state, who, None, None, Some(problem), typed, status).await
}

/// `POST /fx/convert`: converts a quote of this merchant's.
pub async fn convert(
    State(state): State<AppState>,
    who: SignedIn,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, DashError> {
    who.check_csrf(form.get("csrf"))?;
    let merchant = who.merchant_or_404()?.to_string();
    who.require(Action::Convert)?;
    let quote = form.get("quote").cloned().unwrap_or_default();
    if quote.is_empty() || quote.len() > 64 {
        return Err(DashError::NotFound);
    }
    match service(&state)?.convert(&merchant, &quote, "manual").await {
        Ok(_) => Ok(see_other("/fx?done=converted")),
        Err(e) => {
            let api = ApiError::from(e);
            if api.status() == StatusCode::NOT_FOUND {
                return Err(DashError::NotFound);
            }
            let status = api.status();
            refused(&state, &who, Problem::of(&api), HashMap::new(), status).await
        }
    }
}
