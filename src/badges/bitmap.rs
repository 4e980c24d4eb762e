//! Uploaded PNGs, decoded within limits and written again: only the pixels survive, so a
//! damaged file is refused at the door and a decompression bomb never reaches a viewer.

/// The largest width or height accepted, in pixels.
pub const MAX_DIMENSION: u32 = 2048;

/// What the decoder may allocate besides the pixels themselves (rows, chunks, metadata).
const DECODER_BYTES: usize = 8 * 1024 * 1024;

pub(crate) const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Why a PNG was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PngProblem {
    /// Damaged, incomplete or not a PNG at all.
    Unreadable,
    /// Wider or taller than [`MAX_DIMENSION`].
    TooManyPixels,
}

impl PngProblem {
    /// The catalog key of what to fix.
    pub fn message_key(self) -> &'static str {
        match self {
            PngProblem::Unreadable => "field.image_unreadable",
            PngProblem::TooManyPixels => "field.image_dimensions",
        }
    }
}

/// Whether `bytes` start like a PNG.
pub fn looks_like_png(bytes: &[u8]) -> bool {
    bytes.starts_with(PNG_SIGNATURE)
}

/// The PNG decoded (every checksum checked, at most [`MAX_DIMENSION`] on a side) and encoded
/// afresh as 8-bit pixels with no other chunk.
pub fn reencode(bytes: &[u8]) -> Result<Vec<u8>, PngProblem> {
    let unreadable = |_: png::DecodingError| PngProblem::Unreadable;
    let unwritable = |_: png::EncodingError| PngProblem::Unreadable;
    let limits = png::Limits {
        bytes: DECODER_BYTES,
    };
    let mut decoder = png::Decoder::new_with_limits(std::io::Cursor::new(bytes), limits);
    let header = decoder.read_header_info().map_err(unreadable)?;
    let (width, height) = (header.width, header.height);
    if width == 0 || height == 0 {
        return Err(PngProblem::Unreadable);
    }
    if width > MAX_DIMENSION || height > MAX_DIMENSION {
        return Err(PngProblem::TooManyPixels);
    }
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(unreadable)?;
    let size = reader
        .output_buffer_size()
        .ok_or(PngProblem::TooManyPixels)?;
    let mut pixels = vec![0; size];
    let frame = reader.next_frame(&mut pixels).map_err(unreadable)?;
    // The rest of the file (its end and every checksum) must be sound too.
    reader.finish().map_err(unreadable)?;
    pixels.truncate(frame.buffer_size());
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, frame.width, frame.height);
    encoder.set_color(frame.color_type);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(unwritable)?;
    writer.write_image_data(&pixels).map_err(unwritable)?;
    writer.finish().map_err(unwritable)?;
    Ok(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A valid PNG of `width`×`height` opaque pixels, for tests.
    pub fn png_of(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().unwrap();
        let pixels: Vec<u8> = (0..width * height)
            .flat_map(|i| [(i % 251) as u8, 80, 160, 255])
            .collect();
        writer.write_image_data(&pixels).unwrap();
        writer.finish().unwrap();
        out
    }

    #[test]
    fn a_sound_png_comes_back_with_the_same_pixels() {
        let original = png_of(3, 2);
        let again = reencode(&original).unwrap();
        let decode = |bytes: &[u8]| {
            let mut reader = png::Decoder::new(std::io::Cursor::new(bytes.to_vec()))
                .read_info()
                .unwrap();
            let mut buf = vec![0; reader.output_buffer_size().unwrap()];
            let info = reader.next_frame(&mut buf).unwrap();
            (info.width, info.height, buf)
        };
        assert_eq!(decode(&again), decode(&original));
    }

    #[test]
    fn a_png_with_a_bad_checksum_is_unreadable() {
        let mut png = png_of(4, 4);
        // The CRC of IHDR: signature (8) + length (4) + type (4) + data (13).
        png[29] ^= 0xff;
        assert_eq!(reencode(&png), Err(PngProblem::Unreadable));
    }

    #[test]
    fn a_huge_png_is_refused_before_its_pixels_are_decoded() {
        let mut png = png_of(1, 1);
        // Rewrite IHDR to claim 20000×20000 with a correct checksum.
        png[16..20].copy_from_slice(&20_000u32.to_be_bytes());
        png[20..24].copy_from_slice(&20_000u32.to_be_bytes());
        let crc = crc32fast::hash(&png[12..29]);
        png[29..33].copy_from_slice(&crc.to_be_bytes());
        assert_eq!(reencode(&png), Err(PngProblem::TooManyPixels));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        #[test]
        fn arbitrary_bytes_never_panic_the_png_check(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..1024)) {
            let _ = reencode(&bytes);
            let mut png = PNG_SIGNATURE.to_vec();
            png.extend_from_slice(&bytes);
            let _ = reencode(&png);
        }

        #[test]
        fn a_sound_png_with_one_byte_changed_never_panics(index in 0usize..200, flip in 1u8..=255) {
            let mut png = png_of(5, 5);
            let i = index % png.len();
            png[i] ^= flip;
            let _ = reencode(&png);
        }
    }
}
