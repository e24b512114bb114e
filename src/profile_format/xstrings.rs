//! The word-splitting case conversions behind sprig's `snakecase`, `kebabcase` and
//! `camelcase`, re-implemented from the behaviour of `huandu/xstrings` v1.5.0 (the version
//! sprig v3.3.0 pulls in for aws-sso-cli).
//!
//! Words are runs of one kind: connectors (`-`, `_`, white space), punctuation, an upper
//! case letter followed by lower case letters, an upper case run (`HTTP` in `HTTPServer`),
//! lower case letters, numbers, or other runes. A number sticks to the word before it
//! (`Bld4Floor` → `bld4_floor`) unless lower case letters follow it (`http2xx` →
//! `http_2xx`). A literal U+FFFD counts as an invalid rune, as it does in Go.

use super::gochar::{
    RUNE_ERROR, is_letter, is_number, is_punct, is_space, is_upper, to_lower, to_upper,
};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Word {
    Invalid,
    Number,
    Upper,
    Alphabet,
    Connector,
    Punct,
    Other,
}

fn is_connector(c: char) -> bool {
    c == '-' || c == '_' || is_space(c)
}

/// A letter that is not a CJK ideograph (those behave like "other" runes).
fn is_alphabet(c: char) -> bool {
    if !is_letter(c) {
        return false;
    }
    let u = c as u32;
    !((0x4E00..=0x9FCC).contains(&u)
        || (0x3400..=0x4D85).contains(&u)
        || (0x20000..=0x2B81D).contains(&u))
}

/// The first rune that is not invalid, and the byte length consumed to reach past it
/// (including skipped invalid runes). Falls back to `prev` when only invalid runes remain.
fn next_valid(s: &str, prev: char) -> (char, usize) {
    let mut size = 0;
    for c in s.chars() {
        size += c.len_utf8();
        if c != RUNE_ERROR {
            return (c, size);
        }
    }
    (prev, size)
}

/// Consumes runes from `rest` while `keep` holds, growing `offset`.
fn take_while(
    rest: &mut &str,
    offset: &mut usize,
    mut r: char,
    keep: impl Fn(char) -> bool,
) -> char {
    while !rest.is_empty() {
        let (c, size) = next_valid(rest, r);
        r = c;
        if !keep(c) {
            break;
        }
        *offset += size;
        *rest = &rest[size..];
    }
    r
}

fn next_word(s: &str) -> (Word, &str, &str) {
    if s.is_empty() {
        return (Word::Invalid, "", "");
    }
    let (r, size) = next_valid(s, RUNE_ERROR);
    let mut offset = size;
    if r == RUNE_ERROR {
        return (Word::Invalid, &s[..offset], &s[offset..]);
    }
    let mut rest = &s[size..];
    let wt = if is_connector(r) {
        take_while(&mut rest, &mut offset, r, is_connector);
        Word::Connector
    } else if is_punct(r) {
        take_while(&mut rest, &mut offset, r, is_punct);
        Word::Punct
    } else if is_upper(r) {
        if !rest.is_empty() {
            let (c, size) = next_valid(rest, r);
            if is_upper(c) {
                // An upper case run; its last letter starts the next word when a lower
                // case letter follows ("HTTPStatus" -> "HTTP" + "Status").
                let mut prev_size = size;
                offset += size;
                rest = &rest[size..];
                let mut r = c;
                while !rest.is_empty() {
                    let (c, size) = next_valid(rest, r);
                    r = c;
                    if !is_upper(c) {
                        break;
                    }
                    prev_size = size;
                    offset += size;
                    rest = &rest[size..];
                }
                if !rest.is_empty() && is_alphabet(r) {
                    offset -= prev_size;
                    rest = &s[offset..];
                }
            } else if is_alphabet(c) {
                offset += size;
                rest = &rest[size..];
                take_while(&mut rest, &mut offset, c, |c| {
                    is_alphabet(c) && !is_upper(c)
                });
            }
        }
        Word::Upper
    } else if is_alphabet(r) {
        take_while(&mut rest, &mut offset, r, |c| {
            is_alphabet(c) && !is_upper(c)
        });
        Word::Alphabet
    } else if is_number(r) {
        take_while(&mut rest, &mut offset, r, is_number);
        Word::Number
    } else {
        while !rest.is_empty() {
            let (c, size) = next_valid(rest, r);
            if size == 0 || is_connector(c) || is_alphabet(c) || is_number(c) || is_punct(c) {
                break;
            }
            offset += size;
            rest = &rest[size..];
        }
        Word::Other
    };
    (wt, &s[..offset], rest)
}

