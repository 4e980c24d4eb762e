//! Activities: the form with every field, its bad input, publishing rules, the activity's own
//! page in each language, and who may see or change what.

use diesel::prelude::*;
use reqwest::multipart::{Form, Part};
use reqwest::{Client, StatusCode};
use scraper::{Html, Selector};

use crate::helpers::{location, spawn_world, TestApp, World};

/// Riverton's categories (arts, science) and neighborhoods (downtown, riverside), instead of
/// the demo's lists.
pub fn seed_city_lists(app: &TestApp) {
    use lanyard::db::schema::{categories, neighborhoods};
    let mut conn = app.db.get().unwrap();
    let city = lanyard::tenancy::store::find_by_slug(&mut conn, "riverton")
        .unwrap()
        .unwrap();
    diesel::delete(categories::table.filter(categories::city_id.eq(city.id.0)))
        .execute(&mut *conn)
        .unwrap();
    diesel::delete(neighborhoods::table.filter(neighborhoods::city_id.eq(city.id.0)))
        .execute(&mut *conn)
        .unwrap();
    for (i, (slug, name)) in [("arts", "Arts"), ("science", "Science")]
        .iter()
        .enumerate()
    {
        diesel::insert_into(categories::table)
            .values((
                categories::city_id.eq(city.id.0),
                categories::slug.eq(slug),
                categories::name.eq(name),
                categories::position.eq(i as i32),
            ))
            .execute(&mut *conn)
            .unwrap();
    }
    for (i, (slug, name)) in [("downtown", "Downtown"), ("riverside", "Riverside")]
        .iter()
        .enumerate()
    {
        diesel::insert_into(neighborhoods::table)
            .values((
                neighborhoods::city_id.eq(city.id.0),
                neighborhoods::slug.eq(slug),
                neighborhoods::name.eq(name),
                neighborhoods::position.eq(i as i32),
            ))
            .execute(&mut *conn)
            .unwrap();
    }
}

/// Sets an organization's standing with its city (`pending`, `approved`, `declined`).
pub fn set_org_status(app: &TestApp, org: &str, status: &str) {
    use lanyard::db::schema::organizations;
    let mut conn = app.db.get().unwrap();
    diesel::update(organizations::table.filter(organizations::slug.eq(org)))
        .set(organizations::status.eq(status))
        .execute(&mut *conn)
        .unwrap();
}

/// How many activities the library has.
pub fn library_activity_count(app: &TestApp) -> usize {
    use lanyard::db::schema::{activities, organizations};
    let mut conn = app.db.get().unwrap();
    activities::table
        .inner_join(organizations::table)
        .filter(organizations::slug.eq("library"))
        .count()
        .get_result::<i64>(&mut *conn)
        .unwrap() as usize
}

fn complete_fields() -> Vec<(&'static str, &'static str)> {
    vec![
        ("title", "Night Sky Watch"),
        ("description", "Look for constellations with a telescope."),
        ("title_es", "Mirar el cielo de noche"),
        ("description_es", "Busca constelaciones con un telescopio."),
        ("category", "science"),
        ("age_min", "8"),
        ("age_max", "14"),
        ("starts_on", "2026-07-06"),
        ("ends_on", "2026-08-14"),
        ("weekday_mon", "1"),
        ("weekday_wed", "1"),
        ("time_from", "19:00"),
        ("time_to", "21:30"),
        ("address", "1 Observatory Hill"),
        ("neighborhood", "riverside"),
        ("cost", "paid"),
        ("price", "12.50"),
        ("capacity", "20"),
        ("registration_url", "https://example.org/night-sky"),
        ("accessibility", "Step-free path to the dome."),
        ("lang_en", "1"),
        ("lang_es", "1"),
        ("badge_reading-explorer", "1"),
    ]
}

