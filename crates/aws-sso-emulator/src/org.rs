//! The organisation the emulator serves: accounts, their names and e-mails, and the roles
//! (permission sets) the signed-in user may assume in each. Either given explicitly or
//! generated deterministically from a seed, with realistic names (`acme-prod-payments`),
//! e-mails (`aws+prod-payments@example.com`) and 12-digit ids, some with leading zeros.

use std::collections::{HashMap, HashSet};

/// One AWS account and the roles assigned to the user in it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Account {
    /// 12 digits, leading zeros kept.
    pub id: String,
    pub name: String,
    pub email: String,
    pub roles: Vec<String>,
}

/// Why an explicit organisation was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OrgError {
    #[error("emulator org: account id {0:?} is not 12 digits; use ids like \"000123456789\"")]
    BadAccountId(String),
    #[error("emulator org: account id {0} is listed twice; give every account its own id")]
    DuplicateAccount(String),
    #[error("emulator org: account {0} lists role {1:?} twice; list each role once")]
    DuplicateRole(String, String),
}

/// Accounts in the order ListAccounts returns them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Org {
    accounts: Vec<Account>,
    index: HashMap<String, usize>,
}

/// Permission-set names commonly seen in Identity Center, most common first.
pub const ROLE_POOL: &[&str] = &[
    "AdministratorAccess",
    "ReadOnlyAccess",
    "PowerUserAccess",
    "DeveloperAccess",
    "ViewOnlyAccess",
    "SecurityAudit",
    "Billing",
    "DataScientist",
    "DatabaseAdministrator",
    "NetworkAdministrator",
    "SupportUser",
    "SystemAdministrator",
];

const ENVIRONMENTS: &[&str] = &[
    "prod", "staging", "dev", "sandbox", "qa", "shared", "perf", "test",
];

const TEAMS: &[&str] = &[
    "payments",
    "identity",
    "search",
    "data",
    "ml",
    "platform",
    "web",
    "mobile",
    "billing",
    "analytics",
    "checkout",
    "inventory",
    "logistics",
    "marketing",
    "support",
    "networking",
    "observability",
    "catalog",
    "notifications",
    "ledger",
    "fraud",
    "reporting",
    "edge",
    "media",
];

/// Fixed organisation-level accounts every real org has, created first.
const CORE_ACCOUNTS: &[&str] = &["management", "security-audit", "log-archive"];

/// SplitMix64: tiny, fast and stable across crate versions, so a seed names the same org forever.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

impl Org {
    /// An explicit organisation. Ids must be 12 digits and unique, roles unique per account.
    pub fn from_accounts(accounts: Vec<Account>) -> Result<Org, OrgError> {
        let mut index = HashMap::new();
        for (i, a) in accounts.iter().enumerate() {
            if a.id.len() != 12 || !a.id.bytes().all(|b| b.is_ascii_digit()) {
                return Err(OrgError::BadAccountId(a.id.clone()));
            }
            if index.insert(a.id.clone(), i).is_some() {
                return Err(OrgError::DuplicateAccount(a.id.clone()));
            }
            let mut seen = HashSet::new();
            if let Some(dup) = a.roles.iter().find(|r| !seen.insert(r.as_str())) {
                return Err(OrgError::DuplicateRole(a.id.clone(), dup.clone()));
            }
        }
        Ok(Org { accounts, index })
    }

    /// `accounts` accounts with exactly `roles_per_account` roles each, the same for the same
    /// `seed`. About one id in eight has a leading zero. Role names beyond [`ROLE_POOL`] are
    /// `CustomAccess01`, `CustomAccess02`, ...
    pub fn synthetic(accounts: usize, roles_per_account: usize, seed: u64) -> Org {
        let mut rng = SplitMix64(seed);
        let mut names = HashSet::new();
        let mut ids = HashSet::new();
        let mut list = Vec::with_capacity(accounts);
        for i in 0..accounts {
            let base = match CORE_ACCOUNTS.get(i) {
                Some(core) => (*core).to_owned(),
                None => {
                    let env = ENVIRONMENTS[rng.below(ENVIRONMENTS.len())];
                    let team = TEAMS[rng.below(TEAMS.len())];
                    format!("{env}-{team}")
                }
            };
            let mut label = base.clone();
            let mut n = 2;
            while !names.insert(label.clone()) {
                label = format!("{base}-{n}");
                n += 1;
            }
            let id = loop {
                // Every eighth account gets an id below 10^11, i.e. a leading zero: clients
                // that store ids as integers lose it, and the tests should notice.
                let space = if i % 8 == 3 {
                    100_000_000_000
                } else {
                    1_000_000_000_000
                };
                let candidate = format!("{:012}", rng.next() % space);
                if ids.insert(candidate.clone()) {
                    break candidate;
                }
            };
            let roles = pick_roles(&mut rng, &label, roles_per_account);
            list.push(Account {
                id,
                name: format!("acme-{label}"),
                email: format!("aws+{label}@example.com"),
                roles,
            });
        }
        Org::from_accounts(list).unwrap_or_default()
    }

