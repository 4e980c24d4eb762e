//! `/c/{city}/settings`, `/c/{city}/brand.css` and `/c/{city}/logo`.

use diesel::prelude::*;
use reqwest::StatusCode;

use crate::helpers::{spawn_world, TestApp};
use crate::invitations::text_of;

fn good<'a>() -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", "Riverton Summer"),
        ("tagline", "Learn all summer long"),
        ("lang_en", "on"),
        ("lang_es", "on"),
        ("season_starts_on", "2027-06-28"),
        ("season_ends_on", "2027-08-20"),
        ("brand_primary", "#0b5394"),
        ("brand_secondary", "#7c2d12"),
        ("neighborhoods", "Downtown\nEast Side"),
        ("categories", "Arts\nScience"),
    ]
}

fn with<'a>(field: &'a str, value: &'a str) -> Vec<(&'a str, &'a str)> {
    good()
        .into_iter()
        .map(|(k, v)| if k == field { (k, value) } else { (k, v) })
        .collect()
}

fn riverton_category_of_an_activity(app: &TestApp) -> Option<(i64, String)> {
    use lanyard::db::schema::{activities, categories};
    let mut conn = app.db.get().expect("connection");
    activities::table
        .inner_join(categories::table.on(activities::category_id.eq(categories::id.nullable())))
        .filter(categories::city_id.eq(riverton(&mut conn)))
        .select((activities::id, categories::name))
        .first(&mut conn)
        .optional()
        .expect("query")
}

fn riverton(conn: &mut lanyard::db::DbConnection) -> i64 {
    lanyard::tenancy::store::find_by_slug(conn, "riverton")
        .expect("city")
        .expect("the city exists")
        .id
        .0
}

fn category_of(app: &TestApp, activity: i64) -> Option<i64> {
    use lanyard::db::schema::activities;
    let mut conn = app.db.get().expect("connection");
    activities::table
        .filter(activities::id.eq(activity))
        .select(activities::category_id)
        .first(&mut conn)
        .expect("activity")
}

#[tokio::test]
async fn saving_the_settings_changes_what_the_city_page_shows() {
    let (app, world) = spawn_world().await;
    let coordinator = app.signed_in(&world.person("coordinator")).await;
    let form = app.get(&coordinator, "/c/riverton/settings").await;
    assert_eq!(form.status(), StatusCode::OK);
    let saved = app
        .post_form(&coordinator, "/c/riverton/settings", &good())
        .await;
    assert_eq!(saved.status(), StatusCode::OK);
    let page = saved.text().await.unwrap();
    assert!(text_of(&page, "#settings-saved").contains("Settings saved"));
    let home = app
        .get(&coordinator, "/c/riverton")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(text_of(&home, "#city-title"), "Riverton Summer");
    assert!(home.contains("Learn all summer long"));
    let season = text_of(&home, ".season");
    assert!(
        season.contains("June 28") && season.contains("Aug"),
        "{season}"
    );
    let settings = app
        .get(&coordinator, "/c/riverton/settings")
        .await
        .text()
        .await
        .unwrap();
    assert!(text_of(&settings, "#f-neighborhoods").contains("East Side"));
    assert!(text_of(&settings, "#f-categories").contains("Science"));
}

#[tokio::test]
async fn bad_colors_dates_or_no_language_answer_422_and_change_nothing() {
    let (app, world) = spawn_world().await;
    let coordinator = app.signed_in(&world.person("coordinator")).await;
    let before = app
        .get(&coordinator, "/c/riverton")
        .await
        .text()
        .await
        .unwrap();
    let no_language: Vec<_> = good()
        .into_iter()
        .filter(|(k, _)| !k.starts_with("lang_"))
        .collect();
    for (fields, field) in [
        (with("brand_primary", "blue"), "brand_primary"),
        (with("brand_secondary", "#12345g"), "brand_secondary"),
        (with("season_ends_on", "2027-06-01"), "season_ends_on"),
        (with("season_starts_on", "28/06/2027"), "season_starts_on"),
        (no_language, "languages"),
        (with("name", "  "), "name"),
    ] {
        let refused = app
            .post_form(&coordinator, "/c/riverton/settings", &fields)
            .await;
        assert_eq!(
            refused.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}"
        );
        let page = refused.text().await.unwrap();
        assert!(
            !text_of(&page, &format!("#e-{field}")).is_empty(),
            "{field}"
        );
        assert!(page.contains("East Side"), "the form keeps what was typed");
    }
    let after = app
        .get(&coordinator, "/c/riverton")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        text_of(&before, "#city-title"),
        text_of(&after, "#city-title")
    );
    assert_ne!(text_of(&after, "#city-title"), "Riverton Summer");
}

