//! Small helpers both test binaries (`tests/api`, `tests/faults`) use, included by each with
//! `#[path]`.
#![allow(dead_code)]

use reqwest::Response;

/// Replaces the database name (and optionally the host:port) of a PostgreSQL URL.
pub fn database_url(admin: &str, name: &str, host_port: Option<&str>) -> String {
    let (base, query) = match admin.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (admin, String::new()),
    };
    let (scheme, rest) = base.split_once("://").unwrap_or(("postgres", base));
    let (authority, _) = rest.split_once('/').unwrap_or((rest, ""));
    let authority = match (host_port, authority.rsplit_once('@')) {
        (Some(hp), Some((user, _))) => format!("{user}@{hp}"),
        (Some(hp), None) => hp.to_string(),
        (None, _) => authority.to_string(),
    };
    format!("{scheme}://{authority}/{name}{query}")
}

/// The value of a hidden input named `name`.
pub fn hidden_value(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_string())
}

/// The `Location` header of a redirect.
pub fn location(response: &Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}
