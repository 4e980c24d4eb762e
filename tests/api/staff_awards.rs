//! Staff awards from the web: the preview names every row that cannot be awarded, awarding
//! gives each ready youth the badge once, a roster run again awards nothing, bad input changes
//! nothing, and the list of awards issued finds one to revoke.

use diesel::prelude::*;
use reqwest::multipart::{Form, Part};
use reqwest::{Client, StatusCode};

use crate::helpers::{location, spawn_world, TestApp};
use crate::invitations::text_of;

const AWARDS: &str = "/c/riverton/orgs/library/awards";

async fn send(
    app: &TestApp,
    client: &Client,
    fields: &[(&str, &str)],
    file: Option<Vec<u8>>,
) -> reqwest::Response {
    let mut form = Form::new().text("csrf_token", app.csrf(client).await);
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    if let Some(bytes) = file {
        form = form.part("file", Part::bytes(bytes).file_name("roster.csv"));
    }
    client
        .post(app.url(AWARDS))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// (line, what happens) of the preview table.
fn preview(html: &str) -> Vec<(String, String)> {
    let doc = scraper::Html::parse_document(html);
    let row = scraper::Selector::parse("#preview tbody tr").unwrap();
    let cell = scraper::Selector::parse("td").unwrap();
    doc.select(&row)
        .map(|r| {
            let cells: Vec<String> = r.select(&cell).map(|c| c.text().collect()).collect();
            (cells[0].clone(), cells[1].clone())
        })
        .collect()
}

fn comic_creators(app: &TestApp) -> i64 {
    use lanyard::db::schema::{awards, badges};
    let mut conn = app.db.get().unwrap();
    awards::table
        .inner_join(badges::table)
        .filter(badges::slug.eq("comic-creator"))
        .filter(awards::revoked_at.is_null())
        .count()
        .get_result(&mut conn)
        .unwrap()
}

#[tokio::test]
async fn a_roster_is_previewed_row_by_row_awarded_once_and_run_again_awards_nothing() {
    let (app, world) = spawn_world().await;
    let mentor = app.signed_in(&world.person("mentor")).await;
    let roster = "maya\nnobody-here\nMAYA\nsam";
    let before = comic_creators(&app);
    let checked = send(
        &app,
        &mentor,
        &[
            ("badge", "comic-creator"),
            ("roster", roster),
            ("action", "preview"),
        ],
        None,
    )
    .await;
    assert_eq!(checked.status(), StatusCode::OK);
    let page = checked.text().await.unwrap();
    let rows = preview(&page);
    assert_eq!(
        rows,
        vec![
            ("maya".to_string(), "Will be awarded".to_string()),
            (
                "nobody-here".to_string(),
                "No active youth of this city signs in with this".to_string()
            ),
            (
                "maya".to_string(),
                "Same youth as an earlier line".to_string()
            ),
            ("sam".to_string(), "Will be awarded".to_string()),
        ]
    );
    assert!(text_of(&page, "#preview-summary").contains("2 will be awarded"));
    assert_eq!(comic_creators(&app), before, "a preview awards nothing");

    let awarded = send(
        &app,
        &mentor,
        &[
            ("badge", "comic-creator"),
            ("roster", roster),
            ("action", "award"),
        ],
        None,
    )
    .await;
    assert_eq!(awarded.status(), StatusCode::SEE_OTHER);
    assert!(location(&awarded).starts_with(AWARDS));
    assert_eq!(comic_creators(&app), before + 2);
    let list = app.get(&mentor, AWARDS).await.text().await.unwrap();
    let table = text_of(&list, "#issued");
    assert!(table.contains("maya") && table.contains("sam"), "{table}");

    // The same roster again: everyone holds it; nothing is awarded twice.
    let again = send(
        &app,
        &mentor,
        &[
            ("badge", "comic-creator"),
            ("roster", roster),
            ("action", "preview"),
        ],
        None,
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(preview(&again)
        .iter()
        .any(|(l, r)| l == "maya" && r.contains("Already holds")));
    assert!(
        !again.contains("value=\"award\""),
        "no award button when none is ready"
    );
    send(
        &app,
        &mentor,
        &[
            ("badge", "comic-creator"),
            ("roster", roster),
            ("action", "award"),
        ],
        None,
    )
    .await;
    assert_eq!(comic_creators(&app), before + 2);
}

#[tokio::test]
async fn youth_are_found_by_search_and_a_csv_file_is_read_by_its_first_column() {
    let (app, world) = spawn_world().await;
    let admin = app.signed_in(&world.person("org_admin")).await;
    let found = app
        .get(&admin, &format!("{AWARDS}/new?badge=comic-creator&q=ma"))
        .await
        .text()
        .await
        .unwrap();
    assert!(found.contains("name=\"youth\" value=\"maya\""), "{found}");
    let checked = send(
        &app,
        &admin,
        &[
            ("badge", "comic-creator"),
            ("youth", "maya"),
            ("action", "preview"),
        ],
        Some(b"username,note\nsam,came every week\n".to_vec()),
    )
    .await
    .text()
    .await
    .unwrap();
    let rows = preview(&checked);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows.iter().all(|(_, r)| r == "Will be awarded"), "{rows:?}");
}

#[tokio::test]
async fn a_roster_of_ten_thousand_lines_names_every_bad_line_and_awards_the_good_ones() {
    let (app, world) = spawn_world().await;
    let admin = app.signed_in(&world.person("org_admin")).await;
    let before = comic_creators(&app);
    let mut roster: String = (0..9_997).map(|i| format!("nobody-{i}\n")).collect();
    roster.push_str("maya\nsam\nMAYA\n");
    let file = roster.clone().into_bytes();
    let checked = send(
        &app,
        &admin,
        &[("badge", "comic-creator"), ("action", "preview")],
        Some(file.clone()),
    )
    .await;
    assert_eq!(checked.status(), StatusCode::OK);
    let rows = preview(&checked.text().await.unwrap());
    assert_eq!(rows.len(), 10_000);
    let ready: Vec<&str> = rows
        .iter()
        .filter(|(_, r)| r == "Will be awarded")
        .map(|(l, _)| l.as_str())
        .collect();
    assert_eq!(ready, ["maya", "sam"]);
    assert_eq!(comic_creators(&app), before, "a preview awards nothing");
    let awarded = send(
        &app,
        &admin,
        &[
            ("badge", "comic-creator"),
            ("roster", roster.as_str()),
            ("action", "award"),
        ],
        None,
    )
    .await;
    assert_eq!(awarded.status(), StatusCode::SEE_OTHER);
    assert_eq!(comic_creators(&app), before + 2);
}

#[tokio::test]
async fn bad_rosters_are_named_and_award_nothing() {
    let (app, world) = spawn_world().await;
    let admin = app.signed_in(&world.person("org_admin")).await;
    let before = comic_creators(&app);
    let long: String = (0..10_001).map(|i| format!("y{i}\n")).collect();
    type Case<'a> = (Vec<(&'a str, &'a str)>, Option<Vec<u8>>, &'a str);
    let cases: Vec<Case> = vec![
        (vec![("badge", ""), ("roster", "maya")], None, "badge"),
        (
            vec![("badge", "rocket-scientist"), ("roster", "maya")],
            None,
            "badge",
        ),
        (
            vec![("badge", "comic-creator"), ("roster", "  \n ")],
            None,
            "roster",
        ),
        (
            vec![("badge", "comic-creator"), ("roster", long.as_str())],
            None,
            "roster",
        ),
        (
            vec![("badge", "comic-creator")],
            Some(vec![0xff, 0xfe, 0x00, 0x81]),
            "file",
        ),
    ];
    for (mut fields, file, field) in cases {
        fields.push(("action", "award"));
        let refused = send(&app, &admin, &fields, file).await;
        assert_eq!(
            refused.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}"
        );
        let page = refused.text().await.unwrap();
        assert!(
            !text_of(&page, &format!("#e-{field}")).is_empty(),
            "{field}: {page}"
        );
    }
    assert_eq!(comic_creators(&app), before);
}

