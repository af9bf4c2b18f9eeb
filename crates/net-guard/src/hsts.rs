//! Strict-Transport-Security, parsed per host.

/// A parsed Strict-Transport-Security header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hsts {
    /// `max-age` in seconds.
    pub max_age: u64,
    /// `includeSubDomains` present.
    pub include_subdomains: bool,
    /// `preload` present.
    pub preload: bool,
}

/// The smallest max-age not counted as weakened (180 days).
pub const MIN_MAX_AGE: u64 = 15_552_000;

/// What the client does about HSTS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HstsMode {
    /// Report missing or weak HSTS as a warning event.
    #[default]
    Warn,
    /// Refuse a response with missing or weak HSTS.
    Require,
}

impl Hsts {
    /// Parses a header value (RFC 6797): directives split by `;`, `max-age`
    /// required exactly once, unknown directives ignored.
    pub fn parse(value: &str) -> Option<Self> {
        let mut max_age = None;
        let (mut include_subdomains, mut preload) = (false, false);
        for d in value.split(';') {
            let d = d.trim();
            if d.is_empty() {
                continue;
            }
            let (name, val) = match d.split_once('=') {
                Some((n, v)) => (n.trim(), Some(v.trim().trim_matches('"'))),
                None => (d, None),
            };
            if name.eq_ignore_ascii_case("max-age") {
                if max_age.is_some() {
                    return None;
                }
                max_age = Some(val?.parse::<u64>().ok()?);
            } else if name.eq_ignore_ascii_case("includesubdomains") {
                include_subdomains = true;
            } else if name.eq_ignore_ascii_case("preload") {
                preload = true;
            }
        }
        Some(Self {
            max_age: max_age?,
            include_subdomains,
            preload,
        })
    }

    /// The problem with a host's header, if any: missing, unparsable or weakened.
    pub fn problem(value: Option<&str>) -> Option<String> {
        let Some(v) = value else {
            return Some("Strict-Transport-Security missing".into());
        };
        match Self::parse(v) {
            None => Some(format!("unparsable Strict-Transport-Security {v:?}")),
            Some(h) if h.max_age < MIN_MAX_AGE => Some(format!(
                "weakened: max-age={} below {MIN_MAX_AGE}",
                h.max_age
            )),
            Some(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_judges() {
        let h = Hsts::parse("max-age=31536000; includeSubDomains; preload").unwrap();
        assert_eq!(h.max_age, 31_536_000);
        assert!(h.include_subdomains && h.preload);
        assert_eq!(Hsts::parse("max-age=\"60\"").unwrap().max_age, 60);
        assert_eq!(Hsts::parse("includeSubDomains"), None);
        assert_eq!(Hsts::parse("max-age=1; max-age=2"), None);
        assert_eq!(Hsts::parse("max-age=-1"), None);
        assert_eq!(Hsts::problem(Some("max-age=31536000")), None);
        assert!(Hsts::problem(None).unwrap().contains("missing"));
        assert!(
            Hsts::problem(Some("max-age=0"))
                .unwrap()
                .contains("weakened")
        );
        assert!(
            Hsts::problem(Some("garbage"))
                .unwrap()
                .contains("unparsable")
        );
    }
}
