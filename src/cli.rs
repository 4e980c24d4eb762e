//! The command line: `lanyard [serve]`, `demo`, `migrate`, `worker`, `token create`, …

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
    /// Seed a demo city into a fresh SQLite database (or an emptied PostgreSQL one) and serve
    /// it, printing its accounts.
    Demo {
        /// `small` (a few accounts and activities) or `city` (adds 200,000 youth, 500
        /// organizations, 10,000 activities and 1,000,000 awards; takes minutes).
        #[arg(long, value_enum, default_value_t = crate::demo::Scale::Small)]
        scale: crate::demo::Scale,
        /// The seed of `--scale city`'s data: the same seed, the same city.
        #[arg(long, default_value_t = 10)]
        seed: u64,
        /// Use this PostgreSQL database instead of SQLite. Everything in it is dropped, so its
        /// name must contain "demo".
        #[arg(long, env = "LANYARD_DEMO_DATABASE_URL")]
        database_url: Option<String>,
        /// Port to listen on (0 picks a free one).
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// Folder for the demo's SQLite database (re-created on every start), keys and evidence.
        #[arg(long, default_value = "data/demo")]
        data: PathBuf,
        /// Print the accounts, orgs, badges and claim codes as one JSON object on stdout.
        #[arg(long)]
        json: bool,
        /// Also start a real OpenID provider (Node.js, after `npm ci --prefix tests/oidc`) and
        /// set it as Riverton's sign-in provider.
        #[arg(long)]
        oidc: bool,
    },
    /// Run pending database migrations and exit.
    Migrate,
    /// Manage API tokens of partner organizations.
    Token {
        #[command(subcommand)]
        action: TokenCommand,
    },
    /// Run the signing service as its own process (web servers then use signing.mode = remote).
    Signer,
    /// Deliver queued e-mail only, until stopped (web servers then use mail.worker = false).
    Worker,
    /// Award badges in bulk from a CSV file with the columns `badge,recipient`, signing each.
    Award {
        /// The city's slug.
        #[arg(long)]
        city: String,
        /// The awarding organization's slug.
        #[arg(long)]
        org: String,
        /// The CSV file (a header line `badge,recipient`, then one award a line).
        #[arg(long)]
        csv: std::path::PathBuf,
        /// The public base URL credentials are issued under (default: server.public_base_url).
        #[arg(long)]
        base_url: Option<String>,
    },
    /// Manage cities.
    City {
        #[command(subcommand)]
        action: CityCommand,
    },
    /// Import data from files.
    Import {
        #[command(subcommand)]
        what: ImportCommand,
    },
    /// Manage issuer keys and the master key.
    Keys {
        #[command(subcommand)]
        action: KeysCommand,
    },
}

#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// Retire an issuer's current key and make a new one; old public keys stay published.
    Rotate {
        /// The city's slug.
        #[arg(long)]
        city: String,
        /// The organization's slug (omit for the city's own issuer profile).
        #[arg(long)]
        org: Option<String>,
    },
    /// List an issuer's keys.
    List {
        #[arg(long)]
        city: String,
        #[arg(long)]
        org: Option<String>,
    },
    /// Print a new random master key (base64) for LANYARD__SIGNING__MASTER_KEY.
    Master,
}

