//! The authorization sweep: every route of `src/routes.rs` × every kind of person × objects of
//! this city, of another city and of another organization. Each route names who may use it;
//! everyone else is sent to sign in, gets 403, or gets 404 without a trace of the object they
//! asked for. A route added to the table without a line here fails
//! `every_route_of_the_table_is_in_the_sweep`.

use std::collections::BTreeSet;

use reqwest::{Client, Method, Response, StatusCode};

use crate::helpers::{location, spawn_world, Person, TestApp, World};

/// Who may use a route.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Anyone signed in, of any city.
    SignedIn,
    /// Members of the city of the path.
    CityMember,
    /// Youth of the city of the path.
    Youth,
    /// Staff (mentors and admins) of the organization of the path, and coordinators.
    OrgStaff,
    /// Admins of the organization of the path, and coordinators.
    OrgAdmin,
    /// Admins of the organization that issued the award of the path, and coordinators.
    AwardAdmin,
    /// Coordinators of the city of the path (and the operator).
    Coordinator,
    /// The platform operator.
    Operator,
    /// The partner API: the bearer token of the organization of the path or of the award.
    Api,
    /// The person a staff invitation is for.
    Invitee,
    /// Anyone signed in with a staff account (of any city), not youth or parents.
    StaffAccount,
    /// Anyone signed in with an account that may take an e-mail invitation's role (youth and
    /// parents get 403).
    JoinInvitation,
    /// The youth whose submission it is (their parents and the organization's staff get 403).
    Owner,
    /// A parent of the youth whose submission it is (the youth and the organization's staff
    /// get 403).
    ParentOfWork,
    /// The youth whose submission it is and their parents (the organization's staff are sent
    /// to the review page).
    Family,
    /// Work not made public: the youth, their parents and the organization's staff; anyone
    /// else, signed in or not, gets 404.
    Evidence,
    /// A parent of the child of the path (Leo, who is under 13); anyone else signed in gets 404.
    ParentOf,
    /// Anyone signed in with a parent account (anyone else signed in gets 403).
    ParentAccount,
    /// Parents of the city of the path (its other members get 403).
    Parent,
}

/// The people of the sweep.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Anonymous,
    Youth,
    Parent,
    Mentor,
    OrgAdmin,
    OtherOrgAdmin,
    Coordinator,
    OtherCityStaff,
    OtherCityCoordinator,
    OtherCityYouth,
    Operator,
}

/// What a person may get.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Outcome {
    /// The route does its work (any answer but 5xx, 401, 403, 404 or a sign-in redirect).
    Allowed,
    SignIn,
    Forbidden,
    NotFound,
}

impl Who {
    fn of_other_city(self) -> bool {
        matches!(
            self,
            Who::OtherCityStaff | Who::OtherCityCoordinator | Who::OtherCityYouth
        )
    }

    /// Expected outcome on an object of Riverton's library.
    fn expected(self, access: Access) -> Outcome {
        use Outcome::*;
        if access == Access::Public {
            return Allowed;
        }
        if access == Access::Evidence {
            return match self {
                Who::Youth
                | Who::Parent
                | Who::Mentor
                | Who::OrgAdmin
                | Who::Coordinator
                | Who::Operator => Allowed,
                _ => NotFound,
            };
        }
        if self == Who::Anonymous {
            return SignIn;
        }
        if access == Access::JoinInvitation {
            return match self {
                Who::Youth | Who::Parent | Who::OtherCityYouth => Forbidden,
                _ => Allowed,
            };
        }
        if access == Access::Invitee {
            return if self == Who::OtherCityStaff {
                Allowed
            } else {
                NotFound
            };
        }
        if access == Access::StaffAccount {
            return match self {
                Who::Youth | Who::Parent | Who::OtherCityYouth => Forbidden,
                _ => Allowed,
            };
        }
        if access == Access::ParentAccount {
            return if self == Who::Parent {
                Allowed
            } else {
                Forbidden
            };
        }
        if access == Access::Parent {
            return match self {
                Who::Parent => Allowed,
                _ if self.of_other_city() => NotFound,
                _ => Forbidden,
            };
        }
        if access == Access::ParentOf {
            return if self == Who::Parent {
                Allowed
            } else {
                NotFound
            };
        }
        if access == Access::SignedIn
            || (self == Who::Operator
                && !matches!(access, Access::Youth | Access::Owner | Access::ParentOfWork))
        {
            return Allowed;
        }
        if access == Access::Operator {
            return Forbidden;
        }
        if self.of_other_city() {
            return NotFound;
        }
        match access {
            Access::CityMember => Allowed,
            Access::Owner => match self {
                Who::Youth => Allowed,
                Who::OtherOrgAdmin => NotFound,
                _ => Forbidden,
            },
            Access::ParentOfWork => match self {
                Who::Parent => Allowed,
                Who::OtherOrgAdmin => NotFound,
                _ => Forbidden,
            },
            Access::Family => match self {
                Who::OtherOrgAdmin => NotFound,
                _ => Allowed,
            },
            Access::Youth if self == Who::Operator => Forbidden,
            Access::Youth => match self {
                Who::Youth => Allowed,
                _ => Forbidden,
            },
            Access::Coordinator => match self {
                Who::Coordinator => Allowed,
                _ => Forbidden,
            },
            Access::OrgStaff => match self {
                Who::Mentor | Who::OrgAdmin | Who::Coordinator => Allowed,
                _ => NotFound,
            },
            Access::OrgAdmin | Access::AwardAdmin => match self {
                Who::OrgAdmin | Who::Coordinator => Allowed,
                Who::Mentor => Forbidden,
                _ => NotFound,
            },
            Access::Public
            | Access::SignedIn
            | Access::Operator
            | Access::Api
            | Access::Invitee
            | Access::StaffAccount
            | Access::Evidence
            | Access::ParentOf
            | Access::ParentAccount
            | Access::Parent => Forbidden,
            Access::JoinInvitation => Forbidden,
        }
    }
}

