//! The dashboard over HTTP, as a browser without JavaScript uses it: sign
//! in, see payments, refund; and the bad input: wrong password and
//! lock-out, an expired session, a form without its token, invalid fields
//! shown next to the field, another merchant's id in a URL.

use std::collections::HashMap;

use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use reqwest::StatusCode;
use serde_json::json;

use crate::refunds::{advance, card_payment};
use crate::support::{both_backends, Server, OPERATOR_KEY};

both_backends!(
    sign_in_see_and_refund_a_payment,
    wrong_password_then_lock_out,
    expired_session_goes_back_to_sign_in,
    form_without_its_token_changes_nothing,
    invalid_fields_are_shown_next_to_the_field,
    another_merchants_ids_answer_not_found,
    roles_limit_what_a_user_can_do,
);

pub const PASSWORD: &str = "correct horse battery staple";

/// A browser: keeps cookies, does not follow redirects.
pub struct Browser {
    base: String,
    http: reqwest::Client,
    cookies: HashMap<String, String>,
}

pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub set_cookies: Vec<String>,
    pub html: String,
}

impl Browser {
    pub fn new(s: &Server) -> Browser {
        Browser {
            base: s.base.clone(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            cookies: HashMap::new(),
        }
    }

    async fn send(&mut self, req: reqwest::RequestBuilder) -> Page {
        let cookie = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let req = if cookie.is_empty() {
            req
        } else {
            req.header(COOKIE, cookie)
        };
        let resp = req.send().await.expect("request sent");
        let status = resp.status();
        let location = resp
            .headers()
            .get(LOCATION)
            .map(|l| l.to_str().unwrap().to_string());
        let set_cookies: Vec<String> = resp
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect();
        for c in &set_cookies {
            let pair = c.split(';').next().unwrap();
            let (k, v) = pair.split_once('=').unwrap();
            if v.is_empty() {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_string(), v.to_string());
            }
        }
        Page {
            status,
            location,
            set_cookies,
            html: resp.text().await.expect("body"),
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let req = self.http.get(format!("{}{path}", self.base));
        self.send(req).await
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let req = self.http.post(format!("{}{path}", self.base)).form(form);
        self.send(req).await
    }

    pub async fn sign_in(&mut self, email: &str, password: &str) -> Page {
        let form = self.get("/").await;
        assert_eq!(form.status, StatusCode::OK);
        let token = hidden(&form.html, "token");
        self.post(
            "/sign_in",
            &[("token", &token), ("email", email), ("password", password)],
        )
        .await
    }
}

/// The value of a hidden input.
pub fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {html}"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

pub async fn user(s: &Server, merchant: Option<&str>, email: &str, role: &str) {
    let mut body = json!({"email": email, "password": PASSWORD, "role": role});
    if let Some(m) = merchant {
        body["merchant"] = json!(m);
    }
    let r = s.post("/v1/users", OPERATOR_KEY, &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
}

async fn refunded(s: &Server, key: &str, payment: &str) -> i64 {
    let r = s.get(&format!("/v1/payments/{payment}"), key).await;
    r.json["amount_refunded"].as_i64().unwrap()
}

async fn sign_in_see_and_refund_a_payment(s: &Server) {
    let (m, key) = s.merchant("Shop", "USD").await;
    s.credit(&m, 50_000, "USD").await;
    user(s, Some(&m), "ana@shop.example", "finance").await;
    let p = card_payment(s, &key, "4242424242424242", 12_345, "USD", "US").await;
    let id = p["id"].as_str().unwrap();
    let mut b = Browser::new(s);
    let form = b.get("/").await;
    for field in ["type=\"email\"", "type=\"password\"", "type=\"submit\""] {
        assert!(form.html.contains(field), "sign-in form has {field}");
    }
    let signed = b.sign_in("Ana@Shop.Example", PASSWORD).await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.html);
    assert_eq!(signed.location.as_deref(), Some("/"));
    let session = signed
        .set_cookies
        .iter()
        .find(|c| c.starts_with("corridor_session="))
        .expect("session cookie");
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax"),
        "{session}"
    );
    let home = b.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(
        home.html.contains("Balances") && home.html.contains("USD"),
        "{}",
        home.html
    );
    assert!(home.html.contains("<svg"), "the balance chart is drawn");
    let list = b.get("/payments").await;
    assert!(list.html.contains(id), "the payment is listed");
    assert!(list.html.contains("USD 123.45"));
    let filtered = b.get("/payments?status=failed").await;
    assert!(!filtered.html.contains(id), "filters apply");
    // The customer's email from the payment request filters the list.
    let card = json!({"type": "card", "number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"});
    let bad = s
        .post(
            "/v1/payments",
            &key,
            &json!({"amount": 1_000, "currency": "USD", "country": "US", "payment_method": card, "customer": {"email": "not an email"}}),
        )
        .await;
    bad.assert_error(
        400,
        "invalid_request_error",
        "parameter_invalid",
        Some("customer.email"),
    );
    let bought = s
        .post(
            "/v1/payments",
            &key,
            &json!({"amount": 1_000, "currency": "USD", "country": "US", "payment_method": card, "confirm": true, "customer": {"name": "Bo", "email": "Bo.Buyer@Example.com"}}),
        )
        .await;
    assert_eq!(bought.status, StatusCode::CREATED, "{}", bought.json);
    let by_email = b
        .get("/payments?customer_email=bo.buyer%40example.com")
        .await;
    assert_eq!(by_email.status, StatusCode::OK);
    assert!(
        by_email.html.contains(&bought.str("id")) && !by_email.html.contains(id),
        "{}",
        by_email.html
    );
    let bad_email = b.get("/payments?customer_email=nobody").await;
    assert_eq!(bad_email.status, StatusCode::BAD_REQUEST);
    assert!(bad_email.html.contains("id=\"customer_email-error\""));
    let csv = b
        .get("/payments/export.csv?customer_email=BO.BUYER%40example.com")
        .await;
    assert!(
        csv.html.contains(&bought.str("id")) && csv.html.contains(",bo.buyer@example.com\n"),
        "{}",
        csv.html
    );
    let csv = b.get("/payments/export.csv?last4=4242").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.html.starts_with("id,created_at,status"));
    assert!(csv.html.contains(&format!("{id},")), "{}", csv.html);
    let detail = b.get(&format!("/payments/{id}")).await;
    assert!(
        detail.html.contains("— captured, "),
        "the attempt timeline: {}",
        detail.html
    );
    // Each answered attempt shows its latency, in whole milliseconds.
    let latency = detail
        .html
        .split("<span class=\"latency\">latency ")
        .nth(1)
        .and_then(|rest| rest.split(" ms</span>").next())
        .unwrap_or_default();
    assert!(
        !latency.is_empty() && latency.chars().all(|c| c.is_ascii_digit()),
        "attempt latency: {}",
        detail.html
    );
    let csrf = hidden(&detail.html, "csrf");
    let done = b
        .post(
            &format!("/payments/{id}/refund"),
            &[
                ("csrf", &csrf),
                ("amount", "20.00"),
                ("reason", "requested_by_customer"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
    assert_eq!(refunded(s, &key, id).await, 2_000);
    let after = b.get(done.location.as_deref().unwrap()).await;
    assert!(after.html.contains("Refund created.") && after.html.contains("USD 20.00"));
    let out = b.post("/sign_out", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let gone = b.get("/payments").await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER, "signed out");
    s.assert_verified().await;
}

async fn wrong_password_then_lock_out(s: &Server) {
    let (m, _) = s.merchant("Shop", "USD").await;
    user(s, Some(&m), "ana@shop.example", "admin").await;
    let mut b = Browser::new(s);
    let unknown = b.sign_in("nobody@shop.example", PASSWORD).await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert!(unknown.html.contains("Wrong email or password."));
    for _ in 0..4 {
        let wrong = b.sign_in("ana@shop.example", "not the password").await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        assert!(
            wrong.html.contains("Wrong email or password."),
            "same words as an unknown email"
        );
        assert!(!wrong
            .set_cookies
            .iter()
            .any(|c| c.starts_with("corridor_session=")));
    }
    let fifth = b.sign_in("ana@shop.example", "not the password").await;
    assert_eq!(
        fifth.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        fifth.html
    );
    let right_but_locked = b.sign_in("ana@shop.example", PASSWORD).await;
    assert_eq!(right_but_locked.status, StatusCode::TOO_MANY_REQUESTS);
    let listed = s
        .get(&format!("/v1/users?merchant={m}"), OPERATOR_KEY)
        .await;
    assert_eq!(listed.json["data"][0]["locked"], true);
    advance(s, 16 * 60).await;
    let later = b.sign_in("ana@shop.example", PASSWORD).await;
    assert_eq!(later.status, StatusCode::SEE_OTHER, "{}", later.html);
    let forged = b
        .post(
            "/sign_in",
            &[
                ("token", "forged"),
                ("email", "ana@shop.example"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(
        forged.status,
        StatusCode::FORBIDDEN,
        "the sign-in form's token is checked"
    );
}

async fn expired_session_goes_back_to_sign_in(s: &Server) {
    let (m, _) = s.merchant("Shop", "USD").await;
    user(s, Some(&m), "ana@shop.example", "admin").await;
    let mut b = Browser::new(s);
    assert_eq!(
        b.sign_in("ana@shop.example", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(b.get("/payments").await.status, StatusCode::OK);
    advance(s, 9 * 3600).await;
    let page = b.get("/payments").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location.as_deref(), Some("/"));
    let root = b.get("/").await;
    assert!(
        root.html.contains("Your session has ended"),
        "{}",
        root.html
    );
    assert!(root.html.contains("type=\"password\""));
}

async fn form_without_its_token_changes_nothing(s: &Server) {
    let (m, key) = s.merchant("Shop", "USD").await;
    s.credit(&m, 50_000, "USD").await;
    user(s, Some(&m), "ana@shop.example", "admin").await;
    let p = card_payment(s, &key, "4242424242424242", 5_000, "USD", "US").await;
    let id = p["id"].as_str().unwrap();
    let mut b = Browser::new(s);
    b.sign_in("ana@shop.example", PASSWORD).await;
    let missing = b
        .post(&format!("/payments/{id}/refund"), &[("amount", "10.00")])
        .await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    assert!(missing.html.contains("Form expired"));
    let wrong = b
        .post(
            &format!("/payments/{id}/refund"),
            &[("csrf", "not-the-token"), ("amount", "10.00")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    assert_eq!(refunded(s, &key, id).await, 0, "nothing was refunded");
    let out = b.post("/sign_out", &[]).await;
    assert_eq!(
        out.status,
        StatusCode::FORBIDDEN,
        "sign-out needs the token too"
    );
}

async fn invalid_fields_are_shown_next_to_the_field(s: &Server) {
    let (m, key) = s.merchant("Shop", "USD").await;
    s.credit(&m, 50_000, "USD").await;
    user(s, Some(&m), "ana@shop.example", "admin").await;
    let p = card_payment(s, &key, "4242424242424242", 5_000, "USD", "US").await;
    let id = p["id"].as_str().unwrap();
    let mut b = Browser::new(s);
    let bad_email = b.sign_in("not-an-email", PASSWORD).await;
    assert_eq!(bad_email.status, StatusCode::BAD_REQUEST);
    assert!(
        bad_email.html.contains("id=\"email-error\""),
        "{}",
        bad_email.html
    );
    b.sign_in("ana@shop.example", PASSWORD).await;
    let csrf = hidden(&b.get(&format!("/payments/{id}")).await.html, "csrf");
    for (amount, words) in [
        ("abc", "Enter an amount"),
        ("1.234", "decimal places"),
        ("0", "above zero"),
        ("51.00", ""),
    ] {
        let r = b
            .post(
                &format!("/payments/{id}/refund"),
                &[("csrf", &csrf), ("amount", amount)],
            )
            .await;
        assert!(r.status.is_client_error(), "{amount}: {}", r.status);
        assert!(
            r.html.contains("id=\"amount-error\""),
            "{amount}: the message is next to the field: {}",
            r.html
        );
        assert!(r.html.contains(words));
        assert!(
            r.html.contains(&format!("value=\"{amount}\"")),
            "what was typed is kept"
        );
    }
    assert_eq!(refunded(s, &key, id).await, 0);
    let filters = b
        .get("/payments?last4=12a&from=2026-02-30&status=nope")
        .await;
    assert_eq!(filters.status, StatusCode::BAD_REQUEST);
    for field in ["last4-error", "from-error", "status-error"] {
        assert!(filters.html.contains(&format!("id=\"{field}\"")), "{field}");
    }
    let csv = b.get("/payments/export.csv?amount_min=x").await;
    assert_eq!(csv.status, StatusCode::BAD_REQUEST);
    assert!(csv.html.starts_with("amount_min:"));
}

async fn another_merchants_ids_answer_not_found(s: &Server) {
    let (a, _) = s.merchant("A", "USD").await;
    let (b_id, b_key) = s.merchant("B", "USD").await;
    s.credit(&b_id, 50_000, "USD").await;
    user(s, Some(&a), "ana@a.example", "admin").await;
    let theirs = card_payment(s, &b_key, "4242424242424242", 7_777, "USD", "US").await;
    let id = theirs["id"].as_str().unwrap();
    let mut b = Browser::new(s);
    b.sign_in("ana@a.example", PASSWORD).await;
    let csrf = hidden(&b.get("/payments").await.html, "csrf");
    for path in [
        format!("/payments/{id}"),
        "/payments/pay_doesnotexist".to_string(),
    ] {
        let page = b.get(&path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!page.html.contains("77.77"), "nothing of B's payment leaks");
    }
    let unknown = b.get(&format!("/payments/{id}")).await.html;
    let missing = b.get("/payments/pay_doesnotexist").await.html;
    assert_eq!(
        unknown, missing,
        "another merchant's id looks like no id at all"
    );
    let refund = b
        .post(&format!("/payments/{id}/refund"), &[("csrf", &csrf)])
        .await;
    assert_eq!(refund.status, StatusCode::NOT_FOUND);
    assert_eq!(refunded(s, &b_key, id).await, 0);
    let list = b.get("/payments").await;
    assert!(!list.html.contains(id));
    let operator_pages = b.get("/operator/").await;
    assert_eq!(
        operator_pages.status,
        StatusCode::NOT_FOUND,
        "merchant users see no operator page"
    );
}

async fn roles_limit_what_a_user_can_do(s: &Server) {
    let (m, key) = s.merchant("Shop", "USD").await;
    s.credit(&m, 50_000, "USD").await;
    user(s, Some(&m), "viewer@shop.example", "viewer").await;
    let p = card_payment(s, &key, "4242424242424242", 5_000, "USD", "US").await;
    let id = p["id"].as_str().unwrap();
    let mut b = Browser::new(s);
    b.sign_in("viewer@shop.example", PASSWORD).await;
    let detail = b.get(&format!("/payments/{id}")).await;
    assert!(
        !detail.html.contains("/refund\""),
        "no refund form for a viewer"
    );
    let csrf = hidden(&detail.html, "csrf");
    let r = b
        .post(&format!("/payments/{id}/refund"), &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(refunded(s, &key, id).await, 0);
}
