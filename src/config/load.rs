//! Turn `config.yaml` text into a [`Config`]: YAML syntax check (with file:line:col),
//! then a schema-aware walk that applies defaults, case-insensitive keys and weak typing,
//! then deprecations and validation; any problem is located back in the source.

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use serde::Deserialize;
use serde_yaml_ng::{Mapping, Value};

use super::colors::{PROMPT_COLOR_DEFAULTS, PromptColor, PromptColors};
use super::enums::{AuthWorkflow, InvalidValue, LogLevel, OnePasswordAuth, UrlAction};
use super::error::{ConfigError, Issue, Location, Seg, Target, dotted};
use super::keys::{Fields, go_map, key_text, mapping, untag};
use super::paths::expand_tilde;
use super::schema::*;
use super::validate::{self, Legacy};

/// What loading needs from outside the file.
pub(crate) struct LoadCtx<'a> {
    /// Default `JsonStore` (`<ConfigDir>/store.json`).
    pub json_store_default: &'a Path,
    /// For `~` in `JsonStore`.
    pub home: Option<&'a Path>,
    /// `$SSH_TTY`/`$WSL_DISTRO_NAME` set: `AuthWorkflow` defaults to `device_code`.
    pub remote_host: bool,
}

/// Parse and validate `source`, naming `file` in errors.
pub(crate) fn parse(source: &str, file: &Path, ctx: &LoadCtx) -> Result<Config, ConfigError> {
    let value = parse_yaml(source, file)?;
    build(&value, file, ctx).map_err(|issue| {
        let location = super::locate::locate(source, &issue.path, issue.target);
        let key = (!issue.path.is_empty()).then(|| dotted(&issue.path));
        ConfigError::Invalid {
            file: file.to_path_buf(),
            location,
            key,
            message: issue.message,
        }
    })
}

fn parse_yaml(source: &str, file: &Path) -> Result<Value, ConfigError> {
    // Like yaml.v3 in aws-sso-cli, only the first document counts.
    let Some(doc) = serde_yaml_ng::Deserializer::from_str(source).next() else {
        return Ok(Value::Null);
    };
    let mut value = Value::deserialize(doc).map_err(|e| yaml_error(&e, source, file))?;
    value
        .apply_merge()
        .map_err(|e| yaml_error(&e, source, file))?;
    Ok(value)
}

fn yaml_error(err: &serde_yaml_ng::Error, source: &str, file: &Path) -> ConfigError {
    let mut location = err.location().map(|l| Location {
        line: l.line(),
        column: l.column(),
    });
    let mut message = err.to_string();
    if let Some(loc) = location {
        // The location goes in front; drop the parser's own copy of it.
        message = message.replacen(
            &format!(" at line {} column {}", loc.line, loc.column),
            "",
            1,
        );
    }
    let mut key = None;
    // The parser reports a repeated key at its mapping's start; find the repeat itself.
    if let Some((prefix, _)) = message.split_once("duplicate entry with key")
        && let Some((loc, dup)) = super::locate::duplicate_key(source)
    {
        let parent = prefix.trim_end_matches([':', ' ']);
        key = Some(if parent.is_empty() || parent == "." {
            dup.clone()
        } else {
            format!("{parent}.{dup}")
        });
        location = Some(loc);
        message = format!("duplicate key \"{dup}\" (remove one of them)");
    }
    ConfigError::Invalid {
        file: file.to_path_buf(),
        location,
        key,
        message: format!("invalid YAML: {message}"),
    }
}

