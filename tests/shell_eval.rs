//! `aws-sso eval` output fed to real shells: bash, zsh, dash and fish source what
//! `shell::render` writes (as a file, through `eval "$(…)"`, through `eval (…)`), then
//! `env -0` shows what a child process inherits, which must be every value byte for byte and
//! none of the unset variables.
//!
//! Those four shells are required (`.ci/setup` installs them); a missing one fails with the
//! Debian package to install. PowerShell and xonsh are not packaged for Debian: their output
//! is checked by independent parsers (a PowerShell single-quote reader below, Python's own
//! `ast.literal_eval` for xonsh), and by the real shell when `pwsh` / `xonsh` is on PATH.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use aws_sso::shell::{EnvChange, Shell, render};

/// Values chosen to break a naive quoter in at least one of the dialects.
const TRICKY: &[&str] = &[
    "it's",
    "'",
    "''",
    "'\\''",
    "say \"hi\"",
    "\"",
    "$HOME ${HOME} $(echo no) `echo no` $",
    "\\",
    "abc\\",
    "\\'",
    "a\\\\'b",
    "\\n not a newline",
    "\\\nline continuation",
    "bang! !! !$ !-1",
    "line1\nline2\n",
    "\n",
    "\n\n",
    "\ttab\tand\r\ncrlf\r",
    "\r",
    "*",
    "?[a]*",
    "{a,b}",
    "~",
    "~root/x",
    "-n",
    "-e",
    "--",
    "-gx",
    "--help",
    "a=b=c",
    "  leading and trailing  ",
    " ",
    "#not a comment",
    "; & | < > ( ) { } && ||",
    "%s %d %% %n",
    "() { :; }; echo pwned",
    "héllo wörld ✓ 日本 🚀",
    "\u{2018}curly\u{2019} \u{201A}low\u{201B} \u{201C}dq\u{201D} `backtick` $Env:PATH",
    "\u{1}\u{1b}[31mred\u{7f}",
    "\u{85}\u{a0}\u{2028}\u{2029}\u{feff}",
    "@(1,2) @{a=1} $null",
    "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY==",
];

/// Deterministic pseudo-random values over printable ASCII plus the specials above.
fn generated(count: usize) -> Vec<String> {
    let mut alphabet: Vec<char> = (' '..='~').collect();
    alphabet.extend("\t\n\r\u{1}\u{1b}\u{7f}éß✓🚀日".chars());
    alphabet.extend("\u{2018}\u{2019}\u{201A}\u{201B}\u{201C}\u{85}\u{a0}\u{2028}".chars());
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |bound: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % bound as u64) as usize
    };
    (0..count)
        .map(|_| {
            let len = 1 + next(40);
            (0..len).map(|_| alphabet[next(alphabet.len())]).collect()
        })
        .collect()
}

/// What to render, what the environment holds before, and what it must hold after.
struct Case {
    changes: Vec<EnvChange>,
    preset: Vec<(&'static str, &'static str)>,
    expected: Vec<(String, Option<String>)>,
}

fn case_with(values: Vec<String>) -> Case {
    let mut changes = Vec::new();
    let mut expected = Vec::new();
    for (i, value) in values.into_iter().enumerate() {
        let name = format!("EVAL_T{i:03}");
        changes.push(EnvChange::set(&name, &value));
        expected.push((name, Some(value)));
    }
    changes.extend([
        EnvChange::unset("EVAL_GONE"),
        EnvChange::set("EVAL_EMPTIED", ""),
        EnvChange::set("EVAL_REPLACED", "new 'value'"),
        EnvChange::set("EVAL_SET_THEN_UNSET", "v"),
        EnvChange::unset("EVAL_SET_THEN_UNSET"),
        EnvChange::unset("EVAL_UNSET_THEN_SET"),
        EnvChange::set("EVAL_UNSET_THEN_SET", "back"),
        EnvChange::unset("EVAL_NEVER_SET"),
    ]);
    for (name, value) in [
        ("EVAL_GONE", None),
        ("EVAL_EMPTIED", None),
        ("EVAL_REPLACED", Some("new 'value'")),
        ("EVAL_SET_THEN_UNSET", None),
        ("EVAL_UNSET_THEN_SET", Some("back")),
        ("EVAL_NEVER_SET", None),
    ] {
        expected.push((name.to_owned(), value.map(str::to_owned)));
    }
    Case {
        changes,
        preset: vec![
            ("EVAL_GONE", "was here"),
            ("EVAL_EMPTIED", "was here"),
            ("EVAL_REPLACED", "old"),
            ("EVAL_SET_THEN_UNSET", "old"),
            ("EVAL_UNSET_THEN_SET", "old"),
        ],
        expected,
    }
}

fn full_case() -> Case {
    let mut values: Vec<String> = TRICKY.iter().map(|v| (*v).to_owned()).collect();
    values.extend(generated(150));
    case_with(values)
}

/// The absolute path of `program`, or a failure telling which Debian package provides it.
fn require(program: &str, package: &str) -> PathBuf {
    find_on_path(program).unwrap_or_else(|| {
        panic!(
            "`{program}` is not on PATH: install the Debian package `{package}` \
             (apt-get install {package}; .ci/setup does this)"
        )
    })
}

fn find_on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

