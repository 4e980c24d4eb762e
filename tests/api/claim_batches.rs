//! Claim-code batches: single-use and event codes with their windows and sessions, the printed
//! sheet with QR codes, the CSV, who redeemed which code, a code shared too widely, bad input,
//! and fifty youth racing for one single-use code.

use diesel::prelude::*;
use reqwest::{Client, StatusCode};

use crate::helpers::{location, spawn_world, TestApp, World};
use crate::invitations::text_of;

const CODES: &str = "/c/riverton/orgs/library/badges/comic-creator/codes";

fn batch_form<'a>(overrides: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("kind", "single"),
        ("count", "3"),
        ("use_limit", "30"),
        ("valid_from", ""),
        ("valid_until", ""),
        ("activity", ""),
        ("session_on", ""),
        ("site", ""),
    ];
    for (k, v) in overrides {
        form.retain(|(name, _)| name != k);
        form.push((k, v));
    }
    form
}

/// Makes a batch through the codes page; returns the batch page's path.
async fn make_batch(app: &TestApp, staff: &Client, overrides: &[(&str, &str)]) -> String {
    let made = app.post_form(staff, CODES, &batch_form(overrides)).await;
    assert_eq!(made.status(), StatusCode::SEE_OTHER);
    location(&made)
}

/// The codes printed on a batch's sheet.
async fn printed_codes(app: &TestApp, staff: &Client, batch: &str) -> Vec<String> {
    let sheet = app
        .get(staff, &format!("{batch}/print"))
        .await
        .text()
        .await
        .unwrap();
    let doc = scraper::Html::parse_document(&sheet);
    let s = scraper::Selector::parse(".slip-code code").unwrap();
    doc.select(&s).map(|c| c.text().collect()).collect()
}

fn batch_count(app: &TestApp) -> i64 {
    use lanyard::db::schema::claim_batches;
    let mut conn = app.db.get().unwrap();
    claim_batches::table.count().get_result(&mut conn).unwrap()
}

/// A new active youth of Riverton, made in the database (no sign-up limits): their id.
fn youth(app: &TestApp, username: &str) -> lanyard::ids::UserId {
    use lanyard::auth::store::{self, CityRole, NewUser};
    use lanyard::auth::{AccountKind, AccountStatus};
    let mut conn = app.db.get().unwrap();
    let now = chrono::Utc::now().naive_utc();
    let city = lanyard::tenancy::store::find_by_slug(&mut conn, "riverton")
        .unwrap()
        .unwrap();
    let id = store::insert_user(
        &mut conn,
        &NewUser {
            username,
            email: None,
            display_name: username,
            password_hash: "not-a-password",
            kind: AccountKind::Youth,
            birth_date: chrono::NaiveDate::from_ymd_opt(2010, 5, 5),
            status: AccountStatus::Active,
            is_operator: false,
            locale: None,
        },
        now,
    )
    .unwrap();
    store::add_city_member(&mut conn, city.id, id, CityRole::Youth, now).unwrap();
    id
}

fn redeem_directly(
    conn: &mut lanyard::db::DbConnection,
    code: &str,
    youth: lanyard::ids::UserId,
    address: &str,
) -> Result<lanyard::earning::store::Redeemed, lanyard::earning::store::RedeemError> {
    let city = lanyard::tenancy::store::find_by_slug(conn, "riverton")
        .unwrap()
        .unwrap();
    lanyard::earning::store::redeem(
        conn,
        &city,
        code,
        youth,
        &lanyard::audit::Actor::command_line(),
        "http://lanyard.test",
        address,
        chrono::Utc::now().naive_utc(),
    )
}

