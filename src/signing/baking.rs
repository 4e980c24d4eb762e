//! Baking: a credential (OB 3.0) or assertion (OB 2.0) carried inside the badge image.
//! PNG: one uncompressed `iTXt` chunk before `IEND`. SVG: a namespaced element holding the JSON.

/// The `iTXt` keyword of an Open Badges 3.0 credential.
pub const OB3_PNG_KEYWORD: &str = "openbadgecredential";
/// The `iTXt` keyword of an Open Badges 2.0 assertion.
pub const OB2_PNG_KEYWORD: &str = "openbadges";

use crate::badges::bitmap::PNG_SIGNATURE;

/// The chunks of a PNG as (type, data) pairs; `None` if it is not a well-formed PNG.
fn chunks(png: &[u8]) -> Option<Vec<([u8; 4], &[u8])>> {
    let mut rest = png.strip_prefix(PNG_SIGNATURE)?;
    let mut out = Vec::new();
    while !rest.is_empty() {
        let length = u32::from_be_bytes(rest.get(0..4)?.try_into().ok()?) as usize;
        let kind: [u8; 4] = rest.get(4..8)?.try_into().ok()?;
        let data = rest.get(8..8 + length)?;
        let crc = u32::from_be_bytes(rest.get(8 + length..12 + length)?.try_into().ok()?);
        let mut hasher = crc32fast::Hasher::new();
        hasher.update(&kind);
        hasher.update(data);
        if hasher.finalize() != crc {
            return None;
        }
        out.push((kind, data));
        rest = &rest[12 + length..];
        if &kind == b"IEND" {
            break;
        }
    }
    Some(out)
}

fn write_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(kind);
    hasher.update(data);
    out.extend_from_slice(&hasher.finalize().to_be_bytes());
}

fn itxt_keyword(data: &[u8]) -> &[u8] {
    data.split(|b| *b == 0).next().unwrap_or_default()
}

/// The PNG with `text` baked under `keyword` (any earlier chunk of that keyword replaced).
pub fn bake_png(png: &[u8], keyword: &str, text: &str) -> Option<Vec<u8>> {
    let chunks = chunks(png)?;
    let mut out = PNG_SIGNATURE.to_vec();
    for (kind, data) in chunks {
        if &kind == b"iTXt" && itxt_keyword(data) == keyword.as_bytes() {
            continue;
        }
        if &kind == b"IEND" {
            // keyword, NUL, compression flag 0, method 0, empty language tag NUL, empty
            // translated keyword NUL, then the text, uncompressed.
            let mut itxt = keyword.as_bytes().to_vec();
            itxt.extend_from_slice(&[0, 0, 0, 0, 0]);
            itxt.extend_from_slice(text.as_bytes());
            write_chunk(&mut out, b"iTXt", &itxt);
        }
        write_chunk(&mut out, &kind, data);
    }
    Some(out)
}

/// The text baked under `keyword`, if any.
pub fn unbake_png(png: &[u8], keyword: &str) -> Option<String> {
    chunks(png)?.into_iter().find_map(|(kind, data)| {
        if &kind != b"iTXt" || itxt_keyword(data) != keyword.as_bytes() {
            return None;
        }
        // The keyword must end with its NUL: a chunk that is the bare keyword holds no text.
        let rest = data.get(keyword.len() + 1..)?;
        let (&compressed, rest) = rest.split_first()?;
        if compressed != 0 {
            return None;
        }
        let rest = rest.get(1..)?;
        let mut parts = rest.splitn(3, |b| *b == 0);
        let _language = parts.next()?;
        let _translated = parts.next()?;
        String::from_utf8(parts.next()?.to_vec()).ok()
    })
}

/// The SVG with an OB 3.0 credential baked in.
pub fn bake_svg_ob3(svg: &str, credential_json: &str) -> Option<String> {
    bake_svg(
        svg,
        "https://purl.imsglobal.org/ob/v3p0",
        &format!(
            "<openbadges:credential><![CDATA[{}]]></openbadges:credential>",
            cdata_safe(credential_json)
        ),
    )
}

