//! The command line: `lanyard [serve]`, `demo`, `migrate`, `token create`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::db::Db;
use crate::settings::Settings;
use crate::startup::Application;

#[derive(Parser, Debug)]
#[command(
    name = "lanyard",
    version,
    about = "Lanyard: a city's summer of learning, with verifiable badges.",
    long_about = "Lanyard serves a multi-tenant portal for city-wide youth learning programs.\n\
        Settings come from config/base.toml < config/{profile}.toml < LANYARD__SECTION__KEY \
        environment variables; the profile is LANYARD_PROFILE (default: development)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the web server (the default). On an empty database it prints a one-time setup code.
    Serve,
    /// Seed a demo city into a fresh SQLite database and serve it, printing its accounts.
    Demo {
        /// Port to listen on (0 picks a free one).
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// Folder for the demo database (re-created on every start).
        #[arg(long, default_value = "data/demo")]
        data: PathBuf,
        /// Print the accounts, orgs, badges and claim codes as one JSON object on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Run pending database migrations and exit.
    Migrate,
    /// Manage API tokens of partner organizations.
    Token {
        #[command(subcommand)]
        action: TokenCommand,
    },
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Create a bearer token for an organization and print it (it is shown only once).
    Create {
        /// The city's slug.
        #[arg(long)]
        city: String,
        /// The organization's slug.
        #[arg(long)]
        org: String,
        /// A name to recognise the token by.
        #[arg(long, default_value = "command line")]
        name: String,
    },
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve().await,
        Command::Demo { port, data, json } => crate::demo::run(port, data, json).await,
        Command::Migrate => {
            let settings = Settings::load()?;
            Db::connect(&settings.database.url, 1)?;
            eprintln!("migrations are up to date");
            Ok(())
        }
        Command::Token {
            action: TokenCommand::Create { city, org, name },
        } => {
            let settings = Settings::load()?;
            let db = Db::connect(&settings.database.url, 1)?;
            let token = create_token(&db, &city, &org, &name)?;
            println!("{token}");
            Ok(())
        }
    }
}

async fn serve() -> anyhow::Result<()> {
    let settings = Settings::load()?;
    let host = settings.server.host.clone();
    let app = Application::build(settings).await?;
    let base = format!("http://{host}:{}", app.port());
    match app.setup_code() {
        Some(code) => eprintln!(
            "\nLanyard is not set up yet. Open {base}/setup and enter this one-time setup code:\n\n    {code}\n"
        ),
        None => eprintln!("Lanyard is listening on {base}"),
    }
    app.run_until_stopped().await?;
    Ok(())
}

/// Creates an API token for `org` of `city` and returns it.
pub fn create_token(db: &Db, city: &str, org: &str, name: &str) -> anyhow::Result<String> {
    let mut conn = db.get()?;
    let city = crate::tenancy::store::find_by_slug(&mut conn, city)?
        .ok_or_else(|| anyhow::anyhow!("no city with the slug {city:?}"))?;
    let org = crate::orgs::store::find_by_slug(&mut conn, city.id, org)?
        .ok_or_else(|| anyhow::anyhow!("no organization {org:?} in {}", city.slug))?;
    let name = crate::fields::line(name, 60)
        .map_err(|_| anyhow::anyhow!("the token name must be 1 to 60 characters"))?;
    let (token, hash) = crate::orgs::tokens::generate();
    crate::orgs::store::insert_token(
        &mut conn,
        org.id,
        &name,
        &hash,
        chrono::Utc::now().naive_utc(),
    )?;
    Ok(token)
}
