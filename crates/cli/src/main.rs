//! The `sagetag` binary: parses flags, validates them into a server
//! configuration, and runs the server until SIGINT or SIGTERM.

mod dump;
mod serve;
mod store_args;

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use clap::{CommandFactory, Parser, Subcommand};
use clap_complete::Shell;

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
    // Boxed: its flags make it far larger than the other variant
    // (clippy::large_enum_variant).
    Serve(Box<serve::ServeArgs>),
    /// Write every account's resources, tags and pending lifecycle steps to a
    /// file (JSON Lines, documented in the README), from a running or stopped
    /// store: a backup, or the first half of a move between backends.
    ///
    /// The export is one consistent snapshot and does not block the server.
    /// Progress shows on a terminal; otherwise the command prints nothing
    /// unless it fails.
    Export(dump::export::ExportArgs),
    /// Load a file written by `sagetag export` into an empty store, SQLite
    /// (--data-dir) or PostgreSQL (--database-url).
    ///
    /// The whole file is checked before the store is touched; a damaged or
    /// incomplete file changes nothing. Progress shows on a terminal.
    Import(dump::import::ImportArgs),
    /// Print a shell completion script on stdout.
    ///
    /// For example:
    /// `sagetag completions bash > ~/.local/share/bash-completion/completions/sagetag`
    /// or `sagetag completions zsh > "${fpath[1]}/_sagetag"`.
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: Shell,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => serve::run(*args),
        Command::Export(args) => dump::export::run(args),
        Command::Import(args) => dump::import::run(args),
        Command::Completions { shell } => completions(shell),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("sagetag: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// Writes the completion script of `shell` to stdout.
fn completions(shell: Shell) -> anyhow::Result<()> {
    // Generated into memory first: clap_complete panics when a write fails,
    // and a closed pipe (`| head`) is no reason to panic.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "sagetag", &mut script);
    std::io::stdout()
        .lock()
        .write_all(&script)
        .context("cannot write the completion script")
}
