//! Badges earned by review: a youth sends work (a reflection, links, photos or PDF files), a
//! mentor asks for changes, the youth sends it again, the mentor approves it and the award's
//! credential carries the evidence; files are checked by what they are and photos lose their
//! metadata; a submission opened by one mentor is held from the others; bulk approval; every
//! page answers 404 to other organizations and cities, 403 to people without the role.

use diesel::prelude::*;
use reqwest::multipart::{Form, Part};
use reqwest::{Client, StatusCode};

use crate::common::location;
use crate::helpers::{assert_sign_in_redirect, spawn_world, TestApp, World};
use crate::invitations::text_of;

const SUBMIT: &str = "/c/riverton/badges/comic-creator/submit";
const QUEUE: &str = "/c/riverton/orgs/library/reviews";

/// The demo's photo with an Exif block naming where it was taken, as a phone writes it.
fn photo_with_location() -> Vec<u8> {
    let jpeg = std::fs::read("tests/fixtures/activity-photo.jpg").unwrap();
    let mut exif = b"Exif\0\0MM\0*\0\0\0\x08\0\0".to_vec();
    exif.extend_from_slice(b"GPSLatitude 41.878113 N GPSLongitude 87.629799 W");
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xff, 0xe1]);
    out.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&exif);
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n".to_vec()
}

/// Sends the work form to `path` with `files` (name, bytes).
async fn send_work(
    app: &TestApp,
    client: &Client,
    path: &str,
    fields: &[(&str, &str)],
    files: Vec<(&str, Vec<u8>)>,
) -> reqwest::Response {
    let mut form = Form::new().text("csrf_token", app.csrf(client).await);
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    for (name, bytes) in files {
        form = form.part("files", Part::bytes(bytes).file_name(name.to_string()));
    }
    client
        .post(app.url(path))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

fn submissions(app: &TestApp) -> Vec<(String, String)> {
    use lanyard::db::schema::{submissions, users};
    let mut conn = app.db.get().unwrap();
    submissions::table
        .inner_join(users::table.on(users::id.eq(submissions::youth_id)))
        // Ava's approved comic is the demo's own.
        .filter(users::username.ne("ava"))
        .order(submissions::id)
        .select((users::username, submissions::status))
        .load(&mut conn)
        .unwrap()
}

fn public_id_of(response: &reqwest::Response) -> String {
    let to = location(response);
    to.rsplit('/').next().unwrap().to_string()
}

fn mail_to(app: &TestApp, kind: &str) -> Vec<String> {
    use lanyard::db::schema::outbox;
    let mut conn = app.db.get().unwrap();
    outbox::table
        .filter(outbox::kind.eq(kind))
        .order(outbox::id)
        .select(outbox::to_address)
        .load(&mut conn)
        .unwrap()
}

async fn decide(
    app: &TestApp,
    mentor: &Client,
    id: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    app.post_form(mentor, &format!("{QUEUE}/{id}"), fields)
        .await
}

/// Maya sends work for Comic Creator; answers its public id.
async fn maya_sends(app: &TestApp, maya: &Client) -> String {
    let sent = send_work(
        app,
        maya,
        SUBMIT,
        &[
            ("reflection", "My comic is about a cat who learns to swim."),
            ("links", "https://example.org/maya/cat-comic"),
        ],
        vec![("cat.jpg", photo_with_location())],
    )
    .await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER, "the work is taken");
    public_id_of(&sent)
}