/// Every route of the table: method, pattern, who may use it.
const SWEEP: &[(&str, &str, Access)] = &[
    ("GET", "/api/v1/openapi.json", Access::Public),
    ("GET", "/api/v1/orgs/{org}/badges", Access::Api),
    ("POST", "/api/v1/orgs/{org}/awards", Access::Api),
    ("GET", "/api/v1/awards/{id}", Access::Api),
    ("POST", "/api/v1/awards/{id}/revoke", Access::Api),
    ("POST", "/api/v1/verify", Access::Public),
    ("GET", "/static/{file}", Access::Public),
    ("GET", "/healthz", Access::Public),
    ("GET", "/readyz", Access::Public),
    ("POST", "/__test/clock", Access::Public),
    ("GET", "/", Access::Public),
    ("GET", "/setup", Access::Public),
    ("POST", "/setup", Access::Public),
    ("GET", "/signin", Access::Public),
    ("POST", "/signin", Access::Public),
    ("POST", "/signout", Access::Public),
    ("GET", "/signin/oidc", Access::Public),
    ("GET", "/signin/oidc/callback", Access::Public),
    ("GET", "/forgot", Access::Public),
    ("POST", "/forgot", Access::Public),
    ("GET", "/reset/{token}", Access::Public),
    ("POST", "/reset/{token}", Access::Public),
    ("GET", "/verify-email/{token}", Access::Public),
    ("POST", "/verify-email/{token}", Access::Public),
    ("POST", "/locale", Access::Public),
    ("GET", "/verify", Access::Public),
    ("POST", "/verify", Access::Public),
    ("GET", "/me", Access::SignedIn),
    ("POST", "/invitations/{id}/accept", Access::Invitee),
    ("POST", "/invitations/{id}/decline", Access::Invitee),
    ("GET", "/consent/{token}", Access::Public),
    ("POST", "/consent/{token}", Access::ParentAccount),
    ("POST", "/consent/{token}/signup", Access::Public),
    ("POST", "/consent/{token}/decline", Access::Public),
    ("GET", "/join/{token}", Access::Public),
    ("POST", "/join/{token}", Access::JoinInvitation),
    ("POST", "/join/{token}/signup", Access::Public),
    ("GET", "/admin", Access::Operator),
    ("GET", "/admin/cities", Access::Operator),
    ("POST", "/admin/cities", Access::Operator),
    ("GET", "/admin/audit", Access::Operator),
    ("GET", "/admin/audit.csv", Access::Operator),
    ("GET", "/admin/keys", Access::Operator),
    ("POST", "/admin/keys/rotate", Access::Operator),
    ("GET", "/admin/mail", Access::Operator),
    ("GET", "/admin/mail/{id}", Access::Operator),
    ("GET", "/admin/mail/{id}/html", Access::Operator),
    ("GET", "/c/{city}", Access::Public),
    ("GET", "/c/{city}/activities", Access::Public),
    ("GET", "/c/{city}/activities/{activity}", Access::Public),
    (
        "GET",
        "/c/{city}/activities/{activity}/image",
        Access::Public,
    ),
    ("GET", "/c/{city}/badges/{badge}", Access::Public),
    ("GET", "/c/{city}/badges/{badge}/image", Access::Public),
    ("GET", "/c/{city}/awards/{award}", Access::Public),
    (
        "POST",
        "/c/{city}/awards/{award}/revoke",
        Access::AwardAdmin,
    ),
    (
        "GET",
        "/c/{city}/awards/{award}/credential.json",
        Access::Public,
    ),
    ("GET", "/c/{city}/awards/{award}/badge.png", Access::Public),
    ("GET", "/c/{city}/awards/{award}/badge.svg", Access::Public),
    ("GET", "/c/{city}/awards/{award}/assertion", Access::Public),
    ("GET", "/c/{city}/badges/{badge}/badgeclass", Access::Public),
    ("GET", "/c/{city}/orgs/{org}/issuer", Access::Public),
    ("GET", "/c/{city}/orgs/{org}/issuer/ob2", Access::Public),
    ("GET", "/c/{city}/orgs/{org}/revocations", Access::Public),
    ("GET", "/c/{city}/orgs/{org}/status/{list}", Access::Public),
    ("GET", "/c/{city}/signup", Access::Public),
    ("POST", "/c/{city}/signup", Access::Public),
    ("GET", "/c/{city}/me", Access::CityMember),
    ("POST", "/c/{city}/me/notifications", Access::CityMember),
    ("POST", "/c/{city}/me/name", Access::Youth),
    ("GET", "/c/{city}/me/export", Access::CityMember),
    ("POST", "/c/{city}/me/export", Access::CityMember),
    (
        "POST",
        "/c/{city}/me/children/{child}/export",
        Access::ParentOf,
    ),
    ("GET", "/c/{city}/me/delete", Access::CityMember),
    // Sent without a choice or a password: refused (422), nothing deleted.
    ("POST", "/c/{city}/me/delete", Access::CityMember),
    (
        "GET",
        "/c/{city}/me/children/{child}/delete",
        Access::ParentOf,
    ),
    (
        "POST",
        "/c/{city}/me/children/{child}/delete",
        Access::ParentOf,
    ),
    ("POST", "/c/{city}/me/consent", Access::CityMember),
    ("POST", "/c/{city}/me/verify-email", Access::CityMember),
    (
        "POST",
        "/c/{city}/me/children/{child}/password",
        Access::ParentOf,
    ),
    ("POST", "/c/{city}/me/link-code", Access::Youth),
    ("GET", "/c/{city}/me/handoff", Access::Youth),
    ("POST", "/c/{city}/me/handoff", Access::Youth),
    (
        "POST",
        "/c/{city}/me/children/{child}/handoff",
        Access::ParentOf,
    ),
    ("POST", "/c/{city}/me/children", Access::Parent),
    (
        "POST",
        "/c/{city}/me/children/{child}/consent",
        Access::ParentOf,
    ),
    (
        "POST",
        "/c/{city}/me/children/{child}/name",
        Access::ParentOf,
    ),
    (
        "POST",
        "/c/{city}/me/children/{child}/awards/{award}/display",
        Access::ParentOf,
    ),
    ("POST", "/c/{city}/me/family-digest", Access::Parent),
    ("POST", "/c/{city}/me/neighborhood", Access::Youth),
    (
        "POST",
        "/c/{city}/submissions/{submission}/parent",
        Access::ParentOfWork,
    ),
    ("GET", "/c/{city}/badges/{badge}/submit", Access::Youth),
    ("POST", "/c/{city}/badges/{badge}/submit", Access::Youth),
    ("GET", "/c/{city}/submissions/{submission}", Access::Family),
    ("POST", "/c/{city}/submissions/{submission}", Access::Owner),
    (
        "POST",
        "/c/{city}/submissions/{submission}/visibility",
        Access::Owner,
    ),
    (
        "GET",
        "/c/{city}/submissions/{submission}/files/{n}",
        Access::Evidence,
    ),
    ("GET", "/c/{city}/evidence/{submission}", Access::Evidence),
    ("GET", "/c/{city}/orgs/{org}/dashboard", Access::OrgStaff),
    (
        "GET",
        "/c/{city}/orgs/{org}/dashboard/csv/{table}",
        Access::OrgStaff,
    ),
    ("GET", "/c/{city}/orgs/{org}/reviews", Access::OrgStaff),
    ("POST", "/c/{city}/orgs/{org}/reviews", Access::OrgStaff),
    (
        "GET",
        "/c/{city}/orgs/{org}/reviews/{submission}",
        Access::OrgStaff,
    ),
    (
        "POST",
        "/c/{city}/orgs/{org}/reviews/{submission}",
        Access::OrgStaff,
    ),
    ("GET", "/c/{city}/pathways", Access::Coordinator),
    ("POST", "/c/{city}/pathways", Access::Coordinator),
    ("GET", "/c/{city}/orgs/{org}/pathways", Access::OrgAdmin),
    ("POST", "/c/{city}/orgs/{org}/pathways", Access::OrgAdmin),
    ("GET", "/c/{city}/issuer", Access::Public),
    ("GET", "/c/{city}/claim", Access::Youth),
    ("POST", "/c/{city}/claim", Access::Youth),
    ("GET", "/c/{city}/dashboard", Access::Coordinator),
    (
        "GET",
        "/c/{city}/dashboard/csv/{table}",
        Access::Coordinator,
    ),
    ("GET", "/c/{city}/audit", Access::Coordinator),
    ("GET", "/c/{city}/audit.csv", Access::Coordinator),
    ("GET", "/c/{city}/settings", Access::Coordinator),
    ("POST", "/c/{city}/settings", Access::Coordinator),
    ("POST", "/c/{city}/settings/logo", Access::Coordinator),
    ("GET", "/c/{city}/settings/sign-in", Access::Coordinator),
    ("POST", "/c/{city}/settings/sign-in", Access::Coordinator),
    (
        "POST",
        "/c/{city}/settings/sign-in/remove",
        Access::Coordinator,
    ),
    ("GET", "/c/{city}/brand.css", Access::Public),
    ("GET", "/c/{city}/privacy", Access::Public),
    ("GET", "/c/{city}/logo", Access::Public),
    ("GET", "/c/{city}/coordinators", Access::Coordinator),
    ("POST", "/c/{city}/coordinators", Access::Coordinator),
    (
        "POST",
        "/c/{city}/coordinators/invitations/{invitation}/withdraw",
        Access::Coordinator,
    ),
    ("GET", "/c/{city}/orgs", Access::Coordinator),
    ("POST", "/c/{city}/orgs", Access::Coordinator),
    ("GET", "/c/{city}/o/{org}", Access::Public),
    ("GET", "/c/{city}/partners/apply", Access::Public),
    ("POST", "/c/{city}/partners/apply", Access::StaffAccount),
    ("GET", "/c/{city}/partners", Access::Coordinator),
    ("GET", "/c/{city}/partners/{org}", Access::Coordinator),
    (
        "POST",
        "/c/{city}/partners/{org}/approve",
        Access::Coordinator,
    ),
    (
        "POST",
        "/c/{city}/partners/{org}/decline",
        Access::Coordinator,
    ),
    ("GET", "/c/{city}/orgs/{org}/edit", Access::OrgAdmin),
    ("POST", "/c/{city}/orgs/{org}/edit", Access::OrgAdmin),
    ("POST", "/c/{city}/orgs/{org}/invitations", Access::OrgAdmin),
    (
        "POST",
        "/c/{city}/orgs/{org}/invitations/withdraw",
        Access::OrgAdmin,
    ),
    ("GET", "/c/{city}/orgs/{org}", Access::OrgStaff),
    ("POST", "/c/{city}/orgs/{org}/members", Access::OrgAdmin),
    (
        "POST",
        "/c/{city}/orgs/{org}/members/{member}/remove",
        Access::OrgAdmin,
    ),
    ("POST", "/c/{city}/orgs/{org}/tokens", Access::OrgAdmin),
    ("GET", "/c/{city}/orgs/{org}/awards", Access::OrgStaff),
    ("GET", "/c/{city}/orgs/{org}/awards/new", Access::OrgStaff),
    (
        "GET",
        "/c/{city}/orgs/{org}/youth/{youth}/password",
        Access::OrgStaff,
    ),
    (
        "POST",
        "/c/{city}/orgs/{org}/youth/{youth}/password",
        Access::OrgStaff,
    ),
    ("POST", "/c/{city}/orgs/{org}/awards", Access::OrgStaff),
    // Mentors write activities too; the status changes come last, as they change the page.
    (
        "GET",
        "/c/{city}/orgs/{org}/activities/new",
        Access::OrgStaff,
    ),
    ("POST", "/c/{city}/orgs/{org}/activities", Access::OrgStaff),
    (
        "GET",
        "/c/{city}/orgs/{org}/activities/import",
        Access::OrgStaff,
    ),
    (
        "POST",
        "/c/{city}/orgs/{org}/activities/import",
        Access::OrgStaff,
    ),
    (
        "GET",
        "/c/{city}/orgs/{org}/activities/{activity}/edit",
        Access::OrgStaff,
    ),
    (
        "POST",
        "/c/{city}/orgs/{org}/activities/{activity}",
        Access::OrgStaff,
    ),
    (
        "POST",
        "/c/{city}/orgs/{org}/activities/{activity}/publish",
        Access::OrgStaff,
    ),
    (
        "POST",
        "/c/{city}/orgs/{org}/activities/{activity}/archive",
        Access::OrgStaff,
    ),
    (
        "POST",
        "/c/{city}/orgs/{org}/activities/{activity}/reopen",
        Access::OrgStaff,
    ),
    ("GET", "/c/{city}/orgs/{org}/badges/new", Access::OrgAdmin),
    ("POST", "/c/{city}/orgs/{org}/badges", Access::OrgAdmin),
    (
        "GET",
        "/c/{city}/orgs/{org}/badges/preview.svg",
        Access::OrgStaff,
    ),
    (
        "GET",
        "/c/{city}/orgs/{org}/badges/{badge}/edit",
        Access::OrgStaff,
    ),
    (
        "POST",
        "/c/{city}/orgs/{org}/badges/{badge}",
        Access::OrgStaff,
    ),
    (
        "GET",
        "/c/{city}/orgs/{org}/badges/{badge}/codes",
        Access::OrgStaff,
    ),
    // Mentors print codes for the events they run.
    (
        "POST",
        "/c/{city}/orgs/{org}/badges/{badge}/codes",
        Access::OrgStaff,
    ),
    (
        "GET",
        "/c/{city}/orgs/{org}/badges/{badge}/codes/batches/{batch}",
        Access::OrgStaff,
    ),
    (
        "GET",
        "/c/{city}/orgs/{org}/badges/{badge}/codes/batches/{batch}/print",
        Access::OrgStaff,
    ),
    (
        "GET",
        "/c/{city}/orgs/{org}/badges/{badge}/codes/batches/{batch}/codes.csv",
        Access::OrgStaff,
    ),
    // Removing the logo comes after `/c/{city}/logo` has been asked for.
    (
        "POST",
        "/c/{city}/settings/logo/remove",
        Access::Coordinator,
    ),
];

