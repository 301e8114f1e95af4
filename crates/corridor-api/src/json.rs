//! Request bodies: size-limited, strict JSON whose errors name the field.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Largest accepted request body.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// A JSON body parsed into `T`. Malformed JSON, a wrong type, a missing or
/// an unknown field all answer 400 with `param` naming the field.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| ApiError::too_large(MAX_BODY_BYTES))?;
        parse(&bytes).map(ApiJson)
    }
}

/// A request body as bytes, for routes that parse it themselves (an
/// optional body, a text file): a body over the route's limit answers 413
/// in the API's error shape, like [`ApiJson`].
#[derive(Debug)]
pub struct RawBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        Bytes::from_request(req, state)
            .await
            .map(RawBody)
            .map_err(|_| ApiError::body_over_route_limit())
    }
}

/// Parses a JSON document, naming the failing field in the error.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.is_empty() {
        return Err(ApiError::bad_request(
            "body_missing",
            "a JSON request body is required",
        ));
    }
    // Every body is a JSON object; serde would otherwise read a struct from an array.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(ApiError::bad_request(
            "json_invalid",
            "the body must be a JSON object",
        ));
    }
    let normalized = crate::json_numbers::normalize_integral_numbers(bytes);
    let bytes = normalized.as_deref().unwrap_or(bytes);
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let parsed = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        describe(&path, &inner)
    })?;
    refuse_control_characters(bytes, is_refused)?;
    Ok(parsed)
}

/// As [`parse`], for bodies that carry whole text files (sanctions lists):
/// a carriage return is allowed too, since published files end their lines
/// with CRLF.
pub fn parse_text_files<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(ApiError::bad_request(
            "json_invalid",
            "the body must be a JSON object",
        ));
    }
    let parsed = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        describe(&path, &inner)
    })?;
    refuse_control_characters(bytes, |c| is_refused(c) && c != '\r')?;
    Ok(parsed)
}

/// Fields whose values are never repeated in an error message.
const SECRET_FIELDS: [&str; 4] = ["number", "cvc", "secret", "api_key"];

fn is_secret(path: &str) -> bool {
    let last = path.rsplit('.').next().unwrap_or(path);
    SECRET_FIELDS.contains(&last)
}

/// Refuses text with C0 control characters other than tab and newline
/// (a NUL, a bell, an escape sequence, a carriage return), naming the field.
/// Unescaped control characters are already invalid JSON; escaped ones
/// (`\u0000`, `\b`, `\f`, `\r`) are found by a quick scan first, so a
/// clean body is not parsed twice.
fn refuse_control_characters(bytes: &[u8], refused: fn(char) -> bool) -> Result<(), ApiError> {
    if !may_hold_control_escape(bytes) {
        return Ok(());
    }
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return Ok(());
    };
    match find_control(&value, "", refused) {
        Some(path) => Err(ApiError::invalid(
            if path.is_empty() { "body" } else { &path },
            "parameter_invalid",
            "control characters (other than tab and newline) are not allowed",
        )),
        None => Ok(()),
    }
}

fn may_hold_control_escape(bytes: &[u8]) -> bool {
    bytes
        .windows(2)
        .any(|w| w[0] == b'\\' && matches!(w[1], b'u' | b'b' | b'f' | b'r'))
}

fn is_refused(c: char) -> bool {
    c.is_ascii_control() && c != '\t' && c != '\n' && c != '\u{7f}'
}

fn find_control(
    value: &serde_json::Value,
    path: &str,
    refused: fn(char) -> bool,
) -> Option<String> {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        serde_json::Value::String(text) => text.chars().any(refused).then(|| path.to_string()),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| find_control(v, &format!("{path}[{i}]"), refused)),
        serde_json::Value::Object(map) => map.iter().find_map(|(k, v)| {
            if k.chars().any(refused) {
                Some(if path.is_empty() {
                    "body".into()
                } else {
                    path.to_string()
                })
            } else {
                find_control(v, &join(k), refused)
            }
        }),
        _ => None,
    }
}

/// Reads a field that a `PATCH` may set or clear: absent stays `None` (with
/// `#[serde(default)]`), `null` is `Some(None)` (clear it), a value
/// `Some(Some(value))`.
pub fn clearable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    use serde::Deserialize;
    Option::<T>::deserialize(deserializer).map(Some)
}

/// Reads an optional nested object, refusing the array form serde would
/// otherwise accept for a struct (`"customer": [null, null]`).
pub fn optional_object<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: DeserializeOwned,
{
    use serde::de::Error;
    use serde::Deserialize;
    let value = Option::<serde_json::Map<String, serde_json::Value>>::deserialize(deserializer)?;
    value
        .map(|map| from_map(map).map_err(D::Error::custom))
        .transpose()
}

/// Reads a required nested object, refusing the array form.
pub fn object<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: DeserializeOwned,
{
    use serde::de::Error;
    use serde::Deserialize;
    let map = serde_json::Map::<String, serde_json::Value>::deserialize(deserializer)?;
    from_map(map).map_err(D::Error::custom)
}

/// A nested object into `T`; the error names the field inside it.
fn from_map<T: DeserializeOwned>(
    map: serde_json::Map<String, serde_json::Value>,
) -> Result<T, String> {
    serde_path_to_error::deserialize(serde_json::Value::Object(map))
        .map_err(|e| format!("field {}: {}", e.path(), e.inner()))
}

