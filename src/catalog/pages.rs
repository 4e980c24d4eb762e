//! The catalog page: results as a family reads them (their language, dates in words, ages,
//! price), the form refilled with what was asked, a chip per applied filter, and pages.

use askama::Template;

use crate::catalog::query::{self, Lists, Named, Params, Problem, Search, Sort};
use crate::catalog::store::{BadgeLink, Found, ListingRow};
use crate::i18n::{self, dates};
use crate::tenancy::City;
use crate::web::Chrome;

/// One activity in the results.
pub struct Listing {
    pub url: String,
    pub title: String,
    pub summary: String,
    pub org_name: String,
    pub category: Option<String>,
    /// Which of the six tile colours an activity without an image gets.
    pub tone: usize,
    pub place: String,
    pub dates: String,
    pub ages: String,
    pub price: String,
    pub free: bool,
    pub image_url: Option<String>,
    /// Without a photo: the image of the first badge it leads to, drawn on its tile.
    pub badge_image_url: Option<String>,
    /// (URL, name) of the badges it leads to.
    pub badges: Vec<(String, String)>,
}

/// An applied filter, with the link that removes it.
pub struct Chip {
    pub label: String,
    pub remove_href: String,
    pub remove_label: String,
}

#[derive(Template)]
#[template(path = "catalog/activities.html")]
pub struct CatalogPage {
    pub chrome: Chrome,
    pub city: City,
    pub base: String,
    pub params: Params,
    pub lists: Lists,
    pub listings: Vec<Listing>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub previous_href: Option<String>,
    pub next_href: Option<String>,
    pub chips: Vec<Chip>,
    pub problems: Vec<String>,
    pub by_relevance: bool,
    pub has_words: bool,
}

fn t2(locale: &str, key: &str, a: (&str, &str), b: (&str, &str)) -> String {
    i18n::t(locale, key)
        .replace(&format!("%{{{}}}", a.0), a.1)
        .replace(&format!("%{{{}}}", b.0), b.1)
}

fn name_of(list: &[Named], id: Option<i64>) -> Option<String> {
    let id = id?;
    list.iter().find(|n| n.id == id).map(|n| n.name.clone())
}

/// "Ages 8–12" / "De 8 a 12 años", or one end, or nothing when open to all.
pub fn ages(locale: &str, min: Option<i32>, max: Option<i32>) -> String {
    match (min, max) {
        (Some(a), Some(b)) => t2(
            locale,
            "finder.ages_between",
            ("min", &a.to_string()),
            ("max", &b.to_string()),
        ),
        (Some(a), None) => i18n::t_with(locale, "finder.ages_from", "min", &a.to_string()),
        (None, Some(b)) => i18n::t_with(locale, "finder.ages_to", "max", &b.to_string()),
        (None, None) => i18n::t(locale, "finder.all_ages"),
    }
}

/// "Free" / "Gratis", or the price in dollars ("$12", "$7.50").
pub fn price(locale: &str, cents: i32) -> String {
    if cents <= 0 {
        return i18n::t(locale, "finder.free_price");
    }
    let amount = if cents % 100 == 0 {
        (cents / 100).to_string()
    } else {
        format!("{}.{:02}", cents / 100, cents % 100)
    };
    i18n::t_with(locale, "finder.price", "amount", &amount)
}

/// The first sentence-ish of a description, for a card.
fn summary(text: &str) -> String {
    const MAX: usize = 160;
    if text.chars().count() <= MAX {
        return text.to_string();
    }
    let cut: String = text.chars().take(MAX).collect();
    let cut = cut.rsplit_once(' ').map(|(a, _)| a).unwrap_or(&cut);
    format!("{}…", cut.trim_end_matches([',', '.', ';', ':']))
}

fn listing(locale: &str, city: &City, lists: &Lists, found: &Found, row: &ListingRow) -> Listing {
    let translated = (row.original_locale != locale)
        .then(|| found.translations.iter().find(|t| t.0 == row.id))
        .flatten();
    let (title, description) = match translated {
        Some((_, t, d)) if !t.trim().is_empty() => (
            t.clone(),
            if d.trim().is_empty() {
                row.description.clone()
            } else {
                d.clone()
            },
        ),
        _ => (row.title.clone(), row.description.clone()),
    };
    let place = if row.online {
        i18n::t(locale, "finder.online_place")
    } else {
        match name_of(&lists.neighborhoods, row.neighborhood_id) {
            Some(n) if row.location.is_empty() => n,
            Some(n) => format!("{} · {}", row.location, n),
            None => row.location.clone(),
        }
    };
    let base = format!("/c/{}/activities/{}", city.slug, row.id);
    let badge_image_url = found
        .badges
        .iter()
        .find(|b| b.activity_id == row.id)
        .map(|b| format!("/c/{}/badges/{}/image", city.slug, b.slug));
    Listing {
        badge_image_url,
        title,
        summary: summary(&description),
        org_name: row.org_name.clone(),
        category: name_of(&lists.categories, row.category_id),
        tone: lists
            .categories
            .iter()
            .position(|c| Some(c.id) == row.category_id)
            .map(|p| p % 6)
            .unwrap_or(0),
        place,
        dates: dates::range(locale, row.starts_on, row.ends_on),
        ages: ages(locale, row.age_min, row.age_max),
        price: price(locale, row.cost_cents),
        free: row.cost_cents <= 0,
        image_url: row.image_mime.as_ref().map(|_| format!("{base}/image")),
        badges: found
            .badges
            .iter()
            .filter(|b: &&BadgeLink| b.activity_id == row.id)
            .map(|b| {
                (
                    format!("/c/{}/badges/{}", city.slug, b.slug),
                    b.name.clone(),
                )
            })
            .collect(),
        url: base,
    }
}

