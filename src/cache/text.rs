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
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
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

/// Tags of an account or role: unique keys in byte order (like Go's sorted map output).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Tags(Box<[(Text, Text)]>);

impl Tags {
    pub fn new() -> Tags {
        Tags::default()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    pub fn get(&self, key: &str) -> Option<&'static str> {
        self.find(key).ok().map(|i| self.0[i].1.as_str())
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    /// Set `key` to `value`, replacing an existing value.
    pub fn insert(&mut self, key: impl Into<Text>, value: impl Into<Text>) {
        let (key, value) = (key.into(), value.into());
        match self.find(&key) {
            Ok(i) => self.0[i].1 = value,
            Err(i) => {
                let mut v = std::mem::take(&mut self.0).into_vec();
                v.insert(i, (key, value));
                self.0 = v.into_boxed_slice();
            }
        }
    }

    /// Remove `key`, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<Text> {
        let i = self.find(key).ok()?;
        let mut v = std::mem::take(&mut self.0).into_vec();
        let (_, value) = v.remove(i);
        self.0 = v.into_boxed_slice();
        Some(value)
    }

    /// The `(key, value)` handles in key order.
    pub fn pairs(&self) -> &[(Text, Text)] {
        &self.0
    }

    /// `(key, value)` pairs in key order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&'static str, &'static str)> + '_ {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Insert every pair; later pairs win, as with `BTreeMap::extend`.
    pub fn extend<K: Into<Text>, V: Into<Text>>(
        &mut self,
        pairs: impl IntoIterator<Item = (K, V)>,
    ) {
        let mut v = std::mem::take(&mut self.0).into_vec();
        v.extend(pairs.into_iter().map(|(k, v)| (k.into(), v.into())));
        self.0 = normalize(v);
    }
}

/// Sort by key and keep the *last* value of a repeated key.
impl Tags {
    /// Pairs already in key order with unique keys, as a snapshot stores them (taken from a
    /// `Tags`). Out-of-order pairs (a damaged file) only make lookups miss.
    pub fn from_sorted(pairs: Vec<(Text, Text)>) -> Tags {
        Tags(pairs.into_boxed_slice())
    }
}

fn normalize(mut pairs: Vec<(Text, Text)>) -> Box<[(Text, Text)]> {
    // Tags read back from a file are already in order: keep them as they are.
    if pairs.windows(2).all(|w| w[0].0 < w[1].0) {
        return pairs.into_boxed_slice();
    }
    // Stable sort keeps insertion order among equal keys, so the last one is the newest.
    pairs.sort_by_key(|p| p.0);
    let mut out: Vec<(Text, Text)> = Vec::with_capacity(pairs.len());
    for pair in pairs {
        match out.last_mut() {
            Some(last) if last.0 == pair.0 => *last = pair,
            _ => out.push(pair),
        }
    }
    out.into_boxed_slice()
}

impl<K: Into<Text>, V: Into<Text>> FromIterator<(K, V)> for Tags {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Tags {
        Tags(normalize(
            iter.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        ))
    }
}

// Tests only: a missing key panics, which no user path may do (they use `get`).
#[cfg(test)]
impl std::ops::Index<&str> for Tags {
    type Output = str;
    fn index(&self, key: &str) -> &str {
        self.get(key)
            .unwrap_or_else(|| panic!("no tag named {key:?}"))
    }
}

impl fmt::Debug for Tags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl PartialOrd for Tags {
    fn partial_cmp(&self, other: &Tags) -> Option<Ordering> {
        Some(self.0.cmp(&other.0))
    }
}

