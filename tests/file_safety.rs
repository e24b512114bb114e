//! The files aws-sso writes, as a user (and a hostile neighbour) meets them with the real
//! binary: symbolic links planted or kept by dotfile managers, mistyped `--file` paths, temp
//! files of a killed writer, and a truncated `store.json`.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use aws_sso_emulator::{EmulatorConfig, Org};
use common::emulated::{Setup, setup};
use common::{fails, ok, stderr};

fn logged_in() -> (Setup, String) {
    let s = setup(
        EmulatorConfig {
            org: Org::synthetic(2, 2, 3),
            ..EmulatorConfig::default()
        },
        "",
    )
    .logged_in();
    let (_, profile) = s.first_role();
    (s, profile)
}

fn credentials_to(s: &Setup, profile: &str, file: &Path) -> std::process::Output {
    s.cmd()
        .args(["credentials", "--profile", profile, "--file"])
        .arg(file)
        .output()
        .unwrap()
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(unix)]
fn running_as_root(dir: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    fs::metadata(dir).unwrap().uid() == 0
}

#[cfg(unix)]
#[test]
fn credentials_file_refuses_links_someone_else_could_have_planted() {
    use std::os::unix::fs::symlink;
    let (s, profile) = logged_in();
    let home = s.home.path();
    let victim = home.join("victim.txt");
    fs::write(&victim, "precious\n").unwrap();
    set_mode(&victim, 0o644);

    // In a directory anyone can write to (like /tmp): refused, the target untouched.
    let shared = home.join("shared");
    fs::create_dir(&shared).unwrap();
    set_mode(&shared, 0o1777);
    let planted = shared.join("creds");
    symlink(&victim, &planted).unwrap();
    let err = fails(credentials_to(&s, &profile, &planted));
    assert!(err.contains("refusing to write through"), "{err}");
    assert!(err.contains("anyone can write to"), "{err}");
    assert_eq!(fs::read_to_string(&victim).unwrap(), "precious\n");
    assert_eq!(mode(&victim), 0o644, "its mode is left alone");

    // Links or targets of another user: refused too (root can make such files here).
    if running_as_root(home) {
        let nobody = Some(65534);
        let theirs = home.join("their-link");
        symlink(&victim, &theirs).unwrap();
        std::os::unix::fs::lchown(&theirs, nobody, nobody).unwrap();
        let err = fails(credentials_to(&s, &profile, &theirs));
        assert!(err.contains("belongs to another user (uid 65534)"), "{err}");

        let their_file = home.join("their-file");
        fs::write(&their_file, "theirs\n").unwrap();
        std::os::unix::fs::chown(&their_file, nobody, nobody).unwrap();
        let mine = home.join("my-link");
        symlink(&their_file, &mine).unwrap();
        let err = fails(credentials_to(&s, &profile, &mine));
        assert!(err.contains("which belongs to another user"), "{err}");
        assert_eq!(fs::read_to_string(&their_file).unwrap(), "theirs\n");
    }
    assert_eq!(fs::read_to_string(&victim).unwrap(), "precious\n");
}

#[cfg(unix)]
#[test]
fn a_dangling_symlinked_credentials_file_keeps_its_link() {
    let (s, profile) = logged_in();
    let home = s.home.path();
    fs::create_dir_all(home.join(".aws")).unwrap();
    fs::create_dir_all(home.join("dotfiles")).unwrap();
    let link = home.join(".aws/credentials");
    std::os::unix::fs::symlink("../dotfiles/aws-credentials", &link).unwrap();
    ok(credentials_to(&s, &profile, &link));
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link is kept"
    );
    let target = home.join("dotfiles/aws-credentials");
    let text = fs::read_to_string(&target).unwrap();
    assert!(text.contains(&format!("[{profile}]")), "{text}");
    assert_eq!(mode(&target), 0o600);
    // And a second write goes through it again.
    ok(credentials_to(&s, &profile, &link));
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn credentials_file_creates_no_directories_outside_aws() {
    let (s, profile) = logged_in();
    let home = s.home.path();
    let typo = home.join("typo-dir/creds");
    let err = fails(credentials_to(&s, &profile, &typo));
    assert!(err.contains("typo-dir does not exist"), "{err}");
    assert!(
        err.contains(".aws"),
        "says where directories are made: {err}"
    );
    assert!(!home.join("typo-dir").exists());

    let inside = home.join(".aws/more/credentials");
    ok(credentials_to(&s, &profile, &inside));
    assert!(inside.exists());
    #[cfg(unix)]
    assert_eq!(mode(inside.parent().unwrap()), 0o700);
}

fn backdated(path: PathBuf, by: Duration) -> PathBuf {
    fs::write(&path, "half a file").unwrap();
    let file = fs::File::options().write(true).open(&path).unwrap();
    file.set_modified(SystemTime::now() - by).unwrap();
    path
}

