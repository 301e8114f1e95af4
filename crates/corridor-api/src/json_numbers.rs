//! Integral numbers written with a fraction or an exponent (`2500.0`,
//! `1e3`, `2.5E+1`) are the same integers as `2500`, `1000` and `25`: JSON
//! and JSON Schema say so, and clients whose language has only doubles
//! send them that way. Before a body is parsed, such tokens are rewritten
//! as plain integers, exactly (decimal digit arithmetic, no floating point).
//! A number with a non-zero fraction is left alone, so it still fails as
//! "not an integer" where an integer is expected: nothing is ever rounded.

/// Longest integer a rewrite may produce (beyond it, the token is left as
/// it is and fails as out of range if an integer was expected).
const MAX_INTEGER_DIGITS: usize = 40;

/// The body with integral non-integer number tokens rewritten, or `None`
/// when there is nothing to rewrite.
pub fn normalize_integral_numbers(body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(body.len());
    let mut changed = false;
    let mut i = 0;
    let mut in_string = false;
    while i < body.len() {
        let b = body[i];
        if in_string {
            out.push(b);
            if b == b'\\' {
                if let Some(&escaped) = body.get(i + 1) {
                    out.push(escaped);
                }
                i += 2;
                continue;
            }
            in_string = b != b'"';
            i += 1;
            continue;
        }
        if b == b'"' {
            in_string = true;
            out.push(b);
            i += 1;
            continue;
        }
        if b == b'-' || b.is_ascii_digit() {
            let end = number_end(body, i).max(i + 1);
            match integral(&body[i..end]) {
                Some(integer) => {
                    out.extend_from_slice(integer.as_bytes());
                    changed = true;
                }
                None => out.extend_from_slice(&body[i..end]),
            }
            i = end;
            continue;
        }
        out.push(b);
        i += 1;
    }
    changed.then_some(out)
}

fn number_end(body: &[u8], start: usize) -> usize {
    let mut end = start;
    while end < body.len() && matches!(body[end], b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') {
        end += 1;
    }
    end
}

/// `Some(integer text)` when the token is a valid JSON number with a
/// fraction or exponent whose value is an integer.
fn integral(token: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(token).ok()?;
    let (sign, rest) = match text.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", text),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(at) => (&rest[..at], rest[at + 1..].parse::<i64>().ok()?),
        None => (rest, 0),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((w, f)) => (w, f),
        None => (mantissa, ""),
    };
    let plain = fraction.is_empty() && exponent == 0 && !rest.contains(['e', 'E']);
    let digits_ok = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if plain || !digits_ok(whole) || (mantissa.contains('.') && !digits_ok(fraction)) {
        return None;
    }
    if whole.len() > 1 && whole.starts_with('0') {
        return None;
    }
    let digits = format!("{whole}{fraction}");
    let shift = exponent.checked_sub(i64::try_from(fraction.len()).ok()?)?;
    let integer = if shift >= 0 {
        let zeros = usize::try_from(shift).ok()?;
        if digits.len().saturating_add(zeros) > MAX_INTEGER_DIGITS {
            return None;
        }
        format!("{digits}{}", "0".repeat(zeros))
    } else {
        let cut = usize::try_from(shift.checked_neg()?).ok()?;
        if cut > digits.len() {
            // All digits are fractional: an integer only if they are all zero.
            return digits.bytes().all(|b| b == b'0').then(|| "0".to_string());
        }
        let (kept, dropped) = digits.split_at(digits.len() - cut);
        if !dropped.bytes().all(|b| b == b'0') {
            return None;
        }
        if kept.is_empty() {
            "0".to_string()
        } else {
            kept.to_string()
        }
    };
    let trimmed = integer.trim_start_matches('0');
    let magnitude = if trimmed.is_empty() { "0" } else { trimmed };
    if magnitude.len() > MAX_INTEGER_DIGITS {
        return None;
    }
    Some(if magnitude == "0" {
        "0".to_string()
    } else {
        format!("{sign}{magnitude}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        normalize_integral_numbers(s.as_bytes())
            .map(|b| String::from_utf8(b).unwrap())
            .unwrap_or_else(|| s.to_string())
    }

    #[test]
    fn integral_numbers_become_integers_exactly() {
        assert_eq!(norm(r#"{"amount": 2500.0}"#), r#"{"amount": 2500}"#);
        assert_eq!(
            norm(r#"{"a": 1e3, "b": -2.50E+1}"#),
            r#"{"a": 1000, "b": -25}"#
        );
        assert_eq!(norm(r#"{"a": 589723919880.0}"#), r#"{"a": 589723919880}"#);
        assert_eq!(
            norm(r#"{"a": 9223372036854775807.0}"#),
            r#"{"a": 9223372036854775807}"#
        );
        assert_eq!(norm(r#"{"a": 1.5, "b": 12}"#), r#"{"a": 1.5, "b": 12}"#);
        assert_eq!(norm(r#"{"a": 1e-3}"#), r#"{"a": 1e-3}"#);
        assert_eq!(norm(r#"{"a": -0.0}"#), r#"{"a": 0}"#);
        assert_eq!(
            norm(r#"{"s": "1.0 \"2.0\"", "n": 3.0}"#),
            r#"{"s": "1.0 \"2.0\"", "n": 3}"#
        );
        assert_eq!(norm(r#"[1.0,2.00]"#), r#"[1,2]"#);
        assert!(normalize_integral_numbers(br#"{"a": 1, "b": "x"}"#).is_none());
    }
}
