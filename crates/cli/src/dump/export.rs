//! `sagetag export`: every account's resources, tags and pending steps into
//! one file, from a running or a stopped store.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, ensure, Context};
use clap::Args;
use tokio::sync::mpsc;

use sagetag_server::config::StoreConfig;
use sagetag_store::Exported;

use super::format::Line;
use super::progress::Progress;
use crate::store_args::StoreArgs;

/// Resources the store may read ahead of the file.
const READ_AHEAD: usize = 1024;

/// Flags of `sagetag export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// File to write, or `-` for stdout. The export goes to FILE.partial
    /// first, which is synced to disk and renamed to FILE once complete, so
    /// FILE never holds a partial export.
    #[arg(long, env = "SAGETAG_EXPORT_OUT", value_name = "FILE")]
    out: PathBuf,

    #[command(flatten)]
    store: StoreArgs,
}

/// Writes the export file.
pub fn run(args: ExportArgs) -> anyhow::Result<()> {
    super::runtime()?.block_on(export(args))
}

async fn export(args: ExportArgs) -> anyhow::Result<()> {
    let config = args.store.config()?;
    // Opening a SQLite store creates it; an export of a directory that holds
    // none is a mistake in the path, not an empty backup.
    if let StoreConfig::Sqlite { data_dir } = &config {
        let file = data_dir.join(sagetag_store_sqlite::DB_FILE_NAME);
        if !file.is_file() {
            bail!(
                "no sagetag store in {}: {} does not exist",
                data_dir.display(),
                file.display()
            );
        }
    }
    let store = sagetag_server::open_store(&config).await?;
    let counts = store.counts().await.context("cannot count the resources")?;
    let progress = Progress::new("exporting", "resources", counts.as_ref().map(super::total));
    let mut out = Output::create(&args.out)?;

    let (sink, mut source) = mpsc::channel::<Exported>(READ_AHEAD);
    let walk = tokio::spawn(async move { store.export(sink).await });
    let written = tokio::task::spawn_blocking(move || {
        out.line(&Line::header())?;
        let (mut resources, mut tags) = (0_u64, 0_u64);
        while let Some(exported) = source.blocking_recv() {
            let tag_count = exported.tags.len() as u64;
            let arn = exported.resource.arn.clone();
            let line = Line::resource(exported)
                .with_context(|| format!("the document of {arn} is not a JSON object"))?;
            out.line(&line)?;
            resources += 1;
            tags += tag_count;
            progress.advance(1);
        }
        anyhow::Ok((out, resources, tags, progress))
    });
    let (mut out, resources, tags, progress) = written.await.context("the writer failed")??;

    // Only now is it known whether the store finished the walk or broke off.
    let sent = walk
        .await
        .context("the export failed")?
        .context("the store failed during the export")?;
    ensure!(
        sent == resources,
        "the store sent {sent} resources, {resources} were written"
    );
    out.line(&Line::End { resources, tags })?;
    out.finish()?;
    progress.finish(&format!(
        "exported {resources} resources and {tags} tags to {}",
        args.out.display()
    ));
    Ok(())
}

/// Where the lines go: stdout, or a `.partial` file renamed into place at
/// the end.
struct Output {
    writer: BufWriter<Box<dyn Write + Send>>,
    /// The file (a second handle, for the sync) with its final path.
    file: Option<(File, PathBuf, PathBuf)>,
}

impl Output {
    fn create(path: &Path) -> anyhow::Result<Output> {
        if path == Path::new("-") {
            let stdout: Box<dyn Write + Send> = Box::new(std::io::stdout());
            return Ok(Output {
                writer: BufWriter::with_capacity(1 << 16, stdout),
                file: None,
            });
        }
        let mut partial = path.as_os_str().to_owned();
        partial.push(".partial");
        let partial = PathBuf::from(partial);
        let file = File::create(&partial)
            .with_context(|| format!("cannot create {}", partial.display()))?;
        let handle = file.try_clone().context("cannot duplicate a file handle")?;
        Ok(Output {
            writer: BufWriter::with_capacity(1 << 16, Box::new(file)),
            file: Some((handle, partial, path.to_owned())),
        })
    }

    fn line(&mut self, line: &Line) -> anyhow::Result<()> {
        serde_json::to_writer(&mut self.writer, line).context("cannot write the export")?;
        self.writer
            .write_all(b"\n")
            .context("cannot write the export")
    }

    /// Flushes; for a file also syncs it, renames it into place and syncs
    /// the directory, so the complete file survives a crash right after.
    fn finish(mut self) -> anyhow::Result<()> {
        self.writer.flush().context("cannot write the export")?;
        let Some((file, partial, path)) = self.file else {
            return Ok(());
        };
        file.sync_all()
            .with_context(|| format!("cannot sync {}", partial.display()))?;
        std::fs::rename(&partial, &path).with_context(|| {
            format!("cannot rename {} to {}", partial.display(), path.display())
        })?;
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        File::open(dir)
            .and_then(|dir| dir.sync_all())
            .with_context(|| format!("cannot sync {}", dir.display()))
    }
}
