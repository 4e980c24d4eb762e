//! A city's logo: a PNG or a JPEG (decoded and written afresh as a PNG, so only its pixels
//! survive) or an SVG (reduced to its drawing), at most [`MAX_LOGO_BYTES`]. The city's home
//! page shows it, and `brand.css` puts it beside the city's name in the header of its pages.

use crate::activities::image as photo;
use crate::badges::{bitmap, image as badge_image};

/// The largest logo accepted, in bytes.
pub const MAX_LOGO_BYTES: usize = 512 * 1024;

/// A checked logo ready to store.
#[derive(Clone, Debug)]
pub struct Logo {
    pub mime: &'static str,
    pub bytes: Vec<u8>,
}

/// The upload checked and re-encoded, or the catalog key of what to fix.
pub fn prepare(upload: &[u8]) -> Result<Logo, &'static str> {
    if upload.len() > MAX_LOGO_BYTES {
        return Err("settings.error.logo_too_large");
    }
    let is_jpeg = upload.starts_with(&[0xff, 0xd8, 0xff]);
    if bitmap::looks_like_png(upload) || is_jpeg {
        return photo::prepare(upload)
            .map(|image| Logo {
                mime: image.mime,
                bytes: image.bytes,
            })
            .map_err(|key| match key {
                "activity_error.image_type" => "settings.error.logo_type",
                other => other,
            });
    }
    badge_image::check_upload(upload.to_vec())
        .map(|image| Logo {
            mime: image.mime,
            bytes: image.bytes,
        })
        .map_err(|key| match key {
            "field.image_type" => "settings.error.logo_type",
            "field.image_too_large" => "settings.error.logo_too_large",
            other => other,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_svg_loses_its_script_and_other_files_are_refused_by_name() {
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script><rect width="10" height="10" fill="red"/></svg>"#;
        let logo = prepare(svg).expect("a drawing is a logo");
        assert_eq!(logo.mime, "image/svg+xml");
        let text = String::from_utf8(logo.bytes).unwrap();
        assert!(!text.contains("script"), "{text}");
        assert_eq!(
            prepare(b"GIF89a....").unwrap_err(),
            "settings.error.logo_type"
        );
        assert_eq!(
            prepare(&vec![0u8; MAX_LOGO_BYTES + 1]).unwrap_err(),
            "settings.error.logo_too_large"
        );
    }
}
