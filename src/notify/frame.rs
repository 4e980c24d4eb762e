//! What the shared e-mail layout (`templates/email/layout.html`, `footer.txt`) needs from a
//! message: the name that heads it, the recipient's locale and a brand colour white text can
//! sit on.

/// Carried as `frame` by the template struct of every e-mail body.
#[derive(Clone, Debug)]
pub struct EmailFrame {
    /// The city's name, or empty for platform mail (the header then reads "Lanyard").
    pub city_name: String,
    pub locale: &'static str,
    /// `#rrggbb`, dark enough for white text (4.5:1).
    pub brand: String,
}

const DEFAULT_BRAND: &str = "#1f5f8b";

impl EmailFrame {
    /// The frame of a city's mail; `brand` is the city's primary colour, darkened when white
    /// text on it would be hard to read, and the default when it is not `#rrggbb`.
    pub fn new(city_name: &str, brand: &str, locale: &'static str) -> EmailFrame {
        EmailFrame {
            city_name: city_name.to_string(),
            locale,
            brand: readable_on_white_text(brand),
        }
    }

    /// The frame of mail that belongs to no city.
    pub fn platform(locale: &'static str) -> EmailFrame {
        EmailFrame::new("", DEFAULT_BRAND, locale)
    }

    /// The heading of the message.
    pub fn header(&self) -> &str {
        if self.city_name.is_empty() {
            "Lanyard"
        } else {
            &self.city_name
        }
    }

    /// Catalog text in the recipient's locale.
    pub fn t(&self, key: &str) -> String {
        crate::i18n::t(self.locale, key)
    }

    /// The same with `%{name}` replaced by `value`.
    pub fn t1(&self, key: &str, name: &str, value: &str) -> String {
        crate::i18n::t_with(self.locale, key, name, value)
    }
}

fn readable_on_white_text(brand: &str) -> String {
    match crate::color::parse(brand) {
        Some(rgb) => crate::color::hex(crate::color::readable_on_white(rgb).0),
        None => DEFAULT_BRAND.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use askama::Template;

    #[derive(Template)]
    #[template(
        source = r#"{% extends "email/layout.html" %}{% block content %}<p>Hello</p>{% let href = "https://example.test/join/abc" %}{% let label = "Join" %}{% include "email/button.html" %}{% endblock %}"#,
        ext = "html"
    )]
    struct SampleHtml {
        frame: EmailFrame,
    }

    #[derive(Template)]
    #[template(source = r#"Hello{% include "email/footer.txt" %}"#, ext = "txt")]
    struct SampleText {
        frame: EmailFrame,
    }

    #[test]
    fn a_body_extending_the_layout_is_headed_by_the_city_and_ends_with_the_footer() {
        let frame = EmailFrame::new("Springfield <Summer>", "#1f5f8b", "es");
        let html = SampleHtml {
            frame: frame.clone(),
        }
        .render()
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            html.contains("Springfield &#60;Summer&#62;")
                || html.contains("Springfield &lt;Summer&gt;"),
            "{html}"
        );
        assert!(html.contains("lang=\"es\""));
        assert!(html.contains("href=\"https://example.test/join/abc\""));
        assert!(html.contains("Recibes este correo"));
        let text = SampleText { frame }
            .render()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            text.starts_with("Hello\n-- \nSpringfield <Summer>\n"),
            "{text}"
        );
        assert!(text.contains("Si no lo esperabas"));
    }

    #[test]
    fn a_pale_brand_colour_is_darkened_until_white_text_reads_on_it() {
        let frame = EmailFrame::new("X", "#ffee00", "en");
        let rgb = crate::color::parse(&frame.brand).unwrap_or_else(|| panic!("hex"));
        assert!(crate::color::contrast_with_white(rgb) >= 4.5);
        assert_eq!(EmailFrame::new("X", "red; x", "en").brand, DEFAULT_BRAND);
        assert_eq!(EmailFrame::platform("en").header(), "Lanyard");
    }
}
