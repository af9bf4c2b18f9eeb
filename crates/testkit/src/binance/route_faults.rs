//! Faults per route and per call count: fail exactly the step under test
//! (the third `GET /api/v3/ticker/price` of a halt, every `openOrders`).

use super::http::{SimRequest, SimResponse};

/// A fault on one route: after `skip` matching calls pass, the next `times`
/// are answered with `status` (Binance's -1001 "internal error" body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteFault {
    /// `GET`, `POST`, `DELETE`.
    pub method: String,
    /// The path without the query, `/api/v3/ticker/price`.
    pub path: String,
    /// Matching calls answered normally first.
    pub skip: u32,
    /// Matching calls then failed (`u32::MAX`: all of them).
    pub times: u32,
    /// The HTTP status of the failure.
    pub status: u16,
}

impl RouteFault {
    /// Fails every call of `method path` with `status`.
    pub fn always(method: &str, path: &str, status: u16) -> Self {
        Self {
            method: method.to_string(),
            path: path.to_string(),
            skip: 0,
            times: u32::MAX,
            status,
        }
    }

    /// Lets `skip` calls pass first.
    #[must_use]
    pub fn after(mut self, skip: u32) -> Self {
        self.skip = skip;
        self
    }

    /// Fails only `times` calls.
    #[must_use]
    pub fn times(mut self, times: u32) -> Self {
        self.times = times;
        self
    }
}

/// The faults in force, consumed as calls match.
#[derive(Debug, Default)]
pub(super) struct RouteFaults(Vec<RouteFault>);

impl RouteFaults {
    pub(super) fn add(&mut self, fault: RouteFault) {
        self.0.push(fault);
    }

    pub(super) fn clear(&mut self) {
        self.0.clear();
    }

    /// The failure for `req`, if a fault matches it now.
    pub(super) fn answer(&mut self, req: &SimRequest) -> Option<SimResponse> {
        let fault = self
            .0
            .iter_mut()
            .find(|f| f.method == req.method && f.path == req.path && f.times > 0)?;
        if fault.skip > 0 {
            fault.skip -= 1;
            return None;
        }
        if fault.times != u32::MAX {
            fault.times -= 1;
        }
        Some(SimResponse::error(
            fault.status,
            -1001,
            "Internal error; unable to process your request. Please try again.",
        ))
    }
}
