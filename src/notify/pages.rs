//! The operator's mail viewer: the list of the outbox and one message, its HTML part framed
//! in a sandbox and its links listed, so an operator can follow them (an invitation, say).

use askama::Template;

use crate::error::AppError;
use crate::notify::store::OutboxRow;
use crate::web::Chrome;

/// Messages per page of the list.
pub const PER_PAGE: i64 = 50;

/// The list's filters as typed.
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct MailQuery {
    pub to: String,
    pub page: String,
}

/// The filters, parsed: a page number past 10,000 or a recipient longer than an address is
/// bad input (400), not a query.
pub struct MailFilter {
    pub to: Option<String>,
    pub page: i64,
}

impl TryFrom<&MailQuery> for MailFilter {
    type Error = AppError;

    fn try_from(query: &MailQuery) -> Result<MailFilter, AppError> {
        let page = match query.page.trim() {
            "" => 1,
            value => value
                .parse::<i64>()
                .ok()
                .filter(|page| (1..=10_000).contains(page))
                .ok_or(AppError::BadRequest("mail.bad_page"))?,
        };
        let to = match query.to.trim() {
            "" => None,
            value if value.chars().count() <= 254 => Some(value.to_string()),
            _ => return Err(AppError::BadRequest("mail.bad_recipient")),
        };
        Ok(MailFilter { to, page })
    }
}

#[derive(Template)]
#[template(path = "notify/list.html")]
pub struct MailListPage {
    pub chrome: Chrome,
    pub query: MailQuery,
    pub rows: Vec<OutboxRow>,
    pub total: i64,
    pub page: i64,
}

impl MailListPage {
    pub fn last_page(&self) -> i64 {
        ((self.total + PER_PAGE - 1) / PER_PAGE).max(1)
    }

    /// The list's URL at `page`, keeping the recipient filter.
    pub fn page_url(&self, page: i64) -> String {
        let query = MailQuery {
            to: self.query.to.trim().to_string(),
            page: page.to_string(),
        };
        let query = serde_urlencoded::to_string(&query).unwrap_or_default();
        format!("/admin/mail?{query}")
    }

    pub fn when(&self, row: &OutboxRow) -> String {
        crate::i18n::dates::moment(self.chrome.locale, row.created_at)
    }

    pub fn status(&self, row: &OutboxRow) -> String {
        status_label(&self.chrome, &row.status)
    }
}

#[derive(Template)]
#[template(path = "notify/show.html")]
pub struct MailPage {
    pub chrome: Chrome,
    pub mail: OutboxRow,
    pub links: Vec<String>,
}

impl MailPage {
    pub fn status(&self) -> String {
        status_label(&self.chrome, &self.mail.status)
    }

    pub fn created(&self) -> String {
        crate::i18n::dates::moment(self.chrome.locale, self.mail.created_at)
    }

    pub fn sent(&self) -> Option<String> {
        self.mail
            .sent_at
            .map(|at| crate::i18n::dates::moment(self.chrome.locale, at))
    }

    pub fn next_attempt(&self) -> String {
        crate::i18n::dates::moment(self.chrome.locale, self.mail.next_attempt_at)
    }
}

fn status_label(chrome: &Chrome, status: &str) -> String {
    match status {
        "pending" | "sent" | "delivered" | "failed" => chrome.t(&format!("mail.status.{status}")),
        other => other.to_string(),
    }
}

/// The web links of a message, in order and once each: from its text part and the `href`s of
/// its HTML part.
pub fn links(text: &str, html: &str) -> Vec<String> {
    let from_text = text.split_whitespace().map(str::to_string);
    let from_html = html.split("href=").skip(1).filter_map(|rest| {
        let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let value = rest[1..].split(quote).next()?;
        Some(value.replace("&amp;", "&").replace("&#38;", "&"))
    });
    let mut links: Vec<String> = Vec::new();
    for candidate in from_text.chain(from_html) {
        let candidate = candidate
            .trim_start_matches(['<', '(', '"', '\''])
            .trim_end_matches(['.', ',', ';', ':', ')', '>', '"', '\'', '!', '?']);
        let is_web = candidate.starts_with("https://") || candidate.starts_with("http://");
        if is_web && !links.iter().any(|l| l == candidate) {
            links.push(candidate.to_string());
        }
    }
    links
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_come_from_both_parts_once_each_without_trailing_punctuation() {
        let text = "Join here: https://x.test/join/abc. Or (https://x.test/help).";
        let html = r#"<a href="https://x.test/join/abc">Join</a> <a href='https://x.test/a?b=1&amp;c=2'>x</a> <a href="mailto:a@b">m</a>"#;
        assert_eq!(
            links(text, html),
            vec![
                "https://x.test/join/abc",
                "https://x.test/help",
                "https://x.test/a?b=1&c=2"
            ]
        );
    }

    #[test]
    fn a_page_that_is_not_a_small_positive_number_is_bad_input() {
        for page in ["0", "-1", "x", "10001", "1e3"] {
            let query = MailQuery {
                to: String::new(),
                page: page.into(),
            };
            assert!(MailFilter::try_from(&query).is_err(), "{page}");
        }
        let query = MailQuery {
            to: " a@b ".into(),
            page: "2".into(),
        };
        let filter = MailFilter::try_from(&query).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((filter.to.as_deref(), filter.page), (Some("a@b"), 2));
    }
}
