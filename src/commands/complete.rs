//! Tab completion through the `COMP_LINE` protocol (docs/shell.md, "The COMP_LINE protocol"), which aws-sso-cli users
//! have in their rc files as `complete -C aws-sso aws-sso`: when bash (or zsh's bashcompinit,
//! or our fish hook) runs the binary with `COMP_LINE` set, it prints the candidates for the
//! word under the cursor, one per line, and exits before any normal parsing.
//!
//! The walk over the line uses clap's own command tree (subcommands, aliases, flags, which
//! flags take a value, possible values), so completion can never drift from the grammar.
//! Flag values come from [`crate::completion`]: config.yaml and the cache only, never the
//! secure store or the network.

use std::ffi::OsString;
use std::io::Write;

use clap::CommandFactory;

use super::Cli;
use crate::completion::{Narrowing, Sources, ValueKind};
use crate::config::{Config, ConfigEnv, Paths};

/// A completion request found in the process environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The line up to the cursor.
    pub line: String,
    /// The word the shell will replace (bash's `$2` with `complete -C`), when it differs
    /// from the last whitespace-separated word: bash splits words at `:` and `=` too.
    pub shell_word: Option<String>,
}

/// `Some` when this process was started to complete a word: `COMP_LINE` is set and the
/// arguments are either none (our fish hook) or bash's three (`command word previous`, the
/// command being the line's first word). Anything else is a normal run that happens to see
/// `COMP_LINE` (e.g. from inside a completion function).
pub fn request(
    args: &[OsString],
    comp_line: Option<&str>,
    comp_point: Option<&str>,
) -> Option<Request> {
    let line = comp_line?;
    let shell_word = match args.len() {
        1 => None,
        4 => {
            let first = line.split_whitespace().next()?;
            let named = args[1].to_string_lossy();
            let base = |s: &str| s.rsplit('/').next().unwrap_or(s).to_owned();
            if base(&named) != base(first) {
                return None;
            }
            Some(args[2].to_string_lossy().into_owned())
        }
        _ => return None,
    };
    // COMP_POINT counts characters (bash) up to the cursor; past the end means the end.
    let point = comp_point
        .and_then(|p| p.parse::<usize>().ok())
        .unwrap_or(usize::MAX);
    let line: String = line.chars().take(point).collect();
    Some(Request { line, shell_word })
}

/// What the cursor is on, after walking the line.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Slot {
    /// A flag's value: (arg id, text typed so far, text to put back before each candidate).
    Value {
        arg: String,
        typed: String,
        lead: String,
    },
    /// A flag name.
    Flag(String),
    /// A subcommand or a positional argument.
    Word(String),
}

/// The walk's result: the innermost command, what the cursor is on, and the values of the
/// flags that narrow other flags' candidates.
struct Walk {
    path: Vec<String>,
    slot: Slot,
    sso: Option<String>,
    config: Option<String>,
    narrowing: Narrowing,
    positional_done: usize,
}

fn takes_value(arg: &clap::Arg) -> bool {
    arg.get_action().takes_values()
}

fn find_long<'a>(cmd: &'a clap::Command, name: &str) -> Option<&'a clap::Arg> {
    cmd.get_arguments().find(|a| {
        a.get_long() == Some(name) || a.get_all_aliases().is_some_and(|al| al.contains(&name))
    })
}

fn find_short(cmd: &clap::Command, c: char) -> Option<&clap::Arg> {
    cmd.get_arguments().find(|a| a.get_short() == Some(c))
}

fn find_sub<'a>(cmd: &'a clap::Command, name: &str) -> Option<&'a clap::Command> {
    cmd.get_subcommands()
        .find(|s| s.get_name() == name || s.get_all_aliases().any(|a| a == name))
}

fn note(walk: &mut Walk, id: &str, value: &str) {
    match id {
        "sso" => walk.sso = Some(value.to_owned()),
        "config" => walk.config = Some(value.to_owned()),
        "account" => walk.narrowing.account = crate::role::parse_account_id(value),
        "role" => walk.narrowing.role = Some(value.to_owned()),
        _ => {}
    }
}