/// Routes whose POST changes who the client is; they are swept last for each person.
const ENDS_THE_SESSION: [&str; 1] = ["/signout"];

/// Routes that change what the client may do (accepting an invitation makes the invitee staff):
/// swept after every other route but those that end the session.
const CHANGES_THE_ROLES: [&str; 3] = [
    "/invitations/{id}/accept",
    "/invitations/{id}/decline",
    "/join/{token}",
];

/// `(method, full pattern)` of every `.route(…)` in `src/routes.rs`, scopes included.
fn routes_of_the_table() -> BTreeSet<(String, String)> {
    let source = include_str!("../../src/routes.rs");
    let bytes = source.as_bytes();
    let mut found = BTreeSet::new();
    let mut scopes: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    let string_at = |from: usize| -> Option<(String, usize)> {
        let rest = &source[from..];
        let start = rest.find('"')?;
        let end = rest[start + 1..].find('"')? + start + 1;
        Some((rest[start + 1..end].to_string(), from + end + 1))
    };
    while i < bytes.len() {
        let rest = &source[i..];
        if rest.starts_with("//") {
            i += rest.find('\n').unwrap_or(rest.len());
            continue;
        }
        if rest.starts_with("web::scope(") {
            // A scope lasts until the parenthesis around it (its `.service(…)`) closes.
            let (prefix, next) = string_at(i + "web::scope(".len()).expect("scope prefix");
            scopes.push((prefix, depth));
            depth += 1;
            i = next;
            continue;
        }
        if rest.starts_with(".route(") {
            depth += 1;
            let (path, next) = string_at(i + ".route(".len()).expect("route path");
            let after = source[next..].trim_start_matches([',', ' ', '\n']);
            let method = after
                .split('(')
                .next()
                .expect("route method")
                .trim()
                .to_uppercase();
            let prefix: String = scopes.iter().map(|(p, _)| p.as_str()).collect();
            found.insert((method, format!("{prefix}{path}")));
            i = next;
            continue;
        }
        match bytes[i] {
            b'(' => depth += 1,
            b')' => {
                depth = depth.saturating_sub(1);
                scopes.retain(|(_, d)| *d <= depth);
            }
            b'"' => {
                i += rest[1..].find('"').map(|e| e + 1).unwrap_or(0);
            }
            _ => {}
        }
        i += 1;
    }
    found
}

