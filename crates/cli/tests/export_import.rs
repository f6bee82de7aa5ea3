//! `sagetag export` and `sagetag import` between the two backends, through
//! the built binary: 100,000 resources with their tags and steps go from a
//! SQLite store to a file, into PostgreSQL, and out to a second file, which
//! must be identical to the first; neither command's memory may grow with
//! the data.
//!
//! Needs `SAGETAG_TEST_DATABASE_URL` (a cluster where this user may create
//! databases; `scripts/test.sh` starts one with `scripts/pg.sh`); without it
//! the case is skipped with a note.

#[cfg(sagetag_pg_tests)]
mod cases {
    use std::io::{BufWriter, Write};
    use std::path::Path;
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    use serde_json::{json, Value};

    /// Resources in the round trip.
    const RESOURCES: usize = 100_000;

    /// The most resident memory either command may reach, in KiB. The export
    /// file of [`RESOURCES`] is about 56 MiB and the same records held in
    /// memory take several times that, so a command that buffered the data
    /// instead of streaming it would cross this line.
    const MAX_RSS_KIB: u64 = 96 * 1024;

    /// The ARN resource types, tuning jobs first so that the training job
    /// after each can name it as its parent; with a status where the kind
    /// has one.
    const KINDS: [(&str, Option<&str>); 9] = [
        ("hyper-parameter-tuning-job", Some("InProgress")),
        ("training-job", Some("InProgress")),
        ("notebook-instance", Some("InService")),
        ("transform-job", Some("Completed")),
        ("model", None),
        ("labeling-job", Some("InProgress")),
        ("workteam/private-crowd", None),
        ("endpoint-config", None),
        ("endpoint", Some("Creating")),
    ];

