//! `lanyard demo`: a seeded city to click through, on a fresh SQLite database (or an emptied
//! PostgreSQL one); `--scale city` grows it to a real city's size (see [`city`]).

pub mod city;
pub mod target;

use std::path::PathBuf;

use chrono::{Datelike, Duration, NaiveDate, Utc};
use diesel::Connection;
use rand::Rng;
use serde::Serialize;

use crate::audit::Actor;
use crate::auth::store::{self as auth_store, CityRole, NewUser, OrgRole};
use crate::auth::{password, AccountKind, AccountStatus};
use crate::awards::issuance::{self, Issue};
use crate::awards::AwardMethod;
use crate::db::{Db, DbConnection};
use crate::ids::{CityId, OrgId, UserId};
use crate::settings::Settings;
use crate::startup::Application;
use crate::{activities, badges, earning, orgs, tenancy};

#[derive(Serialize)]
pub struct DemoAccount {
    pub role: &'static str,
    pub username: String,
    pub password: String,
}

#[derive(Serialize)]
pub struct DemoOrg {
    pub slug: String,
    pub name: String,
    pub api_token: String,
}

#[derive(Serialize)]
pub struct DemoBadge {
    pub slug: String,
    pub name: String,
    pub org: String,
}

#[derive(Serialize)]
pub struct DemoCode {
    pub code: String,
    pub badge: String,
}

#[derive(Serialize)]
pub struct DemoData {
    pub base_url: String,
    /// The operator's mail viewer: every message the demo sends, no SMTP needed.
    pub mail_url: String,
    pub city: String,
    pub accounts: Vec<DemoAccount>,
    pub orgs: Vec<DemoOrg>,
    pub badges: Vec<DemoBadge>,
    pub claim_codes: Vec<DemoCode>,
    pub activities: Vec<crate::catalog::demo::DemoActivity>,
    /// Every city of the demo, by slug; `city` is the first.
    pub cities: Vec<String>,
    /// An award made by a mentor's approval of submitted work: its credential carries evidence.
    pub evidence_award: String,
    /// The city's own badge of the demo's city pathway (Comic Creator and Star Gazer).
    pub pathway_badge: String,
    /// A youth's award of it, issued by the city (`/c/{city}/issuer`).
    pub pathway_award: String,
    /// Riverton's OpenID provider, when the demo runs with `--oidc`.
    pub oidc: Option<crate::demo_oidc::DemoOidc>,
    /// What `--scale city` added to Riverton, and how long it took.
    pub city_scale: Option<city::CityReport>,
}

/// How big the demo's city is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Scale {
    /// A handful of accounts, two organizations and a few dozen activities.
    Small,
    /// The small demo plus 200,000 youth, 500 organizations, 10,000 activities and 1,000,000
    /// awards over a ten-week season that ended last week.
    City,
}

/// How `lanyard demo` runs (its command-line flags).
pub struct DemoOptions {
    pub port: u16,
    /// Folder for the SQLite database, the master key and evidence.
    pub data: PathBuf,
    pub json: bool,
    pub oidc: bool,
    pub scale: Scale,
    /// The seed of `--scale city`'s data.
    pub seed: u64,
    /// A PostgreSQL database to empty and use instead of SQLite; its name must contain "demo".
    pub database_url: Option<String>,
}

fn demo_password(role: &str) -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::thread_rng();
    let tail: String = (0..8)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    format!("{role}-{tail}")
}

struct Seeder<'a> {
    conn: &'a mut DbConnection,
    now: chrono::NaiveDateTime,
    accounts: Vec<DemoAccount>,
}

impl Seeder<'_> {
    fn user(
        &mut self,
        role: &'static str,
        username: &str,
        name: &str,
        kind: AccountKind,
        birth_date: Option<NaiveDate>,
        printed: bool,
    ) -> anyhow::Result<UserId> {
        let password = demo_password(&role.replace('_', ""));
        let hash = password::hash(&password)?;
        let under_13 = birth_date
            .map(|b| crate::fields::age_on(b, self.now.date()) < 13)
            .unwrap_or(false);
        let email = (kind != AccountKind::Youth).then(|| format!("{username}@riverton.example"));
        let id = auth_store::insert_user(
            self.conn,
            &NewUser {
                username,
                email: email.as_deref(),
                display_name: name,
                password_hash: &hash,
                kind,
                birth_date,
                status: if under_13 {
                    AccountStatus::AwaitingConsent
                } else {
                    AccountStatus::Active
                },
                is_operator: kind == AccountKind::Operator,
                locale: None,
            },
            self.now,
        )?;
        if printed {
            self.accounts.push(DemoAccount {
                role,
                username: username.to_string(),
                password,
            });
        }
        Ok(id)
    }

    fn years_ago(&self, years: i64) -> Option<NaiveDate> {
        Some(self.now.date() - Duration::days(years * 365 + years / 4 + 30))
    }
}

