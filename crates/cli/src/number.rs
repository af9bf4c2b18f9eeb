//! Numeric options, parsed so that a bad value is refused in words naming the
//! field: `--price -5` says "price must be positive (got -5)" instead of
//! clap's "unexpected argument '-5' found", and `--price 1.123456789` says
//! which field has too many decimals and why.
//!
//! Each option that uses these also sets `allow_negative_numbers`, so a
//! leading minus reaches the parser instead of being read as a flag.

use std::fmt::Display;
use std::str::FromStr;

use supreme_order_guard::{AmountError, Price, Quantity};

/// An exact amount type of order-guard.
pub(crate) trait Amount: FromStr<Err = AmountError> {
    /// Whether the amount is zero.
    fn zero(&self) -> bool;
}

impl Amount for Price {
    fn zero(&self) -> bool {
        self.is_zero()
    }
}

impl Amount for Quantity {
    fn zero(&self) -> bool {
        self.is_zero()
    }
}

/// Whether zero is a valid value of the field.
#[derive(Clone, Copy)]
pub(crate) enum Zero {
    /// Zero is refused ("must be positive").
    Refused,
    /// Zero is allowed ("must not be negative").
    Allowed,
}

/// Parses an exact amount (a multiple of 10⁻⁸) for the field `name`.
pub(crate) fn amount<T: Amount>(name: &str, zero: Zero, text: &str) -> Result<T, String> {
    let text = text.trim();
    if text.starts_with('-') {
        return Err(sign_message(name, zero, text));
    }
    let value: T = text.parse().map_err(|e| match e {
        AmountError::Negative => sign_message(name, zero, text),
        AmountError::TooPrecise => format!(
            "{name} {text} has more than 8 decimal places (Binance amounts are multiples of 0.00000001)"
        ),
        other => format!("{name} {text:?} is not a decimal amount ({other})"),
    })?;
    if matches!(zero, Zero::Refused) && value.zero() {
        return Err(sign_message(name, zero, text));
    }
    Ok(value)
}

/// Parses a whole number for the field `name` (a count or basis points).
pub(crate) fn whole<T>(name: &str, text: &str) -> Result<T, String>
where
    T: FromStr<Err: Display>,
{
    let text = text.trim();
    if text.starts_with('-') {
        return Err(format!("{name} must not be negative (got {text})"));
    }
    text.parse()
        .map_err(|e| format!("{name} {text:?} is not a whole number 0 or more ({e})"))
}

fn sign_message(name: &str, zero: Zero, text: &str) -> String {
    match zero {
        Zero::Refused => format!("{name} must be positive (got {text})"),
        Zero::Allowed => format!("{name} must not be negative (got {text})"),
    }
}

#[cfg(test)]
mod tests;
