//! The one query of the readiness check.

use diesel::connection::SimpleConnection;

use crate::db::DbConnection;
use crate::error::AppError;

/// A round trip to the database.
pub fn ping(conn: &mut DbConnection) -> Result<(), AppError> {
    conn.batch_execute("SELECT 1")?;
    Ok(())
}
