use super::*;

#[test]
fn goutils_examples_from_sprig_tests() {
    assert_eq!(abbrev(5, "hello world"), "he...");
    assert_eq!(abbrevboth(5, 10, "1234 5678 9123"), "...5678...");
    assert_eq!(nospace("h e l l o "), "hello");
    assert_eq!(untitle("First Try"), "first try");
    assert_eq!(initials("First Try"), "FT");
    assert_eq!(wrap("Hello World", 5, "\n", false).unwrap(), "Hello\nWorld");
    assert_eq!(wrap("Hello World", 5, "\t", true).unwrap(), "Hello\tWorld");
}

#[test]
fn trunc_and_substr_slice_bytes() {
    assert_eq!(trunc(3, "foooooo"), "foo");
    assert_eq!(trunc(-3, "baaaaaar"), "aar");
    assert_eq!(trunc(-999, "baaaaaar"), "baaaaaar");
    assert_eq!(trunc(0, "baaaaaz"), "");
    assert!(matches!(substr(0, 3, "fooo"), Ok(Ret::Val(Json::String(ref v))) if v == "foo"));
    assert!(matches!(substr(0, 10, "foo"), Ok(Ret::Val(Json::String(ref v))) if v == "foo"));
    assert!(matches!(substr(-1, 2, "foo"), Ok(Ret::Val(Json::String(ref v))) if v == "fo"));
    assert!(substr(3, 1, "foo").is_err());
}

#[test]
fn nospace_reproduces_go_byte_handling() {
    assert_eq!(nospace("Café"), "Café", "no white space byte: unchanged");
    assert_eq!(
        nospace("Café Prod"),
        "CafÃ©Prod",
        "bytes re-read as Latin-1"
    );
    assert_eq!(
        nospace("à b"),
        "Ãb",
        "0xA0 continuation byte counts as NBSP"
    );
    assert_eq!(nospace("a\tb\nc\u{A0}d"), "abcÂd");
}

#[test]
fn case_helpers() {
    assert_eq!(swapcase("This Is A.Test"), "tHIS iS a.tEST");
    assert_eq!(swapcase("hello world"), "HELLO WORLD");
    assert_eq!(title("hello wORLD foo_bar x-y"), "Hello WORLD Foo_bar X-Y");
    assert_eq!(title("élan vital"), "Élan Vital");
}

#[test]
fn checksums_and_encodings() {
    assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
    assert_eq!(b64dec("Y29mZmVl"), "coffee");
    assert_eq!(b64dec("@@@"), "illegal base64 data at input byte 0");
}
