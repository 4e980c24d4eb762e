//! What the catalog's full-text search reads: an activity's words in every language, folded
//! (lower case, accents removed) so that "musica" finds "Música" on both backends.
//!
//! Every write to an activity or its translations ends with [`refresh_index`], in the same
//! transaction.

use diesel::QueryResult;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use crate::db::DbConnection;
use crate::ids::ActivityId;

/// `text` in lower case without accents: the form both the index and a query are compared in.
pub fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Rebuilds the search text of `activity` from its title, description, location and
/// translations.
pub fn refresh_index(conn: &mut DbConnection, activity: ActivityId) -> QueryResult<()> {
    let parts = crate::activities::store::searchable_parts(conn, activity)?;
    let text = fold(&parts.join(" "));
    crate::activities::store::set_search_text(conn, activity, &text)
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn folding_removes_accents_and_case() {
        assert_eq!(fold("Música en el PARQUE"), "musica en el parque");
        assert_eq!(fold("Niñas y niños"), "ninas y ninos");
    }
}
