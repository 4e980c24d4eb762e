//! The stylesheet and icon, compiled into the binary and served with a content hash in the URL
//! so browsers may keep them for a year.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use sha2::{Digest, Sha256};

use crate::error::AppError;

const STYLE_CSS: &str = include_str!("../../static/style.css");
const FAVICON_SVG: &str = include_str!("../../static/favicon.svg");
/// The code sheet's print button and the award page's copy buttons (each shown only where it
/// can work).
const PRINT_JS: &str = include_str!("../../static/print.js");
const COPY_JS: &str = include_str!("../../static/copy.js");
/// Atkinson Hyperlegible (SIL Open Font License, static/fonts/AtkinsonHyperlegible-LICENSE.txt):
/// made by the Braille Institute to be told apart letter by letter, for young and new readers.
const FONT_REGULAR: &[u8] =
    include_bytes!("../../static/fonts/atkinson-hyperlegible-latin-400-normal.woff2");
const FONT_BOLD: &[u8] =
    include_bytes!("../../static/fonts/atkinson-hyperlegible-latin-700-normal.woff2");

#[derive(Clone, Debug)]
pub struct Assets {
    pub css_url: String,
}

impl Assets {
    pub fn new() -> Assets {
        let digest = hex::encode(Sha256::digest(STYLE_CSS.as_bytes()));
        Assets {
            css_url: format!("/static/style.css?v={}", &digest[..12]),
        }
    }
}

impl Default for Assets {
    fn default() -> Self {
        Assets::new()
    }
}

pub async fn serve(file: web::Path<String>) -> Result<HttpResponse, AppError> {
    let (mime, body): (&str, &'static [u8]) = match file.as_str() {
        "style.css" => ("text/css; charset=utf-8", STYLE_CSS.as_bytes()),
        "favicon.svg" => ("image/svg+xml", FAVICON_SVG.as_bytes()),
        "print.js" => ("text/javascript; charset=utf-8", PRINT_JS.as_bytes()),
        "copy.js" => ("text/javascript; charset=utf-8", COPY_JS.as_bytes()),
        "atkinson-400.woff2" => ("font/woff2", FONT_REGULAR),
        "atkinson-700.woff2" => ("font/woff2", FONT_BOLD),
        _ => return Err(AppError::NotFound),
    };
    Ok(HttpResponse::Ok()
        .content_type(mime)
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .body(body))
}
