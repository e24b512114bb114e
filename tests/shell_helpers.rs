//! `setup completions` in real shells: the helpers it installs into a fresh HOME's rc files
//! are read by real bash, zsh and fish, and change *that* shell's environment with
//! credentials from the emulator; the picker key binding does the same in a real terminal
//! (tmux). Install and uninstall keep the rest of each file byte for byte.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use aws_sso_emulator::{EmulatorConfig, Org};
use common::emulated::{Setup, setup};
use common::tmux::{self, Tmux};
use common::{fails, ok};

fn org() -> EmulatorConfig {
    EmulatorConfig {
        org: Org::synthetic(2, 2, 3),
        ..EmulatorConfig::default()
    }
}

/// Every cached profile name, in `list` order.
fn profiles(s: &Setup) -> Vec<String> {
    ok(s.run(&["list", "--csv", "Profile"]))
        .lines()
        .map(str::to_string)
        .collect()
}

fn install(s: &Setup, shell: &str) -> String {
    ok(s.run(&["setup", "completions", "-I", "--shell", shell, "--force"]))
}

/// `program args…` with exactly the environment the binary gets in these tests.
fn shell(s: &Setup, program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .env_clear()
        .envs(s.env())
        .args(args)
        .output()
        .unwrap()
}

fn home(s: &Setup) -> &Path {
    s.home.path()
}

#[test]
fn bash_helpers_set_and_clear_this_shells_credentials_and_complete_profiles() {
    let s = setup(org(), "").logged_in();
    let names = profiles(&s);
    let profile = &names[2];
    let original = "# my profile\nexport EDITOR=vi\n";
    std::fs::write(home(&s).join(".bashrc"), original).unwrap();
    let said = install(&s, "bash");
    assert!(said.contains("ctrl-x ctrl-a"), "{said}");

    let script = format!(
        "aws-sso-profile {profile} || exit 9
         echo \"set=$AWS_SSO_PROFILE|${{AWS_ACCESS_KEY_ID:+key}}|$EDITOR\"
         aws-sso-clear || exit 8
         echo \"cleared=${{AWS_SSO_PROFILE:-none}}|${{AWS_ACCESS_KEY_ID:-none}}\"
         AWS_PROFILE=x aws-sso-profile {profile}; echo \"refused=$?\"
         aws-sso-profile; echo \"usage=$?\""
    );
    let out = shell(&s, "bash", &["-i", "-c", &script]);
    let text = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains(&format!("set={profile}|key|vi")),
        "{text}{err}"
    );
    assert!(text.contains("cleared=none|none"), "{text}{err}");
    assert!(
        text.contains("refused=1")
            && err.contains("Unable to assume a role while AWS_PROFILE is set"),
        "{err}"
    );
    assert!(
        text.contains("usage=1")
            && err.contains("Usage: aws-sso-profile [-S|--sso <sso-instance>] <profile>"),
        "{err}"
    );

    // Completion of profile names, readline-style: the part after the last ':' only.
    let (stem, _) = profile
        .split_once(':')
        .expect("profiles look like account:role");
    let typed = format!("{stem}:");
    let script = format!(
        "COMP_LINE='aws-sso-profile {typed}'; COMP_POINT=${{#COMP_LINE}}
         complete -p aws-sso-profile >/dev/null || exit 7
         __aws_sso_profile_complete; printf '%s\\n' \"${{COMPREPLY[@]}}\""
    );
    let out = shell(&s, "bash", &["-i", "-c", &script]);
    let mut got: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    got.sort();
    let mut want: Vec<String> = names
        .iter()
        .filter_map(|n| n.strip_prefix(&typed).map(str::to_string))
        .collect();
    want.sort();
    assert!(!want.is_empty());
    assert_eq!(got, want, "{}", String::from_utf8_lossy(&out.stderr));

    // Installing again changes nothing; uninstalling gives back the user's file exactly.
    let before = std::fs::read(home(&s).join(".bashrc")).unwrap();
    install(&s, "bash");
    assert_eq!(std::fs::read(home(&s).join(".bashrc")).unwrap(), before);
    ok(s.run(&["setup", "completions", "-U", "--shell", "bash", "--force"]));
    assert_eq!(
        std::fs::read_to_string(home(&s).join(".bashrc")).unwrap(),
        original
    );
}

/// aws-sso-cli's bash block, as it left it in `~/.bash_profile`.
const OLD_BLOCK: &str = "# BEGIN_AWS_SSO_CLI\n__aws_sso_old() { :; }\n# END_AWS_SSO_CLI\n";

