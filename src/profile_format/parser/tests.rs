use super::*;

fn parse_err(src: &str) -> String {
    parse(src).map(|_| ()).unwrap_err().msg
}

#[test]
fn parses_friendly_template() {
    let nodes =
        parse("{{ FirstItem .AccountName (.AccountAlias | nospace) }}:{{ .RoleName }}").unwrap();
    assert_eq!(nodes.len(), 3);
    let Node::Action { pipe, .. } = &nodes[0] else {
        panic!("action")
    };
    assert_eq!(pipe.cmds.len(), 1);
    assert_eq!(pipe.cmds[0].args.len(), 3);
    assert!(matches!(&pipe.cmds[0].args[2], Operand::Pipe(p) if p.cmds.len() == 2));
}

#[test]
fn go_parse_errors() {
    assert_eq!(parse_err("{{ nope .X }}"), "function \"nope\" not defined");
    assert!(parse_err("{{ regexMatch \"a\" .X }}").contains("regular expressions"));
    assert_eq!(parse_err("{{ $x }}"), "undefined variable \"$x\"");
    assert_eq!(parse_err("{{ }}"), "missing value for command");
    assert_eq!(
        parse_err("{{ .X | \"a\" }}"),
        "non executable command in pipeline stage 2"
    );
    assert_eq!(parse_err("{{ if .X }}a"), "unexpected EOF");
    assert_eq!(parse_err("a{{ end }}"), "unexpected {{end}}");
    assert_eq!(parse_err("{{ .X"), "unclosed action");
    assert_eq!(parse_err("{{ \"a\".B }}"), "unexpected . after term");
    assert!(parse_err("{{ define \"x\" }}{{ end }}").contains("not supported"));
    assert!(parse_err("{{ $x := 1 }}{{ $x = 2 }}").contains("not supported"));
    assert_eq!(
        parse_err("{{ if 1 }}{{ else }}{{ else }}{{ end }}"),
        "expected end; found {{else}}"
    );
}

#[test]
fn variables_scope_like_go() {
    assert!(parse("{{ $x := .A }}{{ $x }}").is_ok());
    assert!(parse("{{ if $x := .A }}{{ $x }}{{ else }}{{ $x }}{{ end }}").is_ok());
    assert_eq!(
        parse_err("{{ if .A }}{{ $x := 1 }}{{ end }}{{ $x }}"),
        "undefined variable \"$x\""
    );
    assert!(parse("{{ range $i, $e := .A }}{{ $i }}{{ $e }}{{ end }}").is_ok());
    assert_eq!(
        parse_err("{{ if $a, $b := .A }}{{ end }}"),
        "too many declarations in if"
    );
}

#[test]
fn nesting_is_bounded_before_the_stack_is() {
    let parens = |n: usize| format!("{{{{ {}1{} }}}}", "(".repeat(n), ")".repeat(n));
    let ifs = |n: usize| format!("{}x{}", "{{if 1}}".repeat(n), "{{end}}".repeat(n));
    let else_ifs = |n: usize| format!("{{{{if 0}}}}a{}x{{{{end}}}}", "{{else if 0}}b".repeat(n));
    for deep in [
        parens(20_000),
        ifs(20_000),
        else_ifs(20_000),
        parens(100),
        ifs(100),
    ] {
        assert!(
            parse_err(&deep).starts_with("blocks and parentheses nest more than 100 deep"),
            "{}",
            parse_err(&deep)
        );
    }
    for fine in [parens(90), ifs(90), else_ifs(90)] {
        assert!(parse(&fine).is_ok());
    }
}
