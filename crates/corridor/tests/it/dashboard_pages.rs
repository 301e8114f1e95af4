//! Dashboard pages beyond payments: answering a dispute, converting
//! currency, adding a beneficiary and paying out, the operator's page.

use reqwest::StatusCode;
use serde_json::json;

use crate::dashboard::{hidden, user, Browser, PASSWORD};
use crate::refunds::card_payment;
use crate::support::{both_backends, Server, OPERATOR_KEY};

both_backends!(
    answer_a_dispute,
    quote_and_convert_currency,
    add_a_beneficiary_and_pay_out,
    operator_sees_merchants_connectors_and_the_ledger,
);

async fn signed_in(s: &Server, merchant: &str, role: &str) -> (Browser, String) {
    let email = format!("{role}@{}.example", merchant.to_lowercase());
    user(s, Some(merchant), &email, role).await;
    let mut b = Browser::new(s);
    assert_eq!(
        b.sign_in(&email, PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    let csrf = hidden(&b.get("/settings").await.html, "csrf");
    (b, csrf)
}

async fn answer_a_dispute(s: &Server) {
    let (m, key) = s.merchant("Shop", "USD").await;
    s.credit(&m, 50_000, "USD").await;
    let p = card_payment(s, &key, "4242424242424242", 8_000, "USD", "US").await;
    let pid = p["id"].as_str().unwrap();
    let d = s
        .post(
            &format!("/v1/test_helpers/payments/{pid}/dispute"),
            &key,
            &json!({"reason_code": "13.1"}),
        )
        .await;
    assert_eq!(d.status, StatusCode::CREATED, "{}", d.json);
    let id = d.str("id");
    let (mut b, csrf) = signed_in(s, &m, "support").await;
    let page = b.get("/disputes").await;
    assert!(
        page.html.contains(&id) && page.html.contains("(required)"),
        "{}",
        page.html
    );
    assert!(
        page.html.contains("data-seconds-left="),
        "a countdown to evidence_due_by"
    );
    let path = format!("/disputes/{id}/evidence");
    let partial = b
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("action", "submit"),
                ("shipping_tracking_number", "1Z999AA10123456784"),
            ],
        )
        .await;
    assert_eq!(partial.status, StatusCode::BAD_REQUEST, "{}", partial.html);
    assert!(
        partial
            .html
            .contains(&format!("id=\"{id}-shipping_carrier-error\"")),
        "the missing field is named next to it: {}",
        partial.html
    );
    assert!(
        partial.html.contains("1Z999AA10123456784"),
        "what was typed is kept"
    );
    let done = b
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("action", "submit"),
                ("shipping_tracking_number", "1Z999AA10123456784"),
                ("shipping_carrier", "UPS"),
                ("shipping_date", "2026-11-20"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
    let got = s.get(&format!("/v1/disputes/{id}"), &key).await;
    assert_eq!(got.json["status"], "under_review", "{}", got.json);
    let (other, _) = s.merchant("Other", "USD").await;
    let (mut intruder, their_csrf) = signed_in(s, &other, "admin").await;
    let r = intruder
        .post(&path, &[("csrf", &their_csrf), ("action", "save")])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(!intruder.get("/disputes").await.html.contains(&id));
}

async fn quote_and_convert_currency(s: &Server) {
    let (m, _) = s.merchant("Shop", "USD").await;
    s.credit(&m, 100_000, "USD").await;
    crate::fx::set_today_rates(s).await;
    let (mut b, csrf) = signed_in(s, &m, "finance").await;
    let fx = b.get("/fx").await;
    assert_eq!(fx.status, StatusCode::OK, "{}", fx.html);
    assert!(fx.html.contains("Reference rates") && fx.html.contains("EUR"));
    let bad = b
        .post(
            "/fx/quote",
            &[
                ("csrf", &csrf),
                ("sell_currency", "USD"),
                ("buy_currency", "EUR"),
                ("sell_amount", "1.234"),
                ("lock_duration", "15m"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.html.contains("id=\"sell_amount-error\""));
    let quoted = b
        .post(
            "/fx/quote",
            &[
                ("csrf", &csrf),
                ("sell_currency", "USD"),
                ("buy_currency", "EUR"),
                ("sell_amount", "250.00"),
                ("lock_duration", "15m"),
            ],
        )
        .await;
    assert_eq!(quoted.status, StatusCode::OK, "{}", quoted.html);
    assert!(
        quoted
            .html
            .contains("data-disable-when-expired=\"convert-button\""),
        "the lock counts down"
    );
    let quote = hidden(&quoted.html, "quote");
    let converted = b
        .post("/fx/convert", &[("csrf", &csrf), ("quote", &quote)])
        .await;
    assert_eq!(
        converted.status,
        StatusCode::SEE_OTHER,
        "{}",
        converted.html
    );
    let balances = s.balances(&m).await;
    assert!(
        balances
            .iter()
            .any(|(c, available, _, _)| c == "EUR" && *available > 0),
        "{balances:?}"
    );
    assert!(balances
        .iter()
        .any(|(c, available, _, _)| c == "USD" && *available < 100_000));
    let again = b
        .post("/fx/convert", &[("csrf", &csrf), ("quote", &quote)])
        .await;
    assert!(again.status.is_client_error(), "a quote converts once");
    let (other, _) = s.merchant("Other", "USD").await;
    let (mut intruder, their_csrf) = signed_in(s, &other, "admin").await;
    let r = intruder
        .post("/fx/convert", &[("csrf", &their_csrf), ("quote", &quote)])
        .await;
    assert!(
        r.status == StatusCode::NOT_FOUND || r.status.is_client_error(),
        "{}",
        r.status
    );
    s.assert_verified().await;
}

async fn add_a_beneficiary_and_pay_out(s: &Server) {
    let (m, _) = s.merchant("Shop", "EUR").await;
    s.credit(&m, 500_000, "EUR").await;
    let (mut b, csrf) = signed_in(s, &m, "finance").await;
    let bad = b
        .post(
            "/beneficiaries",
            &[
                ("csrf", &csrf),
                ("name", "Hans Muster"),
                ("country", "DE"),
                ("currency", "EUR"),
                ("iban", "DE88370400440532013000"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.html);
    assert!(bad.html.contains("id=\"iban-error\""), "{}", bad.html);
    assert!(
        bad.html.contains("value=\"Hans Muster\""),
        "what was typed is kept"
    );
    let good = b
        .post(
            "/beneficiaries",
            &[
                ("csrf", &csrf),
                ("name", "Hans Muster"),
                ("country", "DE"),
                ("currency", "EUR"),
                ("iban", "DE89 3704 0044 0532 0130 00"),
            ],
        )
        .await;
    assert_eq!(good.status, StatusCode::SEE_OTHER, "{}", good.html);
    let payouts = b.get("/payouts").await;
    let beneficiary = payouts
        .html
        .split("<option value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a beneficiary to choose")
        .to_string();
    let form = [
        ("csrf", csrf.as_str()),
        ("beneficiary", &beneficiary),
        ("currency", "EUR"),
        ("amount", "1,000.00"),
    ];
    let preview = b.post("/payouts/preview", &form).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.html);
    assert!(preview.html.contains("id=\"preview-fee\"") && preview.html.contains("Confirm payout"));
    let listed_before = s
        .get(&format!("/v1/payouts?merchant={m}"), OPERATOR_KEY)
        .await;
    assert_eq!(
        listed_before.json["data"].as_array().unwrap().len(),
        0,
        "a preview pays nothing"
    );
    let created = b.post("/payouts", &form).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.html);
    let listed = s
        .get(&format!("/v1/payouts?merchant={m}"), OPERATOR_KEY)
        .await;
    assert_eq!(
        listed.json["data"].as_array().unwrap().len(),
        1,
        "{}",
        listed.json
    );
    let (support, support_csrf) = signed_in(s, &m, "support").await;
    let mut support = support;
    let mut refused = form;
    refused[0] = ("csrf", &support_csrf);
    assert_eq!(
        support.post("/payouts", &refused).await.status,
        StatusCode::FORBIDDEN,
        "support cannot pay out"
    );
    s.assert_verified().await;
}

async fn operator_sees_merchants_connectors_and_the_ledger(s: &Server) {
    let (m, key) = s.merchant("Shop", "USD").await;
    s.credit(&m, 50_000, "USD").await;
    let paid = card_payment(s, &key, "4242424242424242", 5_000, "USD", "US").await;
    let connector = paid["connector"].as_str().unwrap().to_string();
    user(s, None, "ops@corridor.example", "admin").await;
    let mut b = Browser::new(s);
    let signed = b.sign_in("ops@corridor.example", PASSWORD).await;
    assert_eq!(signed.location.as_deref(), Some("/operator/"));
    let page = b.get("/operator/").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    assert!(
        page.html.contains(&m) && page.html.contains("approved"),
        "merchants with their KYB status"
    );
    // A merchant created with only the required fields shows what its
    // country still needs.
    let bare = s
        .post(
            "/v1/merchants",
            OPERATOR_KEY,
            &json!({"legal_name": "Bare Seller", "country": "DE", "home_currency": "EUR"}),
        )
        .await;
    assert_eq!(bare.status, StatusCode::CREATED, "{}", bare.json);
    let page = b.get("/operator/").await;
    assert!(
        page.html.contains(
            "<td class=\"kyb-missing\">registration_number, beneficial_owners, website</td>"
        ),
        "the missing KYB fields: {}",
        page.html
    );
    assert!(
        page.html.contains("Not verified since the server started"),
        "the ledger is verified only when asked"
    );
    assert!(
        page.html.contains("id=\"connector-health\""),
        "connector health"
    );
    // Over time: the connector's success rate and latency, per hour and per
    // day, drawn and in a table; the payment's attempt succeeded.
    for window in ["hourly", "daily"] {
        let id = format!("health-{connector}-{window}");
        let start = page
            .html
            .find(&format!("id=\"{id}\""))
            .unwrap_or_else(|| panic!("no {id}: {}", page.html));
        let figure = &page.html[start..];
        assert!(figure.contains("class=\"success\""), "{figure}");
        let table = &page.html[page.html.find(&format!("id=\"{id}-table\"")).unwrap()..];
        let table = &table[..table.find("</table>").unwrap()];
        assert!(table.contains("100.0%"), "{table}");
        assert!(table.contains("<td class=\"num\">1</td>"), "{table}");
    }
    // A screening that needs review raises an alert the page lists.
    let screened = s
        .post(
            "/v1/screenings",
            OPERATOR_KEY,
            &json!({"name": "Muammar Gaddafi", "type": "person", "country": "LY"}),
        )
        .await;
    assert_eq!(screened.status, StatusCode::CREATED, "{}", screened.json);
    let alert = screened.str("alert");
    let page = b.get("/operator/").await;
    assert!(
        page.html.contains("id=\"compliance-alerts\"") && page.html.contains(&alert),
        "open compliance alerts"
    );
    // Verifying runs on the button, with the form token, and is shown with its time.
    let csrf = hidden(&page.html, "csrf");
    let refused = b.post("/operator/verify_ledger", &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.html);
    let verified = b.post("/operator/verify_ledger", &[("csrf", &csrf)]).await;
    assert_eq!(verified.status, StatusCode::SEE_OTHER, "{}", verified.html);
    let page = b.get("/operator/?done=verified").await;
    assert!(
        page.html.contains("Ledger verified.") && page.html.contains("Balanced at "),
        "{}",
        page.html
    );
    assert_eq!(
        b.get("/payments").await.status,
        StatusCode::NOT_FOUND,
        "merchant pages need a merchant"
    );
}