/// Writes a word, lower-casing upper case words and replacing connectors.
fn push_lower(buf: &mut String, wt: Word, word: &str, connector: char) {
    if wt != Word::Upper && wt != Word::Connector {
        buf.push_str(word);
        return;
    }
    for c in word.chars() {
        if is_connector(c) {
            buf.push(connector);
        } else if is_upper(c) {
            buf.push(to_lower(c));
        } else {
            buf.push(c);
        }
    }
}

fn camel_to_lower(s: &str, connector: char) -> String {
    if s.is_empty() {
        return String::new();
    }
    let mut buf = String::with_capacity(s.len() + 4);
    let (mut wt, mut word, mut rest) = next_word(s);
    while !rest.is_empty() {
        if wt != Word::Connector {
            push_lower(&mut buf, wt, word, connector);
        }
        let prev = wt;
        let last = word;
        (wt, word, rest) = next_word(rest);
        match prev {
            Word::Number => {
                while wt == Word::Alphabet || wt == Word::Number {
                    push_lower(&mut buf, wt, word, connector);
                    (wt, word, rest) = next_word(rest);
                }
                if !matches!(wt, Word::Invalid | Word::Punct | Word::Connector) {
                    buf.push(connector);
                }
            }
            Word::Connector => push_lower(&mut buf, prev, last, connector),
            Word::Punct => {}
            _ => {
                if wt != Word::Number {
                    if wt != Word::Connector && wt != Word::Punct {
                        buf.push(connector);
                    }
                    continue;
                }
                if rest.is_empty() {
                    continue;
                }
                let number = word;
                (wt, word, rest) = next_word(rest);
                if wt != Word::Alphabet {
                    // A number directly after a word belongs to it ("Bld4Floor").
                    push_lower(&mut buf, Word::Number, number, connector);
                    if wt != Word::Connector && wt != Word::Punct {
                        buf.push(connector);
                    }
                    continue;
                }
                // Lower case letters after the number: it starts a new word ("http2xx").
                buf.push(connector);
                push_lower(&mut buf, Word::Number, number, connector);
                while wt == Word::Alphabet || wt == Word::Number {
                    push_lower(&mut buf, wt, word, connector);
                    (wt, word, rest) = next_word(rest);
                }
                if !matches!(wt, Word::Invalid | Word::Connector | Word::Punct) {
                    buf.push(connector);
                }
            }
        }
    }
    push_lower(&mut buf, wt, word, connector);
    buf
}

/// sprig `snakecase` (`xstrings.ToSnakeCase`).
pub(crate) fn to_snake_case(s: &str) -> String {
    camel_to_lower(s, '_')
}

/// sprig `kebabcase` (`xstrings.ToKebabCase`).
pub(crate) fn to_kebab_case(s: &str) -> String {
    camel_to_lower(s, '-')
}

