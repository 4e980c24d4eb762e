//! Importing activities from CSV, on the page and through the command line's function: each
//! bad row and column named, nothing written while any row is bad, all rows at once otherwise.

use reqwest::multipart::{Form, Part};
use reqwest::{Client, StatusCode};
use scraper::{Html, Selector};

use crate::activities::{library_activity_count, seed_city_lists, set_org_status};
use crate::helpers::{spawn_world, TestApp};

const SAMPLE: &str = "tests/fixtures/activities.csv";

async fn upload(app: &TestApp, client: &Client, csv: Vec<u8>) -> reqwest::Response {
    let form = Form::new()
        .text("csrf_token", app.csrf(client).await)
        .part("file", Part::bytes(csv).file_name("activities.csv"));
    client
        .post(app.url("/c/riverton/orgs/library/activities/import"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

fn problems(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let item = Selector::parse("#import-report .problems li").unwrap();
    doc.select(&item)
        .map(|li| li.text().collect::<String>())
        .collect()
}

/// Titles and statuses of the library's activities, from its page.
async fn listed(app: &TestApp, client: &Client) -> Vec<String> {
    let html = app
        .get(client, "/c/riverton/orgs/library")
        .await
        .text()
        .await
        .unwrap();
    let doc = Html::parse_document(&html);
    let item = Selector::parse(".activity-list li").unwrap();
    doc.select(&item)
        .map(|li| {
            li.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

#[tokio::test]
async fn the_sample_file_imports_every_row_at_once_published_where_it_says() {
    let (app, world) = spawn_world().await;
    seed_city_lists(&app);
    let mentor = app.signed_in(&world.person("mentor")).await;
    let page = app
        .get(&mentor, "/c/riverton/orgs/library/activities/import")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("registration_url"),
        "the columns are documented"
    );
    assert!(
        page.contains("At most 500 activities"),
        "the limits are told"
    );
    let before = library_activity_count(&app);
    let response = upload(&app, &mentor, std::fs::read(SAMPLE).unwrap()).await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    assert!(html.contains("3 activities imported."), "{html}");
    assert!(html.contains("2 of them are published."));
    assert_eq!(library_activity_count(&app), before + 3);
    let rows = listed(&app, &mentor).await;
    assert!(
        rows.iter()
            .any(|r| r.starts_with("Story Time in the Park Published")),
        "{rows:?}"
    );
    assert!(
        rows.iter().any(|r| r.starts_with("Robot Builders Draft")),
        "{rows:?}"
    );
    // The Spanish title came along.
    let html = app
        .get(&mentor, "/c/riverton/orgs/library")
        .await
        .text()
        .await
        .unwrap();
    let doc = Html::parse_document(&html);
    let link = Selector::parse(".activity-list li > a").unwrap();
    let href = doc
        .select(&link)
        .find(|a| a.text().collect::<String>() == "Story Time in the Park")
        .and_then(|a| a.value().attr("href"))
        .unwrap()
        .to_string();
    let page = app
        .client()
        .get(app.url(&href))
        .header("accept-language", "es")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("<h1>Cuentos en el parque</h1>"), "{page}");
}

#[tokio::test]
async fn bad_rows_are_each_named_and_nothing_is_imported() {
    let (app, world) = spawn_world().await;
    seed_city_lists(&app);
    let admin = app.signed_in(&world.account("librarian")).await;
    let before = library_activity_count(&app);
    let csv =
        "title,description,category,age_min,age_max,price,online,address,registration_url,status\n\
        Good one,Fine,arts,8,12,,no,1 Main St,https://example.org,draft\n\
        ,No title,arts,8,12,,no,1 Main St,,draft\n\
        Too young,Ages,arts,1,12,,no,1 Main St,,draft\n\
        Odd price,Price,arts,8,12,abc,no,1 Main St,,draft\n\
        Nowhere,Where,arts,8,12,,maybe,,ftp://example.org,soon\n\
        Elsewhere,Category,cooking,8,12,,no,1 Main St,,draft\n";
    let response = upload(&app, &admin, csv.as_bytes().to_vec()).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    let found = problems(&html);
    for (row, column) in [
        (3, "title"),
        (4, "age_min"),
        (5, "price"),
        (6, "online"),
        (6, "registration_url"),
        (6, "status"),
        (7, "category"),
    ] {
        assert!(
            found
                .iter()
                .any(|p| p.starts_with(&format!("Row {row}, {column}:"))),
            "row {row} {column} in {found:#?}"
        );
    }
    assert!(
        !found.iter().any(|p| p.starts_with("Row 2,")),
        "row 2 is good"
    );
    assert!(html.contains("Nothing was imported."));
    assert_eq!(library_activity_count(&app), before, "nothing was imported");

    // A file of another shape is refused whole.
    let response = upload(&app, &admin, b"name,colour\nA,red\n".to_vec()).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let found = problems(&response.text().await.unwrap());
    assert!(
        found.iter().any(|p| p.starts_with("Row 1, colour:")),
        "{found:?}"
    );
    assert!(
        found.iter().any(|p| p.starts_with("Row 1, title:")),
        "{found:?}"
    );
}

#[tokio::test]
async fn too_large_a_file_or_too_many_rows_are_refused_with_the_limit() {
    let (app, world) = spawn_world().await;
    let admin = app.signed_in(&world.account("librarian")).await;
    let mut csv = String::from("title,description,online\n");
    for i in 0..501 {
        csv.push_str(&format!("Title {i},Text,yes\n"));
    }
    let response = upload(&app, &admin, csv.into_bytes()).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("more than 500 activities"), "{html}");
    let response = upload(&app, &admin, vec![b'a'; 1024 * 1024 + 10]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("at most 1024 KB"));
}

#[tokio::test]
async fn a_pending_organization_imports_its_published_rows_as_drafts() {
    let (app, world) = spawn_world().await;
    seed_city_lists(&app);
    set_org_status(&app, "library", "pending");
    let mentor = app.signed_in(&world.person("mentor")).await;
    let response = upload(&app, &mentor, std::fs::read(SAMPLE).unwrap()).await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    assert!(html.contains("saved as drafts"), "{html}");
    let rows = listed(&app, &mentor).await;
    assert!(
        rows.iter()
            .any(|r| r.starts_with("Story Time in the Park Draft")),
        "{rows:?}"
    );
    for title in [
        "Story Time in the Park",
        "Coding From Home",
        "Robot Builders",
    ] {
        assert!(
            rows.iter()
                .any(|r| r.starts_with(&format!("{title} Draft"))),
            "{title}: {rows:?}"
        );
    }
}

#[tokio::test]
async fn another_organizations_staff_cannot_import_into_the_library() {
    let (app, world) = spawn_world().await;
    let curator = app.signed_in(&world.curator()).await;
    let response = upload(&app, &curator, std::fs::read(SAMPLE).unwrap()).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let other = app.signed_in(&world.other_admin).await;
    let response = upload(&app, &other, std::fs::read(SAMPLE).unwrap()).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_command_line_import_checks_then_writes_the_same_way() {
    let (app, _world) = spawn_world().await;
    seed_city_lists(&app);
    let before = library_activity_count(&app);
    let dir = std::env::temp_dir().join(format!("lanyard-import-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        "title,description,online\nFine,Text,yes\nBad,Text,perhaps\n",
    )
    .unwrap();
    let report =
        lanyard::cli::import_activities(&app.db, "riverton", "library", &bad, false).unwrap();
    assert!(!report.is_ok());
    let lines = report.lines("en");
    assert!(
        lines.iter().any(|l| l == "Row 3, online: Write yes or no."),
        "{lines:?}"
    );
    assert_eq!(library_activity_count(&app), before);

    let report = lanyard::cli::import_activities(
        &app.db,
        "riverton",
        "library",
        std::path::Path::new(SAMPLE),
        false,
    )
    .unwrap();
    assert!(report.is_ok(), "{:?}", report.lines("en"));
    assert_eq!((report.imported, report.published), (3, 2));
    assert_eq!(library_activity_count(&app), before + 3);
    assert!(lanyard::cli::import_activities(&app.db, "riverton", "nobody", &bad, false).is_err());
    std::fs::remove_dir_all(dir).unwrap();
}
