//! Badge images: an uploaded PNG (re-encoded, see `bitmap`) or SVG (reduced to its drawing, see
//! `svg`), or a generated default (a designed badge with the badge's initials).

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use sha2::{Digest, Sha256};

use crate::badges::{bitmap, svg};

/// The largest image accepted, in bytes.
pub const MAX_IMAGE_BYTES: usize = 512 * 1024;

/// A checked image ready to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadgeImage {
    pub mime: &'static str,
    pub bytes: Vec<u8>,
}

/// A PNG (decoded and re-encoded) or an SVG (reduced to its drawing); the error is the
/// catalog key of what to fix.
pub fn check_upload(bytes: Vec<u8>) -> Result<BadgeImage, &'static str> {
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err("field.image_too_large");
    }
    if bitmap::looks_like_png(&bytes) {
        return bitmap::reencode(&bytes)
            .map(|bytes| BadgeImage {
                mime: "image/png",
                bytes,
            })
            .map_err(|problem| problem.message_key());
    }
    if !looks_like_svg(&bytes) {
        return Err("field.image_type");
    }
    svg::sanitize(&bytes)
        .map(|svg| BadgeImage {
            mime: "image/svg+xml",
            bytes: svg.into_bytes(),
        })
        .map_err(|problem| problem.message_key())
}

/// Whether `bytes` are text that starts like an SVG document.
fn looks_like_svg(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    let lower = text.to_ascii_lowercase();
    let head = lower.trim_start_matches('\u{feff}').trim_start();
    (head.starts_with('<') && lower.contains("svg")) || head.starts_with("<?xml")
}

/// A stored image made safe to serve: whatever was stored (including uploads accepted before
/// images were re-encoded) goes through the same checks as an upload, and one that fails them
/// gives way to the generated image of `badge_name`. Results are cached by content.
pub fn for_display(mime: &str, bytes: &[u8], badge_name: &str) -> BadgeImage {
    let mut hasher = Sha256::new();
    hasher.update(mime.as_bytes());
    hasher.update([0]);
    hasher.update(bytes);
    let digest: [u8; 32] = hasher.finalize().into();
    if let Some(image) = cache().lock().ok().and_then(|c| c.get(&digest).cloned()) {
        return image;
    }
    let image = check_upload(bytes.to_vec()).unwrap_or_else(|problem| {
        tracing::warn!(badge.name = %badge_name, image.problem = problem, "a stored badge image was replaced by the generated one");
        default_image(badge_name)
    });
    if let Ok(mut cache) = cache().lock() {
        if cache.len() >= CACHE_ENTRIES {
            cache.clear();
        }
        cache.insert(digest, image.clone());
    }
    image
}

/// The image of the badge `slug` of `city` (at `version`, or the current one), as it may be
/// served or baked: loaded, then checked ([`for_display`]) off the async workers.
pub async fn load_for_display(
    state: &crate::state::AppState,
    city: crate::ids::CityId,
    slug: String,
    version: Option<i32>,
) -> Result<BadgeImage, crate::error::AppError> {
    let stored = state
        .db
        .run(move |conn| {
            crate::badges::store::image(conn, city, &slug, version)?
                .ok_or(crate::error::AppError::NotFound)
        })
        .await?;
    actix_web::web::block(move || for_display(&stored.mime, &stored.bytes, &stored.badge_name))
        .await
        .map_err(|e| {
            crate::error::AppError::Internal(anyhow::anyhow!("checking a badge image: {e}"))
        })
}

const CACHE_ENTRIES: usize = 256;

fn cache() -> &'static Mutex<HashMap<[u8; 32], BadgeImage>> {
    static CACHE: OnceLock<Mutex<HashMap<[u8; 32], BadgeImage>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// The generated image of a badge without a design or an upload: a designed default (see
/// [`crate::badges::design::Design::default_for`]).
pub fn default_image(name: &str) -> BadgeImage {
    crate::badges::design::Design::default_for(name).image()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_png_or_a_plain_svg_is_accepted() {
        let png = bitmap::tests::png_of(2, 2);
        assert_eq!(check_upload(png).map(|i| i.mime), Ok("image/png"));
        let svg = b"<svg xmlns='http://www.w3.org/2000/svg'><circle r='4'/></svg>".to_vec();
        assert_eq!(check_upload(svg).map(|i| i.mime), Ok("image/svg+xml"));
    }

    #[test]
    fn svgs_with_scripts_or_handlers_keep_only_their_drawing() {
        for bad in [
            "<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script><circle r='4'/></svg>",
            "<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'><circle r='4'/></svg>",
            "<svg xmlns='http://www.w3.org/2000/svg'><a href='javascript:x'><circle r='4'/></a></svg>",
        ] {
            let image = check_upload(bad.as_bytes().to_vec()).unwrap();
            let text = String::from_utf8(image.bytes).unwrap().to_ascii_lowercase();
            assert!(!text.contains("script") && !text.contains("onload"), "{text}");
            assert!(text.contains("<path"), "{text}");
        }
    }

    #[test]
    fn other_files_broken_files_and_huge_files_are_refused() {
        assert_eq!(check_upload(b"GIF89a".to_vec()), Err("field.image_type"));
        assert_eq!(
            check_upload(b"\x89PNG\r\n\x1a\nrest".to_vec()),
            Err("field.image_unreadable")
        );
        assert_eq!(
            check_upload(b"<svg".to_vec()),
            Err("field.image_svg_unreadable")
        );
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
        let shown = for_display("image/svg+xml", svg.as_bytes(), "<Rocket> Builder");
        assert!(String::from_utf8(shown.bytes).unwrap().contains(">RB<"));
    }

    #[test]
    fn a_stored_image_that_fails_the_checks_is_shown_as_the_generated_one() {
        let shown = for_display("image/png", b"\x89PNG\r\n\x1a\nbroken", "Otter Keeper");
        assert_eq!(shown, default_image("Otter Keeper"));
        let old = b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'><rect width='4' height='4'/></svg>";
        let shown = for_display("image/svg+xml", old, "Old");
        assert!(!String::from_utf8(shown.bytes).unwrap().contains("onload"));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        #[test]
        fn arbitrary_uploads_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600)) {
            let _ = check_upload(bytes.clone());
            let mut svg = b"<svg xmlns='http://www.w3.org/2000/svg'>".to_vec();
            svg.extend_from_slice(&bytes);
            let _ = check_upload(svg);
        }
    }
}