/// sprig `camelcase` (`xstrings.ToCamelCase`, lower camel case since v1.5.0): connectors
/// are dropped and the rune after them upper-cased; an upper case word start keeps only
/// its first letter upper case; leading connectors and doubled connectors partly survive.
pub(crate) fn to_camel_case(s: &str) -> String {
    if s.is_empty() {
        return String::new();
    }
    let chars: Vec<char> = s.chars().collect();
    let mut buf = String::with_capacity(s.len());
    let mut first_upper = false;
    let mut i = 0;
    let mut r0 = '\0';
    // Leading connectors are copied; the first other rune is lower-cased.
    while i < chars.len() {
        r0 = chars[i];
        i += 1;
        if !is_connector(r0) {
            first_upper = is_upper(r0);
            r0 = to_lower(r0);
            break;
        }
        buf.push(r0);
    }
    if i == chars.len() {
        // Go writes the last rune once more here, even when it was a connector already
        // copied above ("__" becomes "___"); kept for identical output.
        buf.push(r0);
        return buf;
    }
    while i < chars.len() {
        let r1 = r0;
        r0 = chars[i];
        i += 1;
        if is_connector(r0) && is_connector(r1) {
            buf.push(r1);
            continue;
        }
        if is_connector(r1) {
            first_upper = is_upper(r0);
            r0 = to_upper(r0);
        } else {
            if first_upper {
                if is_upper(r0) {
                    r0 = to_lower(r0);
                } else {
                    first_upper = false;
                }
            }
            buf.push(r1);
        }
    }
    if first_upper {
        r0 = to_lower(r0);
    }
    buf.push(r0);
    buf
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected values are the ones xstrings v1.5.0's own tests assert.
    const SNAKE: &[(&str, &str)] = &[
        ("HTTPServer", "http_server"),
        ("_camelCase", "_camel_case"),
        ("NoHTTPS", "no_https"),
        ("Wi_thF", "wi_th_f"),
        ("_AnotherTES_TCaseP", "_another_tes_t_case_p"),
        ("ALL", "all"),
        ("_HELLO_WORLD_", "_hello_world_"),
        ("HELLO_WORLD", "hello_world"),
        ("HELLO____WORLD", "hello____world"),
        ("TW", "tw"),
        ("_C", "_c"),
        ("http2xx", "http_2xx"),
        ("HTTP2XX", "http2_xx"),
        ("HTTP20xOK", "http_20x_ok"),
        ("HTTP20xStatus", "http_20x_status"),
        ("HTTP-20xStatus", "http_20x_status"),
        ("a", "a"),
        ("Duration2m3s", "duration_2m3s"),
        ("Bld4Floor3rd", "bld4_floor_3rd"),
        (" _-_ ", "_____"),
        ("a1b2c3d", "a_1b2c3d"),
        ("A//B%%2c", "a//b%%2c"),
        ("HTTP状态码404/502Error", "http_状态码404/502_error"),
        ("中文(字符)", "中文(字符)"),
        ("混合ABCWords与123数字456", "混合_abc_words_与123_数字456"),
        ("  sentence case  ", "__sentence_case__"),
        (
            " Mixed-hyphen case _and SENTENCE_case and UPPER-case",
            "_mixed_hyphen_case__and_sentence_case_and_upper_case",
        ),
        (
            "FROM CamelCase to snake/kebab-case",
            "from_camel_case_to_snake/kebab_case",
        ),
        ("", ""),
        (
            "Abc\u{FFFD}E\u{FFFD}f\u{FFFD}d\u{FFFD}2\u{FFFD}00z\u{FFFD}ZZ\u{FFFD}ZZ",
            "abc_\u{FFFD}e\u{FFFD}f\u{FFFD}d_\u{FFFD}2\u{FFFD}00z_\u{FFFD}zz\u{FFFD}zz",
        ),
        (
            "\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}",
            "\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}",
        ),
        ("abc_123_def", "abc_123_def"),
        ("FirstName", "first_name"),
        ("GO_PATH", "go_path"),
        ("GO PATH", "go_path"),
        ("GO-PATH", "go_path"),
        ("HTTP_20x_OK", "http_20x_ok"),
        ("1_2", "1_2"),
        ("aB", "a_b"),
        ("AB", "ab"),
        ("Ab", "ab"),
        ("A1", "a1"),
        ("AB12", "ab12"),
        ("12AB", "12_ab"),
        ("1A", "1_a"),
        ("a.b", "a.b"),
        ("a'b", "a'b"),
        ("a😀b", "a_😀_b"),
        ("😀ABC", "😀_abc"),
        ("中ABC", "中_abc"),
        ("ABC中", "abc_中"),
    ];

    #[test]
    fn snake_and_kebab_case() {
        for (input, want) in SNAKE {
            assert_eq!(to_snake_case(input), *want, "snakecase {input:?}");
            assert_eq!(
                to_kebab_case(input),
                want.replace('_', "-"),
                "kebabcase {input:?}"
            );
        }
    }

    #[test]
    fn kebab_case_of_account_names() {
        assert_eq!(to_kebab_case("Production Account"), "production-account");
        assert_eq!(to_kebab_case("AWSAccount"), "aws-account");
        assert_eq!(to_kebab_case("foo_bar"), "foo-bar");
        assert_eq!(
            to_kebab_case("Dev-Account2 (legacy)"),
            "dev-account2-(legacy)"
        );
        assert_eq!(to_kebab_case("AdministratorAccess"), "administrator-access");
        assert_eq!(to_snake_case("Sandbox 42"), "sandbox_42");
    }

    #[test]
    fn camel_case() {
        let cases = [
            ("http_server", "httpServer"),
            ("_camel_case", "_camelCase"),
            ("no_https", "noHttps"),
            ("_complex__case_", "_complex_Case_"),
            (" complex -case ", " complex Case "),
            ("all", "all"),
            ("GOLANG_IS_GREAT", "golangIsGreat"),
            ("GOLANG", "golang"),
            ("a", "a"),
            ("好", "好"),
            (
                "FROM CamelCase to snake/kebab-case",
                "fromCamelCaseToSnake/kebabCase",
            ),
            ("", ""),
            ("some words", "someWords"),
            ("hello-world", "helloWorld"),
            ("HELLO", "hello"),
            ("helloWORLD", "helloWORLD"),
            ("some_1_thing", "some1Thing"),
            ("1_abc", "1Abc"),
            ("abc_1", "abc1"),
            ("v1_2v", "v12v"),
            ("a__b", "a_B"),
            ("a  b", "a B"),
            ("1_2", "12"),
            ("_a_B_", "_aB_"),
            ("中文_测试", "中文测试"),
            ("Production Account", "productionAccount"),
        ];
        for (input, want) in cases {
            assert_eq!(to_camel_case(input), want, "camelcase {input:?}");
        }
    }
}
