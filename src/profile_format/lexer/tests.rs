use super::*;

fn toks(s: &str) -> Vec<Tok> {
    lex(s).into_iter().map(|i| i.tok).collect()
}

#[test]
fn friendly_template() {
    let t = toks("{{ FirstItem .AccountName (.AccountAlias | nospace) }}:{{ .RoleName }}");
    assert_eq!(
        t,
        vec![
            Tok::LeftDelim,
            Tok::Space,
            Tok::Ident("FirstItem".into()),
            Tok::Space,
            Tok::Field("AccountName".into()),
            Tok::Space,
            Tok::LeftParen,
            Tok::Field("AccountAlias".into()),
            Tok::Space,
            Tok::Pipe,
            Tok::Space,
            Tok::Ident("nospace".into()),
            Tok::RightParen,
            Tok::Space,
            Tok::RightDelim,
            Tok::Text(":".into()),
            Tok::LeftDelim,
            Tok::Space,
            Tok::Field("RoleName".into()),
            Tok::Space,
            Tok::RightDelim,
            Tok::Eof,
        ]
    );
}

#[test]
fn trim_markers_and_comments() {
    assert_eq!(
        toks("a \n{{- .X -}} \n b{{/* c */}}d {{- /* e */ -}} f"),
        vec![
            Tok::Text("a".into()),
            Tok::LeftDelim,
            Tok::Field("X".into()),
            Tok::RightDelim,
            Tok::Text("b".into()),
            Tok::Text("d".into()),
            Tok::Text("f".into()),
            Tok::Eof
        ]
    );
    assert_eq!(
        toks("{{-3}}"),
        vec![
            Tok::LeftDelim,
            Tok::Number("-3".into()),
            Tok::RightDelim,
            Tok::Eof
        ]
    );
}

#[test]
fn errors_are_tokens() {
    assert!(matches!(toks("{{ .X").last(), Some(Tok::Error(e)) if e == "unclosed action"));
    assert!(
        matches!(toks("{{ \"x }}").last(), Some(Tok::Error(e)) if e == "unterminated quoted string")
    );
    assert!(matches!(toks("{{ (x }}").last(), Some(Tok::Error(e)) if e == "unclosed left paren"));
    assert!(matches!(toks("{{/* x }}").last(), Some(Tok::Error(e)) if e == "unclosed comment"));
    assert!(
        matches!(toks("{{ 3x }}").last(), Some(Tok::Error(e)) if e.starts_with("bad number syntax"))
    );
}

#[test]
fn variables_keywords_literals() {
    assert_eq!(
        toks("{{$x := `r` }}{{if true}}{{else}}{{end}}"),
        vec![
            Tok::LeftDelim,
            Tok::Variable("$x".into()),
            Tok::Space,
            Tok::Declare,
            Tok::Space,
            Tok::RawStr("`r`".into()),
            Tok::Space,
            Tok::RightDelim,
            Tok::LeftDelim,
            Tok::Keyword("if"),
            Tok::Space,
            Tok::Bool(true),
            Tok::RightDelim,
            Tok::LeftDelim,
            Tok::Keyword("else"),
            Tok::RightDelim,
            Tok::LeftDelim,
            Tok::Keyword("end"),
            Tok::RightDelim,
            Tok::Eof
        ]
    );
}
