//! Activities from a CSV file, for the import page and `lanyard import activities`: every row
//! is parsed into the same [`ActivityCommand`] as the form, a report names each bad row and
//! column, and nothing is written while any row is bad; otherwise every row is written in one
//! transaction.

use chrono::NaiveDateTime;
use diesel::Connection;

use crate::activities::command::{ActivityCommand, ActivityInput};
use crate::activities::detail::ActivityStatus;
use crate::activities::{editing, store};
use crate::audit::{self, Actor, AuditAction, AuditEvent};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::OrgId;
use crate::tenancy::City;

/// The largest file accepted, in bytes.
pub const MAX_BYTES: usize = 1024 * 1024;

/// The most activities one file may hold.
pub const MAX_ROWS: usize = 500;

/// The columns a file may have, in the order the documentation gives them. Lists inside a cell
/// (`weekdays`, `languages`, `badges`) are separated by `;`.
pub const COLUMNS: [&str; 23] = [
    "title",
    "description",
    "category",
    "age_min",
    "age_max",
    "starts_on",
    "ends_on",
    "weekdays",
    "time_from",
    "time_to",
    "online",
    "address",
    "neighborhood",
    "price",
    "capacity",
    "registration_url",
    "accessibility",
    "languages",
    "badges",
    "title_es",
    "description_es",
    "title_en",
    "description_en",
];

/// The column that says whether a row is published (`published`) or kept a draft (`draft`).
pub const STATUS_COLUMN: &str = "status";

/// The columns every file must have.
const REQUIRED: [&str; 2] = ["title", "description"];

/// One thing to fix: the row (as a spreadsheet numbers it, the header being row 1; 0 for the
/// whole file), the column, and the catalog key of the message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowProblem {
    pub row: usize,
    pub column: String,
    pub message: &'static str,
}

/// What an import did, or why it did nothing.
#[derive(Clone, Debug, Default)]
pub struct ImportReport {
    /// Rows of activities read.
    pub rows: usize,
    pub problems: Vec<RowProblem>,
    pub imported: usize,
    pub published: usize,
    /// Rows asked to be published and kept as drafts: the organization is not approved yet.
    pub held_as_drafts: usize,
}

impl ImportReport {
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }

    /// The report as lines of text in `locale`, for the command line.
    pub fn lines(&self, locale: &str) -> Vec<String> {
        let t = |key: &str| crate::i18n::t(locale, key);
        let mut out = Vec::new();
        for p in &self.problems {
            let message = t(p.message)
                .replace("%{max}", &MAX_ROWS.to_string())
                .replace("%{bytes}", &(MAX_BYTES / 1024).to_string());
            out.push(if p.row == 0 {
                message
            } else {
                format!(
                    "{} {}, {}: {}",
                    t("activity_import.row"),
                    p.row,
                    p.column,
                    message
                )
            });
        }
        if self.is_ok() {
            out.push(crate::i18n::t_with(
                locale,
                "activity_import.imported",
                "count",
                &self.imported.to_string(),
            ));
            if self.held_as_drafts > 0 {
                out.push(t("activity_import.held_as_drafts"));
            }
        } else {
            out.push(t("activity_import.nothing_imported"));
        }
        out
    }
}

/// A row read from the file: its number, what it says, and whether it asks to be published.
struct Row {
    number: usize,
    input: ActivityInput,
    publish: bool,
}

fn list(cell: &str) -> Vec<String> {
    cell.split([';', ','])
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .collect()
}

fn problem(row: usize, column: &str, message: &'static str) -> RowProblem {
    RowProblem {
        row,
        column: column.to_string(),
        message,
    }
}

/// The rows of `csv`, or what is wrong with the file as a whole or with single cells.
fn read_rows(csv: &[u8], report: &mut ImportReport) -> Vec<Row> {
    if csv.len() > MAX_BYTES {
        report
            .problems
            .push(problem(0, "", "activity_import.file_too_large"));
        return Vec::new();
    }
    let csv = csv.strip_prefix(b"\xef\xbb\xbf").unwrap_or(csv);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .from_reader(csv);
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|h| h.trim().to_ascii_lowercase()).collect(),
        Err(_) => {
            report
                .problems
                .push(problem(0, "", "activity_import.file_unreadable"));
            return Vec::new();
        }
    };
    for h in &headers {
        if !COLUMNS.contains(&h.as_str()) && h != STATUS_COLUMN {
            report
                .problems
                .push(problem(1, h, "activity_import.column_unknown"));
        }
    }
    for required in REQUIRED {
        if !headers.iter().any(|h| h == required) {
            report
                .problems
                .push(problem(1, required, "activity_import.column_missing"));
        }
    }
    if !report.problems.is_empty() {
        return Vec::new();
    }
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let number = index + 2;
        if index >= MAX_ROWS {
            report
                .problems
                .push(problem(0, "", "activity_import.too_many_rows"));
            return Vec::new();
        }
        report.rows += 1;
        let Ok(record) = record else {
            report
                .problems
                .push(problem(number, "", "activity_import.row_unreadable"));
            continue;
        };
        let cell = |name: &str| -> String {
            headers
                .iter()
                .position(|h| h == name)
                .and_then(|i| record.get(i))
                .unwrap_or("")
                .to_string()
        };
        let online = match cell("online").to_ascii_lowercase().as_str() {
            "" | "no" | "false" | "0" => false,
            "yes" | "true" | "1" => true,
            _ => {
                report
                    .problems
                    .push(problem(number, "online", "activity_import.yes_or_no"));
                false
            }
        };
        let publish = match cell(STATUS_COLUMN).to_ascii_lowercase().as_str() {
            "" | "draft" => false,
            "published" => true,
            _ => {
                report.problems.push(problem(
                    number,
                    STATUS_COLUMN,
                    "activity_import.status_invalid",
                ));
                false
            }
        };
        let price = cell("price");
        let free = price.trim().trim_start_matches('$').trim().is_empty()
            || price
                .trim()
                .trim_start_matches('$')
                .trim()
                .trim_matches(['0', '.'])
                .is_empty();
        let input = ActivityInput {
            title: cell("title"),
            description: cell("description"),
            category: cell("category").to_ascii_lowercase(),
            age_min: cell("age_min"),
            age_max: cell("age_max"),
            starts_on: cell("starts_on"),
            ends_on: cell("ends_on"),
            weekdays: list(&cell("weekdays")),
            time_from: cell("time_from"),
            time_to: cell("time_to"),
            online,
            address: cell("address"),
            neighborhood: cell("neighborhood").to_ascii_lowercase(),
            cost: if free { "free" } else { "paid" }.into(),
            price,
            capacity: cell("capacity"),
            registration_url: cell("registration_url"),
            accessibility: cell("accessibility"),
            languages: list(&cell("languages")),
            badges: list(&cell("badges")),
            translations: ["es", "en"]
                .iter()
                .map(|l| {
                    (
                        l.to_string(),
                        cell(&format!("title_{l}")),
                        cell(&format!("description_{l}")),
                    )
                })
                .collect(),
        };
        rows.push(Row {
            number,
            input,
            publish,
        });
    }
    rows
}

