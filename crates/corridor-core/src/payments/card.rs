//! Card details: number (Luhn, brand, length), expiry and CVC.
//!
//! A [`CardNumber`] never leaves the payment path: only its brand, last four
//! digits and a keyed fingerprint are kept.

use crate::Timestamp;

/// Card networks Corridor recognises from the number's prefix (IIN).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CardBrand {
    /// Visa.
    Visa,
    /// Mastercard.
    Mastercard,
    /// American Express.
    Amex,
    /// Discover.
    Discover,
    /// JCB.
    Jcb,
    /// UnionPay.
    UnionPay,
    /// Diners Club.
    Diners,
}

impl CardBrand {
    /// Stable lower-case code.
    pub fn code(self) -> &'static str {
        match self {
            CardBrand::Visa => "visa",
            CardBrand::Mastercard => "mastercard",
            CardBrand::Amex => "amex",
            CardBrand::Discover => "discover",
            CardBrand::Jcb => "jcb",
            CardBrand::UnionPay => "unionpay",
            CardBrand::Diners => "diners",
        }
    }

    /// Digits a CVC of this brand has (Amex's CID has four).
    pub fn cvc_digits(self) -> usize {
        if self == CardBrand::Amex {
            4
        } else {
            3
        }
    }

    fn lengths(self) -> &'static [usize] {
        match self {
            CardBrand::Visa => &[13, 16, 19],
            CardBrand::Mastercard => &[16],
            CardBrand::Amex => &[15],
            CardBrand::Discover | CardBrand::Jcb => &[16, 17, 18, 19],
            CardBrand::UnionPay => &[16, 17, 18, 19],
            CardBrand::Diners => &[14, 16, 17, 18, 19],
        }
    }

    /// The brand of a digit string, from its leading digits.
    fn detect(digits: &str) -> Option<CardBrand> {
        let prefix = |n: usize| {
            digits
                .get(..n)
                .and_then(|p| p.parse::<u32>().ok())
                .unwrap_or(0)
        };
        let (p1, p2, p3, p4, p6) = (prefix(1), prefix(2), prefix(3), prefix(4), prefix(6));
        match () {
            _ if p2 == 34 || p2 == 37 => Some(CardBrand::Amex),
            _ if (51..=55).contains(&p2) || (2221..=2720).contains(&p4) => {
                Some(CardBrand::Mastercard)
            }
            _ if p4 == 6011
                || p2 == 65
                || (644..=649).contains(&p3)
                || (622_126..=622_925).contains(&p6) =>
            {
                Some(CardBrand::Discover)
            }
            _ if p2 == 62 || p2 == 81 => Some(CardBrand::UnionPay),
            _ if (3528..=3589).contains(&p4) => Some(CardBrand::Jcb),
            _ if p2 == 36 || p2 == 38 || p2 == 39 || (300..=305).contains(&p3) => {
                Some(CardBrand::Diners)
            }
            _ if p1 == 4 => Some(CardBrand::Visa),
            _ => None,
        }
    }
}

/// Why card details were refused. Each names the field at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CardError {
    /// Not 12-19 digits, or the Luhn check fails.
    #[error("the card number is invalid")]
    InvalidNumber,
    /// A prefix no supported network issues.
    #[error("the card brand is not supported")]
    UnsupportedBrand,
    /// A length the brand does not issue.
    #[error("the card number has the wrong length for its brand")]
    InvalidLength,
    /// Month not 1-12.
    #[error("the expiry month must be 1-12")]
    InvalidExpiryMonth,
    /// Year implausible.
    #[error("the expiry year is invalid")]
    InvalidExpiryYear,
    /// The card expired before now.
    #[error("the card has expired")]
    Expired,
    /// Wrong number of digits.
    #[error("the CVC is invalid")]
    InvalidCvc,
}

