//! Badge images: an uploaded PNG or SVG, checked, or a generated default (the badge's initials on
//! a ribbon-coloured disc).

use askama::Template;
use sha2::{Digest, Sha256};

/// The largest image accepted, in bytes.
pub const MAX_IMAGE_BYTES: usize = 512 * 1024;

/// A checked image ready to store.
#[derive(Debug, PartialEq, Eq)]
pub struct BadgeImage {
    pub mime: &'static str,
    pub bytes: Vec<u8>,
}

/// Accepts a PNG or a script-free SVG; the error is the catalog key of what to fix.
pub fn check_upload(bytes: Vec<u8>) -> Result<BadgeImage, &'static str> {
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err("field.image_too_large");
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(BadgeImage {
            mime: "image/png",
            bytes,
        });
    }
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return Err("field.image_type");
    };
    let lower = text.to_ascii_lowercase();
    let head = lower.trim_start_matches('\u{feff}').trim_start();
    let looks_like_svg =
        (head.starts_with("<svg") || head.starts_with("<?xml")) && lower.contains("<svg");
    if !looks_like_svg {
        return Err("field.image_type");
    }
    let active = [
        "<script",
        "javascript:",
        "<foreignobject",
        " on",
        "\ton",
        "\non",
    ]
    .iter()
    .any(|needle| {
        if needle.ends_with("on") {
            // Event handler attributes such as onload= or onclick=.
            lower.match_indices(needle).any(|(i, _)| {
                let rest = &lower[i + needle.len()..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphabetic())
                    .collect();
                !name.is_empty() && rest[name.len()..].trim_start().starts_with('=')
            })
        } else {
            lower.contains(needle)
        }
    });
    if active {
        return Err("field.image_script");
    }
    Ok(BadgeImage {
        mime: "image/svg+xml",
        bytes,
    })
}

#[derive(Template)]
#[template(path = "badges/default.svg", escape = "html")]
struct DefaultImage<'a> {
    initials: &'a str,
    hue: u16,
}

/// The generated image of a badge without an upload.
pub fn default_image(name: &str) -> BadgeImage {
    let initials: String = name
        .split_whitespace()
        .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
        .take(2)
        .flat_map(|c| c.to_uppercase())
        .collect();
    let digest = Sha256::digest(name.as_bytes());
    let hue = u16::from_be_bytes([digest[0], digest[1]]) % 360;
    let svg = DefaultImage {
        initials: if initials.is_empty() {
            "★"
        } else {
            &initials
        },
        hue,
    }
    .render()
    .unwrap_or_default();
    BadgeImage {
        mime: "image/svg+xml",
        bytes: svg.into_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_png_or_a_plain_svg_is_accepted() {
        let png = b"\x89PNG\r\n\x1a\nrest".to_vec();
        assert_eq!(check_upload(png).map(|i| i.mime), Ok("image/png"));
        let svg = b"<svg xmlns='http://www.w3.org/2000/svg'><circle r='4'/></svg>".to_vec();
        assert_eq!(check_upload(svg).map(|i| i.mime), Ok("image/svg+xml"));
    }

    #[test]
    fn svgs_with_scripts_or_handlers_are_refused() {
        for bad in [
            "<svg><script>alert(1)</script></svg>",
            "<svg onload='alert(1)'></svg>",
            "<svg><a href='javascript:x'>x</a></svg>",
        ] {
            assert_eq!(
                check_upload(bad.as_bytes().to_vec()),
                Err("field.image_script"),
                "{bad}"
            );
        }
    }

    #[test]
    fn other_files_and_huge_files_are_refused() {
        assert_eq!(check_upload(b"GIF89a".to_vec()), Err("field.image_type"));
        assert_eq!(
            check_upload(vec![b'x'; MAX_IMAGE_BYTES + 1]),
            Err("field.image_too_large")
        );
    }

    #[test]
    fn the_default_image_shows_escaped_initials() {
        let image = default_image("<Rocket> Builder");
        let svg = String::from_utf8(image.bytes).unwrap();
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains(">RB<"), "{svg}");
        assert!(check_upload(svg.into_bytes()).is_ok());
    }
}
