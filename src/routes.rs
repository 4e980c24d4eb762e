//! The one table of every URL. The guard of each route is the extractor its handler names
//! (`Coordinator`, `OrgAdmin`, `OrgStaff`, `CityMember`, `ApiOrg`); see `auth::access`.

use actix_web::web::{self, get, post};

use crate::{
    account, activities, api, audit, auth, awards, badges, catalog, dashboard, earning, family,
    health, invitations, notify, orgs, pathways, review, signing, tenancy, verify, web as pages,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1")
            .route("/openapi.json", get().to(api::handlers::openapi))
            .route("/orgs/{org}/badges", get().to(api::handlers::list_badges))
            .route("/orgs/{org}/awards", post().to(api::handlers::create_award))
            .route("/awards/{id}", get().to(api::handlers::show_award))
            .route(
                "/awards/{id}/revoke",
                post().to(api::handlers::revoke_award),
            )
            .route("/verify", post().to(verify::handlers::api)),
    )
    .route("/static/{file}", get().to(pages::assets::serve))
    // Probes for load balancers and operators: public, no secrets.
    .route("/healthz", get().to(health::handlers::healthz))
    .route("/readyz", get().to(health::handlers::readyz))
    // Tests only: 404 unless the server runs with `testing.clock` (see `clock`).
    .route("/__test/clock", post().to(crate::clock::advance))
    .route("/", get().to(tenancy::handlers::home))
    .route("/setup", get().to(auth::handlers::setup_form))
    .route("/setup", post().to(auth::handlers::setup))
    .route("/signin", get().to(auth::handlers::sign_in_form))
    .route("/signin", post().to(auth::handlers::sign_in))
    .route("/signout", post().to(auth::handlers::sign_out))
    // Sign-in through an OpenID provider: its button, and the way back from it.
    .route("/signin/oidc", get().to(auth::oidc::handlers::start))
    .route(
        "/signin/oidc/callback",
        get().to(auth::oidc::handlers::callback),
    )
    .route("/forgot", get().to(auth::recovery_handlers::forgot_form))
    .route("/forgot", post().to(auth::recovery_handlers::forgot))
    .route(
        "/reset/{token}",
        get().to(auth::recovery_handlers::reset_form),
    )
    .route("/reset/{token}", post().to(auth::recovery_handlers::reset))
    .route(
        "/verify-email/{token}",
        get().to(auth::recovery_handlers::verify_email_form),
    )
    .route(
        "/verify-email/{token}",
        post().to(auth::recovery_handlers::verify_email),
    )
    .route("/locale", post().to(auth::handlers::choose_locale))
    .route("/verify", get().to(verify::handlers::show))
    .route("/verify", post().to(verify::handlers::submit))
    .route("/me", get().to(auth::handlers::my_home))
    .route(
        "/invitations/{id}/accept",
        post().to(orgs::invitations::accept),
    )
    .route(
        "/invitations/{id}/decline",
        post().to(orgs::invitations::decline),
    )
    .route("/consent/{token}", get().to(family::handlers::show))
    .route("/consent/{token}", post().to(family::handlers::give))
    .route(
        "/consent/{token}/signup",
        post().to(family::handlers::sign_up),
    )
    .route(
        "/consent/{token}/decline",
        post().to(family::handlers::decline),
    )
    .route("/join/{token}", get().to(invitations::handlers::show))
    .route("/join/{token}", post().to(invitations::handlers::accept))
    .route(
        "/join/{token}/signup",
        post().to(invitations::handlers::sign_up),
    )
    .route("/admin", get().to(tenancy::admin::home))
    .route("/admin/cities", get().to(tenancy::admin::cities))
    .route("/admin/cities", post().to(tenancy::admin::create_city))
    .route("/admin/audit", get().to(audit::handlers::admin_page))
    .route("/admin/audit.csv", get().to(audit::handlers::admin_csv))
    .route("/admin/keys", get().to(signing::handlers::list))
    .route("/admin/keys/rotate", post().to(signing::handlers::rotate))
    .route("/admin/mail", get().to(notify::handlers::list))
    .route("/admin/mail/{id}", get().to(notify::handlers::show))
    .route(
        "/admin/mail/{id}/html",
        get().to(notify::handlers::html_part),
    )
    .service(
        web::scope("/c/{city}")
            // Public pages.
            .route("", get().to(tenancy::handlers::city_home))
            .route("/brand.css", get().to(tenancy::settings::brand_stylesheet))
            .route("/privacy", get().to(tenancy::handlers::privacy))
            .route("/logo", get().to(tenancy::settings::logo))
            .route("/activities", get().to(catalog::handlers::activities))
            .route("/activities/{activity}", get().to(activities::show::show))
            .route(
                "/activities/{activity}/image",
                get().to(activities::show::image),
            )
            .route("/badges/{badge}", get().to(badges::handlers::show))
            .route("/badges/{badge}/image", get().to(badges::handlers::image))
            .route("/awards/{award}", get().to(awards::handlers::show))
            .route(
                "/awards/{award}/revoke",
                post().to(awards::handlers::revoke),
            )
            .route(
                "/awards/{award}/credential.json",
                get().to(awards::documents::download_json),
            )
            .route(
                "/awards/{award}/badge.png",
                get().to(awards::documents::baked_png),
            )
            .route(
                "/awards/{award}/badge.svg",
                get().to(awards::documents::baked_svg),
            )
            .route(
                "/awards/{award}/assertion",
                get().to(awards::documents::assertion),
            )
            .route(
                "/badges/{badge}/badgeclass",
                get().to(badges::handlers::badge_class),
            )
            // Issuer documents and revocation lists, public.
            .route("/issuer", get().to(orgs::issuer::city_profile))
            .route("/orgs/{org}/issuer", get().to(orgs::issuer::profile))
            .route(
                "/orgs/{org}/issuer/ob2",
                get().to(orgs::issuer::profile_ob2),
            )
            .route(
                "/orgs/{org}/revocations",
                get().to(orgs::issuer::revocation_list),
            )
            .route(
                "/orgs/{org}/status/{list}",
                get().to(orgs::issuer::status_list),
            )
            .route("/signup", get().to(auth::handlers::sign_up_form))
            .route("/signup", post().to(auth::handlers::sign_up))
            // Members of the city.
            .route("/me", get().to(awards::handlers::me))
            .route(
                "/me/notifications",
                post().to(awards::handlers::notifications),
            )
            .route("/me/name", post().to(awards::handlers::name_display))
            .route("/me/family-digest", post().to(family::digest_handler::set))
            .route(
                "/me/neighborhood",
                post().to(awards::summer_handlers::neighborhood),
            )
            // One's data: download all of it, or delete the account (a parent: a young
            // child's too).
            .route("/me/export", get().to(account::handlers::export_page))
            .route("/me/export", post().to(account::handlers::export_mine))
            .route(
                "/me/children/{child}/export",
                post().to(account::handlers::export_child),
            )
            .route("/me/delete", get().to(account::handlers::delete_form))
            .route("/me/delete", post().to(account::handlers::delete_mine))
            .route(
                "/me/children/{child}/delete",
                get().to(account::handlers::delete_child_form),
            )
            .route(
                "/me/children/{child}/delete",
                post().to(account::handlers::delete_child),
            )
            .route("/me/consent", post().to(family::handlers::resend))
            .route(
                "/me/verify-email",
                post().to(auth::recovery_handlers::resend_verification),
            )
            .route(
                "/me/children/{child}/password",
                post().to(auth::recovery_handlers::child_password),
            )
            .route("/me/link-code", post().to(family::handlers::make_code))
            .route("/me/handoff", get().to(family::handoff_handlers::form))
            .route("/me/handoff", post().to(family::handoff_handlers::ask))
            .route(
                "/me/children/{child}/handoff",
                post().to(family::handoff_handlers::decide),
            )
            .route("/me/children", post().to(family::handlers::link_child))
            .route(
                "/me/children/{child}/consent",
                post().to(family::handlers::open_for_child),
            )
            .route(
                "/me/children/{child}/name",
                post().to(awards::handlers::child_name_display),
            )
            .route(
                "/badges/{badge}/submit",
                get().to(review::handlers::submit_form),
            )
            .route(
                "/badges/{badge}/submit",
                post().to(review::handlers::submit),
            )
            .route(
                "/submissions/{submission}",
                get().to(review::handlers::show),
            )
            .route(
                "/submissions/{submission}",
                post().to(review::handlers::resubmit),
            )
            .route(
                "/me/children/{child}/awards/{award}/display",
                post().to(family::display_handler::set),
            )
            .route(
                "/submissions/{submission}/parent",
                post().to(review::guardian_handlers::decide),
            )
            .route(
                "/submissions/{submission}/visibility",
                post().to(review::handlers::visibility),
            )
            .route(
                "/submissions/{submission}/files/{n}",
                get().to(review::handlers::file),
            )
            .route(
                "/evidence/{submission}",
                get().to(review::handlers::evidence),
            )
            .route("/orgs/{org}/dashboard", get().to(dashboard::handlers::org))
            .route(
                "/orgs/{org}/dashboard/csv/{table}",
                get().to(dashboard::handlers::org_csv),
            )
            .route("/orgs/{org}/reviews", get().to(review::handlers::queue))
            .route("/orgs/{org}/reviews", post().to(review::handlers::bulk))
            .route(
                "/orgs/{org}/reviews/{submission}",
                get().to(review::handlers::open),
            )
            .route(
                "/orgs/{org}/reviews/{submission}",
                post().to(review::handlers::decide),
            )
            .route("/pathways", get().to(pathways::handlers::city_list))
            .route("/pathways", post().to(pathways::handlers::city_create))
            .route(
                "/orgs/{org}/pathways",
                get().to(pathways::handlers::org_list),
            )
            .route(
                "/orgs/{org}/pathways",
                post().to(pathways::handlers::org_create),
            )
            .route("/claim", get().to(earning::handlers::claim_form))
            .route("/claim", post().to(earning::handlers::claim))
            // Coordinators.
            .route("/dashboard", get().to(dashboard::handlers::city))
            .route(
                "/dashboard/csv/{table}",
                get().to(dashboard::handlers::city_csv),
            )
            .route("/audit", get().to(audit::handlers::city_page))
            .route("/audit.csv", get().to(audit::handlers::city_csv))
            .route("/settings", get().to(tenancy::settings::show))
            .route("/settings", post().to(tenancy::settings::save))
            .route("/settings/logo", post().to(tenancy::settings::upload_logo))
            .route("/settings/sign-in", get().to(auth::oidc::settings::show))
            .route("/settings/sign-in", post().to(auth::oidc::settings::save))
            .route(
                "/settings/sign-in/remove",
                post().to(auth::oidc::settings::remove),
            )
            .route(
                "/settings/logo/remove",
                post().to(tenancy::settings::remove_logo),
            )
            .route("/coordinators", get().to(tenancy::coordinators::list))
            .route("/coordinators", post().to(tenancy::coordinators::invite))
            .route(
                "/coordinators/invitations/{invitation}/withdraw",
                post().to(tenancy::coordinators::withdraw),
            )
            .route("/orgs", get().to(orgs::handlers::list))
            .route("/orgs", post().to(orgs::handlers::create))
            // Partners: an organization's public page; staff apply (the form is public, to
            // offer sign-up); coordinators review; admins edit their organization's profile.
            .route("/o/{org}", get().to(orgs::public::show))
            .route("/partners/apply", get().to(orgs::partners::apply_form))
            .route("/partners/apply", post().to(orgs::partners::apply))
            .route("/partners", get().to(orgs::partners::list))
            .route("/partners/{org}", get().to(orgs::partners::show))
            .route(
                "/partners/{org}/approve",
                post().to(orgs::partners::approve),
            )
            .route(
                "/partners/{org}/decline",
                post().to(orgs::partners::decline),
            )
            .route("/orgs/{org}/edit", get().to(orgs::edit::edit_form))
            .route("/orgs/{org}/edit", post().to(orgs::edit::update))
            .route(
                "/orgs/{org}/invitations",
                post().to(orgs::staff_invites::invite),
            )
            .route(
                "/orgs/{org}/invitations/withdraw",
                post().to(orgs::staff_invites::withdraw),
            )
            // Staff of an organization (admins for changes).
            .route("/orgs/{org}/awards", get().to(awards::staff::issued))
            .route("/orgs/{org}/awards", post().to(awards::staff::submit))
            .route("/orgs/{org}/awards/new", get().to(awards::staff::new_form))
            .route(
                "/orgs/{org}/youth/{youth}/password",
                get().to(orgs::youth_password::form),
            )
            .route(
                "/orgs/{org}/youth/{youth}/password",
                post().to(orgs::youth_password::set),
            )
            .route("/orgs/{org}", get().to(orgs::handlers::show))
            .route("/orgs/{org}/members", post().to(orgs::handlers::add_member))
            .route(
                "/orgs/{org}/members/{member}/remove",
                post().to(orgs::removal::remove_member),
            )
            .route(
                "/orgs/{org}/tokens",
                post().to(orgs::handlers::create_token),
            )
            // Activities: the organization's staff (mentors too) write them.
            .route(
                "/orgs/{org}/activities/new",
                get().to(activities::editor::new_form),
            )
            .route(
                "/orgs/{org}/activities",
                post().to(activities::editor::create),
            )
            .route(
                "/orgs/{org}/activities/import",
                get().to(activities::editor::import_form),
            )
            .route(
                "/orgs/{org}/activities/import",
                post().to(activities::editor::import_upload),
            )
            .route(
                "/orgs/{org}/activities/{activity}/edit",
                get().to(activities::editor::edit_form),
            )
            .route(
                "/orgs/{org}/activities/{activity}",
                post().to(activities::editor::update),
            )
            .route(
                "/orgs/{org}/activities/{activity}/publish",
                post().to(activities::editor::publish),
            )
            .route(
                "/orgs/{org}/activities/{activity}/archive",
                post().to(activities::editor::archive),
            )
            .route(
                "/orgs/{org}/activities/{activity}/reopen",
                post().to(activities::editor::reopen),
            )
            .route(
                "/orgs/{org}/badges/new",
                get().to(badges::handlers::new_form),
            )
            .route("/orgs/{org}/badges", post().to(badges::handlers::create))
            .route(
                "/orgs/{org}/badges/preview.svg",
                get().to(badges::handlers::preview),
            )
            .route(
                "/orgs/{org}/badges/{badge}/edit",
                get().to(badges::handlers::edit_form),
            )
            .route(
                "/orgs/{org}/badges/{badge}",
                post().to(badges::handlers::update),
            )
            .route(
                "/orgs/{org}/badges/{badge}/codes",
                get().to(earning::handlers::list_codes),
            )
            .route(
                "/orgs/{org}/badges/{badge}/codes",
                post().to(earning::handlers::generate_codes),
            )
            .route(
                "/orgs/{org}/badges/{badge}/codes/batches/{batch}",
                get().to(earning::handlers::show_batch),
            )
            .route(
                "/orgs/{org}/badges/{badge}/codes/batches/{batch}/print",
                get().to(earning::handlers::print_batch),
            )
            .route(
                "/orgs/{org}/badges/{badge}/codes/batches/{batch}/codes.csv",
                get().to(earning::handlers::batch_csv),
            ),
    );
}