impl CardError {
    /// The request field this error is about.
    pub fn param(&self) -> &'static str {
        match self {
            CardError::InvalidNumber | CardError::UnsupportedBrand | CardError::InvalidLength => {
                "number"
            }
            CardError::InvalidExpiryMonth | CardError::Expired => "exp_month",
            CardError::InvalidExpiryYear => "exp_year",
            CardError::InvalidCvc => "cvc",
        }
    }

    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            CardError::InvalidNumber | CardError::InvalidLength => "invalid_number",
            CardError::UnsupportedBrand => "card_brand_not_supported",
            CardError::InvalidExpiryMonth => "invalid_expiry_month",
            CardError::InvalidExpiryYear => "invalid_expiry_year",
            CardError::Expired => "expired_card",
            CardError::InvalidCvc => "invalid_cvc",
        }
    }
}

/// A card number that passed the Luhn check and matches its brand's lengths.
#[derive(Clone, PartialEq, Eq)]
pub struct CardNumber {
    digits: String,
    brand: CardBrand,
}

impl std::fmt::Debug for CardNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the number, even in debug output.
        write!(f, "CardNumber({} ****{})", self.brand.code(), self.last4())
    }
}

impl CardNumber {
    /// Parses a number; spaces and dashes between digits are allowed.
    pub fn parse(text: &str) -> Result<Self, CardError> {
        let digits: String = text.chars().filter(|c| *c != ' ' && *c != '-').collect();
        if !(12..=19).contains(&digits.len())
            || !digits.bytes().all(|b| b.is_ascii_digit())
            || !luhn(&digits)
        {
            return Err(CardError::InvalidNumber);
        }
        let brand = CardBrand::detect(&digits).ok_or(CardError::UnsupportedBrand)?;
        if !brand.lengths().contains(&digits.len()) {
            return Err(CardError::InvalidLength);
        }
        Ok(CardNumber { digits, brand })
    }

    /// The network.
    pub fn brand(&self) -> CardBrand {
        self.brand
    }

    /// The last four digits.
    pub fn last4(&self) -> &str {
        &self.digits[self.digits.len() - 4..]
    }

    /// The digits, for the one place that needs them: the call to the network.
    pub fn expose_digits(&self) -> &str {
        &self.digits
    }
}

/// The Luhn sum of `digits`, doubling every second digit counted from the
/// right, starting with the rightmost if `double_first`.
fn luhn_sum(digits: &str, double_first: bool) -> u32 {
    digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if (i % 2 == 0) == double_first {
                let doubled = d * 2;
                if doubled > 9 {
                    doubled - 9
                } else {
                    doubled
                }
            } else {
                d
            }
        })
        .sum()
}

fn luhn(digits: &str) -> bool {
    luhn_sum(digits, false).is_multiple_of(10)
}

/// The check digit that makes `body` followed by it pass the Luhn check
/// (`body` must be ASCII digits), for making test card numbers.
pub fn luhn_check_digit(body: &str) -> u32 {
    (10 - luhn_sum(body, true) % 10) % 10
}

/// A card expiry month that has not passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expiry {
    /// 1-12.
    pub month: u32,
    /// Four-digit year.
    pub year: i32,
}

/// Days from the civil date to the Unix epoch (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

impl Expiry {
    /// Parses month and year (two- or four-digit) and refuses a card whose
    /// expiry month ended before `now` (a card is valid through its month).
    pub fn parse(month: i64, year: i64, now: Timestamp) -> Result<Self, CardError> {
        if !(1..=12).contains(&month) {
            return Err(CardError::InvalidExpiryMonth);
        }
        let year = if (0..100).contains(&year) {
            year + 2000
        } else {
            year
        };
        if !(2000..=2100).contains(&year) {
            return Err(CardError::InvalidExpiryYear);
        }
        let (next_year, next_month) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
        let end_micros = days_from_civil(next_year, next_month, 1) * 86_400 * 1_000_000;
        if now.unix_micros() >= end_micros {
            return Err(CardError::Expired);
        }
        let month = u32::try_from(month).map_err(|_| CardError::InvalidExpiryMonth)?;
        let year = i32::try_from(year).map_err(|_| CardError::InvalidExpiryYear)?;
        Ok(Expiry { month, year })
    }
}