fn build(value: &Value, file: &Path, ctx: &LoadCtx) -> Result<Config, Issue> {
    let root = match untag(value) {
        Value::Null => {
            return Err(Issue::new(
                vec![],
                Target::Key,
                "file is empty; it needs an SSOConfig section with at least one instance \
                 (SSORegion and StartUrl)",
            ));
        }
        Value::Mapping(m) => m,
        other => {
            return Err(super::keys::type_issue(
                vec![],
                "a mapping of settings at the top level",
                other,
            ));
        }
    };
    let mut f = Fields::new(root, vec![]);
    let sso_config = instances(&mut f)?;

    let url_action = enum_field::<UrlAction>(&mut f, "UrlAction")?.unwrap_or(UrlAction::Open);
    let legacy = Legacy {
        firefox_container: f.bool("FirefoxOpenUrlInContainer")?.unwrap_or(false),
        config_url_action: f.opt_string("ConfigUrlAction")?,
        config_profiles_url_action: enum_field(&mut f, "ConfigProfilesUrlAction")?,
    };
    let auth_workflow =
        enum_field::<AuthWorkflow>(&mut f, "AuthWorkflow")?.unwrap_or(if ctx.remote_host {
            AuthWorkflow::DeviceCode
        } else {
            AuthWorkflow::Pkce
        });
    let json_store = match f.opt_string("JsonStore")? {
        Some(p) => expand_tilde(Path::new(&p), ctx.home),
        None => ctx.json_store_default.to_path_buf(),
    };
    let default_sso = f.string("DefaultSSO")?;
    let mut config = Config {
        file: file.to_path_buf(),
        mtime: None,
        sso_config,
        default_sso_set: default_sso.as_deref().is_some_and(|s| !s.is_empty()),
        default_sso: default_sso.unwrap_or(DEFAULT_SSO_NAME.into()),
        default_region: f.string("DefaultRegion")?.unwrap_or(DEFAULT_REGION.into()),
        auth_workflow,
        auto_login: f.bool("AutoLogin")?.unwrap_or(false),
        cache_refresh: f.int("CacheRefresh")?.unwrap_or(168),
        auto_config_check: f.bool("AutoConfigCheck")?.unwrap_or(false),
        threads: f.int("Threads")?.unwrap_or(5),
        max_retry: f.int("MaxRetry")?.unwrap_or(10),
        max_backoff: f.int("MaxBackoff")?.unwrap_or(5),
        api_timeout: f.int("ApiTimeout")?.unwrap_or(DEFAULT_API_TIMEOUT),
        process_timeout: f.int("ProcessTimeout")?.unwrap_or(DEFAULT_PROCESS_TIMEOUT),
        browser: f.string("Browser")?.unwrap_or_default(),
        url_action,
        url_exec_command: f.list("UrlExecCommand")?.unwrap_or_default(),
        // Resolved from `legacy` by validate::apply_deprecations.
        config_profiles_url_action: url_action.for_config_profiles(),
        config_profiles_binary_path: f.string("ConfigProfilesBinaryPath")?.unwrap_or_default(),
        console_duration: f.int("ConsoleDuration")?.unwrap_or(60),
        log_level: enum_field::<LogLevel>(&mut f, "LogLevel")?.unwrap_or(LogLevel::Info),
        log_lines: f.bool("LogLines")?.unwrap_or(false),
        history_limit: f.int("HistoryLimit")?.unwrap_or(10),
        history_minutes: f.int("HistoryMinutes")?.unwrap_or(1440),
        secure_store: enum_field(&mut f, "SecureStore")?,
        json_store,
        secret_service_collection: f
            .string("SecretServiceCollection")?
            .unwrap_or(DEFAULT_SECRET_SERVICE_COLLECTION.into()),
        one_password: one_password(&mut f)?,
        profile_format: f
            .string("ProfileFormat")?
            .unwrap_or(DEFAULT_PROFILE_FORMAT.into()),
        config_variables: config_variables(&mut f)?,
        first_tag: f.string("FirstTag")?.unwrap_or_default(),
        full_text_search: f.bool("FullTextSearch")?.unwrap_or(true),
        account_primary_tag: f.list("AccountPrimaryTag")?.unwrap_or_default(),
        prompt_colors: prompt_colors(&mut f)?,
        list_fields: f
            .list("ListFields")?
            .unwrap_or_else(|| DEFAULT_LIST_FIELDS.iter().map(|s| s.to_string()).collect()),
        env_var_tags: f.list("EnvVarTags")?.unwrap_or_default(),
        // aws-sso extensions (aws-sso-cli ignores them).
        theme: f.string("Theme")?.unwrap_or_else(|| "dark".into()),
        key_bindings: f.string_map("KeyBindings")?.unwrap_or_default(),
        clipboard_clear_seconds: f.int("ClipboardClearSeconds")?.unwrap_or(30),
    };
    f.finish();
    validate::apply_deprecations(&mut config, &legacy);
    validate::validate(&config, &legacy)?;
    Ok(config)
}

