//! The `aws-sso` binary: answer a shell's `COMP_LINE` completion request (docs/shell.md) or parse the
//! command line, and hand over to the library.

fn main() -> std::process::ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let comp_line = std::env::var("COMP_LINE").ok();
    let comp_point = std::env::var("COMP_POINT").ok();
    if let Some(req) =
        aws_sso::commands::complete::request(&args, comp_line.as_deref(), comp_point.as_deref())
    {
        return aws_sso::commands::complete::answer(&req);
    }
    aws_sso::commands::run(aws_sso::commands::parse_args(args))
}
