//! `Update::plan` / `apply` against real files in a temp dir: modes, backups, symlinks, and
//! the refusals that keep user data safe.

use std::fs;
use std::path::Path;

use super::*;
use crate::fsutil;

const BLOCK: &str =
    "# BEGIN_AWS_SSO_CLI\n\n[profile p]\ncredential_process = x\n\n# END_AWS_SSO_CLI\n";
const USER: &str = "[default]\nregion = eu-west-1\n";

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn keeps_the_files_mode_and_backs_up_the_old_content() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config");
    fs::write(&path, USER).unwrap();
    fsutil::set_mode(&path, 0o644).unwrap();

    let update = Update::plan(&path, "Default", BLOCK).unwrap();
    assert!(!update.is_noop());
    let backup = update.apply().unwrap().expect("a backup");
    assert_eq!(backup, dir.path().join("config.aws-sso.bak"));
    assert_eq!(fs::read_to_string(&path).unwrap(), format!("{USER}{BLOCK}"));
    assert_eq!(fs::read_to_string(&backup).unwrap(), USER);
    assert_eq!(mode(&path), 0o644);
    assert_eq!(mode(&backup), 0o644);

    // The second run finds nothing to do and writes nothing, not even a backup.
    fs::remove_file(&backup).unwrap();
    let again = Update::plan(&path, "Default", BLOCK).unwrap();
    assert!(again.is_noop());
    assert_eq!(again.diff(), "");
    assert_eq!(again.apply().unwrap(), None);
    assert!(!backup.exists());
}

#[cfg(unix)]
#[test]
fn a_new_file_is_private_in_new_private_dirs_without_backup() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("home/.aws/config");
    let update = Update::plan(&path, "Default", BLOCK).unwrap();
    assert_eq!(update.old, None);
    assert!(!update.is_noop());
    assert!(update.diff().starts_with(&format!(
        "--- {}\n+++ {}.new\n",
        path.display(),
        path.display()
    )));
    assert_eq!(update.apply().unwrap(), None);
    assert_eq!(fs::read_to_string(&path).unwrap(), BLOCK);
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(path.parent().unwrap()), 0o700);
    assert!(!backup_path(&path).exists());
}

#[test]
fn the_backup_is_overwritten_on_each_update() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config");
    fs::write(&path, USER).unwrap();
    fs::write(backup_path(&path), "stale").unwrap();
    Update::plan(&path, "Default", BLOCK)
        .unwrap()
        .apply()
        .unwrap();
    assert_eq!(fs::read_to_string(backup_path(&path)).unwrap(), USER);
    let second = BLOCK.replace("= x", "= y");
    Update::plan(&path, "Default", &second)
        .unwrap()
        .apply()
        .unwrap();
    assert_eq!(
        fs::read_to_string(backup_path(&path)).unwrap(),
        format!("{USER}{BLOCK}")
    );
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        format!("{USER}{second}")
    );
}

#[test]
fn a_concurrent_edit_is_never_clobbered() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config");
    fs::write(&path, USER).unwrap();
    let update = Update::plan(&path, "Default", BLOCK).unwrap();
    let edited = format!("{USER}[profile mine]\n");
    fs::write(&path, &edited).unwrap();
    let err = update.apply().unwrap_err();
    assert!(matches!(err, AwsConfigError::Changed { .. }), "{err}");
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), edited);
    assert!(!backup_path(&path).exists());

    // A file created after planning on a missing one counts as a change too.
    let fresh = dir.path().join("fresh");
    let update = Update::plan(&fresh, "Default", BLOCK).unwrap();
    fs::write(&fresh, "made by someone else\n").unwrap();
    assert!(matches!(
        update.apply(),
        Err(AwsConfigError::Changed { .. })
    ));
    assert_eq!(
        fs::read_to_string(&fresh).unwrap(),
        "made by someone else\n"
    );
}

#[test]
fn a_failed_backup_leaves_the_file_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config");
    fs::write(&path, USER).unwrap();
    // A directory where the backup goes makes its rename fail, even for root.
    fs::create_dir(backup_path(&path)).unwrap();
    let err = Update::plan(&path, "Default", BLOCK)
        .unwrap()
        .apply()
        .unwrap_err();
    assert!(matches!(err, AwsConfigError::Backup { .. }), "{err}");
    assert_eq!(fs::read_to_string(&path).unwrap(), USER);
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp-"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn a_broken_file_is_reported_with_its_path_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config");
    let partial = "[default]\n# BEGIN_AWS_SSO_CLI\n[profile p]\n";
    fs::write(&path, partial).unwrap();
    let err = Update::plan(&path, "Default", BLOCK).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: line 2 has `# BEGIN_AWS_SSO_CLI` but no `# END_AWS_SSO_CLI` follows it; add `# END_AWS_SSO_CLI` after line 2 or delete the partial block",
            path.display()
        )
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), partial);

    let bytes = b"[default]\nregion = \xff\n";
    fs::write(&path, bytes).unwrap();
    let err = Update::plan(&path, "Default", BLOCK).unwrap_err();
    assert!(
        matches!(err, AwsConfigError::NotUtf8 { line: 2, .. }),
        "{err}"
    );
    assert!(err.to_string().contains(&path.display().to_string()));
    assert_eq!(fs::read(&path).unwrap(), bytes);
}

#[cfg(unix)]
#[test]
fn a_symlinked_config_is_written_through_to_its_target() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("dotfiles/aws-config");
    fs::create_dir_all(target.parent().unwrap()).unwrap();
    fs::write(&target, USER).unwrap();
    let link = dir.path().join("config");
    std::os::unix::fs::symlink("dotfiles/aws-config", &link).unwrap();

    let backup = Update::plan(&link, "Default", BLOCK)
        .unwrap()
        .apply()
        .unwrap();
    assert_eq!(backup, Some(backup_path(&link)));
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        fs::read_to_string(&target).unwrap(),
        format!("{USER}{BLOCK}")
    );
    assert_eq!(fs::read_to_string(backup_path(&link)).unwrap(), USER);
}