/// A closed-set value; absent, null or empty means "use the default" (`None`).
fn enum_field<T: FromStr<Err = InvalidValue>>(
    f: &mut Fields,
    name: &'static str,
) -> Result<Option<T>, Issue> {
    match f.opt_string(name)? {
        None => Ok(None),
        Some(text) => text
            .parse()
            .map(Some)
            .map_err(|e: InvalidValue| Issue::new(f.path(name), Target::Value, e.to_string())),
    }
}

fn required(f: &mut Fields, name: &'static str, hint: &str) -> Result<String, Issue> {
    match f.string(name)? {
        None => Err(Issue::new(
            f.path(name),
            Target::Parent,
            format!("missing required key ({hint})"),
        )),
        Some(s) if s.trim().is_empty() => Err(Issue::new(
            f.path(name),
            Target::Value,
            format!("must not be empty ({hint})"),
        )),
        Some(s) => Ok(s),
    }
}

fn child(base: &[Seg], seg: Seg) -> Vec<Seg> {
    let mut p = base.to_vec();
    p.push(seg);
    p
}

fn instances(f: &mut Fields) -> Result<BTreeMap<String, SsoConfig>, Issue> {
    let path = f.path("SSOConfig");
    let Some(value) = f.get("SSOConfig") else {
        return Err(Issue::new(
            path,
            Target::Parent,
            "missing required key (add an instance with SSORegion and StartUrl, e.g. \
             SSOConfig: {Default: {SSORegion: us-east-1, StartUrl: https://d-1234567890.awsapps.com/start}})",
        ));
    };
    let map = go_map(
        value,
        &path,
        "a mapping of instance names to their settings",
    )?;
    let Some(map) = map.filter(|m| !m.is_empty()) else {
        return Err(Issue::new(
            path,
            Target::Key,
            "no SSO instances configured (add one with SSORegion and StartUrl)",
        ));
    };
    let mut out = BTreeMap::new();
    for (key, value) in map.iter() {
        let name = key_text(key);
        let ipath = child(&path, Seg::Key(name.clone()));
        out.insert(name, instance(value, ipath)?);
    }
    Ok(out)
}

fn instance(value: &Value, path: Vec<Seg>) -> Result<SsoConfig, Issue> {
    let empty = Mapping::new();
    let map = mapping(value, &path, "a mapping with SSORegion and StartUrl")?.unwrap_or(&empty);
    let mut f = Fields::new(map, path);
    let sso_region = required(
        &mut f,
        "SSORegion",
        "set it to your Identity Center region, e.g. us-east-1",
    )?;
    let start_url = required(
        &mut f,
        "StartUrl",
        "set it to your AWS access portal URL, e.g. https://d-1234567890.awsapps.com/start",
    )?;
    let default_region = f.opt_string("DefaultRegion")?;
    let auth_url_action = enum_field(&mut f, "AuthUrlAction")?;
    let accounts = accounts(&mut f)?;
    f.finish();
    Ok(SsoConfig {
        sso_region,
        start_url,
        default_region,
        auth_url_action,
        accounts,
    })
}

/// Account keys: YAML ints, quoted strings with leading zeros, floats like `1.2e+10`.
fn account_key(key: &Value) -> Option<AccountId> {
    match untag(key) {
        Value::Number(n) => match n.as_u64() {
            Some(u) => AccountId::new(u),
            None if n.is_f64() => n.as_f64().and_then(AccountId::from_f64),
            None => None,
        },
        Value::String(s) => AccountId::parse(s),
        _ => None,
    }
}

fn accounts(f: &mut Fields) -> Result<BTreeMap<AccountId, SsoAccount>, Issue> {
    let path = f.path("Accounts");
    let Some(value) = f.get("Accounts") else {
        return Ok(BTreeMap::new());
    };
    let Some(map) = go_map(value, &path, "a mapping of account ids to account settings")? else {
        return Ok(BTreeMap::new());
    };
    let mut out = BTreeMap::new();
    let mut spelled: BTreeMap<AccountId, String> = BTreeMap::new();
    for (key, value) in map.iter() {
        let text = key_text(key);
        let Some(id) = account_key(key) else {
            return Err(Issue::new(
                child(&path, Seg::Key(text.clone())),
                Target::Key,
                format!(
                    "invalid account id '{text}' (expected a number from 0 to 999999999999, \
                     e.g. \"000001111111\")"
                ),
            ));
        };
        if let Some(first) = spelled.get(&id) {
            return Err(Issue::new(
                child(&path, Seg::Key(text.clone())),
                Target::Key,
                format!("account {id} is listed twice (as '{first}' and '{text}'); merge them"),
            ));
        }
        spelled.insert(id, text);
        out.insert(id, account(value, child(&path, Seg::Account(id)))?);
    }
    Ok(out)
}