fn describe(path: &str, e: &serde_json::Error) -> ApiError {
    let message = e.to_string();
    let quoted = message.split('`').nth(1).map(str::to_string);
    // A raw control character inside a string is a syntax error; the path
    // still says whose value held it.
    if e.is_syntax() && message.starts_with("control character") && path != "." {
        return ApiError::invalid(
            path,
            "parameter_invalid",
            "control characters (other than tab and newline) are not allowed",
        );
    }
    if e.is_syntax() || e.is_eof() {
        return ApiError::bad_request(
            "json_invalid",
            format!("the body is not valid JSON: {message}"),
        );
    }
    let field = |name: Option<String>| match (path, name) {
        (".", Some(n)) => n,
        (p, Some(n)) => format!("{p}.{n}"),
        (p, None) => p.to_string(),
    };
    if message.starts_with("unknown field") {
        // The path already ends with the unknown field's name.
        let param = if path == "." {
            quoted.unwrap_or_default()
        } else {
            path.to_string()
        };
        return ApiError::invalid(&param, "parameter_unknown", message);
    }
    if message.starts_with("missing field") {
        return ApiError::invalid(&field(quoted), "parameter_missing", message);
    }
    let param = if path == "." {
        "body".to_string()
    } else {
        path.to_string()
    };
    if is_secret(&param) {
        // serde quotes the offending value (`invalid type: integer
        // \`4242...\``); a card number or CVC is never repeated.
        return ApiError::invalid(
            &param,
            "parameter_invalid",
            format!("{param} must be a string of the documented format"),
        );
    }
    ApiError::invalid(&param, "parameter_invalid", message)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        amount: i64,
        inner: Option<Inner>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        iban: String,
    }

    fn param(json: &str) -> (String, Option<String>) {
        let e = parse::<Body>(json.as_bytes()).unwrap_err();
        let body = e.body();
        (body.error.code, body.error.param)
    }

    #[test]
    fn names_the_field_at_fault() {
        assert_eq!(
            param(r#"{"amount": 99999999999999999999}"#),
            ("parameter_invalid".into(), Some("amount".into()))
        );
        assert_eq!(
            param(r#"{"amount": 1.5}"#),
            ("parameter_invalid".into(), Some("amount".into()))
        );
        assert_eq!(
            param(r#"{"amount": 1, "extra": 2}"#),
            ("parameter_unknown".into(), Some("extra".into()))
        );
        assert_eq!(
            param(r#"{}"#),
            ("parameter_missing".into(), Some("amount".into()))
        );
        assert_eq!(
            param(r#"{"amount": 1, "inner": {"iban": 5}}"#),
            ("parameter_invalid".into(), Some("inner.iban".into()))
        );
        assert_eq!(
            param(r#"{"amount": 1, "inner": {}}"#),
            ("parameter_missing".into(), Some("inner.iban".into()))
        );
        assert_eq!(param(r#"{"amount": "#).0, "json_invalid");
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Card {
        number: Option<String>,
        cvc: Option<String>,
        note: Option<String>,
        tags: Option<serde_json::Map<String, serde_json::Value>>,
    }

    fn refused(json: &str) -> Option<(String, String)> {
        parse::<Card>(json.as_bytes()).err().map(|e| {
            let b = e.body();
            (b.error.param.unwrap_or_default(), b.error.message)
        })
    }

    #[test]
    fn card_digits_are_never_echoed() {
        for json in [
            r#"{"number": 4242424242424242}"#,
            r#"{"number": 42424242424242424242424242}"#,
            r#"{"cvc": 737}"#,
            r#"{"number": ["4242424242424242"]}"#,
        ] {
            let (param, message) = refused(json).expect("refused");
            assert!(param == "number" || param == "cvc", "{param}");
            for digits in ["4242", "737"] {
                assert!(!message.contains(digits), "{message}");
            }
        }
    }

    #[test]
    fn control_characters_are_refused_naming_the_field() {
        assert_eq!(refused(r#"{"note": "a\u0000b"}"#).unwrap().0, "note");
        assert_eq!(refused(r#"{"note": "a\u001bb"}"#).unwrap().0, "note");
        assert_eq!(refused(r#"{"note": "a\rb"}"#).unwrap().0, "note");
        assert_eq!(refused(r#"{"tags": {"k": "\b"}}"#).unwrap().0, "tags.k");
        assert_eq!(refused(r#"{"tags": {"\u0000": "v"}}"#).unwrap().0, "tags");
        // Unescaped: invalid JSON, yet the field is named all the same.
        let raw = parse::<Body>(b"{\"inner\": {\"iban\": \"DE\x00\"}}").unwrap_err();
        let raw = raw.body();
        assert_eq!(raw.error.param.as_deref(), Some("inner.iban"));
        assert_eq!(raw.error.code, "parameter_invalid");
        // Tab, newline, and a backslash followed by `u` as text pass.
        assert_eq!(refused(r#"{"note": "a\tb\nc"}"#), None);
        assert_eq!(refused(r#"{"note": "C:\\users\\u0000"}"#), None);
        assert_eq!(refused(r#"{"note": "caf\u00e9"}"#), None);
    }
}
