//! A catalog URL's parameters, read once: what the visitor typed (to refill the form and build
//! links) and the search it becomes once checked against the city's lists. A bad value is
//! ignored and named in a message, never an error.

use chrono::NaiveDate;

use crate::activities::search::fold;
pub use crate::tenancy::Named;

/// Results on one page.
pub const PER_PAGE: i64 = 20;
/// Words of a query beyond this are ignored (a search box, not a document).
const MAX_WORDS: usize = 8;
/// Characters of one word beyond this are ignored.
const MAX_WORD_LEN: usize = 40;
/// The oldest age the filter accepts (youth programs run to about 24; parents search too).
const MAX_AGE: i32 = 99;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sort {
    /// Soonest first.
    Date,
    /// Best match first.
    Relevance,
}

/// The parameters as typed, last value of each name winning, unknown names dropped.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Params {
    pub q: String,
    pub category: String,
    pub age: String,
    pub neighborhood: String,
    pub org: String,
    pub from: String,
    pub to: String,
    pub free: String,
    pub online: String,
    pub sort: String,
    pub page: String,
}

/// The parameter names in the order links write them.
const NAMES: [&str; 11] = [
    "q",
    "category",
    "age",
    "neighborhood",
    "org",
    "from",
    "to",
    "free",
    "online",
    "sort",
    "page",
];

impl Params {
    pub fn from_pairs(pairs: &[(String, String)]) -> Params {
        let mut params = Params::default();
        for (name, value) in pairs {
            if let Some(slot) = params.slot(name) {
                *slot = value.trim().chars().take(200).collect();
            }
        }
        params
    }

    fn slot(&mut self, name: &str) -> Option<&mut String> {
        Some(match name {
            "q" => &mut self.q,
            "category" => &mut self.category,
            "age" => &mut self.age,
            "neighborhood" => &mut self.neighborhood,
            "org" => &mut self.org,
            "from" => &mut self.from,
            "to" => &mut self.to,
            "free" => &mut self.free,
            "online" => &mut self.online,
            "sort" => &mut self.sort,
            "page" => &mut self.page,
            _ => return None,
        })
    }

    fn get(&self, name: &str) -> &str {
        match name {
            "q" => &self.q,
            "category" => &self.category,
            "age" => &self.age,
            "neighborhood" => &self.neighborhood,
            "org" => &self.org,
            "from" => &self.from,
            "to" => &self.to,
            "free" => &self.free,
            "online" => &self.online,
            "sort" => &self.sort,
            "page" => &self.page,
            _ => "",
        }
    }

    /// The catalog URL of these parameters without `drop` (and without `page`, since a change
    /// of filter starts again at page 1), for the "remove" link of a chip.
    pub fn href_without(&self, base: &str, drop: &str) -> String {
        self.href(base, &[drop, "page"], None)
    }

    /// The URL of page `page` of these results.
    pub fn href_page(&self, base: &str, page: i64) -> String {
        self.href(base, &["page"], Some(("page", page.to_string())))
    }

    /// The URL of these results in another order.
    pub fn href_sort(&self, base: &str, sort: &str) -> String {
        self.href(base, &["sort", "page"], Some(("sort", sort.to_string())))
    }

    fn href(&self, base: &str, drop: &[&str], add: Option<(&str, String)>) -> String {
        let mut pairs: Vec<(&str, String)> = NAMES
            .iter()
            .filter(|n| !drop.contains(n))
            .map(|n| (*n, self.get(n).to_string()))
            .filter(|(_, v)| !v.is_empty())
            .collect();
        if let Some(pair) = add {
            pairs.push(pair);
        }
        match serde_urlencoded::to_string(&pairs) {
            Ok(query) if !query.is_empty() => format!("{base}?{query}"),
            _ => base.to_string(),
        }
    }
}

/// The lists a catalog URL's slugs are checked against.
#[derive(Clone, Debug, Default)]
pub struct Lists {
    pub categories: Vec<Named>,
    pub neighborhoods: Vec<Named>,
    pub orgs: Vec<Named>,
}

