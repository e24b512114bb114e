//! `aws-sso` with no subcommand: on a terminal, the picker and then what its action menu
//! chose (eval, exec, console or credentials, run by the very same code as the commands);
//! elsewhere the `list` table.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::Result;

use super::console::ConsoleArgs;
use super::credentials::CredentialsArgs;
use super::eval::EvalArgs;
use super::exec::ExecArgs;
use super::list::ListArgs;
use super::{Globals, console, credentials, eval, exec, list, pick, progress};
use crate::app::Context;
use crate::tui::state::{Choice, Launch};

pub(super) fn run(globals: &Globals, out: &mut dyn Write) -> Result<ExitCode> {
    let mut ctx = globals.context()?;
    if io::stdout().is_terminal() && pick::available() {
        return run_picked(&mut ctx, out);
    }
    let cache =
        super::runtime()?.block_on(crate::app::refresh_if_due(&ctx, &progress::Bar::new()))?;
    list::print(&ctx, &ListArgs::default_command(), &cache, None, out)?;
    Ok(ExitCode::SUCCESS)
}

/// Pick a role, then run what the action menu chose.
fn run_picked(ctx: &mut Context, out: &mut dyn Write) -> Result<ExitCode> {
    let picked = pick::choose(ctx, Launch::Menu)?;
    ctx.instance = picked.instance;
    let rt = super::runtime()?;
    match picked.choice {
        Choice::Eval => {
            ctx.use_process_deadline()?;
            let args = EvalArgs {
                role: picked.flags,
                region: picked.region,
                ..EvalArgs::default()
            };
            rt.block_on(eval::print(ctx, &args, out))?;
        }
        Choice::Exec => {
            let args = ExecArgs {
                role: picked.flags,
                region: picked.region,
                ..ExecArgs::default()
            };
            return rt.block_on(exec::exec_role(ctx, &args));
        }
        Choice::Console => {
            let args = ConsoleArgs {
                role: picked.flags,
                region: picked.region,
                ..ConsoleArgs::default()
            };
            rt.block_on(console::open(ctx, &args))?;
        }
        Choice::Credentials => {
            let args = CredentialsArgs {
                profile: vec![picked.profile],
                ..CredentialsArgs::default()
            };
            rt.block_on(credentials::write(ctx, &args, out))?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
