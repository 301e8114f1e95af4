//! Jaro-Winkler similarity over ASCII tokens without allocating: a screening
//! compares thousands of token pairs. It computes what `strsim::jaro_winkler`
//! computes (a test holds them equal); tokens longer than [`MAX_LEN`] bytes
//! are compared on their first [`MAX_LEN`] bytes.

/// The longest token compared in full.
pub const MAX_LEN: usize = 64;

/// Jaro-Winkler similarity of two byte strings, 0 to 1.
pub fn jaro_winkler(a: &[u8], b: &[u8]) -> f64 {
    let a = &a[..a.len().min(MAX_LEN)];
    let b = &b[..b.len().min(MAX_LEN)];
    let sim = jaro(a, b);
    if sim > 0.7 {
        let prefix = a.iter().zip(b).take(4).take_while(|(x, y)| x == y).count();
        sim + 0.1 * prefix as f64 * (1.0 - sim)
    } else {
        sim
    }
}

fn jaro(a: &[u8], b: &[u8]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let window = (a.len().max(b.len()) / 2).saturating_sub(1);
    let mut b_used = [false; MAX_LEN];
    let mut a_matched = [0u8; MAX_LEN];
    let mut matches = 0usize;
    for (i, &x) in a.iter().enumerate() {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(b.len());
        for j in lo..hi {
            if !b_used[j] && b[j] == x {
                b_used[j] = true;
                a_matched[matches] = x;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut k = 0;
    let mut transpositions = 0usize;
    for (j, &y) in b.iter().enumerate() {
        if b_used[j] {
            if a_matched[k] != y {
                transpositions += 1;
            }
            k += 1;
        }
    }
    let m = matches as f64;
    let t = (transpositions / 2) as f64;
    (m / a.len() as f64 + m / b.len() as f64 + (m - t) / m) / 3.0
}

#[cfg(test)]
mod tests {
    use super::jaro_winkler;

    #[test]
    fn agrees_with_strsim() {
        let words = [
            "QADHAFI",
            "GADDAFI",
            "KADAFI",
            "MUAMMAR",
            "MOAMMAR",
            "MARTHA",
            "MARHTA",
            "DIXON",
            "DICKSONX",
            "JELLYFISH",
            "SMELLYFISH",
            "A",
            "AB",
            "BA",
            "ABDULRAHMAN",
            "ABDUL",
            "RAHMAN",
            "MOHAMMED",
            "MUHAMMAD",
            "",
        ];
        for a in words {
            for b in words {
                let ours = jaro_winkler(a.as_bytes(), b.as_bytes());
                let theirs = strsim::jaro_winkler(a, b);
                assert!((ours - theirs).abs() < 1e-12, "{a} {b}: {ours} vs {theirs}");
            }
        }
    }
}
