//! PowerShell and xonsh output checked by parsers written apart from the renderer (this
//! file's PowerShell single-quote reader; Python's own `ast.literal_eval`), then by the real
//! `pwsh` / `xonsh` when one is on PATH. Neither shell is packaged for Debian, so the
//! parsers are what always runs.

use super::*;

/// One statement read back: `Some(value)` sets the variable, `None` removes it.
type Op = (String, Option<String>);

/// Apply `ops` to the case's preset environment.
fn apply(ops: &[Op], case: &Case) -> BTreeMap<String, String> {
    let mut env: BTreeMap<String, String> = case
        .preset
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    for (name, value) in ops {
        match value {
            Some(value) => env.insert(name.clone(), value.clone()),
            None => env.remove(name),
        };
    }
    env
}

/// PowerShell's single-quote characters (about_Quoting_Rules: the straight quote and
/// U+2018..U+201B all open, close and escape single-quoted strings).
fn is_ps_quote(c: char) -> bool {
    matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}')
}

/// Read `$Env:NAME = <expr>` / `$Env:NAME = $null` statements, each ended by CRLF, where
/// `<expr>` joins single-quoted strings and the double-quoted escapes "`r" and "`n" with ` + `.
fn parse_powershell(text: &str) -> Result<Vec<Op>, String> {
    let mut ops = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        rest = rest
            .strip_prefix("$Env:")
            .ok_or_else(|| format!("expected $Env: at {rest:?}"))?;
        let end = rest
            .find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
            .unwrap_or(rest.len());
        let name = rest[..end].to_owned();
        rest = rest[end..]
            .strip_prefix(" = ")
            .ok_or_else(|| format!("expected ' = ' after {name}"))?;
        if let Some(after) = rest.strip_prefix("$null") {
            ops.push((name, None));
            rest = after;
        } else {
            let mut value = String::new();
            loop {
                rest = parse_ps_term(rest, &mut value)?;
                match rest.strip_prefix(" + ") {
                    Some(after) => rest = after,
                    None => break,
                }
            }
            ops.push((name, Some(value)));
        }
        rest = rest
            .strip_prefix("\r\n")
            .ok_or_else(|| format!("expected CRLF at {rest:?}"))?;
    }
    Ok(ops)
}

/// One term of a `+` chain; appends its value and returns what follows it.
fn parse_ps_term<'a>(text: &'a str, value: &mut String) -> Result<&'a str, String> {
    for (escape, c) in [("\"`r\"", '\r'), ("\"`n\"", '\n')] {
        if let Some(after) = text.strip_prefix(escape) {
            value.push(c);
            return Ok(after);
        }
    }
    let mut chars = text.char_indices().peekable();
    match chars.next() {
        Some((_, c)) if is_ps_quote(c) => {}
        _ => return Err(format!("expected a quoted string at {text:?}")),
    }
    while let Some((i, c)) = chars.next() {
        if !is_ps_quote(c) {
            value.push(c);
            continue;
        }
        // A quote followed by a quote is one literal quote: the second one.
        match chars.peek() {
            Some(&(_, next)) if is_ps_quote(next) => {
                value.push(next);
                chars.next();
            }
            _ => return Ok(&text[i + c.len_utf8()..]),
        }
    }
    Err(format!("unterminated string in {text:?}"))
}

#[test]
fn powershell_reader_follows_the_quote_rules() {
    let one = |text: &str| parse_powershell(text).map(|ops| ops[0].1.clone());
    assert_eq!(one("$Env:A = 'it''s'\r\n"), Ok(Some("it's".to_owned())));
    assert_eq!(
        one("$Env:A = '\u{2019}\u{2018}x'\r\n"),
        Ok(Some("\u{2018}x".to_owned()))
    );
    assert_eq!(one("$Env:A = 'a' + \"`n\"\r\n"), Ok(Some("a\n".to_owned())));
    assert_eq!(one("$Env:A = $null\r\n"), Ok(None));
    assert!(parse_powershell("$Env:A = 'a\r\n").is_err());
    assert!(parse_powershell("$Env:A = 'a'\n").is_err());
    assert!(parse_powershell("$Env:A = \"a\"\r\n").is_err());
}