fn account(value: &Value, path: Vec<Seg>) -> Result<SsoAccount, Issue> {
    let empty = Mapping::new();
    let map = mapping(value, &path, "a mapping of account settings")?.unwrap_or(&empty);
    let mut f = Fields::new(map, path);
    let name = f.opt_string("Name")?;
    let default_region = f.opt_string("DefaultRegion")?;
    let tags = f.string_map("Tags")?.unwrap_or_default();
    let mut roles = BTreeMap::new();
    let rpath = f.path("Roles");
    if let Some(value) = f.get("Roles")
        && let Some(map) = go_map(value, &rpath, "a mapping of role names to role settings")?
    {
        for (key, value) in map.iter() {
            let role_name = key_text(key);
            let path = child(&rpath, Seg::Key(role_name.clone()));
            roles.insert(role_name, role(value, path)?);
        }
    }
    f.finish();
    Ok(SsoAccount {
        name,
        default_region,
        tags,
        roles,
    })
}

fn role(value: &Value, path: Vec<Seg>) -> Result<SsoRole, Issue> {
    let empty = Mapping::new();
    // `Roles: {MyRole: }` is allowed: a null role has no settings.
    let map = mapping(value, &path, "a mapping of role settings")?.unwrap_or(&empty);
    let mut f = Fields::new(map, path);
    // A `Via` that is not a plain role ARN fails when that role is used, not here: aws-sso-cli
    // loads such a file and every other role keeps working.
    let via = f.opt_string("Via")?;
    let role = SsoRole {
        profile: f.opt_string("Profile")?,
        default_region: f.opt_string("DefaultRegion")?,
        tags: f.string_map("Tags")?.unwrap_or_default(),
        via,
        source_identity: f.opt_string("SourceIdentity")?,
        external_id: f.opt_string("ExternalId")?,
    };
    f.finish();
    Ok(role)
}

fn one_password(f: &mut Fields) -> Result<OnePassword, Issue> {
    let path = f.path("OnePassword");
    let Some(value) = f.get("OnePassword") else {
        return Ok(OnePassword::default());
    };
    let Some(map) = mapping(value, &path, "a mapping with Vault, AuthType and Account")? else {
        return Ok(OnePassword::default());
    };
    let mut f = Fields::new(map, path);
    let one = OnePassword {
        vault: f.string("Vault")?.unwrap_or_default(),
        auth_type: enum_field(&mut f, "AuthType")?.unwrap_or(OnePasswordAuth::Desktop),
        account: f.string("Account")?.unwrap_or_default(),
    };
    f.finish();
    Ok(one)
}

fn config_variables(f: &mut Fields) -> Result<BTreeMap<String, Value>, Issue> {
    let path = f.path("ConfigVariables");
    let Some(value) = f.get("ConfigVariables") else {
        return Ok(BTreeMap::new());
    };
    let map = go_map(value, &path, "a mapping of AWS config settings to values")?;
    Ok(map
        .iter()
        .flat_map(|m| m.iter())
        .map(|(k, v)| (key_text(k), untag(v).clone()))
        .collect())
}

fn prompt_colors(f: &mut Fields) -> Result<PromptColors, Issue> {
    let mut colors = PromptColors::default();
    let path = f.path("PromptColors");
    let Some(value) = f.get("PromptColors") else {
        return Ok(colors);
    };
    let Some(map) = mapping(value, &path, "a mapping of prompt options to colour names")? else {
        return Ok(colors);
    };
    let mut f = Fields::new(map, path);
    for (option, _) in PROMPT_COLOR_DEFAULTS {
        let Some(name) = f.string(option)? else {
            continue;
        };
        // aws-sso-cli silently uses the zero colour for unknown names; say so in the log.
        let color = PromptColor::from_name(&name).unwrap_or_else(|| {
            tracing::warn!(
                option,
                name,
                "unknown PromptColors colour; using DefaultColor"
            );
            PromptColor::DefaultColor
        });
        colors.set(option, color);
    }
    f.finish();
    Ok(colors)
}
