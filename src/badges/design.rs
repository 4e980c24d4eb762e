//! The badge designer: a shape, two colours, an icon of the bundled Lucide set (ISC, see
//! `assets/icons/lucide/LICENSE`) and a short label, drawn as SVG on the server. Nothing the
//! user typed reaches the drawing but the label (escaped) and colours checked as `#rrggbb`;
//! shapes and icons come from allowlists. An upload is cropped to the chosen shape.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::badges::image::BadgeImage;
use crate::badges::svg;

/// The drawing's size in pixels (the raster is the same size).
pub const SIZE: u32 = 256;

/// The longest label, in characters.
pub const MAX_LABEL: usize = 6;

/// The shapes a badge may take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Circle,
    Shield,
    Hexagon,
    Rounded,
    Octagon,
}

impl Shape {
    pub const ALL: [Shape; 5] = [
        Shape::Circle,
        Shape::Shield,
        Shape::Hexagon,
        Shape::Rounded,
        Shape::Octagon,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Shape::Circle => "circle",
            Shape::Shield => "shield",
            Shape::Hexagon => "hexagon",
            Shape::Rounded => "rounded",
            Shape::Octagon => "octagon",
        }
    }

    pub fn parse(input: &str) -> Option<Shape> {
        Shape::ALL.into_iter().find(|s| s.as_str() == input.trim())
    }

    /// The catalog key of the shape's name.
    pub fn label_key(self) -> String {
        format!("badge_design.shape_{}", self.as_str())
    }

    /// The outline on the 256×256 canvas.
    pub fn path(self) -> &'static str {
        match self {
            Shape::Circle => "M8 128A120 120 0 1 0 248 128A120 120 0 1 0 8 128Z",
            Shape::Shield => "M128 8L236 44V120C236 184 190 228 128 250C66 228 20 184 20 120V44Z",
            Shape::Hexagon => "M128 6L233.7 67V189L128 250L22.3 189V67Z",
            Shape::Rounded => {
                "M48 12H208A36 36 0 0 1 244 48V208A36 36 0 0 1 208 244H48A36 36 0 0 1 12 208V48A36 36 0 0 1 48 12Z"
            }
            Shape::Octagon => {
                "M81.3 15.3L174.7 15.3L240.7 81.3L240.7 174.7L174.7 240.7L81.3 240.7L15.3 174.7L15.3 81.3Z"
            }
        }
    }
}

/// One icon of the bundled set.
pub struct Icon {
    pub name: &'static str,
    source: &'static str,
}

macro_rules! icons {
    ($($name:literal),* $(,)?) => {
        &[$(Icon {
            name: $name,
            source: include_str!(concat!("../../assets/icons/lucide/", $name, ".svg")),
        }),*]
    };
}

/// The icons offered, fit for youth activities.
pub const ICONS: &[Icon] = icons![
    "award",
    "bike",
    "bird",
    "book-open",
    "bot",
    "calculator",
    "camera",
    "chef-hat",
    "code",
    "compass",
    "drama",
    "dumbbell",
    "fish",
    "flask-conical",
    "footprints",
    "globe",
    "guitar",
    "hammer",
    "heart",
    "languages",
    "leaf",
    "library",
    "lightbulb",
    "medal",
    "microscope",
    "mountain",
    "music",
    "paintbrush",
    "palette",
    "pencil",
    "puzzle",
    "rocket",
    "sprout",
    "star",
    "sun",
    "telescope",
    "tent",
    "trees",
    "trophy",
    "users",
    "volleyball",
    "waves",
];

impl Icon {
    /// The catalog key of the icon's name.
    pub fn label_key(&self) -> String {
        format!("badge_icon.{}", self.name)
    }

    pub fn find(name: &str) -> Option<&'static Icon> {
        ICONS.iter().find(|i| i.name == name.trim())
    }

    /// The icon's elements (paths, circles, …) without the surrounding `<svg>`.
    fn body(&self) -> &'static str {
        let start = self
            .source
            .find("<svg")
            .and_then(|at| self.source[at..].find('>').map(|end| at + end + 1))
            .unwrap_or(0);
        let end = self.source.rfind("</svg>").unwrap_or(self.source.len());
        self.source.get(start..end).unwrap_or_default()
    }
}

