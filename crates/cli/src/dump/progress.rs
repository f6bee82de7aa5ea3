//! Progress of an export or import: a bar with resources per second and an
//! ETA on a terminal, nothing otherwise (a cron job's mail stays empty).

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

/// A progress display that draws only when stderr is a terminal.
pub struct Progress {
    bar: ProgressBar,
    started: Instant,
}

impl Progress {
    /// A bar counting `unit` up to `total` (`None` when unknown), headed by
    /// `what` (`exporting`, `importing`…).
    pub fn new(what: &str, unit: &str, total: Option<u64>) -> Progress {
        let bar = if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new(total.unwrap_or(0));
            let template = match total {
                Some(_) => format!(
                    "{{msg}} [{{bar:30}}] {{human_pos}}/{{human_len}} {unit}, \
                     {{per_sec}}, ETA {{eta}}"
                ),
                None => format!("{{msg}} {{human_pos}} {unit}, {{per_sec}}"),
            };
            let style = ProgressStyle::with_template(&template)
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
            bar.set_style(style);
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        } else {
            ProgressBar::hidden()
        };
        bar.set_message(what.to_owned());
        Progress {
            bar,
            started: Instant::now(),
        }
    }

    /// Counts `n` more done.
    pub fn advance(&self, n: u64) {
        self.bar.inc(n);
    }

    /// Clears the bar and, on a terminal, prints `summary` with the time taken.
    pub fn finish(self, summary: &str) {
        if self.bar.is_hidden() {
            return;
        }
        self.bar.finish_and_clear();
        let seconds = self.started.elapsed().as_secs_f64();
        eprintln!("{summary} in {seconds:.1} s");
    }
}
