//! The OpenAPI document, generated from the annotated handlers and types.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::openapi_contract::SharedContract;
use crate::routes;

/// Corridor's API.
#[derive(OpenApi)]
#[openapi(
    info(title = "Corridor API", version = "1", description = "Cross-border payments: merchants, ledger, balances."),
    paths(
        routes::health::health,
        routes::merchants::create,
        routes::merchants::get,
        routes::merchants::list,
        routes::adjustments::create,
        routes::balances::balances,
        routes::balances::balance_transactions,
        routes::ledger::verify,
        routes::markets::list,
        routes::markets::get,
        routes::test_helpers::advance_clock,
        routes::test_helpers::reset_clock,
        routes::test_helpers::schedule_fault,
        routes::payments::create,
        routes::payments::get,
        routes::payments::list,
        routes::payments::confirm,
        routes::payments::capture,
        routes::payments::cancel,
        routes::payments::complete,
        routes::provider_charges::provider_charges,
        crate::webhooks::endpoints::create,
        crate::webhooks::endpoints::get,
        crate::webhooks::endpoints::list,
        crate::webhooks::deliveries::list,
        routes::beneficiaries::create,
        routes::beneficiaries::get,
        routes::beneficiaries::list,
        routes::payouts::create,
        routes::payouts::preview_payout,
        routes::payouts::get,
        routes::payouts::list,
        routes::payout_batches::create,
        routes::payout_batches::get,
        routes::payout_batches::pain001,
        routes::payout_batches::bank_file,
        routes::payout_batches::send_to_bank,
        routes::payout_batches::bank_answers,
        crate::connectors::buyer_return::submit,
        crate::connectors::api::create,
        crate::connectors::api::list,
        crate::connectors::api::get,
        crate::connectors::api::update,
        crate::connectors::api::delete,
        crate::connectors::notifications::receive,
        crate::connectors::notifications::list,
        crate::connectors::offered::list,
        crate::connectors::routing::put,
        crate::connectors::routing::get,
        crate::connectors::fees::put,
        crate::connectors::fees::get,
        routes::refunds::create,
        routes::refunds::get,
        routes::refunds::list,
        routes::disputes::get,
        routes::disputes::list,
        routes::disputes::evidence,
        routes::disputes::submit,
        routes::disputes::accept,
        routes::disputes::monitoring,
        routes::complaints::create,
        routes::complaints::get,
        routes::complaints::list,
        routes::complaints::respond,
        routes::complaints::resolve,
        routes::complaints::escalate,
        routes::complaints::reports,
        routes::after_sales_helpers::open_dispute,
        routes::after_sales_helpers::close_dispute,
        routes::after_sales_helpers::set_rate,
        routes::fx::rates::get,
        routes::fx::rates::put,
        routes::fx::pricing::put,
        routes::fx::pricing::get,
        routes::fx::quotes::create,
        routes::fx::quotes::get,
        routes::fx::conversions::create,
        routes::fx::conversions::get,
        routes::fx::conversions::list,
        routes::fx::exposure::get,
        routes::fx::auto_conversion::put,
        routes::fx::auto_conversion::get,
        routes::fx::forwards::create,
        routes::fx::forwards::get,
        routes::fx::forwards::list,
        routes::fx::forwards::settle,
        routes::fx::forwards::draw_down,
        routes::users::create,
        routes::users::list,
        routes::users::delete,
        routes::sanctions_lists::list,
        routes::sanctions_lists::load,
        routes::merchants_kyb::decide,
        routes::screenings::create,
        routes::screenings::get,
        routes::compliance_alerts::list,
        routes::compliance_alerts::resolve,
    ),
    components(schemas(crate::error::ErrorBody, crate::error::ErrorDetail)),
    modifiers(&BearerAuth, &SharedContract),
    security(("bearer" = []))
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}
