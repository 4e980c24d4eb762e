//! The catalog: full-text search, filters, pages and sort on a known small set, on whichever
//! backend the tests run on; bad parameters answered with a message, never a 500.

use chrono::{NaiveDate, Utc};
use diesel::prelude::*;
use lanyard::activities::search::refresh_index;
use lanyard::auth::store::{self as auth_store, NewUser};
use lanyard::auth::{AccountKind, AccountStatus};
use lanyard::catalog::store::{self, SeedActivity};
use lanyard::db::schema::organizations;
use lanyard::ids::{CityId, OrgId};
use lanyard::tenancy::store::NameList;
use lanyard::{orgs, tenancy};
use reqwest::StatusCode;
use scraper::{Html, Selector};

use crate::helpers::{spawn_app, TestApp};

fn d(m: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(2027, m, day)
}

/// One activity of the known set.
struct Known {
    title: &'static str,
    description: &'static str,
    spanish: Option<(&'static str, &'static str)>,
    category: Option<&'static str>,
    neighborhood: Option<&'static str>,
    ages: (Option<i32>, Option<i32>),
    dates: (Option<NaiveDate>, Option<NaiveDate>),
    online: bool,
    cost_cents: i32,
    status: &'static str,
}

impl Default for Known {
    fn default() -> Self {
        Known {
            title: "",
            description: "",
            spanish: None,
            category: None,
            neighborhood: None,
            ages: (None, None),
            dates: (None, None),
            online: false,
            cost_cents: 0,
            status: "published",
        }
    }
}

