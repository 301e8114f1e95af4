//! Format and check-digit rules of national bank identifiers.
//!
//! Each function takes the field name it reports errors under and returns
//! the identifier in its canonical form (separators removed).

use super::DetailError;
use crate::CountryCode;

fn digits_only(input: &str, separators: &[char]) -> String {
    input.chars().filter(|c| !separators.contains(c)).collect()
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn digit_values(s: &str) -> Vec<u32> {
    s.bytes().map(|b| u32::from(b - b'0')).collect()
}

/// Exactly `len` digits (after removing `separators`).
pub fn fixed_digits(
    field: &'static str,
    input: &str,
    len: usize,
    separators: &[char],
    what: &str,
) -> Result<String, DetailError> {
    let s = digits_only(input.trim(), separators);
    if s.len() == len && all_digits(&s) {
        Ok(s)
    } else {
        Err(DetailError::new(
            field,
            "format_invalid",
            format!("{what} is {len} digits"),
        ))
    }
}

/// Between `min` and `max` digits.
pub fn digits_between(
    field: &'static str,
    input: &str,
    min: usize,
    max: usize,
    what: &str,
) -> Result<String, DetailError> {
    let s = digits_only(input.trim(), &[' ', '-']);
    if (min..=max).contains(&s.len()) && all_digits(&s) {
        Ok(s)
    } else {
        Err(DetailError::new(
            field,
            "format_invalid",
            format!("{what} is {min} to {max} digits"),
        ))
    }
}

/// A BIC (ISO 9362): 4 letters (institution), 2 letters (an ISO 3166
/// country), 2 letters or digits (location), optionally 3 more (branch).
pub fn bic(field: &'static str, input: &str) -> Result<(String, CountryCode), DetailError> {
    let s = input.trim().to_ascii_uppercase();
    let b = s.as_bytes();
    let shape = (b.len() == 8 || b.len() == 11)
        && b[..6].iter().all(u8::is_ascii_uppercase)
        && b[6..].iter().all(u8::is_ascii_alphanumeric);
    if !shape {
        return Err(DetailError::new(
            field,
            "bic_invalid",
            "a BIC is 8 or 11 characters: 4 letters, a 2-letter country, 2 letters or digits, and an optional 3-character branch",
        ));
    }
    let country = CountryCode::parse(&s[4..6]).map_err(|_| {
        DetailError::new(
            field,
            "bic_invalid",
            format!("'{}' in the BIC is not an ISO 3166 country", &s[4..6]),
        )
    })?;
    Ok((s, country))
}

/// A US ABA routing number: 9 digits, a valid Federal Reserve prefix and
/// the 3-7-1 weighted checksum.
pub fn aba_routing(field: &'static str, input: &str) -> Result<String, DetailError> {
    let s = fixed_digits(field, input, 9, &[' ', '-'], "an ABA routing number")?;
    let d = digit_values(&s);
    let prefix = d[0] * 10 + d[1];
    if !matches!(prefix, 0..=12 | 21..=32 | 61..=72 | 80) {
        return Err(DetailError::new(
            field,
            "routing_number_invalid",
            format!("{prefix:02} is not a Federal Reserve routing prefix"),
        ));
    }
    let sum = 3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8]);
    if !sum.is_multiple_of(10) {
        return Err(DetailError::new(
            field,
            "routing_number_checksum_invalid",
            "the routing number's check digit is wrong (ABA 3-7-1 checksum)",
        ));
    }
    Ok(s)
}

/// An Indian IFSC: 4 letters (bank), a zero, 6 letters or digits (branch).
pub fn ifsc(field: &'static str, input: &str) -> Result<String, DetailError> {
    let s = input.trim().to_ascii_uppercase();
    let b = s.as_bytes();
    let ok = b.len() == 11
        && b[..4].iter().all(u8::is_ascii_uppercase)
        && b[4] == b'0'
        && b[5..].iter().all(u8::is_ascii_alphanumeric);
    if ok {
        Ok(s)
    } else {
        Err(DetailError::new(
            field,
            "ifsc_invalid",
            "an IFSC is 11 characters: 4 letters for the bank, a zero, then 6 letters or digits for the branch",
        ))
    }
}

/// A Mexican CLABE: 18 digits, the last a check digit over the first 17
/// with weights 3, 7, 1.
pub fn clabe(field: &'static str, input: &str) -> Result<String, DetailError> {
    let s = fixed_digits(field, input, 18, &[' ', '-'], "a CLABE")?;
    let d = digit_values(&s);
    let weights = [3, 7, 1];
    let sum: u32 = d[..17]
        .iter()
        .enumerate()
        .map(|(i, v)| (v * weights[i % 3]) % 10)
        .sum();
    let check = (10 - sum % 10) % 10;
    if check == d[17] {
        Ok(s)
    } else {
        Err(DetailError::new(
            field,
            "clabe_checksum_invalid",
            "the CLABE's check digit is wrong",
        ))
    }
}