impl Serialize for Tags {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.len()))?;
        for (k, v) in self.iter() {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Tags {
    /// A JSON object of strings; `null` (Go's nil map) is empty.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Tags, D::Error> {
        struct TagsVisitor;
        impl<'de> Visitor<'de> for TagsVisitor {
            type Value = Tags;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of tag names to strings")
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Tags, E> {
                Ok(Tags::new())
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<Tags, E> {
                Ok(Tags::new())
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Tags, D::Error> {
                d.deserialize_map(self)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Tags, A::Error> {
                let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(8));
                while let Some(pair) = map.next_entry::<Text, Text>()? {
                    pairs.push(pair);
                }
                Ok(Tags(normalize(pairs)))
            }
        }
        d.deserialize_option(TagsVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_behaves_like_str() {
        let a = Text::new("alpha");
        assert_eq!(a, "alpha");
        assert_eq!(a.len(), 5);
        assert!(Text::new("a") < Text::new("b"));
        assert!(Text::default().is_empty());
        let map: std::collections::HashMap<Text, i32> = [(a, 1)].into_iter().collect();
        assert_eq!(
            map.get("alpha"),
            Some(&1),
            "Borrow<str> lookups hash like str"
        );
        assert_eq!(serde_json::to_string(&a).unwrap(), "\"alpha\"");
        let back: Text = serde_json::from_str("\"al\\u0070ha\"").unwrap();
        assert_eq!(back, a);
    }

    #[test]
    fn equal_strings_interned_on_any_thread_share_one_handle() {
        let handles: Vec<Vec<Text>> = std::thread::scope(|s| {
            let workers: Vec<_> = (0..4)
                .map(|_| s.spawn(|| (0..500).map(|i| Text::new(&format!("t-{i}"))).collect()))
                .collect();
            workers.into_iter().map(|w| w.join().unwrap()).collect()
        });
        assert!(handles.windows(2).all(|w| w[0] == w[1]));
        assert_eq!(handles[0][7].as_str(), "t-7");
        assert_eq!(Text::new(""), Text::default());
        assert_eq!(
            Text::intern_all(["", "t-3"].into_iter()),
            [Text::default(), handles[0][3]]
        );
        // A table: known strings keep their handle, new ones get one, repeats share it.
        let buffer = b"xx t-3 fresh-1 fresh-1".to_vec();
        let texts = Text::intern_table(buffer, &[(3, 3), (7, 7), (15, 7), (0, 0)]).unwrap();
        assert!(Text::intern_table(vec![0xff], &[(0, 1)]).is_err());
        assert_eq!(texts[0], handles[0][3]);
        assert_eq!(texts[1].as_str(), "fresh-1");
        assert_eq!(texts[1], texts[2]);
        assert_eq!(texts[1], Text::new("fresh-1"));
        assert_eq!(texts[3], Text::default());
        assert!(
            Text::new("t-10") < Text::new("t-9"),
            "ordered as strings, not handles"
        );
    }

    #[test]
    fn tags_keep_keys_sorted_unique_and_last_wins() {
        let mut t: Tags = [("b", "1"), ("a", "2"), ("b", "3")].into_iter().collect();
        assert_eq!(t.iter().collect::<Vec<_>>(), [("a", "2"), ("b", "3")]);
        t.insert("0", "x");
        t.insert("a", "y");
        assert_eq!(
            t.iter().collect::<Vec<_>>(),
            [("0", "x"), ("a", "y"), ("b", "3")]
        );
        assert_eq!(t.remove("0").map(|v| v.as_str()), Some("x"));
        assert_eq!(t.remove("zz"), None);
        t.extend([("c", "4"), ("a", "z")]);
        assert_eq!(&t["a"], "z");
        assert_eq!(t.get("c"), Some("4"));
        assert!(!t.contains_key("0"));
    }

    #[test]
    fn tags_serialize_as_a_sorted_object_and_read_null_as_empty() {
        let t: Tags = serde_json::from_str(r#"{"z":"1","a":"2","z":"3"}"#).unwrap();
        assert_eq!(serde_json::to_string(&t).unwrap(), r#"{"a":"2","z":"3"}"#);
        let empty: Tags = serde_json::from_str("null").unwrap();
        assert!(empty.is_empty());
        assert!(serde_json::from_str::<Tags>(r#"{"a":1}"#).is_err());
    }
}