#[test]
fn powershell_output_reads_back_exactly() {
    let case = full_case();
    let rendered = render(Shell::PowerShell, &case.changes);
    // `aws-sso eval | Invoke-Expression` runs line by line, so no statement may span lines.
    let lines: Vec<&str> = rendered
        .strip_suffix("\r\n")
        .unwrap()
        .split("\r\n")
        .collect();
    assert_eq!(lines.len(), case.changes.len());
    for line in &lines {
        assert!(!line.contains(['\r', '\n']), "raw line break in {line:?}");
    }
    let ops = parse_powershell(&rendered).unwrap();
    assert_environment("PowerShell reader", &apply(&ops, &case), &case);

    let Some(pwsh) = find_on_path("pwsh") else {
        return;
    };
    let names: Vec<String> = case
        .expected
        .iter()
        .map(|(n, _)| format!("'{n}'"))
        .collect();
    // Records go out as UTF-8 bytes on the raw stdout stream, which PowerShell's pipeline
    // would otherwise re-encode.
    let dump = format!(
        "$sb = [Text.StringBuilder]::new(); foreach ($n in @({})) {{ \
         $v = [Environment]::GetEnvironmentVariable($n); \
         if ($null -eq $v) {{ continue }}; \
         [void]$sb.Append($n).Append('=').Append($v).Append([char]0) }}; \
         $b = [Text.UTF8Encoding]::new($false).GetBytes($sb.ToString()); \
         $o = [Console]::OpenStandardOutput(); $o.Write($b, 0, $b.Length); $o.Flush()",
        names.join(",")
    );
    for source in [
        ". $env:EVAL_FILE",
        "Get-Content -LiteralPath $env:EVAL_FILE -Encoding utf8 | \
         ForEach-Object { Invoke-Expression $_ }",
    ] {
        let script = format!("{source}; {dump}");
        let args = [
            "-NoLogo",
            "-NoProfile",
            "-NonInteractive",
            "-Command",
            &script,
        ];
        let stdout = run(&pwsh, &args, &rendered, "eval.ps1", &case);
        assert_environment(&format!("pwsh: {source}"), &parse_env0(&stdout), &case);
    }
}

/// Reads xonsh output with Python's own parser: every line is `$NAME = <literal>` or the
/// guarded `del`; prints `S NAME VALUE` / `U NAME` records separated by NUL.
const XONSH_READER: &str = r#"
import ast, re, sys
out = sys.stdout.buffer
with open(sys.argv[1], encoding="ascii", newline="") as f:
    text = f.read()
assert text.endswith("\n"), "output must end with a newline"
for line in text[:-1].split("\n"):
    m = re.fullmatch(r"if '([A-Z0-9_]+)' in \$\{\.\.\.\}: del \$([A-Z0-9_]+)", line)
    if m:
        assert m[1] == m[2], line
        out.write(b"U\0" + m[1].encode() + b"\0")
        continue
    m = re.fullmatch(r"\$([A-Z0-9_]+) = (.+)", line)
    assert m, "unparsable line: " + repr(line)
    value = ast.literal_eval(m[2])
    assert type(value) is str, repr(line)
    out.write(b"S\0" + m[1].encode() + b"\0" + value.encode("utf-8") + b"\0")
"#;

fn parse_records(stdout: &[u8]) -> Vec<Op> {
    let text = String::from_utf8(stdout.to_vec()).expect("records are UTF-8");
    let mut fields = text.split('\0');
    let mut ops = Vec::new();
    while let Some(kind) = fields.next() {
        match kind {
            "S" => {
                let name = fields.next().expect("name").to_owned();
                ops.push((name, Some(fields.next().expect("value").to_owned())));
            }
            "U" => ops.push((fields.next().expect("name").to_owned(), None)),
            "" => break,
            other => panic!("unexpected record kind {other:?}"),
        }
    }
    ops
}

#[test]
fn xonsh_output_reads_back_exactly() {
    let python = require("python3", "python3");
    let case = full_case();
    let rendered = render(Shell::Xonsh, &case.changes);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("eval.xsh");
    std::fs::write(&file, &rendered).unwrap();
    let out = Command::new(&python)
        .args(["-c", XONSH_READER])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "Python rejected the xonsh output: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ops = parse_records(&out.stdout);
    assert_eq!(ops.len(), case.changes.len());
    assert_environment("ast.literal_eval", &apply(&ops, &case), &case);

    let Some(xonsh) = find_on_path("xonsh") else {
        return;
    };
    for script in [
        "source $EVAL_FILE\nenv -0",
        "execx($(cat $EVAL_FILE))\nenv -0",
    ] {
        check_shell(&xonsh, &["--no-rc"], script, Shell::Xonsh, &case);
    }
}