/// The SVG with an OB 2.0 assertion baked in.
pub fn bake_svg_ob2(svg: &str, assertion_url: &str, assertion_json: &str) -> Option<String> {
    let url = assertion_url
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;");
    bake_svg(
        svg,
        "http://openbadges.org",
        &format!(
            "<openbadges:assertion verify=\"{url}\"><![CDATA[{}]]></openbadges:assertion>",
            cdata_safe(assertion_json)
        ),
    )
}

/// JSON never needs `]]>`, but a string value could hold it: split it so CDATA stays closed.
fn cdata_safe(json: &str) -> String {
    json.replace("]]>", "]]]]><![CDATA[>")
}

fn bake_svg(svg: &str, namespace: &str, element: &str) -> Option<String> {
    let start = svg.find("<svg")?;
    let open_end = start + svg[start..].find('>')?;
    let self_closing = svg[..open_end].ends_with('/');
    let tag_end = if self_closing { open_end - 1 } else { open_end };
    let mut out = String::with_capacity(svg.len() + element.len() + 80);
    out.push_str(&svg[..tag_end]);
    if !svg[start..tag_end].contains("xmlns:openbadges=") {
        out.push_str(&format!(" xmlns:openbadges=\"{namespace}\""));
    }
    out.push('>');
    out.push_str(element);
    if self_closing {
        out.push_str("</svg>");
        out.push_str(&svg[open_end + 1..]);
    } else {
        out.push_str(&svg[open_end + 1..]);
    }
    Some(out)
}

/// The OB 2.0 assertion baked in an SVG (its JSON, or else the address it names), if any.
pub fn unbake_svg_ob2(svg: &str) -> Option<String> {
    let start = svg.find("<openbadges:assertion")?;
    let rest = &svg[start..];
    if let Some(body) = rest.find("<![CDATA[") {
        let body_start = body + "<![CDATA[".len();
        if let Some(end) = rest[body_start..].find("]]></openbadges:assertion>") {
            return Some(rest[body_start..body_start + end].replace("]]]]><![CDATA[>", "]]>"));
        }
    }
    let verify = rest.find("verify=\"")? + "verify=\"".len();
    let end = rest[verify..].find('"')? + verify;
    Some(
        rest[verify..end]
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&amp;", "&"),
    )
}

