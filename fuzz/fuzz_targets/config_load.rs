//! The config.yaml loader: any text gives a validated `Config` or a one-line error with the
//! file, position and fix; never a panic.
#![no_main]

use std::path::PathBuf;
use std::sync::LazyLock;

use aws_sso::config::{Config, ConfigEnv, Paths};
use libfuzzer_sys::fuzz_target;

static ENV: LazyLock<(Paths, ConfigEnv)> = LazyLock::new(|| {
    let home = PathBuf::from("/nonexistent/home");
    let dir = home.join(".config/aws-sso");
    let env = ConfigEnv {
        home: Some(home),
        ..ConfigEnv::default()
    };
    (Paths::new(dir.clone(), dir.join("config.yaml")), env)
});

fuzz_target!(|data: &[u8]| {
    // The loader reads the file as UTF-8 and reports anything else as a read error.
    let Ok(yaml) = std::str::from_utf8(data) else {
        return;
    };
    let (paths, env) = &*ENV;
    match Config::from_yaml(yaml, paths, env) {
        Ok(config) => {
            for name in config.instance_names() {
                let _ = name.len();
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