/// Posts the activity form (multipart, with this client's CSRF token) to `path`.
pub async fn post_activity(
    app: &TestApp,
    client: &Client,
    path: &str,
    fields: &[(&str, &str)],
    image: Option<(&str, Vec<u8>)>,
) -> reqwest::Response {
    let mut form = Form::new().text("csrf_token", app.csrf(client).await);
    for (name, value) in fields {
        form = form.text(name.to_string(), value.to_string());
    }
    if let Some((file, bytes)) = image {
        form = form.part("image", Part::bytes(bytes).file_name(file.to_string()));
    }
    client
        .post(app.url(path))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// The id in `/c/…/activities/{id}/edit`.
fn id_in(location: &str) -> String {
    location
        .trim_end_matches("/edit")
        .rsplit('/')
        .next()
        .unwrap()
        .to_string()
}

fn texts(html: &str, selector: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let selector = Selector::parse(selector).unwrap();
    doc.select(&selector)
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect()
}

async fn body(app: &TestApp, client: &Client, path: &str) -> (StatusCode, String) {
    let response = app.get(client, path).await;
    (response.status(), response.text().await.unwrap())
}

/// The library's mentor creates the complete activity; its id.
async fn create_night_sky(app: &TestApp, world: &World) -> (Client, String) {
    let mentor = app.signed_in(&world.person("mentor")).await;
    let response = post_activity(
        app,
        &mentor,
        "/c/riverton/orgs/library/activities",
        &complete_fields(),
        Some((
            "photo.jpg",
            std::fs::read("tests/fixtures/activity-photo.jpg").unwrap(),
        )),
    )
    .await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "the activity is saved"
    );
    let id = id_in(&location(&response));
    (mentor, id)
}

async fn press(app: &TestApp, client: &Client, id: &str, action: &str) -> reqwest::Response {
    app.post_form(
        client,
        &format!("/c/riverton/orgs/library/activities/{id}/{action}"),
        &[],
    )
    .await
}