#[test]
fn every_route_of_the_table_is_in_the_sweep() {
    let table = routes_of_the_table();
    assert!(
        table.len() >= 40,
        "the parser found only {} routes",
        table.len()
    );
    let swept: BTreeSet<(String, String)> = SWEEP
        .iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    let missing: Vec<_> = table.difference(&swept).collect();
    let stale: Vec<_> = swept.difference(&table).collect();
    assert!(
        missing.is_empty(),
        "routes with no line in the sweep: {missing:?}"
    );
    assert!(stale.is_empty(), "sweep lines with no route: {stale:?}");
}

/// The objects a path is filled with.
struct Objects {
    city: &'static str,
    org: &'static str,
    badge: &'static str,
    award: String,
    activity: String,
    /// A batch of claim codes of the badge.
    batch: String,
    /// Work a youth submitted for the badge (with one file), waiting for review.
    submission: String,
    list: &'static str,
    /// A staff member of the organization.
    member: &'static str,
    /// Two staff invitations of Elmstead's admin, one to accept and one to decline.
    invitations: [String; 2],
    /// A message of the outbox (the operator's, whatever the city).
    mail: String,
    /// The `/join/{token}` path of an e-mail invitation to coordinate Riverton.
    join: String,
    /// Live links of Leo's consent request, a reset and an e-mail verification.
    links: Links,
    /// A pending coordinator invitation of Riverton, to withdraw.
    withdraw: String,
    /// An award of Leo (the child of the path), whose public display the parent decides.
    child_award: String,
}

