//! Unit tests of the refresh pieces that need no server: serialised token renewal, the
//! `Retry-After` parser, option-derived limiter tuning and error wording. The engine itself is
//! exercised against the emulator in `tests/refresh_engine.rs`.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use futures::future::BoxFuture;

use super::call::parse_retry_after;
use super::token::TokenCell;
use super::*;

/// Hands out `t0`, then `t1`, `t2`, ... on each renewal, slowly, so concurrent callers pile up.
struct Counting {
    renewals: AtomicU32,
    fail_renewal: bool,
}

impl TokenSource for Counting {
    fn token(&self) -> BoxFuture<'_, Result<String, RefreshError>> {
        Box::pin(async { Ok("t0".to_owned()) })
    }

    fn renew(&self, rejected: &str) -> BoxFuture<'_, Result<String, RefreshError>> {
        let rejected = rejected.to_owned();
        Box::pin(async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            if self.fail_renewal {
                return Err(RefreshError::Auth(
                    "background refresh cannot log in".into(),
                ));
            }
            let n = self.renewals.fetch_add(1, Ordering::SeqCst) + 1;
            assert_eq!(
                rejected,
                format!("t{}", n - 1),
                "renew is told which token was rejected"
            );
            Ok(format!("t{n}"))
        })
    }
}

fn counting(fail_renewal: bool) -> Counting {
    Counting {
        renewals: AtomicU32::new(0),
        fail_renewal,
    }
}

#[tokio::test]
async fn concurrent_rejections_of_one_token_renew_once() {
    use secrecy::ExposeSecret as _;
    let source = counting(false);
    let cell = TokenCell::new(&source, 3).await.expect("first token");
    let rejected = cell.current();
    let all = (0..8).map(|_| cell.renew(&rejected));
    for r in futures::future::join_all(all).await {
        r.expect("renewal");
    }
    assert_eq!(source.renewals.load(Ordering::SeqCst), 1);
    assert_eq!(cell.renewals(), 1);
    assert_eq!(cell.current().expose_secret(), "t1");
    // Rejecting the fresh token is a new event and renews again.
    cell.renew(&cell.current()).await.expect("second renewal");
    assert_eq!(cell.current().expose_secret(), "t2");
}

#[tokio::test]
async fn renewals_are_capped() {
    let source = counting(false);
    let cell = TokenCell::new(&source, 2).await.expect("first token");
    cell.renew(&cell.current()).await.expect("1st");
    cell.renew(&cell.current()).await.expect("2nd");
    let err = cell
        .renew(&cell.current())
        .await
        .expect_err("3rd is refused");
    assert!(
        matches!(err, RefreshError::TokenRejected { renewals: 2 }),
        "{err}"
    );
}

#[tokio::test]
async fn a_source_that_cannot_renew_fails_the_renewal() {
    let source = counting(true);
    let cell = TokenCell::new(&source, 3).await.expect("first token");
    let err = cell.renew(&cell.current()).await.expect_err("no renewal");
    assert!(
        err.to_string().contains("background refresh cannot log in"),
        "{err}"
    );
    let fixed = FixedToken::new("secret-token-value");
    let err = fixed
        .renew("secret-token-value")
        .await
        .expect_err("fixed tokens never renew");
    assert!(err.to_string().contains("aws-sso login"), "{err}");
    assert!(!format!("{fixed:?}").contains("secret-token-value"));
}

#[test]
fn retry_after_accepts_seconds_only() {
    assert_eq!(parse_retry_after("1"), Some(Duration::from_secs(1)));
    assert_eq!(
        parse_retry_after(" 0.25 "),
        Some(Duration::from_millis(250))
    );
    assert_eq!(parse_retry_after("-3"), None);
    assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    assert_eq!(parse_retry_after("99999"), Some(Duration::from_secs(3600)));
}

#[test]
fn limiter_tuning_follows_the_options() {
    let opts = RefreshOptions {
        initial_rate: 12.0,
        burst: 0,
        ..Default::default()
    };
    let cfg = opts.limiter_config();
    assert_eq!((cfg.start_rate, cfg.ceiling, cfg.burst), (12.0, 12.0, 1));
    assert!(cfg.validate().is_ok());
    let bad = RefreshOptions {
        initial_rate: 0.0,
        ..Default::default()
    };
    assert!(bad.limiter_config().validate().is_err());
}

#[test]
fn errors_are_one_line_and_name_the_account() {
    let err = RefreshError::ListAccountRoles {
        account: "000123456789".into(),
        name: "acme-prod".into(),
        detail: "InvalidRequestException: bad (HTTP 400)".into(),
    };
    let text = err.to_string();
    assert!(
        text.contains("000123456789") && text.contains("acme-prod"),
        "{text}"
    );
    assert!(!text.contains('\n'));
    assert_eq!(
        RefreshError::NoAccounts.to_string(),
        "no AWS accounts found in AWS SSO"
    );
}
