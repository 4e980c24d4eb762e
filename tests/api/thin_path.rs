use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;

use crate::helpers::{hidden_value, location, spawn_world, Person};

/// Codes as printed on the codes page.
fn codes_on(html: &str) -> Vec<String> {
    html.split("<li class=\"unused\"><code>")
        .skip(1)
        .filter_map(|piece| piece.split("</code>").next())
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn from_a_new_partner_to_a_youth_holding_its_badge() {
    let (app, world) = spawn_world().await;

    // A museum educator signs up as staff.
    let educator_client = app.client();
    let signup = app
        .post_form(
            &educator_client,
            "/c/riverton/signup",
            &[
                ("kind", "staff"),
                ("display_name", "Dana Fox"),
                ("username", "dana"),
                ("email", "dana@zoo.example"),
                ("password", "dana's long password"),
            ],
        )
        .await;
    assert_eq!(signup.status(), StatusCode::SEE_OTHER);

    // The coordinator adds the zoo as a partner with Dana as its admin.
    let coordinator = app.signed_in(&world.person("coordinator")).await;
    let added = app
        .post_form(
            &coordinator,
            "/c/riverton/orgs",
            &[
                ("name", "Riverton Zoo"),
                ("slug", ""),
                ("description", "Animals and their keepers."),
                ("website", "https://zoo.example"),
                ("admin", "dana@zoo.example"),
            ],
        )
        .await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&added), "/c/riverton/orgs/riverton-zoo");

    // Dana creates an activity and a badge with an uploaded image.
    let dana = app
        .signed_in(&Person {
            username: "dana".into(),
            password: "dana's long password".into(),
        })
        .await;
    let org_page = app.get(&dana, "/c/riverton/orgs/riverton-zoo").await;
    assert_eq!(org_page.status(), StatusCode::OK);
    let activity = crate::activities::post_activity(
        &app,
        &dana,
        "/c/riverton/orgs/riverton-zoo/activities",
        &[
            ("title", "Junior Keepers"),
            ("description", "Help the keepers feed the otters."),
            ("category", "arts"),
            ("address", "Otter pond"),
            ("starts_on", "2027-06-01"),
            ("ends_on", "2027-06-30"),
        ],
        None,
    )
    .await;
    assert_eq!(activity.status(), StatusCode::SEE_OTHER);
    let new_badge = app
        .get(&dana, "/c/riverton/orgs/riverton-zoo/badges/new")
        .await
        .text()
        .await
        .unwrap();
    let csrf = hidden_value(&new_badge, "csrf_token").unwrap();
    let activity_id = new_badge
        .split("id=\"f-activity\"")
        .nth(1)
        .unwrap()
        .split("<option value=\"")
        .nth(2)
        .and_then(|p| p.split('"').next())
        .unwrap()
        .to_string();
    // One transparent pixel; uploads are decoded and re-encoded, so it must be a whole PNG.
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\nIDATx\x9cc\0\x01\0\0\x05\0\x01\r\n-\xb4\0\0\0\0IEND\xaeB`\x82".to_vec();
    let form = Form::new()
        .text("csrf_token", csrf)
        .text("name", "Otter Keeper")
        .text("slug", "")
        .text("description", "Helped keep the otters fed and happy.")
        .text("criteria", "Join three Junior Keepers mornings.")
        .text("activity", activity_id)
        .part(
            "image",
            Part::bytes(png.clone())
                .file_name("otter.png")
                .mime_str("image/png")
                .unwrap(),
        );
    let created = dana
        .post(app.url("/c/riverton/orgs/riverton-zoo/badges"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let image = app
        .get(&dana, "/c/riverton/badges/otter-keeper/image")
        .await;
    assert_eq!(image.headers().get("content-type").unwrap(), "image/png");
    let served = image.bytes().await.unwrap().to_vec();
    assert!(served.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert_eq!(&served[16..24], &png[16..24], "the same 1×1 size");

    // Dana prints ten codes.
    let made = app
        .post_form(
            &dana,
            "/c/riverton/orgs/riverton-zoo/badges/otter-keeper/codes",
            &[("count", "10")],
        )
        .await;
    assert_eq!(made.status(), StatusCode::SEE_OTHER);
    let sheet = app
        .get(
            &dana,
            "/c/riverton/orgs/riverton-zoo/badges/otter-keeper/codes",
        )
        .await
        .text()
        .await
        .unwrap();
    let codes = codes_on(&sheet);
    assert_eq!(codes.len(), 10);

    // A youth redeems one, typed sloppily, and sees the badge on their page and the badge's page.
    let maya = app.signed_in(&world.person("youth")).await;
    let sloppy = codes[0].to_lowercase().replace('-', " ");
    let redeemed = app
        .post_form(&maya, "/c/riverton/claim", &[("code", &sloppy)])
        .await;
    assert_eq!(redeemed.status(), StatusCode::SEE_OTHER);
    let landed = location(&redeemed);
    assert!(
        landed.starts_with("/c/riverton/awards/") && landed.ends_with("?earned=1"),
        "{landed}"
    );
    let celebrated = app.get(&maya, &landed).await.text().await.unwrap();
    assert!(celebrated.contains("You earned the badge “Otter Keeper”!"));
    assert!(celebrated.contains("id=\"celebrate\""), "{celebrated}");
    let me = app.get(&maya, "/c/riverton/me").await.text().await.unwrap();
    assert!(me.contains("<span class=\"badge-name\">Otter Keeper</span>"));
    let badge_page = app
        .get(&maya, "/c/riverton/badges/otter-keeper")
        .await
        .text()
        .await
        .unwrap();
    assert!(badge_page.contains("<h1>Otter Keeper</h1>"));
    assert!(badge_page.contains("You earned this badge on"));
    assert!(
        badge_page.contains("Earned by 1 person so far."),
        "{badge_page}"
    );
    let award_link = badge_page
        .split("href=\"/c/riverton/awards/")
        .nth(1)
        .unwrap();
    let award_id = award_link.split('"').next().unwrap();
    let award = app
        .get(&app.client(), &format!("/c/riverton/awards/{award_id}"))
        .await;
    assert_eq!(award.status(), StatusCode::OK);
    assert!(award
        .text()
        .await
        .unwrap()
        .contains("Earned by a learner of Riverton"));

    // The code is now used on the sheet.
    let sheet = app
        .get(
            &dana,
            "/c/riverton/orgs/riverton-zoo/badges/otter-keeper/codes",
        )
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(codes_on(&sheet).len(), 9);
    assert!(sheet.contains("9 unused codes."));

    // The dashboard counts it, in total and for the zoo.
    let dashboard = app
        .get(&coordinator, "/c/riverton/dashboard")
        .await
        .text()
        .await
        .unwrap();
    assert!(dashboard.contains("<span class=\"figure\" id=\"total-youth\">4</span>"));
    // Sam's two demo awards, Ava's three (her reviewed comic, Star Gazer and the city's
    // pathway badge) and Maya's new one.
    assert!(dashboard.contains("<span class=\"figure\" id=\"total-awards\">6</span>"));
    assert!(dashboard.contains("<span class=\"figure\" id=\"total-activities\">29</span>"));
    assert!(dashboard.contains("<span class=\"figure\" id=\"total-orgs\">3</span>"));
    let zoo_row = dashboard.split("Riverton Zoo</a></th>").nth(1).unwrap();
    let cells: Vec<&str> = zoo_row
        .split("</tr>")
        .next()
        .unwrap()
        .split("<td>")
        .skip(1)
        .map(|c| c.split("</td>").next().unwrap().trim())
        .collect();
    // The organizations table: youth reached, awards.
    assert_eq!(cells[0], "1", "youth reached");
    assert_eq!(cells[1], "1", "awards");
}

#[tokio::test]
async fn a_parent_sees_their_childrens_badges() {
    let (app, world) = spawn_world().await;
    let maya = app.signed_in(&world.person("youth")).await;
    let code = world.code_for("star-gazer", 1);
    app.post_form(&maya, "/c/riverton/claim", &[("code", &code)])
        .await;
    let parent = app.signed_in(&world.person("parent")).await;
    let page = app
        .get(&parent, "/c/riverton/me")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("My children"));
    assert!(page.contains("<h3>Maya</h3>"));
    assert!(page.contains("Star Gazer"));
    assert!(
        page.contains("This account is waiting for your confirmation."),
        "Leo is under 13"
    );
}
