//! Records the git commit and commit date for `aws-sso version` (reproducible: no wall clock).

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .filter(|s| !s.is_empty())
}

fn main() {
    let commit = git(&["rev-parse", "--short=12", "HEAD"]).unwrap_or_else(|| "unknown".into());
    let date = git(&["log", "-1", "--format=%cI"]).unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=AWS_SSO_BUILD_COMMIT={commit}");
    println!("cargo:rustc-env=AWS_SSO_BUILD_DATE={date}");
    // Watch the files git really uses: in a worktree `.git` is a file, and a path that does
    // not exist would make cargo rebuild the crate on every call.
    for name in ["HEAD", "refs"] {
        let path =
            git(&["rev-parse", "--git-path", name]).unwrap_or_else(|| format!(".git/{name}"));
        println!("cargo:rerun-if-changed={path}");
    }
}
