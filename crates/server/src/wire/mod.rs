//! AWS JSON 1.1 framing (`sagemaker-tagging.md` §1–2): which operation a request
//! names, how its body is read, and how answers and errors are written.

mod error;
mod request;
mod response;
mod strict_json;

pub use error::{ApiError, WireError};
pub use request::{operation, read_body, read_json};
pub use response::{error_response, json_bytes_response, json_response, JSON_1_1};
