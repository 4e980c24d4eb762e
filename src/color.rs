//! Colours people choose (a city's brand, a badge's design): `#rrggbb` parsing, and the WCAG
//! contrast of white text on a colour, with the darkening that makes it readable.

/// A `#rrggbb` colour's channels (any case, surrounding blanks ignored).
pub fn parse(text: &str) -> Option<[u8; 3]> {
    let hex = text.trim().strip_prefix('#')?;
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([channel(0)?, channel(2)?, channel(4)?])
}

/// `rgb` as lower-case `#rrggbb`.
pub fn hex(rgb: [u8; 3]) -> String {
    format!("#{:02x}{:02x}{:02x}", rgb[0], rgb[1], rgb[2])
}

fn relative_luminance(rgb: [u8; 3]) -> f64 {
    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2])
}

/// The WCAG contrast ratio of white text on `rgb`.
pub fn contrast_with_white(rgb: [u8; 3]) -> f64 {
    1.05 / (relative_luminance(rgb) + 0.05)
}

/// `rgb` darkened step by step until white text on it reaches 4.5:1; whether it had to be.
pub fn readable_on_white(rgb: [u8; 3]) -> ([u8; 3], bool) {
    let mut color = rgb;
    let mut changed = false;
    while contrast_with_white(color) < 4.5 {
        changed = true;
        color = color.map(|c| (f64::from(c) * 0.95).floor() as u8);
    }
    (color, changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_parse_only_as_hash_and_six_hex_digits() {
        assert_eq!(parse("#12abEF"), Some([0x12, 0xab, 0xef]));
        assert_eq!(parse("12abef"), None);
        assert_eq!(parse("#12abeg"), None);
        assert_eq!(hex([0x12, 0xab, 0xef]), "#12abef");
    }

    #[test]
    fn white_on_navy_passes_and_white_on_yellow_is_darkened_until_it_does() {
        assert!(contrast_with_white([0x0b, 0x53, 0x94]) >= 4.5);
        assert!(!readable_on_white([0x0b, 0x53, 0x94]).1);
        let (dark, changed) = readable_on_white([0xff, 0xd1, 0x66]);
        assert!(changed);
        assert!(contrast_with_white(dark) >= 4.5);
        assert!((contrast_with_white([0, 0, 0]) - 21.0).abs() < 0.01);
    }
}
