//! Compact string types for the role catalog.
//!
//! A large organisation's cache holds ~100k roles whose strings repeat heavily (tag keys,
//! account names and e-mails on every role of an account, role names across accounts).
//! [`Text`] is an interned string: one 4-byte handle, one copy of each distinct string per
//! process (interned strings are never freed, which bounds memory by the *distinct* strings
//! seen). [`Tags`] is a sorted boxed slice of `(key, value)` pairs instead of a `BTreeMap`
//! node per role. Together they keep a 100k-role catalog in a few tens of MB.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{BuildHasher, Hash, Hasher};
use std::ops::Deref;
use std::sync::{LazyLock, Mutex};

use hashbrown::HashTable;
use serde::de::Visitor;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
/// An immutable interned string that behaves like `&str` (ordering, hashing, equality).
/// A 4-byte index into the process-wide string table; equal strings share one index.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub struct Text(u32);

/// Every distinct string seen, once. Index 0 is the empty string (`Text::default()`).
struct Interner {
    /// Append-only and lock-free to read: `as_str` is on every comparison of a sort.
    strings: boxcar::Vec<&'static str>,
    /// Finds a string's index; locked to intern.
    table: Mutex<Table>,
    hasher: foldhash::fast::RandomState,
}

/// Indices into `strings`, found by the string's hash. The first `indexed` strings are in
/// `map`; a snapshot's table taken in whole by a fresh process is appended without being
/// hashed ([`Text::intern_table`]) and indexed afterwards, off the start-up path.
struct Table {
    map: HashTable<u32>,
    indexed: usize,
}

static INTERNER: LazyLock<Interner> = LazyLock::new(|| {
    let strings = boxcar::Vec::new();
    strings.push("");
    let interner = Interner {
        strings,
        table: Mutex::new(Table {
            map: HashTable::new(),
            indexed: 0,
        }),
        hasher: Default::default(),
    };
    drop(interner.lock()); // indexes the empty string
    interner
});

impl Interner {
    /// The table, with every string appended so far indexed.
    fn lock(&self) -> std::sync::MutexGuard<'_, Table> {
        // A panic elsewhere while holding the lock leaves the table consistent (an insert is
        // the last step), so a poisoned lock is still good to use.
        let mut table = self.table.lock().unwrap_or_else(|e| e.into_inner());
        self.catch_up(&mut table);
        table
    }

    fn catch_up(&self, table: &mut Table) {
        let count = self.strings.count();
        if table.indexed == count {
            return;
        }
        table.map.reserve(count - table.indexed, |&i| {
            self.hash(self.strings[i as usize])
        });
        for i in table.indexed..count {
            let s = self.strings[i];
            let hash = self.hash(s);
            // A repeat (only a damaged table can hold one) keeps the first index for lookups.
            if self.find(&table.map, hash, s).is_none() {
                let i = u32::try_from(i).expect("fewer than 2^32 strings");
                table
                    .map
                    .insert_unique(hash, i, |&i| self.hash(self.strings[i as usize]));
            }
        }
        table.indexed = count;
    }

    fn hash(&self, s: &str) -> u64 {
        self.hasher.hash_one(s)
    }

    fn intern(&self, table: &mut Table, s: &str) -> Text {
        let hash = self.hash(s);
        if let Some(i) = self.find(&table.map, hash, s) {
            return Text(i);
        }
        // Interned strings live as long as the process: memory is bounded by the number of
        // *distinct* strings, which is what makes the handles `Copy` and 4 bytes.
        self.insert_new(table, hash, Box::leak(Box::from(s)))
    }

    fn find(&self, map: &HashTable<u32>, hash: u64, s: &str) -> Option<u32> {
        map.find(hash, |&i| self.strings[i as usize] == s).copied()
    }

    fn insert_new(&self, table: &mut Table, hash: u64, s: &'static str) -> Text {
        let i = u32::try_from(self.strings.push(s)).expect("fewer than 2^32 strings");
        table
            .map
            .insert_unique(hash, i, |&i| self.hash(self.strings[i as usize]));
        table.indexed += 1;
        Text(i)
    }
}

impl Text {
    pub fn new(s: &str) -> Text {
        if s.is_empty() {
            return Text(0);
        }
        let interner = &*INTERNER;
        interner.intern(&mut interner.lock(), s)
    }

