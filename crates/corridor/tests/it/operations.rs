//! Health, metrics, OpenAPI and the operator key file.

use reqwest::{Method, StatusCode};

use crate::support::{both_backends, Server, OPERATOR_KEY};

both_backends!(health_metrics_openapi);

async fn health_metrics_openapi(s: &Server) {
    let h = s.call(Method::GET, "/health", None, None, None).await;
    assert_eq!(h.status, StatusCode::OK);
    assert_eq!(h.json, serde_json::json!({"status": "ok"}));
    s.merchant("M", "USD").await;
    let metrics = s
        .http
        .get(format!("{}/metrics", s.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("corridor_http_requests_total{method=\"POST\",route=\"/v1/merchants\",status=\"201\"} 1"), "{metrics}");
    let doc = s.call(Method::GET, "/openapi.json", None, None, None).await;
    assert_eq!(doc.status, StatusCode::OK);
    assert!(doc.json["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/v1/merchants",
        "/v1/merchants/{id}/adjustments",
        "/v1/balances",
        "/v1/balance_transactions",
        "/v1/ledger/verify",
    ] {
        assert!(
            doc.json["paths"].get(path).is_some(),
            "{path} missing from the OpenAPI document"
        );
    }
    let _ = OPERATOR_KEY;
}
