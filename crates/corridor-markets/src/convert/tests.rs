//! Invalid files fail loading, naming the file and the field.

use crate::Markets;

/// A minimal valid file for `XX`-style tests, on Japan's code.
const VALID: &str = r#"
country = "JP"
name = "Japan"
currency = "JPY"
status = "open"

[[payment_methods]]
type = "konbini"
name = "Konbini"
async = true
flow = "voucher"
currencies = ["JPY"]
source = "https://docs.stripe.com/payments/konbini"
"#;

fn load(text: &str) -> Result<Markets, crate::LoadError> {
    Markets::from_files(&[("JP", text)])
}

fn refused(text: &str, field: &str) {
    match load(text) {
        Ok(_) => panic!("accepted, expected an error on {field}:\n{text}"),
        Err(e) => assert!(
            e.field.starts_with(field),
            "error on {} ({e}), expected {field}",
            e.field
        ),
    }
}

#[test]
fn the_minimal_file_loads() {
    assert!(load(VALID).is_ok());
}

#[test]
fn refuses_bad_fields_naming_them() {
    let cases: &[(&str, &str, &str)] = &[
        ("status = \"open\"", "status = \"closed\"", "status"),
        ("currency = \"JPY\"", "currency = \"XAU\"", "currency"),
        ("country = \"JP\"", "country = \"KR\"", "country"),
        (
            "type = \"konbini\"",
            "type = \"konbiny\"",
            "payment_methods[0].type",
        ),
        (
            "flow = \"voucher\"",
            "flow = \"cash\"",
            "payment_methods[0].flow",
        ),
        (
            "currencies = [\"JPY\"]",
            "currencies = []",
            "payment_methods[0].currencies",
        ),
        (
            "source = \"https://docs.stripe.com/payments/konbini\"",
            "source = \" \"",
            "payment_methods[0].source",
        ),
        ("async = true", "async = true\nshare_pct = 12.5", "(file)"),
        (
            "async = true",
            "async = true\nshare_pct = \"12.55\"",
            "payment_methods[0].share_pct",
        ),
        (
            "async = true",
            "async = true\nshare_pct = 101",
            "payment_methods[0].share_pct",
        ),
        ("async = true", "async = true\nshoe_size = 42", "(file)"),
        (
            "async = true",
            "async = true\nlimits = [{ currency = \"USD\", max_minor = 5 }]",
            "payment_methods[0].limits[0].currency",
        ),
        (
            "async = true",
            "async = true\nlimits = [{ currency = \"JPY\", min_minor = 9, max_minor = 5 }]",
            "payment_methods[0].limits[0]",
        ),
        (
            "async = true",
            "async = true\nlimits = [{ currency = \"JPY\", max_minor = 0 }]",
            "payment_methods[0].limits[0].max_minor",
        ),
        (
            "async = true",
            "async = true\nexpiry = { min_days = 5, default_days = 3 }",
            "payment_methods[0].expiry",
        ),
        (
            "async = true",
            "async = true\nshare_pct = 60",
            "shares_source",
        ),
    ];
    for (from, to, field) in cases {
        assert!(VALID.contains(from), "{from}");
        refused(&VALID.replacen(from, to, 1), field);
    }
}

#[test]
fn refuses_inconsistent_markets() {
    let twice = format!(
        "{VALID}{}",
        &VALID[VALID.find("[[payment_methods]]").unwrap_or(0)..]
    );
    refused(&twice, "payment_methods[1].type");
    let over = VALID.replace("status = \"open\"", "status = \"open\"\nshares_source = \"report\"")
        .replace("async = true", "async = true\nshare_pct = 60")
        + "\n[[payment_methods]]\ntype = \"card\"\nname = \"Cards\"\nasync = false\nflow = \"card\"\ncurrencies = [\"JPY\"]\nshare_pct = \"40.1\"\nsource = \"report\"\n";
    refused(&over, "payment_methods");
    let no_methods = &VALID[..VALID.find("[[payment_methods]]").unwrap_or(0)];
    refused(no_methods, "payment_methods");
    refused(&no_methods.replace("\"open\"", "\"blocked\""), "rules");
    refused(&no_methods.replace("\"open\"", "\"restricted\""), "rules");
    refused(&VALID.replace("\"open\"", "\"blocked\""), "payment_methods");
}

#[test]
fn refuses_bad_rules() {
    let rule = |body: &str| format!("{VALID}\n[[rules]]\n{body}");
    refused(
        &rule("code = \"Bad Code\"\nsummary = \"s\"\nsource = \"x\""),
        "rules[0].code",
    );
    refused(
        &rule("code = \"r\"\nsummary = \"\"\nsource = \"x\""),
        "rules[0].summary",
    );
    refused(&rule("code = \"r\"\nsummary = \"s\"\nsource = \"x\"\n[rules.import_limit]\ncurrency = \"CNY\"\nper_transaction_minor_max = 9\nper_year_minor_max = 5"), "rules[0].import_limit");
    refused(&rule("code = \"r\"\nsummary = \"s\"\nsource = \"x\"\n[rules.sca]\ncurrency = \"EUR\"\ntra = [{ amount_minor_max = 10000, fraud_rate_bps_max = 0 }]\nmerchant_initiated_exempt = true\nrecurring_fixed_amount_exempt = true"), "rules[0].sca.tra[0]");
    let two = format!(
        "{}\n[[rules]]\ncode = \"r\"\nsummary = \"s\"\nsource = \"x\"",
        rule("code = \"r\"\nsummary = \"s\"\nsource = \"x\"")
    );
    refused(&two, "rules[1].code");
}

#[test]
fn refuses_two_files_for_one_country() {
    let e = Markets::from_files(&[("JP", VALID), ("JP", VALID)]).err();
    assert!(e.is_some_and(|e| e.field == "(file)"));
}
