//! Approximate shares of e-commerce payments, in tenths of a percent.

/// An approximate share of a market's e-commerce payments, held as tenths of
/// a percent (`645` is 64.5 %), never as a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Share(u16);

/// Tenths of a percent in a whole market.
pub(crate) const FULL_TENTHS: u16 = 1000;

impl Share {
    /// Parses an integer percent (`"64"`) or a decimal percent with at most
    /// one decimal (`"12.5"`), from 0 to 100.
    pub fn parse_pct(text: &str) -> Option<Share> {
        let (whole, tenth) = match text.split_once('.') {
            Some((w, t)) if t.len() == 1 => (w, t),
            Some(_) => return None,
            None => (text, "0"),
        };
        let digits =
            |s: &str| !s.is_empty() && s.len() <= 3 && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || !digits(tenth) {
            return None;
        }
        let tenths = whole
            .parse::<u16>()
            .ok()?
            .checked_mul(10)?
            .checked_add(tenth.parse::<u16>().ok()?)?;
        Share::from_tenths(tenths)
    }

    /// A share from tenths of a percent, at most 1000.
    pub fn from_tenths(tenths: u16) -> Option<Share> {
        (tenths <= FULL_TENTHS).then_some(Share(tenths))
    }

    /// Tenths of a percent.
    pub fn tenths(self) -> u16 {
        self.0
    }
}

impl std::fmt::Display for Share {
    /// `64` or `12.5`: a percent without the sign.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (whole, tenth) = (self.0 / 10, self.0 % 10);
        if tenth == 0 {
            write!(f, "{whole}")
        } else {
            write!(f, "{whole}.{tenth}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_integer_and_one_decimal_percent() {
        assert_eq!(Share::parse_pct("64").map(Share::tenths), Some(640));
        assert_eq!(Share::parse_pct("12.5").map(Share::tenths), Some(125));
        assert_eq!(Share::parse_pct("0").map(Share::tenths), Some(0));
        assert_eq!(Share::parse_pct("100").map(Share::tenths), Some(1000));
    }

    #[test]
    fn refuses_out_of_range_and_malformed() {
        for text in [
            "", "100.1", "101", "1.25", "-1", "1e2", " 5", "5.", ".5", "abc",
        ] {
            assert_eq!(Share::parse_pct(text), None, "{text}");
        }
    }

    #[test]
    fn displays_as_a_percent_number() {
        assert_eq!(Share::parse_pct("64").unwrap().to_string(), "64");
        assert_eq!(Share::parse_pct("12.5").unwrap().to_string(), "12.5");
    }
}
