//! The function table of the ProfileFormat dialect: aws-sso-cli's five custom functions,
//! sprig's (`sprig.rs`, `sprig_misc.rs`, `sprig_list.rs`) and Go's `text/template` builtins
//! (`builtins.rs`), looked up in Go's order. Functions are written with the kit in
//! `func_spec.rs`.

pub(crate) use super::func_spec::*;
use super::{builtins, sprig, sprig_list, sprig_misc};

/// aws-sso-cli's own functions.
static CUSTOM: &[FuncSpec] = &[
    func!("AccountIdStr", [Int], None, |a| {
        let id = int(a, 0);
        Ok(if (0..=999_999_999_999).contains(&id) {
            format!("{id:012}")
        } else {
            String::new()
        }
        .into())
    }),
    func!("EmptyString", [Str], None, |a| Ok(s(a, 0)
        .is_empty()
        .into())),
    func!("FirstItem", [], Some(Ty::Str), |a| {
        Ok((0..a.len())
            .map(|i| s(a, i))
            .find(|v| !v.is_empty())
            .unwrap_or("")
            .into())
    }),
    func!("StringsJoin", [Str], Some(Ty::Str), |a| {
        let items: Vec<&str> = (1..a.len())
            .map(|i| s(a, i))
            .filter(|v| !v.is_empty())
            .collect();
        Ok(items.join(s(a, 0)).into())
    }),
    func!("StringReplace", [Str, Str, Str], None, |a| Ok(
        sprig::replace(s(a, 2), s(a, 0), s(a, 1))?.into()
    )),
];

/// Looks a function up the way Go does: the FuncMap (aws-sso-cli's functions and sprig's)
/// first, then the builtins, so sprig's `slice` wins over Go's.
pub(crate) fn lookup(name: &str) -> Option<&'static FuncSpec> {
    [
        CUSTOM,
        sprig::FUNCS,
        sprig_misc::FUNCS,
        sprig_list::FUNCS,
        builtins::FUNCS,
    ]
    .into_iter()
    .flatten()
    .find(|f| f.name == name)
}

/// sprig functions deliberately left out, with the reason shown to the user.
pub(crate) fn unsupported_reason(name: &str) -> Option<&'static str> {
    const REGEX: &[&str] = &[
        "regexMatch",
        "mustRegexMatch",
        "regexFindAll",
        "mustRegexFindAll",
        "regexFind",
        "mustRegexFind",
        "regexReplaceAll",
        "mustRegexReplaceAll",
        "regexReplaceAllLiteral",
        "mustRegexReplaceAllLiteral",
        "regexSplit",
        "mustRegexSplit",
        "regexQuoteMeta",
    ];
    const RANDOM_OR_CLOCK: &[&str] = &[
        "shuffle",
        "randAlphaNum",
        "randAlpha",
        "randAscii",
        "randNumeric",
        "randBytes",
        "randInt",
        "uuidv4",
        "now",
        "date",
        "dateInZone",
        "date_in_zone",
        "dateModify",
        "date_modify",
        "mustDateModify",
        "must_date_modify",
        "ago",
        "duration",
        "durationRound",
        "htmlDate",
        "htmlDateInZone",
        "toDate",
        "mustToDate",
        "unixEpoch",
    ];
    const OTHER: &[&str] = &[
        "dict",
        "get",
        "set",
        "unset",
        "hasKey",
        "pluck",
        "keys",
        "pick",
        "omit",
        "merge",
        "mergeOverwrite",
        "mustMerge",
        "mustMergeOverwrite",
        "values",
        "dig",
        "deepCopy",
        "mustDeepCopy",
        "fromJson",
        "toJson",
        "toPrettyJson",
        "toRawJson",
        "mustFromJson",
        "mustToJson",
        "mustToPrettyJson",
        "mustToRawJson",
        "typeOf",
        "typeIs",
        "typeIsLike",
        "kindOf",
        "kindIs",
        "deepEqual",
        "getHostByName",
        "bcrypt",
        "htpasswd",
        "genPrivateKey",
        "derivePassword",
        "buildCustomCert",
        "genCA",
        "genCAWithKey",
        "genSelfSignedCert",
        "genSelfSignedCertWithKey",
        "genSignedCert",
        "genSignedCertWithKey",
        "encryptAES",
        "decryptAES",
        "semver",
        "semverCompare",
        "urlParse",
        "urlJoin",
        "sha1sum",
        "sha512sum",
        "b32enc",
        "b32dec",
        "addf",
        "add1f",
        "subf",
        "divf",
        "mulf",
        "maxf",
        "minf",
        "call",
        "osBase",
        "osDir",
        "osExt",
        "osClean",
        "osIsAbs",
        "chunk",
        "mustChunk",
        "seq",
    ];
    if REGEX.contains(&name) {
        Some("regular expressions are not available")
    } else if RANDOM_OR_CLOCK.contains(&name) {
        Some("its result depends on randomness or the clock, which makes no stable profile name")
    } else if OTHER.contains(&name) {
        Some("it is not implemented for profile names")
    } else {
        None
    }
}