/// A colour written `#rrggbb` (lowercased).
pub fn parse_color(input: &str) -> Option<String> {
    crate::color::parse(input).map(crate::color::hex)
}

/// A badge's design, as stored in `badges.design` (JSON) so that the edit form reopens it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Design {
    pub shape: String,
    pub primary: String,
    pub secondary: String,
    pub icon: String,
    pub label: String,
    /// The image is an upload cropped to the shape (the icon and label are not drawn).
    #[serde(default)]
    pub upload: bool,
}

/// The design's form fields as typed.
#[derive(Clone, Debug, Default)]
pub struct DesignForm {
    pub shape: String,
    pub primary: String,
    pub secondary: String,
    pub icon: String,
    pub label: String,
}

impl Design {
    /// The design of the form, or each field's problem (field name, catalog key).
    pub fn parse(form: &DesignForm) -> Result<Design, Vec<(&'static str, &'static str)>> {
        let mut problems = Vec::new();
        let shape = Shape::parse(&form.shape);
        if shape.is_none() {
            problems.push(("shape", "badge_design.shape_unknown"));
        }
        let primary = parse_color(&form.primary);
        if primary.is_none() {
            problems.push(("primary", "badge_design.color_invalid"));
        }
        let secondary = parse_color(&form.secondary);
        if secondary.is_none() {
            problems.push(("secondary", "badge_design.color_invalid"));
        }
        let icon = Icon::find(&form.icon);
        if icon.is_none() {
            problems.push(("icon", "badge_design.icon_unknown"));
        }
        let label = form.label.trim();
        if label.chars().count() > MAX_LABEL {
            problems.push(("label", "badge_design.label_too_long"));
        } else if label.chars().any(char::is_control) {
            problems.push(("label", "badge_design.label_invalid"));
        }
        match (shape, primary, secondary, icon, problems.is_empty()) {
            (Some(shape), Some(primary), Some(secondary), Some(icon), true) => Ok(Design {
                shape: shape.as_str().into(),
                primary,
                secondary,
                icon: icon.name.into(),
                label: label.into(),
                upload: false,
            }),
            _ => Err(problems),
        }
    }