#[tokio::test]
async fn a_batch_prints_slips_with_qr_codes_and_tells_who_redeemed_which_code() {
    let (app, world) = spawn_world().await;
    let admin = app.signed_in(&world.person("org_admin")).await;
    let batch = make_batch(&app, &admin, &[("site", "Main Library, Room 2")]).await;
    let codes = printed_codes(&app, &admin, &batch).await;
    assert_eq!(codes.len(), 3, "{codes:?}");
    let sheet = app
        .get(&admin, &format!("{batch}/print"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(sheet.matches("<svg").count(), 3, "a QR code on each slip");
    assert!(sheet.contains("/c/riverton/claim"), "the redeem address");
    assert!(sheet.contains("Comic Creator") && sheet.contains("Main Library, Room 2"));
    assert!(sheet.contains("id=\"print-button\""));

    // The QR link opens the claim page with the code filled in.
    let maya = app.signed_in(&world.person("youth")).await;
    let opened = app
        .get(
            &maya,
            &format!("/c/riverton/claim?code={}", codes[0].to_lowercase()),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(
        opened.contains(&format!("value=\"{}\"", codes[0])),
        "prefilled"
    );
    let redeemed = app
        .post_form(&maya, "/c/riverton/claim", &[("code", &codes[0])])
        .await;
    assert_eq!(redeemed.status(), StatusCode::SEE_OTHER);

    let page = app.get(&admin, &batch).await.text().await.unwrap();
    let table = text_of(&page, "#batch-codes");
    assert!(
        table.contains("maya") && table.contains("Not redeemed yet"),
        "{table}"
    );
    let csv = app.get(&admin, &format!("{batch}/codes.csv")).await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(csv.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = csv.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 4, "{csv}");
    assert!(lines[0].starts_with("code,badge,kind"));
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with(&codes[0]) && l.contains(",maya,")),
        "{csv}"
    );
    // A used code is not printed again.
    assert_eq!(printed_codes(&app, &admin, &batch).await.len(), 2);
}

#[tokio::test]
async fn an_event_code_serves_its_number_of_youth_and_each_refusal_has_its_message() {
    let (app, world) = spawn_world().await;
    let admin = app.signed_in(&world.person("org_admin")).await;
    let event = make_batch(&app, &admin, &[("kind", "event"), ("use_limit", "2")]).await;
    let code = printed_codes(&app, &admin, &event).await.remove(0);
    let mut conn = app.db.get().unwrap();
    for (i, name) in ["ev-a", "ev-b"].into_iter().enumerate() {
        let id = youth(&app, name);
        redeem_directly(&mut conn, &code, id, &format!("10.0.0.{i}")).expect("a use");
    }
    drop(conn);
    let maya = app.signed_in(&world.person("youth")).await;
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1))
        .date_naive()
        .to_string();
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1))
        .date_naive()
        .to_string();
    let later = make_batch(&app, &admin, &[("valid_from", &tomorrow)]).await;
    let later = printed_codes(&app, &admin, &later).await.remove(0);
    let over = make_batch(&app, &admin, &[("valid_until", &yesterday)]).await;
    let over = printed_codes(&app, &admin, &over).await.remove(0);
    for (code, says) in [
        (code.as_str(), "Everyone this event code was made for"),
        (later.as_str(), "does not work yet"),
        (over.as_str(), "has expired"),
        ("ZZZZ-ZZZZ", ""),
    ] {
        let refused = app
            .post_form(&maya, "/c/riverton/claim", &[("code", code)])
            .await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{code}");
        let message = text_of(&refused.text().await.unwrap(), ".field-error");
        assert!(
            !message.is_empty() && message.contains(says),
            "{code}: {message}"
        );
    }
    let page = app.get(&admin, &event).await.text().await.unwrap();
    let table = text_of(&page, "#batch-codes");
    assert!(table.contains("ev-a") && table.contains("ev-b"), "{table}");
}

#[tokio::test]
async fn an_event_code_redeemed_from_many_places_at_once_is_flagged_to_its_organization() {
    let (app, world) = spawn_world().await;
    let admin = app.signed_in(&world.person("org_admin")).await;
    let event = make_batch(&app, &admin, &[("kind", "event"), ("use_limit", "50")]).await;
    let code = printed_codes(&app, &admin, &event).await.remove(0);
    let codes_page = app.get(&admin, CODES).await.text().await.unwrap();
    assert!(!codes_page.contains("class=\"flagged\""));
    let mut conn = app.db.get().unwrap();
    for i in 0..lanyard::earning::store::BUSY_ADDRESSES {
        let id = youth(&app, &format!("crowd-{i}"));
        redeem_directly(&mut conn, &code, id, &format!("192.0.2.{i}")).expect("a use");
    }
    drop(conn);
    let codes_page = app.get(&admin, CODES).await.text().await.unwrap();
    assert!(codes_page.contains("class=\"flagged\""), "{codes_page}");
    let page = app.get(&admin, &event).await.text().await.unwrap();
    assert!(page.contains("id=\"batch-flagged\""));
}

