//! The dashboard: figures of a small known city equal what a person counts by hand, small
//! cells hide (with their complements) on the page and in the CSV, each CSV is its table, bad
//! filters are 400 pages, only the right people see each dashboard, the rollups and the
//! season's cells kept up to date as awards come and go equal a count from scratch, and the
//! views the season's cells answer equal the same views counted from the rollups.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use lanyard::auth::store::{self as auth_store, CityRole, NewUser};
use lanyard::auth::{password, AccountKind, AccountStatus};
use lanyard::awards::store::{self as award_store, NewAward};
use lanyard::awards::AwardMethod;
use lanyard::dashboard::{rollups, season};
use lanyard::db::schema::{
    activities, categories, cities, city_members, dash_member_days, dash_members, neighborhoods,
    users,
};
use lanyard::db::DbConnection;
use lanyard::ids::{BadgeId, CityId, OrgId, UserId};
use lanyard::{activities as acts, badges, orgs, tenancy};
use rand::{Rng, SeedableRng};
use reqwest::StatusCode;
use scraper::{Html, Selector};

use crate::helpers::{spawn_app, spawn_world, Person, TestApp};

fn at(day: &str) -> NaiveDateTime {
    NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap()
}

fn user(
    conn: &mut DbConnection,
    city: CityId,
    username: &str,
    kind: AccountKind,
    role: CityRole,
    born: Option<&str>,
) -> (UserId, Person) {
    let password = format!("{username}-password");
    let hash = password::hash(&password).unwrap();
    let now = at("2026-06-01");
    let id = auth_store::insert_user(
        conn,
        &NewUser {
            username,
            email: Some(&format!("{username}@tally.example")),
            display_name: username,
            password_hash: &hash,
            kind,
            birth_date: born.map(|b| NaiveDate::parse_from_str(b, "%Y-%m-%d").unwrap()),
            status: AccountStatus::Active,
            is_operator: false,
            locale: None,
        },
        now,
    )
    .unwrap();
    auth_store::add_city_member(conn, city, id, role, now).unwrap();
    (
        id,
        Person {
            username: username.into(),
            password,
        },
    )
}

fn badge(
    conn: &mut DbConnection,
    city: CityId,
    org: OrgId,
    slug: &str,
    activity: Option<lanyard::ids::ActivityId>,
) -> BadgeId {
    let image = badges::image::default_image(slug);
    badges::store::insert(
        conn,
        city,
        org,
        &badges::store::NewBadge {
            slug,
            name: &format!("Badge {slug}"),
            description: "A badge.",
            criteria: "Do it.",
            activity,
            image_mime: image.mime,
            image_data: &image.bytes,
            valid_days: None,
        },
        at("2026-06-01"),
    )
    .unwrap()
}

fn award(
    conn: &mut DbConnection,
    city: CityId,
    org: OrgId,
    b: BadgeId,
    y: UserId,
    day: &str,
) -> String {
    award_store::insert(
        conn,
        &NewAward {
            city,
            org,
            badge: b,
            recipient: y,
            method: AwardMethod::Staff,
            claim_code: None,
            evidence: None,
        },
        at(day),
    )
    .unwrap()
}

/// Tally: 12 youth of North (born 2014, so 12 on June 22, 2026), 3 of South (born 2011, so
/// 15), one with neither. Everyone of North and South earns X (in "Arts") — North in the
/// week of June 22, South in the week of June 29; n0 also earns Y in the second week and Z
/// in the third (Y and Z have no activity, so no category); n1's Y of the second week is
/// revoked.
struct Tally {
    city: CityId,
    /// n0's award of Z.
    z_award: String,
    coordinator: Person,
    staff: Person,
    other_staff: Person,
}