#[test]
fn bash_helpers_go_where_interactive_bash_reads_them_and_shadow_nothing() {
    let s = setup(org(), "");
    let h = home(&s);
    // Debian's ~/.profile sources ~/.bashrc; aws-sso-cli created ~/.bash_profile, which made
    // login shells skip ~/.profile.
    let profile = "if [ -f \"$HOME/.bashrc\" ]; then . \"$HOME/.bashrc\"; fi\n";
    std::fs::write(h.join(".profile"), profile).unwrap();
    std::fs::write(h.join(".bash_profile"), OLD_BLOCK).unwrap();
    let said = install(&s, "bash");
    assert!(said.contains(".bashrc"), "says which file: {said}");
    let rc = std::fs::read_to_string(h.join(".bashrc")).unwrap();
    assert!(rc.contains("aws-sso-profile()"), "{rc}");
    // The old block moved: the file that held only it is gone, ~/.profile is read again.
    assert!(!h.join(".bash_profile").exists(), "{said}");
    assert_eq!(
        std::fs::read_to_string(h.join(".profile")).unwrap(),
        profile
    );
    assert!(!said.contains("note:"), "{said}");
    // A terminal tab's bash (interactive, not a login shell) has the helpers, and so has a
    // login shell through ~/.profile.
    for flags in [["-i", "-c"], ["-l", "-c"]] {
        let out = shell(&s, "bash", &[flags[0], flags[1], "type -t aws-sso-profile"]);
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "function\n",
            "{flags:?}"
        );
    }
    ok(s.run(&["setup", "completions", "-U", "--shell", "bash", "--force"]));
    // The ~/.bashrc the install created held only the block: it goes, as before the install.
    assert!(!h.join(".bashrc").exists());
    assert!(!h.join(".bash_profile").exists());

    // Uninstall finds aws-sso-cli's block where it left it, and keeps the rest of the file.
    std::fs::write(h.join(".bash_profile"), format!("export X=1\n{OLD_BLOCK}")).unwrap();
    let said = ok(s.run(&["setup", "completions", "-U", "--shell", "bash", "--force"]));
    assert!(said.contains(".bash_profile"), "{said}");
    assert_eq!(
        std::fs::read_to_string(h.join(".bash_profile")).unwrap(),
        "export X=1\n"
    );

    // A login file that does not read ~/.bashrc is named, so the person can fix it.
    std::fs::remove_file(h.join(".bash_profile")).unwrap();
    std::fs::write(h.join(".profile"), "export PATH=$HOME/bin:$PATH\n").unwrap();
    let said = install(&s, "bash");
    assert!(
        said.contains("note:") && said.contains(".profile"),
        "{said}"
    );
    assert!(!h.join(".bash_profile").exists());
}

#[test]
fn zsh_helpers_work_in_zsh() {
    let s = setup(org(), "").logged_in();
    let profile = profiles(&s)[1].clone();
    install(&s, "zsh");
    let script = format!(
        "aws-sso-profile {profile} || exit 9
         echo \"set=$AWS_SSO_PROFILE|${{AWS_SECRET_ACCESS_KEY:+secret}}\"
         bindkey '^X^A'
         aws-sso-clear; echo \"cleared=${{AWS_SSO_PROFILE:-none}}\""
    );
    let out = shell(&s, "zsh", &["-i", "-c", &script]);
    let text = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains(&format!("set={profile}|secret")),
        "{text}{err}"
    );
    assert!(text.contains("\"^X^A\" __aws_sso_picker"), "{text}{err}");
    assert!(text.contains("cleared=none"), "{text}{err}");
}

#[test]
fn fish_helpers_live_in_their_own_files_and_work_in_fish() {
    let s = setup(org(), "").logged_in();
    let profile = profiles(&s)[3].clone();
    install(&s, "fish");
    let fish_dir = home(&s).join(".config/fish");
    for f in [
        "conf.d/aws-sso.fish",
        "functions/aws-sso-profile.fish",
        "completions/aws-sso-profile.fish",
        "functions/aws-sso-clear.fish",
    ] {
        let text = std::fs::read_to_string(fish_dir.join(f)).unwrap();
        assert!(text.starts_with("# BEGIN_AWS_SSO_CLI\n"), "{f}: {text}");
    }
    let script = format!(
        "aws-sso-profile {profile}; or exit 9
         echo \"set=$AWS_SSO_PROFILE|\"(set -q AWS_SESSION_TOKEN; and echo token)
         complete -C 'aws-sso-profile {}'
         aws-sso-clear; echo \"cleared=\"(set -q AWS_SSO_PROFILE; and echo still; or echo none)",
        &profile[..3]
    );
    let out = shell(&s, "fish", &["-c", &script]);
    let text = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains(&format!("set={profile}|token")),
        "{text}{err}"
    );
    assert!(
        text.lines().any(|l| l == profile),
        "completion offered {profile}: {text}{err}"
    );
    assert!(text.contains("cleared=none"), "{text}{err}");

    // Uninstall removes the files that held nothing but our block.
    ok(s.run(&["setup", "completions", "-U", "--shell", "fish", "--force"]));
    assert!(!fish_dir.join("functions/aws-sso-profile.fish").exists());
    assert!(!fish_dir.join("conf.d/aws-sso.fish").exists());
}