/// Every supported function name (for documentation and `--help` style listings).
pub(crate) fn names() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = [
        CUSTOM,
        sprig::FUNCS,
        sprig_misc::FUNCS,
        sprig_list::FUNCS,
        builtins::FUNCS,
    ]
    .into_iter()
    .flatten()
    .map(|f| f.name)
    .collect();
    v.sort_unstable();
    v.dedup();
    v
}

#[cfg(test)]
pub(in crate::profile_format) mod tests {
    use serde_json::Value as Json;

    use super::*;
    use serde_json::json;

    /// Call a template function by name, as the renderer does (shared with sibling tests).
    pub(in crate::profile_format) fn call(
        name: &str,
        args: &[Option<Json>],
    ) -> Result<Ret, String> {
        let f = lookup(name).expect("known function");
        let raw: Vec<Option<&Json>> = args.iter().map(Option::as_ref).collect();
        let checked = f.check_args(&raw)?;
        (f.imp)(&checked)
    }

    pub(in crate::profile_format) fn ok(name: &str, args: &[Json]) -> Json {
        let args: Vec<Option<Json>> = args.iter().cloned().map(Some).collect();
        match call(name, &args).unwrap() {
            Ret::Val(v) => v,
            Ret::Missing => panic!("missing"),
        }
    }

    #[test]
    fn custom_functions() {
        assert_eq!(
            ok("FirstItem", &[json!(""), json!("b"), json!("c")]),
            json!("b")
        );
        assert_eq!(ok("FirstItem", &[json!(""), json!("")]), json!(""));
        assert_eq!(
            ok(
                "StringsJoin",
                &[json!("-"), json!("a"), json!(""), json!("c")]
            ),
            json!("a-c")
        );
        assert_eq!(
            ok("StringReplace", &[json!(" "), json!("_"), json!("a b c")]),
            json!("a_b_c")
        );
        assert_eq!(ok("EmptyString", &[json!("")]), json!(true));
        assert_eq!(ok("AccountIdStr", &[json!(1234)]), json!("000000001234"));
        assert_eq!(ok("AccountIdStr", &[json!(-1)]), json!(""));
    }

    #[test]
    fn argument_checks_use_go_messages() {
        assert_eq!(
            call("lower", &[Some(json!(5))]).unwrap_err(),
            "wrong type for value; expected string; got int"
        );
        assert_eq!(
            call("lower", &[None]).unwrap_err(),
            "invalid value; expected string"
        );
        assert_eq!(
            call("trunc", &[Some(json!(1))]).unwrap_err(),
            "wrong number of args for trunc: want 2 got 1"
        );
        assert_eq!(
            call("StringsJoin", &[]).unwrap_err(),
            "wrong number of args for StringsJoin: want at least 1 got 0"
        );
    }
}