fn fill(pattern: &str, objects: &Objects) -> String {
    pattern
        .replace("{city}", objects.city)
        .replace("{org}", objects.org)
        .replace("{badge}", objects.badge)
        .replace("{activity}", &objects.activity)
        .replace("{batch}", &objects.batch)
        .replace("{submission}", &objects.submission)
        .replace("{n}", "1")
        .replace("{table}", "weeks")
        .replace("{child}", "leo")
        .replace(
            "/awards/{award}/display",
            &format!("/awards/{}/display", objects.child_award),
        )
        .replace("{youth}", "maya")
        .replace("{award}", &objects.award)
        .replace(
            "/invitations/{id}/accept",
            &format!("/invitations/{}/accept", objects.invitations[0]),
        )
        .replace(
            "/invitations/{id}/decline",
            &format!("/invitations/{}/decline", objects.invitations[1]),
        )
        .replace("/admin/mail/{id}", &format!("/admin/mail/{}", objects.mail))
        .replace("{id}", &objects.award)
        .replace("{list}", objects.list)
        .replace("{member}", objects.member)
        .replace("{file}", "style.css")
        .replace("/join/{token}", &objects.join)
        .replace("/consent/{token}", &objects.links.consent)
        .replace("/reset/{token}", &objects.links.reset)
        .replace("/verify-email/{token}", &objects.links.verify_email)
        .replace("{invitation}", &objects.withdraw)
}

/// The variants of a route: Riverton's library objects, then the objects of Elmstead's parks
/// under Riverton's path, then the library's objects under the science museum.
fn variants(
    pattern: &str,
    home: &Objects,
    other_city: &Objects,
    other_org: &Objects,
) -> Vec<(&'static str, String)> {
    let mut out = vec![("home", fill(pattern, home))];
    // An invitation belongs to a person, not to a city: the invitee sweep covers everyone else.
    let has_objects = [
        "{org}",
        "{badge}",
        "{award}",
        "{id}",
        "{list}",
        "{member}",
        "{activity}",
        "{batch}",
        "{submission}",
    ]
    .iter()
    .any(|p| pattern.contains(p))
        && !pattern.starts_with("/invitations/");
    if has_objects {
        out.push(("another city's object", fill(pattern, other_city)));
    }
    // Another organization's path to this organization's badge or award (an organization's own
    // pages under another's slug are covered by the admin of another organization).
    if pattern.contains("{org}")
        && [
            "{badge}",
            "{award}",
            "{member}",
            "{activity}",
            "{batch}",
            "{submission}",
        ]
        .iter()
        .any(|p| pattern.contains(p))
    {
        out.push(("another organization's object", fill(pattern, other_org)));
    }
    out
}

struct Sweep {
    app: TestApp,
    world: World,
    home: Objects,
    other_city: Objects,
    other_org: Objects,
}

async fn prepare() -> Sweep {
    let (app, world) = spawn_world().await;
    give_riverton_a_logo(&app);
    let maya = world.person("youth");
    let home_award = app
        .award_through_api(
            &world.token_of("library"),
            "library",
            "comic-creator",
            &maya.username,
        )
        .await;
    let other_award = app
        .award_through_api(
            &world.other_token,
            "parks",
            "trail-blazer",
            &world.other_youth.username,
        )
        .await;
    let invitations = invite_elmsteads_admin(&app, &world).await;
    let mail = crate::mail::queue_mail(&app, "sweep@example.test", "sweep")
        .0
        .to_string();
    crate::invitations::invite(
        &app,
        "riverton",
        None,
        lanyard::invitations::InvitedRole::Coordinator,
        "sweep@example.org",
        &world.person("coordinator").username,
    );
    let join = crate::invitations::join_path_in_mail(&app, "sweep@example.org");
    let links = family_links(&app, &world).await;
    let withdraw = crate::invitations::invite(
        &app,
        "riverton",
        None,
        lanyard::invitations::InvitedRole::Coordinator,
        "withdraw@example.org",
        &world.person("coordinator").username,
    )
    .to_string();
    let (home_activity, other_activity) = sweep_activities(&app);
    let (home_batch, other_batch) = (
        sweep_batch(&app, "reading-explorer"),
        sweep_batch(&app, "trail-blazer"),
    );
    let (home_submission, other_submission) = sweep_submissions(&app, &world).await;
    let leo_award = award_of_leo(&app);
    let id = |award: &serde_json::Value| {
        award["id"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| award["id"].to_string())
    };
    Sweep {
        home: Objects {
            city: "riverton",
            org: "library",
            badge: "reading-explorer",
            award: id(&home_award),
            activity: home_activity.clone(),
            batch: home_batch.clone(),
            submission: home_submission.clone(),
            list: "1",
            member: "mentor",
            invitations: invitations.clone(),
            mail: mail.clone(),
            join: join.clone(),
            links: links.clone(),
            withdraw: withdraw.clone(),
            child_award: leo_award.clone(),
        },
        other_city: Objects {
            city: "riverton",
            org: "parks",
            badge: "trail-blazer",
            award: id(&other_award),
            activity: other_activity,
            batch: other_batch,
            submission: other_submission,
            list: "1",
            member: "elm-admin",
            invitations: invitations.clone(),
            mail: mail.clone(),
            join: join.clone(),
            links: links.clone(),
            withdraw: withdraw.clone(),
            child_award: id(&other_award),
        },
        other_org: Objects {
            city: "riverton",
            org: "science-museum",
            badge: "reading-explorer",
            award: id(&home_award),
            activity: home_activity,
            batch: home_batch,
            submission: home_submission,
            list: "1",
            member: "mentor",
            invitations,
            mail,
            join,
            links,
            withdraw,
            child_award: leo_award,
        },
        app,
        world,
    }
}

