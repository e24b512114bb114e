//! The `aws-sso` binary: parse the command line and hand over to the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    aws_sso::commands::run(aws_sso::cli::Cli::parse())
}