fn seed_tally(app: &TestApp) -> Tally {
    let mut conn = app.db.get().unwrap();
    let conn: &mut DbConnection = &mut conn;
    let now = at("2026-06-01");
    let city = tenancy::store::insert(conn, "tally", "Tally", "", now).unwrap();
    for (position, (slug, name)) in [("north", "North"), ("south", "South")].iter().enumerate() {
        diesel::insert_into(neighborhoods::table)
            .values((
                neighborhoods::city_id.eq(city.0),
                neighborhoods::slug.eq(slug),
                neighborhoods::name.eq(name),
                neighborhoods::position.eq(position as i32),
            ))
            .execute(conn)
            .unwrap();
    }
    let arts: i64 = diesel::insert_into(categories::table)
        .values((
            categories::city_id.eq(city.0),
            categories::slug.eq("arts"),
            categories::name.eq("Arts"),
            categories::position.eq(0),
        ))
        .returning(categories::id)
        .get_result(conn)
        .unwrap();
    let hood = |conn: &mut DbConnection, slug: &str| -> i64 {
        neighborhoods::table
            .filter(neighborhoods::city_id.eq(city.0))
            .filter(neighborhoods::slug.eq(slug))
            .select(neighborhoods::id)
            .first(conn)
            .unwrap()
    };
    let (north, south) = (hood(conn, "north"), hood(conn, "south"));
    let (_, coordinator) = user(
        conn,
        city,
        "tally-coord",
        AccountKind::Staff,
        CityRole::Coordinator,
        None,
    );
    let (admin, staff) = user(
        conn,
        city,
        "tally-admin",
        AccountKind::Staff,
        CityRole::Staff,
        None,
    );
    let (other_admin, other_staff) = user(
        conn,
        city,
        "tally-other",
        AccountKind::Staff,
        CityRole::Staff,
        None,
    );
    let new_org = |slug| orgs::store::NewOrg {
        slug,
        name: "Tally Arts Club",
        description: "",
        website: "",
    };
    let org =
        orgs::store::insert_with_admin(conn, city, &new_org("arts-club"), admin, now).unwrap();
    orgs::store::insert_with_admin(conn, city, &new_org("other-club"), other_admin, now).unwrap();
    let activity = acts::store::insert(
        conn,
        city,
        org,
        &acts::store::NewActivity {
            title: "Mural painting",
            description: "Paint a wall.",
            location: "North",
            starts_on: None,
            ends_on: None,
        },
        now,
    )
    .unwrap();
    diesel::update(activities::table.find(activity.0))
        .set(activities::category_id.eq(arts))
        .execute(conn)
        .unwrap();
    let x = badge(conn, city, org, "x", Some(activity));
    let y = badge(conn, city, org, "y", None);
    let z = badge(conn, city, org, "z", None);
    let youth = |conn: &mut DbConnection, name: &str, born: &str, hood: i64| {
        let (id, _) = user(
            conn,
            city,
            name,
            AccountKind::Youth,
            CityRole::Youth,
            Some(born),
        );
        diesel::update(users::table.find(id.0))
            .set(users::neighborhood_id.eq(hood))
            .execute(conn)
            .unwrap();
        id
    };
    let mut north_youth = Vec::new();
    for i in 0..12 {
        let id = youth(conn, &format!("n{i}"), "2014-01-01", north);
        award(conn, city, org, x, id, "2026-06-23");
        north_youth.push(id);
    }
    for i in 0..3 {
        let id = youth(conn, &format!("s{i}"), "2011-01-01", south);
        award(conn, city, org, x, id, "2026-06-30");
    }
    user(
        conn,
        city,
        "nobody",
        AccountKind::Youth,
        CityRole::Youth,
        None,
    );
    award(conn, city, org, y, north_youth[0], "2026-07-01");
    let z_award = award(conn, city, org, z, north_youth[0], "2026-07-08");
    let revoked = award(conn, city, org, y, north_youth[1], "2026-07-01");
    assert!(award_store::revoke(conn, city, &revoked, "test", at("2026-07-02")).unwrap());
    Tally {
        city,
        z_award,
        coordinator,
        staff,
        other_staff,
    }
}

/// The rows of table `#id` as the page shows them: each row's cell texts.
fn table(html: &str, id: &str) -> Vec<Vec<String>> {
    let doc = Html::parse_document(html);
    let rows = Selector::parse(&format!("#{id} tr")).unwrap();
    let cells = Selector::parse("th, td").unwrap();
    doc.select(&rows)
        .map(|r| {
            r.select(&cells)
                .map(|c| c.text().collect::<String>().trim().to_string())
                .collect()
        })
        .collect()
}

