//! The non-interactive front-end: one file per subcommand, all calling the same domain layer.
//! This is the only place (with `main.rs`) that decides exit codes and writes to stdout.

mod cache;
pub mod complete;
mod console;
mod credentials;
mod demo;
mod ecs_client;
mod ecs_server;
mod eval;
mod exec;
mod list;
mod list_sso_roles;
mod login;
mod logout;
mod pick;
mod process;
mod progress;
mod setup_completions;
mod setup_ecs;
mod setup_man;
mod setup_profiles;
mod setup_wizard;
mod tags;
mod time;
mod version;

use std::io::{self, BufWriter, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::Result;

pub use crate::app::Context;

use crate::app::roles::{self, EnvFallback};
use crate::app::{Interrupted, Invocation};
use crate::cli::{
    Cli, Command, ConsoleArgs, CredentialsArgs, EcsCommand, EvalArgs, ExecArgs, ListArgs,
    RoleFlags, SetupCommand, SetupEcsCommand,
};
use crate::display;
use crate::logging;
use crate::tui::state::{Choice, Launch};

/// Parse-independent entry point used by `main`: run the command, print a one-line error and
/// map it to an exit status. A closed stdout (`aws-sso list | head`) exits quietly with 0.
pub fn run(cli: Cli) -> ExitCode {
    let level = cli.global.level.clone().unwrap_or_else(|| "info".into());
    let log = logging::init(&level, cli.global.lines);
    match dispatch(cli, &log) {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        // Ctrl-C, or backing out of the picker: 130 as a shell reports it, quietly.
        Err(err) if is_interrupt(&err) => ExitCode::from(130),
        Err(err) => {
            let _ = writeln!(io::stderr(), "aws-sso: {}", shown(&err));
            ExitCode::FAILURE
        }
    }
}

/// The error line as printed. Values in it (arguments, names from the portal or hand-edited
/// files) may hold line breaks or terminal controls: they are shown escaped, on one line. The
/// one error laid out on several lines by design (no usable secure store: tried, why, fix)
/// keeps its lines, each escaped.
fn shown(err: &anyhow::Error) -> String {
    let text = message(err);
    let laid_out = err.chain().any(|c| {
        matches!(
            c.downcast_ref::<crate::store::StoreError>(),
            Some(crate::store::StoreError::NoUsableStore { .. })
        )
    });
    if laid_out {
        let lines: Vec<_> = text.lines().map(display::escape).collect();
        lines.join("\n")
    } else {
        display::one_line(&text).into_owned()
    }
}

fn is_interrupt(err: &anyhow::Error) -> bool {
    err.chain()
        .any(|c| c.is::<pick::Cancelled>() || c.is::<Interrupted>())
}

/// The error and its causes on one line, each said once: many errors already quote their
/// cause (`cannot read X: permission denied`), and repeating it after another colon only
/// makes the line longer.
fn message(err: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in err.chain() {
        let part = cause.to_string();
        if part.is_empty() || text.contains(&part) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&part);
    }
    text
}

/// Commands a person runs at a terminal that cannot work without config.yaml: on the
/// first run they start the setup wizard instead of failing.
fn wants_first_run_wizard(command: &Option<Command>) -> bool {
    matches!(
        command,
        None | Some(
            Command::List(_)
                | Command::Tags(_)
                | Command::Login(_)
                | Command::Cache(_)
                | Command::Eval(_)
                | Command::Exec(_)
                | Command::Console(_)
                | Command::Credentials(_)
                | Command::Setup(SetupCommand::Profiles(_))
        )
    )
}

