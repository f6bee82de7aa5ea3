//! One keep-alive HTTP/1.1 connection per worker, opened again when the server
//! closes it.
//!
//! A load generator wants exactly one request in flight per connection and no
//! pool in between, so that concurrency is the number of workers and nothing
//! else. A server that closes the connection after a response (as some Python
//! servers do) costs a reconnect, which the next request's latency includes.

use std::net::SocketAddr;

use anyhow::Context;
use bytes::Bytes;
use http::{Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// A response: its status and whole body.
#[derive(Debug)]
pub struct Reply {
    /// The HTTP status.
    pub status: StatusCode,
    /// The body, read to the end.
    pub body: Bytes,
}

/// One HTTP/1.1 connection to `addr`, reopened on demand.
#[derive(Debug)]
pub struct Connection {
    addr: SocketAddr,
    sender: Option<SendRequest<Full<Bytes>>>,
    opened: u64,
}

impl Connection {
    /// A connection to `addr`; nothing is opened until the first request.
    pub fn new(addr: SocketAddr) -> Connection {
        Connection {
            addr,
            sender: None,
            opened: 0,
        }
    }

    /// How many TCP connections this one has opened so far.
    pub fn opened(&self) -> u64 {
        self.opened
    }

    /// Sends `request` and reads the whole response.
    ///
    /// A request that finds its reused connection closed by the server before
    /// any of the response arrived is sent once more on a new connection: the
    /// server never saw it, so this is not a server error.
    ///
    /// # Errors
    /// When the connection cannot be opened, the request cannot be written, or
    /// the response cannot be read.
    pub async fn send(&mut self, request: Request<Full<Bytes>>) -> anyhow::Result<Reply> {
        let reused = self.ready().await?;
        let retry = reused.then(|| clone_request(&request));
        let sender = self.sender.as_mut().context("no connection")?;
        match sender.send_request(request).await {
            Ok(response) => read(response).await,
            Err(err) if err.is_canceled() || err.is_incomplete_message() => {
                self.sender = None;
                match retry {
                    Some(request) => {
                        self.ready().await?;
                        let sender = self.sender.as_mut().context("no connection")?;
                        read(sender.send_request(request).await?).await
                    }
                    None => Err(err).context("the server closed a new connection"),
                }
            }
            Err(err) => {
                self.sender = None;
                Err(err).context("request failed")
            }
        }
    }

    /// Makes sure a connection is open and ready; returns whether it was
    /// already open (reused) rather than opened just now.
    async fn ready(&mut self) -> anyhow::Result<bool> {
        if let Some(sender) = self.sender.as_mut() {
            if sender.ready().await.is_ok() {
                return Ok(true);
            }
        }
        self.sender = Some(self.open().await?);
        Ok(false)
    }

    async fn open(&mut self) -> anyhow::Result<SendRequest<Full<Bytes>>> {
        let stream = TcpStream::connect(self.addr)
            .await
            .with_context(|| format!("cannot connect to {}", self.addr))?;
        stream.set_nodelay(true)?;
        let (sender, connection) = http1::handshake(TokioIo::new(stream))
            .await
            .context("HTTP/1.1 handshake failed")?;
        // The connection task ends when the server closes the socket; the next
        // `ready` then fails and a new connection is opened.
        tokio::spawn(async move {
            let _ = connection.await;
        });
        self.opened += 1;
        Ok(sender)
    }
}

/// A copy of a request, kept in case its connection turns out to be closed.
fn clone_request(request: &Request<Full<Bytes>>) -> Request<Full<Bytes>> {
    let mut copy = Request::new(request.body().clone());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.headers_mut() = request.headers().clone();
    copy
}

async fn read(response: http::Response<hyper::body::Incoming>) -> anyhow::Result<Reply> {
    let (parts, body) = response.into_parts();
    let body = body
        .collect()
        .await
        .context("cannot read the response body")?
        .to_bytes();
    Ok(Reply {
        status: parts.status,
        body,
    })
}
