//! The figures of a view as the tables a person reads (and downloads as CSV, cell for cell),
//! each with its chart: small cells already hidden, every number already a string.

use chrono::Duration;

use crate::dashboard::charts::{self, Bar, HIDDEN};
use crate::dashboard::filter::{AgeBand, DashFilter, NeighborhoodPick, Picked};
use crate::dashboard::suppress::{suppress, THRESHOLD};
use crate::dashboard::{Figures, Scope, Slice};
use crate::i18n::{self, dates};

/// One cell; a row's first cell is its header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    pub text: String,
    pub href: Option<String>,
}

impl Cell {
    fn text(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            href: None,
        }
    }

    fn link(text: impl Into<String>, href: String) -> Cell {
        Cell {
            text: text.into(),
            href: Some(href),
        }
    }
}

/// The most rows a breakdown's chart draws (its table has them all).
const CHART_ROWS: usize = 20;

/// A table of the dashboard with its charts.
#[derive(Clone, Debug)]
pub struct Table {
    /// Its name in the page and in the CSV's address (`{id}.csv`).
    pub id: &'static str,
    pub caption: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    pub total: Option<Vec<Cell>>,
    /// What the reader should know (small cells hidden, filters that do not apply).
    pub note: Option<String>,
    pub charts: Vec<String>,
    /// Said when there are no rows.
    pub empty: Option<String>,
}

impl Table {
    /// The rows of the CSV: headers, rows and total, as the page shows them.
    pub fn csv_records(&self) -> Vec<Vec<String>> {
        let mut records = vec![self.headers.clone()];
        for row in self.rows.iter().chain(self.total.iter()) {
            records.push(row.iter().map(|c| c.text.clone()).collect());
        }
        records
    }
}

/// The address of a view: the page (or `{table}.csv`) with the filter as its query string.
pub fn href(base: &str, f: &DashFilter) -> String {
    let mut pairs: Vec<(&str, String)> = vec![
        ("from", f.first_week.to_string()),
        ("to", (f.last_week + Duration::days(6)).to_string()),
    ];
    if let Some(org) = &f.org {
        pairs.push(("org", org.slug.clone()));
    }
    if let Some(category) = &f.category {
        pairs.push(("category", category.slug.clone()));
    }
    match &f.neighborhood {
        Some(NeighborhoodPick::Of { slug, .. }) => pairs.push(("neighborhood", slug.clone())),
        Some(NeighborhoodPick::NotGiven) => pairs.push(("neighborhood", "none".into())),
        None => {}
    }
    if let Some(age) = f.age {
        pairs.push(("age", age.as_str().into()));
    }
    let query = serde_urlencoded::to_string(pairs).unwrap_or_default();
    format!("{base}?{query}")
}

/// What is needed to make the tables of a view.
pub struct View<'a> {
    pub locale: &'static str,
    /// The page's path, without query.
    pub base: &'a str,
    pub filter: &'a DashFilter,
    pub scope: &'a Scope,
    pub figures: &'a Figures,
}

