//! Pages of an award and of a person's own page in a city.

use askama::Template;

use crate::auth::CurrentUser;
use crate::awards::AwardView;
use crate::orgs::{Org, OrgStatus};
use crate::tenancy::City;
use crate::web::forms::FormErrors;
use crate::web::Chrome;

#[derive(Template)]
#[template(path = "awards/show.html")]
pub struct AwardPage {
    pub chrome: Chrome,
    pub city: City,
    pub award: AwardView,
    /// Whether the viewer may revoke it (an admin of its organization or a coordinator).
    pub can_revoke: bool,
    pub links: ShareLinks,
    /// When the credential expires, for badges that do.
    pub valid_until: Option<chrono::NaiveDateTime>,
    pub reason: String,
    pub errors: FormErrors,
    /// Just earned, shown to its youth: what to do next (activity id, title, badge it leads to).
    pub celebrate: Option<Vec<(i64, String, String)>>,
    /// The page of the work it was earned with, when the viewer may see it.
    pub evidence_page: Option<String>,
    /// How the page names its youth (see `awards::public_name`).
    pub shown_name: String,
}

impl AwardPage {
    pub fn valid_until_text(&self) -> String {
        self.valid_until
            .map(|at| at.format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    }

    pub fn is_expired(&self) -> bool {
        self.valid_until
            .is_some_and(|at| at < chrono::Utc::now().naive_utc())
    }
}

/// A child a parent follows, with their badges.
pub struct ChildBadges {
    pub child: CurrentUser,
    pub awards: Vec<AwardView>,
    /// The work the child sent for review.
    pub submissions: Vec<crate::review::store::Summary>,
    /// The child's progress toward the city's pathways.
    pub pathways: Vec<crate::pathways::store::Progress>,
    /// Under 13: the parent decides whether the child's name shows on public pages.
    pub under_13: bool,
    pub shows_name: bool,
    /// Whether the child has an e-mail of their own (to reset a password with).
    pub has_email: bool,
    /// The child's weeks, activities and what to do next.
    pub summer: crate::awards::summer::Summer,
    /// Under 13: the awards (by id) the parent let show on their public pages.
    pub public_awards: Vec<i64>,
    /// The child's request to take over their account, or its handoff (see `family::handoff`).
    pub custody: crate::family::handoff::ChildCustody,
}

impl ChildBadges {
    /// Whether the parent let `award` show publicly (always, from 13).
    pub fn shows_publicly(&self, award: &AwardView) -> bool {
        !self.under_13 || self.public_awards.contains(&award.id.0)
    }

    /// Work waiting for the parent's OK.
    pub fn waiting_for_me(&self) -> Vec<&crate::review::store::Summary> {
        self.submissions
            .iter()
            .filter(|s| s.status == crate::review::Status::AwaitingParent)
            .collect()
    }
}

#[derive(Template)]
#[template(path = "awards/me.html")]
pub struct MyPage {
    pub chrome: Chrome,
    pub city: City,
    pub me: CurrentUser,
    pub is_youth: bool,
    pub is_coordinator: bool,
    pub awards: Vec<AwardView>,
    /// The work this youth sent for review.
    pub submissions: Vec<crate::review::store::Summary>,
    /// This youth's progress toward the city's pathways (begun ones first).
    pub pathways: Vec<crate::pathways::store::Progress>,
    pub children: Vec<ChildBadges>,
    /// A youth's weeks, activities and what to do next.
    pub summer: Option<crate::awards::summer::Summer>,
    /// Whether this person turned e-mail notifications off.
    pub notifications_off: bool,
    /// A youth's name on public pages: whether it shows, and whether they decide it (13 and
    /// over; under 13 a parent does).
    pub shows_name: bool,
    pub decides_name: bool,
    pub staff_of: Vec<(Org, String)>,
    /// Staff roles offered to this person and waiting for their answer, in every city.
    pub invitations: Vec<crate::orgs::store::PendingInvitation>,
    /// Organizations this person applied for in the city, and the e-mail an admin would
    /// invite them with (see `orgs::partners`).
    pub applications: Vec<Org>,
    pub my_email: Option<String>,
    /// A child under 13 waiting for a parent: where the request went, until when.
    pub pending: Option<crate::family::consent::Pending>,
    /// A teen's link code made and not used yet: until when it works.
    pub link_code_until: Option<chrono::NaiveDateTime>,
    pub is_parent: bool,
    /// A parent turned the weekly family digest off.
    pub family_digest_off: bool,
    /// A youth under 13: their awards (by id) whose pages a parent has not let show yet.
    pub private_awards: Vec<i64>,
    /// Whether `my_email` is confirmed.
    pub email_verified: bool,
    /// A youth's "take over your account" at 13 (see `family::handoff`).
    pub handoff: crate::family::handoff::YouthHandoff,
    /// The site's public address, that each badge card's share link starts with.
    pub share_base: String,
}

impl MyPage {
    /// "We e-mailed jo…@example.org …" for a waiting child.
    pub fn waiting_text(&self, p: &crate::family::consent::Pending) -> String {
        crate::invitations::mail::fill(
            self.chrome.t("consent.waiting_body"),
            &[
                ("email", &p.parent_email),
                (
                    "date",
                    &crate::i18n::dates::moment(self.chrome.locale, p.expires_at),
                ),
            ],
        )
    }

