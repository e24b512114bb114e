//! ProfileFormat end to end: Go templates as aws-sso-cli users write them, rendered against
//! role records, compared with what Go's text/template + sprig v3 print for them.

use aws_sso::profile_format::{
    ACCOUNT_ID_PAD, ErrorKind, FRIENDLY, ProfileFormat, supported_functions,
};
use serde_json::{Value, json};

fn role() -> Value {
    json!({
        "Id": 3,
        "AccountId": 12345678901_i64,
        "AccountIdPad": "012345678901",
        "AccountAlias": "Prod Account",
        "AccountName": "",
        "EmailAddress": "root@example.com",
        "Expires": "",
        "ExpiresEpoch": 0,
        "Arn": "arn:aws:iam::012345678901:role/AdministratorAccess",
        "RoleName": "AdministratorAccess",
        "Profile": "",
        "DefaultRegion": "us-east-1",
        "SSO": "Default",
        "SSORegion": "us-east-1",
        "StartUrl": "https://d-1234.awsapps.com/start",
        "Tags": {"Team": "platform", "Env": "prod", "AccountAlias": "Prod Account"},
        "Via": ""
    })
}

fn render(template: &str) -> String {
    render_with(template, &role())
}

fn render_with(template: &str, role: &Value) -> String {
    let pf =
        ProfileFormat::compile(template).unwrap_or_else(|e| panic!("compile {template:?}: {e}"));
    pf.render(role).unwrap_or_else(|e| {
        panic!(
            "render {template:?}: {e}\nhandlebars: {}",
            pf.handlebars_source()
        )
    })
}