impl View<'_> {
    fn t(&self, key: &str) -> String {
        i18n::t(self.locale, key)
    }

    fn with(&self, change: impl FnOnce(&mut DashFilter)) -> String {
        let mut f = self.filter.clone();
        change(&mut f);
        href(self.base, &f)
    }

    /// A youth count as shown: hidden when the view is a slice by neighborhood or age band
    /// and it is small.
    pub fn youth_figure(&self, n: i64) -> String {
        if self.filter.slices_youth() && n > 0 && n < THRESHOLD {
            HIDDEN.into()
        } else {
            n.to_string()
        }
    }

    fn note_small(&self) -> Option<String> {
        Some(self.t("dashboard.note_small"))
    }

    /// Rows of (header cell, youth, awards), hidden by [`suppress`] when `protect`, with
    /// their total; youth are left out when `with_youth` is false.
    fn counted(
        &self,
        rows: Vec<(Cell, i64, i64)>,
        protect: bool,
        with_youth: bool,
        total: Option<(i64, i64)>,
    ) -> (Vec<Vec<Cell>>, Option<Vec<Cell>>, Vec<bool>) {
        let youth: Vec<i64> = rows.iter().map(|(_, y, _)| *y).collect();
        let result = if protect {
            suppress(&youth, THRESHOLD)
        } else {
            suppress(&[], THRESHOLD)
        };
        let hidden_at = |i: usize| result.hidden.get(i).copied().unwrap_or(false);
        let shown = |n: i64, hidden: bool| {
            if hidden {
                HIDDEN.to_string()
            } else {
                n.to_string()
            }
        };
        let mut out = Vec::new();
        for (i, (head, y, a)) in rows.into_iter().enumerate() {
            let mut row = vec![head];
            if with_youth {
                row.push(Cell::text(shown(y, hidden_at(i))));
            }
            row.push(Cell::text(shown(a, hidden_at(i))));
            out.push(row);
        }
        let total = total.map(|(y, a)| {
            let mut row = vec![Cell::text(self.t("dashboard.total"))];
            if with_youth {
                row.push(Cell::text(shown(y, result.total_hidden)));
            }
            row.push(Cell::text(shown(a, result.total_hidden)));
            row
        });
        let hidden = (0..youth.len()).map(hidden_at).collect();
        (out, total, hidden)
    }

    fn bars(&self, rows: &[Vec<Cell>], column: usize) -> Vec<Bar> {
        rows.iter()
            .map(|row| Bar {
                label: row.first().map(|c| c.text.clone()).unwrap_or_default(),
                value: row.get(column).and_then(|c| c.text.parse().ok()),
                href: row.first().and_then(|c| c.href.clone()),
            })
            .collect()
    }

    /// Every table of the view, in the order of the page.
    pub fn tables(&self) -> Vec<Table> {
        let mut tables = vec![self.weeks()];
        if *self.scope == Scope::City {
            tables.push(self.orgs());
        }
        tables.extend([
            self.categories(),
            self.neighborhoods(),
            self.ages(),
            self.badges(),
            self.activities(),
            self.pathways(),
            self.reviews(),
        ]);
        tables
    }

    /// The table of `id`, for its CSV.
    pub fn table(&self, id: &str) -> Option<Table> {
        self.tables().into_iter().find(|t| t.id == id)
    }

    fn weeks(&self) -> Table {
        let f = self.figures;
        let rows: Vec<(Cell, i64, i64)> = f
            .weeks
            .iter()
            .map(|w| {
                let week = w.week;
                let href = self.with(|f| {
                    f.first_week = week;
                    f.last_week = week;
                });
                (
                    Cell::link(dates::short(self.locale, week), href),
                    w.youth,
                    w.awards,
                )
            })
            .collect();
        let protect = self.filter.slices_youth();
        let (rows, _, _) = self.counted(rows, protect, true, None);
        let charts = vec![
            charts::weekly(
                self.locale,
                &self.t("dashboard.chart_active"),
                &self.t("dashboard.active_youth"),
                &self.bars(&rows, 1),
            ),
            charts::weekly(
                self.locale,
                &self.t("dashboard.chart_awards"),
                &self.t("dashboard.awards"),
                &self.bars(&rows, 2),
            ),
        ];
        Table {
            id: "weeks",
            caption: self.t("dashboard.weeks"),
            headers: vec![
                self.t("dashboard.week_of"),
                self.t("dashboard.active_youth"),
                self.t("dashboard.awards"),
            ],
            rows,
            total: None,
            note: if protect {
                self.note_small()
            } else {
                Some(self.t("dashboard.note_weeks"))
            },
            charts,
            empty: None,
        }
    }

    fn slices(
        &self,
        slices: &[Slice],
        label: impl Fn(&Slice) -> String,
        pick: impl Fn(&mut DashFilter, &Slice),
        protect: bool,
    ) -> Vec<Vec<Cell>> {
        let rows = slices
            .iter()
            .map(|s| {
                let href = self.with(|f| pick(f, s));
                (Cell::link(label(s), href), s.youth, s.awards)
            })
            .collect();
        self.counted(rows, protect, true, None).0
    }

    fn breakdown(
        &self,
        id: &'static str,
        caption: &str,
        first: &str,
        rows: Vec<Vec<Cell>>,
        total: Option<Vec<Cell>>,
        note: Option<String>,
    ) -> Table {
        // A city of hundreds of partners: the chart draws the rows with most awards.
        let mut bars = self.bars(&rows, 2);
        let mut note = note;
        if bars.len() > CHART_ROWS {
            bars.sort_by_key(|b| std::cmp::Reverse(b.value.unwrap_or(-1)));
            bars.truncate(CHART_ROWS);
            let top = i18n::t_with(
                self.locale,
                "dashboard.chart_top",
                "n",
                &CHART_ROWS.to_string(),
            );
            note = Some(match note {
                Some(note) => format!("{note} {top}"),
                None => top,
            });
        }
        let chart = charts::breakdown(self.locale, caption, &bars);
        Table {
            id,
            caption: caption.to_string(),
            headers: vec![
                first.to_string(),
                self.t("dashboard.youth_reached"),
                self.t("dashboard.awards"),
            ],
            empty: rows
                .iter()
                .all(|r| r.get(2).is_some_and(|c| c.text == "0"))
                .then(|| self.t("dashboard.empty")),
            rows,
            total,
            note,
            charts: vec![chart],
        }
    }

    fn orgs(&self) -> Table {
        let protect = self.filter.slices_youth();
        let rows = self.slices(
            &self.figures.by_org,
            |s| s.label.clone(),
            |f, s| {
                f.org = Some(Picked {
                    id: 0,
                    slug: s.key.clone(),
                    name: s.label.clone(),
                })
            },
            protect,
        );
        self.breakdown(
            "orgs",
            &self.t("dashboard.by_org"),
            &self.t("field.org_name"),
            rows,
            None,
            protect.then(|| self.t("dashboard.note_small")),
        )
    }

    fn categories(&self) -> Table {
        let protect = self.filter.slices_youth();
        let none = self.t("dashboard.no_category");
        let rows = self.slices(
            &self.figures.by_category,
            |s| {
                if s.key.is_empty() {
                    none.clone()
                } else {
                    s.label.clone()
                }
            },
            |f, s| {
                f.category = Some(Picked {
                    id: 0,
                    slug: if s.key.is_empty() {
                        "none".into()
                    } else {
                        s.key.clone()
                    },
                    name: s.label.clone(),
                })
            },
            protect,
        );
        self.breakdown(
            "categories",
            &self.t("dashboard.by_category"),
            &self.t("dashboard.category"),
            rows,
            None,
            Some(self.t("dashboard.note_category")),
        )
    }

    /// A breakdown by the youth themselves: its cells add up to the active youth, so small
    /// ones hide with their complements.
    fn by_youth(
        &self,
        id: &'static str,
        caption: &str,
        first: &str,
        slices: &[Slice],
        label: impl Fn(&Slice) -> String,
        pick: impl Fn(&mut DashFilter, &Slice),
    ) -> Table {
        let rows = slices
            .iter()
            .map(|s| {
                let href = self.with(|f| pick(f, s));
                (Cell::link(label(s), href), s.youth, s.awards)
            })
            .collect();
        let total = (self.figures.active, self.figures.awards);
        let (rows, total, _) = self.counted(rows, true, true, Some(total));
        self.breakdown(id, caption, first, rows, total, self.note_small())
    }

    fn neighborhoods(&self) -> Table {
        let none = self.t("dashboard.not_given");
        self.by_youth(
            "neighborhoods",
            &self.t("dashboard.by_neighborhood"),
            &self.t("dashboard.neighborhood"),
            &self.figures.by_neighborhood,
            |s| {
                if s.key.is_empty() {
                    none.clone()
                } else {
                    s.label.clone()
                }
            },
            |f, s| {
                f.neighborhood = Some(if s.key.is_empty() {
                    NeighborhoodPick::NotGiven
                } else {
                    NeighborhoodPick::Of {
                        id: 0,
                        slug: s.key.clone(),
                        name: s.label.clone(),
                    }
                })
            },
        )
    }

    fn ages(&self) -> Table {
        let on = dates::full(self.locale, self.filter.age_on);
        let caption = i18n::t_with(self.locale, "dashboard.by_age", "date", &on);
        self.by_youth(
            "ages",
            &caption,
            &self.t("dashboard.age_band"),
            &self.figures.by_age,
            |s| {
                AgeBand::parse(&s.key)
                    .map(|b| self.t(&b.label_key()))
                    .unwrap_or_default()
            },
            |f, s| f.age = AgeBand::parse(&s.key),
        )
    }

    /// A top list: (name, awards) with no youth column; small ones hidden in a slice.
    fn top(
        &self,
        id: &'static str,
        caption: String,
        first: String,
        slices: &[Slice],
        total: Option<i64>,
    ) -> Table {
        let protect = self.filter.slices_youth();
        let rows: Vec<(Cell, i64, i64)> = slices
            .iter()
            .map(|s| (Cell::text(s.label.clone()), s.awards, s.awards))
            .collect();
        let (rows, total, _) = self.counted(rows, protect, false, total.map(|n| (n, n)));
        let chart = charts::breakdown(self.locale, &caption, &self.bars(&rows, 1));
        Table {
            id,
            caption,
            headers: vec![first, self.t("dashboard.awards")],
            empty: rows.is_empty().then(|| self.t("dashboard.empty")),
            rows,
            total,
            note: protect.then(|| self.t("dashboard.note_small")),
            charts: vec![chart],
        }
    }

    fn badges(&self) -> Table {
        self.top(
            "badges",
            self.t("dashboard.top_badges"),
            self.t("dashboard.badge"),
            &self.figures.top_badges,
            None,
        )
    }

    fn activities(&self) -> Table {
        let mut table = self.top(
            "activities",
            self.t("dashboard.top_activities"),
            self.t("dashboard.activity"),
            &self.figures.top_activities,
            None,
        );
        table.note = Some(
            table
                .note
                .map(|n| format!("{n} {}", self.t("dashboard.note_activities")))
                .unwrap_or_else(|| self.t("dashboard.note_activities")),
        );
        table
    }

    fn pathways(&self) -> Table {
        self.top(
            "pathways",
            self.t("dashboard.pathways"),
            self.t("dashboard.pathway_badge"),
            &self.figures.pathways,
            Some(self.figures.pathway_completions),
        )
    }

    fn reviews(&self) -> Table {
        let rows: Vec<Vec<Cell>> = self
            .figures
            .turnaround
            .iter()
            .map(|t| {
                vec![
                    Cell::text(t.org.clone()),
                    Cell::text(t.decisions.to_string()),
                    Cell::text(duration(self.locale, t.median_seconds)),
                    Cell::text(duration(self.locale, t.p90_seconds)),
                ]
            })
            .collect();
        Table {
            id: "reviews",
            caption: self.t("dashboard.reviews"),
            headers: vec![
                self.t("field.org_name"),
                self.t("dashboard.decisions"),
                self.t("dashboard.median"),
                self.t("dashboard.p90"),
            ],
            empty: rows.is_empty().then(|| self.t("dashboard.no_reviews")),
            rows,
            total: None,
            note: Some(self.t("dashboard.note_reviews")),
            charts: Vec::new(),
        }
    }
}

/// A length of time in words a coordinator reads at a glance: minutes, hours or days.
pub fn duration(locale: &str, seconds: i64) -> String {
    let minutes = (seconds + 59) / 60;
    if minutes < 90 {
        i18n::t_with(locale, "dashboard.minutes", "n", &minutes.to_string())
    } else if minutes < 48 * 60 {
        let hours = (minutes + 30) / 60;
        i18n::t_with(locale, "dashboard.hours", "n", &hours.to_string())
    } else {
        let days = (minutes + 12 * 60) / (24 * 60);
        i18n::t_with(locale, "dashboard.days", "n", &days.to_string())
    }
}