    const ACCOUNTS: [&str; 3] = ["111111111111", "222222222222", "333333333333"];
    const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];

    fn arn(i: usize) -> String {
        let (kind, _) = KINDS[i % KINDS.len()];
        let (account, region) = (ACCOUNTS[i % 3], REGIONS[(i / 3) % 2]);
        format!("arn:aws:sagemaker:{region}:{account}:{kind}/Res-{i:06}")
    }

    /// Resource `i` as a line of an export, members in the order the export
    /// writes them: a mix of kinds, accounts, regions, statuses, tag counts
    /// from 0 to 50 (with non-ASCII text and empty values), parents, steps,
    /// fractional times and nested documents.
    fn resource(i: usize) -> Value {
        let (kind, status) = KINDS[i % KINDS.len()];
        let tag_count = if i % 1_000 == 7 { 50 } else { (i * 7) % 11 };
        let tags: Vec<Value> = (0..tag_count)
            .map(|j| match j % 3 {
                0 => json!({ "Key": format!("team-{j}"), "Value": format!("ml-{i}") }),
                1 => json!({ "Key": format!("ключ {j} ✓"), "Value": "" }),
                _ => json!({ "Key": format!("cost:{j}"), "Value": format!("{}", i % 97) }),
            })
            .collect();
        let steps = if i % 10 == 8 {
            json!([{ "due_at": 1_800_000_000.5 + i as f64, "action": "Creating>InService" }])
        } else {
            json!([])
        };
        let parent = (i % KINDS.len() == 1).then(|| arn(i - 1));
        let created_at = 1_700_000_000.0 + i as f64 * 0.125;
        let name = format!("Res-{i:06}");
        json!({
            "type": "resource",
            "account": ACCOUNTS[i % 3],
            "region": REGIONS[(i / 3) % 2],
            "kind": kind,
            "name": name,
            "arn": arn(i),
            "status": status,
            "parent": parent,
            "created_at": created_at,
            "modified_at": created_at + (i % 5) as f64,
            "document": {
                "Name": name,
                "Nested": { "n": i, "f": i as f64 / 7.0, "list": [1, "two", null, true] },
            },
            "tags": tags,
            "steps": steps,
        })
    }

    /// Writes the export file of [`RESOURCES`] generated resources.
    fn generate(path: &Path) {
        let file = std::fs::File::create(path).expect("create the generated file");
        let mut out = BufWriter::new(file);
        let header = json!({ "type": "header", "format": "sagetag-export", "version": 1 });
        writeln!(out, "{header}").expect("write");
        let mut tags = 0;
        for i in 0..RESOURCES {
            let line = resource(i);
            tags += line["tags"].as_array().map_or(0, Vec::len);
            writeln!(out, "{line}").expect("write");
        }
        let end = json!({ "type": "end", "resources": RESOURCES, "tags": tags });
        writeln!(out, "{end}").expect("write");
        out.flush().expect("flush");
    }

    /// Runs the binary with `args` and no `SAGETAG_*` variables, and returns
    /// the peak resident memory it reached, in KiB (sampled from
    /// `/proc/PID/status` while it runs; `VmHWM` only grows).
    fn sagetag(args: &[&str]) -> u64 {
        let mut command = Command::new(env!("CARGO_BIN_EXE_sagetag"));
        command
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("SAGETAG_") {
                command.env_remove(name);
            }
        }
        let mut child = command.spawn().expect("run sagetag");
        let status_file = format!("/proc/{}/status", child.id());
        let mut peak = 0;
        let status = loop {
            if let Ok(status) = std::fs::read_to_string(&status_file) {
                peak = peak.max(vm_hwm(&status));
            }
            if let Some(status) = child.try_wait().expect("wait for sagetag") {
                break status;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut stderr = String::new();
        std::io::Read::read_to_string(child.stderr.as_mut().expect("stderr"), &mut stderr)
            .expect("read stderr");
        assert!(status.success(), "sagetag {args:?} failed: {stderr}");
        assert_eq!(
            stderr, "",
            "sagetag {args:?} is quiet when not on a terminal"
        );
        peak
    }

    fn vm_hwm(status: &str) -> u64 {
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }

    /// A database created for the case, dropped at the end.
    struct FreshDatabase {
        admin_url: String,
        name: String,
        url: String,
    }

    impl FreshDatabase {
        fn create() -> FreshDatabase {
            let admin_url = std::env::var("SAGETAG_TEST_DATABASE_URL")
                .expect("SAGETAG_TEST_DATABASE_URL is set (the build saw it)");
            let name = format!("sagetag_import_{}", uuid::Uuid::new_v4().simple());
            admin(&admin_url, &format!("CREATE DATABASE {name}"));
            // The URL names a database last (`…/postgres`, maybe `?options`).
            let (base, query) = admin_url.split_once('?').unwrap_or((&admin_url, ""));
            let (server, _) = base.rsplit_once('/').expect("a URL ending in /DATABASE");
            let query = if query.is_empty() {
                String::new()
            } else {
                format!("?{query}")
            };
            let url = format!("{server}/{name}{query}");
            FreshDatabase {
                admin_url,
                name,
                url,
            }
        }
    }

    impl Drop for FreshDatabase {
        fn drop(&mut self) {
            let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
            admin(&self.admin_url, &sql);
        }
    }

    /// Runs one statement on the admin database.
    fn admin(url: &str, sql: &str) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
                .await
                .expect("connect to SAGETAG_TEST_DATABASE_URL");
            tokio::spawn(connection);
            client.batch_execute(sql).await.expect(sql);
        });
    }

    #[test]
    fn sqlite_to_file_to_postgres_to_file_gives_identical_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = |name: &str| dir.path().join(name).to_str().expect("UTF-8").to_owned();
        let (generated, first, second) = (path("generated"), path("first"), path("second"));
        generate(Path::new(&generated));
        let sqlite = path("sqlite");
        let postgres = FreshDatabase::create();

        let steps: [&[&str]; 4] = [
            &["import", &generated, "--data-dir", &sqlite],
            &["export", "--data-dir", &sqlite, "--out", &first],
            &["import", &first, "--database-url", &postgres.url],
            &["export", "--database-url", &postgres.url, "--out", &second],
        ];
        let mut peaks = Vec::new();
        for args in steps {
            let started = Instant::now();
            let peak = sagetag(args);
            let seconds = started.elapsed().as_secs_f64();
            let backend = if args.contains(&"--database-url") {
                "PostgreSQL"
            } else {
                "SQLite"
            };
            eprintln!("{} {backend}: {seconds:.1} s, peak RSS {peak} KiB", args[0]);
            peaks.push(peak);
        }

        let generated = std::fs::read(&generated).expect("read");
        let first = std::fs::read(&first).expect("read");
        let second = std::fs::read(&second).expect("read");
        assert_eq!(first.len(), generated.len());
        assert!(
            first == generated,
            "the SQLite export differs from what was imported"
        );
        assert!(
            second == first,
            "the PostgreSQL export differs from the SQLite export"
        );
        assert!(!Path::new(&path("second.partial")).exists());

        eprintln!("export file: {} bytes", first.len());
        for peak in peaks {
            assert!(peak > 0, "no memory reading");
            assert!(peak < MAX_RSS_KIB, "{peak} KiB: memory grew with the data");
        }
    }
}

#[cfg(not(sagetag_pg_tests))]
#[test]
fn skipped_without_a_database() {
    eprintln!(
        "note: export/import tests between SQLite and PostgreSQL skipped: set \
         SAGETAG_TEST_DATABASE_URL (scripts/test.sh does, with scripts/pg.sh) and rebuild"
    );
}
