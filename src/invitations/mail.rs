//! The invitation e-mail: who invites whom to what, the link, and until when it works.

use askama::Template;
use chrono::NaiveDateTime;

use crate::error::AppError;
use crate::i18n::t;
use crate::invitations::InvitedRole;
use crate::notify::{EmailFrame, Mail};
use crate::orgs::Org;
use crate::tenancy::City;

/// What an invitation e-mail says.
pub struct InvitationMail<'a> {
    pub city: &'a City,
    pub org: Option<&'a Org>,
    pub role: InvitedRole,
    pub inviter: &'a str,
    pub to: &'a str,
    pub link: &'a str,
    pub expires_at: NaiveDateTime,
}

#[derive(Template)]
#[template(path = "email/invitation/body.txt")]
struct InvitationText<'a> {
    words: &'a Words,
    link: &'a str,
}

#[derive(Template)]
#[template(path = "email/invitation/body.html")]
struct InvitationHtml<'a> {
    words: &'a Words,
    link: &'a str,
    frame: EmailFrame,
}

/// The sentences of the e-mail, in the recipient's language.
struct Words {
    subject: String,
    intro: String,
    action: String,
    expiry: String,
    ignore: String,
}

/// `template` with each `%{name}` replaced.
pub fn fill(template: String, pairs: &[(&str, &str)]) -> String {
    pairs.iter().fold(template, |text, (name, value)| {
        text.replace(&format!("%{{{name}}}"), value)
    })
}

/// "a coordinator of Riverside" / "a mentor at the Library (Riverside)", in `locale`.
pub fn role_phrase(locale: &str, role: InvitedRole, city: &City, org: Option<&Org>) -> String {
    let place = match org {
        Some(org) => format!("{} ({})", org.name, city.name),
        None => city.name.clone(),
    };
    fill(t(locale, role.phrase_key()), &[("place", &place)])
}

/// The invitation e-mail, composed for the outbox.
pub fn invitation(invitation: &InvitationMail<'_>, locale: &'static str) -> Result<Mail, AppError> {
    let role = role_phrase(locale, invitation.role, invitation.city, invitation.org);
    let place = match invitation.org {
        Some(org) => org.name.clone(),
        None => invitation.city.name.clone(),
    };
    let words = Words {
        subject: fill(
            t(locale, "invite.mail.subject"),
            &[("inviter", invitation.inviter), ("place", &place)],
        ),
        intro: fill(
            t(locale, "invite.mail.intro"),
            &[("inviter", invitation.inviter), ("role", &role)],
        ),
        action: t(locale, "invite.mail.action"),
        expiry: fill(
            t(locale, "invite.mail.expiry"),
            &[(
                "date",
                &crate::i18n::dates::moment(locale, invitation.expires_at),
            )],
        ),
        ignore: t(locale, "invite.mail.ignore"),
    };
    let kind = match invitation.role {
        InvitedRole::Coordinator => "invitation.coordinator",
        InvitedRole::OrgAdmin => "invitation.org_admin",
        InvitedRole::Mentor => "invitation.mentor",
    };
    Mail::compose(
        Some(invitation.city.id),
        kind,
        invitation.to,
        locale,
        words.subject.clone(),
        &InvitationText {
            words: &words,
            link: invitation.link,
        },
        &InvitationHtml {
            words: &words,
            link: invitation.link,
            frame: EmailFrame::new(
                &invitation.city.name,
                &invitation.city.brand_primary,
                locale,
            ),
        },
    )
}
