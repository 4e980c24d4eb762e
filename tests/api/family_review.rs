//! What a parent decides for a child under 13: work the child sends waits for the parent's OK
//! (or comes back with the parent's note) before any mentor sees it; each badge's public page
//! stays private until the parent lets it show; a weekly digest, which the parent turns off.
//! And the youth's own summer: weeks active, activities, suggestions by neighborhood.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use lanyard::db::schema::{submissions, users};
use reqwest::multipart::Form;
use reqwest::{Client, StatusCode};

use crate::common::location;
use crate::family::mails_of_kind;
use crate::handoff::leo_in_custody;
use crate::helpers::{spawn_world, TestApp};

const SUBMIT: &str = "/c/riverton/badges/comic-creator/submit";
const PARENT_EMAIL: &str = "parent@riverton.example";

async fn send_work(app: &TestApp, client: &Client, path: &str, reflection: &str) -> String {
    let form = Form::new()
        .text("csrf_token", app.csrf(client).await)
        .text("reflection", reflection.to_string());
    let sent = client
        .post(app.url(path))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), StatusCode::SEE_OTHER, "work sent to {path}");
    location(&sent).rsplit('/').next().unwrap().to_string()
}

fn status_of(app: &TestApp, public_id: &str) -> String {
    let mut conn = app.db.get().unwrap();
    submissions::table
        .filter(submissions::public_id.eq(public_id))
        .select(submissions::status)
        .first(&mut conn)
        .unwrap()
}

async fn text(app: &TestApp, client: &Client, path: &str) -> (StatusCode, String) {
    let response = app.get(client, path).await;
    (response.status(), response.text().await.unwrap())
}

