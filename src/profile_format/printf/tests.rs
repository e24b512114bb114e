use super::*;
use serde_json::json;

fn pf(f: &str, args: &[Json]) -> String {
    let refs: Vec<&Json> = args.iter().collect();
    sprintf(f, &refs).unwrap()
}

fn pf_err(f: &str, args: &[Json]) -> String {
    let refs: Vec<&Json> = args.iter().collect();
    sprintf(f, &refs).unwrap_err()
}

#[test]
fn huge_widths_and_precisions_are_refused_before_padding() {
    assert_eq!(
        pf_err("%0999999999d", &[json!(1)]),
        "printf width 999999999 is over the limit of 65536"
    );
    assert_eq!(
        pf_err("%.999999999f", &[json!(1.5)]),
        "printf precision 999999999 is over the limit of 65536"
    );
    assert!(pf_err("%*d", &[json!(99_999_999_999_i64), json!(1)]).contains("width"));
    assert!(pf_err("%.*s", &[json!(i64::MAX), json!("x")]).contains("precision"));
    // A width within the limit, applied to every item of a list, is caught as it grows.
    let list = Json::Array((0..1000).map(Json::from).collect());
    assert!(pf_err("%60000v", &[list]).contains("bytes, over the limit of 65536"));
    assert_eq!(pf("%05d|%.3s", &[json!(42), json!("abcdef")]), "00042|abc");
}

#[test]
fn sprintf_verbs() {
    assert_eq!(
        pf(
            "%05d|%-4d|%+d|%x|%X|%o|%b",
            &[
                json!(42),
                json!(7),
                json!(3),
                json!(255),
                json!(255),
                json!(8),
                json!(5)
            ]
        ),
        "00042|7   |+3|ff|FF|10|101"
    );
    assert_eq!(pf("%012d", &[json!(123456789)]), "000123456789");
    assert_eq!(pf("%05d", &[json!(-42)]), "-0042");
    assert_eq!(
        pf(
            "%s|%q|%v|%5s|%-5s|%.2s",
            &[
                json!("a"),
                json!("b\"c"),
                json!("d"),
                json!("e"),
                json!("f"),
                json!("ghi")
            ]
        ),
        "a|\"b\\\"c\"|d|    e|f    |gh"
    );
    assert_eq!(pf("%d", &[json!("x")]), "%!d(string=x)");
    assert_eq!(pf("%s", &[json!(5)]), "%!s(int=5)");
    assert_eq!(pf("%d %d", &[json!(1)]), "1 %!d(MISSING)");
    assert_eq!(pf("%d", &[json!(1), json!("x")]), "1%!(EXTRA string=x)");
    assert_eq!(pf("%v %t %%", &[json!(null), json!(true)]), "<nil> true %");
    assert_eq!(
        pf(
            "%.2f|%e|%g|%6.1f",
            &[json!(1.23456), json!(1234.5), json!(0.5), json!(2.25)]
        ),
        "1.23|1.234500e+03|0.5|   2.2"
    );
    assert_eq!(
        pf("%c|%q|%U", &[json!(65), json!(97), json!(0x1F600)]),
        "A|'a'|U+1F600"
    );
    assert_eq!(pf("%x", &[json!("hi")]), "6869");
    assert_eq!(pf("%d", &[json!([1, 2])]), "[1 2]");
}
