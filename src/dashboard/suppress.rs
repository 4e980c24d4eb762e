//! Small-cell suppression: a breakdown by neighborhood or age band never shows how many of
//! fewer than ten youth did something, and never lets its total give a hidden cell away.

/// Fewer youth than this in a cell, and the cell shows as "<10".
pub const THRESHOLD: i64 = 10;

/// Which cells of a breakdown are hidden, and whether its total is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppressed {
    pub hidden: Vec<bool>,
    pub total_hidden: bool,
}

/// Hides each cell of `youth` (the youth counts of one breakdown, whose total is shown) from
/// 1 to `threshold - 1` (none is a safe answer and stays). When that hides exactly one cell,
/// the total less the others would give it away: the next smallest shown cell above none is
/// hidden too, and when there is no such cell the total is hidden instead.
pub fn suppress(youth: &[i64], threshold: i64) -> Suppressed {
    let small = |n: i64| n > 0 && n < threshold;
    let mut hidden: Vec<bool> = youth.iter().map(|n| small(*n)).collect();
    let mut total_hidden = false;
    if hidden.iter().filter(|h| **h).count() == 1 {
        let next = youth
            .iter()
            .enumerate()
            .filter(|(i, n)| !hidden[*i] && **n > 0)
            .min_by_key(|(i, n)| (**n, *i))
            .map(|(i, _)| i);
        match next {
            Some(i) => hidden[i] = true,
            None => total_hidden = true,
        }
    }
    Suppressed {
        hidden,
        total_hidden,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hidden(youth: &[i64]) -> Vec<bool> {
        suppress(youth, THRESHOLD).hidden
    }

    #[test]
    fn cells_of_ten_or_more_show_and_none_shows() {
        assert_eq!(hidden(&[10, 25, 0]), vec![false, false, false]);
    }

    #[test]
    fn two_small_cells_hide_and_nothing_else() {
        assert_eq!(hidden(&[40, 3, 9, 12]), vec![false, true, true, false]);
    }

    #[test]
    fn one_small_cell_hides_the_next_smallest_too() {
        assert_eq!(hidden(&[40, 3, 15, 12]), vec![false, true, false, true]);
    }

    #[test]
    fn the_complement_is_never_an_empty_cell() {
        assert_eq!(hidden(&[0, 4, 30, 0]), vec![false, true, true, false]);
    }

    #[test]
    fn a_lone_small_cell_with_nothing_to_pair_hides_the_total() {
        let result = suppress(&[0, 4, 0], THRESHOLD);
        assert_eq!(result.hidden, vec![false, true, false]);
        assert!(result.total_hidden);
    }

    #[test]
    fn ties_for_the_complement_take_the_first() {
        assert_eq!(hidden(&[5, 20, 20]), vec![true, true, false]);
    }

    #[test]
    fn no_hidden_cell_can_be_worked_out_from_the_total_and_the_rest() {
        // Whatever the cells, either no cell or at least two are hidden, or the total is.
        for a in 0..14 {
            for b in 0..14 {
                for c in 0..14 {
                    let result = suppress(&[a, b, c], THRESHOLD);
                    let hidden = result.hidden.iter().filter(|h| **h).count();
                    assert!(hidden != 1 || result.total_hidden, "{a} {b} {c}");
                    for (n, h) in [a, b, c].iter().zip(&result.hidden) {
                        assert!(*h || *n == 0 || *n >= THRESHOLD || result.total_hidden);
                    }
                }
            }
        }
    }
}