fn dispatch(cli: Cli, log: &logging::LogHandle) -> Result<ExitCode> {
    let invocation = invocation(&cli);
    if wants_first_run_wizard(&cli.command) {
        setup_wizard::first_run(cli.global.config.as_deref())?;
    }
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match cli.command {
        Some(Command::Version) => version::run(&mut out)?,
        Some(Command::Clipboard) => crate::clipboard::serve(&mut io::stdin(), &mut io::stdout())?,
        Some(Command::List(args)) => {
            let ctx = Context::load(&invocation, log)?;
            list::run(&ctx, &args, &ctx.load_cache()?, None, &mut out)?;
        }
        Some(Command::Tags(args)) => {
            let ctx = Context::load(&invocation, log)?;
            let cache =
                runtime()?.block_on(crate::app::refresh_if_due(&ctx, &progress::Bar::new()))?;
            tags::run(&ctx, &args, &cache, &mut out)?;
        }
        Some(Command::ListSsoRoles) => {
            let ctx = Context::load(&invocation, log)?;
            runtime()?.block_on(list_sso_roles::run(&ctx, &mut out))?;
        }
        Some(Command::Login(args)) => {
            let ctx = Context::load(&invocation, log)?;
            runtime()?.block_on(login::run(&ctx, &args))?;
        }
        Some(Command::Logout(_)) => {
            let ctx = Context::load(&invocation, log)?;
            runtime()?.block_on(logout::run(&ctx))?;
        }
        Some(Command::Cache(args)) => {
            let ctx = Context::load(&invocation, log)?;
            runtime()?.block_on(cache::run(&ctx, &args, &mut out))?;
        }
        Some(Command::Time) => time::run(&mut out)?,
        Some(Command::Eval(args)) if args.clear => {
            let ctx = Context::load(&invocation, log)
                .inspect_err(|e| tracing::debug!("eval --clear without config.yaml: {e:#}"))
                .ok();
            eval::run_clear(ctx.as_ref(), &args, &mut out)?;
        }
        Some(Command::Eval(mut args)) => {
            let mut ctx = Context::load(&invocation, log)?;
            ctx.use_process_deadline()?;
            if args.previous.is_some() {
                args.role.arn = Some(crate::app::previous::previous_arn(&ctx)?);
            }
            if !args.refresh && wants_picker(&args.role, EnvFallback::No) {
                args.region = pick_into(&mut ctx, &mut args.role, Launch::Eval)?.or(args.region);
            }
            runtime()?.block_on(eval::run(&ctx, &args, &mut out))?;
        }
        Some(Command::Exec(mut args)) => {
            let mut ctx = Context::load(&invocation, log)?;
            if args.command.as_deref() == Some("-") && args.role.query().is_empty() {
                args.role.arn = Some(crate::app::previous::previous_arn(&ctx)?);
                let mut rest = std::mem::take(&mut args.args).into_iter();
                args.command = rest.next();
                args.args = rest.collect();
            }
            if wants_picker(&args.role, EnvFallback::Yes) {
                args.region = pick_into(&mut ctx, &mut args.role, Launch::Exec)?.or(args.region);
            }
            return runtime()?.block_on(exec::run(&ctx, &args));
        }
        Some(Command::Process(args)) => {
            let mut ctx = Context::load(&invocation, log)?;
            ctx.use_process_deadline()?;
            // The hot path: no runtime at all when the credentials are cached.
            process::run(&ctx, &args, &mut out)?;
        }
        Some(Command::Credentials(mut args)) => {
            let mut ctx = Context::load(&invocation, log)?;
            if args.profile.is_empty() && pick::available() {
                let picked = pick::choose(&ctx, Launch::Credentials)?;
                ctx.instance = picked.instance;
                args.profile = vec![picked.profile];
            }
            runtime()?.block_on(credentials::run(&ctx, &args, &mut out))?;
        }
        Some(Command::Console(mut args)) => {
            let mut ctx = Context::load(&invocation, log)?;
            if args.prompt || (console::has_no_role(&args) && pick::available()) {
                if !pick::available() {
                    anyhow::bail!(
                        "console --prompt needs a terminal for the picker: pass --profile or --arn instead"
                    );
                }
                args.region = pick_into(&mut ctx, &mut args.role, Launch::Console)?.or(args.region);
            }
            runtime()?.block_on(console::run(&ctx, &args))?;
        }
        Some(Command::Setup(SetupCommand::Profiles(args)))
        | Some(Command::ConfigProfiles(args)) => {
            let ctx = Context::load(&invocation, log)?;
            runtime()?.block_on(setup_profiles::run(&ctx, &args, &mut out))?;
        }
        Some(Command::Setup(SetupCommand::Wizard(args))) | Some(Command::Config(args)) => {
            setup_wizard::run(&args, cli.global.config.as_deref())?;
        }
        Some(Command::Setup(SetupCommand::Completions(args)))
        | Some(Command::Completions(args)) => {
            setup_completions::run(&args, &mut out)?;
        }
        Some(Command::Setup(SetupCommand::Man(args))) => setup_man::run(&args, &mut out)?,
        Some(Command::Setup(SetupCommand::Ecs(SetupEcsCommand::Auth(args)))) => {
            let ctx = Context::load(&invocation, log)?;
            setup_ecs::auth(&ctx, &args, &mut out)?;
        }
        Some(Command::Setup(SetupCommand::Ecs(SetupEcsCommand::Ssl(args)))) => {
            let ctx = Context::load(&invocation, log)?;
            setup_ecs::ssl(&ctx, &args, &mut out)?;
        }
        Some(Command::Ecs(cmd)) => run_ecs(&invocation, log, cmd, &mut out)?,
        Some(Command::Demo(args)) => {
            let code = runtime()?.block_on(demo::run(&cli.global, &args, &mut out))?;
            out.flush()?;
            return Ok(code);
        }
        None => {
            let mut ctx = Context::load(&invocation, log)?;
            if io::stdout().is_terminal() && pick::available() {
                return run_picked(&mut ctx, &mut out);
            }
            let cache =
                runtime()?.block_on(crate::app::refresh_if_due(&ctx, &progress::Bar::new()))?;
            list::run(&ctx, &ListArgs::default_command(), &cache, None, &mut out)?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// `aws-sso ecs …`.
fn run_ecs(
    invocation: &Invocation,
    log: &logging::LogHandle,
    cmd: EcsCommand,
    out: &mut dyn Write,
) -> Result<()> {
    // The client commands other than `load` work without config.yaml (no token, no TLS).
    let optional_ctx = || {
        Context::load(invocation, log)
            .inspect_err(|e| tracing::debug!("no config for the ECS client: {e:#}"))
            .ok()
    };
    match cmd {
        EcsCommand::Server(args) => {
            let ctx = match Context::load(invocation, log) {
                Ok(ctx) => Some(ctx),
                Err(e) if args.docker => {
                    tracing::debug!("ecs server --docker without config: {e:#}");
                    None
                }
                Err(e) => return Err(e),
            };
            // The server runs until the process exits: its renewal provider borrows the
            // context for 'static.
            let ctx: Option<&'static Context> = ctx.map(|c| &*Box::leak(Box::new(c)));
            runtime()?.block_on(ecs_server::run(ctx, &args))
        }
        EcsCommand::Load(args) => {
            let ctx = Context::load(invocation, log)?;
            runtime()?.block_on(ecs_client::load(&ctx, &args))
        }
        EcsCommand::Unload(args) => {
            runtime()?.block_on(ecs_client::unload(optional_ctx().as_ref(), &args))
        }
        EcsCommand::List(flag) => {
            runtime()?.block_on(ecs_client::list(optional_ctx().as_ref(), &flag, out))
        }
        EcsCommand::Profile(flag) => {
            runtime()?.block_on(ecs_client::profile(optional_ctx().as_ref(), &flag, out))
        }
        EcsCommand::Docker(_) => ecs_server::docker(),
    }
}

/// No role flags (nor, with `fallback`, the variables of an aws-sso shell), and a terminal to
/// pick on.
fn wants_picker(flags: &RoleFlags, fallback: EnvFallback) -> bool {
    roles::query(flags.query(), fallback).is_empty() && pick::available()
}

/// Open the picker and put the chosen role into the flags, as if `--arn` had been given; the
/// region picked for it, if any, is for `--region`.
fn pick_into(ctx: &mut Context, flags: &mut RoleFlags, launch: Launch) -> Result<Option<String>> {
    let picked = pick::choose(ctx, launch)?;
    ctx.instance = picked.instance;
    *flags = picked.flags;
    Ok(picked.region)
}

/// Bare `aws-sso` on a terminal: pick a role, then run what the action menu chose.
fn run_picked(ctx: &mut Context, out: &mut dyn Write) -> Result<ExitCode> {
    let picked = pick::choose(ctx, Launch::Menu)?;
    ctx.instance = picked.instance;
    let rt = runtime()?;
    match picked.choice {
        Choice::Eval => {
            ctx.use_process_deadline()?;
            let args = EvalArgs {
                role: picked.flags,
                region: picked.region,
                ..EvalArgs::default()
            };
            rt.block_on(eval::run(ctx, &args, out))?;
        }
        Choice::Exec => {
            let args = ExecArgs {
                role: picked.flags,
                region: picked.region,
                ..ExecArgs::default()
            };
            return rt.block_on(exec::run(ctx, &args));
        }
        Choice::Console => {
            let args = ConsoleArgs {
                role: picked.flags,
                region: picked.region,
                ..ConsoleArgs::default()
            };
            rt.block_on(console::run(ctx, &args))?;
        }
        Choice::Credentials => {
            let args = CredentialsArgs {
                profile: vec![picked.profile],
                ..CredentialsArgs::default()
            };
            rt.block_on(credentials::run(ctx, &args, out))?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// What the global and legacy flags ask of every use case.
fn invocation(cli: &Cli) -> Invocation {
    Invocation {
        config: cli.global.config.clone(),
        sso: cli.global.sso.clone(),
        level_given: cli.global.level.is_some(),
        browser: cli.global.browser.clone(),
        theme: cli.global.theme.clone(),
        url_action: cli.legacy.url_action.clone(),
        sts_refresh: cli.legacy.sts_refresh,
        no_config_check: cli.legacy.no_config_check,
        threads: cli.legacy.threads,
    }
}

/// Commands that talk to AWS run on a small multi-threaded runtime (the PKCE loopback
/// listener and the refresh workers need more than one thread).
fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?)
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

impl ListArgs {
    /// The no-argument command lists with the config's ListFields and default sort.
    pub fn default_command() -> ListArgs {
        ListArgs {
            sort: std::env::var("AWS_SSO_FIELD_SORT").unwrap_or_else(|_| "AccountId".into()),
            ..ListArgs::default()
        }
    }
}