#[tokio::test]
async fn a_color_too_light_for_white_text_is_darkened_and_the_page_says_so() {
    let (app, world) = spawn_world().await;
    let coordinator = app.signed_in(&world.person("coordinator")).await;
    let saved = app
        .post_form(
            &coordinator,
            "/c/riverton/settings",
            &with("brand_primary", "#ffd166"),
        )
        .await;
    assert_eq!(saved.status(), StatusCode::OK);
    let page = saved.text().await.unwrap();
    let note = text_of(&page, ".darkened");
    assert!(note.contains("darkened"), "{note}");
    let css = app.get(&app.client(), "/c/riverton/brand.css").await;
    let css = css.text().await.unwrap();
    assert!(!css.contains("#ffd166"));
    let stored = css
        .split("--brand: ")
        .nth(1)
        .and_then(|rest| rest.get(..7))
        .unwrap()
        .to_string();
    assert!(note.contains(&stored), "{note} names {stored}");
    let rgb = lanyard::color::parse(&stored).unwrap();
    assert!(lanyard::color::contrast_with_white(rgb) >= 4.5);
}

#[tokio::test]
async fn brand_css_reflects_the_colors_and_is_public() {
    let (app, world) = spawn_world().await;
    let coordinator = app.signed_in(&world.person("coordinator")).await;
    app.post_form(&coordinator, "/c/riverton/settings", &good())
        .await;
    let css = app.get(&app.client(), "/c/riverton/brand.css").await;
    assert_eq!(css.status(), StatusCode::OK);
    assert!(css.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
    assert_eq!(css.headers()["cache-control"], "public, max-age=300");
    let css = css.text().await.unwrap();
    assert!(
        css.contains("--brand: #0b5394") && css.contains("--accent: #7c2d12"),
        "{css}"
    );
    let home = app
        .get(&app.client(), "/c/riverton")
        .await
        .text()
        .await
        .unwrap();
    assert!(home.contains("/c/riverton/brand.css"));
    assert_eq!(
        app.get(&app.client(), "/c/riverton/logo").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn removing_a_category_clears_it_from_its_activities_and_keeps_the_others() {
    let (app, world) = spawn_world().await;
    let coordinator = app.signed_in(&world.person("coordinator")).await;
    let (activity, category) =
        riverton_category_of_an_activity(&app).expect("the demo has a categorized activity");
    let saved = app
        .post_form(
            &coordinator,
            "/c/riverton/settings",
            &with("categories", "Brand New Things"),
        )
        .await;
    assert_eq!(saved.status(), StatusCode::OK);
    let page = saved.text().await.unwrap();
    assert!(
        !text_of(&page, ".cleared").is_empty(),
        "the page says how many"
    );
    assert_eq!(category_of(&app, activity), None, "{category} was removed");
    let settings = app
        .get(&coordinator, "/c/riverton/settings")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        text_of(&settings, "#f-categories").trim(),
        "Brand New Things"
    );
}

#[tokio::test]
async fn a_category_whose_name_stays_keeps_its_activities() {
    let (app, world) = spawn_world().await;
    let coordinator = app.signed_in(&world.person("coordinator")).await;
    let (activity, category) =
        riverton_category_of_an_activity(&app).expect("the demo has a categorized activity");
    let before = category_of(&app, activity);
    let list = format!("Zebra Studies\n{category}");
    let saved = app
        .post_form(
            &coordinator,
            "/c/riverton/settings",
            &with("categories", &list),
        )
        .await;
    assert_eq!(saved.status(), StatusCode::OK);
    assert_eq!(category_of(&app, activity), before);
}

#[tokio::test]
async fn youth_and_mentors_get_403_and_another_citys_coordinator_404() {
    let (app, world) = spawn_world().await;
    for role in ["youth", "mentor"] {
        let client = app.signed_in(&world.person(role)).await;
        assert_eq!(
            app.get(&client, "/c/riverton/settings").await.status(),
            StatusCode::FORBIDDEN,
            "{role}"
        );
        assert_eq!(
            app.post_form(&client, "/c/riverton/settings", &good())
                .await
                .status(),
            StatusCode::FORBIDDEN,
            "{role}"
        );
    }
    let other = app.signed_in(&world.other_coordinator).await;
    assert_eq!(
        app.get(&other, "/c/riverton/settings").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.post_form(&other, "/c/riverton/settings", &good())
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let coordinator = app.signed_in(&world.person("coordinator")).await;
    let coordinators = app
        .get(&coordinator, "/c/riverton/coordinators")
        .await
        .text()
        .await
        .unwrap();
    assert!(coordinators.contains("href=\"/c/riverton/settings\""));
}

fn logo_png() -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, 48, 48);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().unwrap();
    writer.write_image_data(&[30u8; 48 * 48 * 3]).unwrap();
    writer.finish().unwrap();
    out
}

async fn upload_logo(
    app: &TestApp,
    client: &reqwest::Client,
    name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new().text("csrf_token", app.csrf(client).await);
    if !bytes.is_empty() {
        form = form.part(
            "logo",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
    }
    client
        .post(app.url("/c/riverton/settings/logo"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn brand_css(app: &TestApp) -> String {
    app.get(&app.client(), "/c/riverton/brand.css")
        .await
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_uploaded_logo_shows_in_the_header_and_on_the_city_page_until_removed() {
    let (app, world) = spawn_world().await;
    let coordinator = app.signed_in(&world.person("coordinator")).await;
    let uploaded = upload_logo(&app, &coordinator, "logo.png", logo_png()).await;
    assert_eq!(uploaded.status(), StatusCode::SEE_OTHER);
    let settings = app
        .get(&coordinator, "/c/riverton/settings")
        .await
        .text()
        .await
        .unwrap();
    assert!(settings.contains("id=\"logo-current\""), "a preview");
    assert!(text_of(&settings, ".flash").contains("logo"), "a message");
    let served = app.get(&app.client(), "/c/riverton/logo").await;
    assert_eq!(served.status(), StatusCode::OK);
    assert_eq!(served.headers()["content-type"], "image/png");
    let bytes = served.bytes().await.unwrap();
    let decoded = png::Decoder::new(std::io::Cursor::new(bytes.to_vec()))
        .read_info()
        .expect("a PNG");
    assert_eq!(decoded.info().width, 48);
    assert!(brand_css(&app).await.contains("url(\"/c/riverton/logo\")"));
    let home = app
        .get(&app.client(), "/c/riverton")
        .await
        .text()
        .await
        .unwrap();
    assert!(home.contains("class=\"hero-logo\""));

    let removed = app
        .post_form(&coordinator, "/c/riverton/settings/logo/remove", &[])
        .await;
    assert_eq!(removed.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.get(&app.client(), "/c/riverton/logo").await.status(),
        StatusCode::NOT_FOUND
    );
    assert!(!brand_css(&app).await.contains("/logo"));
    let settings = app
        .get(&coordinator, "/c/riverton/settings")
        .await
        .text()
        .await
        .unwrap();
    assert!(settings.contains("id=\"logo-none\""));
}

#[tokio::test]
async fn an_svg_logo_keeps_its_drawing_and_loses_its_script() {
    let (app, world) = spawn_world().await;
    let coordinator = app.signed_in(&world.person("coordinator")).await;
    let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20" onload="alert(1)"><script>alert(2)</script><circle cx="10" cy="10" r="8" fill="#0b5394"/></svg>"##;
    let uploaded = upload_logo(&app, &coordinator, "logo.svg", svg.to_vec()).await;
    assert_eq!(uploaded.status(), StatusCode::SEE_OTHER);
    let served = app.get(&app.client(), "/c/riverton/logo").await;
    assert_eq!(served.headers()["content-type"], "image/svg+xml");
    let text = served.text().await.unwrap();
    assert!(text.contains("<svg") && text.contains("#0b5394"), "{text}");
    assert!(
        !text.contains("script") && !text.contains("onload"),
        "{text}"
    );
}

#[tokio::test]
async fn a_bad_logo_is_named_next_to_its_field_and_changes_nothing() {
    let (app, world) = spawn_world().await;
    let coordinator = app.signed_in(&world.person("coordinator")).await;
    let mut broken = logo_png();
    broken.truncate(40);
    for (name, bytes, says) in [
        (
            "logo.gif",
            b"GIF89a\x01\x00\x01\x00".to_vec(),
            "PNG, JPEG or SVG",
        ),
        ("logo.png", vec![], "Choose a logo file"),
        ("logo.png", vec![0x89; 600 * 1024], "under 512 KB"),
        ("logo.png", broken, "damaged"),
        ("logo.svg", b"<svg><nope".to_vec(), ""),
    ] {
        let refused = upload_logo(&app, &coordinator, name, bytes).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{says}");
        let page = refused.text().await.unwrap();
        let message = text_of(&page, "#e-logo");
        assert!(!message.is_empty() && message.contains(says), "{message}");
        assert!(
            page.contains("id=\"settings-form\""),
            "the page stays whole"
        );
    }
    assert_eq!(
        app.get(&app.client(), "/c/riverton/logo").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn only_the_citys_coordinators_change_its_logo() {
    let (app, world) = spawn_world().await;
    for role in ["youth", "mentor", "org_admin"] {
        let client = app.signed_in(&world.person(role)).await;
        let refused = upload_logo(&app, &client, "logo.png", logo_png()).await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{role}");
    }
    let other = app.signed_in(&world.other_coordinator).await;
    let refused = upload_logo(&app, &other, "logo.png", logo_png()).await;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.post_form(&other, "/c/riverton/settings/logo/remove", &[])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&app.client(), "/c/riverton/logo").await.status(),
        StatusCode::NOT_FOUND
    );
}