/// Write `rendered` to `file_name` in a scratch directory, run `program args…` with
/// `$EVAL_FILE` pointing at it and the case's preset environment, and return its stdout.
fn run(program: &Path, args: &[&str], rendered: &str, file_name: &str, case: &Case) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(file_name);
    std::fs::write(&file, rendered).unwrap();
    let mut cmd = Command::new(program);
    cmd.args(args)
        .env("EVAL_FILE", &file)
        // Shells that keep history or universal variables write there, not in the real home.
        .env("HOME", dir.path())
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .env("XDG_DATA_HOME", dir.path().join("data"));
    for (name, _) in &case.expected {
        cmd.env_remove(name);
    }
    for (name, value) in &case.preset {
        cmd.env(name, value);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{} {args:?} failed ({}):\n{}",
        program.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Parse `env -0` output.
fn parse_env0(stdout: &[u8]) -> BTreeMap<String, String> {
    stdout
        .split(|b| *b == 0)
        .filter(|entry| !entry.is_empty())
        .filter_map(|entry| {
            let entry = String::from_utf8(entry.to_vec()).expect("environment is UTF-8");
            let (name, value) = entry.split_once('=')?;
            Some((name.to_owned(), value.to_owned()))
        })
        .collect()
}

fn assert_environment(label: &str, env: &BTreeMap<String, String>, case: &Case) {
    let mut wrong = Vec::new();
    for (name, want) in &case.expected {
        let got = env.get(name);
        if got != want.as_ref() {
            wrong.push(format!("{name}: want {want:?}, got {got:?}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{label}: {} of {} variables differ:\n{}",
        wrong.len(),
        case.expected.len(),
        wrong.join("\n")
    );
}

/// Source the rendered output with `script` (which reads `$EVAL_FILE` and ends by running
/// `env -0`, or printing the same records) and check the environment `env` inherited.
fn check_shell(program: &Path, args: &[&str], script: &str, shell: Shell, case: &Case) {
    let rendered = render(shell, &case.changes);
    let mut full_args = args.to_vec();
    full_args.extend(["-c", script]);
    let file_name = match shell {
        Shell::Posix => "eval.sh",
        Shell::Fish => "eval.fish",
        Shell::PowerShell => "eval.ps1",
        Shell::Xonsh => "eval.xsh",
    };
    let stdout = run(program, &full_args, &rendered, file_name, case);
    let label = format!("{} {full_args:?}", program.display());
    assert_environment(&label, &parse_env0(&stdout), case);
}

const POSIX_SCRIPTS: &[&str] = &[
    ". \"$EVAL_FILE\"; exec env -0",
    "eval \"$(cat \"$EVAL_FILE\")\"; exec env -0",
];

#[test]
fn bash_reads_every_value_back_exactly() {
    let bash = require("bash", "bash");
    let case = full_case();
    for script in POSIX_SCRIPTS {
        check_shell(
            &bash,
            &["--norc", "--noprofile"],
            script,
            Shell::Posix,
            &case,
        );
        check_shell(&bash, &["--posix"], script, Shell::Posix, &case);
    }
}

/// aws-sso-cli documents `eval $(aws-sso eval …)` unquoted: word splitting and globbing then
/// apply to our output, which credential-shaped values (no blanks, no glob characters)
/// survive.
#[test]
fn bash_unquoted_eval_keeps_credential_shaped_values() {
    let bash = require("bash", "bash");
    let values = [
        "ASIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY==",
        "arn:aws:iam::123456789012:role/Admin",
        "2026-08-22T10:15:00-07:00",
    ];
    let name = |i: usize| format!("EVAL_T{i:03}");
    let case = Case {
        changes: (values.iter().enumerate())
            .map(|(i, v)| EnvChange::set(name(i), *v))
            .collect(),
        preset: Vec::new(),
        expected: (values.iter().enumerate())
            .map(|(i, v)| (name(i), Some((*v).to_owned())))
            .collect(),
    };
    let script = "eval $(cat \"$EVAL_FILE\"); exec env -0";
    check_shell(
        &bash,
        &["--norc", "--noprofile"],
        script,
        Shell::Posix,
        &case,
    );
}

#[test]
fn zsh_reads_every_value_back_exactly() {
    let zsh = require("zsh", "zsh");
    let case = full_case();
    for script in POSIX_SCRIPTS {
        check_shell(&zsh, &["-f"], script, Shell::Posix, &case);
        // RC_QUOTES makes '' a quote inside single quotes; a common interactive option.
        let rc_quotes = format!("setopt rc_quotes; {script}");
        check_shell(&zsh, &["-f"], &rc_quotes, Shell::Posix, &case);
    }
}

#[test]
fn dash_reads_every_value_back_exactly() {
    let dash = require("dash", "dash");
    let case = full_case();
    for script in POSIX_SCRIPTS {
        check_shell(&dash, &[], script, Shell::Posix, &case);
    }
}

#[test]
fn fish_reads_every_value_back_exactly() {
    let fish = require("fish", "fish");
    let case = full_case();
    for script in [
        "source $EVAL_FILE; exec env -0",
        "cat $EVAL_FILE | source; exec env -0",
        // Command substitution splits on newlines and eval joins with spaces: the form
        // aws-sso-cli's fish users type.
        "eval (cat $EVAL_FILE); exec env -0",
    ] {
        check_shell(&fish, &["--no-config"], script, Shell::Fish, &case);
    }
    // fish decodes its input by locale; the C locale must not alter non-ASCII values.
    let env = require("env", "coreutils");
    let fish = fish.to_str().unwrap();
    let script = "source $EVAL_FILE; exec env -0";
    check_shell(
        &env,
        &["LC_ALL=C", fish, "--no-config"],
        script,
        Shell::Fish,
        &case,
    );
}

#[path = "shell_eval/independent.rs"]
mod independent;
