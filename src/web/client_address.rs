//! The address a request is counted against by the limits: the peer, or, behind proxies we
//! trust, the right-most `X-Forwarded-For` hop that is not one of them. A proxy such as nginx
//! appends the address it saw to whatever the client sent, so only the hops right of the last
//! untrusted one were written by us; anything further left is the client's own claim.

use std::net::IpAddr;

use ipnet::IpNet;

/// The configured proxies: addresses and CIDR ranges.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Parses `127.0.0.1, 10.0.0.0/8, ::1`; a bare address is a range of one.
    pub fn parse(list: &str) -> Result<TrustedProxies, String> {
        list.split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                entry
                    .parse::<IpNet>()
                    .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("not an address or CIDR range: {entry:?}"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }

    fn trusts(&self, address: &str) -> bool {
        parse_hop(address).is_some_and(|ip| self.0.iter().any(|net| net.contains(&ip)))
    }
}

/// A hop as written in `X-Forwarded-For`: an address, maybe with a port or in brackets.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    if let Ok(ip) = hop.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(socket) = hop.parse::<std::net::SocketAddr>() {
        return Some(socket.ip());
    }
    hop.strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
        .and_then(|inner| inner.parse().ok())
}

/// The client's address. `peer` is the TCP peer; `forwarded` the values of every
/// `X-Forwarded-For` header in order. Forwarded hops are read only when the peer itself is a
/// trusted proxy.
pub fn client_address(peer: &str, forwarded: &[&str], trusted: &TrustedProxies) -> String {
    if !trusted.trusts(peer) {
        return peer.to_string();
    }
    let hops: Vec<&str> = forwarded
        .iter()
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .filter(|hop| !hop.is_empty())
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        client = hop;
        if !trusted.trusts(hop) {
            break;
        }
    }
    match parse_hop(client) {
        Some(ip) => ip.to_string(),
        None => client.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxies() -> TrustedProxies {
        TrustedProxies::parse("127.0.0.1, 10.0.0.0/8, ::1").unwrap()
    }

    #[test]
    fn the_right_most_untrusted_hop_is_the_client() {
        let got = client_address("127.0.0.1", &["6.6.6.6, 203.0.113.9, 10.1.2.3"], &proxies());
        assert_eq!(got, "203.0.113.9");
    }

    #[test]
    fn what_the_client_writes_left_of_the_proxy_is_ignored() {
        for forged in ["1.1.1.1", "2.2.2.2, 3.3.3.3", "garbage"] {
            let header = format!("{forged}, 198.51.100.7");
            assert_eq!(
                client_address("127.0.0.1", &[&header], &proxies()),
                "198.51.100.7"
            );
        }
    }

    #[test]
    fn a_peer_that_is_not_a_trusted_proxy_is_the_client() {
        assert_eq!(
            client_address("198.51.100.7", &["1.1.1.1"], &proxies()),
            "198.51.100.7"
        );
    }

    #[test]
    fn only_trusted_hops_leave_the_left_most_one() {
        assert_eq!(
            client_address("127.0.0.1", &["10.0.0.5", "10.0.0.6"], &proxies()),
            "10.0.0.5"
        );
        assert_eq!(client_address("127.0.0.1", &[], &proxies()), "127.0.0.1");
    }

    #[test]
    fn hops_with_ports_and_brackets_are_read() {
        assert_eq!(
            client_address("::1", &["[2001:db8::1]:4711"], &proxies()),
            "2001:db8::1"
        );
        assert_eq!(
            client_address("127.0.0.1", &["203.0.113.9:80"], &proxies()),
            "203.0.113.9"
        );
    }

    #[test]
    fn a_bad_proxy_list_is_refused() {
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("proxy.internal").is_err());
        assert!(TrustedProxies::parse("").is_ok());
    }
}
