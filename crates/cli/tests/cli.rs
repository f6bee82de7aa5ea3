//! The command line of the `sagetag` binary: version, help and completions.

use std::process::{Command, Output};

/// Runs the built binary with no `SAGETAG_*` variables, which would show up in
/// the help as `[env: NAME=value]`.
fn sagetag(args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sagetag"));
    command.args(args);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("SAGETAG_") {
            command.env_remove(name);
        }
    }
    command.output().expect("cannot run sagetag")
}

fn stdout_of(args: &[&str]) -> String {
    let output = sagetag(args);
    assert!(
        output.status.success(),
        "sagetag {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// One flag's entry in a long help text: its first line and the lines under it.
struct Entry {
    flag: String,
    text: String,
}

/// Splits the `Options:` section of a long help text into one entry per flag.
fn entries(help: &str) -> Vec<Entry> {
    let mut found: Vec<Entry> = Vec::new();
    for line in help.lines() {
        let trimmed = line.trim_start();
        let names_a_flag = trimmed.starts_with("--")
            || (trimmed.starts_with('-') && trimmed.get(2..4) == Some(", "));
        if names_a_flag && line.len() - trimmed.len() <= 6 {
            let flag = trimmed.split([' ', ',']).find(|w| w.starts_with("--"));
            found.push(Entry {
                flag: flag.unwrap_or(trimmed).to_owned(),
                text: String::new(),
            });
        } else if let Some(entry) = found.last_mut() {
            entry.text.push_str(trimmed);
            entry.text.push('\n');
        }
    }
    found
}

#[test]
fn version_names_the_package_version() {
    let version = stdout_of(&["--version"]);
    assert_eq!(version, format!("sagetag {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn top_level_help_lists_the_subcommands() {
    let help = stdout_of(&["--help"]);
    for word in [
        "serve",
        "export",
        "import",
        "completions",
        "--version",
        "--help",
    ] {
        assert!(help.contains(word), "{word} missing from:\n{help}");
    }
}

#[test]
fn serve_help_names_every_flag_with_its_env_var_and_default() {
    let help = stdout_of(&["serve", "--help"]);
    let known = [
        ("--listen", "SAGETAG_LISTEN", Some("127.0.0.1:4570")),
        ("--data-dir", "SAGETAG_DATA_DIR", Some("./sagetag-data")),
        ("--credentials", "SAGETAG_CREDENTIALS", None),
        (
            "--default-account",
            "SAGETAG_DEFAULT_ACCOUNT",
            Some("000000000000"),
        ),
        (
            "--allow-unauthenticated",
            "SAGETAG_ALLOW_UNAUTHENTICATED",
            None,
        ),
        ("--regions", "SAGETAG_REGIONS", None),
        ("--enable-reset", "SAGETAG_ENABLE_RESET", None),
        (
            "--max-body-bytes",
            "SAGETAG_MAX_BODY_BYTES",
            Some("1048576"),
        ),
        (
            "--lifecycle-seconds",
            "SAGETAG_LIFECYCLE_SECONDS",
            Some("5"),
        ),
        (
            "--request-timeout-seconds",
            "SAGETAG_REQUEST_TIMEOUT",
            Some("30"),
        ),
        ("--log-format", "SAGETAG_LOG_FORMAT", None),
    ];
    let entries = entries(&help);
    for (flag, env, default) in known {
        let entry = entries
            .iter()
            .find(|e| e.flag == flag)
            .unwrap_or_else(|| panic!("{flag} missing from:\n{help}"));
        assert!(
            entry.text.contains(&format!("[env: {env}=]")),
            "{flag}: no {env} in {:?}",
            entry.text
        );
        if let Some(default) = default {
            assert!(
                entry.text.contains(&format!("[default: {default}]")),
                "{flag}: no default {default} in {:?}",
                entry.text
            );
        }
    }
    let log_format = entries.iter().find(|e| e.flag == "--log-format").unwrap();
    assert!(log_format.text.contains("json") && log_format.text.contains("pretty"));

    every_flag_explains_itself(&entries);
}

/// Every flag, those added later included, explains itself and has an
/// environment fallback.
fn every_flag_explains_itself(entries: &[Entry]) {
    for entry in entries.iter().filter(|e| e.flag != "--help") {
        let description = entry.text.lines().next().unwrap_or_default();
        assert!(
            !description.is_empty() && !description.starts_with('['),
            "{} has no description",
            entry.flag
        );
        assert!(
            entry.text.contains("[env: SAGETAG_"),
            "{} has no SAGETAG_ environment variable",
            entry.flag
        );
    }
}

#[test]
fn export_and_import_help_name_every_flag_with_its_env_var() {
    for command in ["export", "import"] {
        let help = stdout_of(&[command, "--help"]);
        let entries = entries(&help);
        for flag in ["--data-dir", "--database-url", "--database-pool-size"] {
            assert!(
                entries.iter().any(|e| e.flag == flag),
                "{command}: {flag} missing from:\n{help}"
            );
        }
        every_flag_explains_itself(&entries);
    }
    let export = stdout_of(&["export", "--help"]);
    assert!(export.contains("--out <FILE>") && export.contains("[env: SAGETAG_EXPORT_OUT=]"));
    let import = stdout_of(&["import", "--help"]);
    assert!(import.contains("<FILE>") && import.contains("[env: SAGETAG_IMPORT_FILE=]"));
}

#[test]
fn completions_print_a_script_for_each_shell() {
    let bash = stdout_of(&["completions", "bash"]);
    assert!(bash.contains("_sagetag()"), "{bash}");
    assert!(bash.contains("complete -F _sagetag"), "{bash}");
    assert!(bash.contains("--listen") && bash.contains("completions"));

    assert!(stdout_of(&["completions", "zsh"]).starts_with("#compdef sagetag"));
    assert!(stdout_of(&["completions", "fish"]).contains("complete -c sagetag"));

    let refused = sagetag(&["completions", "cmd.exe"]);
    assert_eq!(refused.status.code(), Some(2));
}
