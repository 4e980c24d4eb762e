//! An activity's photo: a PNG or a JPEG (what partners have), decoded within limits, scaled
//! down to at most [`MAX_SIDE`] pixels on its longer side and written afresh as a PNG, so only
//! the pixels survive (no metadata, no location of the phone that took it).

use crate::badges::bitmap;

/// The largest upload accepted, in bytes.
pub const MAX_UPLOAD_BYTES: usize = 5 * 1024 * 1024;

/// The longer side of a stored image, in pixels.
pub const MAX_SIDE: usize = 1600;

/// The largest JPEG decoded at all (a phone's photo is about 4000×3000).
const MAX_JPEG_SIDE: usize = 8192;

/// An image ready to store.
#[derive(Clone, Debug)]
pub struct ActivityImage {
    pub mime: &'static str,
    pub bytes: Vec<u8>,
}

/// The upload checked and re-encoded, or the catalog key of what is wrong with it.
pub fn prepare(upload: &[u8]) -> Result<ActivityImage, &'static str> {
    if upload.len() > MAX_UPLOAD_BYTES {
        return Err("activity_error.image_too_large");
    }
    let bytes = if bitmap::looks_like_png(upload) {
        bitmap::reencode(upload).map_err(|p| p.message_key())?
    } else if upload.starts_with(&[0xff, 0xd8, 0xff]) {
        jpeg_to_png(upload)?
    } else {
        return Err("activity_error.image_type");
    };
    Ok(ActivityImage {
        mime: "image/png",
        bytes,
    })
}

fn jpeg_to_png(upload: &[u8]) -> Result<Vec<u8>, &'static str> {
    use zune_jpeg::zune_core::colorspace::ColorSpace;
    use zune_jpeg::zune_core::options::DecoderOptions;
    let unreadable = "field.image_unreadable";
    let options = DecoderOptions::default()
        .set_max_width(MAX_JPEG_SIDE)
        .set_max_height(MAX_JPEG_SIDE)
        .jpeg_set_out_colorspace(ColorSpace::RGB);
    let mut decoder =
        zune_jpeg::JpegDecoder::new_with_options(std::io::Cursor::new(upload), options);
    decoder.decode_headers().map_err(|_| unreadable)?;
    let info = decoder.info().ok_or(unreadable)?;
    let (width, height) = (usize::from(info.width), usize::from(info.height));
    if width == 0 || height == 0 {
        return Err(unreadable);
    }
    let pixels = decoder.decode().map_err(|_| unreadable)?;
    if pixels.len() != width * height * 3 {
        return Err(unreadable);
    }
    let (pixels, width, height) = shrink(&pixels, width, height, MAX_SIDE);
    encode_rgb(&pixels, width, height).ok_or(unreadable)
}

/// RGB pixels scaled down (by averaging whole blocks) until the longer side fits `max`.
pub fn shrink(pixels: &[u8], width: usize, height: usize, max: usize) -> (Vec<u8>, usize, usize) {
    let step = width.max(height).div_ceil(max).max(1);
    if step == 1 {
        return (pixels.to_vec(), width, height);
    }
    let (w, h) = (width.div_ceil(step), height.div_ceil(step));
    let mut out = Vec::with_capacity(w * h * 3);
    for by in 0..h {
        for bx in 0..w {
            let mut sum = [0u32; 3];
            let mut n = 0u32;
            for y in by * step..((by + 1) * step).min(height) {
                for x in bx * step..((bx + 1) * step).min(width) {
                    let i = (y * width + x) * 3;
                    for c in 0..3 {
                        sum[c] += u32::from(pixels[i + c]);
                    }
                    n += 1;
                }
            }
            for s in sum {
                out.push(u8::try_from(s / n.max(1)).unwrap_or(u8::MAX));
            }
        }
    }
    (out, w, h)
}

fn encode_rgb(pixels: &[u8], width: usize, height: usize) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(
        &mut out,
        u32::try_from(width).ok()?,
        u32::try_from(height).ok()?,
    );
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().ok()?;
    writer.write_image_data(pixels).ok()?;
    writer.finish().ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_big_picture_is_scaled_down_to_fit() {
        let pixels = vec![200u8; 4000 * 10 * 3];
        let (out, w, h) = shrink(&pixels, 4000, 10, 1600);
        assert_eq!((w, h), (1334, 4));
        assert_eq!(out.len(), w * h * 3);
        assert!(out.iter().all(|p| *p == 200));
    }

    #[test]
    fn something_that_is_not_a_picture_is_refused() {
        assert_eq!(
            prepare(b"GIF89a....").map(|_| ()),
            Err("activity_error.image_type")
        );
        assert_eq!(
            prepare(&[0xff, 0xd8, 0xff, 0xe0, 0, 0]).map(|_| ()),
            Err("field.image_unreadable")
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]

        #[test]
        fn arbitrary_bytes_after_a_jpeg_marker_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2048)) {
            let mut jpeg = vec![0xff, 0xd8, 0xff];
            jpeg.extend_from_slice(&bytes);
            let _ = prepare(&jpeg);
        }
    }
}