#[test]
fn the_next_write_removes_temp_files_left_by_killed_writers_only() {
    let (s, profile) = logged_in();
    let aws = s.home.path().join(".aws");
    fs::create_dir_all(&aws).unwrap();
    let file = aws.join("credentials");
    let minute = Duration::from_secs(60);
    // A writer killed a minute ago, and one of an older build killed two hours ago.
    let dead = backdated(aws.join(".tmp-aws-sso-Dead01"), minute);
    let old_build = backdated(aws.join(".tmp-Old001"), 2 * 3600 * Duration::from_secs(1));
    // A writer still at work (it holds the lock), one that just started, someone else's file.
    let live = backdated(aws.join(".tmp-aws-sso-Live01"), minute);
    let holder = fs::File::open(&live).unwrap();
    holder.lock().unwrap();
    let fresh = backdated(aws.join(".tmp-aws-sso-Frsh01"), Duration::ZERO);
    let unrelated = backdated(aws.join(".tmp-notours-123"), 2 * minute);

    ok(credentials_to(&s, &profile, &file));
    assert!(!dead.exists(), "a killed writer's temp file is removed");
    assert!(!old_build.exists(), "an older build's, an hour on, too");
    for kept in [&live, &fresh, &unrelated] {
        assert!(kept.exists(), "{} is kept", kept.display());
    }
    drop(holder);
    ok(credentials_to(&s, &profile, &file));
    assert!(!live.exists(), "once its writer is gone");
    assert!(fresh.exists(), "still too young to tell");
}

#[test]
fn login_sets_a_truncated_store_json_aside_and_writes_a_fresh_one() {
    let (s, _) = logged_in();
    let store = s.home.config_dir().join("store.json");
    let whole = fs::read(&store).unwrap();
    let half = &whole[..whole.len() / 2];
    fs::write(&store, half).unwrap();
    let err = fails(s.run(&["list-sso-roles"]));
    assert!(err.contains("unreadable"), "{err}");

    let out = s.run(&["login"]);
    let warned = stderr(&out);
    ok(out);
    let warnings: Vec<&str> = warned.lines().filter(|l| l.contains("WARN")).collect();
    let recovery: Vec<&&str> = warnings
        .iter()
        .filter(|l| l.contains("kept it as"))
        .collect();
    assert_eq!(recovery.len(), 1, "one warning line:\n{warned}");
    let kept: Vec<PathBuf> = fs::read_dir(s.home.config_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("store.json.damaged-")
        })
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(
        recovery[0].contains(&kept[0].display().to_string()),
        "{warned}"
    );
    assert_eq!(fs::read(&kept[0]).unwrap(), half);
    #[cfg(unix)]
    assert_eq!(mode(&kept[0]), 0o600);
    let fresh: serde_json::Value = serde_json::from_slice(&fs::read(&store).unwrap()).unwrap();
    assert!(fresh.get("CreateTokenResponse").is_some(), "{fresh}");
    ok(s.run(&["list-sso-roles"]));
}

#[cfg(unix)]
#[test]
fn setup_profiles_follows_the_same_rules_for_the_aws_config_file() {
    use std::os::unix::fs::symlink;
    let (s, _) = logged_in();
    let home = s.home.path();
    let setup_profiles = |config: &Path| {
        s.cmd()
            .args(["setup", "profiles", "--force"])
            .env("AWS_CONFIG_FILE", config)
            .output()
            .unwrap()
    };
    let victim = home.join("victim.txt");
    fs::write(&victim, "precious\n").unwrap();
    set_mode(&victim, 0o644);
    let shared = home.join("shared");
    fs::create_dir(&shared).unwrap();
    set_mode(&shared, 0o1777);
    let planted = shared.join("config");
    symlink(&victim, &planted).unwrap();
    let err = fails(setup_profiles(&planted));
    assert!(err.contains("refusing to write through"), "{err}");
    assert_eq!(fs::read_to_string(&victim).unwrap(), "precious\n");
    assert_eq!(mode(&victim), 0o644);

    let err = fails(setup_profiles(&home.join("nowhere/config")));
    assert!(err.contains("nowhere does not exist"), "{err}");
    assert!(!home.join("nowhere").exists());

    // A dotfile manager's dangling link: written through, kept.
    fs::create_dir_all(home.join(".aws")).unwrap();
    fs::create_dir_all(home.join("dotfiles")).unwrap();
    let link = home.join(".aws/config");
    symlink("../dotfiles/aws-config", &link).unwrap();
    ok(setup_profiles(&link));
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let text = fs::read_to_string(home.join("dotfiles/aws-config")).unwrap();
    assert!(text.contains("# BEGIN_AWS_SSO_CLI"), "{text}");
}
