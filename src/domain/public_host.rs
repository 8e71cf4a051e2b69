//! Whether a link's host is a public place on the internet. A link to a
//! private or local address (a home router, a cloud metadata service, the
//! reader's own machine) must never be published: clicking it makes the
//! reader's browser act on their own network.

use std::net::{Ipv4Addr, Ipv6Addr};

use url::Host;

/// Names that always mean this machine or a private network, whatever DNS says.
const LOCAL_NAMES: [&str; 6] = [
    "localhost",   // RFC 6761
    "local",       // multicast DNS, RFC 6762
    "home.arpa",   // home networks, RFC 8375
    "internal",    // private use, reserved by ICANN
    "intranet",    // private use, in common use
    "localdomain", // many systems' default domain
];

/// The host as the `url` crate parsed it: it has already turned
/// `2130706433`, `0x7f.1` and `0177.0.0.1` into `127.0.0.1`.
pub fn is_public<S: AsRef<str>>(host: &Host<S>) -> bool {
    match host {
        Host::Domain(name) => is_public_name(name.as_ref()),
        Host::Ipv4(ip) => is_public_v4(*ip),
        Host::Ipv6(ip) => is_public_v6(*ip),
    }
}

/// A name with at least two labels, none empty, outside the local names.
fn is_public_name(name: &str) -> bool {
    let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
    let labels: Vec<&str> = name.split('.').collect();
    if labels.len() < 2 || labels.iter().any(|l| l.is_empty()) {
        return false;
    }
    !LOCAL_NAMES
        .iter()
        .any(|local| name == *local || name.ends_with(&format!(".{local}")))
}

/// Every IPv4 block that is not reachable on the public internet.
const NOT_PUBLIC_V4: [([u8; 4], u8); 15] = [
    ([0, 0, 0, 0], 8),       // "this network", unspecified
    ([10, 0, 0, 0], 8),      // private
    ([100, 64, 0, 0], 10),   // carrier-grade NAT
    ([127, 0, 0, 0], 8),     // loopback
    ([169, 254, 0, 0], 16),  // link-local, cloud metadata services
    ([172, 16, 0, 0], 12),   // private
    ([192, 0, 0, 0], 24),    // IETF protocol assignments
    ([192, 0, 2, 0], 24),    // documentation
    ([192, 88, 99, 0], 24),  // old 6to4 relays
    ([192, 168, 0, 0], 16),  // private
    ([198, 18, 0, 0], 15),   // benchmarking
    ([198, 51, 100, 0], 24), // documentation
    ([203, 0, 113, 0], 24),  // documentation
    ([224, 0, 0, 0], 4),     // multicast
    ([240, 0, 0, 0], 4),     // reserved, and the broadcast address
];

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let ip = u32::from(ip);
    !NOT_PUBLIC_V4.iter().any(|&(network, bits)| {
        let mask = u32::MAX << (32 - u32::from(bits));
        ip & mask == u32::from(Ipv4Addr::from(network))
    })
}

/// Only global unicast (`2000::/3`) is public. That leaves out loopback,
/// unspecified, IPv4-mapped (`::ffff:127.0.0.1`), unique-local, link-local
/// and multicast at once. Inside it, documentation, the IETF's own blocks
/// (Teredo, benchmarking) and 6to4 wrapped around a non-public IPv4 are not.
fn is_public_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    let global_unicast = s[0] & 0xe000 == 0x2000;
    let documentation = (s[0] == 0x2001 && s[1] == 0x0db8) || s[0] & 0xfff0 == 0x3ff0;
    let ietf = s[0] == 0x2001 && s[1] < 0x0200;
    let six_to_four = s[0] == 0x2002;
    let wrapped_v4 = Ipv4Addr::new((s[1] >> 8) as u8, s[1] as u8, (s[2] >> 8) as u8, s[2] as u8);
    global_unicast && !documentation && !ietf && (!six_to_four || is_public_v4(wrapped_v4))
}

#[cfg(test)]
mod tests {
    use super::is_public;

    fn public(host: &str) -> bool {
        is_public(&url::Host::parse(host).unwrap())
    }

    #[test]
    fn public_hosts() {
        for host in [
            "example.org",
            "blog.example.org",
            "social.example",
            "xn--e1a.org",
            "localhost.example.org",
            "8.8.8.8",
            "93.184.216.34",
            "100.63.255.255",
            "100.128.0.0",
            "172.32.0.1",
            "[2606:4700::1111]",
            "[2a00:1450:4009:81f::200e]",
            "[2002:0808:0808::1]",
        ] {
            assert!(public(host), "{host} should be public");
        }
    }

    #[test]
    fn private_and_local_hosts() {
        for host in [
            "localhost",
            "intranet",
            "router",
            "foo.localhost",
            "printer.local",
            "nas.home.arpa",
            "db.internal",
            "0.0.0.0",
            "10.0.0.1",
            "100.64.0.1",
            "127.0.0.1",
            "127.255.255.254",
            "169.254.169.254",
            "172.16.0.1",
            "172.31.255.255",
            "192.0.0.8",
            "192.0.2.1",
            "192.168.1.1",
            "198.18.0.1",
            "198.51.100.7",
            "203.0.113.9",
            "224.0.0.1",
            "240.0.0.1",
            "255.255.255.255",
            "[::]",
            "[::1]",
            "[::ffff:127.0.0.1]",
            "[::ffff:8.8.8.8]",
            "[::127.0.0.1]",
            "[64:ff9b::7f00:1]",
            "[fc00::1]",
            "[fd12:3456:789a::1]",
            "[fe80::1]",
            "[fec0::1]",
            "[ff02::1]",
            "[2001:db8::1]",
            "[3fff::1]",
            "[2001::1]",
            "[2002:7f00:0001::1]",
            "[2002:c0a8:0101::1]",
        ] {
            assert!(!public(host), "{host} should not be public");
        }
    }
}
