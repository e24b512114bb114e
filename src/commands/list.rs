//! `aws-sso list` (and the no-argument default): the cached roles as aws-sso-cli's table or
//! header-less CSV, with field selection, `-P Field=Prefix`, `-s/--sort` and `--reverse`.
//! Served purely from cache.json: no network, no keyring.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Result, anyhow, bail};
use clap::Args;

use super::Globals;
use crate::app::{Context, no_cached_roles, now};
use crate::cache::Cache;
use crate::catalog::{self, ALL_FIELDS, ListField, ListQuery};
use crate::display::{Shown, escape};
use crate::format;
use crate::profile_format::ProfileFormat;

#[derive(Debug, Clone, Default, Args)]
pub struct ListArgs {
    /// Fields to show [default: config ListFields]
    #[arg(env = "AWS_SSO_FIELDS", value_delimiter = ',', value_name = "FIELD")]
    pub fields: Vec<String>,

    /// List the available fields and exit
    #[arg(short = 'f', long = "list-fields", conflicts_with = "csv")]
    pub list_fields: bool,

    /// Print CSV without a header (for scripts and shell completion)
    #[arg(long)]
    pub csv: bool,

    /// Only roles whose FIELD starts with PREFIX (case-sensitive)
    #[arg(short = 'P', long, value_name = "FIELD=PREFIX")]
    pub prefix: Option<String>,

    /// Field to sort by
    #[arg(
        short = 's',
        long,
        env = "AWS_SSO_FIELD_SORT",
        default_value = "AccountId",
        value_name = "FIELD"
    )]
    pub sort: String,

    /// Reverse the sort order
    #[arg(long, env = "AWS_SSO_FIELD_SORT_REVERSE")]
    pub reverse: bool,
}

impl ListArgs {
    /// The no-argument command lists with the config's ListFields and default sort.
    pub fn default_command() -> ListArgs {
        ListArgs {
            sort: std::env::var("AWS_SSO_FIELD_SORT").unwrap_or_else(|_| "AccountId".into()),
            ..ListArgs::default()
        }
    }
}

/// Run `list`, from the cache as it is (never refreshed first).
pub(super) fn run(globals: &Globals, args: ListArgs, out: &mut dyn Write) -> Result<ExitCode> {
    let ctx = globals.context()?;
    print(&ctx, &args, &ctx.load_cache()?, None, out)?;
    Ok(ExitCode::SUCCESS)
}

/// Turn the flags (and config `ListFields`) into a validated query.
pub(super) fn query(args: &ListArgs, default_fields: &[String]) -> Result<ListQuery> {
    let names: &[String] = if args.fields.is_empty() {
        default_fields
    } else {
        &args.fields
    };
    let fields = names
        .iter()
        .map(|f| f.trim().parse::<ListField>())
        .collect::<Result<Vec<_>, _>>()?;
    let sort: ListField = args.sort.trim().parse()?;
    let prefix = match &args.prefix {
        None => None,
        Some(spec) => {
            let (field, prefix) = spec
                .split_once('=')
                .ok_or_else(|| anyhow!("--prefix '{spec}' must look like Field=Prefix"))?;
            let field: ListField = field.parse()?;
            if !field.filterable() {
                bail!("--prefix cannot filter on {field}: choose another field");
            }
            Some((field, prefix.to_string()))
        }
    };
    Ok(ListQuery {
        fields,
        sort,
        reverse: args.reverse,
        prefix,
    })
}

/// Print the `Field | Description` table of `--list-fields`.
pub(super) fn print_fields(out: &mut dyn Write) -> Result<()> {
    let rows: Vec<Vec<&str>> = ALL_FIELDS
        .iter()
        .map(|f| vec![f.name(), f.description()])
        .collect();
    format::write_table(out, &["Field", "Description"], &rows)?;
    Ok(())
}

/// Print the list of `cache`'s roles. `token_expires_at` (unix seconds) adds `[Expires in: …]` to the banner; when
/// `None` it is read from the store.
pub(super) fn print(
    ctx: &Context,
    args: &ListArgs,
    cache: &Cache,
    token_expires_at: Option<i64>,
    out: &mut dyn Write,
) -> Result<()> {
    if args.list_fields {
        return print_fields(out);
    }
    let query = query(args, &ctx.config.list_fields)?;
    if ctx.cache_expired(cache) && cache.instance(&ctx.instance).is_some() {
        tracing::warn!("Cache has expired.  Results may be out of date.");
    }
    let instance = cache
        .instance(&ctx.instance)
        .ok_or_else(|| no_cached_roles(ctx))?;
    let now = now();
    let roles = catalog::instance_roles(&ctx.instance, instance);
    let profiles = if !query.needs_profiles() {
        Vec::new()
    } else {
        match ProfileFormat::compile(&ctx.config.profile_format) {
            Ok(template) => catalog::profile_names_indexed(
                &ctx.paths.cache_file,
                &ctx.instance,
                &ctx.config.profile_format,
                &roles,
                |v| template.render(v),
                now,
                cache.problem.is_none(),
            )?,
            // A broken template must not hide the roles: list them, with only the names
            // config.yaml spells out (`Profile:`), and say once what to fix.
            Err(e) => {
                tracing::warn!(
                    "{e}: fix ProfileFormat in {}; the Profile column stays empty until then",
                    ctx.config_file().display()
                );
                roles
                    .iter()
                    .map(|r| r.explicit_profile().unwrap_or_default().to_owned())
                    .collect()
            }
        }
    };
    let rows = catalog::list_rows(&roles, &profiles, &query, now);
    if args.csv {
        // Escaped too: legitimate values never hold control characters (AWS forbids them in
        // account and role names), and `list --csv` is also read on a terminal.
        for row in rows.iter() {
            let row: Vec<_> = row.iter().map(|f| escape(f.as_ref())).collect();
            format::write_csv_record(out, &row)?;
        }
        return Ok(());
    }
    let token_expires_at = token_expires_at.or_else(|| crate::app::session_expiry(ctx));
    let expiry = token_expires_at
        .filter(|&t| t > now)
        .map(|t| format!(" [Expires in: {}]", catalog::remaining_text(t, now)))
        .unwrap_or_default();
    writeln!(
        out,
        "List of AWS roles for SSO Instance: {}{expiry}\n",
        Shown(&ctx.instance)
    )?;
    let headers: Vec<&str> = query.fields.iter().map(|f| f.name()).collect();
    format::write_table(out, &headers, rows.iter())?;
    writeln!(out)?;
    Ok(())
}