    /// The designed default of a badge named `name`: its initials, colours and shape from its
    /// name, so that every badge looks different.
    pub fn default_for(name: &str) -> Design {
        let initials: String = name
            .split_whitespace()
            .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
            .take(2)
            .flat_map(|c| c.to_uppercase())
            .collect();
        let digest = Sha256::digest(name.as_bytes());
        let hue = f32::from(u16::from_be_bytes([digest[0], digest[1]]) % 360);
        let shape = Shape::ALL[usize::from(digest[2]) % Shape::ALL.len()];
        let icon = &ICONS[usize::from(digest[3]) % ICONS.len()];
        Design {
            shape: shape.as_str().into(),
            primary: hsl_hex(hue, 0.62, 0.36),
            secondary: hsl_hex((hue + 40.0) % 360.0, 0.9, 0.86),
            icon: icon.name.into(),
            label: initials,
            upload: false,
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A stored design; `None` for one that no longer parses (it is shown as the default).
    pub fn from_json(text: &str) -> Option<Design> {
        let design: Design = serde_json::from_str(text).ok()?;
        let form = design.form();
        Design::parse(&form).ok().map(|d| Design {
            upload: design.upload,
            ..d
        })
    }

    pub fn form(&self) -> DesignForm {
        DesignForm {
            shape: self.shape.clone(),
            primary: self.primary.clone(),
            secondary: self.secondary.clone(),
            icon: self.icon.clone(),
            label: self.label.clone(),
        }
    }

    fn shape(&self) -> Shape {
        Shape::parse(&self.shape).unwrap_or(Shape::Circle)
    }

    /// The drawing, as an SVG document.
    pub fn svg(&self) -> String {
        let shape = self.shape();
        let path = shape.path();
        let primary = parse_color(&self.primary).unwrap_or_else(|| "#1f5f8b".into());
        let secondary = parse_color(&self.secondary).unwrap_or_else(|| "#ffffff".into());
        let icon = Icon::find(&self.icon).unwrap_or(&ICONS[0]);
        let label = escape(&self.label);
        let count = self.label.chars().count();
        // Icon above the label, or alone in the middle.
        let (icon_size, icon_x, icon_y) = if count == 0 {
            (124.0, 66.0, 62.0)
        } else {
            (92.0, 82.0, 48.0)
        };
        let scale = icon_size / 24.0;
        let font_size = match count {
            0..=3 => 40,
            4 => 34,
            5 => 28,
            _ => 24,
        };
        let label_y = if shape == Shape::Shield { 196 } else { 200 };
        let mut out = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{SIZE}\" height=\"{SIZE}\" viewBox=\"0 0 {SIZE} {SIZE}\" role=\"img\">\
<path d=\"{path}\" fill=\"{primary}\"/>\
<path d=\"{path}\" transform=\"translate(128 128) scale(0.86) translate(-128 -128)\" fill=\"none\" stroke=\"{secondary}\" stroke-width=\"6\" stroke-linejoin=\"round\"/>\
<g transform=\"translate({icon_x} {icon_y}) scale({scale})\" fill=\"none\" stroke=\"{secondary}\" stroke-width=\"2\" stroke-linecap=\"round\" stroke-linejoin=\"round\">{}</g>",
            icon.body()
        );
        if count > 0 {
            out.push_str(&format!(
                "<text x=\"128\" y=\"{label_y}\" font-family=\"DejaVu Sans\" font-size=\"{font_size}\" font-weight=\"700\" text-anchor=\"middle\" fill=\"{secondary}\">{label}</text>"
            ));
        }
        out.push_str("</svg>");
        out
    }

    /// The drawing as a stored image.
    pub fn image(&self) -> BadgeImage {
        BadgeImage {
            mime: "image/svg+xml",
            bytes: self.svg().into_bytes(),
        }
    }
}

/// An upload (already checked: a re-encoded PNG or a sanitized SVG) cropped to `shape`: an SVG
/// clipped to the shape (written back by the sanitizer), or a PNG composited inside the shape.
pub fn crop_upload(shape: Shape, upload: &BadgeImage) -> Result<BadgeImage, &'static str> {
    if upload.mime == "image/png" {
        return crop_png(shape, &upload.bytes);
    }
    let content = {
        let text = std::str::from_utf8(&upload.bytes).map_err(|_| "field.image_svg_unreadable")?;
        let tree = resvg::usvg::Tree::from_str(text, &svg::parse_options())
            .map_err(|_| "field.image_svg_unreadable")?;
        let size = tree.size();
        let start = text
            .find("<svg")
            .and_then(|at| text[at..].find('>').map(|end| at + end + 1))
            .ok_or("field.image_svg_unreadable")?;
        let end = text.rfind("</svg>").ok_or("field.image_svg_unreadable")?;
        format!(
            "<svg x=\"0\" y=\"0\" width=\"{SIZE}\" height=\"{SIZE}\" viewBox=\"0 0 {} {}\" preserveAspectRatio=\"xMidYMid slice\">{}</svg>",
            size.width(),
            size.height(),
            text.get(start..end).unwrap_or_default()
        )
    };
    let drawing = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"{SIZE}\" height=\"{SIZE}\" viewBox=\"0 0 {SIZE} {SIZE}\"><defs><clipPath id=\"lanyard-badge-shape\"><path d=\"{}\"/></clipPath></defs><g clip-path=\"url(#lanyard-badge-shape)\">{content}</g></svg>",
        shape.path()
    );
    svg::sanitize(drawing.as_bytes())
        .map(|svg| BadgeImage {
            mime: "image/svg+xml",
            bytes: svg.into_bytes(),
        })
        .map_err(|problem| problem.message_key())
}

