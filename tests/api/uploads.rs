//! Badge image uploads: SVGs are kept as drawings only, PNGs are decoded within limits and
//! re-encoded, and images stored before these checks are made safe when they are served.

use diesel::prelude::*;
use lanyard::db::schema::badges;
use reqwest::multipart::{Form, Part};
use reqwest::{Client, StatusCode};

use crate::helpers::{hidden_value, location, spawn_world, TestApp, World};

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(kind);
    hasher.update(data);
    out.extend_from_slice(&hasher.finalize().to_be_bytes());
}

/// A PNG whose header claims `width`×`height` RGBA pixels, with one small compressed row.
fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut png, b"IHDR", &ihdr);
    chunk(&mut png, b"IDAT", &[120, 156, 99, 0, 1, 0, 0, 5, 0, 1]);
    chunk(&mut png, b"IEND", &[]);
    png
}

/// A sound 1×1 PNG.
fn one_pixel_png() -> Vec<u8> {
    png_claiming(1, 1)
}

async fn post_badge(
    app: &TestApp,
    client: &Client,
    name: &str,
    file: &str,
    bytes: &[u8],
) -> reqwest::Response {
    let page = app
        .get(client, "/c/riverton/orgs/library/badges/new")
        .await
        .text()
        .await
        .unwrap();
    let form = Form::new()
        .text("csrf_token", hidden_value(&page, "csrf_token").unwrap())
        .text("name", name.to_string())
        .text("description", "Drawn by hand.")
        .text("criteria", "Draw it.")
        .part(
            "image",
            Part::bytes(bytes.to_vec()).file_name(file.to_string()),
        );
    client
        .post(app.url("/c/riverton/orgs/library/badges"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn text_at(app: &TestApp, url: &str) -> String {
    let response = app.client().get(url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{url}");
    response.text().await.unwrap()
}

/// Nothing in `svg` could run or fetch anything when a browser opens it.
fn assert_inert(svg: &str) {
    let lower = svg.to_ascii_lowercase();
    for needle in [
        "script",
        "javascript",
        "onload",
        "onclick",
        "foreignobject",
        "&#",
    ] {
        assert!(!lower.contains(needle), "{needle} survived in {svg}");
    }
}

const BYPASSES: [(&str, &str); 4] = [
    (
        "Carriage Return",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"\ronload=\"alert(1)\"><circle r=\"40\" cx=\"50\" cy=\"50\"/></svg>",
    ),
    (
        "Xhtml Script",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><h:script xmlns:h=\"http://www.w3.org/1999/xhtml\">alert(1)</h:script><circle r=\"40\" cx=\"50\" cy=\"50\"/></svg>",
    ),
    (
        "Prefixed Script",
        "<s:svg xmlns:s=\"http://www.w3.org/2000/svg\"><s:script>alert(1)</s:script><s:circle r=\"40\" cx=\"50\" cy=\"50\"/></s:svg>",
    ),
    (
        "Encoded Link",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\"><a xlink:href=\"&#106;avascript:alert(1)\"><circle r=\"40\" cx=\"50\" cy=\"50\"/></a></svg>",
    ),
];

fn slug_of(name: &str) -> String {
    name.to_ascii_lowercase().replace(' ', "-")
}

#[tokio::test]
async fn svgs_that_slipped_past_the_old_filter_are_kept_as_plain_drawings_and_baked_so() {
    let (app, world) = spawn_world().await;
    let admin = app.signed_in(&world.person("org_admin")).await;
    for (name, svg) in BYPASSES {
        let created = post_badge(&app, &admin, name, "badge.svg", svg.as_bytes()).await;
        assert_eq!(created.status(), StatusCode::SEE_OTHER, "{name}");
        let slug = slug_of(name);
        let image = text_at(&app, &app.url(&format!("/c/riverton/badges/{slug}/image"))).await;
        assert_inert(&image);
        assert!(
            image.contains("<path"),
            "the circle is still drawn: {image}"
        );

        let award = app
            .award_through_api(&world.token_of("library"), "library", &slug, "maya")
            .await;
        let baked = text_at(&app, award["svg_url"].as_str().unwrap()).await;
        assert!(baked.contains("<openbadges:credential>"), "{baked}");
        let drawing = baked
            .split("<openbadges:credential>")
            .next()
            .unwrap()
            .to_string()
            + baked.split("</openbadges:credential>").nth(1).unwrap();
        assert_inert(&drawing);
        let ob2 = text_at(
            &app,
            &format!("{}?bake=svg", award["assertion_url"].as_str().unwrap()),
        )
        .await;
        assert!(!ob2.to_ascii_lowercase().contains("onload"), "{ob2}");
    }
}

async fn assert_refused(app: &TestApp, admin: &Client, name: &str, bytes: &[u8], message: &str) {
    let response = post_badge(app, admin, name, "badge.png", bytes).await;
    assert_eq!(
        response.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "{name}"
    );
    let html = response.text().await.unwrap();
    assert!(html.contains(message), "{name}: {html}");
    assert!(
        html.contains(&format!("value=\"{name}\"")),
        "the name is kept"
    );
    let page = app
        .get(admin, &format!("/c/riverton/badges/{}", slug_of(name)))
        .await;
    assert_eq!(page.status(), StatusCode::NOT_FOUND, "{name} was created");
}

#[tokio::test]
async fn a_damaged_png_and_a_decompression_bomb_are_refused_with_a_message() {
    let (app, world) = spawn_world().await;
    let admin = app.signed_in(&world.person("org_admin")).await;
    let mut bad_crc = one_pixel_png();
    bad_crc[29] ^= 0x55;
    assert_refused(
        &app,
        &admin,
        "Bad Checksum",
        &bad_crc,
        "This PNG is damaged or incomplete.",
    )
    .await;
    assert_refused(
        &app,
        &admin,
        "Bomb",
        &png_claiming(20_000, 20_000),
        "at most 2048 × 2048 pixels",
    )
    .await;
    assert_refused(
        &app,
        &admin,
        "Truncated",
        &one_pixel_png()[..40],
        "This PNG is damaged or incomplete.",
    )
    .await;

    // In Spanish too.
    let page = app
        .get(&admin, "/c/riverton/orgs/library/badges/new")
        .await
        .text()
        .await
        .unwrap();
    let spanish = admin
        .post(app.url("/c/riverton/orgs/library/badges"))
        .header("accept-language", "es")
        .multipart(
            Form::new()
                .text("csrf_token", hidden_value(&page, "csrf_token").unwrap())
                .text("name", "Dañado")
                .text("description", "d")
                .text("criteria", "c")
                .part("image", Part::bytes(bad_crc).file_name("x.png")),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(spanish.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = spanish.text().await.unwrap();
    assert!(
        html.contains("Este PNG está dañado o incompleto."),
        "{html}"
    );
}

#[tokio::test]
async fn a_sound_png_is_stored_re_encoded_and_bakes() {
    let (app, world) = spawn_world().await;
    let admin = app.signed_in(&world.person("org_admin")).await;
    let created = post_badge(&app, &admin, "Pixel", "pixel.png", &one_pixel_png()).await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&created), "/c/riverton/orgs/library");
    let image = app
        .client()
        .get(app.url("/c/riverton/badges/pixel/image"))
        .send()
        .await
        .unwrap();
    assert_eq!(image.headers().get("content-type").unwrap(), "image/png");
    let award = app
        .award_through_api(&world.token_of("library"), "library", "pixel", "maya")
        .await;
    let baked = app
        .client()
        .get(award["png_url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(baked.status(), StatusCode::OK);
}

/// Puts `bytes` in place of a badge's stored image, as an upload of an older version could have.
fn store_raw_image(app: &TestApp, slug: &str, mime: &str, bytes: &[u8]) {
    let mut conn = app.db.get().unwrap();
    let changed = diesel::update(badges::table.filter(badges::slug.eq(slug)))
        .set((badges::image_mime.eq(mime), badges::image_data.eq(bytes)))
        .execute(&mut conn)
        .unwrap();
    assert_eq!(changed, 1);
}

#[tokio::test]
async fn images_stored_before_the_checks_are_served_safe_and_never_answer_500() {
    let (app, world) = spawn_world().await;
    let award = award_reading_explorer(&app, &world).await;

    let mut bad_crc = one_pixel_png();
    bad_crc[29] ^= 0x55;
    store_raw_image(&app, "reading-explorer", "image/png", &bad_crc);
    for url in [
        award["png_url"].as_str().unwrap().to_string(),
        award["svg_url"].as_str().unwrap().to_string(),
        app.url("/c/riverton/badges/reading-explorer/image"),
    ] {
        let response = app.client().get(&url).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{url}");
    }

    store_raw_image(
        &app,
        "reading-explorer",
        "image/svg+xml",
        BYPASSES[0].1.as_bytes(),
    );
    let image = text_at(&app, &app.url("/c/riverton/badges/reading-explorer/image")).await;
    assert_inert(&image);
    let baked = text_at(&app, award["svg_url"].as_str().unwrap()).await;
    assert!(!baked.to_ascii_lowercase().contains("onload"), "{baked}");
}

async fn award_reading_explorer(app: &TestApp, world: &World) -> serde_json::Value {
    app.award_through_api(
        &world.token_of("library"),
        "library",
        "reading-explorer",
        "maya",
    )
    .await
}

#[tokio::test]
async fn a_png_whose_credential_chunk_is_only_its_keyword_is_answered_not_panicked_on() {
    let (app, _) = spawn_world().await;
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut png, b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);
    chunk(&mut png, b"iTXt", b"openbadgecredential");
    chunk(&mut png, b"IEND", &[]);
    let client = app.client();
    let token = app.csrf(&client).await;
    let response = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        client
            .post(app.url("/verify"))
            .multipart(
                Form::new()
                    .text("csrf_token", token)
                    .part("file", Part::bytes(png).file_name("crafted.png")),
            )
            .send(),
    )
    .await
    .expect("an answer within 5 s")
    .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("no Open Badges 3.0 credential baked into it"),
        "{html}"
    );
    // The server is still there.
    assert_eq!(
        app.get(&app.client(), "/verify").await.status(),
        StatusCode::OK
    );
}
