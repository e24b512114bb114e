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