fn walk(root: &clap::Command, line: &str) -> Walk {
    let mut words: Vec<&str> = line.split_whitespace().collect();
    let current = if line.ends_with(char::is_whitespace) || words.is_empty() {
        String::new()
    } else {
        words.pop().unwrap_or_default().to_owned()
    };
    let mut walk = Walk {
        path: Vec::new(),
        slot: Slot::Word(String::new()),
        sso: None,
        config: None,
        narrowing: Narrowing::default(),
        positional_done: 0,
    };
    let mut cmd = root;
    let mut pending: Option<String> = None;
    let mut only_positional = false;
    for word in words.iter().skip(1) {
        if let Some(id) = pending.take() {
            note(&mut walk, &id, word);
            continue;
        }
        if only_positional {
            walk.positional_done += 1;
        } else if *word == "--" {
            only_positional = true;
        } else if let Some(long) = word.strip_prefix("--") {
            let (name, value) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (long, None),
            };
            if let Some(arg) = find_long(cmd, name) {
                match value {
                    Some(v) => note(&mut walk, arg.get_id().as_str(), v),
                    None if takes_value(arg) => pending = Some(arg.get_id().to_string()),
                    None => {}
                }
            }
        } else if let Some(shorts) = word.strip_prefix('-').filter(|s| !s.is_empty()) {
            for (i, c) in shorts.char_indices() {
                let Some(arg) = find_short(cmd, c) else {
                    break;
                };
                if takes_value(arg) {
                    let rest = &shorts[i + c.len_utf8()..];
                    if rest.is_empty() {
                        pending = Some(arg.get_id().to_string());
                    } else {
                        note(&mut walk, arg.get_id().as_str(), rest);
                    }
                    break;
                }
            }
        } else if let Some(sub) = find_sub(cmd, word) {
            cmd = sub;
            walk.path.push(sub.get_name().to_owned());
            walk.positional_done = 0;
        } else {
            walk.positional_done += 1;
        }
    }
    walk.slot = if let Some(arg) = pending {
        Slot::Value {
            arg,
            typed: current,
            lead: String::new(),
        }
    } else if let Some(long) = current.strip_prefix("--").filter(|_| !only_positional) {
        match long.split_once('=') {
            Some((name, value)) => match find_long(cmd, name) {
                Some(arg) => Slot::Value {
                    arg: arg.get_id().to_string(),
                    typed: value.to_owned(),
                    lead: format!("--{name}="),
                },
                None => Slot::Flag(current.clone()),
            },
            None => Slot::Flag(current.clone()),
        }
    } else if current.starts_with('-') && !only_positional {
        Slot::Flag(current.clone())
    } else {
        Slot::Word(current)
    };
    walk
}

fn command_at<'a>(root: &'a clap::Command, path: &[String]) -> &'a clap::Command {
    path.iter()
        .fold(root, |cmd, name| find_sub(cmd, name).unwrap_or(cmd))
}

/// Which domain values an argument takes (by its id in the grammar).
fn kind_of(arg_id: &str, path: &[String]) -> Option<ValueKind> {
    Some(match arg_id {
        "profile" => ValueKind::Profile,
        "arn" => ValueKind::Arn,
        "account" => ValueKind::Account,
        "role" => ValueKind::Role,
        "sso" => ValueKind::Instance,
        "url_action" => ValueKind::UrlAction,
        "region" => ValueKind::Region,
        "sort" => ValueKind::ListField,
        "fields" if path.first().is_some_and(|p| p == "list") => ValueKind::ListField,
        _ => return None,
    })
}

fn needs_roles(kind: ValueKind) -> bool {
    matches!(
        kind,
        ValueKind::Profile | ValueKind::Arn | ValueKind::Account | ValueKind::Role
    )
}