    /// Intern many strings under one lock (a whole string table at start-up).
    pub fn intern_all<'s>(strings: impl ExactSizeIterator<Item = &'s str>) -> Vec<Text> {
        let interner = &*INTERNER;
        let mut table = interner.lock();
        table.map.reserve(strings.len(), |&i| {
            interner.hash(interner.strings[i as usize])
        });
        strings.map(|s| interner.intern(&mut table, s)).collect()
    }

    /// Intern the strings at `spans` of `buffer` (a snapshot's table of distinct strings)
    /// without an allocation per string; `Err` when one is not UTF-8.
    ///
    /// In a process that has interned nothing yet (the usual start: the snapshot is the first
    /// thing read), `buffer` itself becomes the strings' storage and they are appended in
    /// order, neither copied nor hashed; a background thread then indexes them, so start-up
    /// does not wait for 100,000 hashes. Otherwise each string is looked up: the known keep
    /// their handle, the new are copied into one allocation, and `buffer` is freed.
    pub fn intern_table(
        buffer: Vec<u8>,
        spans: &[(usize, usize)],
    ) -> Result<Vec<Text>, std::str::Utf8Error> {
        fn text(b: &[u8], (start, len): (usize, usize)) -> Result<&str, std::str::Utf8Error> {
            std::str::from_utf8(&b[start..start + len])
        }
        let interner = &*INTERNER;
        let mut table = interner.lock();
        if interner.strings.count() == 1 {
            let kept: &'static [u8] = Vec::leak(buffer);
            interner.strings.reserve(spans.len());
            let texts = spans
                .iter()
                .map(|&span| {
                    Ok(match text(kept, span)? {
                        "" => Text(0),
                        s => Text(u32::try_from(interner.strings.push(s)).expect("< 2^32 strings")),
                    })
                })
                .collect::<Result<_, _>>();
            drop(table);
            // Indexing takes the lock: whoever interns next waits for it rather than finding
            // a string twice. Without a thread, the next `lock` does it.
            let _ = std::thread::Builder::new()
                .name("aws-sso-intern".into())
                .spawn(|| drop(INTERNER.lock()));
            return texts;
        }
        let mut found: Vec<(&str, u64, Option<u32>)> = Vec::with_capacity(spans.len());
        let mut new_bytes = 0;
        for &span in spans {
            let s = text(&buffer, span)?;
            let hash = interner.hash(s);
            let known = if s.is_empty() {
                Some(0)
            } else {
                interner.find(&table.map, hash, s)
            };
            if known.is_none() {
                new_bytes += s.len();
            }
            found.push((s, hash, known));
        }
        let mut arena = String::with_capacity(new_bytes);
        for (s, _, known) in &found {
            if known.is_none() {
                arena.push_str(s);
            }
        }
        let mut rest: &'static str = String::leak(arena);
        let texts = found
            .into_iter()
            .map(|(s, hash, known)| {
                if let Some(i) = known {
                    return Text(i);
                }
                let (stored, after) = rest.split_at(s.len());
                rest = after;
                // The table may repeat a string (a damaged file): intern it once all the same.
                match interner.find(&table.map, hash, stored) {
                    Some(i) => Text(i),
                    None => interner.insert_new(&mut table, hash, stored),
                }
            })
            .collect();
        Ok(texts)
    }

    pub fn as_str(&self) -> &'static str {
        INTERNER.strings[self.0 as usize]
    }

    pub fn is_empty(&self) -> bool {
        self.0 == 0
    }

    /// The handle's index: dense from 0, equal for equal strings (a key for side tables).
    pub fn id(self) -> u32 {
        self.0
    }
}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Text) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Text {
    fn cmp(&self, other: &Text) -> Ordering {
        if self.0 == other.0 {
            return Ordering::Equal;
        }
        self.as_str().cmp(other.as_str())
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

// Sound because `Hash`, `Eq` and `Ord` below all agree with `str`'s.
impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl Hash for Text {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text::new(s)
    }
}

impl From<&String> for Text {
    fn from(s: &String) -> Text {
        Text::new(s)
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text::new(&s)
    }
}

impl From<Text> for String {
    fn from(t: Text) -> String {
        t.as_str().to_string()
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<Text> for &str {
    fn eq(&self, other: &Text) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<Text> for String {
    fn eq(&self, other: &Text) -> bool {
        self == other.as_str()
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
        struct TextVisitor;
        impl Visitor<'_> for TextVisitor {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text::new(v))
            }
        }
        d.deserialize_str(TextVisitor)
    }
}

mod tags;
pub use tags::Tags;

#[cfg(test)]
mod tests;
