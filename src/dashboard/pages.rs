//! The dashboard page: its filters, headline figures, and each table with its charts.

use askama::Template;

use crate::dashboard::filter::{AgeBand, DashFilter, DashQuery, NeighborhoodPick};
use crate::dashboard::handlers::csv_href;
use crate::dashboard::store::Options;
use crate::dashboard::tables::{href, Table, View};
use crate::dashboard::{Figures, Scope};
use crate::i18n::{self, dates};
use crate::tenancy::City;
use crate::web::forms::FormErrors;
use crate::web::Chrome;

/// A headline figure.
#[derive(Clone, Debug)]
pub struct Tile {
    pub id: &'static str,
    pub figure: String,
    pub label: String,
    pub detail: String,
}

/// The filter form's values: the view's (normalized) or, when it did not parse, as typed.
#[derive(Clone, Debug, Default)]
pub struct FormValues {
    pub from: String,
    pub to: String,
    pub org: String,
    pub category: String,
    pub neighborhood: String,
    pub age: String,
}

impl FormValues {
    fn of(f: &DashFilter) -> FormValues {
        FormValues {
            from: f.first_week.to_string(),
            to: (f.last_week + chrono::Duration::days(6)).to_string(),
            org: f.org.as_ref().map(|o| o.slug.clone()).unwrap_or_default(),
            category: f
                .category
                .as_ref()
                .map(|c| c.slug.clone())
                .unwrap_or_default(),
            neighborhood: match &f.neighborhood {
                Some(NeighborhoodPick::Of { slug, .. }) => slug.clone(),
                Some(NeighborhoodPick::NotGiven) => "none".into(),
                None => String::new(),
            },
            age: f.age.map(|a| a.as_str().to_string()).unwrap_or_default(),
        }
    }

    fn typed(q: &DashQuery) -> FormValues {
        FormValues {
            from: q.from.clone(),
            to: q.to.clone(),
            org: q.org.clone(),
            category: q.category.clone(),
            neighborhood: q.neighborhood.clone(),
            age: q.age.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "dashboard/show.html")]
pub struct DashboardPage {
    pub chrome: Chrome,
    pub city: City,
    pub scope: Scope,
    /// The page's path, without query.
    pub base: String,
    pub form: FormValues,
    pub options: Options,
    pub errors: FormErrors,
    pub filter: Option<DashFilter>,
    pub tiles: Vec<Tile>,
    pub tables: Vec<Table>,
}

impl DashboardPage {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        chrome: Chrome,
        city: City,
        scope: Scope,
        base: String,
        query: DashQuery,
        options: Options,
        errors: FormErrors,
        view: Option<(DashFilter, Figures)>,
    ) -> DashboardPage {
        let (form, filter, tiles, tables) = match view {
            Some((filter, figures)) => {
                let view = View {
                    locale: chrome.locale,
                    base: &base,
                    filter: &filter,
                    scope: &scope,
                    figures: &figures,
                };
                let tiles = tiles(&chrome, &view);
                let tables = view.tables();
                (FormValues::of(&filter), Some(filter), tiles, tables)
            }
            None => (FormValues::typed(&query), None, Vec::new(), Vec::new()),
        };
        DashboardPage {
            chrome,
            city,
            scope,
            base,
            form,
            options,
            errors,
            filter,
            tiles,
            tables,
        }
    }

    pub fn heading(&self) -> String {
        match &self.scope {
            Scope::City => format!("{} · {}", self.chrome.t("dashboard.title"), self.city.name),
            Scope::Org { name, .. } => format!("{} · {name}", self.chrome.t("dashboard.title")),
        }
    }

    pub fn is_city(&self) -> bool {
        self.scope == Scope::City
    }

    /// "Weeks of June 22 – August 16, 2026" and what the view is cut to.
    pub fn range_text(&self) -> String {
        let Some(f) = &self.filter else {
            return String::new();
        };
        let last = f.last_week + chrono::Duration::days(6);
        let range = format!(
            "{} – {}",
            dates::short(self.chrome.locale, f.first_week),
            dates::full(self.chrome.locale, last)
        );
        i18n::t_with(self.chrome.locale, "dashboard.range", "range", &range)
    }

