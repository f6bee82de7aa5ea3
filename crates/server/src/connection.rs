//! One client connection: HTTP/1.1 through hyper, with every limit that applies
//! to a connection rather than to a request.
//!
//! - The request head (request line and headers) may take at most 64 KiB and
//!   100 header fields; beyond either, hyper answers `431 Request Header Fields
//!   Too Large` with an empty body and closes. A head that is not valid HTTP/1.1
//!   (a control byte in a header, a bad `Content-Length`) gets hyper's `400` with
//!   an empty body. hyper writes these answers itself and offers no hook to give
//!   them an AWS JSON body.
//! - The head must arrive within the request timeout, counted from the end of the
//!   previous answer (or from accept); otherwise hyper closes the connection
//!   without an answer. This is what stops a slowloris that drips its headers.
//! - A connection with no request in progress and no byte moving either way for
//!   the idle timeout is closed ([`Activity`]). hyper has no idle timeout of its
//!   own, and its header timer alone would keep an idle connection for the whole
//!   request timeout.
//!
//! The body's own limits (size, time) are the request pipeline's business
//! ([`crate::wire::read_body`]), so that they can be answered with AWS errors.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::OwnedSemaphorePermit;
use tokio::time::Instant;

use crate::service::{self, State};

/// Largest request head (request line and headers), in bytes.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;

/// Most header fields in one request head. botocore sends about eight, the Go
/// SDK about ten.
pub const MAX_HEADERS: usize = 100;

/// The timeouts of a connection.
#[derive(Clone, Copy, Debug)]
pub struct Timeouts {
    /// Longest wait for a whole request head.
    pub request: Duration,
    /// Longest a connection may sit idle.
    pub idle: Duration,
}

/// Serves one accepted connection on its own task. The connection holds
/// `permit` (its slot under `--max-connections`) until it closes.
pub fn spawn(
    state: Arc<State>,
    stream: TcpStream,
    peer: SocketAddr,
    timeouts: Timeouts,
    graceful: &GracefulShutdown,
    permit: OwnedSemaphorePermit,
) {
    let _ = stream.set_nodelay(true);
    let activity = Arc::new(Activity::new());
    let io = TokioIo::new(Tracked {
        inner: stream,
        activity: Arc::clone(&activity),
    });

    let busy = Arc::clone(&activity);
    let service = service_fn(move |request| {
        let guard = busy.begin_request();
        let state = Arc::clone(&state);
        async move {
            let answer = service::handle(state, request).await;
            drop(guard);
            answer
        }
    });
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(timeouts.request)
        .max_buf_size(MAX_HEAD_BYTES)
        // max_buf_size alone is not a hard limit: one read may bring in more than
        // it, and a head that arrived whole was then parsed whatever its size.
        .max_header_size(MAX_HEAD_BYTES)
        .max_headers(MAX_HEADERS)
        .serve_connection(io, service);
    let connection = graceful.watch(connection);

    tokio::spawn(async move {
        let _permit = permit;
        tokio::select! {
            ended = connection => {
                if let Err(err) = ended {
                    tracing::debug!(%peer, error = %err, "connection ended with an error");
                }
            }
            () = activity.idle_for(timeouts.idle) => {
                tracing::debug!(%peer, "closing idle connection");
            }
        }
    });
}

/// When a connection last moved a byte, and whether a request is being
/// answered on it.
#[derive(Debug)]
struct Activity {
    opened: Instant,
    /// Milliseconds from `opened` to the last byte read or written, or the end
    /// of the last request.
    last_ms: AtomicU64,
    requests: AtomicUsize,
}

impl Activity {
    fn new() -> Self {
        Activity {
            opened: Instant::now(),
            last_ms: AtomicU64::new(0),
            requests: AtomicUsize::new(0),
        }
    }

    fn touch(&self) {
        let ms = u64::try_from(self.opened.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_ms.store(ms, Ordering::Relaxed);
    }

    fn quiet_for(&self) -> Duration {
        let last = Duration::from_millis(self.last_ms.load(Ordering::Relaxed));
        self.opened.elapsed().saturating_sub(last)
    }

    fn begin_request(self: &Arc<Self>) -> RequestGuard {
        self.requests.fetch_add(1, Ordering::Relaxed);
        RequestGuard(Arc::clone(self))
    }

    /// Completes once the connection has been idle for `limit`: no request in
    /// progress and nothing read or written.
    async fn idle_for(&self, limit: Duration) {
        loop {
            let quiet = self.quiet_for();
            let wait = if self.requests.load(Ordering::Relaxed) > 0 {
                // A request in progress is bounded by the request timeout and the
                // operation itself; its end counts as activity.
                limit
            } else if quiet >= limit {
                return;
            } else {
                limit - quiet
            };
            tokio::time::sleep(wait).await;
        }
    }
}

/// Marks a request in progress; idle time counts again from its end.
struct RequestGuard(Arc<Activity>);

impl Drop for RequestGuard {
    fn drop(&mut self) {
        self.0.touch();
        self.0.requests.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A stream that records in [`Activity`] each time bytes move.
struct Tracked<T> {
    inner: T,
    activity: Arc<Activity>,
}

impl<T: AsyncRead + Unpin> AsyncRead for Tracked<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.touch();
        }
        polled
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Tracked<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn idle_counts_from_the_last_byte_and_waits_for_requests() {
        let activity = Arc::new(Activity::new());
        let limit = Duration::from_millis(200);

        // Quiet from the start: idle once the limit has passed.
        let started = Instant::now();
        activity.idle_for(limit).await;
        assert!(started.elapsed() >= limit);

        // A request in progress holds the connection open past the limit, and
        // idle time counts again from its end.
        let guard = activity.begin_request();
        let waiting = {
            let activity = Arc::clone(&activity);
            tokio::spawn(async move { activity.idle_for(limit).await })
        };
        tokio::time::sleep(limit * 3).await;
        assert!(!waiting.is_finished());
        drop(guard);
        let ended = Instant::now();
        tokio::time::timeout(limit * 5, waiting)
            .await
            .unwrap()
            .unwrap();
        assert!(ended.elapsed() >= limit - Duration::from_millis(5));
    }
}
