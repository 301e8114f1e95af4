//! The settings page's team: an admin removes a member (the page then
//! lists the team without them and their session ends); never themself,
//! never another team's user, never without the form's token, never as
//! another role.

use reqwest::StatusCode;

use crate::dashboard::{hidden, user, Browser, PASSWORD};
use crate::support::{both_backends, Server, OPERATOR_KEY};

both_backends!(admin_removes_a_team_member);

/// The ids of a merchant's users, by email.
async fn team(s: &Server, key: &str) -> Vec<(String, String)> {
    let r = s.get("/v1/users?limit=100", key).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let mut users: Vec<(String, String)> = r.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["email"].as_str().unwrap().to_string(),
                u["id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    users.sort();
    users
}

fn id_of(team: &[(String, String)], email: &str) -> String {
    team.iter()
        .find(|(e, _)| e == email)
        .map(|(_, id)| id.clone())
        .unwrap_or_else(|| panic!("{email} in {team:?}"))
}

async fn signed_in(s: &Server, email: &str) -> Browser {
    let mut b = Browser::new(s);
    assert_eq!(
        b.sign_in(email, PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    b
}

async fn admin_removes_a_team_member(s: &Server) {
    let (m, key) = s.merchant("Shop", "USD").await;
    let (o, other_key) = s.merchant("Other", "USD").await;
    user(s, Some(&m), "ana@shop.example", "admin").await;
    user(s, Some(&m), "sam@shop.example", "support").await;
    user(s, Some(&m), "vic@shop.example", "viewer").await;
    user(s, Some(&o), "olga@other.example", "admin").await;
    let members = team(s, &key).await;
    let (ana, sam, vic) = (
        id_of(&members, "ana@shop.example"),
        id_of(&members, "sam@shop.example"),
        id_of(&members, "vic@shop.example"),
    );
    let olga = id_of(&team(s, &other_key).await, "olga@other.example");

    let mut admin = signed_in(s, "ana@shop.example").await;
    let mut support = signed_in(s, "sam@shop.example").await;
    let settings = admin.get("/settings").await;
    assert_eq!(settings.status, StatusCode::OK);
    let csrf = hidden(&settings.html, "csrf");
    for id in [&sam, &vic] {
        assert!(
            settings
                .html
                .contains(&format!("action=\"/settings/users/{id}/remove\"")),
            "a remove button for {id}: {}",
            settings.html
        );
    }
    assert!(
        !settings
            .html
            .contains(&format!("/settings/users/{ana}/remove")),
        "no remove button for the admin themself"
    );

    // Without the form's token: refused, nobody removed.
    let path = format!("/settings/users/{sam}/remove");
    let missing = admin.post(&path, &[]).await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    let wrong = admin.post(&path, &[("csrf", "not-the-token")]).await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    // Not themself, not another merchant's user, not an unknown one: the
    // page says why.
    let own = admin
        .post(&format!("/settings/users/{ana}/remove"), &[("csrf", &csrf)])
        .await;
    assert_eq!(own.status, StatusCode::BAD_REQUEST, "{}", own.html);
    assert!(
        own.html.contains("You cannot remove yourself"),
        "{}",
        own.html
    );
    for id in [olga.as_str(), "usr_nobody"] {
        let r = admin
            .post(&format!("/settings/users/{id}/remove"), &[("csrf", &csrf)])
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.html);
        assert!(r.html.contains("No such member of your team"), "{}", r.html);
    }
    assert_eq!(team(s, &key).await.len(), 3);
    assert_eq!(team(s, &other_key).await.len(), 1);

    // Another role may not remove anyone, and sees no button.
    let support_page = support.get("/settings").await;
    assert!(
        !support_page.html.contains("/remove\""),
        "{}",
        support_page.html
    );
    let support_csrf = hidden(&support_page.html, "csrf");
    let r = support
        .post(
            &format!("/settings/users/{vic}/remove"),
            &[("csrf", &support_csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(team(s, &key).await.len(), 3);

    // The admin removes the support user: the team without them.
    let done = admin.post(&path, &[("csrf", &csrf)]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
    assert_eq!(done.location.as_deref(), Some("/settings?done=removed"));
    let after = admin.get("/settings?done=removed").await;
    assert!(after.html.contains("User removed."), "{}", after.html);
    assert!(!after.html.contains("sam@shop.example"), "{}", after.html);
    assert!(after.html.contains("vic@shop.example"));
    let left = team(s, &key).await;
    assert_eq!(
        left.iter().map(|(e, _)| e.as_str()).collect::<Vec<_>>(),
        ["ana@shop.example", "vic@shop.example"]
    );
    // Their session ended with them.
    let gone = support.get("/settings").await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER, "{}", gone.html);
    // Twice: already gone.
    let again = admin.post(&path, &[("csrf", &csrf)]).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "{}", again.html);
    // The operator still sees the other merchant's admin.
    let all = s.get("/v1/users?limit=100", OPERATOR_KEY).await;
    assert!(all.json.to_string().contains("olga@other.example"));
}
