//! Webhooks: endpoints scoped to their merchant, signed deliveries of
//! payment events to a real receiver, retried after backoff on the sandbox clock.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode as AxumStatus};
use corridor_api::webhooks::signing;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::support::{both_backends, Server, OPERATOR_KEY};

both_backends!(
    delivers_signed_events_and_retries_after_backoff,
    endpoints_are_scoped_to_their_merchant,
    bad_input_names_the_field_and_creates_nothing,
    list_pages_newest_first_and_replays_creation,
);

/// Records every request; answers the queued statuses first, then 200.
#[derive(Default)]
struct Receiver {
    got: Mutex<Vec<(HeaderMap, Bytes)>>,
    answers: Mutex<Vec<AxumStatus>>,
}

async fn receive(State(r): State<Arc<Receiver>>, headers: HeaderMap, body: Bytes) -> AxumStatus {
    r.got.lock().unwrap().push((headers, body));
    r.answers.lock().unwrap().pop().unwrap_or(AxumStatus::OK)
}

async fn receiver(answers: Vec<AxumStatus>) -> (String, Arc<Receiver>) {
    let state = Arc::new(Receiver {
        answers: Mutex::new(answers),
        ..Receiver::default()
    });
    let app = axum::Router::new()
        .route("/hook", axum::routing::post(receive))
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, state)
}

