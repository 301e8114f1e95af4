//! Dashboard users: roles, what each may do, the checks on a new user, and
//! password hashing.

pub mod password;

use crate::error::{ApiError, ApiResult};

/// Longest accepted email address (RFC 5321's path limit).
pub const MAX_EMAIL_CHARS: usize = 254;
/// Shortest accepted password.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest accepted password (hashing cost is bounded by it).
pub const MAX_PASSWORD_CHARS: usize = 128;

/// What a user may do in the dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Everything, including the team.
    Admin,
    /// Money: refunds, captures, payouts, conversions.
    Finance,
    /// Customers: refunds, captures, disputes, complaints; no payouts or conversions.
    Support,
    /// Reads only.
    Viewer,
}

/// Something a role may or may not do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Refund a payment.
    Refund,
    /// Capture an authorized payment.
    Capture,
    /// Create a beneficiary or a payout.
    PayOut,
    /// Quote and convert currency.
    Convert,
    /// Answer disputes and complaints.
    AnswerCustomers,
    /// Add and remove users of the team.
    ManageTeam,
}

impl Role {
    /// Parses `admin`, `finance`, `support` or `viewer`.
    pub fn parse(code: &str) -> Option<Role> {
        match code {
            "admin" => Some(Role::Admin),
            "finance" => Some(Role::Finance),
            "support" => Some(Role::Support),
            "viewer" => Some(Role::Viewer),
            _ => None,
        }
    }

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Finance => "finance",
            Role::Support => "support",
            Role::Viewer => "viewer",
        }
    }

    /// Whether this role may do `action`.
    pub fn may(self, action: Action) -> bool {
        match self {
            Role::Admin => true,
            Role::Finance => action != Action::ManageTeam,
            Role::Support => matches!(
                action,
                Action::Refund | Action::Capture | Action::AnswerCustomers
            ),
            Role::Viewer => false,
        }
    }
}

/// A normalized (trimmed, lower-case) email, or a 400 naming `email`.
pub fn parse_email(raw: &str) -> ApiResult<String> {
    let email = raw.trim().to_ascii_lowercase();
    let shaped = email.split_once('@').is_some_and(|(user, host)| {
        !user.is_empty()
            && host.contains('.')
            && !host.starts_with('.')
            && !host.ends_with('.')
            && !host.contains('@')
    });
    let printable = email.chars().all(|c| c.is_ascii_graphic());
    if email.is_empty() || email.chars().count() > MAX_EMAIL_CHARS || !shaped || !printable {
        return Err(ApiError::invalid(
            "email",
            "email_invalid",
            "email must look like name@example.com (at most 254 characters)",
        ));
    }
    Ok(email)
}

/// Checks a new password's length, or a 400 naming `password`.
pub fn check_password(password: &str) -> ApiResult<()> {
    let chars = password.chars().count();
    if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&chars) {
        return Err(ApiError::invalid(
            "password",
            "password_invalid",
            format!("password must be {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters"),
        ));
    }
    if password.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            "password",
            "password_invalid",
            "password must not contain control characters",
        ));
    }
    Ok(())
}

/// Parses a role, or a 400 naming `role`.
pub fn parse_role(code: &str) -> ApiResult<Role> {
    Role::parse(code).ok_or_else(|| {
        ApiError::invalid(
            "role",
            "role_invalid",
            "role must be one of admin, finance, support, viewer",
        )
    })
}

/// A new user id (`usr_...`).
pub fn new_user_id() -> String {
    use rand::distr::{Alphanumeric, SampleString};
    format!("usr_{}", Alphanumeric.sample_string(&mut rand::rng(), 24))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_limit_actions() {
        assert!(!Role::Viewer.may(Action::Refund));
        assert!(!Role::Support.may(Action::PayOut));
        assert!(Role::Support.may(Action::Refund));
        assert!(Role::Finance.may(Action::PayOut));
        assert!(!Role::Finance.may(Action::ManageTeam));
        assert!(Role::Admin.may(Action::ManageTeam));
    }

    #[test]
    fn emails_are_normalized_and_checked() {
        assert_eq!(
            parse_email(" Ana@Shop.Example ").unwrap(),
            "ana@shop.example"
        );
        for bad in [
            "",
            "ana",
            "@shop.example",
            "ana@shop",
            "a b@shop.example",
            "ana@.example",
        ] {
            assert!(parse_email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_have_bounded_length() {
        assert!(check_password("short").is_err());
        assert!(check_password("long enough password").is_ok());
        assert!(check_password(&"x".repeat(129)).is_err());
    }
}