/// An award of Leo (a row, no credential: the route only decides its page's display).
fn award_of_leo(app: &TestApp) -> String {
    use diesel::prelude::*;
    use lanyard::db::schema::{awards, badges, users};
    let mut conn = app.db.get().unwrap();
    let (leo, city): (i64, i64) = users::table
        .inner_join(
            lanyard::db::schema::city_members::table
                .on(lanyard::db::schema::city_members::user_id.eq(users::id)),
        )
        .filter(users::username.eq("leo"))
        .select((users::id, lanyard::db::schema::city_members::city_id))
        .first(&mut conn)
        .unwrap();
    let (badge, org): (i64, i64) = badges::table
        .filter(badges::city_id.eq(city))
        .filter(badges::slug.eq("reading-explorer"))
        .select((badges::id, badges::org_id))
        .first(&mut conn)
        .unwrap();
    let public_id = "leo-sweep-award".to_string();
    diesel::insert_into(awards::table)
        .values((
            awards::public_id.eq(&public_id),
            awards::city_id.eq(city),
            awards::org_id.eq(org),
            awards::badge_id.eq(badge),
            awards::recipient_id.eq(leo),
            awards::method.eq("staff"),
            awards::awarded_at.eq(chrono::Utc::now().naive_utc()),
        ))
        .execute(&mut conn)
        .unwrap();
    public_id
}

/// Live links of each kind sent by e-mail.
#[derive(Clone)]
struct Links {
    consent: String,
    reset: String,
    verify_email: String,
}

/// Leo's consent request (to the demo parent), a password reset of the librarian and an
/// e-mail verification of the coordinator: the paths of their links.
async fn family_links(app: &TestApp, world: &World) -> Links {
    let path = |to: &str, prefix: &str| crate::family::path_in_mail(app, to, prefix);
    lanyard::demo::seed_consent(&app.db, &app.address).expect("consent request");
    let librarian = world.person("org_admin").username;
    app.post_form(&app.client(), "/forgot", &[("login", &librarian)])
        .await;
    let coordinator = world.person("coordinator").username;
    {
        use diesel::Connection;
        let mut conn = app.db.get().expect("connection");
        let (user, _) = lanyard::auth::store::find_user_by_login(&mut conn, &coordinator)
            .unwrap()
            .unwrap();
        let email = format!("{coordinator}@riverton.example");
        conn.transaction(|conn| {
            lanyard::auth::recovery::send(
                conn,
                &user,
                &email,
                lanyard::auth::recovery::Purpose::VerifyEmail,
                &app.address,
                chrono::Utc::now().naive_utc(),
            )
        })
        .expect("verification link");
    }
    Links {
        consent: path("parent@riverton.example", "/consent/"),
        reset: path(&format!("{librarian}@riverton.example"), "/reset/"),
        verify_email: path(&format!("{coordinator}@riverton.example"), "/verify-email/"),
    }
}

/// A published activity of the library with an image, and one of Elmstead's parks.
/// Reading Explorer and Trail Blazer become badges earned by review too; Maya sends work for
/// Reading Explorer (with a PDF), and Elmstead's youth has work for Trail Blazer waiting.
async fn sweep_submissions(app: &TestApp, world: &World) -> (String, String) {
    use diesel::prelude::*;
    use lanyard::db::schema::{badges, submissions, users};
    {
        let mut conn = app.db.get().expect("connection");
        diesel::update(
            badges::table.filter(badges::slug.eq_any(["reading-explorer", "trail-blazer"])),
        )
        .set(badges::earned_by.eq("both"))
        .execute(&mut conn)
        .expect("by review");
    }
    let maya = app.signed_in(&world.person("youth")).await;
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", app.csrf(&maya).await)
        .text("reflection", "I read five books.")
        .part(
            "files",
            reqwest::multipart::Part::bytes(
                b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n".to_vec(),
            )
            .file_name("books.pdf"),
        );
    let sent = maya
        .post(app.url("/c/riverton/badges/reading-explorer/submit"))
        .multipart(form)
        .send()
        .await
        .expect("sent");
    assert_eq!(sent.status(), StatusCode::SEE_OTHER, "Maya's work is taken");
    let home = location(&sent).rsplit('/').next().expect("id").to_string();
    let mut conn = app.db.get().expect("connection");
    let (badge, org, city): (i64, i64, i64) = badges::table
        .filter(badges::slug.eq("trail-blazer"))
        .select((badges::id, badges::org_id, badges::city_id))
        .first(&mut conn)
        .expect("trail-blazer");
    let youth: i64 = users::table
        .filter(users::username.eq(&world.other_youth.username))
        .select(users::id)
        .first(&mut conn)
        .expect("Elmstead's youth");
    let other = lanyard::review::store::new_public_id();
    let now = chrono::Utc::now().naive_utc();
    diesel::insert_into(submissions::table)
        .values((
            submissions::public_id.eq(&other),
            submissions::city_id.eq(city),
            submissions::org_id.eq(org),
            submissions::badge_id.eq(badge),
            submissions::youth_id.eq(youth),
            submissions::status.eq("submitted"),
            submissions::reflection.eq("I walked every trail."),
            submissions::created_at.eq(now),
            submissions::submitted_at.eq(now),
        ))
        .execute(&mut conn)
        .expect("Elmstead's submission");
    (home, other)
}

/// A batch of three single-use codes of `badge`, made by its city's first staff member.
fn sweep_batch(app: &TestApp, badge: &str) -> String {
    use diesel::prelude::*;
    use lanyard::db::schema::badges;
    let mut conn = app.db.get().expect("connection");
    let (id, city, creator): (i64, i64, i64) = badges::table
        .filter(badges::slug.eq(badge))
        .select((badges::id, badges::city_id, badges::org_id))
        .first(&mut conn)
        .expect("badge");
    let maker: i64 = lanyard::db::schema::org_members::table
        .filter(lanyard::db::schema::org_members::org_id.eq(creator))
        .select(lanyard::db::schema::org_members::user_id)
        .first(&mut conn)
        .expect("a staff member");
    lanyard::earning::store::create_batch(
        &mut conn,
        lanyard::ids::CityId(city),
        lanyard::ids::BadgeId(id),
        lanyard::ids::UserId(maker),
        &lanyard::earning::store::NewBatch {
            kind: lanyard::earning::store::CodeKind::Single,
            count: 3,
            valid_from: None,
            valid_until: None,
            activity: None,
            session_on: None,
            site: String::new(),
        },
        chrono::Utc::now().naive_utc(),
    )
    .expect("batch")
    .to_string()
}

