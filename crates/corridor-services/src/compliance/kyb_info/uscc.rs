//! China's unified social credit code (统一社会信用代码), GB 32100-2015: 18
//! characters from a 31-character alphabet (digits and upper-case letters
//! without I, O, S, V, Z): the registration authority, the entity type, the
//! six-digit administrative division of the registering office, the
//! nine-character organization code and a check character. The check
//! character makes `sum(value(c_i) * 3^(i-1) mod 31)` over all 18 positions
//! a multiple of 31.

/// The code's alphabet, in value order.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights of positions 1-17: `3^(i-1) mod 31`.
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

fn value(c: u8) -> Option<u32> {
    ALPHABET
        .iter()
        .position(|&a| a == c)
        .and_then(|p| u32::try_from(p).ok())
}

/// Why a code is not a valid unified social credit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsccError {
    /// Not 18 characters.
    Length,
    /// A character outside the alphabet, or a division code that is not
    /// six digits.
    Format,
    /// The check character does not match.
    Checksum,
}

impl UsccError {
    /// What is wrong, for the error message.
    pub fn message(self) -> &'static str {
        match self {
            UsccError::Length => "a unified social credit code has 18 characters",
            UsccError::Format => {
                "a unified social credit code holds digits and upper-case letters other than I, O, S, V and Z, with six digits in positions 3-8"
            }
            UsccError::Checksum => {
                "the unified social credit code's check character (GB 32100-2015) does not match"
            }
        }
    }
}

/// The check character of the first 17 characters.
fn check_character(first17: &[u8]) -> Option<u8> {
    let mut sum = 0u32;
    for (c, w) in first17.iter().zip(WEIGHTS) {
        sum += value(*c)? * w;
    }
    let index = usize::try_from((31 - sum % 31) % 31).ok()?;
    ALPHABET.get(index).copied()
}

/// Checks a code (already upper case, without spaces).
pub fn validate(code: &str) -> Result<(), UsccError> {
    let bytes = code.as_bytes();
    if code.chars().count() != 18 || bytes.len() != 18 {
        return Err(UsccError::Length);
    }
    if bytes.iter().any(|&c| value(c).is_none()) || !bytes[2..8].iter().all(u8::is_ascii_digit) {
        return Err(UsccError::Format);
    }
    match check_character(&bytes[..17]) {
        Some(c) if c == bytes[17] => Ok(()),
        _ => Err(UsccError::Checksum),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_codes_pass() {
        // The example of python-stdnum's `cn.uscc` and the OECD's China TIN
        // sheet.
        assert_eq!(validate("91110000600037341L"), Ok(()));
        assert_eq!(check_character(b"91110000600037341"), Some(b'L'));
    }

    #[test]
    fn each_rule_is_enforced() {
        assert_eq!(validate("91110000600037341"), Err(UsccError::Length));
        assert_eq!(validate("91110000600037341LL"), Err(UsccError::Length));
        // I and O are not in the alphabet; the division code is digits.
        assert_eq!(validate("9111000060003734IL"), Err(UsccError::Format));
        assert_eq!(validate("91A10000600037341L"), Err(UsccError::Format));
        assert_eq!(validate("91110000600037341l"), Err(UsccError::Format));
        // One character changed, or two swapped, breaks the check.
        assert_eq!(validate("91110000600037341M"), Err(UsccError::Checksum));
        assert_eq!(validate("91110000600037314L"), Err(UsccError::Checksum));
        assert_eq!(validate("91110000600037342L"), Err(UsccError::Checksum));
    }

    #[test]
    fn every_body_has_exactly_one_check_character() {
        let body = b"91310115MA1H7XK2P";
        let c = check_character(body).unwrap();
        let mut code = String::from_utf8(body.to_vec()).unwrap();
        code.push(char::from(c));
        assert_eq!(validate(&code), Ok(()));
        for other in ALPHABET.iter().filter(|&&a| a != c) {
            let mut wrong = String::from_utf8(body.to_vec()).unwrap();
            wrong.push(char::from(*other));
            assert_eq!(validate(&wrong), Err(UsccError::Checksum), "{wrong}");
        }
    }
}
