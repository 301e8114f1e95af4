//! How a sandbox world behaves: seed, latency mode, timeouts, timings.

/// The public base URL of a world that names none: buyer-facing links
/// point nowhere until [`super::http::spawn`] points them at its server.
pub const DEFAULT_PUBLIC_BASE_URL: &str = "https://sandbox.corridor.invalid";

/// Whether simulated latency is slept or only reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LatencyMode {
    /// Never sleep: latency is reported in each response only. For tests and
    /// benchmarks driven by a [`crate::ManualClock`].
    Virtual,
    /// Sleep the simulated latency, at most `max_ms` per call, so a demo
    /// feels like a real provider without being slow.
    Sleep {
        /// Cap on one sleep, in milliseconds.
        max_ms: u32,
    },
}

/// Where HTTP mode POSTs notifications, and the secret that signs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookTarget {
    /// The callback URL.
    pub url: String,
    /// The HMAC-SHA256 key of the `Sandbox-Signature` header.
    pub secret: String,
}

/// How long buyers have to act and how long asynchronous payments take, in
/// simulated seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timings {
    /// A 3DS challenge lapses after this.
    pub three_ds_expiry_seconds: i64,
    /// A wallet, bank or BNPL redirect lapses after this.
    pub redirect_expiry_seconds: i64,
    /// A WeChat Pay QR code expires after this.
    pub wechat_qr_expiry_seconds: i64,
    /// A Pix QR code expires after this.
    pub pix_qr_expiry_seconds: i64,
    /// A UPI collect request lapses after this.
    pub upi_collect_expiry_seconds: i64,
    /// A Konbini, OXXO or Boleto voucher expires after this.
    pub voucher_expiry_seconds: i64,
    /// A paid Konbini voucher is confirmed after this.
    pub konbini_settle_seconds: i64,
    /// A paid OXXO voucher is confirmed after this.
    pub oxxo_settle_seconds: i64,
    /// A paid Boleto is confirmed after this.
    pub boleto_settle_seconds: i64,
    /// A SEPA debit succeeds or fails after this.
    pub sepa_settle_seconds: i64,
    /// An uncaptured authorization is voided after this.
    pub authorization_expiry_seconds: i64,
}

impl Default for Timings {
    fn default() -> Self {
        const MINUTE: i64 = 60;
        const HOUR: i64 = 60 * MINUTE;
        const DAY: i64 = 24 * HOUR;
        Timings {
            three_ds_expiry_seconds: 10 * MINUTE,
            redirect_expiry_seconds: HOUR,
            wechat_qr_expiry_seconds: 2 * HOUR,
            pix_qr_expiry_seconds: HOUR,
            upi_collect_expiry_seconds: 10 * MINUTE,
            voucher_expiry_seconds: 3 * DAY,
            konbini_settle_seconds: 5 * MINUTE,
            oxxo_settle_seconds: DAY,
            boleto_settle_seconds: 2 * DAY,
            sepa_settle_seconds: 2 * DAY,
            authorization_expiry_seconds: 7 * DAY,
        }
    }
}

/// Everything a sandbox world is configured with.
#[derive(Debug, Clone, PartialEq)]
pub struct SandboxConfig {
    /// Seeds every random draw.
    pub seed: u64,
    /// Sleep or not.
    pub latency: LatencyMode,
    /// A call whose simulated latency passes this times out, in milliseconds.
    pub timeout_ms: u32,
    /// How long the HTTP server holds a request that times out before it
    /// answers 504, in milliseconds (longer than any client's timeout).
    pub http_hang_ms: u32,
    /// Random timeouts and server errors at each provider's base rates. The
    /// documented test cards are never hit by these, only by scheduled faults.
    pub background_faults: bool,
    /// Simulate buyers: each action (3DS, redirect, QR code, voucher, UPI
    /// request) is completed by the buyer at a random time, with the
    /// method's completion rate, or left to expire.
    pub simulate_buyers: bool,
    /// Expiries and settlement delays.
    pub timings: Timings,
    /// Where HTTP mode POSTs notifications, if anywhere.
    pub webhook: Option<WebhookTarget>,
    /// Base of the 3DS and redirect URLs handed to buyers. If left at
    /// [`DEFAULT_PUBLIC_BASE_URL`], [`super::http::spawn`] replaces it with
    /// the server's own address.
    pub public_base_url: String,
}

impl SandboxConfig {
    /// A world that sleeps a realistic latency (at most 800 ms a call), as a
    /// server or demo runs it.
    pub fn new(seed: u64) -> Self {
        SandboxConfig {
            seed,
            latency: LatencyMode::Sleep { max_ms: 800 },
            timeout_ms: 10_000,
            http_hang_ms: 30_000,
            background_faults: true,
            simulate_buyers: false,
            timings: Timings::default(),
            webhook: None,
            public_base_url: DEFAULT_PUBLIC_BASE_URL.to_string(),
        }
    }

    /// A world that never sleeps, for tests and benchmarks.
    pub fn virtual_time(seed: u64) -> Self {
        SandboxConfig {
            latency: LatencyMode::Virtual,
            ..SandboxConfig::new(seed)
        }
    }
}