/// An organization of the demo: slug, name, description, admin, activities, badges.
type OrgSpec = (
    &'static str,
    &'static str,
    &'static str,
    UserId,
    [ActivitySpec; 2],
    [DemoBadgeSpec; 2],
);

/// An activity of the demo: title, description, place.
type ActivitySpec = (&'static str, &'static str, &'static str);

struct DemoBadgeSpec {
    slug: &'static str,
    name: &'static str,
    description: &'static str,
    criteria: &'static str,
}

/// Seeds the demo city into an empty database.
pub fn seed(db: &Db) -> anyhow::Result<DemoData> {
    let mut conn = db.get()?;
    conn.transaction(|conn| seed_in(conn))
}

fn seed_in(conn: &mut DbConnection) -> anyhow::Result<DemoData> {
    let now = Utc::now().naive_utc();
    auth_store::mark_set_up(conn, now)?;
    let city = tenancy::store::insert(conn, "riverton", "Riverton", "Summer of Learning", now)?;
    let mut s = Seeder {
        conn,
        now,
        accounts: Vec::new(),
    };
    s.user(
        "operator",
        "operator",
        "Olu Operator",
        AccountKind::Operator,
        None,
        true,
    )?;
    let coordinator = s.user(
        "coordinator",
        "coordinator",
        "Casey Rivera",
        AccountKind::Staff,
        None,
        true,
    )?;
    let librarian = s.user(
        "org_admin",
        "librarian",
        "Lena Park",
        AccountKind::Staff,
        None,
        true,
    )?;
    let mentor = s.user(
        "mentor",
        "mentor",
        "Marco Diaz",
        AccountKind::Staff,
        None,
        true,
    )?;
    let curator = s.user(
        "org_admin",
        "curator",
        "Priya Shah",
        AccountKind::Staff,
        None,
        true,
    )?;
    let maya_birth = s.years_ago(15);
    let maya = s.user(
        "youth",
        "maya",
        "Maya",
        AccountKind::Youth,
        maya_birth,
        true,
    )?;
    let parent = s.user(
        "parent",
        "parent",
        "Jordan Lee",
        AccountKind::Parent,
        None,
        true,
    )?;
    let leo_birth = s.years_ago(11);
    let leo = s.user("youth", "leo", "Leo", AccountKind::Youth, leo_birth, false)?;
    let sam_birth = s.years_ago(16);
    let sam = s.user("youth", "sam", "Sam", AccountKind::Youth, sam_birth, false)?;
    let ava_birth = s.years_ago(14);
    let ava = s.user("youth", "ava", "Ava", AccountKind::Youth, ava_birth, false)?;
    let second = SecondCityPeople {
        coordinator: s.user(
            "second_city_coordinator",
            "lakeport-coordinator",
            "Dana Okafor",
            AccountKind::Staff,
            None,
            true,
        )?,
        admin: s.user(
            "second_city_org_admin",
            "lakeport-maker",
            "Ruth Alvarez",
            AccountKind::Staff,
            None,
            true,
        )?,
    };
    let accounts = std::mem::take(&mut s.accounts);
    let conn = s.conn;

    auth_store::add_city_member(conn, city, coordinator, CityRole::Coordinator, now)?;
    for youth in [maya, leo, sam, ava] {
        auth_store::add_city_member(conn, city, youth, CityRole::Youth, now)?;
    }
    auth_store::add_city_member(conn, city, parent, CityRole::Parent, now)?;
    auth_store::link_parent(conn, parent, maya, now)?;
    auth_store::link_parent(conn, parent, leo, now)?;

    let mut demo_orgs = Vec::new();
    let mut demo_badges = Vec::new();
    let mut claim_codes = Vec::new();
    let org_specs: [OrgSpec; 2] = [
        (
            "library",
            "Riverton Public Library",
            "Books, comics, maker space and homework help in every neighbourhood branch.",
            librarian,
            [
                (
                    "Summer Reading Challenge",
                    "Read five books of your choice and talk about one with a librarian.",
                    "All branches",
                ),
                (
                    "Comic Creators Workshop",
                    "Write and draw a four-page comic with a local artist.",
                    "Main Library, Room 2",
                ),
            ],
            [
                DemoBadgeSpec {
                    slug: "reading-explorer",
                    name: "Reading Explorer",
                    description: "Read five books this summer and shared one of them.",
                    criteria:
                        "Read five books of your choice and tell a librarian about one of them.",
                },
                DemoBadgeSpec {
                    slug: "comic-creator",
                    name: "Comic Creator",
                    description: "Made a four-page comic from script to ink.",
                    criteria: "Finish a four-page comic in the Comic Creators Workshop.",
                },
            ],
        ),
        (
            "science-museum",
            "Riverton Science Museum",
            "Hands-on science for curious minds of every age.",
            curator,
            [
                (
                    "Rocket Lab",
                    "Design, build and launch a water rocket.",
                    "Museum courtyard",
                ),
                (
                    "Night Sky Watch",
                    "Find five constellations with our telescopes.",
                    "Observatory deck",
                ),
            ],
            [
                DemoBadgeSpec {
                    slug: "rocket-scientist",
                    name: "Rocket Scientist",
                    description: "Built and launched a water rocket.",
                    criteria:
                        "Launch a rocket you built in Rocket Lab and measure how high it flew.",
                },
                DemoBadgeSpec {
                    slug: "star-gazer",
                    name: "Star Gazer",
                    description: "Found five constellations in the night sky.",
                    criteria: "Find and name five constellations during Night Sky Watch.",
                },
            ],
        ),
    ];
    for (index, (slug, name, description, admin, activity_specs, badge_specs)) in
        org_specs.into_iter().enumerate()
    {
        let org: OrgId = orgs::store::insert_with_admin(
            conn,
            city,
            &orgs::store::NewOrg {
                slug,
                name,
                description,
                website: "",
            },
            admin,
            now,
        )?;
        if index == 0 {
            orgs::store::add_member(conn, city, org, mentor, OrgRole::Mentor, now)?;
        }
        let (token, hash) = orgs::tokens::generate();
        orgs::store::insert_token(conn, org, "demo", &hash, now)?;
        demo_orgs.push(DemoOrg {
            slug: slug.into(),
            name: name.into(),
            api_token: token,
        });
        let mut activity_ids = Vec::new();
        for (offset, (title, text, place)) in activity_specs.into_iter().enumerate() {
            let start = now.date() + Duration::days(7 * (offset as i64 + 1));
            activity_ids.push(activities::store::insert(
                conn,
                city,
                org,
                &activities::store::NewActivity {
                    title,
                    description: text,
                    location: place,
                    starts_on: Some(start),
                    ends_on: Some(start + Duration::days(28)),
                },
                now,
            )?);
        }
        for (spec, activity) in badge_specs.into_iter().zip(activity_ids) {
            let design = demo_design(spec.slug);
            let image = design.image();
            let badge = badges::store::insert(
                conn,
                city,
                org,
                &badges::store::NewBadge {
                    slug: spec.slug,
                    name: spec.name,
                    description: spec.description,
                    criteria: spec.criteria,
                    activity: Some(activity),
                    image_mime: image.mime,
                    image_data: &image.bytes,
                    // Star Gazer shows a badge that expires a year after it is earned.
                    valid_days: (spec.slug == "star-gazer").then_some(365),
                },
                now,
            )?;
            let mut content = badges::store::content(conn, badge)?;
            content.tags = demo_tags(spec.slug);
            badges::store::save_content(conn, badge, &content, Some(&design.to_json()))?;
            badges::store::keep_current_version(conn, badge, now)?;
            let codes = earning::store::generate(conn, city, badge, admin, 5, now)?;
            claim_codes.extend(codes.into_iter().map(|code| DemoCode {
                code,
                badge: spec.slug.into(),
            }));
            demo_badges.push(DemoBadge {
                slug: spec.slug.into(),
                name: spec.name.into(),
                org: slug.into(),
            });
            // Sam already earned the first badge of each organization, through the API.
            if demo_badges.len() % 2 == 1 {
                let home = tenancy::store::find(conn, city)?;
                issuance::issue(
                    conn,
                    &Issue {
                        city: &home,
                        org,
                        badge,
                        recipient: sam,
                        method: AwardMethod::Api,
                        claim_code: None,
                        evidence: None,
                        actor: &Actor::command_line(),
                        base_url: "",
                        seeded: true,
                        now,
                    },
                )
                .map_err(|e| anyhow::anyhow!("seeding an award: {e:?}"))?;
            }
        }
    }
    let evidence_award = seed_review(conn, city, mentor, ava, now)?;
    let (pathway_badge, pathway_award) = seed_pathway(conn, city, ava, now)?;
    let activities = crate::catalog::demo::seed(conn, city, "riverton", now)?;
    // The next summer: the demo shows a season to come.
    let season_year = if now.date().month() > 8 {
        now.date().year() + 1
    } else {
        now.date().year()
    };
    let season_start = NaiveDate::from_ymd_opt(season_year, 6, 23);
    let season_end = NaiveDate::from_ymd_opt(season_year, 8, 15);
    tenancy::store::set_profile(
        conn,
        city,
        "en,es",
        (season_start, season_end),
        ("#0b5394", "#b45309"),
    )?;
    let second_slug = seed_second_city(conn, &second, now)?;
    Ok(DemoData {
        base_url: String::new(),
        mail_url: String::new(),
        city: "riverton".into(),
        accounts,
        orgs: demo_orgs,
        badges: demo_badges,
        claim_codes,
        activities,
        cities: vec!["riverton".into(), second_slug],
        evidence_award,
        pathway_badge,
        pathway_award,
        oidc: None,
        city_scale: None,
    })
}

/// The city's own badge Riverton Explorer, given by a city pathway to every youth who holds
/// both Comic Creator (the library, earned by review) and Star Gazer (the museum). Ava, who
/// had her comic approved, went stargazing too: she completes it. Answers the badge's slug and
/// Ava's award of it.
fn seed_pathway(
    conn: &mut DbConnection,
    city: CityId,
    ava: UserId,
    now: chrono::NaiveDateTime,
) -> anyhow::Result<(String, String)> {
    let home = tenancy::store::find(conn, city)?;
    let museum = orgs::store::find_by_slug(conn, city, "science-museum")?
        .ok_or_else(|| anyhow::anyhow!("the demo has no museum"))?;
    let star = badges::store::find_by_slug(conn, city, "star-gazer")?
        .ok_or_else(|| anyhow::anyhow!("the demo has no star-gazer badge"))?;
    issuance::issue(
        conn,
        &Issue {
            city: &home,
            org: museum.id,
            badge: star.id,
            recipient: ava,
            method: AwardMethod::ClaimCode,
            claim_code: None,
            evidence: None,
            actor: &Actor::command_line(),
            base_url: "",
            seeded: true,
            now,
        },
    )
    .map_err(|e| anyhow::anyhow!("seeding an award: {e:?}"))?;
    let issuer = orgs::store::city_issuer(conn, &home)?;
    let slug = "riverton-explorer";
    let design = demo_design(slug);
    let image = design.image();
    let badge = badges::store::insert(
        conn,
        city,
        issuer.id,
        &badges::store::NewBadge {
            slug,
            name: "Riverton Explorer",
            description: "Made something at the library and explored the sky at the museum.",
            criteria: "Earn Comic Creator and Star Gazer this summer.",
            activity: None,
            image_mime: image.mime,
            image_data: &image.bytes,
            valid_days: None,
        },
        now,
    )?;
    let content = badges::store::content(conn, badge)?;
    badges::store::save_content(conn, badge, &content, Some(&design.to_json()))?;
    badges::store::keep_current_version(conn, badge, now)?;
    let completed = crate::pathways::store::create(
        conn,
        &crate::pathways::store::NewPathway {
            city: &home,
            org: issuer.id,
            owner_is_city: true,
            badge: slug,
            rule: crate::pathways::Rule::All,
            required: 0,
            sources: &["comic-creator".to_string(), "star-gazer".to_string()],
            seeded: true,
        },
        &Actor::command_line(),
        "",
        now,
    )?
    .map_err(|e| anyhow::anyhow!("seeding the pathway: {e:?}"))?;
    let award = completed
        .into_iter()
        .next()
        .ok_or_else(|| anyhow::anyhow!("Ava did not complete the demo's pathway"))?;
    Ok((slug.to_string(), award.public_id))
}

/// Comic Creator is earned by review (or a code), with a rubric: Ava sent a comic and the
/// library's mentor approved it, so the demo holds a credential with evidence. Answers that
/// award's public id.
fn seed_review(
    conn: &mut DbConnection,
    city: CityId,
    mentor: UserId,
    youth: UserId,
    now: chrono::NaiveDateTime,
) -> anyhow::Result<String> {
    let home = tenancy::store::find(conn, city)?;
    let badge = badges::store::find_by_slug(conn, city, "comic-creator")?
        .ok_or_else(|| anyhow::anyhow!("the demo has no comic-creator badge"))?;
    let mut content = badges::store::content(conn, badge.id)?;
    content.earned_by = crate::badges::EarnedBy::Both.as_str().into();
    content.rubric = vec![
        "Four pages, each with at least three panels".into(),
        "A story and characters of your own".into(),
        "Inked and lettered, not only pencilled".into(),
    ];
    // Only how it is earned changes, not what its credentials say: its version stays.
    badges::store::save_content(conn, badge.id, &content, badge.design.as_deref())?;
    let public_id = crate::review::store::new_public_id();
    let sent = now - Duration::days(2);
    crate::review::store::submit(
        conn,
        &home,
        &badge.slug,
        youth,
        &crate::review::store::Draft {
            reflection: "I made a four-page comic about a robot who is afraid of the rain. \
                The hardest part was lettering the speech bubbles so they fit.",
            links: &["https://example.org/sam/robot-in-the-rain".to_string()],
            files: &[],
            evidence_public: true,
        },
        &public_id,
        "",
        sent,
    )
    .map_err(|e| anyhow::anyhow!("seeding a submission: {e:?}"))?;
    let issued = crate::review::store::decide(
        conn,
        &crate::review::store::Decision {
            city: &home,
            org: badge.org_id,
            public_id: &public_id,
            mentor,
            actor: &Actor::command_line(),
            verdict: crate::review::store::Verdict::Approve,
            rubric_met: &[0, 1, 2],
            feedback: "Great pacing, and the rain really feels wet!",
            base_url: "",
            seeded: true,
            now: sent + Duration::hours(20),
        },
    )
    .map_err(|e| anyhow::anyhow!("seeding a review: {e:?}"))?;
    issued
        .map(|i| i.public_id)
        .ok_or_else(|| anyhow::anyhow!("the seeded review made no award"))
}

/// The accounts of the demo's second city.
struct SecondCityPeople {
    coordinator: UserId,
    admin: UserId,
}

/// A second, smaller city, so that tenancy is visible: its own coordinator, one organization,
/// two activities and a badge. Answers its slug.
fn seed_second_city(
    conn: &mut DbConnection,
    people: &SecondCityPeople,
    now: chrono::NaiveDateTime,
) -> anyhow::Result<String> {
    let slug = "lakeport";
    let city = tenancy::store::insert(conn, slug, "Lakeport", "Make something this summer", now)?;
    tenancy::store::set_profile(
        conn,
        city,
        "en",
        (
            NaiveDate::from_ymd_opt(now.date().year(), 7, 1),
            NaiveDate::from_ymd_opt(now.date().year(), 8, 22),
        ),
        ("#065f46", "#7c2d12"),
    )?;
    auth_store::add_city_member(conn, city, people.coordinator, CityRole::Coordinator, now)?;
    let org = orgs::store::insert_with_admin(
        conn,
        city,
        &orgs::store::NewOrg {
            slug: "makerspace",
            name: "Lakeport Makerspace",
            description: "Tools, wood, wires and people who show you how.",
            website: "",
        },
        people.admin,
        now,
    )?;
    let mut first_activity = None;
    for (offset, (title, text, place)) in [
        (
            "Build a Birdhouse",
            "Measure, saw and assemble a birdhouse to take home.",
            "Makerspace workshop",
        ),
        (
            "Blinking Lights",
            "Solder your first circuit: a badge that blinks.",
            "Makerspace electronics bench",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let start = now.date() + Duration::days(7 * (offset as i64 + 1));
        let id = activities::store::insert(
            conn,
            city,
            org,
            &activities::store::NewActivity {
                title,
                description: text,
                location: place,
                starts_on: Some(start),
                ends_on: Some(start + Duration::days(14)),
            },
            now,
        )?;
        first_activity.get_or_insert(id);
    }
    let image = badges::image::default_image("Young Maker");
    badges::store::insert(
        conn,
        city,
        org,
        &badges::store::NewBadge {
            slug: "young-maker",
            name: "Young Maker",
            description: "Built something real with your own hands.",
            criteria: "Finish the birdhouse and show it to a mentor.",
            activity: first_activity,
            image_mime: image.mime,
            image_data: &image.bytes,
            valid_days: None,
        },
        now,
    )?;
    Ok(slug.to_string())
}

/// Adds active youth of `city`, all with one password hash (hash it once for many), for tests
/// and benchmarks that need a crowd: a classroom, a bulk award.
pub fn add_youth(
    conn: &mut DbConnection,
    city: CityId,
    usernames: &[String],
    password_hash: &str,
    birth_date: Option<NaiveDate>,
) -> anyhow::Result<Vec<UserId>> {
    let now = Utc::now().naive_utc();
    conn.transaction(|conn| {
        usernames
            .iter()
            .map(|username| {
                let id = auth_store::insert_user(
                    conn,
                    &NewUser {
                        username,
                        email: None,
                        display_name: username,
                        password_hash,
                        kind: AccountKind::Youth,
                        birth_date,
                        status: AccountStatus::Active,
                        is_operator: false,
                        locale: None,
                    },
                    now,
                )?;
                auth_store::add_city_member(conn, city, id, CityRole::Youth, now)?;
                Ok(id)
            })
            .collect()
    })
}

/// Re-creates the demo database (under `data`, or the PostgreSQL one named), seeds it at the
/// scale asked and serves it on `port`.
pub async fn run(options: DemoOptions) -> anyhow::Result<()> {
    let DemoOptions {
        port,
        data,
        json,
        oidc,
        scale,
        seed: city_seed,
        database_url,
    } = options;
    if let Some(url) = &database_url {
        target::check_demo_database(url)?;
    }
    std::fs::create_dir_all(&data)?;
    let mut settings = Settings::load()?;
    settings.database.url = match &database_url {
        Some(url) => {
            target::wipe_postgres(url)?;
            url.clone()
        }
        None => {
            let file = data.join("demo.db");
            for suffix in ["", "-wal", "-shm"] {
                let path = PathBuf::from(format!("{}{suffix}", file.display()));
                if path.exists() {
                    std::fs::remove_file(&path)?;
                }
            }
            format!("sqlite://{}", file.display())
        }
    };
    settings.server.host = "127.0.0.1".into();
    settings.server.port = port;
    settings.redis.url = String::new();
    settings.signing.mode = "in-process".into();
    settings.signing.master_key_file = data.join("master.key").display().to_string();
    settings.signing.generate_master_key = true;
    settings.oidc.secret_key_file = data.join("oidc-secrets.key").display().to_string();
    settings.oidc.generate_secret_key = true;
    settings.storage.evidence_dir = data.join("evidence").display().to_string();
    // Started first: a missing Node.js ends the demo before anything is seeded.
    let provider = oidc.then(crate::demo_oidc::start).transpose()?;
    let oidc_settings = settings.oidc.clone();
    let db = Db::connect(&settings.database.url, settings.database.pool_size)?;
    let mut demo = seed(&db)?;
    if scale == Scale::City {
        demo.city_scale = Some(grow_city(&db, city_seed)?);
    }
    let app = Application::build_with_db(settings, db.clone()).await?;
    demo.base_url = format!("http://127.0.0.1:{}", app.port());
    demo.mail_url = format!("{}/admin/mail", demo.base_url);
    seed_consent(&db, &demo.base_url)?;
    if let Some(provider) = &provider {
        demo.oidc =
            Some(crate::demo_oidc::connect(provider, &demo.base_url, &db, &oidc_settings).await?);
    }
    if json {
        println!("{}", serde_json::to_string(&demo)?);
    } else {
        print_demo(&demo);
    }
    app.run_until_stopped().await?;
    drop(provider);
    Ok(())
}

/// Grows the seeded Riverton to [`city::CityScale::CITY`], with a progress bar on a terminal.
fn grow_city(db: &Db, seed: u64) -> anyhow::Result<city::CityReport> {
    let mut conn = db.get()?;
    let riverton = tenancy::store::find_by_slug(&mut conn, "riverton")?
        .ok_or_else(|| anyhow::anyhow!("the demo city is missing"))?;
    let bar =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{elapsed:>4} {msg:<38} [{bar:40}] {human_pos}/{human_len} rows",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_message("planning the city");
    city::generate(&mut conn, riverton.id, &city::CityScale::CITY, seed, &bar)
}

/// The demo's waiting child (Leo, under 13) asks the demo parent for consent: the message is in
/// the mail viewer, and its link (or the parent's page) confirms the account. Its links point at
/// `base`, so this runs once the server's address is known.
pub fn seed_consent(db: &Db, base: &str) -> anyhow::Result<()> {
    let mut conn = db.get()?;
    let now = Utc::now().naive_utc();
    let city = crate::tenancy::store::find_by_slug(&mut conn, "riverton")?
        .ok_or_else(|| anyhow::anyhow!("the demo city is missing"))?;
    let (leo, _) = auth_store::find_user_by_login(&mut conn, "leo")?
        .ok_or_else(|| anyhow::anyhow!("the demo's child is missing"))?;
    conn.transaction(|conn| {
        crate::family::consent::open(conn, &city, &leo, "parent@riverton.example", base, now)
    })?;
    Ok(())
}

fn print_demo(demo: &DemoData) {
    println!("\nLanyard demo: {}/c/{}\n", demo.base_url, demo.city);
    for city in demo.cities.iter().skip(1) {
        println!("Another city: {}/c/{city}\n", demo.base_url);
    }
    println!("Accounts (sign in at {}/signin):", demo.base_url);
    for a in &demo.accounts {
        println!("  {:<12} {:<12} {}", a.role, a.username, a.password);
    }
    println!("\nOrganizations and API tokens:");
    for o in &demo.orgs {
        println!("  {:<16} {}", o.slug, o.api_token);
    }
    println!(
        "\nUnused claim codes (redeem at {}/c/{}/claim):",
        demo.base_url, demo.city
    );
    for c in demo.claim_codes.iter().step_by(5) {
        println!("  {}  {}", c.code, c.badge);
    }
    if let Some(oidc) = &demo.oidc {
        println!(
            "\nOpenID sign-in: press \"Sign in with {}\" at {}/signin?next=/c/{}, then type one of\n  {}\n(each has its demo account's e-mail; newcomer has no account) at the provider {}",
            oidc.button,
            demo.base_url,
            demo.city,
            oidc.subjects.join(", "),
            oidc.issuer
        );
    }
    println!(
        "\nE-mail is not sent anywhere: the operator reads it at {}",
        demo.mail_url
    );
    if let Some(grown) = &demo.city_scale {
        println!(
            "\nCity scale (seed {}): {} youth, {} organizations, {} activities, {} awards ({} revoked), season {} to {}, made in {:.0} s.\nEvery generated youth (e.g. {}) has the password {}",
            grown.seed,
            grown.youth,
            grown.organizations,
            grown.activities,
            grown.awards,
            grown.revoked,
            grown.season.starts_on,
            grown.season.ends_on,
            grown.seconds,
            grown.sample_youth.join(", "),
            grown.youth_password
        );
    }
    println!("\nThe demo database is re-created on every start.\n");
}

/// The demo badges' designs: varied shapes, colours and icons.
fn demo_design(slug: &str) -> badges::design::Design {
    let (shape, primary, secondary, icon, label) = match slug {
        "reading-explorer" => ("circle", "#1f5f8b", "#ffd166", "book-open", "READ"),
        "comic-creator" => ("rounded", "#9a3412", "#fde68a", "paintbrush", "ART"),
        "rocket-scientist" => ("shield", "#312e81", "#f9a8d4", "rocket", "STEM"),
        "star-gazer" => ("hexagon", "#0f172a", "#facc15", "telescope", ""),
        "riverton-explorer" => ("circle", "#0b5394", "#fbbf24", "compass", "CITY"),
        _ => ("octagon", "#166534", "#bbf7d0", "leaf", ""),
    };
    badges::design::Design {
        shape: shape.into(),
        primary: primary.into(),
        secondary: secondary.into(),
        icon: icon.into(),
        label: label.into(),
        upload: false,
    }
}

fn demo_tags(slug: &str) -> Vec<String> {
    let tags: &[&str] = match slug {
        "reading-explorer" => &["reading", "literacy"],
        "comic-creator" => &["art", "writing"],
        "rocket-scientist" => &["science", "engineering"],
        "star-gazer" => &["science", "astronomy"],
        _ => &[],
    };
    tags.iter().map(|t| t.to_string()).collect()
}
