//! Unit tests of dialect selection and of the exact bytes each dialect writes. Whether real
//! shells read those bytes back is `tests/shell_eval.rs`.

use super::*;

#[test]
fn names_parse_case_insensitively() {
    for (name, want) in [
        ("bash", Shell::Posix),
        ("ZSH", Shell::Posix),
        ("sh", Shell::Posix),
        ("Dash", Shell::Posix),
        ("ksh", Shell::Posix),
        ("posix", Shell::Posix),
        ("fish", Shell::Fish),
        ("FISH", Shell::Fish),
        ("powershell", Shell::PowerShell),
        ("PowerShell", Shell::PowerShell),
        ("pwsh", Shell::PowerShell),
        ("xonsh", Shell::Xonsh),
    ] {
        assert_eq!(name.parse::<Shell>(), Ok(want), "--shell {name}");
    }
}

#[test]
fn unknown_name_lists_the_valid_ones() {
    let err = "tcsh".parse::<Shell>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown shell 'tcsh': use one of bash, zsh, sh, dash, ksh, posix, fish, powershell, \
         pwsh, xonsh"
    );
    assert!("".parse::<Shell>().is_err());
    assert!(" bash".parse::<Shell>().is_err());
}

#[test]
fn canonical_names_parse_back() {
    for shell in [Shell::Posix, Shell::Fish, Shell::PowerShell, Shell::Xonsh] {
        assert_eq!(shell.name().parse::<Shell>(), Ok(shell));
        assert_eq!(shell.to_string(), shell.name());
    }
    assert_eq!(Shell::Posix.name(), "posix");
    assert_eq!(Shell::Fish.name(), "fish");
    assert_eq!(Shell::PowerShell.name(), "powershell");
    assert_eq!(Shell::Xonsh.name(), "xonsh");
}

#[test]
fn detects_from_shell_basename() {
    for (shell_env, want) in [
        ("/bin/bash", Shell::Posix),
        ("/usr/bin/zsh", Shell::Posix),
        ("/bin/sh", Shell::Posix),
        ("/usr/bin/dash", Shell::Posix),
        ("/bin/ksh", Shell::Posix),
        ("/opt/homebrew/bin/fish", Shell::Fish),
        ("bash", Shell::Posix),
        ("/usr/bin/pwsh", Shell::PowerShell),
        ("/usr/local/bin/xonsh", Shell::Xonsh),
    ] {
        assert_eq!(
            Shell::detect(Some(shell_env), None, false),
            Ok(want),
            "SHELL={shell_env}"
        );
    }
}

#[test]
fn detects_windows_paths_with_exe() {
    for (shell_env, want) in [
        (r"C:\Program Files\Git\usr\bin\bash.exe", Shell::Posix),
        (r"C:\Program Files\Git\usr\bin\BASH.EXE", Shell::Posix),
        (r"C:\msys64\usr\bin\zsh.exe", Shell::Posix),
        (r"C:\tools\fish.exe", Shell::Fish),
        ("/usr/bin/bash", Shell::Posix),
    ] {
        assert_eq!(Shell::detect(Some(shell_env), None, true), Ok(want));
        assert_eq!(Shell::detect(Some(shell_env), None, false), Ok(want));
    }
}

#[test]
fn windows_without_a_bash_like_shell_is_powershell() {
    assert_eq!(Shell::detect(None, None, true), Ok(Shell::PowerShell));
    assert_eq!(Shell::detect(Some(""), None, true), Ok(Shell::PowerShell));
    assert_eq!(
        Shell::detect(Some(r"C:\Windows\System32\cmd.exe"), None, true),
        Ok(Shell::PowerShell)
    );
}

#[test]
fn xonsh_version_wins_over_shell() {
    assert_eq!(
        Shell::detect(Some("/bin/bash"), Some("0.25.0"), false),
        Ok(Shell::Xonsh)
    );
    assert_eq!(Shell::detect(None, Some("0.14"), true), Ok(Shell::Xonsh));
    // Set but empty is how launchers blank a variable: not xonsh.
    assert_eq!(
        Shell::detect(Some("/bin/bash"), Some(""), false),
        Ok(Shell::Posix)
    );
}