#[test]
fn source_prints_helpers_for_eval_and_bad_input_is_one_clear_line() {
    let s = setup(org(), "");
    let out = shell(
        &s,
        "bash",
        &[
            "-c",
            &format!(
                "eval \"$({} setup completions --source --shell bash)\" && type -t aws-sso-profile aws-sso-clear",
                env!("CARGO_BIN_EXE_aws-sso")
            ),
        ],
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "function\nfunction\n");
    let e = fails(s.run(&["setup", "completions", "-I", "--shell", "tcsh", "--force"]));
    assert!(
        e.contains("\"tcsh\"") && e.contains("--shell bash, zsh or fish"),
        "{e}"
    );
    let e = fails(s.run(&[
        "setup",
        "completions",
        "-I",
        "--shell",
        "bash",
        "--key",
        "q",
        "--force",
    ]));
    assert!(e.contains("\"q\"") && e.contains("ctrl-x ctrl-a"), "{e}");
    // Off a terminal, without --force, nothing is written and the error says how.
    let e = fails(s.run(&["setup", "completions", "-I", "--shell", "bash"]));
    assert!(e.contains("--force"), "{e}");
    assert!(!home(&s).join(".bash_profile").exists());
    // A half-written block is refused, and the file is left as it was.
    std::fs::write(home(&s).join(".zshrc"), "x\n# BEGIN_AWS_SSO_CLI\n").unwrap();
    let e = fails(s.run(&["setup", "completions", "-I", "--shell", "zsh", "--force"]));
    assert!(e.contains(".zshrc") && e.contains("line 2"), "{e}");
    assert_eq!(
        std::fs::read_to_string(home(&s).join(".zshrc")).unwrap(),
        "x\n# BEGIN_AWS_SSO_CLI\n"
    );
}

/// An interactive `program` in tmux that ran `prep` (source the installed file, set a known
/// prompt) and shows `READY> `.
fn interactive(s: &Setup, program: &str, prep: &str) -> Tmux {
    let t = Tmux::start(&format!("exec {program}"), &s.env(), 120, 30);
    t.wait_for("the shell", 10, |sc| !sc.trim().is_empty());
    t.type_text(&prep.replace("~", &home(s).display().to_string()));
    t.keys(&["Enter"]);
    t.wait_for("the prompt", 10, |sc| sc.contains("READY>"));
    t
}

fn widget_changes_the_shells_environment(program: &str, shell: &str, prep: &str) {
    assert!(tmux::available());
    let s = setup(org(), "").logged_in();
    let all = profiles(&s);
    let profile = all[all.len() - 1].clone();
    let (every, one) = (
        format!(" {n}/{n}", n = all.len()),
        format!(" 1/{}", all.len()),
    );
    install(&s, shell);
    let t = interactive(&s, program, prep);
    t.keys(&["C-x", "C-a"]);
    t.wait_for("the picker", 20, |sc| sc.contains(&every));
    t.type_text(&profile);
    t.wait_for("one match", 10, |sc| sc.contains(&one));
    t.keys(&["Enter"]);
    t.wait_for("the prompt again", 20, |sc| {
        sc.contains("READY>") && !sc.contains(&one)
    });
    t.type_text("echo \"P=$AWS_SSO_PROFILE K=$AWS_ACCESS_KEY_ID\"");
    t.keys(&["Enter"]);
    let screen = t.wait_for("the exported profile", 10, |sc| {
        sc.contains(&format!("P={profile} K=A"))
    });
    assert!(
        screen.contains("K=ASIA"),
        "no access key in the shell: {screen}"
    );
    // Esc applies nothing: the shell keeps the role it had.
    t.type_text("clear");
    t.keys(&["Enter"]);
    t.keys(&["C-x", "C-a"]);
    t.wait_for("the picker", 20, |sc| sc.contains(&every));
    t.type_text(&all[0]);
    t.keys(&["Escape"]);
    t.wait_for("the prompt again", 20, |sc| {
        sc.contains("READY>") && !sc.contains(&every) && !sc.contains(&one)
    });
    t.type_text("echo \"Q=$AWS_SSO_PROFILE\"");
    t.keys(&["Enter"]);
    t.wait_for("nothing applied", 10, |sc| {
        sc.contains(&format!("Q={profile}"))
    });
}

#[test]
fn the_bash_key_binding_opens_the_picker_and_exports_into_bash() {
    widget_changes_the_shells_environment(
        "bash --noprofile --norc -i",
        "bash",
        "source ~/.bashrc; PS1='READY> '",
    );
}

#[test]
fn the_zsh_key_binding_opens_the_picker_and_exports_into_zsh() {
    widget_changes_the_shells_environment("zsh -f -i", "zsh", "source ~/.zshrc; PS1='READY> '");
}

#[test]
fn the_fish_key_binding_opens_the_picker_and_exports_into_fish() {
    widget_changes_the_shells_environment(
        "fish --no-config -i",
        "fish",
        "source ~/.config/fish/conf.d/aws-sso.fish; function fish_prompt; echo -n 'READY> '; end",
    );
}
