//! Partners join a city: an organization applies, a coordinator approves or declines it with a
//! message that is e-mailed, its admins edit its profile, and its public page shows what it
//! offers once it is approved.

use diesel::prelude::*;
use lanyard::db::schema::{audit_events, neighborhoods, organizations, outbox};
use lanyard::ids::{CityId, OrgId};
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT_LANGUAGE};
use reqwest::redirect::Policy;
use reqwest::{Client, StatusCode};
use scraper::{Html, Selector};

use crate::helpers::{location, spawn_world, Person, TestApp};

fn select<'a>(document: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    let selector = Selector::parse(css).unwrap();
    document.select(&selector).collect()
}

fn text_of(document: &Html, css: &str) -> String {
    select(document, css)
        .iter()
        .map(|e| e.text().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

async fn page(app: &TestApp, client: &Client, path: &str) -> (StatusCode, Html) {
    let response = app.get(client, path).await;
    let status = response.status();
    (
        status,
        Html::parse_document(&response.text().await.unwrap()),
    )
}

/// A browser that asks for pages in `language`, keeps cookies and does not follow redirects.
fn browser(language: &str) -> Client {
    let mut headers = HeaderMap::new();
    headers.insert(ACCEPT_LANGUAGE, HeaderValue::from_str(language).unwrap());
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .default_headers(headers)
        .build()
        .unwrap()
}

/// Signs up a new staff account through the sign-up form; the signed-in client.
async fn staff_signs_up(app: &TestApp, username: &str, email: &str, language: &str) -> Client {
    let client = browser(language);
    app.signs_up(
        &client,
        &[
            ("kind", "staff"),
            ("display_name", "Ada Applicant"),
            ("username", username),
            ("email", email),
            ("password", "a long enough password"),
        ],
    )
    .await;
    client
}

fn museum_application<'a>() -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", "Riverton Museum of Art"),
        ("kind", "museum"),
        ("address", "12 River Road"),
        ("website", "https://art.example"),
        ("contact_email", "hello@art.example"),
        ("description", "Paintings, sculpture and summer workshops."),
    ]
}

/// Applies with `fields`; the organization's slug (from the redirect to its page).
async fn apply(app: &TestApp, client: &Client, fields: &[(&str, &str)]) -> String {
    let response = app
        .post_form(client, "/c/riverton/partners/apply", fields)
        .await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "the application is sent"
    );
    location(&response)
        .strip_prefix("/c/riverton/orgs/")
        .expect("the organization's page")
        .to_string()
}

/// The outbox messages of `kind`: (to, locale, subject, text body, html body).
fn mails(app: &TestApp, kind: &str) -> Vec<(String, String, String, String, String)> {
    let mut conn = app.db.get().unwrap();
    outbox::table
        .filter(outbox::kind.eq(kind))
        .order(outbox::id)
        .select((
            outbox::to_address,
            outbox::locale,
            outbox::subject,
            outbox::text_body,
            outbox::html_body,
        ))
        .load(&mut conn)
        .unwrap()
}

fn org_ids(app: &TestApp, slug: &str) -> (CityId, OrgId) {
    let mut conn = app.db.get().unwrap();
    let (city, org): (i64, i64) = organizations::table
        .filter(organizations::slug.eq(slug))
        .select((organizations::city_id, organizations::id))
        .first(&mut conn)
        .unwrap();
    (CityId(city), OrgId(org))
}

fn may_publish(app: &TestApp, slug: &str) -> Option<bool> {
    let (city, org) = org_ids(app, slug);
    let mut conn = app.db.get().unwrap();
    lanyard::orgs::may_publish(&mut conn, city, org).unwrap()
}

fn audited(app: &TestApp, action: &str, target: &str) -> usize {
    let mut conn = app.db.get().unwrap();
    audit_events::table
        .filter(audit_events::action.eq(action))
        .filter(audit_events::target.eq(target))
        .count()
        .get_result::<i64>(&mut conn)
        .unwrap() as usize
}

