//! Listing and fan-out: `ListAccounts` pages stream accounts into a channel as they arrive;
//! a bounded set of `ListAccountRoles` fetches drains it concurrently. Both halves run on the
//! caller's task (joined, not spawned), so the first error — or the budget running out — drops
//! everything still in flight.

use std::collections::HashSet;
use std::sync::atomic::Ordering;
use std::time::Duration;

use aws_sdk_sso::config::retry::RetryConfig;
use futures::StreamExt as _;
use futures::stream::FuturesUnordered;
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::call::{Caller, Counters, Target};
use super::token::TokenCell;
use super::{DiscoveredAccount, Progress, RefreshError, RefreshOptions, RefreshStats, TokenSource};
use crate::ratelimit::RateLimiter;
use crate::role::parse_account_id;

/// The API's maximum page size (larger values are refused: aws-sso-cli#1342).
const PAGE_SIZE: i32 = 100;

/// Logged once when a refresh is still going after this long (as aws-sso-cli does).
const SLOW_NOTICE: Duration = Duration::from_secs(2);

/// An account as `ListAccounts` gave it, waiting for its roles.
struct Listed {
    id: u64,
    /// The id as the API spells it (12 digits), for the next call and for errors.
    id_text: String,
    name: String,
    email: String,
}

/// Per-call SDK config: no SDK retries, so the limiter sees (and paces) every attempt.
fn no_sdk_retries() -> aws_sdk_sso::config::Builder {
    aws_sdk_sso::config::Builder::default().retry_config(RetryConfig::disabled())
}

pub(super) async fn run(
    portal: &aws_sdk_sso::Client,
    tokens: &dyn TokenSource,
    progress: &dyn Progress,
    opts: &RefreshOptions,
) -> Result<(Vec<DiscoveredAccount>, RefreshStats), RefreshError> {
    let limiter = RateLimiter::new(opts.limiter_config())?;
    let tokens = TokenCell::new(tokens, opts.max_renewals).await?;
    let started = Instant::now();
    let caller = Caller {
        limiter,
        tokens,
        progress,
        policy: opts.retry.clone(),
        budget: opts.budget,
        deadline: started + opts.budget,
        counters: Counters::default(),
        endpoint: &opts.endpoint,
    };
    let engine = Engine {
        portal,
        caller: &caller,
        started,
    };
    let work = async {
        let (tx, rx) = mpsc::unbounded_channel();
        let (listed, found) = tokio::try_join!(
            engine.list_accounts(tx),
            engine.fetch_roles(rx, opts.concurrency)
        )?;
        Ok::<_, RefreshError>((listed, found))
    };
    let (listed, mut found) = tokio::time::timeout_at(caller.deadline, work)
        .await
        .map_err(|_| caller.budget_error())??;
    if listed == 0 {
        return Err(RefreshError::NoAccounts);
    }
    found.sort_by_key(|a| a.id);
    let c = &caller.counters;
    let stats = RefreshStats {
        calls: c.calls.load(Ordering::Relaxed),
        throttled: c.throttled.load(Ordering::Relaxed),
        retries: c.retries.load(Ordering::Relaxed),
        renewals: caller.tokens.renewals(),
        accounts: found.len(),
        roles: found.iter().map(|a| a.roles.len()).sum(),
        wall: started.elapsed(),
        final_rate: caller.limiter.rate(),
    };
    tracing::debug!(?stats, "refresh finished");
    Ok((found, stats))
}

struct Engine<'e, 'a> {
    portal: &'e aws_sdk_sso::Client,
    caller: &'e Caller<'a>,
    started: Instant,
}

