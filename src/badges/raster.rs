//! Turns a badge's SVG into a 256×256 PNG (for baked PNG downloads), with a font compiled into
//! the binary so the result is the same on every machine.

use std::sync::{Arc, OnceLock};

use resvg::{tiny_skia, usvg};

const FONT: &[u8] = include_bytes!("../../static/fonts/DejaVuSans-Bold.ttf");
const SIZE: u32 = 256;

fn fonts() -> Arc<usvg::fontdb::Database> {
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

/// A PNG of the SVG, scaled to fit 256×256; `None` when the SVG cannot be drawn.
pub fn svg_to_png(svg: &[u8]) -> Option<Vec<u8>> {
    let options = usvg::Options {
        fontdb: fonts(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_data(svg, &options).ok()?;
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