fn organization_count(app: &TestApp) -> i64 {
    let mut conn = app.db.get().unwrap();
    organizations::table.count().get_result(&mut conn).unwrap()
}

#[tokio::test]
async fn a_signed_out_visitor_is_offered_a_staff_account_that_brings_them_back_to_apply() {
    let (app, _world) = spawn_world().await;
    let visitor = app.client();
    let (status, apply_page) = page(&app, &visitor, "/c/riverton/partners/apply").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        select(&apply_page, "#apply-form").is_empty(),
        "no form before an account"
    );
    let signup = select(&apply_page, "#signup-as-staff")[0]
        .value()
        .attr("href")
        .unwrap()
        .to_string();
    let signin = select(&apply_page, "#signin-to-apply")[0]
        .value()
        .attr("href")
        .unwrap()
        .to_string();
    assert_eq!(signin, "/signin?next=/c/riverton/partners/apply");

    let (status, form) = page(&app, &visitor, &signup).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        select(&form, "input[name=kind][checked]")[0]
            .value()
            .attr("value"),
        Some("staff"),
        "the sign-up starts as a staff account"
    );
    let next = select(&form, "#signup-form input[name=next]")[0]
        .value()
        .attr("value")
        .unwrap()
        .to_string();
    assert_eq!(next, "/c/riverton/partners/apply");
    let response = app
        .post_form(
            &visitor,
            "/c/riverton/signup",
            &[
                ("kind", "staff"),
                ("display_name", "Ada Applicant"),
                ("username", "ada"),
                ("email", "ada@art.example"),
                ("password", "a long enough password"),
                ("next", &next),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/c/riverton/partners/apply");
    let (_, apply_page) = page(&app, &visitor, "/c/riverton/partners/apply").await;
    assert_eq!(
        select(&apply_page, "#apply-form").len(),
        1,
        "now the form is there"
    );

    // A `next` to another site is not followed.
    let other = app.client();
    let (_, form) = page(
        &app,
        &other,
        "/c/riverton/signup?kind=staff&next=https://evil.example",
    )
    .await;
    assert!(select(&form, "#signup-form input[name=next]").is_empty());
}

#[tokio::test]
async fn bad_input_on_the_application_keeps_what_was_typed_and_says_what_to_fix() {
    let (app, _world) = spawn_world().await;
    let client = staff_signs_up(&app, "ada", "ada@art.example", "en").await;
    let before = organization_count(&app);
    let response = app
        .post_form(
            &client,
            "/c/riverton/partners/apply",
            &[
                ("name", "   "),
                ("kind", "bank"),
                ("address", "12 River Road"),
                ("neighborhood", "999"),
                ("website", "ftp://art.example"),
                ("contact_email", "not an address"),
                ("description", &"x".repeat(2001)),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = Html::parse_document(&response.text().await.unwrap());
    for field in [
        "name",
        "kind",
        "neighborhood",
        "website",
        "contact_email",
        "description",
    ] {
        assert_eq!(
            select(&html, &format!("#e-{field}")).len(),
            1,
            "{field} has its message"
        );
    }
    assert!(text_of(&html, "#e-kind").contains("Choose one of the kinds"));
    assert_eq!(
        select(&html, "#f-website")[0].value().attr("value"),
        Some("ftp://art.example"),
        "what was typed stays"
    );
    assert_eq!(
        select(&html, "#f-address")[0].value().attr("value"),
        Some("12 River Road")
    );
    assert_eq!(organization_count(&app), before, "nothing was written");

    // Kind and contact e-mail are required.
    let response = app
        .post_form(
            &client,
            "/c/riverton/partners/apply",
            &[("name", "Riverton Museum of Art")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = Html::parse_document(&response.text().await.unwrap());
    assert_eq!(select(&html, "#e-kind").len(), 1);
    assert_eq!(select(&html, "#e-contact_email").len(), 1);
    assert_eq!(organization_count(&app), before);
}

#[tokio::test]
async fn youth_and_parents_cannot_apply_and_signed_out_visitors_are_sent_to_sign_in() {
    let (app, world) = spawn_world().await;
    for role in ["youth", "parent"] {
        let client = app.signed_in(&world.person(role)).await;
        let (status, html) = page(&app, &client, "/c/riverton/partners/apply").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(select(&html, "#not-staff").len(), 1, "{role} is told why");
        assert!(select(&html, "#apply-form").is_empty());
        let response = app
            .post_form(&client, "/c/riverton/partners/apply", &museum_application())
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{role}");
    }
    let response = app
        .post_form(
            &app.client(),
            "/c/riverton/partners/apply",
            &museum_application(),
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(location(&response).starts_with("/signin?next="));
}

#[tokio::test]
async fn an_approved_application_is_e_mailed_and_lets_the_organization_publish() {
    let (app, world) = spawn_world().await;
    let applicant = staff_signs_up(&app, "ada", "ada@art.example", "es").await;
    let slug = apply(&app, &applicant, &museum_application()).await;
    assert_eq!(slug, "riverton-museum-of-art");

    // The applicant is its admin, sees where the application stands, and may prepare drafts.
    let (status, org_page) = page(&app, &applicant, &format!("/c/riverton/orgs/{slug}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(text_of(&org_page, "#application-status").contains("Tu solicitud está esperando"));
    assert_eq!(select(&org_page, "#edit-profile").len(), 1);
    let (_, me) = page(&app, &applicant, "/c/riverton/me").await;
    let mine = text_of(&me, "#my-applications");
    assert!(mine.contains("Riverton Museum of Art") && mine.contains("Esperando"));
    assert!(select(&me, "#staff-next-steps").is_empty());
    assert_eq!(
        may_publish(&app, &slug),
        Some(false),
        "pending cannot publish"
    );
    let visitor = app.client();
    let (status, _) = page(&app, &visitor, &format!("/c/riverton/o/{slug}")).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "no public page while pending"
    );
    assert_eq!(audited(&app, "org.applied", &slug), 1);

    // The coordinators are told.
    let waiting = mails(&app, "org.applied");
    assert!(
        waiting.iter().any(
            |(to, _, subject, text, html)| to == "coordinator@riverton.example"
                && subject.contains("Riverton Museum of Art")
                && text.contains(&format!("/c/riverton/partners/{slug}"))
                && html.contains("Riverton Museum of Art")
        ),
        "{waiting:?}"
    );

    // The coordinator finds it waiting, oldest first, and approves it with a message.
    let coordinator = app.signed_in(&world.person("coordinator")).await;
    let (status, list) = page(&app, &coordinator, "/c/riverton/partners").await;
    assert_eq!(status, StatusCode::OK);
    assert!(text_of(&list, "#pending").contains("Riverton Museum of Art"));
    assert!(text_of(&list, "#partner-counts").contains("1 waiting"));
    assert!(!text_of(&list, "#approved").contains("Riverton Museum of Art"));
    let (status, review) = page(&app, &coordinator, &format!("/c/riverton/partners/{slug}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(text_of(&review, "dl").contains("hello@art.example"));
    assert_eq!(select(&review, "#approve-form").len(), 1);
    let response = app
        .post_form(
            &coordinator,
            &format!("/c/riverton/partners/{slug}/approve"),
            &[("message", "Welcome to the summer!")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, review) = page(&app, &coordinator, &format!("/c/riverton/partners/{slug}")).await;
    assert!(text_of(&review, "#status").contains("Approved"));
    assert!(text_of(&review, "#decision-message").contains("Welcome to the summer!"));
    assert!(select(&review, "#approve-form").is_empty());
    assert_eq!(audited(&app, "org.approved", &slug), 1);

    // The applicant and the contact address are told, in the applicant's language.
    let approved = mails(&app, "org.approved");
    let recipients: Vec<&str> = approved.iter().map(|m| m.0.as_str()).collect();
    assert_eq!(recipients, ["ada@art.example", "hello@art.example"]);
    for (_, locale, subject, text, html) in &approved {
        assert_eq!(locale, "es");
        assert!(subject.contains("fue aprobada"), "{subject}");
        assert!(text.contains("Welcome to the summer!"));
        assert!(text.contains(&format!("/c/riverton/orgs/{slug}")));
        assert!(html.contains("Welcome to the summer!"));
    }

    // Deciding twice is refused, and nothing more is sent.
    for decision in ["approve", "decline"] {
        let response = app
            .post_form(
                &coordinator,
                &format!("/c/riverton/partners/{slug}/{decision}"),
                &[("message", "Again")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::CONFLICT, "{decision} again");
        let html = Html::parse_document(&response.text().await.unwrap());
        assert!(text_of(&html, "#refusal").contains("already approved"));
    }
    assert_eq!(mails(&app, "org.approved").len(), 2);
    assert!(mails(&app, "org.declined").is_empty());

    // Approved: it may publish, and its public page is there.
    assert_eq!(may_publish(&app, &slug), Some(true));
    let (status, public) = page(&app, &visitor, &format!("/c/riverton/o/{slug}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(text_of(&public, "h1").contains("Riverton Museum of Art"));
    assert!(text_of(&public, "#org-kind").contains("Museum"));
    assert_eq!(
        select(&public, "#org-website")[0].value().attr("href"),
        Some("https://art.example")
    );
    let (_, me) = page(&app, &applicant, "/c/riverton/me").await;
    assert!(text_of(&me, "#my-applications").contains("Aprobada"));
}

#[tokio::test]
async fn a_declined_application_says_why_and_cannot_publish() {
    let (app, world) = spawn_world().await;
    let applicant = staff_signs_up(&app, "ada", "ada@art.example", "en").await;
    let slug = apply(
        &app,
        &applicant,
        &[
            ("name", "Ada's Shop"),
            ("kind", "business"),
            ("contact_email", "ada@art.example"),
        ],
    )
    .await;
    let coordinator = app.signed_in(&world.person("coordinator")).await;
    // A decline says why.
    let response = app
        .post_form(
            &coordinator,
            &format!("/c/riverton/partners/{slug}/decline"),
            &[("message", "  ")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = Html::parse_document(&response.text().await.unwrap());
    assert_eq!(select(&html, "#e-decline-message").len(), 1);
    assert!(select(&html, "#e-approve-message").is_empty());
    assert_eq!(may_publish(&app, &slug), Some(false));
    assert!(mails(&app, "org.declined").is_empty());

    let response = app
        .post_form(
            &coordinator,
            &format!("/c/riverton/partners/{slug}/decline"),
            &[("message", "We only take programs for youth this summer.")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(audited(&app, "org.declined", &slug), 1);
    // One mail: the applicant is also the contact address.
    let declined = mails(&app, "org.declined");
    assert_eq!(declined.len(), 1, "{declined:?}");
    assert_eq!(declined[0].0, "ada@art.example");
    assert_eq!(declined[0].1, "en");
    assert!(declined[0]
        .3
        .contains("We only take programs for youth this summer."));

    assert_eq!(
        may_publish(&app, &slug),
        Some(false),
        "declined cannot publish"
    );
    let (status, _) = page(&app, &app.client(), &format!("/c/riverton/o/{slug}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, org_page) = page(&app, &applicant, &format!("/c/riverton/orgs/{slug}")).await;
    assert!(text_of(&org_page, "#application-status")
        .contains("We only take programs for youth this summer."));
    let (_, list) = page(&app, &coordinator, "/c/riverton/partners").await;
    assert!(text_of(&list, "#declined").contains("Ada's Shop"));
    assert!(text_of(&list, "#pending").is_empty());

    let response = app
        .post_form(
            &coordinator,
            &format!("/c/riverton/partners/{slug}/approve"),
            &[],
        )
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert_eq!(may_publish(&app, &slug), Some(false));
}

#[tokio::test]
async fn two_organizations_with_one_name_get_their_own_slugs() {
    let (app, _world) = spawn_world().await;
    let first = staff_signs_up(&app, "ada", "ada@art.example", "en").await;
    let second = staff_signs_up(&app, "bea", "bea@art.example", "en").await;
    let one = apply(&app, &first, &museum_application()).await;
    let two = apply(&app, &second, &museum_application()).await;
    assert_eq!(one, "riverton-museum-of-art");
    assert_eq!(two, "riverton-museum-of-art-2");
    // Each applicant is admin of their own only.
    let (status, _) = page(&app, &first, &format!("/c/riverton/orgs/{two}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_application_offers_the_citys_neighborhoods_and_hides_the_field_when_it_has_none() {
    let (app, _world) = spawn_world().await;
    {
        // The demo's Riverton has neighborhoods; this city starts without.
        let mut conn = app.db.get().unwrap();
        diesel::delete(neighborhoods::table)
            .execute(&mut *conn)
            .unwrap();
    }
    let applicant = staff_signs_up(&app, "ada", "ada@art.example", "en").await;
    let (_, form) = page(&app, &applicant, "/c/riverton/partners/apply").await;
    assert!(
        select(&form, "#f-neighborhood").is_empty(),
        "no neighborhoods, no field"
    );

    let id: i64 = {
        let mut conn = app.db.get().unwrap();
        let (city, _) = org_ids(&app, "library");
        diesel::insert_into(neighborhoods::table)
            .values((
                neighborhoods::city_id.eq(city.0),
                neighborhoods::slug.eq("riverside"),
                neighborhoods::name.eq("Riverside"),
                neighborhoods::position.eq(1),
            ))
            .returning(neighborhoods::id)
            .get_result(&mut conn)
            .unwrap()
    };
    let (_, form) = page(&app, &applicant, "/c/riverton/partners/apply").await;
    assert!(text_of(&form, "#f-neighborhood").contains("Riverside"));
    let mut fields = museum_application();
    let id = id.to_string();
    fields.push(("neighborhood", &id));
    let slug = apply(&app, &applicant, &fields).await;
    let mut conn = app.db.get().unwrap();
    let stored: Option<i64> = organizations::table
        .filter(organizations::slug.eq(&slug))
        .select(organizations::neighborhood_id)
        .first(&mut conn)
        .unwrap();
    assert_eq!(stored.map(|n| n.to_string()), Some(id));
}

#[tokio::test]
async fn a_staff_member_without_an_organization_is_told_what_to_do_next() {
    let (app, _world) = spawn_world().await;
    let client = staff_signs_up(&app, "newbie", "newbie@art.example", "en").await;
    let (status, me) = page(&app, &client, "/c/riverton/me").await;
    assert_eq!(status, StatusCode::OK);
    let next = text_of(&me, "#staff-next-steps");
    assert!(
        next.contains("ask your organization's admin to invite you")
            || next.contains("Ask your organization's admin to invite you")
    );
    assert!(next.contains("newbie@art.example"), "{next}");
    let apply = select(&me, "#staff-next-steps a")[0]
        .value()
        .attr("href")
        .unwrap()
        .to_string();
    let (status, form) = page(&app, &client, &apply).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        select(&form, "#apply-form").len(),
        1,
        "the link works for them"
    );
}

#[tokio::test]
async fn staff_of_an_organization_are_not_told_to_find_one() {
    let (app, world) = spawn_world().await;
    let mentor = app.signed_in(&world.person("mentor")).await;
    let (_, me) = page(&app, &mentor, "/c/riverton/me").await;
    assert!(select(&me, "#staff-next-steps").is_empty());
}

async fn edit_status(app: &TestApp, person: &Person, org: &str) -> (StatusCode, StatusCode) {
    let client = app.signed_in(person).await;
    let path = format!("/c/riverton/orgs/{org}/edit");
    let get = app.get(&client, &path).await.status();
    let post = app
        .post_form(&client, &path, &museum_application())
        .await
        .status();
    (get, post)
}

#[tokio::test]
async fn only_admins_and_coordinators_edit_an_organization() {
    let (app, world) = spawn_world().await;
    assert_eq!(
        edit_status(&app, &world.person("mentor"), "library").await,
        (StatusCode::FORBIDDEN, StatusCode::FORBIDDEN),
        "a mentor cannot edit the organization"
    );
    assert_eq!(
        edit_status(&app, &world.curator(), "library").await,
        (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND),
        "another organization's staff get 404"
    );
    assert_eq!(
        edit_status(&app, &world.other_coordinator, "library").await,
        (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND),
        "a coordinator of another city gets 404"
    );
    assert_eq!(
        edit_status(&app, &world.person("coordinator"), "parks").await,
        (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND),
        "another city's organization is not found"
    );
    let (_, public) = page(&app, &app.client(), "/c/riverton/o/library").await;
    assert!(
        !text_of(&public, "h1").contains("Riverton Museum of Art"),
        "nothing changed"
    );
}

#[tokio::test]
async fn an_admin_edits_the_profile_with_bad_input_kept_and_the_change_audited() {
    let (app, world) = spawn_world().await;
    let admin = app.signed_in(&world.account("librarian")).await;
    let (status, form) = page(&app, &admin, "/c/riverton/orgs/library/edit").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        select(&form, "#f-name")[0].value().attr("value"),
        Some("Riverton Public Library"),
        "the form starts with the profile"
    );
    let response = app
        .post_form(
            &admin,
            "/c/riverton/orgs/library/edit",
            &[
                ("name", "Riverton Public Library"),
                ("kind", "library"),
                ("website", "javascript:alert(1)"),
                ("contact_email", ""),
                ("description", "Books."),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = Html::parse_document(&response.text().await.unwrap());
    assert_eq!(select(&html, "#e-website").len(), 1);
    assert_eq!(select(&html, "#e-contact_email").len(), 1);
    assert_eq!(
        select(&html, "#f-website")[0].value().attr("value"),
        Some("javascript:alert(1)")
    );
    assert_eq!(audited(&app, "org.updated", "library"), 0);

    let response = app
        .post_form(
            &admin,
            "/c/riverton/orgs/library/edit",
            &[
                ("name", "Riverton Public Library"),
                ("kind", "library"),
                ("address", "1 Library Lane"),
                ("website", "https://library.example"),
                ("contact_email", "desk@library.example"),
                ("description", "Books, comics and a maker space."),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/c/riverton/orgs/library");
    assert_eq!(audited(&app, "org.updated", "library"), 1);
    let (status, public) = page(&app, &app.client(), "/c/riverton/o/library").await;
    assert_eq!(status, StatusCode::OK);
    assert!(text_of(&public, ".lead").contains("Books, comics and a maker space."));
    assert!(text_of(&public, "dl").contains("1 Library Lane"));
    assert!(text_of(&public, "#org-kind").contains("Library"));
    // Its badges are listed.
    assert!(!select(&public, "#org-badges .badge-card").is_empty());

    // A coordinator edits it too.
    let coordinator = app.signed_in(&world.person("coordinator")).await;
    let (status, _) = page(&app, &coordinator, "/c/riverton/orgs/library/edit").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_coordinator_of_another_city_sees_no_application() {
    let (app, world) = spawn_world().await;
    let applicant = staff_signs_up(&app, "ada", "ada@art.example", "en").await;
    let slug = apply(&app, &applicant, &museum_application()).await;
    let other = app.signed_in(&world.other_coordinator).await;
    for path in [
        "/c/riverton/partners".to_string(),
        format!("/c/riverton/partners/{slug}"),
    ] {
        let response = app.get(&other, &path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(!response
            .text()
            .await
            .unwrap()
            .contains("Riverton Museum of Art"));
    }
    for decision in ["approve", "decline"] {
        let response = app
            .post_form(
                &other,
                &format!("/c/riverton/partners/{slug}/{decision}"),
                &[("message", "Hijack")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    }
    // Nor does Riverton's coordinator see Elmstead's organizations under Riverton.
    let coordinator = app.signed_in(&world.person("coordinator")).await;
    let (status, _) = page(&app, &coordinator, "/c/riverton/partners/parks").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = page(&app, &app.client(), "/c/riverton/o/parks").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Or review from a city they are not in: Elmstead's list has only its own.
    let (status, list) = page(&app, &other, "/c/elmstead/partners").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!text_of(&list, "main").contains("Riverton Museum of Art"));
    assert_eq!(may_publish(&app, &slug), Some(false));
}

#[tokio::test]
async fn a_coordinator_adds_an_approved_organization_with_its_profile() {
    let (app, world) = spawn_world().await;
    let coordinator = app.signed_in(&world.person("coordinator")).await;
    let response = app
        .post_form(
            &coordinator,
            "/c/riverton/orgs",
            &[
                ("name", "Riverton Parks"),
                ("kind", "stadium"),
                ("contact_email", "nope"),
                ("website", "parks.example"),
                ("admin", "mentor"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = Html::parse_document(&response.text().await.unwrap());
    for field in ["kind", "contact_email", "website"] {
        assert_eq!(select(&html, &format!("#e-{field}")).len(), 1, "{field}");
    }
    let response = app
        .post_form(
            &coordinator,
            "/c/riverton/orgs",
            &[
                ("name", "Riverton Parks"),
                ("kind", "park"),
                ("address", "Riverside Park"),
                ("contact_email", "parks@riverton.example"),
                ("admin", "mentor"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(may_publish(&app, "riverton-parks"), Some(true));
    let (status, public) = page(&app, &app.client(), "/c/riverton/o/riverton-parks").await;
    assert_eq!(status, StatusCode::OK);
    assert!(text_of(&public, "#org-kind").contains("Park"));
    assert!(text_of(&public, "dl").contains("Riverside Park"));
}

/// The `/join/{token}` path in the last invitation e-mail sent to `to`.
fn join_path_mailed_to(app: &TestApp, to: &str) -> String {
    let mut conn = app.db.get().unwrap();
    let text: String = outbox::table
        .filter(outbox::to_address.eq(to))
        .filter(outbox::kind.like("invitation.%"))
        .order(outbox::id.desc())
        .select(outbox::text_body)
        .first(&mut conn)
        .unwrap();
    let start = text.find("/join/").expect("the mail has a join link");
    text[start..].split_whitespace().next().unwrap().to_string()
}

#[tokio::test]
async fn an_admin_invites_a_mentor_by_e_mail_who_joins_through_the_link() {
    let (app, world) = spawn_world().await;
    let admin = app.signed_in(&world.account("librarian")).await;
    let response = app
        .post_form(
            &admin,
            "/c/riverton/orgs/library/invitations",
            &[("email", "new.mentor@art.example"), ("role", "mentor")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, manage) = page(&app, &admin, "/c/riverton/orgs/library").await;
    let waiting = text_of(&manage, "#email-invitations");
    assert!(
        waiting.contains("new.mentor@art.example") && waiting.contains("Mentor"),
        "{waiting}"
    );
    let join = join_path_mailed_to(&app, "new.mentor@art.example");

    let invitee = app.client();
    let (status, _) = page(&app, &invitee, &join).await;
    assert_eq!(status, StatusCode::OK);
    let response = app
        .post_form(
            &invitee,
            &format!("{join}/signup"),
            &[
                ("display_name", "Nia Mentor"),
                ("username", "nia"),
                ("email", "new.mentor@art.example"),
                ("password", "a long enough password"),
            ],
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "the invitee joins"
    );
    let (status, _) = page(&app, &invitee, "/c/riverton/orgs/library").await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the new mentor is staff of the library"
    );
    let (status, _) = page(&app, &invitee, "/c/riverton/orgs/library/edit").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a mentor, not an admin");
    let (_, manage) = page(&app, &admin, "/c/riverton/orgs/library").await;
    assert!(!text_of(&manage, "#email-invitations").contains("new.mentor@art.example"));
}

#[tokio::test]
async fn an_admin_withdraws_an_invitation_and_its_link_stops_working() {
    let (app, world) = spawn_world().await;
    let admin = app.signed_in(&world.account("librarian")).await;
    app.post_form(
        &admin,
        "/c/riverton/orgs/library/invitations",
        &[("email", "late@art.example"), ("role", "admin")],
    )
    .await;
    let join = join_path_mailed_to(&app, "late@art.example");
    let (_, manage) = page(&app, &admin, "/c/riverton/orgs/library").await;
    let id = select(&manage, "#email-invitations input[name=invitation]")[0]
        .value()
        .attr("value")
        .unwrap()
        .to_string();

    // Another organization's admin cannot withdraw it, nor a mentor.
    let curator = app.signed_in(&world.curator()).await;
    let response = app
        .post_form(
            &curator,
            "/c/riverton/orgs/science-museum/invitations/withdraw",
            &[("invitation", &id)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let mentor = app.signed_in(&world.person("mentor")).await;
    let response = app
        .post_form(
            &mentor,
            "/c/riverton/orgs/library/invitations/withdraw",
            &[("invitation", &id)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let (status, _) = page(&app, &app.client(), &join).await;
    assert_eq!(status, StatusCode::OK, "still usable");

    let response = app
        .post_form(
            &admin,
            "/c/riverton/orgs/library/invitations/withdraw",
            &[("invitation", &id)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, manage) = page(&app, &admin, "/c/riverton/orgs/library").await;
    assert!(select(&manage, "#email-invitations").is_empty());
    let (status, _) = page(&app, &app.client(), &join).await;
    assert_eq!(status, StatusCode::GONE, "a withdrawn link no longer works");
    // Twice is not found; garbage is bad input.
    let response = app
        .post_form(
            &admin,
            "/c/riverton/orgs/library/invitations/withdraw",
            &[("invitation", &id)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let response = app
        .post_form(
            &admin,
            "/c/riverton/orgs/library/invitations/withdraw",
            &[("invitation", "x")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn bad_input_on_the_invitation_form_is_kept_and_only_admins_invite() {
    let (app, world) = spawn_world().await;
    let admin = app.signed_in(&world.account("librarian")).await;
    let response = app
        .post_form(
            &admin,
            "/c/riverton/orgs/library/invitations",
            &[("email", "not-an-address"), ("role", "owner")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = Html::parse_document(&response.text().await.unwrap());
    assert_eq!(select(&html, "#e-email").len(), 1);
    assert_eq!(select(&html, "#e-invite-role").len(), 1);
    assert_eq!(
        select(&html, "#invite-form #f-email")[0]
            .value()
            .attr("value"),
        Some("not-an-address")
    );
    assert!(mails(&app, "invitation.mentor").is_empty());
    assert!(mails(&app, "invitation.org_admin").is_empty());

    let fields = [("email", "someone@art.example"), ("role", "mentor")];
    let mentor = app.signed_in(&world.person("mentor")).await;
    let response = app
        .post_form(&mentor, "/c/riverton/orgs/library/invitations", &fields)
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let curator = app.signed_in(&world.curator()).await;
    let response = app
        .post_form(&curator, "/c/riverton/orgs/library/invitations", &fields)
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let other = app.signed_in(&world.other_coordinator).await;
    let response = app
        .post_form(&other, "/c/riverton/orgs/library/invitations", &fields)
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(mails(&app, "invitation.mentor").is_empty());
}
