//! Exact amounts of the valuation currency ([`Value`]) and shares ([`Pct`]).
//!
//! A [`Value`] is a signed `i128` count of 10⁻¹⁶ units of the book's single
//! valuation currency: the product of an order-guard [`Price`] and
//! [`Quantity`] (both 10⁻⁸) lands on that scale with no rounding. Arithmetic
//! saturates instead of wrapping, so an absurd amount can only make a limit
//! check fail, never pass.

use std::fmt;
use std::str::FromStr;

use supreme_core::{ONE, Price, Quantity};

use crate::Error;

/// 10⁻¹⁶ units per unit of the valuation currency.
const VALUE_ONE: i128 = (ONE as i128) * (ONE as i128);

/// An exact signed amount of the valuation currency, to 10⁻¹⁶.
///
/// ```
/// use supreme_risk_limits::Value;
/// let v: Value = "-1250.5".parse()?;
/// assert_eq!(v.to_string(), "-1250.5");
/// assert!(v < Value::ZERO);
/// # Ok::<(), supreme_risk_limits::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Value(i128);

impl Value {
    /// Zero.
    pub const ZERO: Self = Self(0);
    /// The largest value (what an overflowing computation saturates to).
    pub const MAX: Self = Self(i128::MAX);

    /// From a count of 10⁻¹⁶ units.
    pub const fn from_units(units: i128) -> Self {
        Self(units)
    }

    /// The count of 10⁻¹⁶ units.
    pub const fn units(self) -> i128 {
        self.0
    }

    /// A whole number of currency units (`Value::whole(1000)` is 1,000).
    pub const fn whole(n: i64) -> Self {
        Self((n as i128) * VALUE_ONE)
    }

    /// `quantity × price` in the valuation currency at conversion `rate`.
    pub fn of(quantity: Quantity, price: Price, rate: Price) -> Self {
        let notional = i128::from(quantity.units()) * i128::from(price.units());
        Self(convert(notional, rate))
    }

    /// The absolute value.
    pub const fn abs(self) -> Self {
        Self(self.0.saturating_abs())
    }
}

/// Amounts of magnitude below this (2⁹⁰, 10¹¹ currency units at 10⁻¹⁶)
/// times a share's or a rate's units (below 2³⁷) fit an `i128`.
pub(crate) const SMALL: i128 = 1 << 90;

/// `a × b` for a small non-negative `b` (below 2³⁷: a share's or a rate's
/// units), without the slow overflow-checked 128-bit multiply when `a` is
/// below 2⁹⁰ (10¹¹ currency units at 10⁻¹⁶), where the product cannot
/// overflow. `None` on overflow.
#[inline]
pub(crate) fn mul_small(a: i128, b: i128) -> Option<i128> {
    if a > -SMALL && a < SMALL && (0..1 << 37).contains(&b) {
        Some(a * b)
    } else {
        a.checked_mul(b)
    }
}

/// Converts `units` (10⁻¹⁶ of an asset) into the valuation currency at `rate`
/// (valuation units per asset unit, 10⁻⁸). Exact when the rate is 1; otherwise
/// rounded away from zero at 10⁻¹⁶ (the conservative side for exposure).
pub(crate) fn convert(units: i128, rate: Price) -> i128 {
    let rate = i128::from(rate.units());
    if rate == i128::from(ONE) {
        return units;
    }
    let Some(product) = mul_small(units, rate) else {
        return if (units < 0) == (rate < 0) {
            i128::MAX
        } else {
            -i128::MAX
        };
    };
    let one = i128::from(ONE);
    let (q, r) = (product / one, product % one);
    if r == 0 {
        q
    } else if product > 0 {
        q + 1
    } else {
        q - 1
    }
}

impl FromStr for Value {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        let bad = || Error::InvalidAmount {
            text: s.chars().take(64).collect(),
        };
        let (neg, digits) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        if int.is_empty() || frac.len() > 16 || (digits.contains('.') && frac.is_empty()) {
            return Err(bad());
        }
        if !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let int: i128 = int.parse().map_err(|_| bad())?;
        let mut frac_units: i128 = if frac.is_empty() {
            0
        } else {
            frac.parse().map_err(|_| bad())?
        };
        for _ in frac.len()..16 {
            frac_units *= 10;
        }
        let units = int
            .checked_mul(VALUE_ONE)
            .and_then(|u| u.checked_add(frac_units))
            .ok_or_else(bad)?;
        Ok(Self(if neg { -units } else { units }))
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let one = VALUE_ONE.unsigned_abs();
        let (int, mut frac) = (abs / one, abs % one);
        if frac == 0 {
            return write!(f, "{sign}{int}");
        }
        let mut digits = 16usize;
        while frac.is_multiple_of(10) {
            frac /= 10;
            digits -= 1;
        }
        write!(f, "{sign}{int}.{frac:0digits$}")
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Value({self})")
    }
}