/// (template, expected output) against [`role`].
const CASES: &[(&str, &str)] = &[
    // Defaults and plain fields.
    (ACCOUNT_ID_PAD, "012345678901:AdministratorAccess"),
    ("{{ .AccountId }}", "12345678901"),
    (
        "{{.AccountIdPad}}:{{.RoleName}}",
        "012345678901:AdministratorAccess",
    ),
    ("{{ .Id }}/{{ .ExpiresEpoch }}", "3/0"),
    ("{{ $.RoleName }}", "AdministratorAccess"),
    ("{{ (.RoleName) }}", "AdministratorAccess"),
    ("{{ AccountIdStr .AccountId }}", "012345678901"),
    ("{{ .AccountId | printf \"%012d\" }}", "012345678901"),
    // Tags: present, missing (Go's <no value>), via index (zero value).
    ("{{ .Tags.Team }}", "platform"),
    ("{{ .Tags.Nope }}", "<no value>"),
    ("{{ (.Tags.Nope) }}", "<no value>"),
    (
        "{{ index .Tags \"Team\" }}|{{ index .Tags \"Nope\" }}|",
        "platform||",
    ),
    ("{{ .Tags.Nope | print }}", "<nil>"),
    ("{{ printf \"%v\" .Tags.Nope }}", "<nil>"),
    (
        "{{ .Tags }}",
        "map[AccountAlias:Prod Account Env:prod Team:platform]",
    ),
    // Pipelines: the piped value is the last argument.
    (
        "{{ .AccountAlias | replace \" \" \"_\" | lower }}",
        "prod_account",
    ),
    ("{{ replace \" \" \"-\" .AccountAlias }}", "Prod-Account"),
    ("{{ .AccountAlias | nospace | lower | trunc 4 }}", "prod"),
    (
        "{{ lower (trunc 4 (replace \"-\" \"\" (.AccountAlias | kebabcase))) }}",
        "prod",
    ),
    ("{{ trunc 5 .RoleName }}", "Admin"),
    ("{{ .RoleName | trunc -6 }}", "Access"),
    ("{{ substr 0 4 .RoleName }}", "Admi"),
    ("{{ .AccountName | default .AccountAlias }}", "Prod Account"),
    ("{{ default \"none\" .Tags.Nope }}", "none"),
    ("{{ \"\" | default \"x\" }}{{ default \"y\" }}", "xy"),
    // aws-sso-cli's own functions.
    (
        "{{ StringsJoin \"-\" .AccountName .RoleName .SSO }}",
        "AdministratorAccess-Default",
    ),
    (
        "{{ StringReplace \"Access\" \"\" .RoleName }}",
        "Administrator",
    ),
    ("{{ FirstItem .AccountName .Tags.Team }}", "platform"),
    ("{{ EmptyString .AccountName }}", "true"),
    // xstrings case conversions on account-like names.
    ("{{ .AccountAlias | kebabcase }}", "prod-account"),
    ("{{ .AccountAlias | snakecase }}", "prod_account"),
    ("{{ .AccountAlias | camelcase }}", "prodAccount"),
    ("{{ .RoleName | kebabcase }}", "administrator-access"),
    ("{{ kebabcase \"AWSAccount\" }}", "aws-account"),
    ("{{ kebabcase \"foo_bar\" }}", "foo-bar"),
    ("{{ kebabcase \"Sandbox2Dev\" }}", "sandbox2-dev"),
    ("{{ snakecase \"HTTPServer v2\" }}", "http_server_v2"),
    ("{{ kebabcase \"Café Olé\" }}", "café-olé"),
    // Other sprig string functions.
    (
        "{{ upper .SSO }} {{ title \"hello world\" }} {{ untitle \"Hello World\" }}",
        "DEFAULT Hello World hello world",
    ),
    ("{{ swapcase \"Hello World\" }}", "hELLO wORLD"),
    ("{{ upper \"straße\" }}", "STRAßE"),
    ("{{ initials .AccountAlias }}", "PA"),
    ("{{ abbrev 8 .RoleName }}", "Admin..."),
    (
        "{{ trimPrefix \"Administrator\" .RoleName }}/{{ trimSuffix \"Access\" .RoleName }}",
        "Access/Administrator",
    ),
    ("{{ trimAll \"A\" \"AbcA\" }}|{{ trim \"  x \" }}", "bc|x"),
    (
        "{{ contains \"Admin\" .RoleName }} {{ hasPrefix \"Adm\" .RoleName }} {{ hasSuffix \"x\" .RoleName }}",
        "true true false",
    ),
    ("{{ repeat 3 \"ab\" }}", "ababab"),
    (
        "{{ quote .SSO }} {{ squote .SSO }} {{ cat .SSO .RoleName }}",
        "\"Default\" 'Default' Default AdministratorAccess",
    ),
    ("{{ .Arn | base }}", "AdministratorAccess"),
    (
        "{{ splitList \":\" .Arn | last }}",
        "role/AdministratorAccess",
    ),
    ("{{ join \"+\" (splitList \"/\" \"a/b/c\") }}", "a+b+c"),
    (
        "{{ first (list \"a\" \"b\") }}{{ slice (list 1 2 3) 1 }}",
        "a[2 3]",
    ),
    // Math and conversions.
    (
        "{{ add 1 2 3 }} {{ sub 10 .Id }} {{ mul 2 3 }} {{ div 7 2 }} {{ mod 7 2 }} {{ max 1 5 3 }} {{ min 4 2 }}",
        "6 7 6 3 1 5 2",
    ),
    (
        "{{ atoi \"42\" | add 1 }} {{ int \"012\" }} {{ toString .AccountId }}",
        "43 10 12345678901",
    ),
    // Go builtins.
    (
        "{{ printf \"%s-%d-%v-%q\" .SSO .Id true .RoleName }}",
        "Default-3-true-\"AdministratorAccess\"",
    ),
    (
        "{{ printf \"%05d|%-5s|%.2f\" 42 \"ab\" 1.23456 }}",
        "00042|ab   |1.23",
    ),
    ("{{ print 1 2 \"a\" 3 }}", "1 2a3"),
    ("{{ len .RoleName }}", "19"),
    (
        "{{ and .AccountName \"x\" }}|{{ or .AccountName \"x\" }}|{{ not .AccountName }}",
        "|x|true",
    ),
    ("{{ coalesce .AccountName .Tags.Nope .SSO }}", "Default"),
    ("{{ ternary \"a\" \"b\" (eq .SSO \"Default\") }}", "a"),
    (
        "{{ le 2 3 }}{{ gt 2 3 }}{{ ge 3 3 }}{{ lt \"a\" \"b\" }}{{ ne .SSO \"x\" }}",
        "truefalsetruetruetrue",
    ),
    (
        "{{ html \"<a>\" }} {{ urlquery \"a b\" }} {{ js \"a'b\" }}",
        "&lt;a&gt; a+b a\\'b",
    ),
    ("{{ empty .AccountName }}", "true"),
    // Literals.
    (
        "{{ 'a' }} {{ 1.5 }} {{ 1e6 }} {{ 0x10 }} {{ true }} {{ -3 }}",
        "97 1.5 1e+06 16 true -3",
    ),
    ("{{ `raw\\n` }}|{{ \"tab\\tx\" }}", "raw\\n|tab\tx"),
    // Control structures.
    (
        "{{ if .AccountName }}{{ .AccountName }}{{ else }}{{ .AccountAlias | nospace }}{{ end }}",
        "ProdAccount",
    ),
    (
        "{{ if eq .Tags.Env \"dev\" }}D{{ else if eq .Tags.Env \"prod\" }}P{{ else }}X{{ end }}",
        "P",
    ),
    (
        "{{ if and .SSO (eq .Tags.Env \"prod\") }}yes{{ end }}",
        "yes",
    ),
    ("{{ if false }}{{ .Nope }}{{ end }}ok", "ok"),
    (
        "{{ with .Tags.Team }}team={{ . }}{{ end }}",
        "team=platform",
    ),
    (
        "{{ with .AccountName }}{{ . }}{{ else }}none{{ end }}",
        "none",
    ),
    (
        "{{ with .Tags }}{{ .Team }}/{{ $.SSO }}{{ end }}",
        "platform/Default",
    ),
    (
        "{{ with .Tags.Nope }}x{{ else with .Tags.Env }}{{ . }}{{ end }}",
        "prod",
    ),
    (
        "{{ range $k, $v := .Tags }}{{ $k }}={{ $v }};{{ end }}",
        "AccountAlias=Prod Account;Env=prod;Team=platform;",
    ),
    (
        "{{ range splitList \",\" \"a,b\" }}[{{ . }}]{{ end }}",
        "[a][b]",
    ),
    (
        "{{ range $i, $e := list \"x\" \"y\" }}{{ $i }}{{ $e }}{{ end }}",
        "0x1y",
    ),
    ("{{ range .Tags.Nope }}x{{ else }}empty{{ end }}", "empty"),
    (
        "{{ range list 1 2 }}{{ $.SSO }}{{ . }}{{ end }}",
        "Default1Default2",
    ),
    ("{{ range 3 }}{{ . }}{{ end }}", "012"),
    // Variables.
    (
        "{{ $a := .AccountAlias | nospace }}{{ $a }}-{{ $a | lower }}",
        "ProdAccount-prodaccount",
    ),
    ("{{ $x := .Tags.Nope }}{{ $x }}", "<no value>"),
    ("{{ if $t := .Tags.Team }}{{ $t }}{{ end }}", "platform"),
    (
        "{{ range $e := list \"p\" }}{{ $v := upper $e }}{{ $v }}{{ end }}",
        "P",
    ),
    // Whitespace and text that handlebars would otherwise interpret.
    (
        "{{- .SSO -}}  \n : {{- .RoleName }}",
        "Default:AdministratorAccess",
    ),
    (
        "{{/* a comment */}}{{ .SSO }}{{- /* trimmed */ -}} !",
        "Default!",
    ),
    ("a{b}c\\{{ .SSO }}}", "a{b}c\\Default}"),
    ("{ {{- .SSO -}} }", "{Default}"),
    ("\\\\{{ .SSO }}", "\\\\Default"),
    ("{{ if .SSO }}\n{{ .SSO }}\n{{ end }}\n", "\nDefault\n\n"),
    ("  {{ if true }}\n  x\n  {{ end }}\n", "  \n  x\n  \n"),
    ("{{ if true }}\n{{ else }}\n{{ end }}", "\n"),
    ("{{ \"{{\" }}{{ \"}}\" }}", "{{}}"),
    ("", ""),
    (
        "{{ if .SSO }}{{ $x := 1 }}{{ $x }}{{ else }}no{{ end }}",
        "1",
    ),
    (
        "{{ range $i, $e := list \"a\" \"b\" }}{{ if $i }},{{ end }}{{ $e }}{{ end }}",
        "a,b",
    ),
    (
        "{{ with $t := .Tags.Team }}{{ $t }}/{{ . }}{{ end }}",
        "platform/platform",
    ),
    ("plain text }} here", "plain text }} here"),
    ("{{/* only a comment */}}", ""),
];

