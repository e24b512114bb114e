//! Which file interactive bash reads, so the helpers go where they take effect and no new
//! file changes which other files bash reads.
//!
//! bash reads `~/.bashrc` in an interactive shell that is not a login shell (a terminal tab on
//! Linux), and only the first of `~/.bash_profile`, `~/.bash_login`, `~/.profile` that exists
//! in a login shell (ssh, a macOS Terminal window). So:
//!
//! * Linux and the rest: `~/.bashrc`. Creating it shadows nothing. Login shells see it when
//!   their file sources it (Debian's and Ubuntu's `~/.profile` does); when it does not,
//!   [`login_file_skipping_bashrc`] names the file so the person can be told.
//! * macOS: every Terminal window is a login shell, so the first login file that exists. When
//!   none exists `~/.bash_profile` is created (it shadows nothing then).
//!
//! aws-sso-cli wrote `~/.bash_profile` everywhere; [`BLOCK_FILES`] lists every file a block
//! may be found in, for uninstall and for moving an old block to the right file.

use std::path::{Path, PathBuf};

/// bash's login files, in the order it looks for them.
const LOGIN_FILES: [&str; 3] = [".bash_profile", ".bash_login", ".profile"];

/// Every file an installed bash block may be in (ours or aws-sso-cli's).
pub const BLOCK_FILES: [&str; 4] = [".bashrc", ".bash_profile", ".bash_login", ".profile"];

/// The login file bash reads in `home`: the first of [`LOGIN_FILES`] that exists.
fn login_file(home: &Path) -> Option<PathBuf> {
    LOGIN_FILES
        .iter()
        .map(|name| home.join(name))
        .find(|p| p.exists())
}

/// The file the helpers go into for interactive bash (see the module docs).
pub fn rc_file(home: &Path, macos: bool) -> PathBuf {
    if macos {
        login_file(home).unwrap_or_else(|| home.join(".bash_profile"))
    } else {
        home.join(".bashrc")
    }
}

/// On Linux, the login file bash reads when it does not mention `.bashrc`: login shells
/// (ssh, a console) will not see helpers installed into `~/.bashrc`.
pub fn login_file_skipping_bashrc(home: &Path, macos: bool) -> Option<PathBuf> {
    if macos {
        return None;
    }
    let login = login_file(home)?;
    let text = std::fs::read_to_string(&login).ok()?;
    (!text.contains(".bashrc")).then_some(login)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linux_uses_bashrc_and_macos_the_login_file_that_exists() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path();
        assert_eq!(rc_file(home, false), home.join(".bashrc"));
        assert_eq!(rc_file(home, true), home.join(".bash_profile"));
        std::fs::write(home.join(".profile"), "PATH=$HOME/bin:$PATH\n").unwrap();
        // Creating ~/.bash_profile would make login shells skip ~/.profile.
        assert_eq!(rc_file(home, true), home.join(".profile"));
        assert_eq!(rc_file(home, false), home.join(".bashrc"));
        assert_eq!(
            login_file_skipping_bashrc(home, false),
            Some(home.join(".profile"))
        );
        std::fs::write(home.join(".profile"), ". \"$HOME/.bashrc\"\n").unwrap();
        assert_eq!(login_file_skipping_bashrc(home, false), None);
        assert_eq!(login_file_skipping_bashrc(home, true), None);
    }
}
