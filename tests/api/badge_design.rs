//! The badge designer: shapes, colours, icons and labels drawn on the server, previews that
//! write nothing, uploads cropped to the shape, and bad input on every field.

use reqwest::multipart::{Form, Part};
use reqwest::{Client, StatusCode};
use scraper::{Html, Selector};

use crate::helpers::{hidden_value, location, spawn_world, TestApp};

/// Posts the new-badge form of the library with `fields` (and a file).
pub async fn post_new_badge(
    app: &TestApp,
    client: &Client,
    fields: &[(&str, &str)],
    image: Option<(&str, Vec<u8>)>,
) -> reqwest::Response {
    let page = app
        .get(client, "/c/riverton/orgs/library/badges/new")
        .await
        .text()
        .await
        .unwrap();
    let mut form = Form::new().text("csrf_token", hidden_value(&page, "csrf_token").unwrap());
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    if let Some((name, bytes)) = image {
        form = form.part("image", Part::bytes(bytes).file_name(name.to_string()));
    }
    client
        .post(app.url("/c/riverton/orgs/library/badges"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

const TEXTS: [(&str, &str); 3] = [
    ("name", "Garden Helper"),
    ("description", "Helped grow the community garden."),
    ("criteria", "Work four mornings in the garden."),
];

fn with<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = TEXTS.to_vec();
    fields.extend_from_slice(extra);
    fields
}

fn errors_of(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let selector = Selector::parse(".field-error").unwrap();
    doc.select(&selector)
        .map(|e| e.text().collect::<String>())
        .collect()
}

fn png() -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, 32, 32);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().unwrap();
    writer.write_image_data(&[200u8; 32 * 32 * 4]).unwrap();
    writer.finish().unwrap();
    out
}