/// Checks every row of `csv` and, when all are good, writes them all for `org` in one
/// transaction (published where the row says so and the organization may publish). `progress`
/// is told of each row checked and each row written.
pub fn import_activities(
    conn: &mut DbConnection,
    city: &City,
    org: OrgId,
    csv: &[u8],
    actor: &Actor,
    now: NaiveDateTime,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<ImportReport, AppError> {
    let mut report = ImportReport::default();
    let rows = read_rows(csv, &mut report);
    if report.problems.iter().any(|p| p.row <= 1) {
        return Ok(report);
    }
    let choices = store::choices(conn, city.id, org, city.languages.clone())?;
    let total = rows.len() * 2;
    let mut commands = Vec::with_capacity(rows.len());
    for (done, row) in rows.iter().enumerate() {
        match ActivityCommand::try_from((&row.input, &choices)) {
            Ok(command) => commands.push((command, row.publish)),
            Err(errors) => report.problems.extend(
                errors
                    .0
                    .iter()
                    .map(|e| problem(row.number, column_of(e.field), e.message)),
            ),
        }
        progress(done + 1, total);
    }
    report.problems.sort_by_key(|p| p.row);
    if !report.is_ok() {
        return Ok(report);
    }
    let checked = rows.len();
    conn.transaction(|conn| {
        let may_publish = crate::orgs::may_publish(conn, city.id, org)? == Some(true);
        for (done, (command, publish)) in commands.iter().enumerate() {
            let id = editing::insert_draft(conn, city.id, org, command, None, now)?;
            if *publish && may_publish {
                store::set_status(conn, id, ActivityStatus::Published, now)?;
                report.published += 1;
            } else if *publish {
                report.held_as_drafts += 1;
            }
            report.imported += 1;
            progress(checked + done + 1, total);
        }
        audit::record(
            conn,
            &AuditEvent {
                actor,
                city: Some(city.id),
                org: Some(org),
                action: AuditAction::ActivitiesImported,
                target: format!("{} activities", report.imported),
                detail: serde_json::json!({
                    "imported": report.imported,
                    "published": report.published,
                }),
                at: now,
            },
        )?;
        Ok::<_, AppError>(())
    })?;
    Ok(report)
}

/// The column a form field comes from (`cost` is told through `price` in a file).
fn column_of(field: &str) -> &str {
    match field {
        "cost" => "price",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_with_an_unknown_column_is_refused_whole() {
        let mut report = ImportReport::default();
        let rows = read_rows(b"title,description,colour\nA,B,red\n", &mut report);
        assert!(rows.is_empty());
        assert_eq!(
            report.problems,
            vec![problem(1, "colour", "activity_import.column_unknown")]
        );
    }

    #[test]
    fn rows_are_numbered_as_a_spreadsheet_numbers_them() {
        let mut report = ImportReport::default();
        let rows = read_rows(
            b"\xef\xbb\xbftitle,description,online,status\nA,B,yes,published\nC,D,maybe,\n",
            &mut report,
        );
        assert_eq!(rows.len(), 2);
        assert!(rows[0].input.online && rows[0].publish);
        assert_eq!(
            report.problems,
            vec![problem(3, "online", "activity_import.yes_or_no")]
        );
    }

    #[test]
    fn too_many_rows_are_refused() {
        let mut csv = String::from("title,description\n");
        for i in 0..=MAX_ROWS {
            csv.push_str(&format!("T{i},D\n"));
        }
        let mut report = ImportReport::default();
        assert!(read_rows(csv.as_bytes(), &mut report).is_empty());
        assert_eq!(report.problems[0].message, "activity_import.too_many_rows");
    }
}
