//! Uploaded SVGs, kept by allowlist: the file is parsed into a drawing (shapes, paths, text,
//! gradients, clips, masks, filters and re-encoded PNG pictures) and written back from that
//! drawing alone. Scripts, event handlers, `foreignObject`, links, styles and references to
//! other files or hosts have no place in the drawing, so none can survive.

use std::sync::Arc;

use resvg::usvg;

use crate::badges::bitmap;

/// The largest SVG written back, in bytes: a small upload that unfolds into a huge drawing
/// (a pyramid of `<use>`) is refused rather than stored.
pub const MAX_SANITIZED_BYTES: usize = 2 * 1024 * 1024;

/// Why an SVG was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SvgProblem {
    /// Not an SVG document that can be drawn.
    Unreadable,
    /// It unfolds into a drawing too large to keep.
    TooLarge,
}

impl SvgProblem {
    /// The catalog key of what to fix.
    pub fn message_key(self) -> &'static str {
        match self {
            SvgProblem::Unreadable => "field.image_svg_unreadable",
            SvgProblem::TooLarge => "field.image_too_large",
        }
    }
}

/// Parsing options that read nothing but the document: no file or URL is ever opened, and an
/// embedded picture is kept only as a PNG that decodes within limits (and is re-encoded).
pub fn parse_options() -> usvg::Options<'static> {
    usvg::Options {
        fontdb: crate::badges::raster::fonts(),
        image_href_resolver: usvg::ImageHrefResolver {
            resolve_data: Box::new(|_mime, data: Arc<Vec<u8>>, _options| {
                bitmap::looks_like_png(&data)
                    .then(|| bitmap::reencode(&data).ok())
                    .flatten()
                    .map(|png| usvg::ImageKind::PNG(Arc::new(png)))
            }),
            resolve_string: Box::new(|_href, _options| None),
        },
        ..usvg::Options::default()
    }
}

/// The drawing of `bytes`, written back as a plain SVG document.
pub fn sanitize(bytes: &[u8]) -> Result<String, SvgProblem> {
    let tree =
        usvg::Tree::from_data(bytes, &parse_options()).map_err(|_| SvgProblem::Unreadable)?;
    let options = usvg::WriteOptions {
        preserve_text: true,
        indent: usvg::Indent::None,
        attributes_indent: usvg::Indent::None,
        ..usvg::WriteOptions::default()
    };
    let svg = tree.to_string(&options);
    if svg.len() > MAX_SANITIZED_BYTES {
        return Err(SvgProblem::TooLarge);
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Everything that could make a browser run something or fetch something.
    fn assert_inert(svg: &str) {
        let lower = svg.to_ascii_lowercase();
        for needle in [
            "script",
            "javascript",
            "onload",
            "onclick",
            "onmouse",
            "onbegin",
            "foreignobject",
            "<a ",
            "<a>",
            "http://evil",
            "https://evil",
            "<iframe",
            "<style",
            "<animate",
            "<set",
            "&#",
        ] {
            assert!(!lower.contains(needle), "{needle} survived in {svg}");
        }
        let refs = lower.match_indices("href=\"").map(|(i, _)| &lower[i + 6..]);
        for target in refs {
            assert!(
                target.starts_with('#') || target.starts_with("data:image/png;base64,"),
                "a reference survived in {svg}"
            );
        }
    }

    #[test]
    fn the_reviews_bypasses_come_out_as_plain_drawings() {
        for bad in [
            "<svg xmlns=\"http://www.w3.org/2000/svg\"\ronload=\"alert(1)\"><circle r=\"4\"/></svg>",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><h:script xmlns:h=\"http://www.w3.org/1999/xhtml\">alert(1)</h:script><circle r=\"4\"/></svg>",
            "<s:svg xmlns:s=\"http://www.w3.org/2000/svg\"><s:script>alert(1)</s:script><s:circle r=\"4\"/></s:svg>",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\"><a xlink:href=\"&#106;avascript:alert(1)\"><circle r=\"4\"/></a></svg>",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><foreignObject width=\"9\" height=\"9\"><iframe xmlns=\"http://www.w3.org/1999/xhtml\" src=\"https://evil.example\"/></foreignObject><rect width=\"4\" height=\"4\"/></svg>",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><style>@import url(https://evil.example/x.css);</style><image href=\"https://evil.example/x.png\" width=\"9\" height=\"9\"/><rect width=\"4\" height=\"4\" onclick=\"x()\"/><set attributeName=\"onmouseover\" to=\"alert(1)\"/><animate attributeName=\"href\" values=\"javascript:alert(1)\"/></svg>",
        ] {
            let clean = sanitize(bad.as_bytes()).unwrap_or_else(|e| panic!("{e:?}: {bad}"));
            assert_inert(&clean);
            assert!(clean.contains("<path") || clean.contains("<rect"), "{clean}");
        }
    }

    #[test]
    fn a_drawing_with_text_and_a_png_keeps_both() {
        let png = crate::badges::bitmap::tests::png_of(2, 2);
        let svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"64\" height=\"64\"><text x=\"4\" y=\"40\" font-family=\"DejaVu Sans\" font-size=\"20\">Hi</text><image width=\"8\" height=\"8\" href=\"data:image/png;base64,{}\"/></svg>",
            base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &png)
        );
        let clean = sanitize(svg.as_bytes()).unwrap();
        assert!(clean.contains(">Hi<"), "{clean}");
        assert!(clean.contains("data:image/png;base64,"), "{clean}");
        assert_inert(&clean);
    }

    #[test]
    fn what_is_not_an_svg_is_unreadable() {
        assert_eq!(sanitize(b"<svg"), Err(SvgProblem::Unreadable));
        assert_eq!(sanitize(b"<html></html>"), Err(SvgProblem::Unreadable));
    }

    #[test]
    fn a_pyramid_of_uses_is_refused_not_unfolded() {
        let mut svg = String::from("<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\"><defs><rect id=\"l0\" width=\"1\" height=\"1\"/>");
        for level in 1..=6 {
            svg.push_str(&format!("<g id=\"l{level}\">"));
            for _ in 0..10 {
                svg.push_str(&format!("<use xlink:href=\"#l{}\"/>", level - 1));
            }
            svg.push_str("</g>");
        }
        svg.push_str("</defs><use xlink:href=\"#l6\"/></svg>");
        assert!(sanitize(svg.as_bytes()).is_err());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        #[test]
        fn arbitrary_text_never_panics_the_sanitizer(text in "\\PC{0,300}") {
            let _ = sanitize(text.as_bytes());
            let wrapped = format!("<svg xmlns=\"http://www.w3.org/2000/svg\">{text}</svg>");
            if let Ok(clean) = sanitize(wrapped.as_bytes()) {
                proptest::prop_assert!(!clean.to_ascii_lowercase().contains("<script"));
            }
        }
    }
}