#[test]
fn unknown_shell_off_windows_is_an_error_naming_it() {
    let err = Shell::detect(Some("/bin/tcsh"), None, false).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot tell which shell this is from $SHELL='/bin/tcsh': pass --shell \
         bash|zsh|fish|powershell|xonsh"
    );
    let err = Shell::detect(None, None, false).unwrap_err();
    assert_eq!(
        err,
        ShellError::Undetectable {
            shell_env: String::new()
        }
    );
    // A basename that merely ends like a known shell is not that shell.
    assert!(Shell::detect(Some("/bin/mybash"), None, false).is_err());
    assert!(Shell::detect(Some("/usr/bin/bash/"), None, false).is_err());
}

fn sample() -> Vec<EnvChange> {
    vec![
        EnvChange::set("AWS_A", "plain"),
        EnvChange::set("AWS_B", "it's"),
        EnvChange::set("AWS_EMPTY", ""),
        EnvChange::unset("AWS_GONE"),
    ]
}

#[test]
fn posix_exact_bytes() {
    assert_eq!(
        render(Shell::Posix, &sample()),
        "export AWS_A='plain'\nexport AWS_B='it'\\''s'\nunset AWS_EMPTY\nunset AWS_GONE\n"
    );
    assert_eq!(
        render(Shell::Posix, &[EnvChange::set("V", "a\nb$`\\\"!")]),
        "export V='a\nb$`\\\"!'\n"
    );
}

#[test]
fn fish_exact_bytes() {
    assert_eq!(
        render(Shell::Fish, &sample()),
        "set -gx AWS_A 'plain';\nset -gx AWS_B 'it\\'s';\nset -e AWS_EMPTY;\nset -e AWS_GONE;\n"
    );
    assert_eq!(
        render(Shell::Fish, &[EnvChange::set("V", "a\\b\n\tc\u{1b}")]),
        "set -gx V 'a\\\\b'\\n\\t'c'\\x1b;\n"
    );
}

#[test]
fn powershell_exact_bytes() {
    assert_eq!(
        render(Shell::PowerShell, &sample()),
        "$Env:AWS_A = 'plain'\r\n$Env:AWS_B = 'it''s'\r\n$Env:AWS_EMPTY = $null\r\n\
         $Env:AWS_GONE = $null\r\n"
    );
    assert_eq!(
        render(
            Shell::PowerShell,
            &[EnvChange::set("V", "\u{2018}x\u{201B}$y")]
        ),
        "$Env:V = '\u{2018}\u{2018}x\u{201B}\u{201B}$y'\r\n"
    );
    assert_eq!(
        render(Shell::PowerShell, &[EnvChange::set("V", "a\r\nb\n")]),
        "$Env:V = 'a' + \"`r\" + \"`n\" + 'b' + \"`n\"\r\n"
    );
}

#[test]
fn xonsh_exact_bytes() {
    assert_eq!(
        render(Shell::Xonsh, &sample()),
        "$AWS_A = 'plain'\n$AWS_B = 'it\\'s'\nif 'AWS_EMPTY' in ${...}: del $AWS_EMPTY\n\
         if 'AWS_GONE' in ${...}: del $AWS_GONE\n"
    );
    assert_eq!(
        render(Shell::Xonsh, &[EnvChange::set("V", "\\\n\r\t\u{7f}é✓🚀")]),
        "$V = '\\\\\\n\\r\\t\\x7f\\xe9\\u2713\\U0001f680'\n"
    );
}

#[test]
fn order_is_kept() {
    let changes = [EnvChange::unset("Z"), EnvChange::set("A", "1")];
    assert_eq!(render(Shell::Posix, &changes), "unset Z\nexport A='1'\n");
    assert_eq!(render(Shell::Posix, &[]), "");
}

#[test]
fn debug_never_shows_values() {
    let change = EnvChange::set("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI");
    let shown = format!("{change:?}");
    assert!(!shown.contains("wJalrXUtnFEMI"), "{shown}");
    assert!(shown.contains("AWS_SECRET_ACCESS_KEY") && shown.contains("13 bytes"));
    assert_eq!(change.name(), "AWS_SECRET_ACCESS_KEY");
}
