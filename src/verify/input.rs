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

/// The credential baked in an uploaded PNG or SVG: an Open Badges 3.0 credential, or else an
/// Open Badges 2.0 assertion, which is checked through the address it names (an assertion of
/// this site stands for the award whose signed credential is then verified).
pub fn parse_upload(bytes: &[u8]) -> Result<Input, Rejection> {
    const FIELD: &str = "file";
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(Rejection::new(FIELD, "verify.error_too_large"));
    }
    let (ob3, ob2) = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        (
            baking::unbake_png(bytes, baking::OB3_PNG_KEYWORD),
            baking::unbake_png(bytes, baking::OB2_PNG_KEYWORD),
        )
    } else {
        match std::str::from_utf8(bytes) {
            Ok(text) if text.contains("<svg") => {
                (baking::unbake_svg_ob3(text), baking::unbake_svg_ob2(text))
            }
            _ => return Err(Rejection::new(FIELD, "verify.error_not_image")),
        }
    };
    if let Some(text) = ob3 {
        return parse_pasted(&text, FIELD)
            .map_err(|_| Rejection::new(FIELD, "verify.error_baked_unreadable"));
    }
    let assertion = ob2.ok_or(Rejection::new(FIELD, "verify.error_nothing_baked"))?;
    let url =
        assertion_url(&assertion).ok_or(Rejection::new(FIELD, "verify.error_baked_unreadable"))?;
    parse_url(url.trim_end_matches("/assertion"))
        .map_err(|_| Rejection::new(FIELD, "verify.error_baked_unreadable"))
}

/// The address an Open Badges 2.0 baked assertion names: the assertion's `id` (or its
/// `verify.url`), or the baked text itself when it is an address.
fn assertion_url(baked: &str) -> Option<String> {
    let baked = baked.trim();
    if baked.starts_with("http://") || baked.starts_with("https://") {
        return Some(baked.to_string());
    }
    let assertion: Value = serde_json::from_str(baked).ok()?;
    assertion
        .get("id")
        .and_then(Value::as_str)
        .or_else(|| assertion.get("verify")?.get("url")?.as_str())
        .map(str::to_string)
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

    #[test]
    fn a_png_whose_credential_chunk_is_only_the_keyword_has_nothing_baked() {
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        let data = baking::OB3_PNG_KEYWORD.as_bytes();
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        png.extend_from_slice(b"iTXt");
        png.extend_from_slice(data);
        let mut hasher = crc32fast::Hasher::new();
        hasher.update(b"iTXt");
        hasher.update(data);
        png.extend_from_slice(&hasher.finalize().to_be_bytes());
        assert_eq!(
            parse_upload(&png).unwrap_err().message,
            "verify.error_nothing_baked"
        );
    }

    fn tiny_png() -> Vec<u8> {
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        for (kind, data) in [
            (b"IHDR", &[0u8, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0][..]),
            (b"IEND", &[][..]),
        ] {
            png.extend_from_slice(&(data.len() as u32).to_be_bytes());
            png.extend_from_slice(kind);
            png.extend_from_slice(data);
            let mut hasher = crc32fast::Hasher::new();
            hasher.update(kind);
            hasher.update(data);
            png.extend_from_slice(&hasher.finalize().to_be_bytes());
        }
        png
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        #[test]
        fn arbitrary_input_is_parsed_or_rejected_never_panicked_on(
            text in "\\PC{0,200}",
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400),
        ) {
            let _ = parse_pasted(&text, "credential");
            let _ = parse_url(&text);
            let _ = parse_upload(&bytes);
            let _ = parse_upload(text.as_bytes());
            let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
            png.extend_from_slice(&bytes);
            let _ = parse_upload(&png);
            let svg = format!("<svg><openbadges:credential><![CDATA[{text}]]></openbadges:credential></svg>");
            let _ = parse_upload(svg.as_bytes());
        }

        #[test]
        fn any_credential_baked_into_an_image_comes_back_from_the_upload(
            name in "\\PC{0,60}",
            number in proptest::prelude::any::<i64>(),
        ) {
            let credential = serde_json::json!({"name": name, "n": number, "type": ["VerifiableCredential"]});
            let text = credential.to_string();
            let png = baking::bake_png(&tiny_png(), baking::OB3_PNG_KEYWORD, &text).unwrap_or_default();
            let svg = baking::bake_svg_ob3("<svg xmlns=\"http://www.w3.org/2000/svg\"/>", &text).unwrap_or_default();
            for upload in [png, svg.into_bytes()] {
                match parse_upload(&upload) {
                    Ok(Input::Credential(found)) => proptest::prop_assert_eq!(&found, &credential),
                    other => proptest::prop_assert!(false, "{other:?}"),
                }
            }
        }
    }
}
