use super::*;

fn key(s: &str) -> KeySequence {
    s.parse().unwrap()
}

#[test]
fn one_key_notation_is_spelled_for_each_shell() {
    let k = key("ctrl-x ctrl-a");
    assert_eq!(k.bash(), r"\C-x\C-a");
    assert_eq!(k.zsh(), "^X^A");
    assert_eq!(k.fish(), r"\cx\ca");
    let k = key("Alt-S");
    assert_eq!(
        (k.bash(), k.zsh(), k.fish()),
        (r"\es".into(), "^[s".into(), r"\es".into())
    );
    for bad in [
        "",
        "x",
        "ctrl-",
        "ctrl-xy",
        "meta-x",
        "ctrl-~",
        "ctrl-x  q-",
    ] {
        assert!(
            matches!(bad.parse::<KeySequence>(), Err(ShellRcError::BadKey { .. })),
            "{bad:?}"
        );
    }
}

#[test]
fn shells_come_from_the_flag_or_shell_basename() {
    assert_eq!(RcShell::detect(Some("/usr/bin/zsh")).unwrap(), RcShell::Zsh);
    assert_eq!(RcShell::detect(Some("fish")).unwrap(), RcShell::Fish);
    let e = RcShell::detect(Some("/bin/tcsh")).unwrap_err().to_string();
    assert!(e.contains("/bin/tcsh") && e.contains("--shell"), "{e}");
    assert!("powershell".parse::<RcShell>().is_err());
}

fn target(shell: RcShell, xdg: Option<&str>, script: Option<&str>) -> Target {
    Target {
        shell,
        home: "/home/u".into(),
        xdg_config_home: xdg.map(PathBuf::from),
        script: script.map(PathBuf::from),
        macos: false,
    }
}

#[test]
fn files_go_where_each_shell_reads_them() {
    let k = key(DEFAULT_KEY);
    let bash = Helpers::new(RcShell::Bash, "/opt/aws sso/aws-sso", &k).files(&target(
        RcShell::Bash,
        None,
        None,
    ));
    assert_eq!(bash.len(), 1);
    assert_eq!(bash[0].path, Path::new("/home/u/.bashrc"));
    // Uninstall also looks where aws-sso-cli (and login shells) keep theirs.
    let all = block_files(
        &Helpers::new(RcShell::Bash, "aws-sso", &k),
        &target(RcShell::Bash, None, None),
    );
    assert_eq!(
        all,
        [".bashrc", ".bash_profile", ".bash_login", ".profile"]
            .map(|n| Path::new("/home/u").join(n))
    );
    let b = &bash[0].block;
    assert!(
        b.starts_with("# BEGIN_AWS_SSO_CLI\n") && b.ends_with("# END_AWS_SSO_CLI\n"),
        "{b}"
    );
    // The executable is quoted for the shell; the key is in readline's notation.
    assert!(b.contains("'/opt/aws sso/aws-sso' \"${_args[@]}\""), "{b}");
    assert!(
        b.contains(r#"bind -x '"\C-x\C-a": __aws_sso_picker'"#),
        "{b}"
    );
    assert!(
        !b.contains("@EXE@") && !b.contains("@KEY"),
        "an unfilled placeholder in {b}"
    );

    let zsh = Helpers::new(RcShell::Zsh, "/bin/aws-sso", &k).files(&target(
        RcShell::Zsh,
        None,
        Some("/tmp/rc"),
    ));
    assert_eq!(zsh[0].path, Path::new("/tmp/rc"));
    assert!(zsh[0].block.contains("bindkey '^X^A' __aws_sso_picker"));

    let fish = Helpers::new(RcShell::Fish, "/bin/aws-sso", &k);
    let paths: Vec<PathBuf> = fish
        .files(&target(RcShell::Fish, Some("/x"), None))
        .into_iter()
        .map(|f| f.path)
        .collect();
    assert_eq!(
        paths,
        [
            "conf.d/aws-sso.fish",
            "functions/aws-sso-profile.fish",
            "completions/aws-sso-profile.fish",
            "functions/aws-sso-clear.fish"
        ]
        .map(|n| Path::new("/x/fish").join(n))
    );
    // A relative XDG_CONFIG_HOME is ignored, as the XDG spec says.
    let default = fish.files(&target(RcShell::Fish, Some("rel"), None));
    assert!(default[0].path.starts_with("/home/u/.config/fish"));
    assert!(fish.source().contains(r"bind \cx\ca __aws_sso_picker"));
    assert!(fish.source().contains("function aws-sso-clear"));
}

#[test]
fn install_then_uninstall_restores_the_file_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let rc = dir.path().join(".zshrc");
    let original = "export PATH=$HOME/bin:$PATH\r\nalias ll='ls -l'\n\n# mine\n";
    std::fs::write(&rc, original).unwrap();
    let helpers = Helpers::new(RcShell::Zsh, "/bin/aws-sso", &key(DEFAULT_KEY));
    let file = helpers
        .files(&target(RcShell::Zsh, None, Some(rc.to_str().unwrap())))
        .remove(0);

    let install = plan_install(&file).unwrap();
    assert!(install.new.starts_with(original) && install.new.ends_with("# END_AWS_SSO_CLI\n"));
    install.apply().unwrap();
    // Installing again changes nothing; a newer block replaces the old one in place.
    assert!(plan_install(&file).unwrap().is_noop());
    let other = Helpers::new(RcShell::Zsh, "/usr/local/bin/aws-sso", &key("alt-s"));
    let newer = other
        .files(&target(RcShell::Zsh, None, Some(rc.to_str().unwrap())))
        .remove(0);
    let text = std::fs::read_to_string(&rc).unwrap();
    std::fs::write(&rc, format!("{text}# after\n")).unwrap();
    plan_install(&newer).unwrap().apply().unwrap();
    let text = std::fs::read_to_string(&rc).unwrap();
    assert_eq!(text.matches("# BEGIN_AWS_SSO_CLI").count(), 1);
    assert!(text.contains("bindkey '^[s'") && text.ends_with("# END_AWS_SSO_CLI\n# after\n"));

    plan_uninstall(&rc).unwrap().apply().unwrap();
    assert_eq!(
        std::fs::read_to_string(&rc).unwrap(),
        format!("{original}# after\n")
    );
    assert!(plan_uninstall(&rc).unwrap().is_noop());
}

#[test]
fn a_half_written_block_is_refused_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let rc = dir.path().join(".bash_profile");
    std::fs::write(&rc, "a\n# BEGIN_AWS_SSO_CLI\nb\n").unwrap();
    let e = plan_uninstall(&rc).unwrap_err().to_string();
    assert!(e.contains(".bash_profile") && e.contains("line 2"), "{e}");
    assert_eq!(
        std::fs::read_to_string(&rc).unwrap(),
        "a\n# BEGIN_AWS_SSO_CLI\nb\n"
    );
}