#[tokio::test]
async fn work_of_a_child_under_13_waits_for_a_parent_before_any_mentor_sees_it() {
    let (app, world) = spawn_world().await;
    let (parent, leo) = leo_in_custody(&app, &world).await;
    let id = send_work(&app, &leo, SUBMIT, "My comic about a brave snail.").await;
    assert_eq!(status_of(&app, &id), "awaiting_parent");
    assert_eq!(
        mails_of_kind(&app, PARENT_EMAIL, "reviews.awaiting_parent"),
        1
    );
    let page = format!("/c/riverton/submissions/{id}");
    let (_, seen) = text(&app, &leo, &page).await;
    assert!(
        seen.contains("Your parent looks at your work first"),
        "{seen}"
    );

    // No mentor sees it: not in the queue, not by its address, not its decision.
    let mentor = app.signed_in(&world.person("mentor")).await;
    let (_, queue) = text(&app, &mentor, "/c/riverton/orgs/library/reviews").await;
    assert!(
        !queue.contains(&id),
        "the queue lists work waiting for a parent"
    );
    let review = format!("/c/riverton/orgs/library/reviews/{id}");
    assert_eq!(
        app.get(&mentor, &review).await.status(),
        StatusCode::NOT_FOUND
    );
    let decided = app
        .post_form(&mentor, &review, &[("verdict", "approve")])
        .await;
    assert_eq!(decided.status(), StatusCode::NOT_FOUND);

    // Only a parent decides: the child gets 403, another parent or the mentor 404.
    let decide = format!("/c/riverton/submissions/{id}/parent");
    let by_leo = app
        .post_form(&leo, &decide, &[("verdict", "approve")])
        .await;
    assert_eq!(by_leo.status(), StatusCode::FORBIDDEN);
    let stranger = crate::family::parent_signs_up(&app, "kim", "kim@example.org").await;
    let by_stranger = app
        .post_form(&stranger, &decide, &[("verdict", "approve")])
        .await;
    assert_eq!(by_stranger.status(), StatusCode::NOT_FOUND);
    let by_mentor = app
        .post_form(&mentor, &decide, &[("verdict", "approve")])
        .await;
    assert_eq!(by_mentor.status(), StatusCode::NOT_FOUND);
    assert_eq!(status_of(&app, &id), "awaiting_parent");

    // The parent reads it, then sends it back: without a note it is refused, and nothing changes.
    let (_, for_parent) = text(&app, &parent, &page).await;
    assert!(for_parent.contains("parent-decision"), "{for_parent}");
    assert!(for_parent.contains("My comic about a brave snail."));
    let bare = app
        .post_form(&parent, &decide, &[("verdict", "return"), ("note", "  ")])
        .await;
    assert_eq!(bare.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bare
        .text()
        .await
        .unwrap()
        .contains("Write a short note so your child knows what to change."));
    assert_eq!(status_of(&app, &id), "awaiting_parent");
    let unknown = app
        .post_form(&parent, &decide, &[("verdict", "publish")])
        .await;
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let back = app
        .post_form(
            &parent,
            &decide,
            &[
                ("verdict", "return"),
                ("note", "Leave out our street name."),
            ],
        )
        .await;
    assert_eq!(back.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&app, &id), "changes_requested");
    let (_, returned) = text(&app, &leo, &page).await;
    assert!(
        returned.contains("Leave out our street name."),
        "{returned}"
    );
    assert!(
        returned.contains("Your parent sent your work back"),
        "{returned}"
    );

    // Sent again, it waits for the parent again; once the parent says OK, the mentors see it.
    send_work(
        &app,
        &leo,
        &page,
        "My comic about a brave snail, no street.",
    )
    .await;
    assert_eq!(status_of(&app, &id), "awaiting_parent");
    assert_eq!(
        mails_of_kind(&app, PARENT_EMAIL, "reviews.awaiting_parent"),
        2
    );
    let ok = app
        .post_form(&parent, &decide, &[("verdict", "approve")])
        .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&app, &id), "submitted");
    let twice = app
        .post_form(&parent, &decide, &[("verdict", "approve")])
        .await;
    assert_eq!(
        twice.status(),
        StatusCode::SEE_OTHER,
        "a stale form is told so"
    );
    let (_, queue) = text(&app, &mentor, "/c/riverton/orgs/library/reviews").await;
    assert!(queue.contains(&id), "the parent's OK puts it in the queue");
    assert_eq!(app.get(&mentor, &review).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_teen_sends_work_straight_to_the_mentors() {
    let (app, world) = spawn_world().await;
    let maya = app.signed_in(&world.person("youth")).await;
    let id = send_work(&app, &maya, SUBMIT, "A comic about the river.").await;
    assert_eq!(status_of(&app, &id), "submitted");
}

#[tokio::test]
async fn a_parent_decides_which_badges_of_a_child_under_13_show_publicly() {
    let (app, world) = spawn_world().await;
    let (parent, leo) = leo_in_custody(&app, &world).await;
    let code = world.code_for("star-gazer", 0);
    let claimed = app
        .post_form(&leo, "/c/riverton/claim", &[("code", &code)])
        .await;
    assert_eq!(claimed.status(), StatusCode::SEE_OTHER);
    let award_page = location(&claimed).split('?').next().unwrap().to_string();
    let award = award_page.rsplit('/').next().unwrap().to_string();

    // A visitor finds it private; the credential itself still answers to verifiers.
    let visitor = app.client();
    let (status, private) = text(&app, &visitor, &award_page).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(private.contains("This badge is private"), "{private}");
    assert!(!private.contains("Leo"));
    let credential = visitor
        .get(app.url(&award_page))
        .header("Accept", "application/ld+json")
        .send()
        .await
        .unwrap();
    assert_eq!(credential.status(), StatusCode::OK);
    // Leo and the parent see the page.
    assert_eq!(app.get(&leo, &award_page).await.status(), StatusCode::OK);
    assert_eq!(app.get(&parent, &award_page).await.status(), StatusCode::OK);
    let (_, mine) = text(&app, &parent, "/c/riverton/me").await;
    assert!(mine.contains("Private: only your family"), "{mine}");
    // No share link that would end on the private page: Leo is told why.
    let (_, leos) = text(&app, &leo, "/c/riverton/me").await;
    assert!(leos.contains("share-private"), "{leos}");
    assert!(
        !leos.contains(&format!("id=\"share-link-{award}\"")),
        "{leos}"
    );

    // Only Leo's parent decides, and only for Leo's badges.
    let display = format!("/c/riverton/me/children/leo/awards/{award}/display");
    let stranger = crate::family::parent_signs_up(&app, "kim", "kim@example.org").await;
    let refused = app.post_form(&stranger, &display, &[("public", "1")]).await;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    let by_leo = app.post_form(&leo, &display, &[("public", "1")]).await;
    assert_eq!(by_leo.status(), StatusCode::NOT_FOUND);
    let other_award = format!(
        "/c/riverton/me/children/leo/awards/{}/display",
        world.demo.evidence_award
    );
    let not_leos = app
        .post_form(&parent, &other_award, &[("public", "1")])
        .await;
    assert_eq!(not_leos.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.get(&visitor, &award_page).await.status(),
        StatusCode::NOT_FOUND
    );

    let shown = app.post_form(&parent, &display, &[("public", "1")]).await;
    assert_eq!(shown.status(), StatusCode::SEE_OTHER);
    let (_, leos) = text(&app, &leo, "/c/riverton/me").await;
    assert!(
        leos.contains(&format!("id=\"share-link-{award}\"")),
        "{leos}"
    );
    let (status, public) = text(&app, &visitor, &award_page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        public.contains("Earned by a learner of Riverton") && !public.contains("Leo"),
        "no name by default"
    );
    let hidden = app.post_form(&parent, &display, &[("public", "0")]).await;
    assert_eq!(hidden.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.get(&visitor, &award_page).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_weekly_digest_tells_a_parent_their_childs_week_until_turned_off() {
    let (app, world) = spawn_world().await;
    let (parent, leo) = leo_in_custody(&app, &world).await;
    send_work(&app, &leo, SUBMIT, "A comic.").await;
    let base = app.address.clone();
    let queue = |days: i64| {
        let mut conn = app.db.get().unwrap();
        let at = Utc::now().naive_utc() + Duration::days(days);
        lanyard::family::digest::queue_due(&mut conn, &base, at).unwrap()
    };
    let digests = || mails_of_kind(&app, PARENT_EMAIL, "family.digest");
    // A parent who joined this week waits for their first week to end.
    queue(0);
    assert_eq!(digests(), 0);
    queue(8);
    assert_eq!(digests(), 1);
    let (_, _, body, _) = crate::invitations::last_mail_to(&app, PARENT_EMAIL);
    assert!(body.contains("Leo"), "{body}");
    assert!(body.contains("wait for your OK"), "{body}");
    // Not again within the week; again after it.
    queue(11);
    assert_eq!(digests(), 1);
    queue(16);
    assert_eq!(digests(), 2);
    // Turned off, none comes; only a parent has the switch.
    let leo_tries = app
        .post_form(&leo, "/c/riverton/me/family-digest", &[("off", "1")])
        .await;
    assert_eq!(leo_tries.status(), StatusCode::FORBIDDEN);
    let off = app
        .post_form(&parent, "/c/riverton/me/family-digest", &[("off", "1")])
        .await;
    assert_eq!(off.status(), StatusCode::SEE_OTHER);
    let (_, page) = text(&app, &parent, "/c/riverton/me").await;
    assert!(page.contains("The weekly e-mail is off"), "{page}");
    queue(30);
    assert_eq!(digests(), 2);
}

#[tokio::test]
async fn my_summer_counts_weeks_and_suggests_activities_nearby() {
    let (app, world) = spawn_world().await;
    let maya = app.signed_in(&world.person("youth")).await;
    let (_, page) = text(&app, &maya, "/c/riverton/me").await;
    assert!(page.contains("id=\"my-summer\""), "{page}");
    assert!(page.contains("id=\"weeks-active\""));
    assert!(page.contains("id=\"next-up\""));
    let picked = |page: &str| page.matches("class=\"card suggestion\"").count();
    assert!(picked(&page) > 0, "suggestions for the demo youth");

    // A neighborhood of another city is refused and nothing is saved.
    let (riverside, elsewhere) = {
        use lanyard::db::schema::{cities, neighborhoods};
        let mut conn = app.db.get().unwrap();
        let of = |conn: &mut lanyard::db::DbConnection, city: &str| -> Option<i64> {
            neighborhoods::table
                .inner_join(cities::table)
                .filter(cities::slug.eq(city))
                .order(neighborhoods::position)
                .select(neighborhoods::id)
                .first(conn)
                .optional()
                .unwrap()
        };
        (
            of(&mut conn, "riverton").unwrap(),
            of(&mut conn, "elmstead"),
        )
    };
    let foreign = elsewhere.unwrap_or(i64::MAX).to_string();
    let refused = app
        .post_form(
            &maya,
            "/c/riverton/me/neighborhood",
            &[("neighborhood", &foreign)],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::SEE_OTHER);
    let garbage = app
        .post_form(
            &maya,
            "/c/riverton/me/neighborhood",
            &[("neighborhood", "x")],
        )
        .await;
    assert_eq!(garbage.status(), StatusCode::SEE_OTHER);
    let stored = |app: &TestApp| -> Option<i64> {
        let mut conn = app.db.get().unwrap();
        users::table
            .filter(users::username.eq("maya"))
            .select(users::neighborhood_id)
            .first(&mut conn)
            .unwrap()
    };
    assert_eq!(stored(&app), None);
    let saved = app
        .post_form(
            &maya,
            "/c/riverton/me/neighborhood",
            &[("neighborhood", &riverside.to_string())],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(stored(&app), Some(riverside));
    let (_, page) = text(&app, &maya, "/c/riverton/me").await;
    assert!(page.contains("Near you:"), "{page}");

    // Only youth have a summer to tune.
    let parent = app.signed_in(&world.person("parent")).await;
    let not_youth = app
        .post_form(
            &parent,
            "/c/riverton/me/neighborhood",
            &[("neighborhood", &riverside.to_string())],
        )
        .await;
    assert_eq!(not_youth.status(), StatusCode::FORBIDDEN);
}
