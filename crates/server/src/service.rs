//! The request pipeline: route → SigV4 → body → target → JSON → operation →
//! answer, in the order of `sagemaker-tagging.md` §3.4. One tracing span per
//! request, one info line when it ends (STYLE habit 7).

use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderValue, Method, Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Incoming;
use time::OffsetDateTime;
use tracing::{field, info, info_span, Instrument, Span};

use sagetag_ops::{Caller, Ctx, Error as OpsError, Operation};
use sagetag_sigv4::{self as sigv4, RequestParts};

use crate::auth::Authenticator;
use crate::metrics::{self, Metrics, UNKNOWN_OPERATION};
use crate::throttle::RateLimiter;
use crate::wire::{self, ApiError, WireError};

/// What every request handler shares.
pub struct State {
    /// Store and clock for the operations.
    pub ctx: Ctx,
    /// SigV4 and the keys.
    pub auth: Authenticator,
    /// Whether `POST /_sagetag/reset` is exposed.
    pub enable_reset: bool,
    /// Largest body accepted.
    pub max_body_bytes: usize,
    /// Longest a body may take to arrive.
    pub request_timeout: Duration,
    /// Request and store metrics, served at `GET /_sagetag/metrics`.
    pub metrics: Metrics,
    /// Per-account rate limit (`--rate-limit`), if any.
    pub limiter: Option<RateLimiter>,
}

type HttpResponse = Response<Full<Bytes>>;

/// Answers one HTTP request. Never fails: every error becomes an AWS error answer.
pub async fn handle(
    state: Arc<State>,
    request: Request<Incoming>,
) -> Result<HttpResponse, Infallible> {
    let started = Instant::now();
    let request_id = uuid::Uuid::new_v4().to_string();
    let span = info_span!(
        "request",
        request_id = %request_id,
        operation = field::Empty,
        account = field::Empty,
        region = field::Empty,
    );

    let response = async {
        let in_flight = metric_operation(&request).map(|op| state.metrics.start(op));
        let (mut response, error_code) = match route(&state, request).await {
            Ok(response) => (response, ""),
            Err(err) => (wire::error_response(&err), err.code),
        };
        if let Ok(value) = HeaderValue::from_str(&request_id) {
            response.headers_mut().insert("x-amzn-RequestId", value);
        }
        info!(
            status = response.status().as_u16(),
            error_code,
            latency_ms = started.elapsed().as_secs_f64() * 1000.0,
            "request"
        );
        if let Some(in_flight) = in_flight {
            in_flight.finish(error_code);
        }
        response
    }
    .instrument(span)
    .await;
    Ok(response)
}

async fn route(state: &State, request: Request<Incoming>) -> Result<HttpResponse, ApiError> {
    let method = request.method().clone();
    match (&method, request.uri().path()) {
        (&Method::POST, "/") => api(state, request).await,
        (&Method::GET, "/_sagetag/health") => Ok(health(state).await),
        (&Method::GET, "/_sagetag/metrics") => {
            Ok(metrics::scrape(&state.metrics, state.ctx.store.as_ref()).await)
        }
        (&Method::POST, "/_sagetag/reset") if state.enable_reset => reset(state).await,
        (_, path) => Err(WireError::NoRoute {
            method: method.to_string(),
            path: path.chars().take(128).collect(),
        }
        .into()),
    }
}

async fn api(state: &State, request: Request<Incoming>) -> Result<HttpResponse, ApiError> {
    let (parts, body) = request.into_parts();
    let request = RequestParts {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query(),
        headers: &parts.headers,
    };

    // An unsigned or malformed request is refused before its body is read.
    let claimed = state.auth.parse(&request)?;

    let body = wire::read_body(body, state.max_body_bytes, state.request_timeout).await?;
    let payload_hash = sigv4::payload_sha256_hex(&body);
    let now = clock_now(&state.ctx);
    let caller = state
        .auth
        .authenticate(&request, &claimed, &payload_hash, now)?;
    let operation = wire::operation(&parts.headers);
    record_caller(&caller, operation.as_ref().ok().copied());
    // Throttled once the account is known, before anything runs.
    if let Some(limiter) = &state.limiter {
        limiter.check(&caller.account)?;
    }

    let operation = operation?;
    let input = wire::read_json(&body)?;

    let output = operation
        .execute(&state.ctx, &caller, input)
        .await
        .map_err(report)?;
    Ok(wire::json_bytes_response(StatusCode::OK, output))
}

/// Records the caller's account and region, and the operation when the
/// request names one we know, on the request span in one call. The JSON log
/// format keeps a span's fields as text and parses and rewrites all of them on
/// every record, so one record of three fields costs a third of three records.
fn record_caller(caller: &Caller, operation: Option<Operation>) {
    let span = Span::current();
    let Some(fields) = span.metadata().map(|meta| meta.fields()) else {
        return;
    };
    let (Some(account), Some(region), Some(op)) = (
        fields.field("account"),
        fields.field("region"),
        fields.field("operation"),
    ) else {
        return;
    };
    let (account_id, region_name) = (caller.account.as_str(), caller.region.as_str());
    let name = operation.map(Operation::name);
    let values = [
        (&account, Some(&account_id as &dyn field::Value)),
        (&region, Some(&region_name as &dyn field::Value)),
        (&op, name.as_ref().map(|name| name as &dyn field::Value)),
    ];
    span.record_all(&fields.value_set(&values));
}

/// The operation a request counts under in the metrics: the one its
/// `X-Amz-Target` names, else [`UNKNOWN_OPERATION`]. The admin endpoints are
/// not counted (`None`).
fn metric_operation(request: &Request<Incoming>) -> Option<&'static str> {
    if request.uri().path().starts_with("/_sagetag/") {
        return None;
    }
    let named = wire::operation(request.headers()).ok().map(|op| op.name());
    Some(named.unwrap_or(UNKNOWN_OPERATION))
}

/// Logs a server-side failure with its cause chain (never sent to the client),
/// then maps it to the wire.
fn report(err: OpsError) -> ApiError {
    if let OpsError::Internal(cause) | OpsError::Unavailable(cause) = &err {
        tracing::error!(error = %cause, cause = ?std::error::Error::source(cause), "store failure");
    }
    ApiError::from(err)
}

/// The injected clock as SigV4 wants it.
fn clock_now(ctx: &Ctx) -> OffsetDateTime {
    let nanos = (ctx.clock.now() * 1e9) as i128;
    OffsetDateTime::from_unix_timestamp_nanos(nanos).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// `GET /_sagetag/health`: 200 when the store answers, 503 when it does not.
async fn health(state: &State) -> HttpResponse {
    match state.ctx.store.health().await {
        Ok(()) => wire::json_response(StatusCode::OK, &serde_json::json!({ "status": "ok" })),
        Err(err) => {
            tracing::warn!(error = %err, "health check failed");
            let body = serde_json::json!({ "status": "unavailable" });
            wire::json_response(StatusCode::SERVICE_UNAVAILABLE, &body)
        }
    }
}

/// `POST /_sagetag/reset`: wipes all state (only with `--enable-reset`).
async fn reset(state: &State) -> Result<HttpResponse, ApiError> {
    state
        .ctx
        .store
        .reset()
        .await
        .map_err(|e| report(OpsError::backend(e)))?;
    tracing::warn!("all state wiped by /_sagetag/reset");
    Ok(wire::json_response(StatusCode::OK, &serde_json::json!({})))
}
