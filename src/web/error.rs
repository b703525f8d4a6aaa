//! API errors: JSON `{"error": {"code", "message"}}` with a stable code whose
//! status comes from one table. Bad input is a 4xx and is not logged; an
//! internal failure is logged once here and answered with a generic message.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

#[derive(Debug)]
pub struct ApiError {
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { code, message: message.into() }
    }

    /// An internal failure: the detail goes to the log, not to the client.
    pub fn internal(err: &dyn std::error::Error) -> ApiError {
        let mut chain = err.to_string();
        let mut source = err.source();
        while let Some(s) = source {
            chain.push_str(": ");
            chain.push_str(&s.to_string());
            source = s.source();
        }
        tracing::error!(error = %chain, "internal error");
        ApiError::new("internal", "something went wrong on our side")
    }

    /// The status for each code.
    pub fn status(&self) -> StatusCode {
        match self.code {
            "not_found" | "unknown_article" | "unknown_record" | "unknown_tree" => StatusCode::NOT_FOUND,
            "invalid_query" | "invalid_locale" | "invalid_kind" | "invalid_body" | "invalid_state"
            | "invalid_answer" | "stale_state" => StatusCode::BAD_REQUEST,
            "payload_too_large" => StatusCode::PAYLOAD_TOO_LARGE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        (status, Json(json!({ "error": { "code": self.code, "message": self.message } }))).into_response()
    }
}

/// The shape of every API error, for the OpenAPI document.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable code: invalid_query, invalid_locale, invalid_kind, invalid_body, invalid_state,
    /// stale_state, invalid_answer, unknown_article, unknown_record, unknown_tree, not_found,
    /// payload_too_large, internal.
    pub code: String,
    pub message: String,
}
