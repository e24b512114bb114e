//! Go's `unicode` package predicates and simple case mappings, approximated with Rust's
//! `char` methods.
//!
//! Rust exposes derived Unicode properties (`Uppercase`, `Alphabetic`, …) while Go tests
//! general categories (`Lu`, `L`, …). The two differ for a few hundred code points
//! (circled letters, modifier letters, Roman numerals, combining marks); the ranges that
//! matter for names people give AWS accounts are corrected here so that sprig's string
//! functions split and case words exactly like Go does for Latin, Greek and Cyrillic text.

/// Go's `utf8.RuneError`. A literal U+FFFD in a Go string decodes to this value, so code
/// ported from Go that checks for invalid runes treats it as invalid too.
pub(crate) const RUNE_ERROR: char = '\u{FFFD}';

/// `unicode.IsSpace`: Go's definition equals the Unicode `White_Space` property.
pub(crate) fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// The characters Go's template lexer treats as blanks inside actions and trims around
/// `{{-` / `-}}` markers (ASCII only, unlike `unicode.IsSpace`).
pub(crate) fn is_ascii_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// `Other_Uppercase` code points: Rust counts them as uppercase, Go (category `Lu`) does not.
fn other_uppercase(c: char) -> bool {
    matches!(c as u32, 0x2160..=0x216F | 0x24B6..=0x24CF | 0x1F130..=0x1F149 | 0x1F150..=0x1F169 | 0x1F170..=0x1F189)
}

/// `Other_Lowercase` code points: Rust counts them as lowercase, Go (category `Ll`) does not.
fn other_lowercase(c: char) -> bool {
    matches!(
        c as u32,
        0x00AA
            | 0x00BA
            | 0x02B0..=0x02B8
            | 0x02C0..=0x02C1
            | 0x02E0..=0x02E4
            | 0x0345
            | 0x037A
            | 0x10FC
            | 0x1D2C..=0x1D6A
            | 0x1D78
            | 0x1D9B..=0x1DBF
            | 0x2071
            | 0x207F
            | 0x2090..=0x209C
            | 0x2170..=0x217F
            | 0x24D0..=0x24E9
            | 0x2C7C..=0x2C7D
            | 0xA69C..=0xA69D
            | 0xA770
            | 0xA7F8..=0xA7F9
            | 0xAB5C..=0xAB5F
    )
}

/// `unicode.IsUpper` (category `Lu`).
pub(crate) fn is_upper(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_uppercase();
    }
    c.is_uppercase() && !other_uppercase(c)
}

/// `unicode.IsLower` (category `Ll`).
pub(crate) fn is_lower(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_lowercase();
    }
    c.is_lowercase() && !other_lowercase(c)
}

/// `unicode.IsTitle` (category `Lt`, a short fixed list).
pub(crate) fn is_title(c: char) -> bool {
    matches!(
        c as u32,
        0x01C5 | 0x01C8 | 0x01CB | 0x01F2 | 0x1F88..=0x1F8F | 0x1F98..=0x1F9F | 0x1FA8..=0x1FAF | 0x1FBC | 0x1FCC | 0x1FFC
    )
}

/// `unicode.IsLetter` (category `L`). Rust's `Alphabetic` also covers letter numbers
/// (`Nl`), which are removed here.
pub(crate) fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    c.is_alphabetic() && !c.is_numeric()
}

/// `unicode.IsNumber` (category `N`): identical to Rust's `is_numeric`.
pub(crate) fn is_number(c: char) -> bool {
    c.is_numeric()
}

