//! Where webhooks may be sent. A webhook URL makes the server send requests
//! on a merchant's behalf, so a URL pointing at loopback, a private network
//! or a link-local address (cloud metadata services live there) would be a
//! way into the operator's network. Such targets are refused unless the
//! operator allows them (`--allow-private-webhooks`), when the endpoint is
//! created (the host as written, and what it resolves to then) and again
//! at every delivery, after DNS: the client only connects to addresses that
//! pass, so a name that later resolves somewhere private is refused too.
//! Outside the sandbox, webhooks need https.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

/// How long creating an endpoint waits for its host to resolve.
const CREATE_RESOLVE_TIMEOUT: Duration = Duration::from_secs(2);

/// Which webhook targets this server accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TargetPolicy {
    /// Only `https` URLs (everywhere but the sandbox).
    pub require_https: bool,
    /// Loopback, private and link-local addresses allowed.
    pub allow_private: bool,
}

impl Default for TargetPolicy {
    /// The strict policy: https only, public addresses only.
    fn default() -> Self {
        TargetPolicy {
            require_https: true,
            allow_private: false,
        }
    }
}

impl TargetPolicy {
    /// The policy of a server configuration.
    pub fn of(config: &crate::serve::ServeConfig) -> Self {
        TargetPolicy {
            require_https: !config.sandbox,
            allow_private: config.policy.allow_private_webhooks,
        }
    }

    /// Checks a parsed URL as written (scheme, literal address, local names).
    pub fn check_url(&self, url: &reqwest::Url) -> Result<(), String> {
        if self.require_https && url.scheme() != "https" {
            return Err("must use https (plain http is accepted only in sandbox mode)".into());
        }
        if self.allow_private {
            return Ok(());
        }
        let host = url.host_str().ok_or("must name a host")?;
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = bare.parse::<IpAddr>() {
            return self.check_ip(ip);
        }
        let name = host.trim_end_matches('.').to_ascii_lowercase();
        if name == "localhost" || name.ends_with(".localhost") {
            return Err(refusal("localhost"));
        }
        Ok(())
    }

    /// Refuses a private, loopback or link-local address unless allowed.
    pub fn check_ip(&self, ip: IpAddr) -> Result<(), String> {
        if self.allow_private || is_public(ip) {
            Ok(())
        } else {
            Err(refusal(&ip.to_string()))
        }
    }

    /// Checks what a URL's host resolves to now. A name that does not
    /// resolve passes here (delivery checks it again and fails the attempt).
    pub async fn check_resolved(&self, url: &reqwest::Url) -> Result<(), String> {
        if self.allow_private {
            return Ok(());
        }
        let Some(name) = url.host_str().filter(|h| !h.starts_with('[')) else {
            return Ok(());
        };
        if name.parse::<IpAddr>().is_ok() {
            return Ok(());
        }
        let port = url.port_or_known_default().unwrap_or(443);
        let lookup = tokio::net::lookup_host((name, port));
        let Ok(Ok(addrs)) = tokio::time::timeout(CREATE_RESOLVE_TIMEOUT, lookup).await else {
            return Ok(());
        };
        for addr in addrs {
            self.check_ip(addr.ip())
                .map_err(|e| format!("{e} (the host {name} resolves to it)"))?;
        }
        Ok(())
    }

    /// The DNS resolver deliveries use: it answers only addresses this
    /// policy accepts, so the connection goes only where the check passed.
    pub fn resolver(self) -> Arc<CheckedResolver> {
        Arc::new(CheckedResolver { policy: self })
    }
}

fn refusal(target: &str) -> String {
    format!(
        "must not point at {target}: loopback, private and link-local addresses are refused (the operator can allow them with --allow-private-webhooks)"
    )
}

/// Whether an address is on the public internet: not loopback, private,
/// link-local, carrier-grade NAT, unspecified, multicast, broadcast or
/// documentation space (IPv4-mapped IPv6 addresses are judged as IPv4).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, _, _] = ip.octets();
    let shared_nat = a == 100 && (64..128).contains(&b);
    let this_network = a == 0;
    let reserved = a >= 240;
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || shared_nat
        || this_network
        || reserved)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    let unique_local = first & 0xfe00 == 0xfc00;
    let link_local = first & 0xffc0 == 0xfe80;
    let documentation = first == 0x2001 && ip.segments()[1] == 0x0db8;
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || unique_local
        || link_local
        || documentation)
}

/// A resolver that drops addresses the policy refuses, and fails when none
/// is left.
#[derive(Debug)]
pub struct CheckedResolver {
    policy: TargetPolicy,
}

impl reqwest::dns::Resolve for CheckedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = self.policy;
        let host = name.as_str().to_string();
        Box::pin(async move {
            let resolved: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = resolved
                .into_iter()
                .filter(|a| policy.check_ip(a.ip()).is_ok())
                .collect();
            if allowed.is_empty() {
                let message = format!(
                    "{host} resolves only to refused addresses: {}",
                    refusal("them")
                );
                return Err(message.into());
            }
            let addrs: reqwest::dns::Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strict() -> TargetPolicy {
        TargetPolicy::default()
    }

    fn check(policy: TargetPolicy, url: &str) -> Result<(), String> {
        policy.check_url(&reqwest::Url::parse(url).unwrap())
    }

    #[test]
    fn refuses_internal_targets() {
        for url in [
            "https://127.0.0.1/hook",
            "https://10.1.2.3/",
            "https://172.16.0.1/",
            "https://192.168.1.1/",
            "https://169.254.169.254/latest/meta-data",
            "https://[::1]/",
            "https://[fe80::1]/",
            "https://[fd00::1]/",
            "https://[::ffff:127.0.0.1]/",
            "https://0.0.0.0/",
            "https://100.64.0.1/",
            "https://localhost/",
            "https://api.localhost./",
        ] {
            assert!(check(strict(), url).is_err(), "{url}");
        }
        for url in [
            "https://93.184.215.14/",
            "https://example.com/",
            "https://[2606:4700::1]/",
        ] {
            assert!(check(strict(), url).is_ok(), "{url}");
        }
    }

    #[test]
    fn https_outside_the_sandbox_and_private_when_allowed() {
        assert!(check(strict(), "http://example.com/").is_err());
        let sandbox = TargetPolicy {
            require_https: false,
            allow_private: false,
        };
        assert!(check(sandbox, "http://example.com/").is_ok());
        assert!(check(sandbox, "http://127.0.0.1:9/").is_err());
        let open = TargetPolicy {
            require_https: false,
            allow_private: true,
        };
        assert!(check(open, "http://127.0.0.1:9/").is_ok());
    }
}
