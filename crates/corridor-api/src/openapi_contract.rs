//! What every operation shares, added to the generated document in one
//! place so that it stays true as routes are added: the error answers any
//! authenticated request can get, the `Idempotency-Key` header of every
//! POST, the operator's `merchant` parameter on merchant-scoped reads, the
//! list parameters, and the routes outside `/v1` (no key needed).

use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::path::{
    HttpMethod, Operation, OperationBuilder, Parameter, ParameterBuilder, ParameterIn, PathItem,
};
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{OpenApi, Ref, Required};
use utoipa::Modify;

/// Reads that operators make for one merchant, naming it with `?merchant=`.
const MERCHANT_SCOPED_READS: &[&str] = &[
    "/v1/payments",
    "/v1/balances",
    "/v1/balance_transactions",
    "/v1/webhook_endpoints",
];

/// Collections paged with `limit` and `starting_after`.
const LISTS: &[&str] = &[
    "/v1/merchants",
    "/v1/payments",
    "/v1/balance_transactions",
    "/v1/webhook_endpoints",
    "/v1/webhook_endpoints/{id}/deliveries",
];

/// Adds the shared parts of the contract.
pub struct SharedContract;

impl Modify for SharedContract {
    fn modify(&self, doc: &mut OpenApi) {
        for (path, item) in doc.paths.paths.iter_mut() {
            if !path.starts_with("/v1/") {
                continue;
            }
            for (method, op) in operations(item) {
                add_errors(path, &method, op);
                if method == HttpMethod::Post {
                    add_parameter(op, idempotency_key());
                }
                if method == HttpMethod::Get && MERCHANT_SCOPED_READS.contains(&path.as_str()) {
                    add_parameter(op, merchant());
                }
                if method == HttpMethod::Get && LISTS.contains(&path.as_str()) {
                    add_parameter(op, limit());
                    add_parameter(op, starting_after());
                }
            }
        }
        add_open_route(
            doc,
            "/metrics",
            "Prometheus metrics (no key).",
            "text/plain",
        );
        add_open_route(
            doc,
            "/openapi.json",
            "This document (no key).",
            "application/json",
        );
        if let Some(health) = doc
            .paths
            .paths
            .get_mut("/health")
            .and_then(|i| i.get.as_mut())
        {
            health.security = Some(Vec::new());
        }
    }
}

fn operations(item: &mut PathItem) -> Vec<(HttpMethod, &mut Operation)> {
    [
        (HttpMethod::Get, item.get.as_mut()),
        (HttpMethod::Post, item.post.as_mut()),
        (HttpMethod::Put, item.put.as_mut()),
        (HttpMethod::Patch, item.patch.as_mut()),
        (HttpMethod::Delete, item.delete.as_mut()),
    ]
    .into_iter()
    .filter_map(|(m, op)| op.map(|op| (m, op)))
    .collect()
}

fn error(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build()
}

/// The answers any operation under `/v1` can give besides its own.
fn add_errors(path: &str, method: &HttpMethod, op: &mut Operation) {
    let mut shared = vec![
        (
            "400",
            "invalid_request_error: a parameter or the body is invalid (`param` names it)",
        ),
        ("401", "authentication_error: no key, or an unknown one"),
        (
            "403",
            "permission_error: this kind of key may not call this operation",
        ),
        (
            "404",
            "not_found: no such object for this key, or no such route in this mode",
        ),
        ("500", "api_error: an internal failure (never with details)"),
    ];
    if *method != HttpMethod::Get {
        shared.extend([
            ("409", "conflict: the object's state forbids it, or the same Idempotency-Key is still running"),
            ("413", "invalid_request_error: the body is too large"),
            ("422", "idempotency_error: the Idempotency-Key was used with a different body"),
        ]);
    }
    if path.starts_with("/v1/payments") || path.starts_with("/v1/test_helpers/payments") {
        shared.extend([
            (
                "402",
                "payment_error: declined (`code` is the reason, `payment` the payment's id)",
            ),
            (
                "503",
                "api_error: the payment provider could not be reached; nothing was charged",
            ),
        ]);
    }
    for (code, description) in shared {
        op.responses
            .responses
            .entry(code.to_string())
            .or_insert_with(|| error(description).into());
    }
}

fn add_parameter(op: &mut Operation, parameter: Parameter) {
    let list = op.parameters.get_or_insert_with(Vec::new);
    let exists = list
        .iter()
        .any(|p| p.name == parameter.name && p.parameter_in == parameter.parameter_in);
    if !exists {
        list.push(parameter);
    }
}

fn string_parameter(
    name: &str,
    location: ParameterIn,
    description: &str,
    schema: ObjectBuilder,
) -> Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(location)
        .required(Required::False)
        .description(Some(description))
        .schema(Some(schema.schema_type(Type::String)))
        .build()
}

fn idempotency_key() -> Parameter {
    string_parameter(
        "Idempotency-Key",
        ParameterIn::Header,
        "Makes the request safe to retry: the same key with the same body replays the first response (header `Idempotent-Replayed: true`). 1-255 visible ASCII characters, kept at least 24 hours, scoped to the caller's key.",
        ObjectBuilder::new()
            .min_length(Some(1))
            .max_length(Some(255))
            .pattern(Some("^[!-~]{1,255}$")),
    )
}

fn merchant() -> Parameter {
    string_parameter(
        "merchant",
        ParameterIn::Query,
        "The merchant whose data to read (`mer_...`). Required with an operator key (400 `parameter_missing` without it); a merchant key reads its own merchant, and naming another answers 404.",
        ObjectBuilder::new().min_length(Some(1)).max_length(Some(100)),
    )
}

fn limit() -> Parameter {
    ParameterBuilder::new()
        .name("limit")
        .parameter_in(ParameterIn::Query)
        .required(Required::False)
        .description(Some("Page size, 1-100 (default 20)."))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(1))
                .maximum(Some(100)),
        ))
        .build()
}

fn starting_after() -> Parameter {
    string_parameter(
        "starting_after",
        ParameterIn::Query,
        "The id of the last object of the previous page; the page holds older objects (400 when it is not an object of this list).",
        ObjectBuilder::new().min_length(Some(1)).max_length(Some(100)),
    )
}

fn add_open_route(doc: &mut OpenApi, path: &str, description: &str, content_type: &str) {
    if doc.paths.paths.contains_key(path) {
        return;
    }
    let ok = ResponseBuilder::new()
        .description(description)
        .content(
            content_type,
            ContentBuilder::new()
                .schema(Some(ObjectBuilder::new().schema_type(
                    if content_type == "text/plain" {
                        Type::String
                    } else {
                        Type::Object
                    },
                )))
                .build(),
        )
        .build();
    let mut op = OperationBuilder::new()
        .description(Some(description))
        .response("200", ok)
        .build();
    op.security = Some(Vec::new());
    doc.paths
        .paths
        .insert(path.to_string(), PathItem::new(HttpMethod::Get, op));
}