/// The search a catalog URL asks for, every value checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Search {
    /// Folded words; each must match, as a word or the start of one.
    pub words: Vec<String>,
    pub category: Option<i64>,
    pub neighborhood: Option<i64>,
    pub org: Option<i64>,
    pub age: Option<i32>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub free: bool,
    pub online: bool,
    pub sort: Sort,
    /// 1-based.
    pub page: i64,
}

impl Search {
    /// The SQLite FTS5 query: each word quoted, as a prefix from two letters on, all required.
    pub fn fts5_query(&self) -> String {
        self.words
            .iter()
            .map(|w| {
                if is_prefix(w) {
                    format!("\"{w}\"*")
                } else {
                    format!("\"{w}\"")
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The PostgreSQL `to_tsquery('simple', …)` text: each word, as a prefix from two letters on,
    /// all required.
    pub fn tsquery(&self) -> String {
        self.words
            .iter()
            .map(|w| {
                if is_prefix(w) {
                    format!("{w}:*")
                } else {
                    w.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(" & ")
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1) * PER_PAGE
    }
}

/// Whether a word also finds the words it begins: from two letters on ("ro" finds "robots"),
/// so that a single letter finds itself, not nearly every activity of the city.
fn is_prefix(word: &str) -> bool {
    word.chars().count() >= 2
}

/// A parameter that was not understood: its name and the catalog key of the message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub param: &'static str,
    pub message: &'static str,
}

/// The words of a query, folded the way the index is: lower case, accents removed, split on
/// anything that is not a letter or a digit.
pub fn words(q: &str) -> Vec<String> {
    fold(q)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().take(MAX_WORD_LEN).collect())
        .take(MAX_WORDS)
        .collect()
}

fn slug_in(list: &[Named], slug: &str) -> Option<i64> {
    list.iter().find(|n| n.slug == slug).map(|n| n.id)
}

fn date(value: &str) -> Result<Option<NaiveDate>, ()> {
    if value.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| ())
}

fn flag(value: &str) -> Result<bool, ()> {
    match value {
        "" | "0" => Ok(false),
        "1" | "on" | "true" => Ok(true),
        _ => Err(()),
    }
}

/// The search `params` ask for, with a problem for each value that was ignored.
pub fn resolve(params: &Params, lists: &Lists) -> (Search, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut problem = |param, message| problems.push(Problem { param, message });
    let words = words(&params.q);
    let mut pick = |list: &[Named], value: &str, param, message| {
        if value.is_empty() {
            return None;
        }
        let found = slug_in(list, value);
        if found.is_none() {
            problem(param, message);
        }
        found
    };
    let category = pick(
        &lists.categories,
        &params.category,
        "category",
        "finder.bad.category",
    );
    let neighborhood = pick(
        &lists.neighborhoods,
        &params.neighborhood,
        "neighborhood",
        "finder.bad.neighborhood",
    );
    let org = pick(&lists.orgs, &params.org, "org", "finder.bad.org");
    let age = match params.age.as_str() {
        "" => None,
        text => match text.parse::<i32>() {
            Ok(age) if (0..=MAX_AGE).contains(&age) => Some(age),
            _ => {
                problem("age", "finder.bad.age");
                None
            }
        },
    };
    let from = date(&params.from).unwrap_or_else(|()| {
        problem("from", "finder.bad.from");
        None
    });
    let mut to = date(&params.to).unwrap_or_else(|()| {
        problem("to", "finder.bad.to");
        None
    });
    if let (Some(f), Some(t)) = (from, to) {
        if t < f {
            problem("to", "finder.bad.to_before_from");
            to = None;
        }
    }
    let free = flag(&params.free).unwrap_or_else(|()| {
        problem("free", "finder.bad.flag");
        false
    });
    let online = flag(&params.online).unwrap_or_else(|()| {
        problem("online", "finder.bad.flag");
        false
    });
    let sort = match params.sort.as_str() {
        "" if words.is_empty() => Sort::Date,
        "" => Sort::Relevance,
        "date" => Sort::Date,
        "relevance" if !words.is_empty() => Sort::Relevance,
        "relevance" => Sort::Date,
        _ => {
            problem("sort", "finder.bad.sort");
            if words.is_empty() {
                Sort::Date
            } else {
                Sort::Relevance
            }
        }
    };
    let page = match params.page.as_str() {
        "" => 1,
        text => match text.parse::<i64>() {
            Ok(page) if page >= 1 => page,
            _ => {
                problem("page", "finder.bad.page");
                1
            }
        },
    };
    (
        Search {
            words,
            category,
            neighborhood,
            org,
            age,
            from,
            to,
            free,
            online,
            sort,
            page,
        },
        problems,
    )
}

/// How many pages `total` results fill (at least one, so "page 1 of 1" reads when none).
pub fn page_count(total: i64) -> i64 {
    ((total + PER_PAGE - 1) / PER_PAGE).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Params {
        let owned: Vec<(String, String)> = list
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        Params::from_pairs(&owned)
    }

    fn lists() -> Lists {
        Lists {
            categories: vec![Named {
                id: 7,
                slug: "arts".into(),
                name: "Arts".into(),
            }],
            neighborhoods: vec![],
            orgs: vec![],
        }
    }

    #[test]
    fn query_words_are_folded_and_split_on_punctuation() {
        assert_eq!(words("  Música, ROBÓTICA!"), vec!["musica", "robotica"]);
        assert_eq!(words("\"*) OR NEAR("), vec!["or", "near"]);
        assert!(words("¡¿?!").is_empty());
    }

    #[test]
    fn each_word_becomes_a_required_prefix_on_both_backends() {
        let (search, _) = resolve(&pairs(&[("q", "Robot niños")]), &lists());
        assert_eq!(search.fts5_query(), "\"robot\"* \"ninos\"*");
        assert_eq!(search.tsquery(), "robot:* & ninos:*");
        assert_eq!(search.sort, Sort::Relevance);
        let (search, _) = resolve(&pairs(&[("q", "c 3d")]), &lists());
        assert_eq!(
            search.fts5_query(),
            "\"c\" \"3d\"*",
            "one letter is a whole word"
        );
        assert_eq!(search.tsquery(), "c & 3d:*");
    }

    #[test]
    fn bad_values_are_ignored_and_named() {
        let (search, problems) = resolve(
            &pairs(&[
                ("category", "nope"),
                ("age", "old"),
                ("from", "2026-13-01"),
                ("page", "0"),
                ("free", "yes please"),
                ("sort", "random"),
            ]),
            &lists(),
        );
        assert_eq!(search.category, None);
        assert_eq!(search.age, None);
        assert_eq!(search.from, None);
        assert_eq!(search.page, 1);
        assert!(!search.free);
        assert_eq!(search.sort, Sort::Date);
        let named: Vec<&str> = problems.iter().map(|p| p.param).collect();
        assert_eq!(
            named,
            vec!["category", "age", "from", "free", "sort", "page"]
        );
    }

    #[test]
    fn an_end_before_the_start_is_dropped() {
        let (search, problems) = resolve(
            &pairs(&[("from", "2027-07-10"), ("to", "2027-07-01")]),
            &lists(),
        );
        assert!(search.from.is_some());
        assert_eq!(search.to, None);
        assert_eq!(problems[0].message, "finder.bad.to_before_from");
    }

    #[test]
    fn links_keep_every_other_parameter_and_start_again_at_page_one() {
        let params = pairs(&[("q", "arte & más"), ("category", "arts"), ("page", "3")]);
        assert_eq!(
            params.href_without("/c/x/activities", "category"),
            "/c/x/activities?q=arte+%26+m%C3%A1s"
        );
        assert_eq!(
            params.href_page("/c/x/activities", 4),
            "/c/x/activities?q=arte+%26+m%C3%A1s&category=arts&page=4"
        );
        assert_eq!(
            pairs(&[]).href_without("/c/x/activities", "q"),
            "/c/x/activities"
        );
    }

    #[test]
    fn pages_round_up() {
        assert_eq!(page_count(0), 1);
        assert_eq!(page_count(20), 1);
        assert_eq!(page_count(21), 2);
    }
}
