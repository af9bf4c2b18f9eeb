//! One websocket connection: the TLS and websocket handshakes, then a loop
//! that reads requests, writes what was published, pings, and ends the
//! connection when its lifetime is over or the test drops it.

use std::io;
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::handshake::server::{Request, Response};
use tungstenite::{Error as WsError, Message, WebSocket};

use super::{Shared, Subscriber};

type Tls = rustls::StreamOwned<rustls::ServerConnection, TcpStream>;

/// What the handshake's path asked for: (market streams, combined, api).
fn route(path_and_query: &str) -> (Vec<String>, bool, bool) {
    if let Some(q) = path_and_query.strip_prefix("/stream?streams=") {
        (q.split('/').map(str::to_string).collect(), true, false)
    } else if let Some(name) = path_and_query.strip_prefix("/ws/") {
        (vec![name.to_string()], false, false)
    } else {
        (Vec::new(), false, path_and_query.starts_with("/ws-api/v3"))
    }
}

// tungstenite's callback type fixes the large error variant.
#[allow(clippy::result_large_err)]
pub(super) fn serve(stream: TcpStream, tls: Arc<rustls::ServerConfig>, sh: &Shared) {
    let generation = sh.generation.load(Ordering::SeqCst);
    let _ = stream.set_nodelay(true);
    let Ok(conn) = rustls::ServerConnection::new(tls) else {
        return;
    };
    let Ok(sock) = stream.try_clone() else { return };
    let mut path = String::new();
    let Ok(mut ws) = tungstenite::accept_hdr(
        rustls::StreamOwned::new(conn, stream),
        |req: &Request, resp: Response| {
            path = req.uri().to_string();
            Ok(resp)
        },
    ) else {
        return;
    };
    let _ = sock.set_read_timeout(Some(Duration::from_millis(2)));
    let (streams, combined, _api) = route(&path);
    let (tx, rx) = mpsc::channel();
    let id = sh.next_id.fetch_add(1, Ordering::Relaxed) + 1;
    sh.subs().push(Subscriber {
        id,
        streams,
        combined,
        user: None,
        tx,
    });
    sh.accepted.fetch_add(1, Ordering::SeqCst);
    run(&mut ws, &rx, sh, id, generation);
    sh.subs().retain(|s| s.id != id);
    let _ = sock.shutdown(std::net::Shutdown::Both);
}

fn run(
    ws: &mut WebSocket<Tls>,
    rx: &mpsc::Receiver<String>,
    sh: &Shared,
    id: u64,
    generation: u64,
) {
    let opened = Instant::now();
    let mut last_ping = Instant::now();
    loop {
        if sh.generation.load(Ordering::SeqCst) != generation {
            return; // dropped: no close frame
        }
        if opened.elapsed() >= sh.config.lifetime {
            let _ = ws.close(None);
            let _ = ws.flush();
            return;
        }
        if sh.silent.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(2));
            continue;
        }
        match ws.read() {
            Ok(Message::Text(t)) => {
                if let Some(answer) = request(sh, id, t.as_str()) {
                    let _ = ws.write(Message::text(answer));
                }
            }
            Ok(Message::Close(_)) => return,
            Ok(_) => {}
            Err(WsError::Io(e)) if would_block(&e) => {}
            Err(_) => return,
        }
        for frame in rx.try_iter() {
            if ws.write(Message::text(frame)).is_err() {
                return;
            }
        }
        if last_ping.elapsed() >= sh.config.ping_interval {
            last_ping = Instant::now();
            let _ = ws.write(Message::Ping(Vec::new().into()));
        }
        match ws.flush() {
            Ok(()) => {}
            Err(WsError::Io(e)) if would_block(&e) => {}
            Err(_) => return,
        }
    }
}

fn would_block(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

fn error(id: &Value, code: i32, msg: &str) -> String {
    json!({ "id": id, "status": 400, "error": { "code": code, "msg": msg } }).to_string()
}

/// Answers one text frame: a WebSocket API request, or a market
/// `SUBSCRIBE`. `None`: nothing to say.
fn request(sh: &Shared, conn: u64, text: &str) -> Option<String> {
    let Ok(req) = serde_json::from_str::<Value>(text) else {
        return Some(error(&Value::Null, -1000, "Malformed request."));
    };
    let id = req.get("id").cloned().unwrap_or(Value::Null);
    let ok = |result: Value| json!({ "id": id, "status": 200, "result": result }).to_string();
    match req.get("method").and_then(Value::as_str) {
        Some("ping") => Some(ok(json!({}))),
        Some("time") => Some(ok(json!({ "serverTime": sh.sim.server_time() }))),
        Some("SUBSCRIBE") => {
            let names: Vec<String> = req["params"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            if let Some(s) = sh.subs().iter_mut().find(|s| s.id == conn) {
                s.streams.extend(names);
            }
            Some(json!({ "result": null, "id": id }).to_string())
        }
        Some("userDataStream.subscribe.signature") => Some(subscribe(sh, conn, &id, &req)),
        Some("userDataStream.unsubscribe") => {
            if let Some(s) = sh.subs().iter_mut().find(|s| s.id == conn) {
                s.user = None;
            }
            Some(ok(json!({})))
        }
        _ => Some(error(&id, -1000, "Unknown method.")),
    }
}

fn subscribe(sh: &Shared, conn: u64, id: &Value, req: &Value) -> String {
    let Some(params) = req.get("params").and_then(Value::as_object) else {
        return error(id, -1102, "Mandatory parameter 'params' was not sent.");
    };
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let Some(signature) = params.get("signature").map(text) else {
        return error(id, -1102, "Mandatory parameter 'signature' was not sent.");
    };
    let Some(api_key) = params.get("apiKey").map(text) else {
        return error(id, -1102, "Mandatory parameter 'apiKey' was not sent.");
    };
    // Sorted by name: the payload Binance signs.
    let sorted: std::collections::BTreeMap<&String, &Value> = params.iter().collect();
    let payload: Vec<String> = sorted
        .into_iter()
        .filter(|(k, _)| k.as_str() != "signature")
        .map(|(k, v)| format!("{k}={}", text(v)))
        .collect();
    if let Err((code, msg)) = sh
        .sim
        .check_ws_signature(&api_key, &payload.join("&"), &signature)
    {
        return json!({ "id": id, "status": 401, "error": { "code": code, "msg": msg } })
            .to_string();
    }
    let mut subs = sh.subs();
    let sub_id = subs
        .iter()
        .filter_map(|s| s.user)
        .max()
        .map_or(0, |m| m + 1);
    if let Some(s) = subs.iter_mut().find(|s| s.id == conn) {
        s.user = Some(sub_id);
    }
    json!({ "id": id, "status": 200, "result": { "subscriptionId": sub_id } }).to_string()
}
