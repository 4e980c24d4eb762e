//! Turns a badge's SVG into a 256×256 PNG (for baked PNG downloads), with a font compiled into
//! the binary so the result is the same on every machine.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use sha2::{Digest, Sha256};

use resvg::{tiny_skia, usvg};

const FONT: &[u8] = include_bytes!("../../static/fonts/DejaVuSans-Bold.ttf");
const SIZE: u32 = 256;

/// The font every badge is drawn with.
pub fn fonts() -> Arc<usvg::fontdb::Database> {
    static FONTS: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = usvg::fontdb::Database::new();
            db.load_font_data(FONT.to_vec());
            db.set_sans_serif_family("DejaVu Sans");
            Arc::new(db)
        })
        .clone()
}

/// Rasterized badges by the SHA-256 of their SVG: the same SVG always gives the same PNG,
/// and drawing one takes milliseconds. Emptied when it holds too many.
fn cache() -> &'static Mutex<HashMap<[u8; 32], Vec<u8>>> {
    static CACHE: OnceLock<Mutex<HashMap<[u8; 32], Vec<u8>>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

const CACHE_ENTRIES: usize = 512;

/// A PNG of the SVG, scaled to fit 256×256; `None` when the SVG cannot be drawn.
pub fn svg_to_png(svg: &[u8]) -> Option<Vec<u8>> {
    let digest: [u8; 32] = Sha256::digest(svg).into();
    if let Some(png) = cache().lock().ok().and_then(|c| c.get(&digest).cloned()) {
        return Some(png);
    }
    let png = draw(svg)?;
    if let Ok(mut cache) = cache().lock() {
        if cache.len() >= CACHE_ENTRIES {
            cache.clear();
        }
        cache.insert(digest, png.clone());
    }
    Some(png)
}

fn draw(svg: &[u8]) -> Option<Vec<u8>> {
    // Never open a file or URL an SVG names.
    let tree = usvg::Tree::from_data(svg, &crate::badges::svg::parse_options()).ok()?;
    let size = tree.size();
    let scale = (SIZE as f32 / size.width()).min(SIZE as f32 / size.height());
    let mut pixmap = tiny_skia::Pixmap::new(SIZE, SIZE)?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap.encode_png().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_badge_image_rasterizes_to_a_png_with_ink() {
        let svg = crate::badges::image::default_image("Reading Explorer").bytes;
        let png = svg_to_png(&svg).unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        let pixmap = tiny_skia::Pixmap::decode_png(&png).unwrap();
        assert_eq!((pixmap.width(), pixmap.height()), (256, 256));
        let opaque = pixmap.pixels().iter().filter(|p| p.alpha() == 255).count();
        assert!(
            opaque > 30_000,
            "the disc is drawn ({opaque} opaque pixels)"
        );
    }

    #[test]
    fn garbage_is_not_an_image() {
        assert!(svg_to_png(b"<svg").is_none());
        assert!(svg_to_png(b"not svg at all").is_none());
    }
}