    /// The filters of the view other than its range: (what, the view without it).
    pub fn active_filters(&self) -> Vec<(String, String)> {
        let Some(f) = &self.filter else {
            return Vec::new();
        };
        let t = |k: &str| self.chrome.t(k);
        let without = |change: &dyn Fn(&mut DashFilter)| {
            let mut g = f.clone();
            change(&mut g);
            href(&self.base, &g)
        };
        let mut active = Vec::new();
        if let Some(org) = &f.org {
            active.push((
                format!("{}: {}", t("field.org_name"), org.name),
                without(&|g| g.org = None),
            ));
        }
        if let Some(category) = &f.category {
            let name = if category.id == 0 {
                t("dashboard.no_category")
            } else {
                category.name.clone()
            };
            active.push((
                format!("{}: {name}", t("dashboard.category")),
                without(&|g| g.category = None),
            ));
        }
        if let Some(n) = &f.neighborhood {
            let name = match n {
                NeighborhoodPick::Of { name, .. } => name.clone(),
                NeighborhoodPick::NotGiven => t("dashboard.not_given"),
            };
            active.push((
                format!("{}: {name}", t("dashboard.neighborhood")),
                without(&|g| g.neighborhood = None),
            ));
        }
        if let Some(age) = f.age {
            active.push((
                format!("{}: {}", t("dashboard.age_band"), t(&age.label_key())),
                without(&|g| g.age = None),
            ));
        }
        active
    }

    /// A table's cell as the page shows it: a count with its thousands grouped as in the
    /// headline (the CSV keeps the plain number, for spreadsheets).
    pub fn shown(&self, text: &str) -> String {
        grouped(self.chrome.locale, text)
    }

    pub fn csv(&self, table: &str) -> String {
        match &self.filter {
            Some(f) => csv_href(&self.base, table, f),
            None => String::new(),
        }
    }

    pub fn ages(&self) -> Vec<(&'static str, String)> {
        AgeBand::ALL
            .into_iter()
            .map(|b| (b.as_str(), self.chrome.t(&b.label_key())))
            .collect()
    }
}

fn percent(part: i64, whole: i64) -> String {
    if whole == 0 {
        "–".into()
    } else {
        format!("{}%", (part * 100 + whole / 2) / whole)
    }
}

/// A count with thousands grouped ("200,000" / "200 000"); any other text as it is.
fn grouped(locale: &str, n: &str) -> String {
    match n.parse::<i64>() {
        Ok(value) => i18n::grouped(locale, value),
        Err(_) => n.to_string(),
    }
}

fn tiles(chrome: &Chrome, view: &View<'_>) -> Vec<Tile> {
    let f = view.figures;
    let t = |k: &str| chrome.t(k);
    let tile = |id, figure: String, label: &str, detail: String| Tile {
        id,
        figure: grouped(chrome.locale, &figure),
        label: t(label),
        detail,
    };
    let mut tiles = Vec::new();
    if let Some(registered) = f.registered {
        tiles.push(tile(
            "total-youth",
            view.youth_figure(registered),
            "dashboard.registered",
            f.registered_in_range
                .map(|n| {
                    let n = grouped(chrome.locale, &view.youth_figure(n));
                    chrome.t1("dashboard.registered_new", "n", n)
                })
                .unwrap_or_default(),
        ));
    }
    tiles.push(tile(
        "active-youth",
        view.youth_figure(f.active),
        "dashboard.active_youth",
        String::new(),
    ));
    let awards = if view.youth_figure(f.active) == crate::dashboard::charts::HIDDEN {
        crate::dashboard::charts::HIDDEN.to_string()
    } else {
        f.awards.to_string()
    };
    tiles.push(tile(
        "total-awards",
        awards,
        "dashboard.awards",
        String::new(),
    ));
    let hidden = view.youth_figure(f.retained) == crate::dashboard::charts::HIDDEN;
    tiles.push(tile(
        "retained",
        view.youth_figure(f.retained),
        "dashboard.retained",
        if hidden {
            String::new()
        } else {
            chrome.t1(
                "dashboard.retained_share",
                "share",
                percent(f.retained, f.active),
            )
        },
    ));
    tiles.push(tile(
        "codes",
        percent(f.codes_redeemed, f.codes_issued),
        "dashboard.codes",
        chrome.t1(
            "dashboard.codes_detail",
            "n",
            format!(
                "{} / {}",
                i18n::grouped(chrome.locale, f.codes_redeemed),
                i18n::grouped(chrome.locale, f.codes_issued)
            ),
        ),
    ));
    tiles.push(tile(
        "pathway-completions",
        view.youth_figure(f.pathway_completions),
        "dashboard.pathway_completions",
        String::new(),
    ));
    if let Some(catalog) = &f.catalog {
        tiles.push(tile(
            "total-activities",
            catalog.activities.to_string(),
            "dashboard.activities",
            String::new(),
        ));
        tiles.push(tile(
            "total-orgs",
            catalog.organizations.to_string(),
            "dashboard.organizations",
            String::new(),
        ));
    }
    tiles
}
