//! SSRF protection: links from feeds and pages, and redirects, must not reach
//! loopback, private, link-local (169.254.169.254, the cloud metadata
//! service) or other non-public addresses, nor non-http(s) schemes — checked
//! after DNS resolution and on every redirect hop. `--allow-private` lifts it.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

/// Words every refusal carries, so transport errors can be recognised as refusals.
pub const REFUSAL: &str = "not a public address";

/// Refuse non-http(s) schemes and IP-literal hosts that are not public.
pub fn check_url(url: &Url, allow_private: bool) -> Result<(), String> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("scheme `{}` is {REFUSAL}", url.scheme()));
    }
    if allow_private {
        return Ok(());
    }
    let ip = match url.host() {
        Some(Host::Ipv4(v4)) => IpAddr::V4(v4),
        Some(Host::Ipv6(v6)) => IpAddr::V6(v6),
        Some(Host::Domain(d)) if d.eq_ignore_ascii_case("localhost") || d.ends_with(".localhost") => {
            return Err(format!("{d} is {REFUSAL}"));
        }
        _ => return Ok(()), // host names are checked after resolution
    };
    if is_public(ip) { Ok(()) } else { Err(format!("{ip} is {REFUSAL}")) }
}

/// Whether `ip` is a globally routable unicast address.
///
/// The IANA special-purpose registries, as the standard library's unstable `is_global` reads
/// them (there is no maintained stable crate for it), plus one rule `is_global` lacks: an IPv6
/// address that carries an IPv4 address (IPv4-mapped or -compatible, NAT64, 6to4, Teredo) is
/// public only if the address it carries is, since a gateway may deliver it there.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match embedded_ipv4(v6) {
            Some(carried) => carried.iter().all(|v4| is_public_v4(*v4)),
            None => is_public_v6(v6),
        },
    }
}

/// The IPv4 addresses an IPv6 address carries, when it is one of the forms that carry one.
fn embedded_ipv4(ip: Ipv6Addr) -> Option<Vec<Ipv4Addr>> {
    let s = ip.segments();
    let v4 = |high: u16, low: u16| Ipv4Addr::from((u32::from(high) << 16) | u32::from(low));
    match s {
        // ::a.b.c.d (IPv4-compatible, deprecated) and ::ffff:a.b.c.d (IPv4-mapped).
        [0, 0, 0, 0, 0, 0 | 0xffff, ..] => Some(vec![v4(s[6], s[7])]),
        // 64:ff9b::/96, the well-known NAT64 prefix, and 64:ff9b:1::/48 for local NAT64.
        [0x64, 0xff9b, 0, 0, 0, 0, ..] | [0x64, 0xff9b, 1, ..] => Some(vec![v4(s[6], s[7])]),
        // 2002:AABB:CCDD::/48, 6to4: the relay's IPv4 address follows the prefix.
        [0x2002, high, low, ..] => Some(vec![v4(high, low)]),
        // 2001::/32, Teredo: the server's IPv4 address, then the client's, inverted.
        [0x2001, 0, high, low, ..] => Some(vec![v4(high, low), v4(!s[6], !s[7])]),
        _ => None,
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // carrier-grade NAT
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local
        || (first & 0xffc0) == 0xfe80 // link local
        || first == 0x2001 && ip.segments()[1] == 0x0db8) // documentation
}

/// A resolver that drops non-public addresses, and fails when none is left.
pub struct PublicOnlyResolver;

impl Resolve for PublicOnlyResolver {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let host = name.as_str().to_string();
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let public: Vec<SocketAddr> = addrs.into_iter().filter(|a| is_public(a.ip())).collect();
            if public.is_empty() {
                let e: Box<dyn std::error::Error + Send + Sync> = format!("{host} resolves to {REFUSAL}").into();
                return Err(e);
            }
            Ok(Box::new(public.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(url: &str) -> Result<(), String> {
        check_url(&Url::parse(url).unwrap(), false)
    }

    #[test]
    fn private_loopback_link_local_and_odd_schemes_are_refused() {
        for bad in [
            "http://127.0.0.1/x",
            "http://10.1.2.3/",
            "http://192.168.0.1/",
            "http://172.16.5.5/",
            "http://169.254.169.254/latest/meta-data/",
            "http://[::1]/",
            "http://[fd00::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://[::7f00:1]/",
            "http://[::10.0.0.1]/",
            "http://[64:ff9b::7f00:1]/",
            "http://[64:ff9b::a9fe:a9fe]/",
            "http://[64:ff9b:1::c0a8:1]/",
            "http://[2002:7f00:1::1]/",
            "http://[2002:c0a8:101::]/",
            "http://[2001:0:7f00:1::1]/",
            "http://0.0.0.0/",
            "http://localhost:8080/",
            "file:///etc/passwd",
            "gopher://example.com/",
        ] {
            assert!(check(bad).is_err(), "{bad} should be refused");
        }
        for good in [
            "https://example.com/a",
            "http://93.184.216.34/",
            "http://[2606:4700::1111]/",
            "http://[::ffff:93.184.216.34]/",
            "http://[64:ff9b::5db8:d822]/",
            "http://[2002:5db8:d822::1]/",
        ] {
            assert!(check(good).is_ok(), "{good} should be allowed");
        }
        assert!(check_url(&Url::parse("http://127.0.0.1/").unwrap(), true).is_ok());
        assert!(check_url(&Url::parse("file:///etc/passwd").unwrap(), true).is_err());
    }

    #[tokio::test]
    async fn names_resolving_to_loopback_are_refused() {
        let name: Name = "localhost".parse().unwrap();
        assert!(PublicOnlyResolver.resolve(name).await.is_err());
    }
}
