//! Map a key path back to a line:column in the YAML source. `serde_yaml_ng::Value` has no
//! spans, but its deserializer stamps any error with the position of the event being
//! visited; so we walk the document along the path and raise a marker error exactly at the
//! key (or value) we want, then read the position off that error. The real YAML parser
//! does the work, so flow mappings, quoting and comments all locate correctly.

use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::error::{Location, Seg, Target};
use super::govalue::go_float;
use super::schema::AccountId;

const MARKER: &str = "__aws_sso_locate_marker__";

/// Where the node at `path` is written in `source`. Falls back to the deepest ancestor
/// that can be found (e.g. for keys that arrived through a `<<` merge), or `None`.
pub(crate) fn locate(source: &str, path: &[Seg], target: Target) -> Option<Location> {
    let (path, target) = match target {
        Target::Parent => (&path[..path.len().saturating_sub(1)], Target::Key),
        t => (path, t),
    };
    if path.is_empty() && target == Target::Key {
        return None;
    }
    if let Some(loc) = find(source, path, target == Target::Value) {
        return Some(loc);
    }
    (1..path.len())
        .rev()
        .find_map(|len| find(source, &path[..len], false))
}

/// Position of the first repeated key in any mapping (the parser reports only the
/// mapping's start for duplicates).
pub(crate) fn duplicate_key(source: &str) -> Option<(Location, String)> {
    let doc = serde_yaml_ng::Deserializer::from_str(source).next()?;
    let err = DupSeed.deserialize(doc).err()?;
    let msg = err.to_string();
    let key = msg
        .split_once(MARKER)?
        .1
        .split(" at line ")
        .next()?
        .to_string();
    Some((position(&err)?, key))
}

fn find(source: &str, path: &[Seg], want_value: bool) -> Option<Location> {
    let doc = serde_yaml_ng::Deserializer::from_str(source).next()?;
    let err = Find { path, want_value }.deserialize(doc).err()?;
    if !err.to_string().contains(MARKER) {
        return None;
    }
    position(&err)
}

fn position(err: &serde_yaml_ng::Error) -> Option<Location> {
    err.location().map(|l| Location {
        line: l.line(),
        column: l.column(),
    })
}

fn marker<E: de::Error>() -> E {
    E::custom(MARKER)
}

/// Does a key's text select this path segment?
fn seg_matches(seg: &Seg, text: &str) -> bool {
    match seg {
        Seg::Field(name) => name.eq_ignore_ascii_case(text),
        Seg::Key(key) => key == text,
        Seg::Account(id) => AccountId::parse(text) == Some(*id),
        Seg::Index(_) => false,
    }
}

/// Descend into the node along `path`; with an empty path, we are at the target value.
struct Find<'p> {
    path: &'p [Seg],
    want_value: bool,
}

impl<'de> DeserializeSeed<'de> for Find<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

macro_rules! scalar_visits {
    ($on_scalar:expr) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            $on_scalar(self)
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            $on_scalar(self)
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            $on_scalar(self)
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            $on_scalar(self)
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            $on_scalar(self)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            $on_scalar(self)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            $on_scalar(self)
        }
    };
}

