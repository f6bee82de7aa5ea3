//! `sagetag import`: loads an export file into an empty store.
//!
//! Two passes over the file. The first checks every line (the header's
//! version, each resource, the end line's counts) without touching the
//! store, so a damaged or cut-short file is refused before anything is
//! written. The second loads it in batches, each one transaction.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use anyhow::{bail, ensure, Context};
use clap::Args;
use tokio::sync::mpsc;

use sagetag_store::Exported;

use super::format::{Line, FORMAT, VERSION};
use super::progress::Progress;
use crate::store_args::StoreArgs;

/// Resources per transaction: large enough that commits do not dominate,
/// small enough that a batch stays a few megabytes.
const BATCH: usize = 500;

/// Flags of `sagetag import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The export file to load (written by `sagetag export`).
    #[arg(env = "SAGETAG_IMPORT_FILE", value_name = "FILE")]
    file: PathBuf,

    #[command(flatten)]
    store: StoreArgs,
}

/// Loads the file.
pub fn run(args: ImportArgs) -> anyhow::Result<()> {
    super::runtime()?.block_on(import(args))
}

async fn import(args: ImportArgs) -> anyhow::Result<()> {
    let config = args.store.config()?;
    let file = args.file;
    let checked = {
        let file = file.clone();
        tokio::task::spawn_blocking(move || check(&file))
    };
    let (resources, tags) = checked.await.context("the check failed")??;

    let store = sagetag_server::open_store(&config).await?;
    let counts = store.counts().await.context("cannot count the resources")?;
    let held = counts.as_ref().map_or(0, super::total);
    ensure!(
        held == 0,
        "the store already holds {held} resources; import loads into an empty store only \
         (use a new --data-dir, or an empty database)"
    );

    let progress = Progress::new("importing", "resources", Some(resources));
    let (sink, mut batches) = mpsc::channel::<(usize, Vec<Exported>)>(2);
    let reader = {
        let file = file.clone();
        tokio::task::spawn_blocking(move || read(&file, &sink))
    };
    let mut imported = 0_u64;
    while let Some((first_line, batch)) = batches.recv().await {
        let size = batch.len() as u64;
        let last_line = first_line + batch.len() - 1;
        if let Err(err) = store.import(batch).await {
            bail!(
                "{}:{first_line}-{last_line}: the store refused these resources: {err}. \
                 The store now holds the {imported} resources before them; empty it (a \
                 new --data-dir, or an empty database) before importing again",
                file.display()
            );
        }
        imported += size;
        progress.advance(size);
    }
    reader.await.context("the reader failed")??;
    ensure!(
        imported == resources,
        "{} changed while it was imported: {resources} resources checked, {imported} read",
        file.display()
    );
    // Everything is committed by now, and stale statistics only slow the
    // first queries until autovacuum catches up: a warning, not a failure
    // that would send the user to import again into a store that is full.
    if let Err(err) = store.finish_import().await {
        eprintln!(
            "sagetag import: warning: every resource was imported, but the store could not \
             refresh its statistics ({err}); autovacuum will do it later"
        );
    }
    progress.finish(&format!(
        "imported {resources} resources and {tags} tags from {}",
        file.display()
    ));
    Ok(())
}

/// One line of the file, numbered from 1.
struct Lines {
    reader: BufReader<File>,
    buffer: String,
    number: usize,
    path: PathBuf,
}

impl Lines {
    fn open(path: &Path) -> anyhow::Result<Lines> {
        let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        Ok(Lines {
            reader: BufReader::with_capacity(1 << 16, file),
            buffer: String::new(),
            number: 0,
            path: path.to_owned(),
        })
    }

    /// The next line parsed, or `None` at the end of the file.
    fn next(&mut self) -> anyhow::Result<Option<Line>> {
        self.buffer.clear();
        let read = self
            .reader
            .read_line(&mut self.buffer)
            .with_context(|| format!("cannot read {}", self.path.display()))?;
        if read == 0 {
            return Ok(None);
        }
        self.number += 1;
        let text = self.buffer.trim_end_matches(['\n', '\r']);
        match serde_json::from_str(text) {
            Ok(line) => Ok(Some(line)),
            Err(err) => Err(self.fail(&format!("not a line of a sagetag export: {err}"))),
        }
    }

    /// An error naming the file and the current line.
    fn fail(&self, message: &str) -> anyhow::Error {
        anyhow::anyhow!("{}:{}: {message}", self.path.display(), self.number)
    }
}

/// Checks the whole file and returns how many resources and tags it holds.
fn check(path: &Path) -> anyhow::Result<(u64, u64)> {
    let progress = Progress::new("checking", "resources", None);
    let mut lines = Lines::open(path)?;
    match lines.next()? {
        Some(Line::Header { format, version }) => {
            if format != FORMAT {
                return Err(lines.fail(&format!("format {format:?} is not {FORMAT:?}")));
            }
            if version == 0 || version > VERSION {
                return Err(lines.fail(&format!(
                    "format version {version} is not one this sagetag reads (1 to \
                     {VERSION}); use the sagetag that wrote it, or a newer one"
                )));
            }
        }
        Some(_) => return Err(lines.fail("the first line is not the header")),
        None => bail!("{} is empty: not a sagetag export", path.display()),
    }

    let (mut resources, mut tags) = (0_u64, 0_u64);
    loop {
        match lines.next()? {
            Some(Line::Resource(resource)) => {
                resource.check().map_err(|reason| lines.fail(&reason))?;
                resources += 1;
                tags += resource.tags.len() as u64;
                progress.advance(1);
            }
            Some(Line::End {
                resources: want,
                tags: want_tags,
            }) => {
                if (want, want_tags) != (resources, tags) {
                    return Err(lines.fail(&format!(
                        "the end line counts {want} resources and {want_tags} tags, the \
                         file holds {resources} and {tags}"
                    )));
                }
                break;
            }
            Some(Line::Header { .. }) => return Err(lines.fail("a second header")),
            None => bail!(
                "{} ends without its end line after {resources} resources: the file is \
                 incomplete (cut short while it was written or copied)",
                path.display()
            ),
        }
    }
    if lines.next()?.is_some() {
        return Err(lines.fail("a line after the end line"));
    }
    progress.finish(&format!("checked {resources} resources and {tags} tags"));
    Ok((resources, tags))
}

/// Reads the resources into `sink` in batches of [`BATCH`], each with the
/// number of its first line.
fn read(path: &Path, sink: &mpsc::Sender<(usize, Vec<Exported>)>) -> anyhow::Result<()> {
    let mut lines = Lines::open(path)?;
    let mut batch = Vec::with_capacity(BATCH);
    let mut first_line = 0;
    while let Some(line) = lines.next()? {
        let Line::Resource(resource) = line else {
            continue;
        };
        // Checked again: the file may have changed since the first pass, and
        // the store takes what it is given.
        resource.check().map_err(|reason| lines.fail(&reason))?;
        if batch.is_empty() {
            first_line = lines.number;
        }
        batch.push(resource.into_exported());
        if batch.len() == BATCH {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
            if sink.blocking_send((first_line, full)).is_err() {
                return Ok(());
            }
        }
    }
    if !batch.is_empty() {
        let _ = sink.blocking_send((first_line, batch));
    }
    Ok(())
}