#[tokio::test]
async fn work_is_sent_changed_sent_again_and_approved_into_a_credential_with_its_evidence() {
    let (app, world) = spawn_world().await;
    let maya = app.signed_in(&world.account("maya")).await;
    let mentor = app.signed_in(&world.person("mentor")).await;

    let badge_page = app.get(&maya, "/c/riverton/badges/comic-creator").await;
    let html = badge_page.text().await.unwrap();
    assert!(
        html.contains(r#"id="submit-work""#),
        "the badge offers to send work"
    );
    let form = app.get(&maya, SUBMIT).await;
    assert_eq!(form.status(), StatusCode::OK);
    let html = form.text().await.unwrap();
    assert!(
        text_of(&html, "#rubric").contains("Four pages"),
        "the rubric is shown"
    );

    let id = maya_sends(&app, &maya).await;
    assert_eq!(submissions(&app), vec![("maya".into(), "submitted".into())]);
    let mine = app
        .get(&maya, &format!("/c/riverton/submissions/{id}"))
        .await;
    assert_eq!(mine.status(), StatusCode::OK);
    let html = mine.text().await.unwrap();
    assert_eq!(text_of(&html, "#submission-status"), "Waiting for a mentor");
    // The photo was decoded and written afresh: a PNG with no trace of where it was taken.
    let photo = app
        .get(&maya, &format!("/c/riverton/submissions/{id}/files/1"))
        .await;
    assert_eq!(photo.status(), StatusCode::OK);
    assert_eq!(photo.headers()["content-type"], "image/png");
    let bytes = photo.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\x89PNG"));
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        !text.contains("GPS") && !text.contains("41.878"),
        "no location survives"
    );
    // Sending again for the same badge goes to the work already sent.
    let again = app.get(&maya, SUBMIT).await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&again), format!("/c/riverton/submissions/{id}"));

    let queue = app.get(&mentor, QUEUE).await;
    assert_eq!(queue.status(), StatusCode::OK);
    let html = queue.text().await.unwrap();
    assert!(text_of(&html, "#queue").contains("maya"));
    assert!(text_of(&html, "#review-counts").contains("1 waiting"));
    let opened = app.get(&mentor, &format!("{QUEUE}/{id}")).await;
    let html = opened.text().await.unwrap();
    assert!(
        html.contains(r#"id="decision-form""#),
        "the mentor may decide"
    );
    assert!(html.contains(r#"id="held-for-you""#));

    // Asking for changes needs a note; without one nothing changes.
    let bare = decide(&app, &mentor, &id, &[("verdict", "changes")]).await;
    assert_eq!(bare.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bare.text().await.unwrap().contains("Write a note"));
    assert_eq!(submissions(&app)[0].1, "submitted");
    let asked = decide(
        &app,
        &mentor,
        &id,
        &[
            ("verdict", "changes"),
            ("met", "0"),
            ("feedback", "Lovely! Please ink the last page."),
        ],
    )
    .await;
    assert_eq!(asked.status(), StatusCode::SEE_OTHER);
    assert_eq!(submissions(&app)[0].1, "changes_requested");
    assert_eq!(
        mail_to(&app, "reviews.changes_requested"),
        vec!["parent@riverton.example".to_string()],
        "Maya has no address of her own: her parent is told"
    );
    let mine = app
        .get(&maya, &format!("/c/riverton/submissions/{id}"))
        .await;
    let html = mine.text().await.unwrap();
    assert!(text_of(&html, "#feedback").contains("ink the last page"));
    assert!(html.contains(r#"id="resubmit-form""#));

    let resent = send_work(
        &app,
        &maya,
        &format!("/c/riverton/submissions/{id}"),
        &[("reflection", "I inked the last page too."), ("links", "")],
        vec![("comic.pdf", pdf())],
    )
    .await;
    assert_eq!(resent.status(), StatusCode::SEE_OTHER);
    assert_eq!(submissions(&app)[0].1, "submitted");
    let file = app
        .get(&maya, &format!("/c/riverton/submissions/{id}/files/1"))
        .await;
    assert_eq!(file.headers()["content-type"], "application/pdf");
    assert!(file.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));

    app.get(&mentor, &format!("{QUEUE}/{id}")).await;
    let approved = decide(
        &app,
        &mentor,
        &id,
        &[
            ("verdict", "approve"),
            ("met", "0"),
            ("met", "1"),
            ("met", "2"),
        ],
    )
    .await;
    assert_eq!(approved.status(), StatusCode::SEE_OTHER);
    assert_eq!(submissions(&app)[0].1, "approved");
    let award: String = {
        use lanyard::db::schema::{awards, submissions};
        let mut conn = app.db.get().unwrap();
        let award: String = submissions::table
            .filter(submissions::public_id.eq(&id))
            .select(submissions::award_public_id.assume_not_null())
            .first(&mut conn)
            .unwrap();
        let method: String = awards::table
            .filter(awards::public_id.eq(&award))
            .select(awards::method)
            .first(&mut conn)
            .unwrap();
        assert_eq!(method, "review");
        award
    };
    assert_eq!(
        mail_to(&app, "awards.earned"),
        vec!["parent@riverton.example".to_string()]
    );
    let credential = app
        .credential_at(&app.url(&format!("/c/riverton/awards/{award}")))
        .await;
    let evidence = &credential["evidence"][0];
    assert_eq!(
        evidence["id"],
        app.url(&format!("/c/riverton/evidence/{id}")).as_str()
    );
    assert_eq!(evidence["narrative"], "I inked the last page too.");
    assert_eq!(evidence["type"][0], "Evidence");

    // The award page speaks to the family: the download first, the formats for verifiers
    // folded away, and (to Maya) the work it was earned with.
    let award_page = app
        .get(&maya, &format!("/c/riverton/awards/{award}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(award_page.contains(r#"id="download-badge""#));
    assert!(award_page.contains(r#"<details class="for-verifiers" id="for-verifiers">"#));
    assert!(award_page.contains(&format!(r#"href="/c/riverton/evidence/{id}""#)));

    // The evidence page is private until Maya shares it.
    let anonymous = app.client();
    let award_page = app
        .get(&anonymous, &format!("/c/riverton/awards/{award}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !award_page.contains(r#"id="evidence-link""#),
        "not to a stranger yet"
    );
    let page = app
        .get(&anonymous, &format!("/c/riverton/evidence/{id}"))
        .await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains(r#"id="evidence-private""#));
    assert!(!html.contains("inked the last page"));
    let file = app
        .get(&anonymous, &format!("/c/riverton/submissions/{id}/files/1"))
        .await;
    assert_eq!(file.status(), StatusCode::NOT_FOUND);
    let shared = app
        .post_form(
            &maya,
            &format!("/c/riverton/submissions/{id}/visibility"),
            &[("public", "1")],
        )
        .await;
    assert_eq!(shared.status(), StatusCode::SEE_OTHER);
    let html = app
        .get(&anonymous, &format!("/c/riverton/evidence/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("inked the last page"));
    let file = app
        .get(&anonymous, &format!("/c/riverton/submissions/{id}/files/1"))
        .await;
    assert_eq!(file.status(), StatusCode::OK);

    // The turnaround of each decision is kept.
    use lanyard::db::schema::{submission_events, submissions};
    let mut conn = app.db.get().unwrap();
    let turnarounds: Vec<Option<i64>> = submission_events::table
        .inner_join(submissions::table)
        .filter(submissions::public_id.eq(&id))
        .order(submission_events::id)
        .select(submission_events::turnaround_seconds)
        .load(&mut conn)
        .unwrap();
    assert_eq!(turnarounds.len(), 4, "sent, changes, sent again, approved");
    assert!(turnarounds[1].is_some() && turnarounds[3].is_some());
    assert!(turnarounds[0].is_none() && turnarounds[2].is_none());
}

#[tokio::test]
async fn bad_files_links_and_reflections_are_refused_and_nothing_is_kept() {
    let (app, world) = spawn_world().await;
    let maya = app.signed_in(&world.account("maya")).await;
    let good = [("reflection", "A comic."), ("links", "")];
    type Case<'a> = (
        &'a str,
        Vec<(&'a str, &'a str)>,
        Vec<(&'a str, Vec<u8>)>,
        &'a str,
    );
    let cases: Vec<Case> = vec![
        (
            "no reflection",
            vec![("reflection", " ")],
            vec![],
            "This is required.",
        ),
        (
            "a link that is not a web address",
            vec![("reflection", "A comic."), ("links", "javascript:alert(1)")],
            vec![],
            "full web address",
        ),
        (
            "a page of HTML named like a photo",
            good.to_vec(),
            vec![(
                "cat.png",
                b"<html><script>alert(1)</script></html>".to_vec(),
            )],
            "JPEG or PNG",
        ),
        (
            "an SVG drawing",
            good.to_vec(),
            vec![(
                "x.svg",
                b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec(),
            )],
            "JPEG or PNG",
        ),
        (
            "a PNG that is only a signature and noise",
            good.to_vec(),
            vec![("cat.png", b"\x89PNG\r\n\x1a\nnoise noise noise".to_vec())],
            "could not be read",
        ),
        (
            "a file over 5 MB",
            good.to_vec(),
            vec![("big.pdf", vec![b'%'; 5 * 1024 * 1024 + 10])],
            "at most 5 MB",
        ),
        (
            "four files",
            good.to_vec(),
            vec![
                ("a.pdf", pdf()),
                ("b.pdf", pdf()),
                ("c.pdf", pdf()),
                ("d.pdf", pdf()),
            ],
            "at most 3",
        ),
    ];
    for (what, fields, files, message) in cases {
        let sent = send_work(&app, &maya, SUBMIT, &fields, files).await;
        assert_eq!(sent.status(), StatusCode::UNPROCESSABLE_ENTITY, "{what}");
        let html = sent.text().await.unwrap();
        assert!(html.contains(message), "{what}: the form says {message:?}");
    }
    assert!(submissions(&app).is_empty(), "nothing was taken");
    // A badge earned only with codes takes no work.
    let by_code = app
        .get(&maya, "/c/riverton/badges/reading-explorer/submit")
        .await;
    assert_eq!(by_code.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_submission_opened_by_one_mentor_is_held_from_the_others_until_the_hold_ends() {
    let (app, world) = spawn_world().await;
    let maya = app.signed_in(&world.account("maya")).await;
    let mentor = app.signed_in(&world.person("mentor")).await;
    let admin = app.signed_in(&world.account("librarian")).await;
    let id = maya_sends(&app, &maya).await;

    app.get(&mentor, &format!("{QUEUE}/{id}")).await;
    let html = app
        .get(&admin, &format!("{QUEUE}/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(r#"id="held-by-other""#),
        "the admin sees who holds it"
    );
    assert!(!html.contains(r#"id="decision-form""#));
    let refused = decide(&app, &admin, &id, &[("verdict", "approve")]).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert_eq!(submissions(&app)[0].1, "submitted", "nothing changed");
    // Bulk approval skips what another mentor holds.
    let bulk = Form::new()
        .text("csrf_token", app.csrf(&admin).await)
        .text("pick", id.clone());
    let skipped = admin
        .post(app.url(QUEUE))
        .multipart(bulk)
        .send()
        .await
        .unwrap();
    assert_eq!(skipped.status(), StatusCode::SEE_OTHER);
    assert_eq!(submissions(&app)[0].1, "submitted");

    // Fifteen minutes later the hold is over (the clock moved in the database, not by sleeping).
    {
        use lanyard::db::schema::submissions;
        let mut conn = app.db.get().unwrap();
        diesel::update(submissions::table)
            .set(
                submissions::held_until
                    .eq(chrono::Utc::now().naive_utc() - chrono::Duration::minutes(1)),
            )
            .execute(&mut conn)
            .unwrap();
    }
    let html = app
        .get(&admin, &format!("{QUEUE}/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(r#"id="decision-form""#),
        "the admin may decide now"
    );
    let bulk = Form::new()
        .text("csrf_token", app.csrf(&admin).await)
        .text("pick", id.clone());
    let approved = admin
        .post(app.url(QUEUE))
        .multipart(bulk)
        .send()
        .await
        .unwrap();
    assert_eq!(approved.status(), StatusCode::SEE_OTHER);
    assert_eq!(submissions(&app)[0].1, "approved");
    // Deciding again finds nothing waiting.
    let late = decide(
        &app,
        &admin,
        &id,
        &[("verdict", "decline"), ("feedback", "No.")],
    )
    .await;
    assert_eq!(late.status(), StatusCode::CONFLICT);
    assert_eq!(submissions(&app)[0].1, "approved");
}

#[tokio::test]
async fn only_the_organizations_staff_review_and_only_the_family_sees_the_work() {
    let (app, world) = spawn_world().await;
    let maya = app.signed_in(&world.account("maya")).await;
    let id = maya_sends(&app, &maya).await;
    let review = format!("{QUEUE}/{id}");
    let mine = format!("/c/riverton/submissions/{id}");

    // Another organization of the city, another city, a youth: 404.
    let curator = app.signed_in(&world.curator()).await;
    let elsewhere = app.signed_in(&world.other_admin).await;
    for client in [&curator, &elsewhere, &maya] {
        for path in [QUEUE, review.as_str()] {
            assert_eq!(
                app.get(client, path).await.status(),
                StatusCode::NOT_FOUND,
                "{path}"
            );
        }
        let decided = decide(&app, client, &id, &[("verdict", "approve")]).await;
        assert_eq!(decided.status(), StatusCode::NOT_FOUND);
    }
    assert_eq!(submissions(&app)[0].1, "submitted");
    // Nobody signed in: to the sign-in page.
    let anonymous = app.client();
    assert_sign_in_redirect(&app.get(&anonymous, QUEUE).await);
    assert_sign_in_redirect(&app.get(&anonymous, &mine).await);
    assert_sign_in_redirect(&app.get(&anonymous, SUBMIT).await);

    // Another youth never sees Maya's work; her parent does, but cannot send it for her.
    let classmate = {
        let mut conn = app.db.get().unwrap();
        let city: i64 = {
            use lanyard::db::schema::cities;
            cities::table
                .filter(cities::slug.eq("riverton"))
                .select(cities::id)
                .first(&mut conn)
                .unwrap()
        };
        let hash = lanyard::auth::password::hash("classmate-password").unwrap();
        lanyard::demo::add_youth(
            &mut conn,
            lanyard::ids::CityId(city),
            &["classmate".to_string()],
            &hash,
            chrono::NaiveDate::from_ymd_opt(2011, 3, 3),
        )
        .unwrap();
        app.signed_in(&crate::helpers::Person {
            username: "classmate".into(),
            password: "classmate-password".into(),
        })
        .await
    };
    assert_eq!(
        app.get(&classmate, &mine).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&classmate, &format!("{mine}/files/1"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let other_youth = app.signed_in(&world.other_youth).await;
    assert_eq!(
        app.get(&other_youth, &mine).await.status(),
        StatusCode::NOT_FOUND
    );
    let parent = app.signed_in(&world.person("parent")).await;
    assert_eq!(app.get(&parent, &mine).await.status(), StatusCode::OK);
    let html = app
        .get(&parent, "/c/riverton/me")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains(&id), "the parent's page lists Maya's work");
    let hide = app
        .post_form(&parent, &format!("{mine}/visibility"), &[("public", "1")])
        .await;
    assert_eq!(hide.status(), StatusCode::FORBIDDEN);
    // Staff opening the youth's page are sent to the review page.
    let mentor = app.signed_in(&world.person("mentor")).await;
    let sent = app.get(&mentor, &mine).await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&sent), review);
    // Only youth send work.
    assert_eq!(
        app.get(&mentor, SUBMIT).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(&parent, SUBMIT).await.status(),
        StatusCode::FORBIDDEN
    );
    // The evidence of work not approved is nobody else's business.
    assert_eq!(
        app.get(&anonymous, &format!("/c/riverton/evidence/{id}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn mentors_get_one_digest_a_day_and_anyone_can_turn_mail_off() {
    let (app, world) = spawn_world().await;
    let maya = app.signed_in(&world.account("maya")).await;
    let id = maya_sends(&app, &maya).await;
    let digests = |app: &TestApp| {
        let mut conn = app.db.get().unwrap();
        lanyard::review::digest::queue_due(
            &mut conn,
            "http://lanyard.test",
            chrono::Utc::now().naive_utc(),
        )
        .unwrap()
    };
    let mentor = app.signed_in(&world.person("mentor")).await;
    let off = app
        .post_form(&mentor, "/c/riverton/me/notifications", &[("off", "1")])
        .await;
    assert_eq!(off.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        digests(&app),
        1,
        "the library's admin, not the mentor who turned mail off"
    );
    assert_eq!(digests(&app), 0, "once a day");
    let sent = mail_to(&app, "reviews.digest");
    assert_eq!(sent.len(), 1);
    assert!(!sent[0].contains("mentor"), "{sent:?}");

    // Maya's parent (who is told of her badges) turns mail off: the mentor's request for
    // changes reaches nobody.
    let parent = app.signed_in(&world.person("parent")).await;
    let quiet = app
        .post_form(&parent, "/c/riverton/me/notifications", &[("off", "1")])
        .await;
    assert_eq!(quiet.status(), StatusCode::SEE_OTHER);
    let html = app
        .get(&parent, "/c/riverton/me")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("You turned e-mail off"));
    app.get(&mentor, &format!("{QUEUE}/{id}")).await;
    let asked = decide(
        &app,
        &mentor,
        &id,
        &[
            ("verdict", "changes"),
            ("feedback", "One more page, please."),
        ],
    )
    .await;
    assert_eq!(asked.status(), StatusCode::SEE_OTHER);
    assert!(mail_to(&app, "reviews.changes_requested").is_empty());
}

/// The library's queue filters by badge, activity and age band.
#[tokio::test]
async fn the_queue_filters_by_badge_activity_and_age() {
    let (app, world): (TestApp, World) = spawn_world().await;
    let maya = app.signed_in(&world.account("maya")).await;
    maya_sends(&app, &maya).await;
    let mentor = app.signed_in(&world.person("mentor")).await;
    let rows = |html: &str| text_of(html, "#queue tbody");
    let all = app.get(&mentor, QUEUE).await.text().await.unwrap();
    assert!(rows(&all).contains("maya"));
    let teens = app
        .get(&mentor, &format!("{QUEUE}?age=13-15"))
        .await
        .text()
        .await
        .unwrap();
    assert!(rows(&teens).contains("maya"), "Maya is 15");
    let younger = app
        .get(&mentor, &format!("{QUEUE}?age=9-12"))
        .await
        .text()
        .await
        .unwrap();
    assert!(younger.contains(r#"id="queue-empty""#));
    let other_badge = app
        .get(&mentor, &format!("{QUEUE}?badge=reading-explorer"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        rows(&other_badge).contains("maya"),
        "reading-explorer is not by review: no filter"
    );
    let activity: i64 = {
        use lanyard::db::schema::{activity_badges, badges};
        let mut conn = app.db.get().unwrap();
        activity_badges::table
            .inner_join(badges::table)
            .filter(badges::slug.eq("reading-explorer"))
            .select(activity_badges::activity_id)
            .first(&mut conn)
            .unwrap()
    };
    let elsewhere = app
        .get(&mentor, &format!("{QUEUE}?activity={activity}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        elsewhere.contains(r#"id="queue-empty""#),
        "no comic work in the reading activity"
    );
    // Nonsense in the filters changes nothing and breaks nothing.
    let odd = app
        .get(
            &mentor,
            &format!("{QUEUE}?age=%00&activity=x&badge=%3Cscript%3E"),
        )
        .await;
    assert_eq!(odd.status(), StatusCode::OK);
}