/// Domain values for `kind`, loading config.yaml (and the cache when needed). A missing or
/// broken config gives the fixed lists only.
fn domain_values(kind: ValueKind, walk: &Walk, typed: &str) -> Vec<String> {
    let env = ConfigEnv::from_process();
    let config_flag = walk
        .config
        .clone()
        .or_else(|| std::env::var("AWS_SSO_CONFIG").ok())
        .map(std::path::PathBuf::from);
    let loaded = Paths::discover(&env, config_flag.as_deref())
        .ok()
        .and_then(|paths| Config::load_with(&paths, &env).ok().map(|c| (paths, c)));
    let sources = match &loaded {
        None => Sources::default(),
        Some((paths, config)) => {
            let sources = Sources::from_config(config);
            if needs_roles(kind) {
                let env_sso = std::env::var("AWS_SSO").ok();
                let chosen = walk.sso.as_deref().or(env_sso.as_deref());
                match config.select_instance(chosen, None) {
                    Ok((instance, _)) => {
                        sources.with_roles(config, &paths.cache_file, instance, crate::app::now())
                    }
                    Err(_) => sources,
                }
            } else {
                sources
            }
        }
    };
    sources.values(kind, &walk.narrowing, typed)
}

/// The candidates for a request, as the shell should receive them.
pub fn candidates(req: &Request) -> Vec<String> {
    let mut root = Cli::command();
    root.build();
    let walk = walk(&root, &req.line);
    let cmd = command_at(&root, &walk.path);
    let (typed, mut out) = match &walk.slot {
        Slot::Value { arg, typed, lead } => {
            let values = match kind_of(arg, &walk.path) {
                Some(kind) => domain_values(kind, &walk, typed),
                None => cmd
                    .get_arguments()
                    .find(|a| a.get_id() == arg.as_str())
                    .map(|a| possible_values(a, typed))
                    .unwrap_or_default(),
            };
            let whole = format!("{lead}{typed}");
            (
                whole,
                values.into_iter().map(|v| format!("{lead}{v}")).collect(),
            )
        }
        Slot::Flag(typed) => (typed.clone(), flags(cmd, typed)),
        Slot::Word(typed) => {
            let mut words: Vec<String> = cmd
                .get_subcommands()
                .filter(|s| !s.is_hide_set())
                .map(|s| s.get_name().to_owned())
                .filter(|n| n.starts_with(typed.as_str()))
                .collect();
            if let Some(arg) = cmd
                .get_positionals()
                .filter(|a| !a.is_hide_set())
                .nth(walk.positional_done)
                .or_else(|| {
                    cmd.get_positionals()
                        .find(|a| a.get_num_args().is_some_and(|n| n.max_values() > 1))
                })
            {
                match kind_of(arg.get_id().as_str(), &walk.path) {
                    Some(kind) => words.extend(domain_values(kind, &walk, typed)),
                    None => words.extend(possible_values(arg, typed)),
                }
            }
            (typed.clone(), words)
        }
    };
    out.sort();
    out.dedup();
    // bash hands us (as `$2`) only the part after its last `:`/`=`: give back just that part.
    if let Some(word) = &req.shell_word
        && typed.len() > word.len()
        && typed.ends_with(word.as_str())
    {
        let cut = typed.len() - word.len();
        out = out
            .into_iter()
            .filter_map(|c| c.get(cut..).map(str::to_owned))
            .collect();
    }
    out
}

fn possible_values(arg: &clap::Arg, typed: &str) -> Vec<String> {
    arg.get_possible_values()
        .into_iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_owned())
        .filter(|v| v.starts_with(typed))
        .collect()
}

fn flags(cmd: &clap::Command, typed: &str) -> Vec<String> {
    let mut out = Vec::new();
    for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
        if let Some(long) = arg.get_long() {
            out.push(format!("--{long}"));
        }
        if typed.len() <= 1
            && let Some(short) = arg.get_short()
        {
            out.push(format!("-{short}"));
        }
    }
    out.push("--help".into());
    out.retain(|f| f.starts_with(typed));
    out
}

/// Answer a request on stdout. Always succeeds: a shell shows nothing for an empty answer,
/// and an error message would land in the middle of the user's command line.
pub fn answer(req: &Request) -> std::process::ExitCode {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for c in candidates(req) {
        if writeln!(out, "{c}").is_err() {
            break;
        }
    }
    let _ = out.flush();
    std::process::ExitCode::SUCCESS
}

#[cfg(test)]
mod tests;
