//! Dashboard users over the API: who may create whom, validation naming the
//! field, the password never returned, isolation between merchants, and
//! `corridor users add` reading the password from standard input.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{both_backends, Server, OPERATOR_KEY};

both_backends!(
    create_list_delete,
    refused_input,
    merchants_manage_only_their_team,
    cli_adds_a_user
);

const PASSWORD: &str = "correct horse battery staple";

async fn create_list_delete(s: &Server) {
    let (m, _) = s.merchant("Shop", "USD").await;
    let body = json!({"email": " Ana@Shop.Example ", "password": PASSWORD, "merchant": m, "role": "finance"});
    let r = s.post("/v1/users", OPERATOR_KEY, &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    assert!(r.str("id").starts_with("usr_"));
    assert_eq!(r.json["email"], "ana@shop.example");
    assert_eq!(r.json["merchant"], m.as_str());
    assert_eq!(r.json["role"], "finance");
    assert!(r.json.get("password").is_none() && r.json.get("password_hash").is_none());
    assert!(
        !s.stored_bytes()
            .windows(PASSWORD.len())
            .any(|w| w == PASSWORD.as_bytes()),
        "the password is stored only hashed"
    );
    let staff = json!({"email": "ops@corridor.example", "password": PASSWORD, "role": "admin"});
    let op = s.post("/v1/users", OPERATOR_KEY, &staff).await;
    assert_eq!(op.status, StatusCode::CREATED, "{}", op.json);
    assert!(op.json["merchant"].is_null());
    let all = s.get("/v1/users", OPERATOR_KEY).await;
    assert_eq!(
        all.json["data"].as_array().unwrap().len(),
        2,
        "{}",
        all.json
    );
    let team = s
        .get(&format!("/v1/users?merchant={m}"), OPERATOR_KEY)
        .await;
    assert_eq!(team.json["data"].as_array().unwrap().len(), 1);
    let again = s.post("/v1/users", OPERATOR_KEY, &body).await;
    again.assert_error(409, "conflict", "email_taken", Some("email"));
    let id = r.str("id");
    let gone = s
        .call(
            Method::DELETE,
            &format!("/v1/users/{id}"),
            Some(OPERATOR_KEY),
            None,
            None,
        )
        .await;
    assert_eq!(gone.status, StatusCode::OK, "{}", gone.json);
    let twice = s
        .call(
            Method::DELETE,
            &format!("/v1/users/{id}"),
            Some(OPERATOR_KEY),
            None,
            None,
        )
        .await;
    twice.assert_error(404, "not_found", "resource_missing", None);
}

async fn refused_input(s: &Server) {
    let (m, _) = s.merchant("Shop", "USD").await;
    let cases = [
        (
            json!({"email": "nope", "password": PASSWORD, "role": "admin"}),
            "email",
            "email_invalid",
        ),
        (
            json!({"email": "a@b.example", "password": "short", "role": "admin"}),
            "password",
            "password_invalid",
        ),
        (
            json!({"email": "a@b.example", "password": PASSWORD, "role": "owner"}),
            "role",
            "role_invalid",
        ),
        (
            json!({"email": "a@b.example", "password": PASSWORD, "role": "admin", "merchant": "mer_missing"}),
            "merchant",
            "resource_missing",
        ),
        (
            json!({"email": "a@b.example", "password": PASSWORD, "role": "admin", "extra": 1}),
            "extra",
            "parameter_unknown",
        ),
        (
            json!({"email": "a@b.example", "role": "admin"}),
            "password",
            "parameter_missing",
        ),
    ];
    for (body, param, code) in cases {
        let r = s.post("/v1/users", OPERATOR_KEY, &body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}: {}", r.json);
        assert_eq!(r.json["error"]["param"], param, "{body}: {}", r.json);
        assert_eq!(r.json["error"]["code"], code, "{body}: {}", r.json);
        assert!(
            !r.json.to_string().contains(PASSWORD),
            "the password is never repeated"
        );
    }
    let none = s
        .get(&format!("/v1/users?merchant={m}"), OPERATOR_KEY)
        .await;
    assert_eq!(
        none.json["data"].as_array().unwrap().len(),
        0,
        "nothing was created"
    );
}

async fn merchants_manage_only_their_team(s: &Server) {
    let (a, a_key) = s.merchant("A", "USD").await;
    let (b, b_key) = s.merchant("B", "USD").await;
    let own = s
        .post(
            "/v1/users",
            &a_key,
            &json!({"email": "x@a.example", "password": PASSWORD, "role": "viewer"}),
        )
        .await;
    assert_eq!(own.status, StatusCode::CREATED, "{}", own.json);
    assert_eq!(own.json["merchant"], a.as_str());
    let other = s
        .post(
            "/v1/users",
            &a_key,
            &json!({"email": "y@a.example", "password": PASSWORD, "role": "viewer", "merchant": b}),
        )
        .await;
    other.assert_error(
        400,
        "invalid_request_error",
        "resource_missing",
        Some("merchant"),
    );
    let b_user = s
        .post(
            "/v1/users",
            &b_key,
            &json!({"email": "z@b.example", "password": PASSWORD, "role": "admin"}),
        )
        .await;
    assert_eq!(b_user.status, StatusCode::CREATED);
    let listed = s.get("/v1/users", &a_key).await;
    let emails: Vec<_> = listed.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(emails, vec!["x@a.example"]);
    let id = b_user.str("id");
    let r = s
        .call(
            Method::DELETE,
            &format!("/v1/users/{id}"),
            Some(&a_key),
            None,
            None,
        )
        .await;
    r.assert_error(404, "not_found", "resource_missing", None);
    assert_eq!(
        s.get("/v1/users", &b_key).await.json["data"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

async fn cli_adds_a_user(s: &Server) {
    use std::io::Write;
    let (m, _) = s.merchant("Shop", "USD").await;
    let run = |password: &'static str, email: &'static str| {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_corridor"))
            .args([
                "users",
                "add",
                "--email",
                email,
                "--merchant",
                &m,
                "--role",
                "support",
                "--url",
                &s.base,
            ])
            .env("CORRIDOR_OPERATOR_KEY", OPERATOR_KEY)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("corridor runs");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(format!("{password}\n").as_bytes())
            .expect("password written");
        child.wait_with_output().expect("corridor exits")
    };
    let out = tokio::task::block_in_place(|| run(PASSWORD, "cli@shop.example"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        printed.starts_with("usr_") && printed.contains("cli@shop.example support"),
        "{printed}"
    );
    let short = tokio::task::block_in_place(|| run("short", "cli2@shop.example"));
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("password"));
    let listed = s
        .get(&format!("/v1/users?merchant={m}"), OPERATOR_KEY)
        .await;
    assert_eq!(listed.json["data"].as_array().unwrap().len(), 1);
}