    pub fn resends_left(&self, p: &crate::family::consent::Pending) -> String {
        self.chrome
            .t("consent.resend_left")
            .replace("%{n}", &p.sends_left.to_string())
    }

    pub fn code_until(&self, at: &chrono::NaiveDateTime) -> String {
        self.chrome.t1(
            "link.live_until",
            "date",
            crate::i18n::dates::moment(self.chrome.locale, *at),
        )
    }

    pub fn status_key(&self, s: &crate::review::store::Summary) -> &'static str {
        crate::review::pages::status_key(s.status, s.award_revoked)
    }

    /// "Week of Jun 15", for a week of the summer.
    pub fn week_label(&self, week: &crate::awards::summer::Week) -> String {
        self.chrome.t1(
            "summer.week_of",
            "date",
            crate::i18n::dates::short(self.chrome.locale, week.starts_on),
        )
    }

    /// "Active 3 of 6 weeks".
    pub fn weeks_line(&self, summer: &crate::awards::summer::Summer) -> String {
        self.chrome
            .t("summer.weeks_active")
            .replace("%{n}", &summer.weeks_active().to_string())
            .replace("%{of}", &summer.weeks.len().to_string())
    }

    /// Why an activity is suggested, in words.
    pub fn reason(&self, reason: &crate::awards::summer::Reason) -> String {
        use crate::awards::summer::Reason;
        match reason {
            Reason::Category(name) => self.chrome.t1("summer.because_category", "name", name),
            Reason::Nearby(name) => self.chrome.t1("summer.because_nearby", "name", name),
            Reason::Online => self.chrome.t("summer.because_online"),
            Reason::RightAge => self.chrome.t("summer.because_age"),
        }
    }

    /// Whether the page of this youth's `award` is private (under 13, no parent's yes yet).
    pub fn is_private(&self, award: &AwardView) -> bool {
        self.private_awards.contains(&award.id.0)
    }

    pub fn is_my_neighborhood(&self, summer: &crate::awards::summer::Summer, id: &i64) -> bool {
        summer.neighborhood == Some(*id)
    }

    pub fn starts_day(&self, day: &chrono::NaiveDate) -> String {
        crate::i18n::dates::short(self.chrome.locale, *day)
    }

    pub fn sent_day(&self, s: &crate::review::store::Summary) -> String {
        crate::i18n::dates::full(self.chrome.locale, s.submitted_at.date())
    }

    /// A staff account with no organization, no application and no invitation: told what to do.
    pub fn staff_without_org(&self) -> bool {
        self.me.kind == crate::auth::AccountKind::Staff
            && !self.is_coordinator
            && self.staff_of.is_empty()
            && self.invitations.is_empty()
            && self.applications.is_empty()
    }
}

/// Where an award can be downloaded, verified and shared.
pub struct ShareLinks {
    pub credential: String,
    pub json: String,
    pub png: String,
    pub svg: String,
    pub assertion: String,
    pub verify: String,
    pub linkedin: String,
    pub embed: String,
}

impl ShareLinks {
    pub fn new(base: &str, city: &str, award: &AwardView) -> ShareLinks {
        let urls = crate::signing::ob3::Urls { base, city };
        let credential = urls.credential(&award.public_id);
        let png = urls.baked_png(&award.public_id);
        let enc = crate::web::url_encode;
        let linkedin = format!(
            "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&name={}&organizationName={}&issueYear={}&issueMonth={}&certUrl={}&certId={}",
            enc(&award.badge_name),
            enc(&award.org_name),
            award.awarded_at.format("%Y"),
            award.awarded_at.format("%-m"),
            enc(&credential),
            enc(&award.public_id),
        );
        let embed = format!(
            "<a href=\"{credential}\"><img src=\"{png}\" alt=\"{}\" width=\"128\" height=\"128\"></a>",
            award.badge_name.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;")
        );
        ShareLinks {
            json: format!("{credential}/credential.json"),
            svg: urls.baked_svg(&award.public_id),
            assertion: urls.assertion(&award.public_id),
            verify: format!("/verify?url={}", enc(&credential)),
            credential,
            png,
            linkedin,
            embed,
        }
    }
}
