//! `lanyard demo --scale city`'s generator, at a tiny scale: it makes what it was asked for,
//! all of it inside the city and its season, the dashboard's rollups agree with the awards, and
//! a generated award is a page and a credential like any other.

use diesel::prelude::*;
use lanyard::dashboard::rollups;
use lanyard::db::schema::{activities, awards, badges, city_members, organizations, users};
use lanyard::demo::city::{self, CityScale};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{location, spawn_app, Person, TestApp};

/// The small demo, grown by the tiny city from `seed`; with the highest award id before.
async fn grown(seed: u64) -> (TestApp, city::CityReport, i64) {
    let app = spawn_app().await;
    lanyard::demo::seed(&app.db).unwrap();
    let mut conn = app.db.get().unwrap();
    let riverton = lanyard::tenancy::store::find_by_slug(&mut conn, "riverton")
        .unwrap()
        .unwrap();
    let before: Option<i64> = awards::table
        .select(diesel::dsl::max(awards::id))
        .first(&mut *conn)
        .unwrap();
    let bar = indicatif::ProgressBar::hidden();
    let report = city::generate(&mut conn, riverton.id, &CityScale::TINY, seed, &bar).unwrap();
    drop(conn);
    (app, report, before.unwrap_or(0))
}

#[tokio::test]
async fn the_generated_city_has_what_was_asked_all_inside_riverton_and_its_season() {
    let (app, report, before) = grown(7).await;
    let tiny = CityScale::TINY;
    assert_eq!(
        (
            report.youth,
            report.organizations,
            report.activities,
            report.badges
        ),
        (tiny.youth, tiny.orgs, tiny.activities, tiny.activities)
    );
    assert_eq!(report.awards, tiny.awards);
    assert!(report.revoked > 0 && report.revoked < tiny.awards / 10);
    assert_eq!(
        (report.season.ends_on - report.season.starts_on).num_days(),
        69
    );
    let today = chrono::Utc::now().date_naive();
    assert!(report.season.ends_on < today);

    let mut conn = app.db.get().unwrap();
    let conn = &mut *conn;
    let riverton = lanyard::tenancy::store::find_by_slug(conn, "riverton")
        .unwrap()
        .unwrap();
    assert_eq!(
        (riverton.season_starts_on, riverton.season_ends_on),
        (Some(report.season.starts_on), Some(report.season.ends_on))
    );
    // The small demo's four youth, and the generated ones.
    let youth: i64 = city_members::table
        .filter(city_members::city_id.eq(riverton.id.0))
        .filter(city_members::role.eq("youth"))
        .count()
        .get_result(conn)
        .unwrap();
    assert_eq!(youth, 4 + tiny.youth as i64);
    let published: i64 = activities::table
        .filter(activities::city_id.eq(riverton.id.0))
        .filter(activities::status.eq("published"))
        .filter(activities::search_text.ne(""))
        .count()
        .get_result(conn)
        .unwrap();
    assert!(published >= tiny.activities as i64);

    // Every generated award: its badge, organization and youth are Riverton's, it is inside
    // the season, and no youth holds a badge twice; the small demo's are still there.
    let first = report.season.starts_on.and_hms_opt(0, 0, 0).unwrap();
    let after = (report.season.ends_on + chrono::Duration::days(1))
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let generated = awards::table
        .inner_join(badges::table)
        .inner_join(organizations::table)
        .inner_join(users::table)
        .inner_join(city_members::table.on(city_members::user_id.eq(awards::recipient_id)))
        .filter(awards::id.gt(before));
    let rows: Vec<(i64, i64, i64, i64, i64)> = generated
        .select((
            badges::city_id,
            organizations::city_id,
            city_members::city_id,
            awards::badge_id,
            awards::recipient_id,
        ))
        .load(conn)
        .unwrap();
    let in_season = awards::table
        .filter(awards::id.gt(before))
        .filter(awards::city_id.eq(riverton.id.0))
        .filter(awards::awarded_at.ge(first))
        .filter(awards::awarded_at.lt(after))
        .count()
        .get_result::<i64>(conn)
        .unwrap();
    assert_eq!(rows.len(), tiny.awards);
    assert_eq!(in_season as usize, tiny.awards);
    let mut pairs = std::collections::HashSet::new();
    for (badge_city, org_city, member_city, badge, youth) in &rows {
        assert_eq!(
            (*badge_city, *org_city, *member_city),
            (riverton.id.0, riverton.id.0, riverton.id.0)
        );
        assert!(
            pairs.insert((*badge, *youth)),
            "a youth holds a badge twice"
        );
    }
    let methods: Vec<String> = generated
        .select(awards::method)
        .distinct()
        .load(conn)
        .unwrap();
    for method in ["claim_code", "review", "api"] {
        assert!(
            methods.iter().any(|m| m == method),
            "{method} in {methods:?}"
        );
    }

    let misplaced: i64 = awards::table
        .inner_join(badges::table)
        .filter(awards::id.gt(before))
        .filter(awards::org_id.ne(badges::org_id))
        .count()
        .get_result(conn)
        .unwrap();
    assert_eq!(misplaced, 0, "an award's organization is its badge's");

    // The dashboard's rollups hold the same as the awards.
    assert_eq!(
        rollups::stored(conn, riverton.id).unwrap(),
        rollups::computed(conn, riverton.id).unwrap()
    );

    // The city goes on as any: a new youth, and an award after the generated ones (the ids
    // and each organization's next status position follow what was loaded).
    let newcomer =
        lanyard::demo::add_youth(conn, riverton.id, &["newcomer".into()], "x", None).unwrap()[0];
    let (badge, org): (i64, i64) = awards::table
        .filter(awards::id.gt(before))
        .order(awards::id.desc())
        .select((awards::badge_id, awards::org_id))
        .first(conn)
        .unwrap();
    let award = lanyard::awards::store::NewAward {
        city: riverton.id,
        org: lanyard::ids::OrgId(org),
        badge: lanyard::ids::BadgeId(badge),
        recipient: newcomer,
        method: lanyard::awards::AwardMethod::Api,
        claim_code: None,
        evidence: None,
    };
    lanyard::awards::store::insert(conn, &award, chrono::Utc::now().naive_utc()).unwrap();
}