/// So that `/c/{city}/logo` has something to serve.
fn give_riverton_a_logo(app: &TestApp) {
    let mut conn = app.db.get().expect("connection");
    let riverton = lanyard::tenancy::store::find_by_slug(&mut conn, "riverton")
        .expect("city")
        .expect("the city exists");
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><rect width="8" height="8"/></svg>"#;
    lanyard::tenancy::store::set_logo(&mut conn, riverton.id, Some(("image/svg+xml", svg)))
        .expect("logo");
}

fn sweep_activities(app: &TestApp) -> (String, String) {
    use lanyard::activities::store;
    let mut conn = app.db.get().expect("connection");
    let city = |slug: &str, conn: &mut lanyard::db::DbConnection| {
        lanyard::tenancy::store::find_by_slug(conn, slug)
            .expect("city")
            .expect("the city exists")
    };
    let riverton = city("riverton", &mut conn);
    let library = lanyard::orgs::store::find_by_slug(&mut conn, riverton.id, "library")
        .expect("org")
        .expect("the library");
    let home = store::list(&mut conn, riverton.id, Some(library.id)).expect("activities")[0].id;
    let image = lanyard::badges::image::default_image("Library");
    store::set_image(&mut conn, home, image.mime, &image.bytes).expect("image");
    let elmstead = city("elmstead", &mut conn);
    let parks = lanyard::orgs::store::find_by_slug(&mut conn, elmstead.id, "parks")
        .expect("org")
        .expect("the parks");
    let other = store::insert(
        &mut conn,
        elmstead.id,
        parks.id,
        &store::NewActivity {
            title: "Trail Walk",
            description: "Walk Elmstead Parks' trails.",
            location: "Elm Park",
            starts_on: None,
            ends_on: None,
        },
        chrono::Utc::now().naive_utc(),
    )
    .expect("Elmstead's activity");
    store::set_image(&mut conn, other, image.mime, &image.bytes).expect("image");
    (home.to_string(), other.to_string())
}

/// The library and the science museum each invite Elmstead's admin as a mentor; the ids of the
/// two invitations, as their `/me` page offers them.
async fn invite_elmsteads_admin(app: &TestApp, world: &World) -> [String; 2] {
    for (admin, org) in [
        (world.account("librarian"), "library"),
        (world.curator(), "science-museum"),
    ] {
        let client = app.signed_in(&admin).await;
        let response = app
            .post_form(
                &client,
                &format!("/c/riverton/orgs/{org}/members"),
                &[
                    ("username", &world.other_admin.username),
                    ("role", "mentor"),
                ],
            )
            .await;
        assert!(
            response.status().is_redirection(),
            "{org} invites Elmstead's admin: {}",
            response.status()
        );
    }
    let invitee = app.signed_in(&world.other_admin).await;
    let page = app
        .get(&invitee, "/c/elmstead/me")
        .await
        .text()
        .await
        .expect("their page");
    let ids: Vec<String> = page
        .split("/invitations/")
        .skip(1)
        .filter_map(|rest| rest.split_once("/accept").map(|(id, _)| id.to_string()))
        .filter(|id| id.chars().all(|c| c.is_ascii_digit()))
        .collect();
    assert_eq!(ids.len(), 2, "two invitations on Elmstead's admin's page");
    [ids[0].clone(), ids[1].clone()]
}

impl Sweep {
    fn person(&self, who: Who) -> Option<Person> {
        let w = &self.world;
        Some(match who {
            Who::Anonymous => return None,
            Who::Youth => w.person("youth"),
            Who::Parent => w.person("parent"),
            Who::Mentor => w.person("mentor"),
            Who::OrgAdmin => w.account("librarian"),
            Who::OtherOrgAdmin => w.curator(),
            Who::Coordinator => w.person("coordinator"),
            Who::OtherCityStaff => w.other_admin.clone(),
            Who::OtherCityCoordinator => w.other_coordinator.clone(),
            Who::OtherCityYouth => w.other_youth.clone(),
            Who::Operator => w.person("operator"),
        })
    }

    async fn client_of(&self, who: Who) -> Client {
        match self.person(who) {
            Some(person) => self.app.signed_in(&person).await,
            None => self.app.client(),
        }
    }

    async fn send(&self, client: &Client, method: &str, path: &str) -> Response {
        if method == "GET" {
            return self.app.get(client, path).await;
        }
        // A form (with a valid CSRF token) that names an object the guard must judge; most are
        // empty, too little to change anything for those who pass.
        self.app.post_form(client, path, &form_for(path)).await
    }
}

/// The fields a POST needs before its guard can judge it.
fn form_for(path: &str) -> Vec<(&'static str, &'static str)> {
    match path {
        "/admin/keys/rotate" => vec![("city", "riverton"), ("org", "library"), ("confirm", "yes")],
        _ => Vec::new(),
    }
}

/// The JSON a partner API call needs so that only its token decides the answer.
fn api_body(pattern: &str) -> serde_json::Value {
    match pattern {
        "/api/v1/orgs/{org}/awards" => {
            serde_json::json!({"badge": "reading-explorer", "recipient": "maya"})
        }
        "/api/v1/awards/{id}/revoke" => serde_json::json!({"reason": "The sweep revokes it."}),
        _ => serde_json::json!({}),
    }
}

fn outcome_of(response: &Response) -> Result<Outcome, String> {
    let status = response.status();
    if status.is_server_error() {
        return Err(format!("server error {status}"));
    }
    Ok(match status {
        StatusCode::FORBIDDEN => Outcome::Forbidden,
        StatusCode::NOT_FOUND => Outcome::NotFound,
        StatusCode::UNAUTHORIZED => Outcome::SignIn,
        StatusCode::SEE_OTHER | StatusCode::FOUND
            if location(response).starts_with("/signin?next=") =>
        {
            Outcome::SignIn
        }
        _ => Outcome::Allowed,
    })
}

/// Words of the objects that a refused person must not see.
fn traces(variant: &str) -> &'static [&'static str] {
    match variant {
        "home" => &["Riverton Public Library", "Comic Creator"],
        "another city's object" => &["Elmstead Parks", "Trail Blazer"],
        _ => &["Riverton Public Library", "Reading Explorer"],
    }
}