#[tokio::test]
async fn a_designed_badge_is_drawn_from_its_design_and_its_edit_form_reopens_the_design() {
    let (app, world) = spawn_world().await;
    let admin = app.signed_in(&world.person("org_admin")).await;
    let response = post_new_badge(
        &app,
        &admin,
        &with(&[
            ("image_source", "design"),
            ("shape", "hexagon"),
            ("primary", "#225533"),
            ("secondary", "#FFEEAA"),
            ("icon", "sprout"),
            ("label", "GROW"),
            ("tags", "Gardening, outdoors"),
            ("badge_type", "skill"),
            ("earned_by", "review"),
            ("alignment_name_0", "Plant care"),
            ("alignment_url_0", "https://skills.example.org/plant-care"),
            ("alignment_framework_0", "Green Skills"),
        ]),
        None,
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let image = app
        .client()
        .get(app.url("/c/riverton/badges/garden-helper/image"))
        .send()
        .await
        .unwrap();
    assert_eq!(image.headers()["content-type"], "image/svg+xml");
    let svg = image.text().await.unwrap();
    assert!(
        svg.contains("#225533") && svg.to_ascii_lowercase().contains("#ffeeaa"),
        "{svg}"
    );
    assert!(svg.contains("GROW"), "{svg}");

    let page = app
        .get(&app.client(), "/c/riverton/badges/garden-helper")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("gardening") && page.contains("Plant care"),
        "{page}"
    );
    assert!(page.contains("Skill"));
    assert!(page.contains("Reviewed by a mentor"));

    let edit = app
        .get(&admin, "/c/riverton/orgs/library/badges/garden-helper/edit")
        .await
        .text()
        .await
        .unwrap();
    let doc = Html::parse_document(&edit);
    let selected = |name: &str| {
        let s = Selector::parse(&format!("select[name={name}] option[selected]")).unwrap();
        doc.select(&s)
            .next()
            .and_then(|o| o.value().attr("value"))
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(selected("shape"), "hexagon");
    assert_eq!(selected("icon"), "sprout");
    assert_eq!(selected("badge_type"), "skill");
    let label = Selector::parse("input[name=label]").unwrap();
    assert_eq!(
        doc.select(&label).next().unwrap().value().attr("value"),
        Some("GROW")
    );
}

#[tokio::test]
async fn bad_design_and_alignment_input_is_explained_per_field_and_creates_nothing() {
    let (app, world) = spawn_world().await;
    let admin = app.signed_in(&world.person("org_admin")).await;
    let response = post_new_badge(
        &app,
        &admin,
        &with(&[
            ("image_source", "design"),
            ("shape", "pentagram"),
            ("primary", "red"),
            ("secondary", "#12345"),
            ("icon", "../../etc/passwd"),
            ("label", "MUCHTOOLONG"),
            ("alignment_name_0", "Plant care"),
            ("alignment_url_0", "javascript:alert(1)"),
            ("badge_type", "legendary"),
        ]),
        None,
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    let errors = errors_of(&html);
    for expected in [
        "Choose a shape from the list.",
        "Give a color like #1f5f8b.",
        "Choose an icon from the list.",
        "Use at most 6 characters.",
        "Give a full web address starting with https:// or http://.",
        "Choose a kind from the list.",
    ] {
        assert!(
            errors.iter().any(|e| e == expected),
            "{expected} in {errors:?}"
        );
    }
    assert!(
        html.contains("value=\"Garden Helper\""),
        "what was typed is kept"
    );
    assert!(
        html.contains("javascript:alert(1)"),
        "the bad URL is shown to fix"
    );
    let badge = app
        .get(&app.client(), "/c/riverton/badges/garden-helper")
        .await;
    assert_eq!(badge.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_wrong_type_or_oversize_upload_is_refused_and_creates_nothing() {
    let (app, world) = spawn_world().await;
    let admin = app.signed_in(&world.person("org_admin")).await;
    let gif = post_new_badge(
        &app,
        &admin,
        &with(&[("image_source", "upload"), ("crop", "circle")]),
        Some(("badge.gif", b"GIF89a\x01\x00\x01\x00".to_vec())),
    )
    .await;
    assert_eq!(gif.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = gif.text().await.unwrap();
    assert!(!errors_of(&html).is_empty(), "{html}");

    let missing = post_new_badge(&app, &admin, &with(&[("image_source", "upload")]), None).await;
    assert_eq!(missing.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = missing.text().await.unwrap();
    assert!(
        errors_of(&html)
            .iter()
            .any(|e| e == "Choose a PNG or SVG picture, or design the image here."),
        "{html}"
    );

    let huge = post_new_badge(
        &app,
        &admin,
        &with(&[("image_source", "upload")]),
        Some(("huge.png", vec![0x89; 600 * 1024])),
    )
    .await;
    assert!(huge.status().is_client_error(), "{}", huge.status());
    let badge = app
        .get(&app.client(), "/c/riverton/badges/garden-helper")
        .await;
    assert_eq!(badge.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_preview_shows_the_drawing_and_writes_nothing() {
    let (app, world) = spawn_world().await;
    let admin = app.signed_in(&world.person("org_admin")).await;
    let response = post_new_badge(
        &app,
        &admin,
        &with(&[
            ("action", "preview"),
            ("image_source", "design"),
            ("shape", "shield"),
            ("primary", "#334455"),
            ("secondary", "#ffffff"),
            ("icon", "rocket"),
            ("label", "GO"),
        ]),
        None,
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    let doc = Html::parse_document(&html);
    let img = Selector::parse(".badge-preview img").unwrap();
    let src = doc
        .select(&img)
        .next()
        .and_then(|i| i.value().attr("src"))
        .expect("a preview image")
        .to_string();
    assert!(
        src.starts_with("/c/riverton/orgs/library/badges/preview.svg?shape=shield"),
        "{src}"
    );
    let drawing = app.get(&admin, &src).await;
    assert_eq!(drawing.status(), StatusCode::OK);
    assert_eq!(drawing.headers()["content-type"], "image/svg+xml");
    assert!(drawing.text().await.unwrap().contains("#334455"));
    // Nothing was saved.
    let badge = app
        .get(&app.client(), "/c/riverton/badges/garden-helper")
        .await;
    assert_eq!(badge.status(), StatusCode::NOT_FOUND);
    // A preview of a design that is not offered is refused.
    let bad = app
        .get(
            &admin,
            "/c/riverton/orgs/library/badges/preview.svg?shape=circle&primary=%23000000&secondary=%23ffffff&icon=nope&label=",
        )
        .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    // Anyone who is not staff of the organization gets nothing.
    let youth = app.signed_in(&world.person("youth")).await;
    let theirs = app.get(&youth, &src).await;
    assert!(theirs.status().is_client_error());
}

#[tokio::test]
async fn an_upload_is_cropped_to_the_chosen_shape_and_a_preview_carries_it_to_the_save() {
    let (app, world) = spawn_world().await;
    let admin = app.signed_in(&world.person("org_admin")).await;
    let preview = post_new_badge(
        &app,
        &admin,
        &with(&[
            ("action", "preview"),
            ("image_source", "upload"),
            ("crop", "circle"),
        ]),
        Some(("photo.png", png())),
    )
    .await;
    assert_eq!(preview.status(), StatusCode::OK);
    let html = preview.text().await.unwrap();
    let carried = hidden_value(&html, "upload_data").expect("the checked upload is carried");
    assert!(
        html.contains("src=\"data:image/png;base64,"),
        "the cropped preview is shown"
    );
    assert_eq!(
        app.get(&app.client(), "/c/riverton/badges/garden-helper")
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let saved = post_new_badge(
        &app,
        &admin,
        &with(&[
            ("image_source", "upload"),
            ("crop", "circle"),
            ("upload_data", &carried),
        ]),
        None,
    )
    .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&saved), "/c/riverton/orgs/library");
    let image = app
        .client()
        .get(app.url("/c/riverton/badges/garden-helper/image"))
        .send()
        .await
        .unwrap();
    assert_eq!(image.headers()["content-type"], "image/png");
    let png = image.bytes().await.unwrap();
    let reader = png::Decoder::new(std::io::Cursor::new(png.to_vec()))
        .read_info()
        .unwrap();
    assert_eq!(reader.info().width, 256, "composited inside the circle");
}

#[tokio::test]
async fn a_badge_without_a_design_or_upload_gets_a_designed_default() {
    let (app, world) = spawn_world().await;
    let admin = app.signed_in(&world.person("org_admin")).await;
    let response = post_new_badge(&app, &admin, &TEXTS, None).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let svg = app
        .get(&app.client(), "/c/riverton/badges/garden-helper/image")
        .await
        .text()
        .await
        .unwrap();
    assert!(svg.contains(">GH<"), "the initials as the label: {svg}");
    assert!(
        svg.matches("<path").count() >= 3,
        "a shape, its border and an icon: {svg}"
    );
}