#[derive(Subcommand, Debug)]
pub enum CityCommand {
    /// Create a city and invite its first coordinator by e-mail (the mail goes to the outbox).
    Create {
        /// The city's web address name (`/c/SLUG`).
        #[arg(long)]
        slug: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        tagline: String,
        /// Languages offered, comma-separated (`en`, `es`).
        #[arg(long, default_value = "en")]
        languages: String,
        #[arg(long)]
        coordinator_email: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// Activities of an organization from a CSV file (columns as on the import page and in
    /// README). Every row is checked first; nothing is imported while any row is bad.
    Activities {
        /// The city's slug.
        #[arg(long)]
        city: String,
        /// The organization's slug.
        #[arg(long)]
        org: String,
        /// The CSV file.
        file: PathBuf,
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
        Command::Demo {
            scale,
            seed,
            database_url,
            port,
            data,
            json,
            oidc,
        } => {
            crate::demo::run(crate::demo::DemoOptions {
                port,
                data,
                json,
                oidc,
                scale,
                seed,
                database_url,
            })
            .await
        }
        Command::Migrate => {
            let settings = Settings::load()?;
            Db::connect(&settings.database.url, 1)?;
            eprintln!("migrations are up to date");
            Ok(())
        }
        Command::Signer => signer().await,
        Command::Worker => mail_worker().await,
        Command::Award {
            city,
            org,
            csv,
            base_url,
        } => award_csv(&city, &org, &csv, base_url).await,
        Command::Keys { action } => keys(action),
        Command::City { action } => crate::tenancy::create::run_cli(action),
        Command::Import {
            what: ImportCommand::Activities { city, org, file },
        } => {
            let settings = Settings::load()?;
            let db = Db::connect(&settings.database.url, 1)?;
            let report = import_activities(&db, &city, &org, &file, true)?;
            for line in report.lines("en") {
                eprintln!("{line}");
            }
            if report.is_ok() {
                Ok(())
            } else {
                anyhow::bail!("nothing was imported")
            }
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
    crate::orgs::tokens::create(
        &mut conn,
        &org,
        &name,
        &hash,
        &crate::audit::Actor::command_line(),
    )?;
    Ok(token)
}

async fn mail_worker() -> anyhow::Result<()> {
    let settings = Settings::load()?;
    let db = Db::connect(&settings.database.url, 2)?;
    let base_url = settings
        .server
        .public_base_url
        .trim_end_matches('/')
        .to_string();
    let worker = crate::notify::worker::Worker::new(db, &settings.mail)?
        .with_digests(base_url)
        .spawn();
    eprintln!("Lanyard mail worker running; Ctrl-C or SIGTERM stops it");
    shutdown_signal().await?;
    worker.stop().await;
    Ok(())
}

/// Ctrl-C or SIGTERM (what a service manager sends).
async fn shutdown_signal() -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            signal = tokio::signal::ctrl_c() => signal?,
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c().await?;
    Ok(())
}

/// Imports the activities of `file` for `org` of `city` (see `activities::import`), with a
/// progress bar on the terminal when `progress` is set.
pub fn import_activities(
    db: &Db,
    city: &str,
    org: &str,
    file: &std::path::Path,
    progress: bool,
) -> anyhow::Result<crate::activities::import::ImportReport> {
    let mut conn = db.get()?;
    let city = crate::tenancy::store::find_by_slug(&mut conn, city)?
        .ok_or_else(|| anyhow::anyhow!("no city with the slug {city:?}"))?;
    let org = crate::orgs::store::find_by_slug(&mut conn, city.id, org)?
        .ok_or_else(|| anyhow::anyhow!("no organization {org:?} in {}", city.slug))?;
    let limit = crate::activities::import::MAX_BYTES as u64;
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(std::fs::File::open(file)?, limit + 1),
        &mut bytes,
    )?;
    let bar = if progress {
        indicatif::ProgressBar::new(0)
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message("checking and writing rows");
    let report = crate::activities::import::import_activities(
        &mut conn,
        &city,
        org.id,
        &bytes,
        &crate::audit::Actor::command_line(),
        chrono::Utc::now().naive_utc(),
        &mut |done, total| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        },
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    bar.finish_and_clear();
    Ok(report)
}

async fn signer() -> anyhow::Result<()> {
    let settings = Settings::load()?;
    let db = Db::connect(&settings.database.url, settings.database.pool_size)?;
    let keyring = std::sync::Arc::new(crate::startup::keyring(&settings)?);
    let listener = std::net::TcpListener::bind((
        settings.signing.signer_host.as_str(),
        settings.signing.signer_port,
    ))?;
    let (server, port) = crate::signing::remote::serve(
        db,
        keyring,
        settings.signing.signer_secret.clone(),
        listener,
    )?;
    eprintln!(
        "Lanyard signer listening on http://{}:{port} (POST /v1/sign)",
        settings.signing.signer_host
    );
    server.await?;
    Ok(())
}

/// The issuer named by a city and an optional organization.
pub fn find_issuer(
    db: &Db,
    city: &str,
    org: Option<&str>,
) -> anyhow::Result<crate::signing::keys::Issuer> {
    let mut conn = db.get()?;
    let city = crate::tenancy::store::find_by_slug(&mut conn, city)?
        .ok_or_else(|| anyhow::anyhow!("no city with the slug {city:?}"))?;
    Ok(match org {
        Some(org) => {
            let org = crate::orgs::store::find_by_slug(&mut conn, city.id, org)?
                .ok_or_else(|| anyhow::anyhow!("no organization {org:?} in {}", city.slug))?;
            crate::signing::keys::Issuer::Org(city.id, org.id)
        }
        None => crate::signing::keys::Issuer::City(city.id),
    })
}

fn keys(action: KeysCommand) -> anyhow::Result<()> {
    if let KeysCommand::Master = action {
        println!("{}", crate::signing::master::MasterKey::generate_base64());
        return Ok(());
    }
    let settings = Settings::load()?;
    let db = Db::connect(&settings.database.url, 1)?;
    match action {
        KeysCommand::Rotate { city, org } => {
            let issuer = find_issuer(&db, &city, org.as_deref())?;
            let keyring = crate::startup::keyring(&settings)?;
            let mut conn = db.get()?;
            let number = keyring.rotate_recorded(
                &mut conn,
                issuer,
                &crate::audit::Actor::command_line(),
                chrono::Utc::now().naive_utc(),
            )?;
            println!(
                "key-{number} now signs for {}; older keys stay published",
                issuer.tag()
            );
        }
        KeysCommand::List { city, org } => {
            let issuer = find_issuer(&db, &city, org.as_deref())?;
            let mut conn = db.get()?;
            for key in crate::signing::keys::published_keys(&mut conn, issuer)? {
                let state = match key.retired_at {
                    Some(at) => format!("retired {at}"),
                    None => "current".to_string(),
                };
                println!(
                    "key-{}  created {}  {state}",
                    key.key_number, key.created_at
                );
            }
        }
        KeysCommand::Master => {}
    }
    Ok(())
}

async fn award_csv(
    city: &str,
    org: &str,
    file: &std::path::Path,
    base_url: Option<String>,
) -> anyhow::Result<()> {
    let settings = Settings::load()?;
    let base = base_url
        .unwrap_or_else(|| settings.server.public_base_url.clone())
        .trim_end_matches('/')
        .to_string();
    if !(base.starts_with("http://") || base.starts_with("https://")) {
        anyhow::bail!("credentials need a public base URL: pass --base-url or set LANYARD__SERVER__PUBLIC_BASE_URL");
    }
    let rows = crate::awards::bulk::read_rows(std::fs::File::open(file)?)?;
    let db = Db::connect(&settings.database.url, 2)?;
    // The signing service of the settings: in-process, or the separate `lanyard signer`.
    let signer = crate::startup::signing_service(&settings)?;
    let (city, org) = {
        let mut conn = db.get()?;
        let city = crate::tenancy::store::find_by_slug(&mut conn, city)?
            .ok_or_else(|| anyhow::anyhow!("no city with the slug {city:?}"))?;
        let org = crate::orgs::store::find_by_slug(&mut conn, city.id, org)?
            .ok_or_else(|| anyhow::anyhow!("no organization {org:?} in {}", city.slug))?;
        (city, org)
    };
    let report = crate::awards::bulk::issue(&db, &signer, &base, &city, &org, &rows)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    for (line, why) in &report.skipped {
        eprintln!("line {line}: skipped: {why}");
    }
    println!(
        "{} awards made and signed in {:.2} s ({:.0} per second); {} rows skipped",
        report.awarded,
        report.seconds,
        report.per_second(),
        report.skipped.len()
    );
    if report.unsigned > 0 {
        eprintln!(
            "{} credentials could not be signed now (the signer did not answer); each is signed on its first request",
            report.unsigned
        );
    }
    Ok(())
}
