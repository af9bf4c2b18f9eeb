//! `supreme order check|normalize`: judge one order against an exchangeInfo file.
//!
//! Exit 0 accepted, 1 rejected (each violation on its own line, or JSON with
//! `--json`), 2 usage or input error (a broken exchangeInfo file included).

use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::json;
use supreme_order_guard::{
    ExchangeInfo, OpenOrderCounts, Order, OrderContext, OrderType, Price, Quantity, ReferencePrice,
    Side, Symbol, TimeInForce, Validator, Violations,
};

use crate::exit;
use crate::number::{self, Zero};

/// Order subcommands.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum OrderCommand {
    /// Validate an order: exit 0 accepted, 1 rejected, 2 input error.
    Check(OrderArgs),
    /// Round price to the tick (buy down, sell up) and quantity down to the
    /// step, then validate; print the adjusted order or why none exists.
    Normalize(OrderArgs),
}

/// The order and what is known about the market and account.
#[derive(Debug, clap::Args)]
pub(crate) struct OrderArgs {
    /// A Binance spot exchangeInfo JSON document.
    #[arg(long, value_name = "FILE")]
    exchange_info: PathBuf,
    /// Trading pair, e.g. BTCUSDT.
    #[arg(long)]
    symbol: Symbol,
    /// BUY or SELL.
    #[arg(long, value_parser = parse_side)]
    side: Side,
    /// LIMIT, LIMIT_MAKER, MARKET, STOP_LOSS, STOP_LOSS_LIMIT, TAKE_PROFIT, TAKE_PROFIT_LIMIT.
    #[arg(long = "type", value_parser = parse_type)]
    order_type: OrderType,
    /// GTC, IOC or FOK.
    #[arg(long, value_parser = parse_tif)]
    time_in_force: Option<TimeInForce>,
    /// Base asset quantity.
    #[arg(long, allow_negative_numbers = true, value_parser = |s: &str| number::amount::<Quantity>("quantity", Zero::Refused, s))]
    quantity: Option<Quantity>,
    /// Quote asset amount (MARKET orders).
    #[arg(long, allow_negative_numbers = true, value_parser = |s: &str| number::amount::<Quantity>("quote quantity", Zero::Refused, s))]
    quote_quantity: Option<Quantity>,
    /// Limit price.
    #[arg(long, allow_negative_numbers = true, value_parser = |s: &str| number::amount::<Price>("price", Zero::Refused, s))]
    price: Option<Price>,
    /// Trigger price.
    #[arg(long, allow_negative_numbers = true, value_parser = |s: &str| number::amount::<Price>("stop price", Zero::Refused, s))]
    stop_price: Option<Price>,
    /// Trailing delta in basis points.
    #[arg(long, allow_negative_numbers = true, value_parser = |s: &str| number::whole::<u32>("trailing delta", s))]
    trailing_delta: Option<u32>,
    /// Visible quantity of an iceberg order.
    #[arg(long, allow_negative_numbers = true, value_parser = |s: &str| number::amount::<Quantity>("iceberg quantity", Zero::Refused, s))]
    iceberg_quantity: Option<Quantity>,
    /// The symbol's average price now (counts as current). Without it,
    /// filters that need it reject.
    #[arg(long, allow_negative_numbers = true, value_parser = |s: &str| number::amount::<Price>("reference price", Zero::Refused, s))]
    reference_price: Option<Price>,
    /// Orders open now (on this symbol and on the account).
    #[arg(long, default_value_t = 0, allow_negative_numbers = true, value_parser = |s: &str| number::whole::<u32>("open orders", s))]
    open_orders: u32,
    /// Stop and take-profit orders open now.
    #[arg(long, default_value_t = 0, allow_negative_numbers = true, value_parser = |s: &str| number::whole::<u32>("open algo orders", s))]
    open_algo_orders: u32,
    /// Iceberg orders open now.
    #[arg(long, default_value_t = 0, allow_negative_numbers = true, value_parser = |s: &str| number::whole::<u32>("open iceberg orders", s))]
    open_iceberg_orders: u32,
    /// Base balance plus open BUY quantity (for MAX_POSITION). Without it,
    /// a buy on a symbol with MAX_POSITION rejects.
    #[arg(long, allow_negative_numbers = true, value_parser = |s: &str| number::amount::<Quantity>("base position", Zero::Allowed, s))]
    base_position: Option<Quantity>,
    /// Print a JSON document instead of lines.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(cmd: OrderCommand) -> ExitCode {
    let (args, normalize) = match cmd {
        OrderCommand::Check(a) => (a, false),
        OrderCommand::Normalize(a) => (a, true),
    };
    let info = match load(&args.exchange_info) {
        Ok(info) => info,
        Err(msg) => return exit::input_error(msg),
    };
    let order = args.order();
    let ctx = args.context();
    let validator = Validator::default();
    let result = if normalize {
        validator.normalize(&info, &order, &ctx).map(|n| n.order)
    } else {
        validator.validate(&info, &order, &ctx).map(|()| order)
    };
    report(&args, normalize, &result)
}

