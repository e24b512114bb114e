//! [`Tags`]: an account's or role's tags as one sorted boxed slice of interned pairs.

use std::cmp::Ordering;
use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Text;

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
