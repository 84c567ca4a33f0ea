//! The operational HTTP endpoint, on its own port: metrics and health probes.
//!
//! | Route | Answer |
//! | --- | --- |
//! | `GET /metrics` | 200, Prometheus text format (`text/plain; version=0.0.4`) |
//! | `GET /healthz` | 200 `ok` while the process is live, else 503 `not live` |
//! | `GET /readyz` | 200 `ready` when the worker can take work, else 503 with the reason |
//! | anything else | 404 `not found` (405 for another method on a known route) |
//!
//! The server knows nothing of Kafka: it reads [`Metrics`] and [`Health`], which the
//! worker updates. It stops, finishing the requests it is serving, when the shutdown
//! token is cancelled.

use crate::metrics::{Health, Metrics};
use anyhow::Context;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

/// What the handlers read.
#[derive(Clone)]
struct AppState {
    metrics: Arc<Metrics>,
    health: Arc<Health>,
}

/// Binds the listener for [`serve`]; the error names the address.
pub async fn bind(addr: SocketAddr) -> anyhow::Result<TcpListener> {
    TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot bind the metrics and health endpoint to {addr}"))
}

/// Serves `/metrics`, `/healthz` and `/readyz` on `listener` until `shutdown` is
/// cancelled, then lets requests in progress finish and returns.
pub async fn serve(
    listener: TcpListener,
    metrics: Arc<Metrics>,
    health: Arc<Health>,
    shutdown: CancellationToken,
) -> std::io::Result<()> {
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(%addr, "serving /metrics, /healthz and /readyz");
    }
    axum::serve(listener, router(AppState { metrics, health }))
        .with_graceful_shutdown(async move { shutdown.cancelled().await })
        .await
}

/// The routes, separate from the listener so they can be reasoned about alone.
fn router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .fallback(not_found)
        .with_state(state)
}

async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(header::CONTENT_TYPE, prometheus::TEXT_FORMAT)],
        state.metrics.render(),
    )
        .into_response()
}

async fn healthz(State(state): State<AppState>) -> Response {
    if state.health.is_live() {
        (StatusCode::OK, "ok").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "not live").into_response()
    }
}

async fn readyz(State(state): State<AppState>) -> Response {
    if state.health.is_ready() {
        return (StatusCode::OK, "ready").into_response();
    }
    let mut reason = state.health.reason();
    if reason.is_empty() {
        // Readiness flipped between the two reads, or the worker gave no reason.
        reason.push_str("not ready");
    }
    (StatusCode::SERVICE_UNAVAILABLE, reason).into_response()
}

