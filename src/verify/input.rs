//! What the visitor gave: pasted text, an uploaded badge image or an address, parsed once into
//! an [`Input`], or a [`Rejection`] that names the field to fix.

use serde_json::Value;

use crate::signing::baking;

/// The largest credential (pasted) or badge image (uploaded) the page accepts.
pub const MAX_INPUT_BYTES: usize = 1024 * 1024;

/// What to verify.
#[derive(Clone, Debug)]
pub enum Input {
    /// A credential document, as pasted, posted or unbaked from an image.
    Credential(Value),
    /// The address of a credential, which must be on this site.
    Url(String),
}

/// Why an input cannot be verified at all: the field to fix and the catalog key saying how.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rejection {
    pub field: &'static str,
    pub message: &'static str,
}

impl Rejection {
    pub fn new(field: &'static str, message: &'static str) -> Rejection {
        Rejection { field, message }
    }
}

/// Pasted text as a credential document.
pub fn parse_pasted(text: &str, field: &'static str) -> Result<Input, Rejection> {
    let text = text.trim_start_matches('\u{feff}').trim();
    if text.is_empty() {
        return Err(Rejection::new(field, "verify.error_nothing_given"));
    }
    match serde_json::from_str::<Value>(text) {
        Ok(value @ Value::Object(_)) => Ok(Input::Credential(value)),
        Ok(_) => Err(Rejection::new(field, "verify.error_not_credential")),
        Err(_) => Err(Rejection::new(field, "verify.error_not_json")),
    }
}

/// The credential baked in an uploaded PNG or SVG (Open Badges 3.0 baking).
pub fn parse_upload(bytes: &[u8]) -> Result<Input, Rejection> {
    const FIELD: &str = "file";
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(Rejection::new(FIELD, "verify.error_too_large"));
    }
    let baked = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        baking::unbake_png(bytes, baking::OB3_PNG_KEYWORD)
    } else {
        match std::str::from_utf8(bytes) {
            Ok(text) if text.contains("<svg") => baking::unbake_svg_ob3(text),
            _ => return Err(Rejection::new(FIELD, "verify.error_not_image")),
        }
    };
    let text = baked.ok_or(Rejection::new(FIELD, "verify.error_nothing_baked"))?;
    parse_pasted(&text, FIELD).map_err(|_| Rejection::new(FIELD, "verify.error_baked_unreadable"))
}

/// A typed address, which must at least look like an http(s) URL.
pub fn parse_url(text: &str) -> Result<Input, Rejection> {
    const FIELD: &str = "url";
    let url = text.trim();
    let looks_like_url = (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() <= 2048
        && !url.chars().any(|c| c.is_whitespace() || c.is_control());
    if looks_like_url {
        Ok(Input::Url(url.to_string()))
    } else {
        Err(Rejection::new(FIELD, "verify.error_not_a_url"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_inputs_are_rejected_with_the_field_to_fix() {
        assert_eq!(
            parse_pasted("  ", "credential").unwrap_err().message,
            "verify.error_nothing_given"
        );
        assert_eq!(
            parse_pasted("{nope", "credential").unwrap_err().message,
            "verify.error_not_json"
        );
        assert_eq!(
            parse_pasted("[1]", "credential").unwrap_err().message,
            "verify.error_not_credential"
        );
        assert_eq!(
            parse_upload(b"GIF89a").unwrap_err().message,
            "verify.error_not_image"
        );
        assert_eq!(
            parse_upload(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>")
                .unwrap_err()
                .message,
            "verify.error_nothing_baked"
        );
        assert_eq!(parse_url("ftp://example.org/x").unwrap_err().field, "url");
        assert!(parse_url(" https://example.org/c/x ").is_ok());
    }
}