/// Checks a CVC's shape for a brand.
pub fn check_cvc(cvc: &str, brand: CardBrand) -> Result<(), CardError> {
    if cvc.len() == brand.cvc_digits() && cvc.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(CardError::InvalidCvc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-11-26T00:00:00Z.
    const NOW: Timestamp = Timestamp::from_unix_micros(1_795_651_200_000_000);

    #[test]
    fn detects_brands_of_real_test_numbers() {
        let cases = [
            ("4242424242424242", CardBrand::Visa),
            ("4000 0000 0000 3220", CardBrand::Visa),
            ("5555555555554444", CardBrand::Mastercard),
            ("2223003122003222", CardBrand::Mastercard),
            ("378282246310005", CardBrand::Amex),
            ("6011111111111117", CardBrand::Discover),
            ("3566002020360505", CardBrand::Jcb),
            ("6200000000000005", CardBrand::UnionPay),
            ("36227206271667", CardBrand::Diners),
        ];
        for (number, brand) in cases {
            let card = CardNumber::parse(number).unwrap_or_else(|e| panic!("{number}: {e}"));
            assert_eq!(card.brand(), brand, "{number}");
        }
        assert_eq!(
            CardNumber::parse("4242-4242-4242-4242").unwrap().last4(),
            "4242"
        );
    }

    #[test]
    fn refuses_bad_numbers() {
        assert_eq!(
            CardNumber::parse("4242424242424241"),
            Err(CardError::InvalidNumber),
            "Luhn"
        );
        assert_eq!(
            CardNumber::parse("42424242"),
            Err(CardError::InvalidNumber),
            "too short"
        );
        assert_eq!(
            CardNumber::parse("4242a24242424242"),
            Err(CardError::InvalidNumber)
        );
        assert_eq!(
            CardNumber::parse("9999999999999995"),
            Err(CardError::UnsupportedBrand)
        );
        assert_eq!(
            CardNumber::parse("37828224631000"),
            Err(CardError::InvalidNumber)
        );
    }

    #[test]
    fn check_digits_complete_valid_numbers() {
        assert_eq!(luhn_check_digit("424242424242424"), 2);
        assert_eq!(luhn_check_digit("400000000000000"), 2);
        assert_eq!(luhn_check_digit("37828224631000"), 5);
    }

    #[test]
    fn debug_output_hides_the_number() {
        let shown = format!("{:?}", CardNumber::parse("4242424242424242").unwrap());
        assert!(!shown.contains("424242424242"), "{shown}");
    }

    #[test]
    fn expiry_is_valid_through_its_month() {
        assert!(
            Expiry::parse(11, 2026, NOW).is_ok(),
            "November 2026 is still valid on Nov 26"
        );
        assert_eq!(Expiry::parse(10, 2026, NOW), Err(CardError::Expired));
        assert_eq!(Expiry::parse(12, 30, NOW).unwrap().year, 2030);
        assert_eq!(
            Expiry::parse(13, 2030, NOW),
            Err(CardError::InvalidExpiryMonth)
        );
        assert_eq!(
            Expiry::parse(0, 2030, NOW),
            Err(CardError::InvalidExpiryMonth)
        );
        assert_eq!(
            Expiry::parse(1, 3000, NOW),
            Err(CardError::InvalidExpiryYear)
        );
    }

    #[test]
    fn cvc_length_depends_on_brand() {
        assert!(check_cvc("123", CardBrand::Visa).is_ok());
        assert_eq!(
            check_cvc("1234", CardBrand::Visa),
            Err(CardError::InvalidCvc)
        );
        assert!(check_cvc("1234", CardBrand::Amex).is_ok());
        assert_eq!(
            check_cvc("12a", CardBrand::Visa),
            Err(CardError::InvalidCvc)
        );
    }
}