#[tokio::test]
async fn the_list_of_awards_issued_finds_one_and_marks_revoked_ones() {
    let (app, world) = spawn_world().await;
    let token = world.token_of("library");
    let award = app
        .award_through_api(&token, "library", "comic-creator", "maya")
        .await;
    let id = award["id"].as_str().unwrap();
    let admin = app.signed_in(&world.person("org_admin")).await;
    app.post_form(
        &admin,
        &format!("/c/riverton/awards/{id}/revoke"),
        &[("reason", "Wrong youth")],
    )
    .await;
    let found = app
        .get(&admin, &format!("{AWARDS}?q=maya"))
        .await
        .text()
        .await
        .unwrap();
    let table = text_of(&found, "#issued");
    assert!(
        table.contains("Comic Creator") && table.contains("Revoked on"),
        "{table}"
    );
    assert!(
        !table.contains("sam"),
        "the search narrows the list: {table}"
    );
    assert!(found.contains(&format!("href=\"/c/riverton/awards/{id}\"")));
    let none = app
        .get(&admin, &format!("{AWARDS}?q=zzzz%25"))
        .await
        .text()
        .await
        .unwrap();
    assert!(none.contains("id=\"no-awards\""));
    // Youth and other organizations' staff see none of it.
    let maya = app.signed_in(&world.person("youth")).await;
    assert_eq!(app.get(&maya, AWARDS).await.status(), StatusCode::NOT_FOUND);
    let curator = app.signed_in(&world.curator()).await;
    assert_eq!(
        app.get(&curator, &format!("{AWARDS}/new")).await.status(),
        StatusCode::NOT_FOUND
    );
}
