//! `aws-sso setup man`: the manual pages, generated from the same clap definitions that parse
//! the command line, so they can never disagree with `--help`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use clap::Args;
use clap::CommandFactory;
use clap_mangen::Man;

use super::Cli;

#[derive(Debug, Clone, Default, Args)]
pub struct SetupManArgs {
    /// Write aws-sso.1 and a page per subcommand (aws-sso-login.1, …) into this directory
    #[arg(long, value_name = "DIR")]
    pub dir: Option<std::path::PathBuf>,
}

pub(super) fn run(args: SetupManArgs, out: &mut dyn Write) -> Result<ExitCode> {
    write_man(&args, out)?;
    Ok(ExitCode::SUCCESS)
}

fn write_man(args: &SetupManArgs, out: &mut dyn Write) -> Result<()> {
    let cmd = Cli::command();
    match &args.dir {
        None => Ok(Man::new(cmd).render(out)?),
        Some(dir) => {
            let written = write_pages(cmd, dir)?;
            writeln!(out, "wrote {written} manual pages to {}", dir.display())?;
            Ok(())
        }
    }
}

/// `aws-sso.1`, then one page per visible subcommand at any depth (`aws-sso-setup-ecs-auth.1`).
fn write_pages(cmd: clap::Command, dir: &Path) -> Result<usize> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create {}: pass an existing --dir", dir.display()))?;
    let mut stack = vec![(String::from("aws-sso"), cmd)];
    let mut written = 0;
    while let Some((name, cmd)) = stack.pop() {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            stack.push((format!("{name}-{}", sub.get_name()), sub.clone()));
        }
        let page = dir.join(format!("{name}.1"));
        let mut buf = Vec::new();
        Man::new(cmd).title(name.clone()).render(&mut buf)?;
        crate::fsutil::write_atomic(&page, &buf, 0o644)
            .with_context(|| format!("cannot write {}", page.display()))?;
        written += 1;
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_documents_every_subcommand_and_global_flag() {
        let mut out = Vec::new();
        run(SetupManArgs::default(), &mut out).unwrap();
        let page = String::from_utf8(out).unwrap();
        assert!(
            page.starts_with(".ie"),
            "roff: {}",
            &page[..40.min(page.len())]
        );
        assert!(page.contains(".TH aws-sso 1"), "{page}");
        for word in [
            "login",
            "eval",
            "process",
            "credentials",
            "ecs",
            "setup",
            "\\-\\-sso",
        ] {
            assert!(page.contains(word), "{word} missing");
        }
    }

    #[test]
    fn a_directory_gets_a_page_per_command() {
        let dir = tempfile::tempdir().unwrap();
        let mut out = Vec::new();
        let args = SetupManArgs {
            dir: Some(dir.path().join("man1")),
        };
        run(args, &mut out).unwrap();
        for page in ["aws-sso.1", "aws-sso-login.1", "aws-sso-setup-ecs-auth.1"] {
            let text = std::fs::read_to_string(dir.path().join("man1").join(page)).unwrap();
            assert!(text.contains(".TH"), "{page}");
        }
        assert!(String::from_utf8(out).unwrap().starts_with("wrote "));
    }
}