/// Whether `who` is related to the library, so may see its name on a page of theirs.
fn knows_the_library(who: Who) -> bool {
    matches!(
        who,
        Who::Mentor | Who::OrgAdmin | Who::Coordinator | Who::Operator | Who::Youth
    )
}

async fn sweep_pages_for(who: Who) {
    let sweep = prepare().await;
    let mut client = sweep.client_of(who).await;
    let mut failures = Vec::new();
    let mut routes: Vec<_> = SWEEP
        .iter()
        .filter(|(_, _, access)| *access != Access::Api)
        .collect();
    routes.sort_by_key(|(_, pattern, _)| {
        (
            ENDS_THE_SESSION.contains(pattern),
            CHANGES_THE_ROLES.contains(pattern),
        )
    });
    for (method, pattern, access) in routes {
        for (variant, path) in variants(pattern, &sweep.home, &sweep.other_city, &sweep.other_org) {
            let response = sweep.send(&client, method, &path).await;
            let got = match outcome_of(&response) {
                Ok(got) => got,
                Err(e) => {
                    failures.push(format!("{method} {path} ({variant}): {e}"));
                    continue;
                }
            };
            let expected = if variant == "home" && *access == Access::Public && *method == "POST" {
                // A public form with nothing filled in: refused as bad input, never a 5xx.
                vec![
                    Outcome::Allowed,
                    Outcome::SignIn,
                    Outcome::Forbidden,
                    Outcome::NotFound,
                ]
            } else if variant == "home" {
                vec![who.expected(*access)]
            } else if matches!(access, Access::Public | Access::Evidence) {
                vec![Outcome::NotFound]
            } else if who == Who::Anonymous {
                vec![Outcome::SignIn]
            } else if who.expected(*access) == Outcome::Allowed
                && !matches!(access, Access::SignedIn | Access::Operator)
            {
                vec![Outcome::NotFound]
            } else {
                vec![Outcome::NotFound, Outcome::Forbidden]
            };
            let expected =
                if matches!(access, Access::SignedIn | Access::Operator) && variant != "home" {
                    // These routes take no object of the path: the variant is the same request.
                    vec![who.expected(*access)]
                } else {
                    expected
                };
            if !expected.contains(&got) {
                failures.push(format!(
                    "{method} {path} ({variant}): expected {expected:?}, got {got:?} ({})",
                    response.status()
                ));
                continue;
            }
            if got != Outcome::Allowed {
                let body = response.text().await.unwrap_or_default();
                let related = variant == "home" && knows_the_library(who);
                for trace in traces(variant) {
                    if !related && body.contains(trace) {
                        failures.push(format!(
                            "{method} {path} ({variant}): refused, yet the page shows {trace:?}"
                        ));
                    }
                }
            }
        }
        if ENDS_THE_SESSION.contains(pattern) {
            client = sweep.client_of(who).await;
        }
    }
    assert!(
        failures.is_empty(),
        "{who:?}: {} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn sweep_anonymous() {
    sweep_pages_for(Who::Anonymous).await;
}

#[tokio::test]
async fn sweep_youth() {
    sweep_pages_for(Who::Youth).await;
}

#[tokio::test]
async fn sweep_parent() {
    sweep_pages_for(Who::Parent).await;
}

#[tokio::test]
async fn sweep_mentor() {
    sweep_pages_for(Who::Mentor).await;
}

#[tokio::test]
async fn sweep_org_admin() {
    sweep_pages_for(Who::OrgAdmin).await;
}

#[tokio::test]
async fn sweep_admin_of_another_org() {
    sweep_pages_for(Who::OtherOrgAdmin).await;
}

#[tokio::test]
async fn sweep_coordinator() {
    sweep_pages_for(Who::Coordinator).await;
}

#[tokio::test]
async fn sweep_staff_of_another_city() {
    sweep_pages_for(Who::OtherCityStaff).await;
}

#[tokio::test]
async fn sweep_coordinator_of_another_city() {
    sweep_pages_for(Who::OtherCityCoordinator).await;
}

#[tokio::test]
async fn sweep_youth_of_another_city() {
    sweep_pages_for(Who::OtherCityYouth).await;
}

#[tokio::test]
async fn sweep_operator() {
    sweep_pages_for(Who::Operator).await;
}

/// The partner API: no token → 401; the token of another organization or city → 404.
#[tokio::test]
async fn sweep_the_partner_api() {
    let sweep = prepare().await;
    let tokens = [
        ("no token", None, None),
        (
            "own token",
            Some(sweep.world.token_of("library")),
            Some(Outcome::Allowed),
        ),
        (
            "another organization's token",
            Some(sweep.world.token_of("science-museum")),
            Some(Outcome::NotFound),
        ),
        (
            "another city's token",
            Some(sweep.world.other_token.clone()),
            Some(Outcome::NotFound),
        ),
    ];
    let mut failures = Vec::new();
    for (method, pattern, access) in SWEEP.iter().filter(|(_, p, _)| p.starts_with("/api/")) {
        let path = fill(pattern, &sweep.home);
        for (label, token, expected) in &tokens {
            let mut request = sweep
                .app
                .client()
                .request(
                    Method::from_bytes(method.as_bytes()).expect("method"),
                    sweep.app.url(&path),
                )
                .json(&api_body(pattern));
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            let response = request.send().await.expect("API request");
            let status = response.status();
            let expected = match (access, expected) {
                (Access::Public, _) => Outcome::Allowed,
                (_, None) => Outcome::SignIn,
                (_, Some(e)) => *e,
            };
            let got = outcome_of(&response);
            if got.as_ref() != Ok(&expected) {
                failures.push(format!(
                    "{method} {path} with {label}: expected {expected:?}, got {got:?} ({status})"
                ));
                continue;
            }
            if expected != Outcome::Allowed {
                let problem = response.text().await.unwrap_or_default();
                if problem.contains("Riverton Public Library") || problem.contains("maya") {
                    failures.push(format!(
                        "{method} {path} with {label}: the problem tells {problem}"
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