async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "not found").into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::DeadLetterReason;
    use std::io::ErrorKind;
    use std::time::Duration;
    use tokio::net::TcpStream;

    /// A parsed HTTP/1.1 response.
    struct Reply {
        status: u16,
        headers: String,
        body: String,
    }

    impl Reply {
        /// The value of header `name` (case-insensitive), if present.
        fn header(&self, name: &str) -> Option<&str> {
            self.headers.lines().find_map(|line| {
                let (key, value) = line.split_once(':')?;
                key.eq_ignore_ascii_case(name).then(|| value.trim())
            })
        }
    }

    /// Sends `GET path` with `Connection: close` over a raw TCP stream and reads the
    /// whole reply (tokio here has `net` but not `io-util`, hence the try_* loops).
    async fn request(addr: SocketAddr, method: &str, path: &str) -> Reply {
        let exchange = async {
            let stream = TcpStream::connect(addr).await.unwrap();
            let request =
                format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
            let mut written = 0;
            while written < request.len() {
                stream.writable().await.unwrap();
                match stream.try_write(&request.as_bytes()[written..]) {
                    Ok(n) => written += n,
                    Err(err) if err.kind() == ErrorKind::WouldBlock => {}
                    Err(err) => panic!("write: {err}"),
                }
            }
            let mut raw = Vec::new();
            let mut chunk = [0u8; 8192];
            loop {
                stream.readable().await.unwrap();
                match stream.try_read(&mut chunk) {
                    Ok(0) => break,
                    Ok(n) => raw.extend_from_slice(&chunk[..n]),
                    Err(err) if err.kind() == ErrorKind::WouldBlock => {}
                    Err(err) => panic!("read: {err}"),
                }
            }
            raw
        };
        let raw = tokio::time::timeout(Duration::from_secs(10), exchange)
            .await
            .expect("the server answers and closes within 10 s");
        let text = String::from_utf8(raw).expect("the reply is UTF-8");
        let (head, body) = text.split_once("\r\n\r\n").expect("a header block");
        let (status_line, headers) = head.split_once("\r\n").unwrap_or((head, ""));
        let status = status_line
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
        Reply {
            status,
            headers: headers.to_owned(),
            body: body.to_owned(),
        }
    }

    /// Starts a server on an ephemeral port.
    async fn start() -> (
        SocketAddr,
        Arc<Metrics>,
        Arc<Health>,
        CancellationToken,
        tokio::task::JoinHandle<std::io::Result<()>>,
    ) {
        let listener = bind("127.0.0.1:0".parse().unwrap()).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let metrics = Arc::new(Metrics::new());
        let health = Arc::new(Health::new());
        let shutdown = CancellationToken::new();
        let server = tokio::spawn(serve(
            listener,
            metrics.clone(),
            health.clone(),
            shutdown.clone(),
        ));
        (addr, metrics, health, shutdown, server)
    }

    #[tokio::test]
    async fn endpoints_answer_and_shutdown_is_graceful() {
        let (addr, metrics, health, shutdown, server) = start().await;

        metrics.article_consumed();
        metrics.article_dead_lettered(DeadLetterReason::Schema);
        let reply = request(addr, "GET", "/metrics").await;
        assert_eq!(reply.status, 200);
        assert_eq!(
            reply.header("content-type"),
            Some("text/plain; version=0.0.4")
        );
        assert!(reply.body.contains("demarche_articles_consumed_total 1\n"));
        assert!(reply
            .body
            .contains("demarche_articles_dead_lettered_total{reason=\"schema\"} 1\n"));

        let reply = request(addr, "GET", "/healthz").await;
        assert_eq!((reply.status, reply.body.as_str()), (200, "ok"));
        health.set_live(false);
        let reply = request(addr, "GET", "/healthz").await;
        assert_eq!((reply.status, reply.body.as_str()), (503, "not live"));

        let reply = request(addr, "GET", "/readyz").await;
        assert_eq!((reply.status, reply.body.as_str()), (503, "starting"));
        health.set_ready(true, "");
        let reply = request(addr, "GET", "/readyz").await;
        assert_eq!((reply.status, reply.body.as_str()), (200, "ready"));
        health.set_ready(false, "broker unreachable");
        let reply = request(addr, "GET", "/readyz").await;
        assert_eq!(
            (reply.status, reply.body.as_str()),
            (503, "broker unreachable")
        );

        let reply = request(addr, "GET", "/nope").await;
        assert_eq!((reply.status, reply.body.as_str()), (404, "not found"));
        let reply = request(addr, "GET", "/").await;
        assert_eq!(reply.status, 404);
        let reply = request(addr, "POST", "/metrics").await;
        assert_eq!(reply.status, 405);

        shutdown.cancel();
        let result = tokio::time::timeout(Duration::from_secs(10), server)
            .await
            .expect("the server stops after cancellation")
            .expect("the server task does not panic");
        assert!(result.is_ok(), "{result:?}");
        assert!(TcpStream::connect(addr).await.is_err(), "still listening");
    }

    #[tokio::test]
    async fn bind_error_names_the_address() {
        let taken = bind("127.0.0.1:0".parse().unwrap()).await.unwrap();
        let addr = taken.local_addr().unwrap();
        let err = bind(addr).await.unwrap_err();
        let message = format!("{err:#}");
        assert!(message.contains(&addr.to_string()), "{message}");
    }
}