impl<'de> Visitor<'de> for Find<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML node")
    }

    scalar_visits!(|this: Self| if this.path.is_empty() && this.want_value {
        Err(marker())
    } else {
        Ok(())
    });

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        if self.path.is_empty() {
            return if self.want_value {
                Err(marker())
            } else {
                drain_map(map)
            };
        }
        let last = self.path.len() == 1;
        while let Some(hit) = map.next_key_seed(KeySeed {
            seg: &self.path[0],
            fail_on_match: last && !self.want_value,
        })? {
            if hit {
                map.next_value_seed(Find {
                    path: &self.path[1..],
                    want_value: self.want_value,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        if self.path.is_empty() {
            return if self.want_value {
                Err(marker())
            } else {
                drain_seq(seq)
            };
        }
        let wanted = match self.path[0] {
            Seg::Index(i) => Some(i),
            _ => None,
        };
        let mut index = 0;
        loop {
            let more = if Some(index) == wanted {
                // An index has no key of its own: always point at the element.
                seq.next_element_seed(Find {
                    path: &self.path[1..],
                    want_value: self.want_value || self.path.len() == 1,
                })?
            } else {
                seq.next_element::<IgnoredAny>()?.map(|_| ())
            };
            if more.is_none() {
                return Ok(());
            }
            index += 1;
        }
    }
}

fn drain_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

fn drain_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

/// Reads one mapping key; returns whether it selects `seg`, or raises the marker on a
/// match when the key itself is the target.
struct KeySeed<'p> {
    seg: &'p Seg,
    fail_on_match: bool,
}

impl KeySeed<'_> {
    fn check<E: de::Error>(&self, text: &str) -> Result<bool, E> {
        let hit = seg_matches(self.seg, text);
        if hit && self.fail_on_match {
            Err(marker())
        } else {
            Ok(hit)
        }
    }
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = bool;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a mapping key")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
        self.check(&v.to_string())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<bool, E> {
        self.check(&v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<bool, E> {
        self.check(&v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<bool, E> {
        self.check(&go_float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        self.check(v)
    }
    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        self.check("<nil>")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<bool, A::Error> {
        drain_map(map).map(|()| false)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<bool, A::Error> {
        drain_seq(seq).map(|()| false)
    }
}

/// Walks the whole document and raises the marker at the first key repeated within one
/// mapping.
struct DupSeed;

impl<'de> DeserializeSeed<'de> for DupSeed {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for DupSeed {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML node")
    }

    scalar_visits!(|_: Self| Ok(()));

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = Vec::new();
        while let Some(()) = map.next_key_seed(DupKey { seen: &mut seen })? {
            map.next_value_seed(DupSeed)?;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(DupSeed)?.is_some() {}
        Ok(())
    }
}

struct DupKey<'s> {
    seen: &'s mut Vec<String>,
}

impl DupKey<'_> {
    fn check<E: de::Error>(self, text: String) -> Result<(), E> {
        if self.seen.contains(&text) {
            return Err(E::custom(format!("{MARKER}{text}")));
        }
        self.seen.push(text);
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for DupKey<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for DupKey<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a mapping key")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.check(v.to_string())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.check(v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.check(v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.check(go_float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.check(v.to_string())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.check("<nil>".into())
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        drain_map(map)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        drain_seq(seq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = "\
SSOConfig:
  Default:
    ssoregion: us-east-1
    Accounts:
      \"000001111111\": {Name: Prod, Roles: {Admin: }}
      2222: # comment
        Roles:
          ReadOnly:
            Tags: {a: b}
UrlExecCommand: [firefox, x]
";

    fn loc(line: usize, column: usize) -> Option<Location> {
        Some(Location { line, column })
    }

    #[test]
    fn finds_keys_case_insensitively() {
        let path = [
            Seg::Field("SSOConfig"),
            Seg::Key("Default".into()),
            Seg::Field("SSORegion"),
        ];
        assert_eq!(locate(SRC, &path, Target::Key), loc(3, 5));
        assert_eq!(locate(SRC, &path, Target::Value), loc(3, 16));
        assert_eq!(locate(SRC, &path, Target::Parent), loc(2, 3));
    }

    #[test]
    fn finds_accounts_by_value_and_flow_keys() {
        let one = AccountId::new(1111111).unwrap();
        let path = [
            Seg::Field("SSOConfig"),
            Seg::Key("Default".into()),
            Seg::Field("Accounts"),
            Seg::Account(one),
            Seg::Field("Roles"),
            Seg::Key("Admin".into()),
        ];
        assert_eq!(locate(SRC, &path, Target::Key), loc(5, 44));
        let two = AccountId::new(2222).unwrap();
        let path = [
            Seg::Field("SSOConfig"),
            Seg::Key("Default".into()),
            Seg::Field("Accounts"),
            Seg::Account(two),
            Seg::Field("Roles"),
            Seg::Key("ReadOnly".into()),
            Seg::Field("Tags"),
            Seg::Key("a".into()),
        ];
        assert_eq!(locate(SRC, &path, Target::Value), loc(9, 23));
    }

    #[test]
    fn finds_sequence_items_and_falls_back_to_ancestors() {
        let path = [Seg::Field("UrlExecCommand"), Seg::Index(1)];
        assert_eq!(locate(SRC, &path, Target::Value), loc(10, 27));
        let missing = [
            Seg::Field("SSOConfig"),
            Seg::Key("Default".into()),
            Seg::Field("Nope"),
            Seg::Field("Deeper"),
        ];
        assert_eq!(locate(SRC, &missing, Target::Key), loc(2, 3));
        assert_eq!(
            locate(SRC, &[Seg::Field("SSOConfig")], Target::Parent),
            None
        );
    }

    #[test]
    fn duplicate_keys_point_at_the_repeat() {
        let src = "a: 1\nb:\n  c: 1\n  d: 2\n  c: 3\n";
        assert_eq!(
            duplicate_key(src),
            Some((Location { line: 5, column: 3 }, "c".to_string()))
        );
        assert_eq!(duplicate_key("a: 1\nb: 2\n"), None);
    }
}