fn load(path: &PathBuf) -> Result<ExchangeInfo, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    ExchangeInfo::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))
}

impl OrderArgs {
    fn order(&self) -> Order {
        let mut o = Order::new(self.symbol, self.side, self.order_type);
        o.time_in_force = self.time_in_force;
        o.quantity = self.quantity;
        o.quote_quantity = self.quote_quantity;
        o.price = self.price;
        o.stop_price = self.stop_price;
        o.trailing_delta = self.trailing_delta;
        o.iceberg_quantity = self.iceberg_quantity;
        o
    }

    fn context(&self) -> OrderContext<'static> {
        let open = OpenOrderCounts {
            all: self.open_orders,
            algo: self.open_algo_orders,
            iceberg: self.open_iceberg_orders,
        };
        let mut ctx = OrderContext::new(0).with_open_orders(open, open);
        ctx.reference = self.reference_price.map(|price| ReferencePrice {
            price,
            observed_at_ms: 0,
        });
        ctx.base_position = self.base_position;
        ctx
    }
}

fn report(args: &OrderArgs, normalize: bool, result: &Result<Order, Violations>) -> ExitCode {
    if args.json {
        let doc = match result {
            Ok(order) => json!({ "accepted": true, "order": order, "violations": [] }),
            Err(v) => json!({ "accepted": false, "order": null, "violations": v }),
        };
        println!("{doc:#}");
    } else {
        match result {
            Ok(order) => println!("ACCEPTED {}", wire(order)),
            Err(v) => {
                let what = if normalize {
                    "no valid order exists"
                } else {
                    "REJECTED"
                };
                println!("{what}: {} violation(s)", v.len());
                for violation in v {
                    println!("{violation}");
                }
            }
        }
    }
    ExitCode::from(if result.is_ok() {
        exit::OK
    } else {
        exit::REFUSED
    })
}

/// The order as Binance query parameters.
fn wire(order: &Order) -> String {
    let side = format!("{:?}", order.side).to_uppercase();
    let mut s = format!(
        "symbol={}&side={side}&type={}",
        order.symbol, order.order_type
    );
    let mut add = |k: &str, v: Option<String>| {
        if let Some(v) = v {
            s.push_str(&format!("&{k}={v}"));
        }
    };
    add(
        "timeInForce",
        order.time_in_force.map(|t| format!("{t:?}").to_uppercase()),
    );
    add("quantity", order.quantity.map(|q| q.to_string()));
    add("quoteOrderQty", order.quote_quantity.map(|q| q.to_string()));
    add("price", order.price.map(|p| p.to_string()));
    add("stopPrice", order.stop_price.map(|p| p.to_string()));
    add("trailingDelta", order.trailing_delta.map(|d| d.to_string()));
    add("icebergQty", order.iceberg_quantity.map(|q| q.to_string()));
    s
}

fn parse_side(s: &str) -> Result<Side, String> {
    match s.to_ascii_uppercase().as_str() {
        "BUY" => Ok(Side::Buy),
        "SELL" => Ok(Side::Sell),
        _ => Err("expected BUY or SELL".into()),
    }
}

fn parse_type(s: &str) -> Result<OrderType, String> {
    OrderType::from_name(&s.to_ascii_uppercase()).ok_or_else(|| {
        let names: Vec<_> = OrderType::ALL.iter().map(|t| t.as_str()).collect();
        format!("expected one of {}", names.join(", "))
    })
}

fn parse_tif(s: &str) -> Result<TimeInForce, String> {
    match s.to_ascii_uppercase().as_str() {
        "GTC" => Ok(TimeInForce::Gtc),
        "IOC" => Ok(TimeInForce::Ioc),
        "FOK" => Ok(TimeInForce::Fok),
        _ => Err("expected GTC, IOC or FOK".into()),
    }
}