/// `unicode.IsPunct` (category `P`). Exact for Latin-1 and the common punctuation blocks.
pub(crate) fn is_punct(c: char) -> bool {
    let u = c as u32;
    if u < 0x80 {
        return matches!(
            c,
            '!' | '"'
                | '#'
                | '%'
                | '&'
                | '\''
                | '('
                | ')'
                | '*'
                | ','
                | '-'
                | '.'
                | '/'
                | ':'
                | ';'
                | '?'
                | '@'
                | '['
                | '\\'
                | ']'
                | '_'
                | '{'
                | '}'
        );
    }
    matches!(
        u,
        0xA1 | 0xA7
            | 0xAB
            | 0xB6
            | 0xB7
            | 0xBB
            | 0xBF
            | 0x037E
            | 0x0387
            | 0x055A..=0x055F
            | 0x0589..=0x058A
            | 0x05BE
            | 0x05C0
            | 0x05C3
            | 0x05C6
            | 0x05F3..=0x05F4
            | 0x0609..=0x060A
            | 0x060C..=0x060D
            | 0x061B
            | 0x061D..=0x061F
            | 0x066A..=0x066D
            | 0x06D4
            | 0x0964..=0x0965
            | 0x0970
            | 0x0E4F
            | 0x0E5A..=0x0E5B
            | 0x2010..=0x2027
            | 0x2030..=0x2043
            | 0x2045..=0x2051
            | 0x2053..=0x205E
            | 0x207D..=0x207E
            | 0x208D..=0x208E
            | 0x2308..=0x230B
            | 0x2329..=0x232A
            | 0x2768..=0x2775
            | 0x27C5..=0x27C6
            | 0x27E6..=0x27EF
            | 0x2983..=0x2998
            | 0x29D8..=0x29DB
            | 0x29FC..=0x29FD
            | 0x2CF9..=0x2CFC
            | 0x2CFE..=0x2CFF
            | 0x2E00..=0x2E2E
            | 0x2E30..=0x2E4F
            | 0x3001..=0x3003
            | 0x3008..=0x3011
            | 0x3014..=0x301F
            | 0x3030
            | 0x303D
            | 0x30A0
            | 0x30FB
            | 0xFE10..=0xFE19
            | 0xFE30..=0xFE52
            | 0xFE54..=0xFE61
            | 0xFE63
            | 0xFE68
            | 0xFE6A..=0xFE6B
            | 0xFF01..=0xFF03
            | 0xFF05..=0xFF0A
            | 0xFF0C..=0xFF0F
            | 0xFF1A..=0xFF1B
            | 0xFF1F..=0xFF20
            | 0xFF3B..=0xFF3D
            | 0xFF3F
            | 0xFF5B
            | 0xFF5D
            | 0xFF5F..=0xFF65
    )
}

/// `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space.
pub(crate) fn is_print(c: char) -> bool {
    if c.is_ascii() {
        return (' '..='~').contains(&c);
    }
    let u = c as u32;
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    // Format characters (Cf), private use (Co) and non-characters are not printable.
    !matches!(
        u,
        0xAD | 0x0600..=0x0605
            | 0x061C
            | 0x06DD
            | 0x070F
            | 0x180E
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x2064
            | 0x2066..=0x206F
            | 0xFEFF
            | 0xFFF9..=0xFFFB
            | 0xE000..=0xF8FF
            | 0xFDD0..=0xFDEF
            | 0xFFFE..=0xFFFF
            | 0xF0000..=0x10FFFF
    ) && (u & 0xFFFE) != 0xFFFE
}

/// `unicode.ToUpper`: the simple (one rune to one rune) mapping.
pub(crate) fn to_upper(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_uppercase();
    }
    let mut it = c.to_uppercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

/// `unicode.ToLower`: the simple mapping (İ maps to plain `i` as in Go).
pub(crate) fn to_lower(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    if c == '\u{130}' {
        return 'i';
    }
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// `unicode.ToTitle`: like `to_upper` except for the Latin digraphs, whose title case
/// form differs from the upper case one.
pub(crate) fn to_title(c: char) -> char {
    match c as u32 {
        0x01C4..=0x01C6 => '\u{01C5}',
        0x01C7..=0x01C9 => '\u{01C8}',
        0x01CA..=0x01CC => '\u{01CB}',
        0x01F1..=0x01F3 => '\u{01F2}',
        _ => to_upper(c),
    }
}

/// `strings.ToUpper`.
pub(crate) fn str_to_upper(s: &str) -> String {
    s.chars().map(to_upper).collect()
}

/// `strings.ToLower`.
pub(crate) fn str_to_lower(s: &str) -> String {
    s.chars().map(to_lower).collect()
}

/// Decodes a string as Go does when it indexes bytes and converts each to a rune: every
/// byte becomes the code point of the same value (Latin-1). Several goutils functions used
/// by sprig (`nospace`, `initials`) work this way, which garbles non-ASCII text; the
/// garbling is reproduced because it is what ends up in existing profile names.
pub(crate) fn latin1_rune(b: u8) -> char {
    char::from(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_follow_go_not_rust_properties() {
        assert!(!is_upper('Ⅷ'), "Roman numerals are Nl, not Lu");
        assert!(!is_lower('ª'), "ordinal indicator is Lo, not Ll");
        assert!(is_upper('É') && is_lower('é'));
        assert!(is_punct('-') && is_punct('_') && !is_punct('$') && !is_punct('+'));
        assert!(is_letter('é') && !is_letter('Ⅷ') && !is_letter('1'));
        assert!(is_space('\u{A0}') && is_space('\u{85}') && !is_space('x'));
    }

    #[test]
    fn simple_case_mapping_keeps_one_rune() {
        assert_eq!(to_upper('ß'), 'ß');
        assert_eq!(to_lower('\u{130}'), 'i');
        assert_eq!(to_title('ǆ'), 'ǅ');
        assert_eq!(str_to_upper("straße"), "STRAßE");
    }

    #[test]
    fn printable() {
        assert!(is_print('é') && is_print(' ') && !is_print('\u{200B}') && !is_print('\n'));
        assert!(!is_print('\u{A0}'));
    }
}
