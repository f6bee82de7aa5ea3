//! The `sagetag` binary: parses flags, validates them into a server
//! configuration, and runs the server until SIGINT or SIGTERM.

mod serve;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// A SageMaker-compatible tagging server.
///
/// sagetag speaks SageMaker's AddTags, ListTags and DeleteTags (and the model
/// operations they need) over AWS JSON 1.1 with SigV4, so boto3, the AWS CLI and
/// the AWS SDKs work against it unchanged when pointed at its endpoint.
#[derive(Debug, Parser)]
#[command(name = "sagetag", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server.
    Serve(serve::ServeArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => serve::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("sagetag: {err:#}");
            ExitCode::from(2)
        }
    }
}