struct Ids {
    categories: Vec<(&'static str, i64)>,
    neighborhoods: Vec<(&'static str, i64)>,
}

fn add(conn: &mut lanyard::db::DbConnection, city: CityId, org: OrgId, ids: &Ids, k: Known) {
    let find = |list: &[(&'static str, i64)], slug: Option<&str>| {
        slug.map(|s| list.iter().find(|(n, _)| *n == s).unwrap().1)
    };
    let now = Utc::now().naive_utc();
    let id = store::insert_activity(
        conn,
        city,
        &SeedActivity {
            org,
            title: k.title,
            description: k.description,
            location: "",
            category: find(&ids.categories, k.category),
            neighborhood: find(&ids.neighborhoods, k.neighborhood),
            age_min: k.ages.0,
            age_max: k.ages.1,
            starts_on: k.dates.0,
            ends_on: k.dates.1,
            weekdays: 0,
            time_from: "",
            time_to: "",
            online: k.online,
            cost_cents: k.cost_cents,
            status: k.status,
        },
        now,
    )
    .unwrap();
    if let Some((title, description)) = k.spanish {
        store::insert_translation(conn, id, "es", title, description).unwrap();
    }
    refresh_index(conn, id).unwrap();
}

fn org_in(conn: &mut lanyard::db::DbConnection, city: CityId, slug: &str, status: &str) -> OrgId {
    let now = Utc::now().naive_utc();
    let admin = auth_store::insert_user(
        conn,
        &NewUser {
            username: &format!("{slug}-admin"),
            email: None,
            display_name: slug,
            password_hash: "x",
            kind: AccountKind::Staff,
            birth_date: None,
            status: AccountStatus::Active,
            is_operator: false,
            locale: None,
        },
        now,
    )
    .unwrap();
    let org = orgs::store::insert_with_admin(
        conn,
        city,
        &orgs::store::NewOrg {
            slug,
            name: slug,
            description: "",
            website: "",
        },
        admin,
        now,
    )
    .unwrap();
    diesel::update(organizations::table.filter(organizations::id.eq(org.0)))
        .set(organizations::status.eq(status))
        .execute(conn)
        .unwrap();
    org
}

/// Testville: four activities to find, 45 story hours to page through, and what must never be
/// listed (a draft, an archived one, a pending organization's, another city's).
async fn spawn_catalog() -> TestApp {
    let app = spawn_app().await;
    let mut conn = app.db.get().unwrap();
    let conn = &mut *conn;
    let now = Utc::now().naive_utc();
    let city = tenancy::store::insert(conn, "testville", "Testville", "", now).unwrap();
    let other = tenancy::store::insert(conn, "otherton", "Otherton", "", now).unwrap();
    let mut ids = Ids {
        categories: vec![],
        neighborhoods: vec![],
    };
    let categories = ["stem", "arts", "music", "reading"];
    let wanted: Vec<(String, String)> = categories
        .iter()
        .map(|slug| (slug.to_string(), slug.to_uppercase()))
        .collect();
    tenancy::store::replace_names(conn, city, NameList::Categories, &wanted).unwrap();
    for named in tenancy::store::named_list(conn, city, NameList::Categories).unwrap() {
        let slug = categories.into_iter().find(|s| *s == named.slug).unwrap();
        ids.categories.push((slug, named.id));
    }
    let neighborhoods = ["north", "south"];
    let wanted: Vec<(String, String)> = neighborhoods
        .iter()
        .map(|slug| (slug.to_string(), format!("{slug} side")))
        .collect();
    tenancy::store::replace_names(conn, city, NameList::Neighborhoods, &wanted).unwrap();
    for named in tenancy::store::named_list(conn, city, NameList::Neighborhoods).unwrap() {
        let slug = neighborhoods
            .into_iter()
            .find(|s| *s == named.slug)
            .unwrap();
        ids.neighborhoods.push((slug, named.id));
    }
    let org = org_in(conn, city, "makers", "approved");
    let pending = org_in(conn, city, "newcomers", "pending");
    let elsewhere = org_in(conn, other, "far-away", "approved");
    add(
        conn,
        city,
        org,
        &ids,
        Known {
            title: "Robotics Club",
            description: "Build robots, then program your robots to race other robots.",
            spanish: Some(("Club de robótica", "Construye robots y prográmalos.")),
            category: Some("stem"),
            neighborhood: Some("north"),
            ages: (Some(10), Some(14)),
            dates: (d(7, 1), d(7, 28)),
            ..Known::default()
        },
    );
    add(
        conn,
        city,
        org,
        &ids,
        Known {
            title: "Música en el Parque",
            description: "Canciones para niños y niñas, al aire libre.",
            category: Some("music"),
            neighborhood: Some("south"),
            ages: (Some(5), Some(8)),
            dates: (d(7, 10), d(7, 10)),
            cost_cents: 1500,
            ..Known::default()
        },
    );
    add(
        conn,
        city,
        org,
        &ids,
        Known {
            title: "Online Coding",
            description: "Write small programs from home with a mentor on video.",
            category: Some("stem"),
            ages: (Some(12), None),
            dates: (d(8, 1), d(8, 15)),
            online: true,
            ..Known::default()
        },
    );
    add(
        conn,
        city,
        org,
        &ids,
        Known {
            title: "Painting Robots",
            description: "Paint with brushes, sponges and rollers on big sheets of paper and \
                      canvas, then hang the pictures in the hall for families to see.",
            category: Some("arts"),
            neighborhood: Some("north"),
            dates: (d(6, 20), d(6, 30)),
            cost_cents: 2500,
            ..Known::default()
        },
    );
    for (title, status) in [
        ("Secret Robot Draft", "draft"),
        ("Old Robot Camp", "archived"),
    ] {
        add(
            conn,
            city,
            org,
            &ids,
            Known {
                title,
                description: "Robots.",
                category: Some("stem"),
                status,
                ..Known::default()
            },
        );
    }
    add(
        conn,
        city,
        pending,
        &ids,
        Known {
            title: "Pending Robot Fair",
            description: "Robots.",
            ..Known::default()
        },
    );
    add(
        conn,
        other,
        elsewhere,
        &ids,
        Known {
            title: "Otherton Robot Race",
            description: "Robots.",
            ..Known::default()
        },
    );
    for n in 1..=45 {
        let title: &'static str = Box::leak(format!("Story Hour {n:02}").into_boxed_str());
        add(
            conn,
            city,
            org,
            &ids,
            Known {
                title,
                description: "Stories read aloud.",
                category: Some("reading"),
                ages: (Some(3), Some(5)),
                dates: (d(9, 1 + (n % 28)), d(9, 1 + (n % 28))),
                cost_cents: 500,
                ..Known::default()
            },
        );
    }
    app
}

struct Seen {
    status: StatusCode,
    html: Html,
}

impl Seen {
    fn all(&self, selector: &str) -> Vec<String> {
        let selector = Selector::parse(selector).unwrap();
        self.html
            .select(&selector)
            .map(|e| e.text().collect::<String>().trim().to_string())
            .collect()
    }

    fn titles(&self) -> Vec<String> {
        self.all(".result .result-title a")
    }

    fn first(&self, selector: &str) -> Option<String> {
        self.all(selector).into_iter().next()
    }

    fn attr(&self, selector: &str, name: &str) -> Vec<String> {
        let selector = Selector::parse(selector).unwrap();
        self.html
            .select(&selector)
            .filter_map(|e| e.value().attr(name).map(str::to_string))
            .collect()
    }
}

async fn visit_in(app: &TestApp, query: &str, language: &str) -> Seen {
    let response = app
        .client()
        .get(app.url(&format!("/c/testville/activities{query}")))
        .header("Accept-Language", language)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let html = Html::parse_document(&response.text().await.unwrap());
    Seen { status, html }
}

async fn visit(app: &TestApp, query: &str) -> Seen {
    visit_in(app, query, "en").await
}

fn sorted(mut titles: Vec<String>) -> Vec<String> {
    titles.sort();
    titles
}

#[tokio::test]
async fn search_ignores_case_and_accents_and_reads_spanish_words() {
    let app = spawn_catalog().await;
    for q in ["MUSICA", "música", "Musica parque"] {
        let seen = visit(&app, &format!("?q={q}")).await;
        assert_eq!(seen.titles(), vec!["Música en el Parque"], "{q}");
    }
    let seen = visit(&app, "?q=ni%C3%B1os").await;
    assert_eq!(seen.titles(), vec!["Música en el Parque"]);
    // Found through its Spanish translation.
    let seen = visit(&app, "?q=robotica").await;
    assert_eq!(seen.titles(), vec!["Robotics Club"]);
}

#[tokio::test]
async fn a_word_finds_longer_words_it_begins_and_every_word_must_match() {
    let app = spawn_catalog().await;
    let seen = visit(&app, "?q=robot").await;
    assert_eq!(
        sorted(seen.titles()),
        vec!["Painting Robots", "Robotics Club"],
        "drafts, archived, a pending organization's and another city's are never listed"
    );
    assert_eq!(seen.first("#result-count").unwrap(), "2 activities");
    let seen = visit(&app, "?q=robot+paint").await;
    assert_eq!(seen.titles(), vec!["Painting Robots"]);
    let seen = visit(&app, "?q=robot+zebra").await;
    assert!(seen.titles().is_empty());
}

#[tokio::test]
async fn a_search_is_ranked_by_relevance_unless_sorted_by_date() {
    let app = spawn_catalog().await;
    let seen = visit(&app, "?q=robot").await;
    assert_eq!(seen.titles(), vec!["Robotics Club", "Painting Robots"]);
    let seen = visit(&app, "?q=robot&sort=date").await;
    assert_eq!(seen.titles(), vec!["Painting Robots", "Robotics Club"]);
    let seen = visit(&app, "?q=robot&sort=relevance").await;
    assert_eq!(seen.titles(), vec!["Robotics Club", "Painting Robots"]);
}

#[tokio::test]
async fn without_a_search_the_soonest_come_first() {
    let app = spawn_catalog().await;
    let seen = visit(&app, "").await;
    let titles = seen.titles();
    assert_eq!(
        titles[..4],
        [
            "Painting Robots",
            "Robotics Club",
            "Música en el Parque",
            "Online Coding"
        ]
    );
    assert!(titles[4].starts_with("Story Hour"));
}

#[tokio::test]
async fn each_filter_alone_narrows_the_list() {
    let app = spawn_catalog().await;
    let cases: [(&str, Vec<&str>); 6] = [
        ("?category=music", vec!["Música en el Parque"]),
        (
            "?neighborhood=north",
            vec!["Painting Robots", "Robotics Club"],
        ),
        ("?age=6", vec!["Música en el Parque", "Painting Robots"]),
        ("?free=1", vec!["Online Coding", "Robotics Club"]),
        ("?online=1", vec!["Online Coding"]),
        (
            "?org=makers&category=stem",
            vec!["Online Coding", "Robotics Club"],
        ),
    ];
    for (query, expected) in cases {
        let seen = visit(&app, query).await;
        assert_eq!(seen.status, StatusCode::OK, "{query}");
        assert_eq!(sorted(seen.titles()), expected, "{query}");
    }
}

#[tokio::test]
async fn dates_match_activities_that_overlap_the_range_including_its_ends() {
    let app = spawn_catalog().await;
    let seen = visit(&app, "?from=2027-07-05&to=2027-07-12").await;
    assert_eq!(
        sorted(seen.titles()),
        vec!["Música en el Parque", "Robotics Club"]
    );
    // Painting Robots ends on June 30, Robotics Club starts on July 1.
    let seen = visit(&app, "?from=2027-06-30&to=2027-07-01").await;
    assert_eq!(
        sorted(seen.titles()),
        vec!["Painting Robots", "Robotics Club"]
    );
    let seen = visit(&app, "?from=2027-08-10").await;
    assert_eq!(seen.titles()[0], "Online Coding");
    assert!(!seen.titles().contains(&"Robotics Club".to_string()));
    let seen = visit(&app, "?to=2027-06-25").await;
    assert_eq!(seen.titles(), vec!["Painting Robots"]);
}

#[tokio::test]
async fn filters_combine_and_each_shows_as_a_chip_that_removes_it() {
    let app = spawn_catalog().await;
    let seen = visit(&app, "?category=stem&free=1&age=13").await;
    assert_eq!(
        sorted(seen.titles()),
        vec!["Online Coding", "Robotics Club"]
    );
    let seen = visit(&app, "?category=stem&free=1&age=13&neighborhood=north").await;
    assert_eq!(seen.titles(), vec!["Robotics Club"]);
    let seen = visit(&app, "?q=robot&category=arts").await;
    assert_eq!(seen.titles(), vec!["Painting Robots"]);
    let chips = seen.all(".chip span");
    assert_eq!(chips, vec!["“robot”", "ARTS"]);
    let removes = seen.attr(".chip a", "href");
    assert_eq!(
        removes,
        vec![
            "/c/testville/activities?category=arts",
            "/c/testville/activities?q=robot"
        ]
    );
    assert_eq!(
        seen.attr("a.clear-all", "href"),
        vec!["/c/testville/activities"]
    );
    // The form shows what is applied.
    assert_eq!(seen.attr("#f-q", "value"), vec!["robot"]);
    assert_eq!(
        seen.attr("#f-category option[selected]", "value"),
        vec!["arts"]
    );
}

#[tokio::test]
async fn pages_hold_twenty_and_say_where_you_are() {
    let app = spawn_catalog().await;
    let first = visit(&app, "").await;
    assert_eq!(first.titles().len(), 20);
    assert_eq!(first.first("#result-count").unwrap(), "49 activities");
    assert_eq!(first.first(".page-of").unwrap(), "Page 1 of 3");
    assert!(first.attr("a[rel=prev]", "href").is_empty());
    assert_eq!(
        first.attr("a[rel=next]", "href"),
        vec!["/c/testville/activities?page=2"]
    );
    let last = visit(&app, "?page=3").await;
    assert_eq!(last.titles().len(), 9);
    assert_eq!(last.first(".page-of").unwrap(), "Page 3 of 3");
    assert!(last.attr("a[rel=next]", "href").is_empty());
    assert_eq!(
        last.attr("a[rel=prev]", "href"),
        vec!["/c/testville/activities?page=2"]
    );
    let mut everything: Vec<String> = Vec::new();
    for page in 1..=3 {
        everything.extend(visit(&app, &format!("?page={page}")).await.titles());
    }
    let mut unique = everything.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 49, "no activity on two pages, none left out");
    let filtered = visit(&app, "?category=reading&page=2").await;
    assert_eq!(filtered.titles().len(), 20);
    assert_eq!(
        filtered.attr("a[rel=next]", "href"),
        vec!["/c/testville/activities?category=reading&page=3"]
    );
}

#[tokio::test]
async fn a_page_past_the_end_shows_the_last_with_a_message() {
    let app = spawn_catalog().await;
    let seen = visit(&app, "?page=9").await;
    assert_eq!(seen.status, StatusCode::OK);
    assert_eq!(seen.first(".page-of").unwrap(), "Page 3 of 3");
    assert_eq!(
        seen.all(".problems li"),
        vec!["There are only 3 pages, so here is the last one."]
    );
}

#[tokio::test]
async fn bad_parameters_are_named_and_ignored_never_a_server_error() {
    let app = spawn_catalog().await;
    let seen = visit(
        &app,
        "?category=nope&age=-3&from=2027-13-45&page=0&sort=sideways",
    )
    .await;
    assert_eq!(seen.status, StatusCode::OK);
    assert_eq!(
        seen.all(".problems li"),
        vec![
            "We don't know that category.",
            "Age must be a whole number from 0 to 99.",
            "The start date must be a date like 2027-07-15.",
            "We didn't understand that order, so we used the usual one.",
            "Pages start at 1, so here is page 1.",
        ]
    );
    assert_eq!(seen.titles().len(), 20, "the rest of the search still runs");
    assert!(seen.all(".chip").is_empty());
    for query in [
        "?to=2027-07-01&from=2027-07-10",
        "?q=%22%2A%29%20OR%20NEAR%28",
        "?q=%E2%80%94%E2%80%94&free=maybe",
        "?page=99999999999999999999",
        "?age=99999999999",
        "?q=a&q=b&q=robot",
        "?%ZZ=1&q=%ZZ",
        "?q=robot:*%20%7C%20!x%20%26",
    ] {
        let seen = visit(&app, query).await;
        assert_eq!(seen.status, StatusCode::OK, "{query}");
        assert!(seen.first("#result-count").is_some(), "{query}");
    }
    let seen = visit(&app, "?to=2027-07-01&from=2027-07-10").await;
    assert_eq!(
        seen.all(".problems li"),
        vec!["The end date was before the start date."]
    );
    let seen = visit(&app, "?q=a&q=b&q=robot").await;
    assert_eq!(
        seen.attr("#f-q", "value"),
        vec!["robot"],
        "the last value wins"
    );
}

#[tokio::test]
async fn nothing_found_says_what_to_do_next() {
    let app = spawn_catalog().await;
    let seen = visit(&app, "?q=xylophone&online=1").await;
    assert!(seen.titles().is_empty());
    assert_eq!(
        seen.first("#empty h2").unwrap(),
        "No activity matches all of that."
    );
    assert_eq!(
        seen.attr("#empty a", "href"),
        vec!["/c/testville/activities"]
    );
    let response = app
        .client()
        .get(app.url("/c/otherton/activities?q=zzz"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_visitor_reads_titles_in_their_language_with_dates_in_words() {
    let app = spawn_catalog().await;
    let seen = visit_in(&app, "?q=robot&sort=date", "es").await;
    assert_eq!(seen.titles(), vec!["Painting Robots", "Club de robótica"]);
    assert_eq!(seen.first("#result-count").unwrap(), "2 actividades");
    let dates = seen.all(".fact-dates");
    assert_eq!(
        dates,
        vec!["20 de junio – 30 de junio", "1 de julio – 28 de julio"]
    );
    let english = visit(&app, "?q=robot&sort=date").await;
    assert_eq!(english.all(".fact-dates")[1], "July 1 – July 28");
    assert_eq!(english.all(".fact-ages")[1], "Ages 10–14");
    assert_eq!(english.all(".fact-price"), vec!["$25", "Free"]);
    assert_eq!(english.all(".fact-place")[1], "north side");
    let online = visit_in(&app, "?online=1", "es").await;
    assert_eq!(online.all(".fact-place"), vec!["En línea"]);
    assert_eq!(online.all(".fact-ages"), vec!["Desde 12 años"]);
}

#[tokio::test]
async fn an_unknown_city_has_no_catalog() {
    let app = spawn_catalog().await;
    let response = app
        .client()
        .get(app.url("/c/nowhere/activities?q=robot"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_demo_city_has_a_summer_of_activities_to_search() {
    let (app, world) = crate::helpers::spawn_world().await;
    let listed = &world.demo.activities;
    assert!(listed.len() >= 24, "{} activities", listed.len());
    assert!(listed
        .iter()
        .all(|a| a.city == "riverton" && a.url.starts_with("/c/riverton/activities/")));
    assert!(listed.iter().any(|a| a.title == "Rocket Lab"));
    let response = app
        .client()
        .get(app.url("/c/riverton/activities?q=rob%C3%B3tica"))
        .header("Accept-Language", "es")
        .send()
        .await
        .unwrap();
    let seen = Seen {
        status: response.status(),
        html: Html::parse_document(&response.text().await.unwrap()),
    };
    assert_eq!(seen.status, StatusCode::OK);
    assert!(seen.titles().contains(&"Club de robótica".to_string()));
    let page = app
        .client()
        .get(app.url("/c/riverton/activities"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let seen = Seen {
        status: StatusCode::OK,
        html: Html::parse_document(&page),
    };
    assert!(seen.all("#f-category option").len() > 5);
    assert!(seen.all("#f-neighborhood option").len() > 4);
}