    pub fn accounts(&self) -> &[Account] {
        &self.accounts
    }

    pub fn account(&self, id: &str) -> Option<&Account> {
        self.index.get(id).map(|&i| &self.accounts[i])
    }

    /// Total number of (account, role) pairs.
    pub fn role_count(&self) -> usize {
        self.accounts.iter().map(|a| a.roles.len()).sum()
    }
}

/// `n` distinct roles for one account, sorted by name; the management account always gets
/// AdministratorAccess and Billing first, production accounts lean towards read-only roles.
fn pick_roles(rng: &mut SplitMix64, label: &str, n: usize) -> Vec<String> {
    let mut pool: Vec<String> = ROLE_POOL.iter().map(|r| (*r).to_owned()).collect();
    // Fisher-Yates shuffle with the seeded generator.
    for i in (1..pool.len()).rev() {
        pool.swap(i, rng.below(i + 1));
    }
    let preferred: &[&str] = if label == "management" {
        &["AdministratorAccess", "Billing"]
    } else if label.starts_with("prod-") {
        &["ReadOnlyAccess"]
    } else {
        &["AdministratorAccess"]
    };
    for (slot, want) in preferred.iter().enumerate() {
        if let Some(pos) = pool.iter().position(|r| r == want) {
            let role = pool.remove(pos);
            pool.insert(slot, role);
        }
    }
    let extra = n.saturating_sub(pool.len());
    pool.extend((1..=extra).map(|k| format!("CustomAccess{k:02}")));
    pool.truncate(n);
    pool.sort();
    pool
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_org_is_deterministic_sized_and_unique() {
        let a = Org::synthetic(300, 4, 7);
        assert_eq!(a, Org::synthetic(300, 4, 7));
        assert_ne!(a, Org::synthetic(300, 4, 8));
        assert_eq!(a.accounts().len(), 300);
        assert_eq!(a.role_count(), 1200);
        let names: HashSet<_> = a.accounts().iter().map(|x| &x.name).collect();
        assert_eq!(names.len(), 300);
        assert!(a.accounts().iter().any(|x| x.id.starts_with('0')));
        assert!(a.accounts().iter().all(|x| x.id.len() == 12));
        assert_eq!(a.accounts()[0].name, "acme-management");
        assert_eq!(a.accounts()[0].email, "aws+management@example.com");
        assert!(a.accounts()[0].roles.contains(&"Billing".to_owned()));
        assert!(
            a.accounts()
                .iter()
                .any(|x| x.name.starts_with("acme-prod-"))
        );
    }

    #[test]
    fn more_roles_than_the_pool_get_custom_names() {
        let org = Org::synthetic(1, ROLE_POOL.len() + 2, 1);
        let roles = &org.accounts()[0].roles;
        assert_eq!(roles.len(), ROLE_POOL.len() + 2);
        assert!(roles.contains(&"CustomAccess02".to_owned()));
    }

    #[test]
    fn explicit_org_is_validated() {
        let acct = |id: &str, roles: &[&str]| Account {
            id: id.into(),
            name: "n".into(),
            email: "e".into(),
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
        };
        assert_eq!(
            Org::from_accounts(vec![acct("123", &[])]),
            Err(OrgError::BadAccountId("123".into()))
        );
        assert!(matches!(
            Org::from_accounts(vec![acct("000000000001", &[]), acct("000000000001", &[])]),
            Err(OrgError::DuplicateAccount(_))
        ));
        assert!(matches!(
            Org::from_accounts(vec![acct("000000000001", &["A", "A"])]),
            Err(OrgError::DuplicateRole(..))
        ));
        let org = Org::from_accounts(vec![acct("000000000001", &["A"])]).expect("valid org");
        assert_eq!(org.account("000000000001").map(|a| a.roles.len()), Some(1));
        assert!(org.account("000000000002").is_none());
    }
}