fn mod11_digit(digits: &[u32], weights: &[u32]) -> u32 {
    let sum: u32 = digits.iter().zip(weights).map(|(d, w)| d * w).sum();
    let r = sum % 11;
    if r < 2 {
        0
    } else {
        11 - r
    }
}

/// A Brazilian CPF (11 digits) or CNPJ (14 digits) with both check digits.
pub fn cpf_cnpj(field: &'static str, input: &str) -> Result<String, DetailError> {
    let s = digits_only(input.trim(), &['.', '-', '/', ' ']);
    if !all_digits(&s) || (s.len() != 11 && s.len() != 14) {
        return Err(DetailError::new(
            field,
            "format_invalid",
            "a CPF is 11 digits and a CNPJ 14 digits",
        ));
    }
    let d = digit_values(&s);
    if d.iter().all(|x| *x == d[0]) {
        return Err(DetailError::new(
            field,
            "cpf_cnpj_invalid",
            "a CPF or CNPJ cannot repeat one digit",
        ));
    }
    let ok = if d.len() == 11 {
        let w1: Vec<u32> = (2..=10).rev().collect();
        let w2: Vec<u32> = (2..=11).rev().collect();
        mod11_digit(&d[..9], &w1) == d[9] && mod11_digit(&d[..10], &w2) == d[10]
    } else {
        let w1 = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
        let w2 = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
        mod11_digit(&d[..12], &w1) == d[12] && mod11_digit(&d[..13], &w2) == d[13]
    };
    if ok {
        Ok(s)
    } else {
        Err(DetailError::new(
            field,
            "cpf_cnpj_checksum_invalid",
            "the CPF or CNPJ check digits are wrong",
        ))
    }
}

/// A Brazilian account number: digits with an optional check digit after a
/// hyphen (`12345-6`, `1234-X`).
pub fn brazil_account(field: &'static str, input: &str) -> Result<String, DetailError> {
    let s = input.trim().to_ascii_uppercase();
    let (number, check) = match s.split_once('-') {
        Some((n, c)) => (n, Some(c)),
        None => (s.as_str(), None),
    };
    let number_ok = (1..=12).contains(&number.len()) && all_digits(number);
    let check_ok = check.is_none_or(|c| c.len() == 1 && (all_digits(c) || c == "X"));
    if number_ok && check_ok {
        Ok(s)
    } else {
        Err(DetailError::new(
            field,
            "format_invalid",
            "a Brazilian account number is 1 to 12 digits, optionally followed by '-' and a check digit",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aba_checksum() {
        assert_eq!(aba_routing("r", "011000015").unwrap(), "011000015");
        assert_eq!(aba_routing("r", "021000021").unwrap(), "021000021");
        assert_eq!(
            aba_routing("r", "021000022").unwrap_err().code,
            "routing_number_checksum_invalid"
        );
        assert_eq!(
            aba_routing("r", "991000021").unwrap_err().code,
            "routing_number_invalid"
        );
        assert_eq!(
            aba_routing("r", "12345").unwrap_err().code,
            "format_invalid"
        );
    }

    #[test]
    fn clabe_checksum() {
        // Banxico's published example.
        assert!(clabe("c", "032180000118359719").is_ok());
        assert_eq!(
            clabe("c", "032180000118359718").unwrap_err().code,
            "clabe_checksum_invalid"
        );
    }

    #[test]
    fn cpf_and_cnpj_check_digits() {
        assert!(cpf_cnpj("d", "529.982.247-25").is_ok());
        assert!(cpf_cnpj("d", "11.222.333/0001-81").is_ok());
        assert_eq!(
            cpf_cnpj("d", "529.982.247-24").unwrap_err().code,
            "cpf_cnpj_checksum_invalid"
        );
        assert_eq!(
            cpf_cnpj("d", "11.222.333/0001-82").unwrap_err().code,
            "cpf_cnpj_checksum_invalid"
        );
        assert_eq!(
            cpf_cnpj("d", "111.111.111-11").unwrap_err().code,
            "cpf_cnpj_invalid"
        );
    }

    #[test]
    fn bic_and_ifsc_shapes() {
        assert_eq!(bic("b", "deutdeff").unwrap().0, "DEUTDEFF");
        assert!(bic("b", "BKCHCNBJ300").is_ok());
        assert!(bic("b", "DEUTZZFF").is_err());
        assert!(bic("b", "DEUT1EFF").is_err());
        assert!(ifsc("i", "HDFC0000123").is_ok());
        assert!(ifsc("i", "HDFC1000123").is_err());
    }

    #[test]
    fn brazil_accounts() {
        assert!(brazil_account("a", "12345-6").is_ok());
        assert!(brazil_account("a", "1234-X").is_ok());
        assert!(brazil_account("a", "12a45").is_err());
    }
}
