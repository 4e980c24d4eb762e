//! Claim codes cannot be guessed without limit, an earned badge confirms nothing for free, and
//! one youth redeeming two codes of one badge at once gets it once, never a 500.

use chrono::Utc;
use reqwest::{Client, StatusCode};

use crate::helpers::{spawn_world, TestApp};
use crate::limits_support::youth_of_riverton;

async fn claim(app: &TestApp, client: &Client, code: &str) -> (StatusCode, String) {
    let response = app
        .post_form(client, "/c/riverton/claim", &[("code", code)])
        .await;
    let status = response.status();
    let retry_after = response.headers().get("retry-after").cloned();
    let html = response.text().await.unwrap();
    if status == StatusCode::TOO_MANY_REQUESTS {
        assert!(retry_after.is_some(), "a 429 says when to come back");
    }
    (status, html)
}

/// `count` fresh codes of a Riverton badge, made by a staff member.
fn codes_of(app: &TestApp, badge: &str, count: usize) -> Vec<String> {
    let mut conn = app.db.get().unwrap();
    let city = lanyard::tenancy::store::find_by_slug(&mut conn, "riverton")
        .unwrap()
        .unwrap();
    let badge = lanyard::badges::store::find_by_slug(&mut conn, city.id, badge)
        .unwrap()
        .unwrap();
    let (staff, _) = lanyard::auth::store::find_user_by_login(&mut conn, "coordinator")
        .unwrap()
        .unwrap();
    lanyard::earning::store::generate(
        &mut conn,
        city.id,
        badge.id,
        staff.id,
        count,
        Utc::now().naive_utc(),
    )
    .unwrap()
}

#[tokio::test]
async fn guessing_codes_is_refused_after_twenty_failures() {
    let (app, world) = spawn_world().await;
    let maya = app.signed_in(&world.person("youth")).await;
    for n in 0..20 {
        let (status, html) = claim(&app, &maya, "ZZZZ-ZZZZ").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "guess {n}");
        assert!(html.contains("know this code"));
    }
    let (status, html) = claim(&app, &maya, "ZZZZ-ZZZY").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(html.contains("You have tried many codes that did not work. Wait a few minutes"));
    // Even a good code waits now, and is not used up by the refusal.
    let good = world.code_for("comic-creator", 0);
    assert_eq!(
        claim(&app, &maya, &good).await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
    let friends = youth_of_riverton(&app, "friend", 1);
    let friend = app.signed_in(&friends[0].1).await;
    assert_eq!(claim(&app, &friend, &good).await.0, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn redeemed_codes_do_not_count_against_the_youth() {
    let (app, _) = spawn_world().await;
    let (_, person) = youth_of_riverton(&app, "collector", 1).remove(0);
    let youth = app.signed_in(&person).await;
    for n in 0..19 {
        assert_eq!(
            claim(&app, &youth, "ZZZZ-ZZZZ").await.0,
            StatusCode::UNPROCESSABLE_ENTITY,
            "guess {n}"
        );
    }
    for badge in ["reading-explorer", "comic-creator", "rocket-scientist"] {
        let code = codes_of(&app, badge, 1).remove(0);
        assert_eq!(claim(&app, &youth, &code).await.0, StatusCode::SEE_OTHER);
    }
    // The twentieth failure is still allowed; the twenty-first is not.
    assert_eq!(
        claim(&app, &youth, "ZZZZ-ZZZZ").await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        claim(&app, &youth, "ZZZZ-ZZZZ").await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn an_earned_badge_counts_as_an_attempt_and_leaves_the_code_unused() {
    let (app, _) = spawn_world().await;
    let (_, person) = youth_of_riverton(&app, "prober", 1).remove(0);
    let youth = app.signed_in(&person).await;
    let codes = codes_of(&app, "star-gazer", 22);
    assert_eq!(
        claim(&app, &youth, &codes[0]).await.0,
        StatusCode::SEE_OTHER
    );
    // Probing other codes of a badge one has: each says so, and counts.
    for code in &codes[1..21] {
        let (status, html) = claim(&app, &youth, code).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("You already have this badge"));
    }
    assert_eq!(
        claim(&app, &youth, &codes[21]).await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
    // None of the probed codes was used up.
    let friends = youth_of_riverton(&app, "stargazer", 2);
    for ((_, friend), code) in friends.iter().zip(&codes[1..3]) {
        let client = app.signed_in(friend).await;
        assert_eq!(claim(&app, &client, code).await.0, StatusCode::SEE_OTHER);
    }
}

#[tokio::test]
async fn one_youth_redeeming_two_codes_of_a_badge_at_once_gets_it_once() {
    let (app, _) = spawn_world().await;
    let youth = youth_of_riverton(&app, "racer", 10);
    let codes = codes_of(&app, "rocket-scientist", 20);
    for ((_, person), pair) in youth.iter().zip(codes.chunks(2)) {
        let client = app.signed_in(person).await;
        let ((first, first_html), (second, second_html)) = tokio::join!(
            claim(&app, &client, &pair[0]),
            claim(&app, &client, &pair[1])
        );
        let mut statuses = [first, second];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::SEE_OTHER, StatusCode::UNPROCESSABLE_ENTITY],
            "{} gets the badge once",
            person.username
        );
        let refused = if first == StatusCode::SEE_OTHER {
            second_html
        } else {
            first_html
        };
        assert!(refused.contains("You already have this badge"));
    }
    // Every losing code is still unused.
    let mut conn = app.db.get().unwrap();
    let city = lanyard::tenancy::store::find_by_slug(&mut conn, "riverton")
        .unwrap()
        .unwrap();
    let badge = lanyard::badges::store::find_by_slug(&mut conn, city.id, "rocket-scientist")
        .unwrap()
        .unwrap();
    let listed = lanyard::earning::store::list_for_badge(&mut conn, badge.id).unwrap();
    let unused = listed
        .iter()
        .filter(|(code, used)| codes.contains(code) && !used)
        .count();
    assert_eq!(unused, 10, "the ten losing codes were left unused");
}
