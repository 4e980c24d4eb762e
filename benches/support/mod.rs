//! The database of a benchmark: a fresh SQLite file (default), or a fresh PostgreSQL database
//! made on the server of `LANYARD_BENCH_DATABASE_URL`; [`BenchDatabase::remove`] drops it.

// Each benchmark compiles this module on its own and uses part of it.
#![allow(dead_code)]

use diesel::connection::SimpleConnection;
use diesel::Connection;

pub struct BenchDatabase {
    pub url: String,
    name: String,
    /// The PostgreSQL server's URL, when the benchmark runs there.
    admin: Option<String>,
}

impl BenchDatabase {
    pub fn fresh() -> BenchDatabase {
        let name = format!("lanyard_bench_{}", uuid::Uuid::new_v4().simple());
        match std::env::var("LANYARD_BENCH_DATABASE_URL") {
            Ok(admin) if !admin.is_empty() => {
                let mut conn = diesel::pg::PgConnection::establish(&admin).unwrap();
                conn.batch_execute(&format!("CREATE DATABASE {name}"))
                    .unwrap();
                let base = &admin[..admin.rfind('/').unwrap()];
                BenchDatabase {
                    url: format!("{base}/{name}"),
                    name,
                    admin: Some(admin),
                }
            }
            _ => {
                let path = std::env::temp_dir().join(format!("{name}.db"));
                BenchDatabase {
                    url: format!("sqlite://{}", path.display()),
                    name,
                    admin: None,
                }
            }
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.admin.is_some()
    }

    pub fn backend(&self) -> &'static str {
        if self.is_postgres() {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    }

    /// Drops the database (every pool on it closed first).
    pub fn remove(self) {
        if let Some(admin) = &self.admin {
            let mut conn = diesel::pg::PgConnection::establish(admin).unwrap();
            conn.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .unwrap();
        } else if let Some(path) = self.url.strip_prefix("sqlite://") {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{path}{suffix}"));
            }
        }
    }
}