async fn create_endpoint(s: &Server, key: &str, url: &str, events: Value) -> Value {
    let r = s
        .post(
            "/v1/webhook_endpoints",
            key,
            &json!({"url": url, "events": events}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    r.json
}

/// Polls the delivery log until `done` holds for its newest delivery.
async fn wait_for_delivery(
    s: &Server,
    key: &str,
    endpoint: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let path = format!("/v1/webhook_endpoints/{endpoint}/deliveries");
    let mut last = Value::Null;
    for _ in 0..150 {
        let r = s.get(&path, key).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.json);
        last = r.json["data"][0].clone();
        if !last.is_null() && done(&last) {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the delivery never got there: {last}");
}

async fn delivers_signed_events_and_retries_after_backoff(s: &Server) {
    let (url, got) = receiver(vec![AxumStatus::INTERNAL_SERVER_ERROR]).await;
    let (_, key) = s.merchant("Seller", "USD").await;
    let endpoint = create_endpoint(s, &key, &url, json!(["payment.succeeded"])).await;
    let (id, secret) = (
        endpoint["id"].as_str().unwrap(),
        endpoint["secret"].as_str().unwrap(),
    );
    assert!(
        id.starts_with("we_") && secret.starts_with("whsec_"),
        "{endpoint}"
    );
    let card = json!({"type": "card", "number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"});
    let body = json!({"amount": 2_500, "currency": "USD", "country": "US", "payment_method": card, "confirm": true});
    let payment = s.post("/v1/payments", &key, &body).await;
    assert_eq!(payment.status, StatusCode::CREATED, "{}", payment.json);
    assert_eq!(payment.json["status"], "succeeded");

    let failed = wait_for_delivery(s, &key, id, |d| d["attempts"] == 1).await;
    assert_eq!(failed["status"], "pending", "{failed}");
    assert_eq!(failed["last_status_code"], 500);
    assert_eq!(failed["type"], "payment.succeeded");
    assert!(failed["next_attempt_at"].is_string(), "{failed}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        got.got.lock().unwrap().len(),
        1,
        "no retry before the backoff"
    );

    let advance = json!({"seconds": 120});
    let r = s
        .post("/v1/test_helpers/clock/advance", OPERATOR_KEY, &advance)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let delivered = wait_for_delivery(s, &key, id, |d| d["status"] == "delivered").await;
    assert_eq!(delivered["attempts"], 2, "{delivered}");
    assert_eq!(delivered["last_status_code"], 200);
    assert!(delivered["delivered_at"].is_string() && delivered["next_attempt_at"].is_null());

    let requests = got.got.lock().unwrap().clone();
    assert_eq!(requests.len(), 2, "one subscribed event, sent twice");
    let now_s = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap();
    for (headers, raw) in &requests {
        let header = headers[signing::HEADER].to_str().unwrap();
        signing::verify(secret, header, raw, now_s, signing::DEFAULT_TOLERANCE_S).unwrap();
        assert!(signing::verify("whsec_wrong", header, raw, now_s, 300).is_err());
        assert_eq!(headers["content-type"], "application/json");
        let event: Value = serde_json::from_slice(raw).unwrap();
        assert_eq!(event["id"], delivered["event"], "{event}");
        assert!(event["id"].as_str().unwrap().starts_with("evt_"));
        assert_eq!(event["type"], "payment.succeeded");
        assert!(event["created_at"].is_string());
        assert_eq!(event["data"]["object"]["id"], payment.json["id"]);
        assert_eq!(event["data"]["object"]["status"], "succeeded");
    }
}

async fn endpoints_are_scoped_to_their_merchant(s: &Server) {
    let (a, a_key) = s.merchant("A", "USD").await;
    let (_, b_key) = s.merchant("B", "USD").await;
    let endpoint = create_endpoint(s, &a_key, "https://a.example/hooks", json!(["*"])).await;
    let id = endpoint["id"].as_str().unwrap();
    assert_eq!(endpoint["merchant"], a.as_str());
    let own = s.get(&format!("/v1/webhook_endpoints/{id}"), &a_key).await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.json);
    assert_eq!(own.json["url"], "https://a.example/hooks");
    assert_eq!(own.json["events"], json!(["*"]));
    assert!(
        own.json.get("secret").is_none(),
        "the secret is shown only at creation"
    );
    for path in [
        format!("/v1/webhook_endpoints/{id}"),
        format!("/v1/webhook_endpoints/{id}/deliveries"),
    ] {
        s.get(&path, &b_key)
            .await
            .assert_error(404, "not_found", "resource_missing", None);
    }
    let theirs = s.get("/v1/webhook_endpoints", &b_key).await;
    assert_eq!(
        theirs.json["data"],
        json!([]),
        "B lists only its own endpoints"
    );
    s.get(&format!("/v1/webhook_endpoints?merchant={a}"), &b_key)
        .await
        .assert_error(404, "not_found", "resource_missing", None);
    let by_operator = s
        .get(&format!("/v1/webhook_endpoints?merchant={a}"), OPERATOR_KEY)
        .await;
    assert_eq!(by_operator.json["data"][0]["id"], id);
    let body = json!({"url": "https://ops.example/x", "events": ["payment.failed"], "merchant": a});
    let r = s.post("/v1/webhook_endpoints", OPERATOR_KEY, &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    assert_eq!(r.json["merchant"], a.as_str());
    let log = s
        .get(&format!("/v1/webhook_endpoints/{id}/deliveries"), &a_key)
        .await;
    assert_eq!(log.json, json!({"data": [], "has_more": false}));
}

async fn bad_input_names_the_field_and_creates_nothing(s: &Server) {
    let (a, a_key) = s.merchant("A", "USD").await;
    let (b, _) = s.merchant("B", "USD").await;
    let ok = ["payment.succeeded"];
    let cases = [
        (
            json!({"url": "ftp://a.example", "events": ok}),
            "url",
            "url_invalid",
        ),
        (
            json!({"url": "https://", "events": ok}),
            "url",
            "url_invalid",
        ),
        (
            json!({"url": format!("https://a.example/{}", "x".repeat(2048)), "events": ok}),
            "url",
            "url_invalid",
        ),
        (
            json!({"url": "https://a.example", "events": []}),
            "events",
            "parameter_invalid",
        ),
        (
            json!({"url": "https://a.example", "events": ["payment.succeeded", "*", "payment.made"]}),
            "events[2]",
            "event_type_invalid",
        ),
        (
            json!({"url": "https://a.example", "events": "*"}),
            "events",
            "parameter_invalid",
        ),
        (json!({"events": ok}), "url", "parameter_missing"),
        (
            json!({"url": "https://a.example", "events": ok, "secret": "x"}),
            "secret",
            "parameter_unknown",
        ),
    ];
    for (body, param, code) in cases {
        s.post("/v1/webhook_endpoints", &a_key, &body)
            .await
            .assert_error(400, "invalid_request_error", code, Some(param));
    }
    let body = json!({"url": "https://a.example", "events": ok});
    s.post("/v1/webhook_endpoints", OPERATOR_KEY, &body)
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "parameter_missing",
            Some("merchant"),
        );
    let foreign = json!({"url": "https://a.example", "events": ok, "merchant": b});
    s.post("/v1/webhook_endpoints", &a_key, &foreign)
        .await
        .assert_error(404, "not_found", "resource_missing", None);
    let list = s
        .get(&format!("/v1/webhook_endpoints?merchant={a}"), OPERATOR_KEY)
        .await;
    assert_eq!(list.json["data"], json!([]), "nothing was created");
    let list = s
        .get(&format!("/v1/webhook_endpoints?merchant={b}"), OPERATOR_KEY)
        .await;
    assert_eq!(list.json["data"], json!([]), "nothing was created");
}

async fn list_pages_newest_first_and_replays_creation(s: &Server) {
    let (_, key) = s.merchant("A", "USD").await;
    let mut ids = Vec::new();
    for i in 0..3 {
        let e = create_endpoint(s, &key, &format!("https://a.example/{i}"), json!(["*"])).await;
        ids.push(e["id"].as_str().unwrap().to_string());
    }
    let page = s.get("/v1/webhook_endpoints?limit=2", &key).await;
    let listed: Vec<&str> = page.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        listed,
        vec![ids[2].as_str(), ids[1].as_str()],
        "newest first"
    );
    assert_eq!(page.json["has_more"], true);
    let rest = s
        .get(
            &format!("/v1/webhook_endpoints?starting_after={}", ids[1]),
            &key,
        )
        .await;
    assert_eq!(rest.json["data"][0]["id"], ids[0].as_str());
    assert_eq!(rest.json["has_more"], false);
    s.get("/v1/webhook_endpoints?starting_after=we_nope", &key)
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "resource_missing",
            Some("starting_after"),
        );

    let body = json!({"url": "https://a.example/idem", "events": ["*"]}).to_string();
    let first = s
        .call(
            Method::POST,
            "/v1/webhook_endpoints",
            Some(&key),
            Some("k1"),
            Some(&body),
        )
        .await;
    let again = s
        .call(
            Method::POST,
            "/v1/webhook_endpoints",
            Some(&key),
            Some("k1"),
            Some(&body),
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.json);
    assert!(again.replayed && !first.replayed);
    assert_eq!(again.json, first.json, "the replay is the first response");
    let all = s.get("/v1/webhook_endpoints?limit=100", &key).await;
    assert_eq!(
        all.json["data"].as_array().unwrap().len(),
        4,
        "created once"
    );
}
