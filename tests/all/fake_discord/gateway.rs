//! The websocket gateway: HELLO, IDENTIFY -> READY + GUILD_CREATE, heartbeat ACKs, RESUME with
//! replay of missed dispatches, sequence numbers, and server-side drops.

use std::sync::Arc;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{RawQuery, State};
use axum::response::Response;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::payloads;
use super::state::{Conn, ConnCmd, Inner};

pub(crate) async fn ws_handler(
    State(inner): State<Arc<Inner>>,
    RawQuery(query): RawQuery,
    ws: WebSocketUpgrade,
) -> Response {
    {
        let mut st = inner.lock();
        st.gateway.connect_queries.push(query.unwrap_or_default());
    }
    inner.bump();
    ws.max_message_size(64 << 20)
        .on_upgrade(move |socket| run_connection(inner, socket))
}

/// Assigns the next sequence number to a dispatch, logs it and sends it if a live
/// connection exists (otherwise it waits in the log for a RESUME).
pub(crate) fn dispatch(inner: &Inner, t: &str, d: Value) -> u64 {
    let seq = {
        let mut st = inner.lock();
        let g = &mut st.gateway;
        g.seq += 1;
        let seq = g.seq;
        let frame = json!({"op": 0, "t": t, "s": seq, "d": d});
        g.log.push((seq, frame.clone()));
        if let Some(conn) = g.conn.as_ref().filter(|c| c.live) {
            let _ = conn.tx.send(ConnCmd::Frame(frame.to_string()));
            g.sent_frames.push(frame);
        }
        seq
    };
    inner.bump();
    seq
}

fn send_frame(inner: &Inner, conn_id: u64, frame: Value) {
    let mut st = inner.lock();
    let g = &mut st.gateway;
    if let Some(conn) = g.conn.as_ref().filter(|c| c.id == conn_id) {
        let _ = conn.tx.send(ConnCmd::Frame(frame.to_string()));
        g.sent_frames.push(frame);
    }
}

/// Closes the current connection with `code` (4000 = "unknown error", which serenity answers
/// with a RESUME). Returns whether a connection existed.
pub(crate) fn close_current(inner: &Inner, code: u16, reason: &str) -> bool {
    let found = {
        let mut st = inner.lock();
        match st.gateway.conn.take() {
            Some(conn) => {
                let _ = conn.tx.send(ConnCmd::Close(code, reason.to_string()));
                true
            }
            None => false,
        }
    };
    inner.bump();
    found
}

async fn run_connection(inner: Arc<Inner>, mut socket: WebSocket) {
    let (tx, mut rx) = mpsc::unbounded_channel::<ConnCmd>();
    let conn_id = {
        let mut st = inner.lock();
        let g = &mut st.gateway;
        g.next_conn_id += 1;
        let id = g.next_conn_id;
        // A new connection replaces the old one (as when a client reconnects).
        g.conn = Some(Conn {
            id,
            tx,
            live: false,
        });
        id
    };
    inner.bump();
    send_frame(
        &inner,
        conn_id,
        json!({"op": 10, "d": {"heartbeat_interval": inner.config.heartbeat_interval_ms}, "s": null, "t": null}),
    );

    loop {
        tokio::select! {
            cmd = rx.recv() => match cmd {
                Some(ConnCmd::Frame(text)) => {
                    if socket.send(Message::Text(text.into())).await.is_err() {
                        break;
                    }
                },
                Some(ConnCmd::Close(code, reason)) => {
                    let _ = socket
                        .send(Message::Close(Some(CloseFrame { code, reason: reason.into() })))
                        .await;
                    break;
                },
                None => break,
            },
            msg = socket.recv() => match msg {
                Some(Ok(Message::Text(text))) => handle_client_payload(&inner, conn_id, &text),
                Some(Ok(Message::Binary(bytes))) => {
                    if let Ok(text) = String::from_utf8(bytes.to_vec()) {
                        handle_client_payload(&inner, conn_id, &text);
                    }
                },
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {},
            },
        }
    }

    {
        let mut st = inner.lock();
        if st.gateway.conn.as_ref().is_some_and(|c| c.id == conn_id) {
            st.gateway.conn = None;
        }
    }
    inner.bump();
}

fn handle_client_payload(inner: &Inner, conn_id: u64, text: &str) {
    let Ok(payload) = serde_json::from_str::<Value>(text) else {
        tracing::warn!("fake gateway: undecodable payload {text}");
        return;
    };
    let op = payload["op"].as_u64().unwrap_or(u64::MAX);
    inner.lock().gateway.received.push(payload.clone());
    match op {
        // HEARTBEAT
        1 => {
            inner.lock().gateway.heartbeats += 1;
            send_frame(
                inner,
                conn_id,
                json!({"op": 11, "d": null, "s": null, "t": null}),
            );
        }
        // IDENTIFY
        2 => identify(inner, conn_id),
        // RESUME
        6 => resume(inner, conn_id, &payload["d"]),
        _ => {}
    }
    inner.bump();
}

fn identify(inner: &Inner, conn_id: u64) {
    let session_id = {
        let mut st = inner.lock();
        let g = &mut st.gateway;
        g.session_counter += 1;
        let sid = format!("fake-session-{}", g.session_counter);
        g.session_id = Some(sid.clone());
        g.seq = 0;
        g.log.clear();
        match g.conn.as_mut().filter(|c| c.id == conn_id) {
            Some(conn) => conn.live = true,
            None => return,
        }
        sid
    };
    let fx = &inner.fixture;
    dispatch(
        inner,
        "READY",
        payloads::ready(fx, &session_id, &inner.ws_url()),
    );
    dispatch(inner, "GUILD_CREATE", payloads::guild_create(fx));
    inner.lock().gateway.identifies += 1;
}

fn resume(inner: &Inner, conn_id: u64, d: &Value) {
    let client_session = d["session_id"].as_str().unwrap_or_default().to_string();
    let client_seq = d["seq"].as_u64().unwrap_or(0);
    let ok = {
        let mut st = inner.lock();
        let g = &mut st.gateway;
        let matches = g.session_id.as_deref() == Some(client_session.as_str());
        if matches {
            if let Some(conn) = g.conn.as_mut().filter(|c| c.id == conn_id) {
                conn.live = true;
                // Replay everything the client has not seen, in order, before RESUMED.
                let missed: Vec<Value> = g
                    .log
                    .iter()
                    .filter(|(s, _)| *s > client_seq)
                    .map(|(_, f)| f.clone())
                    .collect();
                for frame in missed {
                    let _ = conn.tx.send(ConnCmd::Frame(frame.to_string()));
                    g.sent_frames.push(frame);
                }
            }
        } else {
            g.invalid_resumes += 1;
        }
        matches
    };
    if ok {
        dispatch(inner, "RESUMED", json!({"_trace": ["fake-discord"]}));
        inner.lock().gateway.resumes += 1;
    } else {
        send_frame(
            inner,
            conn_id,
            json!({"op": 9, "d": false, "s": null, "t": null}),
        );
    }
}