/// A PNG scaled to cover the canvas and composited inside `shape`, as a 256×256 PNG.
fn crop_png(shape: Shape, png: &[u8]) -> Result<BadgeImage, &'static str> {
    use resvg::{tiny_skia, usvg};
    let source = tiny_skia::Pixmap::decode_png(png).map_err(|_| "field.image_unreadable")?;
    let outline = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{SIZE}\" height=\"{SIZE}\"><path d=\"{}\" fill=\"#000\"/></svg>",
        shape.path()
    );
    let tree = usvg::Tree::from_str(&outline, &svg::parse_options())
        .map_err(|_| "field.image_unreadable")?;
    let mut shape_pixels = tiny_skia::Pixmap::new(SIZE, SIZE).ok_or("field.image_unreadable")?;
    resvg::render(
        &tree,
        tiny_skia::Transform::identity(),
        &mut shape_pixels.as_mut(),
    );
    let mask = tiny_skia::Mask::from_pixmap(shape_pixels.as_ref(), tiny_skia::MaskType::Alpha);
    let (w, h) = (source.width() as f32, source.height() as f32);
    let scale = (SIZE as f32 / w).max(SIZE as f32 / h);
    let (tx, ty) = (
        (SIZE as f32 - w * scale) / 2.0,
        (SIZE as f32 - h * scale) / 2.0,
    );
    let mut out = tiny_skia::Pixmap::new(SIZE, SIZE).ok_or("field.image_unreadable")?;
    out.draw_pixmap(
        0,
        0,
        source.as_ref(),
        &tiny_skia::PixmapPaint {
            quality: tiny_skia::FilterQuality::Bilinear,
            ..tiny_skia::PixmapPaint::default()
        },
        tiny_skia::Transform::from_row(scale, 0.0, 0.0, scale, tx, ty),
        Some(&mask),
    );
    let bytes = out.encode_png().map_err(|_| "field.image_unreadable")?;
    Ok(BadgeImage {
        mime: "image/png",
        bytes,
    })
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `#rrggbb` of a hue (degrees), saturation and lightness (0–1).
fn hsl_hex(hue: f32, saturation: f32, lightness: f32) -> String {
    let c = (1.0 - (2.0 * lightness - 1.0).abs()) * saturation;
    let x = c * (1.0 - ((hue / 60.0) % 2.0 - 1.0).abs());
    let m = lightness - c / 2.0;
    let (r, g, b) = match hue as u32 {
        0..=59 => (c, x, 0.0),
        60..=119 => (x, c, 0.0),
        120..=179 => (0.0, c, x),
        180..=239 => (0.0, x, c),
        240..=299 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let byte = |v: f32| ((v + m) * 255.0).round().clamp(0.0, 255.0) as u8;
    format!("#{:02x}{:02x}{:02x}", byte(r), byte(g), byte(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use resvg::{tiny_skia, usvg};

    fn design(shape: Shape, icon: &str, label: &str) -> Design {
        Design {
            shape: shape.as_str().into(),
            primary: "#1f5f8b".into(),
            secondary: "#ffd166".into(),
            icon: icon.into(),
            label: label.into(),
            upload: false,
        }
    }

    fn opaque_pixels(svg: &str) -> usize {
        let tree = usvg::Tree::from_str(svg, &svg::parse_options()).unwrap();
        let mut pixmap = tiny_skia::Pixmap::new(SIZE, SIZE).unwrap();
        resvg::render(
            &tree,
            tiny_skia::Transform::identity(),
            &mut pixmap.as_mut(),
        );
        pixmap.pixels().iter().filter(|p| p.alpha() == 255).count()
    }

    #[test]
    fn every_shape_with_every_icon_parses_and_renders() {
        for shape in Shape::ALL {
            for icon in ICONS {
                let svg = design(shape, icon.name, "ART").svg();
                let tree = usvg::Tree::from_str(&svg, &svg::parse_options())
                    .unwrap_or_else(|e| panic!("{} × {}: {e}", shape.as_str(), icon.name));
                assert_eq!(tree.size().width(), SIZE as f32);
                assert!(
                    opaque_pixels(&svg) > 25_000,
                    "{} × {} is drawn",
                    shape.as_str(),
                    icon.name
                );
                assert!(crate::badges::raster::svg_to_png(svg.as_bytes()).is_some());
            }
        }
    }

    #[test]
    fn the_icon_changes_the_drawing() {
        let a = design(Shape::Circle, "rocket", "").svg();
        let b = design(Shape::Circle, "music", "").svg();
        assert_ne!(
            crate::badges::raster::svg_to_png(a.as_bytes()),
            crate::badges::raster::svg_to_png(b.as_bytes())
        );
    }

    #[test]
    fn bad_shapes_icons_colors_and_labels_are_refused_by_field() {
        let form = DesignForm {
            shape: "pentagram".into(),
            primary: "red".into(),
            secondary: "#12345g".into(),
            icon: "../../etc/passwd".into(),
            label: "TOOLONGX".into(),
        };
        let problems = Design::parse(&form).unwrap_err();
        let fields: Vec<_> = problems.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["shape", "primary", "secondary", "icon", "label"]);
        let good = DesignForm {
            shape: "hexagon".into(),
            primary: "#ABCDEF".into(),
            secondary: "#000000".into(),
            icon: "rocket".into(),
            label: "Go!".into(),
        };
        assert_eq!(Design::parse(&good).unwrap().primary, "#abcdef");
    }

    #[test]
    fn the_label_is_escaped_in_the_drawing() {
        let svg = design(Shape::Shield, "star", "<a&>").svg();
        assert!(svg.contains(">&lt;a&amp;&gt;<"), "{svg}");
        assert!(usvg::Tree::from_str(&svg, &svg::parse_options()).is_ok());
    }

    #[test]
    fn a_design_survives_its_json_and_a_tampered_one_does_not() {
        let d = design(Shape::Octagon, "leaf", "ECO");
        assert_eq!(Design::from_json(&d.to_json()), Some(d));
        let bad = r##"{"shape":"circle","primary":"#fff\"/><script>","secondary":"#000000","icon":"leaf","label":""}"##;
        assert_eq!(Design::from_json(bad), None);
    }

    #[test]
    fn the_default_design_is_valid_and_varies_by_name() {
        let a = Design::default_for("Reading Explorer");
        assert_eq!(a.label, "RE");
        assert!(Design::parse(&a.form()).is_ok());
        let b = Design::default_for("Robot Builder");
        assert_ne!((a.primary, a.icon), (b.primary, b.icon));
    }

    #[test]
    fn an_upload_is_cropped_to_the_shape() {
        let png = crate::badges::bitmap::tests::png_of(64, 64);
        let upload = BadgeImage {
            mime: "image/png",
            bytes: png,
        };
        let opaque_png = |image: BadgeImage| {
            assert_eq!(image.mime, "image/png");
            let pixmap = tiny_skia::Pixmap::decode_png(&image.bytes).unwrap();
            assert_eq!(pixmap.width(), SIZE);
            pixmap.pixels().iter().filter(|p| p.alpha() == 255).count()
        };
        let square = opaque_png(crop_upload(Shape::Rounded, &upload).unwrap());
        let round = opaque_png(crop_upload(Shape::Circle, &upload).unwrap());
        assert!(round > 30_000 && round < square, "{round} < {square}");
        let svg = crate::badges::image::check_upload(
            b"<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'><rect width='10' height='10' fill='red'/></svg>".to_vec(),
        )
        .unwrap();
        let cropped = String::from_utf8(crop_upload(Shape::Hexagon, &svg).unwrap().bytes).unwrap();
        let pixels = opaque_pixels(&cropped);
        assert!(pixels > 30_000 && pixels < 65_536, "{pixels}");
    }
}