#[tokio::test]
async fn bad_batch_forms_name_the_field_and_make_nothing() {
    let (app, world) = spawn_world().await;
    let admin = app.signed_in(&world.person("org_admin")).await;
    let before = batch_count(&app);
    let museum_activity = {
        use lanyard::db::schema::{activities, organizations};
        let mut conn = app.db.get().unwrap();
        activities::table
            .inner_join(organizations::table)
            .filter(organizations::slug.eq("science-museum"))
            .select(activities::id)
            .first::<i64>(&mut conn)
            .unwrap()
            .to_string()
    };
    for (overrides, field) in [
        (vec![("kind", "lots")], "kind"),
        (vec![("count", "0")], "count"),
        (vec![("count", "501")], "count"),
        (vec![("kind", "event"), ("use_limit", "5000")], "use_limit"),
        (vec![("valid_from", "07/15/2027")], "valid_from"),
        (
            vec![("valid_from", "2027-07-15"), ("valid_until", "2027-07-01")],
            "valid_until",
        ),
        (vec![("activity", museum_activity.as_str())], "activity"),
        (vec![("activity", "nope")], "activity"),
    ] {
        let refused = app.post_form(&admin, CODES, &batch_form(&overrides)).await;
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
    }
    assert_eq!(batch_count(&app), before);
}

#[tokio::test]
async fn another_organizations_batch_and_any_batch_for_a_youth_are_not_found() {
    let (app, world) = spawn_world().await;
    let admin = app.signed_in(&world.person("org_admin")).await;
    let batch = make_batch(&app, &admin, &[]).await;
    let curator = app.signed_in(&world.curator()).await;
    let theirs = batch.replace("/orgs/library/", "/orgs/science-museum/");
    for path in [
        theirs.clone(),
        format!("{theirs}/print"),
        format!("{theirs}/codes.csv"),
    ] {
        assert_eq!(
            app.get(&curator, &path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let maya = app.signed_in(&world.person("youth")).await;
    assert_eq!(app.get(&maya, &batch).await.status(), StatusCode::NOT_FOUND);
}

fn fifty_youth(app: &TestApp) -> Vec<lanyard::ids::UserId> {
    (0..50).map(|i| youth(app, &format!("rush-{i}"))).collect()
}

#[tokio::test]
async fn fifty_youth_redeeming_one_single_use_code_at_once_make_one_award() {
    let (app, world): (TestApp, World) = spawn_world().await;
    let admin = app.signed_in(&world.person("org_admin")).await;
    let batch = make_batch(&app, &admin, &[("count", "1")]).await;
    let code = printed_codes(&app, &admin, &batch).await.remove(0);
    let youth = fifty_youth(&app);
    let db = lanyard::db::Db::connect(&app.database_url, 50).unwrap();
    let start = std::sync::Arc::new(std::sync::Barrier::new(youth.len()));
    let handles: Vec<_> = youth
        .into_iter()
        .enumerate()
        .map(|(i, id)| {
            let (db, start, code) = (db.clone(), start.clone(), code.clone());
            std::thread::spawn(move || {
                let mut conn = db.get().expect("a connection each");
                start.wait();
                redeem_directly(&mut conn, &code, id, &format!("198.51.100.{i}")).is_ok()
            })
        })
        .collect();
    let wins = handles
        .into_iter()
        .map(|h| h.join().unwrap())
        .filter(|won| *won)
        .count();
    assert_eq!(wins, 1);
    use lanyard::db::schema::{awards, claim_codes};
    let mut conn = app.db.get().unwrap();
    let code_id: i64 = claim_codes::table
        .filter(claim_codes::code.eq(&code))
        .select(claim_codes::id)
        .first(&mut conn)
        .unwrap();
    let made: i64 = awards::table
        .filter(awards::claim_code_id.eq(code_id))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(made, 1);
}
