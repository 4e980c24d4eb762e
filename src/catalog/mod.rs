//! The public catalog of a city's activities: what youth and parents search. Full-text search
//! (SQLite FTS5, PostgreSQL `tsvector`) over `activities.search_text`, filters, sort and pages,
//! every combination a shareable GET URL. Only published activities of approved organizations
//! are listed.

pub mod demo;
pub mod handlers;
pub mod index;
pub mod pages;
pub mod query;
pub mod store;

use crate::catalog::pages::Outcome;
use crate::catalog::query::Params;
use crate::db::DbConnection;
use crate::ids::CityId;

/// The search `params` ask for in `city`, one page of it, its translations into `locale`;
/// a page past the last shows the last.
pub fn find(
    conn: &mut DbConnection,
    city: CityId,
    params: &Params,
    locale: &str,
) -> diesel::QueryResult<Outcome> {
    let lists = store::lists(conn, city)?;
    let (mut search, problems) = query::resolve(params, &lists);
    let mut found = store::search(conn, city, &search, locale)?;
    let pages = query::page_count(found.total);
    let mut pages_past = None;
    if search.page > pages {
        pages_past = Some(pages);
        search.page = pages;
        found = store::search(conn, city, &search, locale)?;
    }
    Ok(Outcome {
        lists,
        search,
        problems,
        pages_past,
        found,
    })
}