#[tokio::test]
async fn the_same_seed_makes_the_same_city() {
    let (first, a, before_first) = grown(3).await;
    let (second, b, before_second) = grown(3).await;
    assert_eq!(before_first, before_second);
    let awards_of = |app: &TestApp| -> Vec<(String, String, chrono::NaiveDateTime)> {
        let mut conn = app.db.get().unwrap();
        awards::table
            .inner_join(users::table)
            .filter(awards::id.gt(before_first))
            .order(awards::id)
            .select((awards::public_id, users::username, awards::awarded_at))
            .load(&mut *conn)
            .unwrap()
    };
    assert_eq!(a.sample_awards, b.sample_awards);
    let (made_first, made_second) = (awards_of(&first), awards_of(&second));
    assert_eq!(made_first.len(), CityScale::TINY.awards);
    assert!(made_first == made_second, "the same seed made other awards");
}

#[tokio::test]
async fn a_generated_award_has_a_page_and_a_credential_that_verifies() {
    let (app, report, _) = grown(11).await;
    let revoked = &report.sample_awards[0];
    let held = &report.sample_awards[1];
    let page = app
        .get(&app.client(), &format!("/c/riverton/awards/{held}"))
        .await;
    assert_eq!(page.status(), StatusCode::OK);

    for (award, verdict) in [(held, "valid"), (revoked, "revoked")] {
        let credential = app
            .credential_at(&app.url(&format!("/c/riverton/awards/{award}")))
            .await;
        assert!(credential["proof"].is_object() || credential["proof"].is_array());
        let report: Value = app
            .client()
            .post(app.url("/api/v1/verify"))
            .json(&json!({ "credential": credential }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(report["verdict"], verdict, "{award}: {report}");
    }

    // A generated youth signs in with the password the report gives.
    let client = app
        .signed_in(&Person {
            username: report.sample_youth[0].clone(),
            password: report.youth_password.clone(),
        })
        .await;
    let me = app.get(&client, "/me").await;
    let home = location(&me);
    assert!(home.starts_with("/c/riverton"), "{home}");
    assert_eq!(app.get(&client, &home).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_big_citys_home_shows_its_most_awarded_badges_and_says_how_many_there_are() {
    let (app, _, _) = grown(12).await;
    let mut conn = app.db.get().unwrap();
    let city = lanyard::tenancy::store::find_by_slug(&mut conn, "riverton")
        .unwrap()
        .unwrap()
        .id;
    let total: i64 = badges::table
        .filter(badges::city_id.eq(city.0))
        .count()
        .get_result(&mut *conn)
        .unwrap();
    let counts: Vec<(i64, i64)> = awards::table
        .filter(awards::city_id.eq(city.0))
        .filter(awards::revoked_at.is_null())
        .group_by(awards::badge_id)
        .select((awards::badge_id, diesel::dsl::count_star()))
        .load(&mut *conn)
        .unwrap();
    let (top, _) = counts
        .iter()
        .copied()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .unwrap();
    let top_slug: String = badges::table
        .find(top)
        .select(badges::slug)
        .first(&mut *conn)
        .unwrap();
    drop(conn);
    assert!(total > 12);
    let page = app.get(&app.client(), "/c/riverton").await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    let doc = scraper::Html::parse_document(&html);
    let cards = scraper::Selector::parse(".badge-grid a[href*='/badges/']").unwrap();
    let shown: Vec<String> = doc
        .select(&cards)
        .filter_map(|a| a.value().attr("href").map(str::to_string))
        .collect();
    let mut distinct = shown.clone();
    distinct.dedup();
    assert_eq!(distinct.len(), 12, "{shown:?}");
    assert!(
        distinct[0].ends_with(&format!("/badges/{top_slug}")),
        "{shown:?}"
    );
    let more = scraper::Selector::parse("#more-badges").unwrap();
    let said: String = doc
        .select(&more)
        .map(|p| p.text().collect::<String>())
        .collect();
    assert!(said.contains(&format!(" {total} badges")), "{said}");
    // The city's own issuer gives the city's badges but is no partner of it.
    assert!(html.contains("href=\"/c/riverton/o/library\""));
    assert!(!html.contains("href=\"/c/riverton/o/riverton\""));
}