/// The OB 3.0 credential baked in an SVG, if any.
pub fn unbake_svg_ob3(svg: &str) -> Option<String> {
    let start = svg.find("<openbadges:credential")?;
    let body_start = start + svg[start..].find("<![CDATA[")? + "<![CDATA[".len();
    let end = svg[body_start..].find("]]></openbadges:credential>")? + body_start;
    Some(svg[body_start..end].replace("]]]]><![CDATA[>", "]]>"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny_png() -> Vec<u8> {
        let mut png = PNG_SIGNATURE.to_vec();
        write_chunk(&mut png, b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);
        write_chunk(&mut png, b"IDAT", &[120, 156, 99, 0, 1, 0, 0, 5, 0, 1]);
        write_chunk(&mut png, b"IEND", &[]);
        png
    }

    #[test]
    fn a_baked_png_unbakes_to_the_same_text_once() {
        let baked = bake_png(&tiny_png(), OB3_PNG_KEYWORD, "{\"a\":\"é\"}").unwrap();
        assert_eq!(
            unbake_png(&baked, OB3_PNG_KEYWORD).as_deref(),
            Some("{\"a\":\"é\"}")
        );
        assert_eq!(unbake_png(&baked, OB2_PNG_KEYWORD), None);
        let rebaked = bake_png(&baked, OB3_PNG_KEYWORD, "{}").unwrap();
        assert_eq!(unbake_png(&rebaked, OB3_PNG_KEYWORD).as_deref(), Some("{}"));
        assert_eq!(
            chunks(&rebaked)
                .unwrap()
                .iter()
                .filter(|(k, _)| k == b"iTXt")
                .count(),
            1
        );
        assert!(
            rebaked.ends_with(&[0xAE, 0x42, 0x60, 0x82]),
            "IEND stays last"
        );
    }

    #[test]
    fn a_broken_png_is_refused() {
        let mut png = tiny_png();
        let last = png.len() - 5;
        png[last] ^= 1;
        assert!(bake_png(&png, OB3_PNG_KEYWORD, "x").is_none());
        assert!(bake_png(b"GIF89a", OB3_PNG_KEYWORD, "x").is_none());
    }

    #[test]
    fn an_itxt_chunk_that_is_only_the_keyword_holds_nothing() {
        let mut png = PNG_SIGNATURE.to_vec();
        write_chunk(&mut png, b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);
        write_chunk(&mut png, b"iTXt", OB3_PNG_KEYWORD.as_bytes());
        write_chunk(&mut png, b"IEND", &[]);
        assert_eq!(unbake_png(&png, OB3_PNG_KEYWORD), None);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        #[test]
        fn arbitrary_bytes_never_panic_the_unbakers(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512)) {
            let _ = unbake_png(&bytes, OB3_PNG_KEYWORD);
            let mut png = PNG_SIGNATURE.to_vec();
            png.extend_from_slice(&bytes);
            let _ = unbake_png(&png, OB3_PNG_KEYWORD);
            let _ = bake_png(&png, OB3_PNG_KEYWORD, "{}");
            let text = String::from_utf8_lossy(&bytes);
            let _ = unbake_svg_ob3(&text);
            let _ = bake_svg_ob3(&text, "{}");
            let _ = bake_svg_ob2(&text, "https://x.example/a", "{}");
        }

        #[test]
        fn arbitrary_itxt_chunks_never_panic_the_png_unbaker(data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..6), keyword_prefix in proptest::prelude::any::<bool>()) {
            let mut itxt = if keyword_prefix { OB3_PNG_KEYWORD.as_bytes().to_vec() } else { Vec::new() };
            itxt.extend_from_slice(&data);
            let mut png = PNG_SIGNATURE.to_vec();
            write_chunk(&mut png, b"iTXt", &itxt);
            write_chunk(&mut png, b"IEND", &[]);
            let _ = unbake_png(&png, OB3_PNG_KEYWORD);
        }

        #[test]
        fn any_text_baked_into_a_png_unbakes_unchanged(text in "\\PC{0,200}") {
            let baked = bake_png(&tiny_png(), OB3_PNG_KEYWORD, &text);
            proptest::prop_assert_eq!(baked.and_then(|b| unbake_png(&b, OB3_PNG_KEYWORD)), Some(text));
        }

        #[test]
        fn any_text_baked_into_an_svg_unbakes_unchanged(text in "\\PC{0,200}") {
            let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><circle r=\"1\"/></svg>";
            let baked = bake_svg_ob3(svg, &text);
            proptest::prop_assert_eq!(baked.and_then(|b| unbake_svg_ob3(&b)), Some(text));
        }
    }

    #[test]
    fn a_baked_svg_declares_the_namespace_and_unbakes() {
        let svg = "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"><circle r=\"1\"/></svg>";
        let json = "{\"name\":\"a ]]> b\"}";
        let baked = bake_svg_ob3(svg, json).unwrap();
        assert!(baked.contains("xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\""));
        assert_eq!(unbake_svg_ob3(&baked).as_deref(), Some(json));
        assert!(baked.ends_with("<circle r=\"1\"/></svg>"));
        let empty = bake_svg_ob3("<svg/>", "{}").unwrap();
        assert_eq!(unbake_svg_ob3(&empty).as_deref(), Some("{}"));
        assert!(bake_svg_ob3("not an svg", "{}").is_none());
    }
}