/// A share (of equity, of a portfolio), exact to 10⁻⁸ of 1: `Pct::percent(10)`
/// is 10 %. Validated: between 0 (exclusive) and 100 % (inclusive).
///
/// ```
/// use supreme_risk_limits::Pct;
/// let p: Pct = "12.5".parse()?; // percent
/// assert_eq!(p, Pct::from_fraction_units(12_500_000)?);
/// assert_eq!(p.to_string(), "12.5%");
/// assert!("0".parse::<Pct>().is_err());
/// assert!("100.1".parse::<Pct>().is_err());
/// # Ok::<(), supreme_risk_limits::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pct(u64);

impl Pct {
    /// 100 %.
    pub const FULL: Self = Self(ONE);

    /// A whole percentage, 1 to 100 (clamped into that range).
    pub const fn percent(p: u32) -> Self {
        let p = if p == 0 {
            1
        } else if p > 100 {
            100
        } else {
            p as u64
        };
        Self(p * (ONE / 100))
    }

    /// From a fraction of 1 in 10⁻⁸ units (`10_000_000` is 10 %).
    pub fn from_fraction_units(units: u64) -> Result<Self, Error> {
        if units == 0 || units > ONE {
            return Err(Error::InvalidLimit {
                what: "share",
                reason: "must be above 0 % and at most 100 %",
            });
        }
        Ok(Self(units))
    }

    /// The fraction of 1 in 10⁻⁸ units.
    pub const fn fraction_units(self) -> u64 {
        self.0
    }

    /// [`fraction_units`](Self::fraction_units) as an `i128` factor.
    pub(crate) const fn units(self) -> i128 {
        self.0 as i128
    }

    /// `part / whole > self`, exactly. A whole of zero or less counts as
    /// exceeded whenever the part is positive (fail closed).
    pub(crate) fn exceeded_by(self, part: i128, whole: i128) -> bool {
        if part <= 0 {
            return false;
        }
        if whole <= 0 {
            return true;
        }
        match (
            mul_small(part, i128::from(ONE)),
            mul_small(whole, i128::from(self.0)),
        ) {
            (Some(lhs), Some(rhs)) => lhs > rhs,
            // Beyond 10¹⁴ currency units: fail closed.
            _ => true,
        }
    }

    /// `part / whole` as a share (saturating at 100 %+ for display).
    pub(crate) fn ratio(part: i128, whole: i128) -> Ratio {
        if whole <= 0 || part <= 0 {
            return Ratio(if part > 0 { u64::MAX } else { 0 });
        }
        let units = part
            .checked_mul(i128::from(ONE))
            .map_or(i128::MAX, |p| p / whole);
        Ratio(u64::try_from(units).unwrap_or(u64::MAX))
    }
}

impl FromStr for Pct {
    type Err = Error;
    /// A percentage such as `10`, `12.5` or `0.25` (a `%` suffix is allowed).
    fn from_str(s: &str) -> Result<Self, Error> {
        let t = s.trim().trim_end_matches('%');
        let units: Quantity = t.parse().map_err(|_| Error::InvalidAmount {
            text: s.chars().take(64).collect(),
        })?;
        if !units.units().is_multiple_of(100) {
            return Err(Error::InvalidLimit {
                what: "share",
                reason: "more than 6 decimals of a percent",
            });
        }
        Self::from_fraction_units(units.units() / 100)
    }
}

impl fmt::Display for Pct {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", Ratio(self.0))
    }
}

impl fmt::Debug for Pct {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pct({self})")
    }
}

impl serde::Serialize for Pct {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&Quantity::from_units(self.0.saturating_mul(100)))
    }
}

impl<'de> serde::Deserialize<'de> for Pct {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// An observed share (may exceed 100 %), exact to 10⁻⁸ of 1.
#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct Ratio(u64);

impl Ratio {
    /// No share.
    pub(crate) const ZERO: Self = Self(0);

    /// The fraction of 1 in 10⁻⁸ units (`u64::MAX` when the base was zero).
    pub const fn fraction_units(self) -> u64 {
        self.0
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == u64::MAX {
            return f.write_str("unbounded (no equity)");
        }
        // Percent = fraction × 100: print the fraction units / 10⁶.
        let int = self.0 / 1_000_000;
        let mut frac = self.0 % 1_000_000;
        if frac == 0 {
            return write!(f, "{int}%");
        }
        let mut digits = 6usize;
        while frac.is_multiple_of(10) {
            frac /= 10;
            digits -= 1;
        }
        write!(f, "{int}.{frac:0digits$}%")
    }
}

impl fmt::Debug for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ratio({self})")
    }
}

impl serde::Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Value {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests;