#[test]
fn renders_like_go() {
    let mut failures = Vec::new();
    for (template, want) in CASES {
        let got = render(template);
        if got != *want {
            failures.push(format!("{template:?}\n   want {want:?}\n    got {got:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn friendly_default_uses_account_name_then_alias() {
    assert_eq!(render(FRIENDLY), "ProdAccount:AdministratorAccess");
    let mut named = role();
    named["AccountName"] = json!("My Prod");
    assert_eq!(render_with(FRIENDLY, &named), "My Prod:AdministratorAccess");
    let mut neither = role();
    neither["AccountAlias"] = json!("");
    assert_eq!(render_with(FRIENDLY, &neither), ":AdministratorAccess");
}

#[test]
fn compiled_once_renders_many_roles() {
    let pf = ProfileFormat::compile("{{ .AccountIdPad }}-{{ .RoleName | lower }}").unwrap();
    for i in 0..50_i64 {
        let mut r = role();
        r["AccountIdPad"] = json!(format!("{i:012}"));
        r["RoleName"] = json!(format!("Role{i}"));
        assert_eq!(pf.render_owned(r).unwrap(), format!("{i:012}-role{i}"));
    }
    assert_eq!(pf.source(), "{{ .AccountIdPad }}-{{ .RoleName | lower }}");
}

#[test]
fn profile_format_is_shareable_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<ProfileFormat>();
}

fn compile_err(template: &str) -> aws_sso::profile_format::TemplateError {
    ProfileFormat::compile(template)
        .err()
        .unwrap_or_else(|| panic!("{template:?} should not compile"))
}

fn render_err(template: &str) -> aws_sso::profile_format::TemplateError {
    let pf =
        ProfileFormat::compile(template).unwrap_or_else(|e| panic!("compile {template:?}: {e}"));
    pf.render(&role())
        .err()
        .unwrap_or_else(|| panic!("{template:?} should fail to render"))
}

#[test]
fn unknown_field_names_the_valid_fields_and_the_column() {
    let e = render_err("{{ .Nope }}");
    assert_eq!(e.kind(), ErrorKind::Exec);
    assert_eq!(
        e.to_string(),
        "ProfileFormat '{{ .Nope }}': column 1: can't evaluate field Nope (valid fields: AccountAlias, AccountId, \
         AccountIdPad, AccountName, Arn, DefaultRegion, EmailAddress, Expires, ExpiresEpoch, Id, Profile, RoleName, \
         SSO, SSORegion, StartUrl, Tags, Via)"
    );
    let e = render_err("x{{ .RoleName }}{{ .Nope }}");
    assert_eq!((e.line(), e.column()), (1, 17));
    let e = render_err("{{ .SSO }}\n  {{ if true }}{{ lower .Nope }}{{ end }}");
    assert_eq!((e.line(), e.column()), (2, 16));
    assert!(e.to_string().contains("line 2, column 16: "), "{e}");
    assert!(!e.to_string().contains('\n'), "one line: {e}");
}

#[test]
fn parse_errors() {
    let cases: &[(&str, &str, (usize, usize))] = &[
        (
            "{{ nope .RoleName }}",
            "function \"nope\" not defined",
            (1, 4),
        ),
        ("{{ .RoleName", "unclosed action", (1, 13)),
        (
            "ab{{ trunc 5 }}",
            "wrong number of args for trunc: want 2 got 1",
            (1, 6),
        ),
        (
            "{{ FirstItem }}{{ StringReplace \"a\" \"b\" }}",
            "wrong number of args for StringReplace: want 3 got 2",
            (1, 19),
        ),
        ("{{ if .SSO }}x", "unexpected EOF", (1, 15)),
        ("{{ end }}", "unexpected {{end}}", (1, 1)),
        ("{{ $x }}", "undefined variable \"$x\"", (1, 4)),
        (
            "{{ .SSO | \"x\" }}",
            "non executable command in pipeline stage 2",
            (1, 11),
        ),
        ("{{ \"unterminated }}", "unterminated quoted string", (1, 4)),
        (
            "{{ regexReplaceAll \"a\" \"b\" .SSO }}",
            "function \"regexReplaceAll\" is not supported in a ProfileFormat: regular expressions are not available",
            (1, 4),
        ),
    ];
    for (template, message, pos) in cases {
        let e = compile_err(template);
        assert_eq!(e.kind(), ErrorKind::Parse, "{template:?}");
        assert_eq!(e.message(), *message, "{template:?}");
        assert_eq!((e.line(), e.column()), *pos, "{template:?}: {e}");
        assert!(
            e.to_string()
                .starts_with(&format!("ProfileFormat '{template}': ")),
            "{e}"
        );
    }
}

#[test]
fn execution_errors() {
    let cases: &[(&str, &str)] = &[
        (
            "{{ lower .AccountId }}",
            "wrong type for value; expected string; got int (calling lower)",
        ),
        (
            "{{ lower .Tags.Nope }}",
            "invalid value; expected string (calling lower)",
        ),
        (
            "{{ .RoleName.Foo }}",
            "can't evaluate field Foo in type string",
        ),
        (
            "{{ div 1 0 }}",
            "error calling div: runtime error: integer divide by zero",
        ),
        ("{{ fail \"boom\" }}", "error calling fail: boom"),
        (
            "{{ first .SSO }}",
            "error calling first: Cannot find first on type string",
        ),
        (
            "{{ index (list 1) 5 }}",
            "error calling index: index out of range: 5",
        ),
        (
            "{{ eq .SSO 1 }}",
            "error calling eq: incompatible types for comparison",
        ),
        (
            "{{ range .SSO }}{{ end }}",
            "range can't iterate over Default",
        ),
    ];
    for (template, message) in cases {
        let e = render_err(template);
        assert_eq!(e.kind(), ErrorKind::Exec, "{template:?}");
        assert_eq!(e.message(), *message, "{template:?}");
        assert_eq!((e.line(), e.column()), (1, 1), "{template:?}: {e}");
    }
}

#[test]
fn function_list_covers_the_documented_ones() {
    let names = supported_functions();
    for f in [
        "FirstItem",
        "StringsJoin",
        "StringReplace",
        "EmptyString",
        "AccountIdStr",
        "eq",
        "printf",
        "index",
        "nospace",
        "kebabcase",
        "snakecase",
        "camelcase",
        "trunc",
        "replace",
        "default",
        "substr",
        "regexReplaceAll",
    ] {
        assert_eq!(names.contains(&f), f != "regexReplaceAll", "{f}");
    }
}

#[test]
fn error_positions_inside_blocks_and_variables() {
    let e = render_err("{{ $x := .SSO }}{{ $x }}-{{ .Nope }}");
    assert_eq!((e.line(), e.column()), (1, 26), "{e}");
    let e = render_err("{{ with .Tags }}{{ .Team }}{{ .Team.X }}{{ end }}");
    assert_eq!((e.line(), e.column()), (1, 28), "{e}");
    assert_eq!(e.message(), "can't evaluate field X in type string");
    let e = compile_err("{{ range $k, $v := .Tags }}\n{{ $v | lower | trunc }}{{ end }}");
    assert_eq!(
        e.kind(),
        ErrorKind::Parse,
        "arity is checked when compiling: {e}"
    );
    assert_eq!((e.line(), e.column()), (2, 17), "{e}");
}

#[test]
fn whole_record_and_partial_records_render_the_same() {
    // `{{ . }}` needs the whole record, `.SSO` only one field; both must agree with a
    // render from an owned record.
    let small = json!({"SSO": "Default", "RoleName": "R", "Tags": {}});
    let whole = ProfileFormat::compile("{{ . }}").unwrap();
    assert_eq!(whole.render(&small).unwrap(), "&{Default R map[]}");
    let part = ProfileFormat::compile("{{ .SSO }}/{{ .Tags.X }}").unwrap();
    assert_eq!(part.render(&small).unwrap(), "Default/<no value>");
    assert_eq!(
        part.render_owned(small.clone()).unwrap(),
        "Default/<no value>"
    );
    let e = part.render(&json!({"RoleName": "R"})).unwrap_err();
    assert_eq!(
        e.message(),
        "can't evaluate field SSO (valid fields: RoleName)"
    );
}

#[test]
fn tag_keys_that_are_not_identifiers_use_index() {
    let mut r = role();
    r["Tags"]["cost center"] = json!("cc-42");
    assert_eq!(
        render_with("{{ index .Tags \"cost center\" | upper }}", &r),
        "CC-42"
    );
}
