//! Address classification: everything that is not global unicast is denied.
//!
//! The checks follow the IANA IPv4 and IPv6 special-purpose address
//! registries. IPv6 forms that carry an IPv4 address (mapped, compatible,
//! SIIT, the NAT64 well-known prefix) are unwrapped and the embedded IPv4
//! address is judged; transition forms that tunnel to an address we cannot
//! see (6to4, Teredo, ISATAP) and the NAT64 local-use prefix
//! `64:ff9b:1::/48` (RFC 8215: not globally reachable, and its embedding is
//! the operator's choice) are denied outright. Each check is a handful of
//! integer comparisons on the first octets or segments (no range scan).

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Why an address is not global unicast.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AddrClass {
    /// `0.0.0.0/8` "this network".
    ThisNetwork,
    /// `0.0.0.0` or `::`.
    Unspecified,
    /// `127.0.0.0/8` or `::1`.
    Loopback,
    /// RFC 1918: `10/8`, `172.16/12`, `192.168/16`.
    Private,
    /// `100.64.0.0/10` shared address space (carrier-grade NAT).
    SharedCgnat,
    /// `169.254/16` or `fe80::/10`.
    LinkLocal,
    /// A cloud instance metadata service (`169.254.169.254`,
    /// `fd00:ec2::254`, `100.100.100.200`).
    CloudMetadata,
    /// `192.0.0.0/24` or `2001::/23` IETF protocol assignments.
    IetfProtocol,
    /// Documentation ranges (`192.0.2/24`, `198.51.100/24`, `203.0.113/24`,
    /// `2001:db8::/32`, `3fff::/20`).
    Documentation,
    /// `192.88.99.0/24`, the retired 6to4 relay anycast.
    Relay6to4Anycast,
    /// `198.18.0.0/15` benchmarking.
    Benchmarking,
    /// `224/4` or `ff00::/8`.
    Multicast,
    /// `240/4` reserved.
    Reserved,
    /// `255.255.255.255`.
    Broadcast,
    /// `fc00::/7` unique local.
    UniqueLocal,
    /// `fec0::/10` deprecated site-local.
    SiteLocal,
    /// `100::/64` discard-only.
    DiscardOnly,
    /// `5f00::/16` SRv6 SIDs.
    Srv6Sid,
    /// `2002::/16` 6to4: tunnels to an IPv4 address.
    SixToFour,
    /// `2001::/32` Teredo: tunnels to an IPv4 address.
    Teredo,
    /// An ISATAP interface identifier (`::0:5efe:a.b.c.d`, `::200:5efe:a.b.c.d`).
    Isatap,
    /// `64:ff9b:1::/48`, the NAT64 local-use prefix (RFC 8215): not
    /// globally reachable, denied whatever it embeds.
    Nat64LocalUse,
    /// Outside `2000::/3`, the IPv6 global unicast space.
    NotGlobalUnicast,
}

impl AddrClass {
    /// A short human name.
    pub const fn describe(self) -> &'static str {
        match self {
            Self::ThisNetwork => "a \"this network\" address (0.0.0.0/8)",
            Self::Unspecified => "the unspecified address",
            Self::Loopback => "a loopback address",
            Self::Private => "a private (RFC 1918) address",
            Self::SharedCgnat => "a shared CGNAT address (100.64.0.0/10)",
            Self::LinkLocal => "a link-local address",
            Self::CloudMetadata => "a cloud metadata service address",
            Self::IetfProtocol => "an IETF protocol assignment",
            Self::Documentation => "a documentation address",
            Self::Relay6to4Anycast => "the 6to4 relay anycast range (192.88.99.0/24)",
            Self::Benchmarking => "a benchmarking address (198.18.0.0/15)",
            Self::Multicast => "a multicast address",
            Self::Reserved => "a reserved address (240.0.0.0/4)",
            Self::Broadcast => "the limited broadcast address",
            Self::UniqueLocal => "a unique local address (fc00::/7)",
            Self::SiteLocal => "a site-local address (fec0::/10)",
            Self::DiscardOnly => "a discard-only address (100::/64)",
            Self::Srv6Sid => "an SRv6 SID (5f00::/16)",
            Self::SixToFour => "a 6to4 address (2002::/16)",
            Self::Teredo => "a Teredo address (2001::/32)",
            Self::Isatap => "an ISATAP address",
            Self::Nat64LocalUse => "in the NAT64 local-use prefix (64:ff9b:1::/48, RFC 8215)",
            Self::NotGlobalUnicast => "outside IPv6 global unicast (2000::/3)",
        }
    }
}

/// How an IPv4 address was carried inside an IPv6 one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Embedding {
    /// `::ffff:a.b.c.d`.
    Mapped,
    /// `::a.b.c.d` (deprecated IPv4-compatible).
    Compatible,
    /// `::ffff:0:a.b.c.d` (SIIT, IPv4-translated).
    Siit,
    /// `64:ff9b::a.b.c.d` (NAT64 well-known prefix).
    Nat64,
}

/// A denied address and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Denied {
    /// The address as given.
    pub addr: IpAddr,
    /// Why it is denied.
    pub class: AddrClass,
    /// The IPv4 address judged, when `addr` carried one.
    pub embedded: Option<(Embedding, Ipv4Addr)>,
}

impl fmt::Display for Denied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.embedded {
            Some((how, v4)) => write!(
                f,
                "{} embeds {v4} ({how:?}), which is {}",
                self.addr,
                self.class.describe()
            ),
            None => write!(f, "{} is {}", self.addr, self.class.describe()),
        }
    }
}

