//! A throw-away HOME wired to a running IAM Identity Center emulator: the real binary with its
//! SDK clients pointed at the emulator through `AWS_ENDPOINT_URL_*`, and a fake browser on PATH.

use std::process::Output;

use aws_sso_emulator::{BackgroundEmulator, EmulatorConfig, Operation};

use super::{Home, ok};

pub(crate) struct Setup {
    pub home: Home,
    pub emu: BackgroundEmulator,
    pub path: String,
}

pub(crate) fn setup(cfg: EmulatorConfig, extra_config: &str) -> Setup {
    let emu = BackgroundEmulator::start(cfg).expect("emulator");
    let home = Home::new();
    home.config_with_json_store(&format!("AuthWorkflow: pkce\n{extra_config}"));
    let path = home.install_fake_browser();
    Setup { home, emu, path }
}

impl Setup {
    pub(crate) fn cmd(&self) -> std::process::Command {
        let mut cmd = self.home.cmd();
        cmd.env("AWS_ENDPOINT_URL_SSO", self.emu.url())
            .env("AWS_ENDPOINT_URL_SSO_OIDC", self.emu.url())
            .env("AWS_ENDPOINT_URL_STS", self.emu.url())
            .env("AWS_ENDPOINT_URL_SIGNIN", self.emu.url())
            .env("PATH", &self.path)
            .env("SHELL", "/bin/bash")
            .env_remove("DISPLAY");
        cmd
    }

    /// The environment [`Setup::cmd`] gives the binary, for shells and tmux panes.
    pub(crate) fn env(&self) -> Vec<(String, String)> {
        self.cmd()
            .get_envs()
            .filter_map(|(k, v)| Some((k.to_str()?.to_string(), v?.to_str()?.to_string())))
            .collect()
    }

    pub(crate) fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().expect("run aws-sso")
    }

    pub(crate) fn logged_in(self) -> Setup {
        ok(self.run(&["login"]));
        self
    }

    /// The first cached role's ARN and profile name.
    pub(crate) fn first_role(&self) -> (String, String) {
        let out = ok(self.run(&["list", "--csv", "Arn,Profile"]));
        let line = out.lines().next().expect("a role").to_string();
        let (arn, profile) = line.split_once(',').unwrap();
        (arn.to_string(), profile.to_string())
    }

    pub(crate) fn calls(&self, op: Operation) -> u64 {
        self.emu.counters().calls(op)
    }
}