/// A count as the page groups it ("12,345") as a plain number; any other text as it is.
fn ungrouped(text: &str) -> String {
    let plain = text.replace(',', "");
    if !plain.is_empty() && plain.bytes().all(|b| b.is_ascii_digit()) {
        plain
    } else {
        text.to_string()
    }
}

fn figure(html: &str, id: &str) -> String {
    let doc = Html::parse_document(html);
    let selector = Selector::parse(&format!("#{id}")).unwrap();
    doc.select(&selector)
        .map(|e| e.text().collect::<String>().trim().to_string())
        .next()
        .unwrap_or_default()
}

const RANGE: &str = "from=2026-06-22&to=2026-07-12";

async fn page(app: &TestApp, who: &Person, path: &str) -> (StatusCode, String) {
    let client = app.signed_in(who).await;
    let response = app.get(&client, path).await;
    (response.status(), response.text().await.unwrap())
}

#[tokio::test]
async fn the_figures_of_a_small_city_are_what_a_person_counts() {
    let app = spawn_app().await;
    let tally = seed_tally(&app);
    let (status, html) = page(
        &app,
        &tally.coordinator,
        &format!("/c/tally/dashboard?{RANGE}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // 16 youth registered; 15 earned something; 17 awards stand (the revoked one does not).
    assert_eq!(figure(&html, "total-youth"), "16");
    assert_eq!(figure(&html, "active-youth"), "15");
    assert_eq!(figure(&html, "total-awards"), "17");
    assert_eq!(figure(&html, "retained"), "1");
    assert_eq!(
        table(&html, "table-weeks")[1..],
        [
            vec!["June 22", "12", "12"],
            vec!["June 29", "4", "4"],
            vec!["July 6", "1", "1"],
        ]
    );
    assert_eq!(
        table(&html, "table-categories")[1..],
        [vec!["Arts", "15", "15"], vec!["No category", "1", "2"]]
    );
    assert_eq!(
        table(&html, "table-badges")[1..],
        [
            vec!["Badge x", "15"],
            vec!["Badge y", "1"],
            vec!["Badge z", "1"],
        ]
    );
    assert_eq!(
        table(&html, "table-activities")[1..],
        [vec!["Mural painting", "15"]]
    );
}

#[tokio::test]
async fn small_cells_hide_with_their_complement_in_the_page_and_the_csv() {
    let app = spawn_app().await;
    let tally = seed_tally(&app);
    let client = app.signed_in(&tally.coordinator).await;
    let path = format!("/c/tally/dashboard?{RANGE}");
    let html = app.get(&client, &path).await.text().await.unwrap();
    // South's 3 youth hide; North's 12 would give them away from the total, so they hide too.
    let hoods = table(&html, "table-neighborhoods");
    assert_eq!(
        hoods[1..],
        [
            vec!["North", "<10", "<10"],
            vec!["South", "<10", "<10"],
            vec!["Not given", "0", "0"],
            vec!["Total", "15", "17"],
        ]
    );
    let ages = table(&html, "table-ages");
    assert_eq!(ages[2], vec!["9 to 12", "<10", "<10"]);
    assert_eq!(ages[3], vec!["13 to 15", "<10", "<10"]);
    // Every table's CSV is that table, cell for cell.
    for id in [
        "weeks",
        "orgs",
        "categories",
        "neighborhoods",
        "ages",
        "badges",
        "activities",
    ] {
        let response = app
            .get(&client, &format!("/c/tally/dashboard/csv/{id}?{RANGE}"))
            .await;
        assert_eq!(response.status(), StatusCode::OK, "{id}");
        assert!(response
            .headers()
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("text/csv"));
        let body = response.text().await.unwrap();
        let records: Vec<Vec<String>> = csv::Reader::from_reader(body.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect();
        let shown = table(&html, &format!("table-{id}"));
        // The page's table has its caption's row of headers first, as the CSV does; the page
        // groups a count's thousands, the CSV keeps the plain number.
        let plain: Vec<Vec<String>> = shown[1..]
            .iter()
            .map(|row| row.iter().map(|c| ungrouped(c)).collect())
            .collect();
        assert_eq!(records, plain, "{id}");
    }
    // A slice by one neighborhood hides its small counts everywhere.
    let south = app
        .get(
            &client,
            &format!("/c/tally/dashboard?{RANGE}&neighborhood=south"),
        )
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(figure(&south, "active-youth"), "<10");
}

#[tokio::test]
async fn a_bad_filter_is_a_400_page_that_says_what_is_wrong() {
    let app = spawn_app().await;
    let tally = seed_tally(&app);
    let client = app.signed_in(&tally.coordinator).await;
    for (query, message) in [
        ("from=2026-13-01", "date"),
        (
            "from=2026-07-01&to=2026-06-01",
            "The end date must be on or after the start date.",
        ),
        (
            "neighborhood=atlantis",
            "There is no such neighborhood in this city.",
        ),
        ("org=nope", "There is no such organization in this city."),
        ("category=nope", "There is no such category in this city."),
        ("age=ancient", "Choose an age from the list."),
    ] {
        let response = app
            .get(&client, &format!("/c/tally/dashboard?{query}"))
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
        let body = response.text().await.unwrap();
        assert!(body.contains(message), "{query}: {message}");
        let csv = app
            .get(&client, &format!("/c/tally/dashboard/csv/weeks?{query}"))
            .await;
        assert_eq!(csv.status(), StatusCode::BAD_REQUEST, "{query}");
    }
    let unknown = app.get(&client, "/c/tally/dashboard/csv/secrets").await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_organization_sees_its_own_dashboard_and_no_one_elses() {
    let app = spawn_app().await;
    let tally = seed_tally(&app);
    let path = format!("/c/tally/orgs/arts-club/dashboard?{RANGE}");
    let (status, html) = page(&app, &tally.staff, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(figure(&html, "total-awards"), "17");
    // No city-wide figures and no table by organization on an organization's page.
    assert_eq!(figure(&html, "total-youth"), "");
    assert!(table(&html, "table-orgs").is_empty());
    let csv = page(
        &app,
        &tally.staff,
        &format!("/c/tally/orgs/arts-club/dashboard/csv/weeks?{RANGE}"),
    )
    .await;
    assert_eq!(csv.0, StatusCode::OK);
    // Another organization's staff: nothing there; the city's dashboard is the coordinators'.
    assert_eq!(
        page(&app, &tally.other_staff, &path).await.0,
        StatusCode::NOT_FOUND
    );
    let other = page(
        &app,
        &tally.other_staff,
        "/c/tally/orgs/other-club/dashboard",
    )
    .await;
    assert_eq!(other.0, StatusCode::OK);
    assert_eq!(figure(&other.1, "total-awards"), "0");
    assert_eq!(
        page(&app, &tally.staff, "/c/tally/dashboard").await.0,
        StatusCode::FORBIDDEN
    );
    // Coordinators see every organization's.
    assert_eq!(
        page(&app, &tally.coordinator, &path).await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn only_the_citys_coordinators_see_its_dashboard() {
    let (app, world) = spawn_world().await;
    let coordinator = page(&app, &world.person("coordinator"), "/c/riverton/dashboard").await;
    assert_eq!(coordinator.0, StatusCode::OK);
    assert_eq!(
        page(&app, &world.person("youth"), "/c/riverton/dashboard")
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        page(&app, &world.other_coordinator, "/c/riverton/dashboard")
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        page(
            &app,
            &world.other_coordinator,
            "/c/riverton/orgs/library/dashboard"
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        page(
            &app,
            &world.person("youth"),
            "/c/riverton/orgs/library/dashboard"
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_rollups_kept_as_awards_come_and_go_equal_a_count_from_scratch() {
    let (app, _world) = spawn_world().await;
    let mut conn = app.db.get().unwrap();
    let conn: &mut DbConnection = &mut conn;
    let city = tenancy::store::find_by_slug(conn, "riverton")
        .unwrap()
        .unwrap()
        .id;
    let youth: Vec<i64> = city_members::table
        .filter(city_members::city_id.eq(city.0))
        .filter(city_members::role.eq("youth"))
        .select(city_members::user_id)
        .load(conn)
        .unwrap();
    let badges: Vec<(i64, i64)> = lanyard::db::schema::badges::table
        .filter(lanyard::db::schema::badges::city_id.eq(city.0))
        .select((
            lanyard::db::schema::badges::id,
            lanyard::db::schema::badges::org_id,
        ))
        .load(conn)
        .unwrap();
    set_season(conn, city, "2026-06-22", "2026-08-30");
    let mut rng = rand::rngs::StdRng::seed_from_u64(10);
    let mut held: Vec<String> = Vec::new();
    for step in 0..120 {
        if !held.is_empty() && rng.gen_bool(0.3) {
            let public_id = held.swap_remove(rng.gen_range(0..held.len()));
            award_store::revoke(conn, city, &public_id, "test", at("2026-08-20")).unwrap();
        } else {
            let (b, org) = badges[rng.gen_range(0..badges.len())];
            let y = youth[rng.gen_range(0..youth.len())];
            if award_store::has_badge(conn, BadgeId(b), UserId(y)).unwrap() {
                continue;
            }
            let day = NaiveDate::from_ymd_opt(2026, 6, 22).unwrap()
                + chrono::Duration::days(rng.gen_range(0..70));
            held.push(award(
                conn,
                city,
                OrgId(org),
                BadgeId(b),
                UserId(y),
                &day.to_string(),
            ));
        }
        if step == 60 {
            // A youth moves: their rows follow.
            diesel::update(users::table.find(youth[0]))
                .set(users::birth_date.eq(NaiveDate::from_ymd_opt(2012, 3, 4)))
                .execute(conn)
                .unwrap();
            rollups::youth_changed(conn, UserId(youth[0])).unwrap();
        }
        if step == 90 {
            // Another moves to a neighborhood of the city.
            let hood: i64 = neighborhoods::table
                .filter(neighborhoods::city_id.eq(city.0))
                .select(neighborhoods::id)
                .first(conn)
                .unwrap();
            diesel::update(users::table.find(youth[1]))
                .set(users::neighborhood_id.eq(hood))
                .execute(conn)
                .unwrap();
            rollups::youth_changed(conn, UserId(youth[1])).unwrap();
        }
    }
    let computed = rollups::computed(conn, city).unwrap();
    assert!(!computed.0.is_empty());
    assert_eq!(rollups::stored(conn, city).unwrap(), computed);
    // The members the registration counts read, kept by triggers, are the youth of now.
    let mut direct: Vec<(i64, Option<i64>, Option<NaiveDate>)> = city_members::table
        .inner_join(users::table.on(users::id.eq(city_members::user_id)))
        .filter(city_members::city_id.eq(city.0))
        .filter(city_members::role.eq("youth"))
        .select((users::id, users::neighborhood_id, users::birth_date))
        .load(conn)
        .unwrap();
    direct.sort();
    let mut kept: Vec<(i64, Option<i64>, Option<NaiveDate>)> = dash_members::table
        .filter(dash_members::city_id.eq(city.0))
        .select((
            dash_members::youth_id,
            dash_members::neighborhood_id,
            dash_members::birth_date,
        ))
        .load(conn)
        .unwrap();
    kept.sort();
    assert!(direct.len() > 3);
    assert_eq!(kept, direct);
    // And the youth who joined each day, by neighborhood, are those members counted.
    let mut by_day: std::collections::BTreeMap<(NaiveDate, i64), i64> = Default::default();
    for (joined, hood) in dash_members::table
        .filter(dash_members::city_id.eq(city.0))
        .select((dash_members::joined_at, dash_members::neighborhood_id))
        .load::<(NaiveDateTime, Option<i64>)>(conn)
        .unwrap()
    {
        *by_day
            .entry((joined.date(), hood.unwrap_or(0)))
            .or_default() += 1;
    }
    let days: std::collections::BTreeMap<(NaiveDate, i64), i64> = dash_member_days::table
        .filter(dash_member_days::city_id.eq(city.0))
        .filter(dash_member_days::youth.gt(0))
        .select((
            dash_member_days::joined_on,
            dash_member_days::neighborhood_id,
            dash_member_days::youth,
        ))
        .load::<(NaiveDate, i64, i64)>(conn)
        .unwrap()
        .into_iter()
        .map(|(day, hood, youth)| ((day, hood), youth))
        .collect();
    assert!(by_day.keys().any(|(_, hood)| *hood != 0));
    assert_eq!(days, by_day);
    let cells = season::computed(conn, city).unwrap();
    assert!(cells.0.iter().any(|c| c.whole && c.retained > 0));
    assert!(cells
        .1
        .iter()
        .any(|c| c.pathway_awards == 0 && c.awards > 1));
    assert_eq!(season::stored(conn, city).unwrap(), cells);
    let version = rollups::version(conn, city).unwrap();
    rollups::rebuild(conn, city).unwrap();
    assert_eq!(rollups::stored(conn, city).unwrap(), computed);
    assert_eq!(season::stored(conn, city).unwrap(), cells);
    assert!(rollups::version(conn, city).unwrap() > version);
}

/// Sets `city`'s season, as the settings page does: its cells are counted again.
fn set_season(conn: &mut DbConnection, city: CityId, from: &str, to: &str) {
    diesel::update(cities::table.find(city.0))
        .set((
            cities::season_starts_on.eq(NaiveDate::parse_from_str(from, "%Y-%m-%d").ok()),
            cities::season_ends_on.eq(NaiveDate::parse_from_str(to, "%Y-%m-%d").ok()),
        ))
        .execute(conn)
        .unwrap();
    season::season_changed(conn, city).unwrap();
}

/// Every table of the page, row by row, and its headline figures.
fn every_table(html: &str) -> Vec<Vec<String>> {
    let doc = Html::parse_document(html);
    let rows =
        Selector::parse("table tr, #total-youth, #active-youth, #total-awards, #retained, #codes")
            .unwrap();
    let cells = Selector::parse("th, td").unwrap();
    doc.select(&rows)
        .map(|r| {
            let inside: Vec<String> = r
                .select(&cells)
                .map(|c| c.text().collect::<String>().trim().to_string())
                .collect();
            if inside.is_empty() {
                vec![r.text().collect::<String>().trim().to_string()]
            } else {
                inside
            }
        })
        .collect()
}

#[tokio::test]
async fn the_views_the_seasons_cells_answer_equal_the_same_views_counted_from_the_rollups() {
    let app = spawn_app().await;
    let tally = seed_tally(&app);
    let views = [
        format!("/c/tally/dashboard?{RANGE}"),
        format!("/c/tally/dashboard?{RANGE}&neighborhood=north"),
        format!("/c/tally/dashboard?{RANGE}&neighborhood=south&age=13-15"),
        format!("/c/tally/dashboard?{RANGE}&age=9-12"),
        format!("/c/tally/dashboard?{RANGE}&category=arts"),
        format!("/c/tally/dashboard?{RANGE}&category=none&org=arts-club"),
        "/c/tally/dashboard?from=2026-06-29&to=2026-06-29".to_string(),
        "/c/tally/dashboard?from=2026-06-29&to=2026-06-29&neighborhood=south".to_string(),
        "/c/tally/dashboard?from=2026-07-06&to=2026-07-06&org=arts-club".to_string(),
    ];
    let mut counted = Vec::new();
    for view in &views {
        let (status, html) = page(&app, &tally.coordinator, view).await;
        assert_eq!(status, StatusCode::OK, "{view}");
        counted.push(every_table(&html));
    }
    let (_, org_view) = page(
        &app,
        &tally.staff,
        &format!("/c/tally/orgs/arts-club/dashboard?{RANGE}"),
    )
    .await;
    {
        let mut conn = app.db.get().unwrap();
        set_season(&mut conn, tally.city, "2026-06-22", "2026-07-12");
        let cells = season::stored(&mut conn, tally.city).unwrap();
        assert!(!cells.0.is_empty() && !cells.1.is_empty());
    }
    for (view, before) in views.iter().zip(&counted) {
        let (status, html) = page(&app, &tally.coordinator, view).await;
        assert_eq!(status, StatusCode::OK, "{view}");
        assert_eq!(&every_table(&html), before, "{view}");
    }
    let (_, from_cells) = page(
        &app,
        &tally.staff,
        &format!("/c/tally/orgs/arts-club/dashboard?{RANGE}"),
    )
    .await;
    assert_eq!(every_table(&from_cells), every_table(&org_view));
    // A revocation after the season was set leaves the cells as a count from scratch.
    let mut conn = app.db.get().unwrap();
    assert!(award_store::revoke(
        &mut conn,
        tally.city,
        &tally.z_award,
        "test",
        at("2026-07-13")
    )
    .unwrap());
    let computed = season::computed(&mut conn, tally.city).unwrap();
    assert_eq!(season::stored(&mut conn, tally.city).unwrap(), computed);
    let (_, html) = page(&app, &tally.coordinator, &views[0]).await;
    assert_eq!(figure(&html, "total-awards"), "16");
}

#[tokio::test]
async fn with_redis_the_figures_are_cached_and_a_revocation_shows_at_once() {
    let mut settings = crate::helpers::test_settings();
    settings.redis.url =
        std::env::var("LANYARD_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    settings.redis.prefix = format!("lanyard-test-{}", uuid::Uuid::new_v4().simple());
    let prefix = settings.redis.prefix.clone();
    let redis_url = settings.redis.url.clone();
    let app = crate::helpers::spawn_app_with(settings).await;
    let tally = seed_tally(&app);
    let client = app.signed_in(&tally.coordinator).await;
    let path = format!("/c/tally/dashboard?{RANGE}");
    let before = app.get(&client, &path).await.text().await.unwrap();
    assert_eq!(figure(&before, "total-awards"), "17");
    let mut redis = redis::Client::open(redis_url)
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}:dash:*"))
        .query_async(&mut redis)
        .await
        .unwrap();
    assert_eq!(keys.len(), 1, "the figures are cached");
    {
        let mut conn = app.db.get().unwrap();
        let conn: &mut DbConnection = &mut conn;
        assert!(
            award_store::revoke(conn, tally.city, &tally.z_award, "test", at("2026-07-09"))
                .unwrap()
        );
    }
    let after = app.get(&client, &path).await.text().await.unwrap();
    assert_eq!(figure(&after, "total-awards"), "16");
    assert_eq!(figure(&after, "retained"), "0");
}

#[tokio::test]
async fn every_run_of_the_seasons_weeks_read_from_the_cells_equals_a_count_from_the_rollups() {
    use lanyard::dashboard::filter::{AgeBand, DashFilter, NeighborhoodPick};
    use lanyard::dashboard::{store, Scope};
    use lanyard::db::schema::dash_seasons;

    let app = spawn_app().await;
    let tally = seed_tally(&app);
    let mut conn = app.db.get().unwrap();
    let conn: &mut DbConnection = &mut conn;
    let city = tally.city;
    set_season(conn, city, "2026-06-22", "2026-08-30");
    let org = orgs::store::find_by_slug(conn, city, "arts-club")
        .unwrap()
        .unwrap();
    let mut badges = vec![badge(conn, city, org.id, "more-0", None)];
    for i in 1..6 {
        badges.push(badge(conn, city, org.id, &format!("more-{i}"), None));
    }
    let youth: Vec<i64> = city_members::table
        .filter(city_members::city_id.eq(city.0))
        .filter(city_members::role.eq("youth"))
        .select(city_members::user_id)
        .load(conn)
        .unwrap();
    // Awards come and go over the ten weeks, and a youth moves, with the cells kept.
    let first = NaiveDate::from_ymd_opt(2026, 6, 22).unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(26);
    let mut held: Vec<String> = Vec::new();
    for step in 0..160 {
        if !held.is_empty() && rng.gen_bool(0.2) {
            let public_id = held.swap_remove(rng.gen_range(0..held.len()));
            award_store::revoke(conn, city, &public_id, "test", at("2026-08-31")).unwrap();
        } else {
            let b = badges[rng.gen_range(0..badges.len())];
            let y = youth[rng.gen_range(0..youth.len())];
            if award_store::has_badge(conn, b, UserId(y)).unwrap() {
                continue;
            }
            let day = first + chrono::Duration::days(rng.gen_range(0..70));
            held.push(award(conn, city, org.id, b, UserId(y), &day.to_string()));
        }
        if step == 80 {
            diesel::update(users::table.find(youth[0]))
                .set(users::birth_date.eq(NaiveDate::from_ymd_opt(2009, 3, 4)))
                .execute(conn)
                .unwrap();
            rollups::youth_changed(conn, UserId(youth[0])).unwrap();
        }
    }
    assert_eq!(
        season::stored(conn, city).unwrap(),
        season::computed(conn, city).unwrap()
    );

    let options = store::options(conn, city).unwrap();
    let north = options
        .neighborhoods
        .iter()
        .find(|n| n.slug == "north")
        .unwrap();
    let arts = options
        .categories
        .iter()
        .find(|c| c.slug == "arts")
        .unwrap();
    let picked_org = options.orgs.iter().find(|o| o.slug == "arts-club").unwrap();
    let org_scope = Scope::Org {
        id: org.id.0,
        slug: "arts-club".into(),
        name: org.name.clone(),
    };
    let mut views = Vec::new();
    for a in 0..10 {
        for b in a..10 {
            let plain = DashFilter {
                first_week: first + chrono::Duration::weeks(a),
                last_week: first + chrono::Duration::weeks(b),
                org: None,
                category: None,
                neighborhood: None,
                age: None,
                age_on: first,
            };
            let north = DashFilter {
                neighborhood: Some(NeighborhoodPick::Of {
                    id: north.id,
                    slug: north.slug.clone(),
                    name: north.name.clone(),
                }),
                ..plain.clone()
            };
            let unnamed = DashFilter {
                neighborhood: Some(NeighborhoodPick::NotGiven),
                ..plain.clone()
            };
            let teens = DashFilter {
                age: Some(AgeBand::From13To15),
                ..plain.clone()
            };
            let arts = DashFilter {
                category: Some(arts.clone()),
                ..plain.clone()
            };
            let by_org = DashFilter {
                org: Some(picked_org.clone()),
                age: Some(AgeBand::From9To12),
                ..plain.clone()
            };
            for f in [plain.clone(), north, unnamed, teens, arts, by_org] {
                views.push((Scope::City, f));
            }
            views.push((org_scope.clone(), plain));
        }
    }
    let figures = |conn: &mut DbConnection| -> Vec<lanyard::dashboard::Figures> {
        views
            .iter()
            .map(|(scope, f)| store::figures(conn, city, scope, f, &options).unwrap())
            .collect()
    };
    let run = season::at(
        conn,
        city,
        first + chrono::Duration::weeks(2),
        first + chrono::Duration::weeks(6),
    );
    assert!(run.unwrap().is_some_and(|at| !at.whole()));
    let from_cells = figures(conn);
    // A run of weeks, not the whole season, in which youth were active three weeks or more.
    assert!(views.iter().zip(&from_cells).any(|((_, f), figures)| {
        figures.retained > 0
            && (f.first_week, f.last_week) != (first, first + chrono::Duration::weeks(9))
    }));
    // Without the cells, every view is counted from the rollups.
    diesel::delete(dash_seasons::table.filter(dash_seasons::city_id.eq(city.0)))
        .execute(conn)
        .unwrap();
    assert_eq!(season::at(conn, city, first, first).unwrap(), None);
    let counted = figures(conn);
    for (((_, f), cells), counted) in views.iter().zip(&from_cells).zip(&counted) {
        assert_eq!(cells, counted, "{f:?}");
    }
}