const META_AWS_V4: u32 = u32::from_be_bytes([169, 254, 169, 254]);
const META_ALIBABA_V4: u32 = u32::from_be_bytes([100, 100, 100, 200]);
const META_AWS_V6: u128 = 0xfd00_0ec2_0000_0000_0000_0000_0000_0254;

/// Classifies an IPv4 address: `None` when it is global unicast.
#[inline]
pub const fn classify_v4(ip: Ipv4Addr) -> Option<AddrClass> {
    let o = ip.octets();
    let v = u32::from_be_bytes(o);
    match o[0] {
        0 => Some(AddrClass::ThisNetwork),
        10 => Some(AddrClass::Private),
        100 if o[1] & 0xc0 == 64 => Some(if v == META_ALIBABA_V4 {
            AddrClass::CloudMetadata
        } else {
            AddrClass::SharedCgnat
        }),
        127 => Some(AddrClass::Loopback),
        169 if o[1] == 254 => Some(if v == META_AWS_V4 {
            AddrClass::CloudMetadata
        } else {
            AddrClass::LinkLocal
        }),
        172 if o[1] & 0xf0 == 16 => Some(AddrClass::Private),
        192 => match (o[1], o[2]) {
            (0, 0) => Some(AddrClass::IetfProtocol),
            (0, 2) => Some(AddrClass::Documentation),
            (88, 99) => Some(AddrClass::Relay6to4Anycast),
            (168, _) => Some(AddrClass::Private),
            _ => None,
        },
        198 if o[1] & 0xfe == 18 => Some(AddrClass::Benchmarking),
        198 if o[1] == 51 && o[2] == 100 => Some(AddrClass::Documentation),
        203 if o[1] == 0 && o[2] == 113 => Some(AddrClass::Documentation),
        224..=239 => Some(AddrClass::Multicast),
        255 if v == u32::MAX => Some(AddrClass::Broadcast),
        240..=255 => Some(AddrClass::Reserved),
        _ => None,
    }
}

/// The IPv4 address an IPv6 address carries, for the forms we unwrap.
#[inline]
pub const fn embedded_v4(ip: Ipv6Addr) -> Option<(Embedding, Ipv4Addr)> {
    let o = ip.octets();
    let v = u128::from_be_bytes(o);
    let low = Ipv4Addr::new(o[12], o[13], o[14], o[15]);
    match v >> 32 {
        0xffff => Some((Embedding::Mapped, low)),
        // `::` and `::1` are judged as themselves, not as 0.0.0.0/0.0.0.1.
        0 if v > 1 => Some((Embedding::Compatible, low)),
        0xffff_0000 => Some((Embedding::Siit, low)),
        0x0064_ff9b_0000_0000_0000_0000 => Some((Embedding::Nat64, low)),
        _ => None,
    }
}

/// Classifies an IPv6 address that carries no IPv4 address: `None` when it
/// is global unicast.
#[inline]
pub const fn classify_v6_native(ip: Ipv6Addr) -> Option<AddrClass> {
    let s = ip.segments();
    let v = u128::from_be_bytes(ip.octets());
    if v == 0 {
        return Some(AddrClass::Unspecified);
    }
    if v == 1 {
        return Some(AddrClass::Loopback);
    }
    match s[0] {
        0x0064 if s[1] == 0xff9b && s[2] == 0x0001 => Some(AddrClass::Nat64LocalUse),
        0x0100 if s[1] == 0 && s[2] == 0 && s[3] == 0 => Some(AddrClass::DiscardOnly),
        0x2001 if s[1] == 0 => Some(AddrClass::Teredo),
        0x2001 if s[1] < 0x0200 => Some(AddrClass::IetfProtocol),
        0x2001 if s[1] == 0x0db8 => Some(AddrClass::Documentation),
        0x2002 => Some(AddrClass::SixToFour),
        0x3fff if s[1] < 0x1000 => Some(AddrClass::Documentation),
        0x5f00 => Some(AddrClass::Srv6Sid),
        0xfc00..=0xfdff => Some(if v == META_AWS_V6 {
            AddrClass::CloudMetadata
        } else {
            AddrClass::UniqueLocal
        }),
        0xfe80..=0xfebf => Some(AddrClass::LinkLocal),
        0xfec0..=0xfeff => Some(AddrClass::SiteLocal),
        0xff00..=0xffff => Some(AddrClass::Multicast),
        x if x & 0xe000 != 0x2000 => Some(AddrClass::NotGlobalUnicast),
        _ if s[4] & 0xfdff == 0 && s[5] == 0x5efe => Some(AddrClass::Isatap),
        _ => None,
    }
}

/// Judges one address: `Ok(())` only for global unicast.
#[inline]
pub fn classify(addr: IpAddr) -> Result<(), Denied> {
    let (class, embedded) = match addr {
        IpAddr::V4(v4) => (classify_v4(v4), None),
        IpAddr::V6(v6) => match embedded_v4(v6) {
            Some((how, v4)) => (classify_v4(v4), Some((how, v4))),
            None => (classify_v6_native(v6), None),
        },
    };
    match class {
        None => Ok(()),
        Some(class) => Err(Denied {
            addr,
            class,
            embedded,
        }),
    }
}

/// `true` when `addr` is global unicast.
#[inline]
pub fn is_global(addr: IpAddr) -> bool {
    classify(addr).is_ok()
}

#[cfg(test)]
mod tests;