impl Engine<'_, '_> {
    /// Pages through `ListAccounts`, sending each new account to the role fetchers at once.
    /// Returns how many accounts were listed.
    async fn list_accounts(
        &self,
        tx: mpsc::UnboundedSender<Listed>,
    ) -> Result<usize, RefreshError> {
        let mut seen = HashSet::new();
        let mut next: Option<String> = None;
        loop {
            let page = self
                .caller
                .call(Target::ListAccounts, |token| {
                    self.portal
                        .list_accounts()
                        .access_token(token)
                        .max_results(PAGE_SIZE)
                        .set_next_token(next.clone())
                        .customize()
                        .config_override(no_sdk_retries())
                        .send()
                })
                .await?;
            for info in page.account_list() {
                let id_text = info.account_id().unwrap_or_default();
                let id = parse_account_id(id_text)
                    .ok_or_else(|| RefreshError::BadAccountId(id_text.to_owned()))?;
                if !seen.insert(id) {
                    continue;
                }
                let account = Listed {
                    id,
                    id_text: crate::role::pad_account(id),
                    name: info.account_name().unwrap_or_default().to_owned(),
                    email: info.email_address().unwrap_or_default().to_owned(),
                };
                // The receiver only goes away when the refresh is already failing.
                let _ = tx.send(account);
            }
            self.caller
                .counters
                .listed
                .store(seen.len(), Ordering::Relaxed);
            self.caller.progress.accounts_listed(seen.len());
            match page.next_token() {
                Some(t) if !t.is_empty() => {
                    if next.as_deref() == Some(t) {
                        return Err(RefreshError::ListAccounts {
                            detail: "the server returned the same nextToken twice".to_owned(),
                        });
                    }
                    next = Some(t.to_owned());
                }
                _ => break,
            }
        }
        tracing::debug!(accounts = seen.len(), "listed accounts");
        self.caller.progress.accounts_complete(seen.len());
        Ok(seen.len())
    }

    /// Fetches the roles of every account received, `concurrency` accounts at a time, until
    /// the listing is done and every fetch has finished.
    async fn fetch_roles(
        &self,
        mut rx: mpsc::UnboundedReceiver<Listed>,
        concurrency: usize,
    ) -> Result<Vec<DiscoveredAccount>, RefreshError> {
        let concurrency = concurrency.max(1);
        let mut running = FuturesUnordered::new();
        let mut found = Vec::new();
        let mut listing = true;
        let mut noticed = false;
        loop {
            tokio::select! {
                received = rx.recv(), if listing && running.len() < concurrency => match received {
                    Some(account) => running.push(self.fetch_account(account)),
                    None => listing = false,
                },
                Some(result) = running.next(), if !running.is_empty() => {
                    found.push(result?);
                    let counters = &self.caller.counters;
                    let done = counters.done.fetch_add(1, Ordering::Relaxed) + 1;
                    self.caller.progress.account_done(done, counters.listed.load(Ordering::Relaxed));
                    if !noticed && self.started.elapsed() > SLOW_NOTICE {
                        noticed = true;
                        tracing::warn!(
                            "fetching roles for {} accounts, this might take a while...",
                            counters.listed.load(Ordering::Relaxed)
                        );
                    }
                },
                // Both branches disabled: the listing is over and nothing is running.
                else => break,
            }
        }
        Ok(found)
    }

    /// All roles of one account (paged), sorted by name.
    async fn fetch_account(&self, account: Listed) -> Result<DiscoveredAccount, RefreshError> {
        let target = Target::Roles {
            account: &account.id_text,
            name: &account.name,
        };
        let mut roles = Vec::new();
        let mut next: Option<String> = None;
        loop {
            let page = self
                .caller
                .call(target, |token| {
                    self.portal
                        .list_account_roles()
                        .access_token(token)
                        .account_id(&account.id_text)
                        .max_results(PAGE_SIZE)
                        .set_next_token(next.clone())
                        .customize()
                        .config_override(no_sdk_retries())
                        .send()
                })
                .await?;
            roles.extend(
                page.role_list()
                    .iter()
                    .filter_map(|r| r.role_name().map(str::to_owned)),
            );
            match page.next_token() {
                Some(t) if !t.is_empty() && next.as_deref() != Some(t) => next = Some(t.to_owned()),
                _ => break,
            }
        }
        roles.sort();
        roles.dedup();
        Ok(DiscoveredAccount {
            id: account.id,
            name: account.name,
            email: account.email,
            roles,
        })
    }
}
