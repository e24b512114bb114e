//! The matcher's copy of the roles, as the engine searches them.
//!
//! * [`Chunks`]: the roles themselves, append-only chunks behind `Arc`s, so the engine's
//!   thread and the UI thread share them without copying (the UI reads the rows it shows).
//! * [`Segments`]: for each role the ids of its searchable values ("segments"), and each
//!   distinct value once. A value shared by many roles (an account's alias and e-mail on
//!   all its roles, a role name across accounts, a tag value) is then scored once per query
//!   term instead of once per role, which is most of the work at 100,000 roles.

use std::collections::HashMap;
use std::sync::Arc;

use crate::cache::Text;
use crate::catalog::ListField;
use crate::roster::PickRole;

/// Append-only roles in shared chunks; cloning copies only the chunk list.
#[derive(Clone, Default)]
pub(super) struct Chunks {
    /// `Vec`s rather than `[PickRole]`s: an `Arc<[T]>` made from a `Vec` is a copy.
    chunks: Vec<Arc<Vec<PickRole>>>,
    /// Index of each chunk's first role.
    starts: Vec<u32>,
    len: u32,
}

impl Chunks {
    pub(super) fn len(&self) -> u32 {
        self.len
    }

    pub(super) fn push(&mut self, roles: Vec<PickRole>) {
        if roles.is_empty() {
            return;
        }
        let n = u32::try_from(roles.len()).expect("fewer than 2^32 roles");
        self.starts.push(self.len);
        self.len += n;
        self.chunks.push(Arc::new(roles));
    }

    pub(super) fn get(&self, index: u32) -> Option<&PickRole> {
        if index >= self.len {
            return None;
        }
        let c = self.starts.partition_point(|&s| s <= index) - 1;
        self.chunks[c].get((index - self.starts[c]) as usize)
    }
}

/// Every role's searchable values as ids into one table of distinct values.
#[derive(Default)]
pub(super) struct Segments {
    /// `Text::id` → segment id + 1 (0: not a segment yet).
    by_text: Vec<u32>,
    texts: Vec<Text>,
    /// Per segment: may hold a piece of a split term (see [`super::tight`]). Not the e-mail,
    /// profile or ARN: long values that repeat the others' words, and nearly one per role.
    short: Vec<bool>,
    /// All roles' segment ids, one role after another; `row_start[r]..row_start[r + 1]`.
    row_segs: Vec<u32>,
    row_start: Vec<u32>,
    /// Account ids as text, interned once per account.
    accounts: HashMap<u64, (Text, Text), foldhash::fast::RandomState>,
}

impl Segments {
    pub(super) fn new() -> Segments {
        Segments {
            row_start: vec![0],
            ..Segments::default()
        }
    }

    /// Number of distinct values.
    pub(super) fn count(&self) -> usize {
        self.texts.len()
    }

    pub(super) fn text(&self, seg: u32) -> &'static str {
        self.texts[seg as usize].as_str()
    }

    pub(super) fn is_short(&self, seg: u32) -> bool {
        self.short[seg as usize]
    }

    /// The segment ids of role `row`: the fields of `fields` in order, then the tag values
    /// that do not repeat one of them.
    pub(super) fn of(&self, row: u32) -> &[u32] {
        let (a, b) = (
            self.row_start[row as usize],
            self.row_start[row as usize + 1],
        );
        &self.row_segs[a as usize..b as usize]
    }

    fn seg(&mut self, text: Text, short: bool) -> u32 {
        let id = text.id() as usize;
        if id >= self.by_text.len() {
            self.by_text.resize(id + 1, 0);
        }
        match self.by_text[id] {
            0 => {
                let seg = u32::try_from(self.texts.len()).expect("fewer than 2^32 values");
                self.texts.push(text);
                self.short.push(short);
                self.by_text[id] = seg + 1;
                seg
            }
            s => s - 1,
        }
    }

    pub(super) fn add(&mut self, role: &PickRole, fields: &[ListField]) {
        let start = self.row_segs.len();
        for f in fields {
            let text = match f {
                ListField::AccountIdPad | ListField::AccountId => {
                    let (pad, plain) = *self.accounts.entry(role.account_id).or_insert_with(|| {
                        (
                            Text::new(&crate::role::pad_account(role.account_id)),
                            Text::new(&role.account_id.to_string()),
                        )
                    });
                    if *f == ListField::AccountIdPad {
                        pad
                    } else {
                        plain
                    }
                }
                ListField::AccountName => role.account_name,
                ListField::AccountAlias => role.account_alias,
                ListField::EmailAddress => role.email,
                ListField::RoleName => role.role_name,
                ListField::Profile => role.profile,
                ListField::DefaultRegion => role.region,
                ListField::Sso => role.sso,
                ListField::Via => role.via,
                ListField::Arn => role.arn,
                ListField::Id | ListField::Expires | ListField::ExpiresEpoch => continue,
            };
            let long = matches!(
                f,
                ListField::EmailAddress | ListField::Profile | ListField::Arn
            );
            self.push_unique(start, text, !long);
        }
        for &(_, value) in role.tags.pairs() {
            self.push_unique(start, value, true);
        }
        self.row_start
            .push(u32::try_from(self.row_segs.len()).expect("fewer than 2^32 values"));
    }

    /// Add `text` to the role being built unless it is empty or already there (aws-sso-cli's
    /// default tags repeat the account id, alias, e-mail and role name).
    fn push_unique(&mut self, start: usize, text: Text, short: bool) {
        if text.is_empty() {
            return;
        }
        let seg = self.seg(text, short);
        if !self.row_segs[start..].contains(&seg) {
            self.row_segs.push(seg);
        }
    }
}