fn chips(locale: &str, base: &str, params: &Params, search: &Search, lists: &Lists) -> Vec<Chip> {
    let mut labels: Vec<(&str, String)> = Vec::new();
    if !search.words.is_empty() {
        labels.push(("q", format!("“{}”", params.q)));
    }
    if let Some(name) = name_of(&lists.categories, search.category) {
        labels.push(("category", name));
    }
    if let Some(age) = search.age {
        labels.push((
            "age",
            i18n::t_with(locale, "finder.chip_age", "age", &age.to_string()),
        ));
    }
    if let Some(name) = name_of(&lists.neighborhoods, search.neighborhood) {
        labels.push(("neighborhood", name));
    }
    if let Some(name) = name_of(&lists.orgs, search.org) {
        labels.push(("org", name));
    }
    if let Some(from) = search.from {
        labels.push(("from", dates::range(locale, Some(from), None)));
    }
    if let Some(to) = search.to {
        labels.push(("to", dates::range(locale, None, Some(to))));
    }
    if search.free {
        labels.push(("free", i18n::t(locale, "finder.free_price")));
    }
    if search.online {
        labels.push(("online", i18n::t(locale, "finder.online_place")));
    }
    labels
        .into_iter()
        .map(|(param, label)| Chip {
            remove_href: params.href_without(base, param),
            remove_label: i18n::t_with(locale, "finder.remove", "name", &label),
            label,
        })
        .collect()
}

/// Everything the page shows, from the search and what it found.
pub struct Outcome {
    pub lists: Lists,
    pub search: Search,
    pub problems: Vec<Problem>,
    pub pages_past: Option<i64>,
    pub found: Found,
}

impl CatalogPage {
    pub fn new(chrome: Chrome, city: City, params: Params, outcome: Outcome) -> CatalogPage {
        let locale = chrome.locale;
        let base = format!("/c/{}/activities", city.slug);
        let Outcome {
            lists,
            search,
            problems,
            pages_past,
            found,
        } = outcome;
        let mut messages: Vec<String> = problems
            .iter()
            .map(|p| i18n::t(locale, p.message))
            .collect();
        if let Some(pages) = pages_past {
            messages.push(i18n::t_with(
                locale,
                "finder.bad.page_past",
                "pages",
                &pages.to_string(),
            ));
        }
        let listings = found
            .rows
            .iter()
            .map(|row| listing(locale, &city, &lists, &found, row))
            .collect();
        let pages = query::page_count(found.total);
        let page = search.page;
        CatalogPage {
            previous_href: (page > 1).then(|| params.href_page(&base, page - 1)),
            next_href: (page < pages).then(|| params.href_page(&base, page + 1)),
            chips: chips(locale, &base, &params, &search, &lists),
            chrome: chrome.in_city(&city.slug, &city.name),
            city,
            params,
            lists,
            listings,
            total: found.total,
            page,
            pages,
            problems: messages,
            by_relevance: search.sort == Sort::Relevance,
            has_words: !search.words.is_empty(),
            base,
        }
    }

    pub fn count_text(&self) -> String {
        let key = if self.total == 1 {
            "finder.count_one"
        } else {
            "finder.count"
        };
        i18n::t_with(self.chrome.locale, key, "count", &self.total.to_string())
    }

    pub fn page_text(&self) -> String {
        t2(
            self.chrome.locale,
            "finder.page_of",
            ("page", &self.page.to_string()),
            ("pages", &self.pages.to_string()),
        )
    }

    pub fn is_checked(&self, value: &str) -> bool {
        matches!(value, "1" | "on" | "true")
    }

    pub fn clear_href(&self) -> &str {
        &self.base
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_and_prices_read_in_words() {
        assert_eq!(ages("en", Some(8), Some(12)), "Ages 8–12");
        assert_eq!(ages("es", Some(8), Some(12)), "De 8 a 12 años");
        assert_eq!(ages("en", Some(13), None), "Ages 13 and up");
        assert_eq!(price("en", 0), "Free");
        assert_eq!(price("es", 0), "Gratis");
        assert_eq!(price("en", 1250), "$12.50");
        assert_eq!(price("en", 4000), "$40");
    }

    #[test]
    fn a_long_description_is_cut_at_a_word() {
        let text = "word ".repeat(60);
        let cut = summary(&text);
        assert!(cut.ends_with('…'));
        assert!(cut.chars().count() <= 161);
    }
}
