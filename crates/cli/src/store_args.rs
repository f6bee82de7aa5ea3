//! The flags that name a store, shared by `serve`, `export` and `import`.

use std::path::PathBuf;

use clap::Args;
use sagetag_server::config::{ConfigError, StoreConfig};

/// Where the state is: the embedded SQLite store in a directory, or a
/// PostgreSQL database.
#[derive(Debug, Args)]
pub struct StoreArgs {
    /// Directory of the embedded SQLite store (created if missing). One server
    /// only; use --database-url to run several.
    #[arg(long, env = "SAGETAG_DATA_DIR", default_value = "./sagetag-data")]
    pub data_dir: PathBuf,

    /// PostgreSQL database to keep state in instead of --data-dir, shared by
    /// any number of servers: `postgres://user:password@host:5432/database`.
    /// The schema is created or migrated when it is opened.
    #[arg(
        long,
        env = "SAGETAG_DATABASE_URL",
        conflicts_with = "data_dir",
        hide_env_values = true
    )]
    pub database_url: Option<String>,

    /// Connections to the database each server keeps open at most (with
    /// --database-url).
    #[arg(
        long,
        env = "SAGETAG_DATABASE_POOL_SIZE",
        default_value_t = 16,
        requires = "database_url"
    )]
    pub database_pool_size: usize,
}

impl StoreArgs {
    /// The checked store configuration.
    ///
    /// # Errors
    /// [`ConfigError::InvalidLimit`] for a pool size of 0.
    pub fn config(self) -> Result<StoreConfig, ConfigError> {
        let Some(url) = self.database_url else {
            return Ok(StoreConfig::Sqlite {
                data_dir: self.data_dir,
            });
        };
        if self.database_pool_size == 0 {
            return Err(ConfigError::InvalidLimit(
                "--database-pool-size must be at least 1".to_owned(),
            ));
        }
        Ok(StoreConfig::Postgres {
            url,
            pool_size: self.database_pool_size,
        })
    }
}