#[tokio::test]
async fn a_mentor_creates_a_complete_activity_and_its_page_tells_a_family_what_they_need() {
    let (app, world) = spawn_world().await;
    seed_city_lists(&app);
    let (mentor, id) = create_night_sky(&app, &world).await;

    let (_, editor) = body(
        &app,
        &mentor,
        &format!("/c/riverton/orgs/library/activities/{id}/edit"),
    )
    .await;
    assert!(texts(&editor, ".status").iter().any(|s| s == "Draft"));
    assert_eq!(
        press(&app, &mentor, &id, "publish").await.status(),
        StatusCode::SEE_OTHER
    );

    let visitor = app.client();
    let (status, page) = body(&app, &visitor, &format!("/c/riverton/activities/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(texts(&page, "h1"), vec!["Night Sky Watch"]);
    let facts = texts(&page, "dl.facts dd").join(" | ");
    for needle in [
        "July 6 – August 14",
        "Mondays and Wednesdays, 7:00 PM – 9:30 PM",
        "1 Observatory Hill",
        "Riverside",
        "Ages 8 to 14",
        "$12.50",
        "Up to 20 people",
        "English, Español",
        "Step-free path to the dome.",
    ] {
        assert!(facts.contains(needle), "{needle:?} in {facts}");
    }
    let doc = Html::parse_document(&page);
    let sign_up = Selector::parse("a.button[href='https://example.org/night-sky']").unwrap();
    assert!(doc.select(&sign_up).next().is_some(), "a sign-up link");
    let org = Selector::parse("a[href='/c/riverton/o/library']").unwrap();
    assert!(
        doc.select(&org).next().is_some(),
        "the organization is linked"
    );
    let badge = Selector::parse("a[href='/c/riverton/badges/reading-explorer'] img").unwrap();
    assert!(
        doc.select(&badge).next().is_some(),
        "the badge it leads to, with its image"
    );

    let image = app
        .get(&visitor, &format!("/c/riverton/activities/{id}/image"))
        .await;
    assert_eq!(image.status(), StatusCode::OK);
    assert_eq!(image.headers()["content-type"], "image/png");
    let png = image.bytes().await.unwrap();
    let decoder = png::Decoder::new(std::io::Cursor::new(png.to_vec()));
    let info = decoder.read_info().unwrap().info().clone();
    assert_eq!(
        (info.width, info.height),
        (1200, 600),
        "the photo is scaled down"
    );
}

#[tokio::test]
async fn a_visitor_reads_the_title_in_their_language_or_else_the_original() {
    let (app, world) = spawn_world().await;
    seed_city_lists(&app);
    let (mentor, id) = create_night_sky(&app, &world).await;
    press(&app, &mentor, &id, "publish").await;
    let spanish = |path: String| {
        let app = &app;
        async move {
            app.client()
                .get(app.url(&path))
                .header("accept-language", "es")
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    let page = spanish(format!("/c/riverton/activities/{id}")).await;
    assert_eq!(texts(&page, "h1"), vec!["Mirar el cielo de noche"]);
    let facts = texts(&page, "dl.facts dd").join(" | ");
    assert!(facts.contains("6 de julio – 14 de agosto"), "{facts}");
    assert!(
        facts.contains("los lunes y los miércoles, 19:00 – 21:30"),
        "{facts}"
    );

    // Without a Spanish title, the Spanish reader gets the original.
    let mut fields = complete_fields();
    fields.retain(|(k, _)| !k.ends_with("_es"));
    let response = post_activity(
        &app,
        &mentor,
        &format!("/c/riverton/orgs/library/activities/{id}"),
        &fields,
        None,
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = spanish(format!("/c/riverton/activities/{id}")).await;
    assert_eq!(texts(&page, "h1"), vec!["Night Sky Watch"]);
}

#[tokio::test]
async fn bad_input_on_every_field_is_told_next_to_it_and_nothing_is_saved() {
    let (app, world) = spawn_world().await;
    seed_city_lists(&app);
    let before = library_activity_count(&app);
    let admin = app.signed_in(&world.account("librarian")).await;
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("title", "")], "title"),
        (&[("description", "")], "description"),
        (&[("category", "cooking")], "category"),
        (&[("age_min", "2")], "age_min"),
        (&[("age_max", "30")], "age_max"),
        (&[("age_min", "15"), ("age_max", "10")], "age_max"),
        (&[("starts_on", "2026-13-01")], "starts_on"),
        (&[("ends_on", "2026-07-01")], "ends_on"),
        (&[("time_from", "25:00")], "time_from"),
        (&[("time_to", "18:00")], "time_to"),
        (&[("address", "")], "address"),
        (&[("neighborhood", "elm-park")], "neighborhood"),
        (&[("price", "twelve")], "price"),
        (&[("price", "")], "price"),
        (&[("capacity", "0")], "capacity"),
        (
            &[("registration_url", "javascript:alert(1)")],
            "registration_url",
        ),
        (&[("title_es", "x".repeat(121).leak())], "title_es"),
    ];
    for (changes, field) in cases {
        let mut fields = complete_fields();
        for (name, value) in *changes {
            fields.retain(|(k, _)| k != name);
            fields.push((name, value));
        }
        let response = post_activity(
            &app,
            &admin,
            "/c/riverton/orgs/library/activities",
            &fields,
            None,
        )
        .await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}"
        );
        let html = response.text().await.unwrap();
        let errors = texts(&html, &format!("#e-{field}"));
        assert_eq!(errors.len(), 1, "{field} has its message: {html}");
        // What the person typed stays.
        let doc = Html::parse_document(&html);
        let kept = Selector::parse("#f-accessibility").unwrap();
        assert_eq!(
            doc.select(&kept).next().unwrap().text().collect::<String>(),
            "Step-free path to the dome."
        );
    }
    // A badge of another organization and a picture that is not one.
    let mut fields = complete_fields();
    fields.push(("badge_star-gazer", "1"));
    let response = post_activity(
        &app,
        &admin,
        "/c/riverton/orgs/library/activities",
        &fields,
        Some(("notes.gif", b"GIF89a not a picture".to_vec())),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(!texts(&html, "#e-image").is_empty(), "the image is refused");
    assert!(html.contains("Choose badges of your organization only."));
    assert_eq!(library_activity_count(&app), before, "nothing was saved");
}

#[tokio::test]
async fn a_draft_is_seen_by_its_team_under_a_banner_and_by_nobody_else() {
    let (app, world) = spawn_world().await;
    seed_city_lists(&app);
    let (mentor, id) = create_night_sky(&app, &world).await;
    let path = format!("/c/riverton/activities/{id}");
    let (status, page) = body(&app, &mentor, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("This is a draft"));
    for who in [None, Some(world.curator()), Some(world.person("youth"))] {
        let client = match &who {
            Some(p) => app.signed_in(p).await,
            None => app.client(),
        };
        assert_eq!(
            body(&app, &client, &path).await.0,
            StatusCode::NOT_FOUND,
            "{who:?}"
        );
        assert_eq!(
            body(&app, &client, &format!("{path}/image")).await.0,
            StatusCode::NOT_FOUND
        );
    }
    let coordinator = app.signed_in(&world.person("coordinator")).await;
    assert_eq!(body(&app, &coordinator, &path).await.0, StatusCode::OK);
}

#[tokio::test]
async fn an_archived_activity_says_it_has_ended_and_can_become_a_draft_again() {
    let (app, world) = spawn_world().await;
    seed_city_lists(&app);
    let (mentor, id) = create_night_sky(&app, &world).await;
    press(&app, &mentor, &id, "publish").await;
    press(&app, &mentor, &id, "archive").await;
    let path = format!("/c/riverton/activities/{id}");
    let (status, page) = body(&app, &app.client(), &path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("This activity has ended."));
    assert!(
        !page.contains("https://example.org/night-sky"),
        "no sign-up for an ended activity"
    );
    press(&app, &mentor, &id, "reopen").await;
    assert_eq!(
        body(&app, &app.client(), &path).await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_pending_organization_prepares_drafts_and_is_told_why_it_cannot_publish() {
    let (app, world) = spawn_world().await;
    seed_city_lists(&app);
    set_org_status(&app, "library", "pending");
    let (mentor, id) = create_night_sky(&app, &world).await;
    let edit = format!("/c/riverton/orgs/library/activities/{id}/edit");
    let (_, page) = body(&app, &mentor, &edit).await;
    assert!(
        texts(&page, ".notice")
            .join(" ")
            .contains("waiting for the city's approval"),
        "{page}"
    );
    let response = press(&app, &mentor, &id, "publish").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, page) = body(&app, &mentor, &edit).await;
    assert!(texts(&page, ".flash").join(" ").contains("Not published"));
    assert!(texts(&page, ".status").iter().any(|s| s == "Draft"));
    assert_eq!(
        body(&app, &app.client(), &format!("/c/riverton/activities/{id}"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    set_org_status(&app, "library", "declined");
    press(&app, &mentor, &id, "publish").await;
    assert_eq!(
        body(&app, &app.client(), &format!("/c/riverton/activities/{id}"))
            .await
            .0,
        StatusCode::NOT_FOUND,
        "a declined organization cannot publish either"
    );
}

#[tokio::test]
async fn staff_of_another_organization_or_city_get_404_and_change_nothing() {
    let (app, world) = spawn_world().await;
    seed_city_lists(&app);
    let (mentor, id) = create_night_sky(&app, &world).await;
    let curator = app.signed_in(&world.curator()).await;
    // The museum's admin, on the library's path and on their own.
    for path in [
        format!("/c/riverton/orgs/library/activities/{id}/edit"),
        format!("/c/riverton/orgs/science-museum/activities/{id}/edit"),
    ] {
        assert_eq!(
            body(&app, &curator, &path).await.0,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let response = app
        .post_form(
            &curator,
            &format!("/c/riverton/orgs/science-museum/activities/{id}/publish"),
            &[],
        )
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let response = post_activity(
        &app,
        &curator,
        &format!("/c/riverton/orgs/science-museum/activities/{id}"),
        &complete_fields(),
        None,
    )
    .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    // Elmstead's admin and coordinator see nothing of Riverton's.
    for person in [&world.other_admin, &world.other_coordinator] {
        let client = app.signed_in(person).await;
        assert_eq!(
            body(
                &app,
                &client,
                &format!("/c/riverton/orgs/library/activities/{id}/edit")
            )
            .await
            .0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            body(&app, &client, &format!("/c/elmstead/activities/{id}"))
                .await
                .0,
            StatusCode::NOT_FOUND
        );
    }
    // Still a draft, unchanged.
    let (_, page) = body(
        &app,
        &mentor,
        &format!("/c/riverton/orgs/library/activities/{id}/edit"),
    )
    .await;
    assert!(texts(&page, ".status").iter().any(|s| s == "Draft"));
}

#[tokio::test]
async fn the_badge_page_and_the_organization_page_list_the_activity() {
    let (app, world) = spawn_world().await;
    seed_city_lists(&app);
    let (mentor, id) = create_night_sky(&app, &world).await;
    let (_, badge) = body(&app, &app.client(), "/c/riverton/badges/reading-explorer").await;
    assert!(!badge.contains("Night Sky Watch"), "a draft is not listed");
    press(&app, &mentor, &id, "publish").await;
    let (_, badge) = body(&app, &app.client(), "/c/riverton/badges/reading-explorer").await;
    let doc = Html::parse_document(&badge);
    let link = Selector::parse(&format!("a[href='/c/riverton/activities/{id}']")).unwrap();
    assert_eq!(
        doc.select(&link)
            .next()
            .map(|a| a.text().collect::<String>()),
        Some("Night Sky Watch".to_string())
    );
    let (_, org) = body(&app, &mentor, "/c/riverton/orgs/library").await;
    let doc = Html::parse_document(&org);
    let edit = Selector::parse(&format!(
        "a[href='/c/riverton/orgs/library/activities/{id}/edit']"
    ))
    .unwrap();
    assert!(doc.select(&edit).next().is_some(), "an edit link");
    assert!(texts(&org, ".activity-list .status")
        .iter()
        .any(|s| s == "Published"));
}

#[tokio::test]
async fn every_change_is_in_the_audit_trail() {
    let (app, world) = spawn_world().await;
    seed_city_lists(&app);
    let (mentor, id) = create_night_sky(&app, &world).await;
    post_activity(
        &app,
        &mentor,
        &format!("/c/riverton/orgs/library/activities/{id}"),
        &complete_fields(),
        None,
    )
    .await;
    press(&app, &mentor, &id, "publish").await;
    press(&app, &mentor, &id, "archive").await;
    let coordinator = app.signed_in(&world.person("coordinator")).await;
    let (_, trail) = body(&app, &coordinator, "/c/riverton/audit").await;
    for action in [
        "Activity created",
        "Activity edited",
        "Activity published",
        "Activity archived",
    ] {
        assert!(trail.contains(action), "{action}");
    }
}

#[tokio::test]
async fn a_draft_is_neither_on_the_public_organization_page_nor_counted_on_the_city_page() {
    let (app, world) = spawn_world().await;
    seed_city_lists(&app);
    let browse = |page: String| texts(&page, ".hero .actions a").into_iter().next();
    let before = browse(body(&app, &app.client(), "/c/riverton").await.1);
    assert!(
        before.is_some(),
        "the city page offers to browse its activities"
    );
    let (mentor, id) = create_night_sky(&app, &world).await;
    let (status, public) = body(&app, &app.client(), "/c/riverton/o/library").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!public.contains("Night Sky Watch"), "a draft is not listed");
    assert_eq!(
        browse(body(&app, &app.client(), "/c/riverton").await.1),
        before,
        "a draft leaves the city page's count as it was"
    );
    press(&app, &mentor, &id, "publish").await;
    let public = body(&app, &app.client(), "/c/riverton/o/library").await.1;
    assert!(public.contains("Night Sky Watch"), "a published one is");
    assert_ne!(
        browse(body(&app, &app.client(), "/c/riverton").await.1),
        before
    );
}
