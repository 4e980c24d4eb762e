//! `lanyard`: parses the command line and hands over to the library.

use std::process::ExitCode;

use clap::Parser;

#[actix_web::main]
async fn main() -> ExitCode {
    lanyard::telemetry::init();
    let cli = lanyard::cli::Cli::parse();
    match lanyard::cli::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
