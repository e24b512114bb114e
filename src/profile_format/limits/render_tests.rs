//! Every bound of [`super`] through a real render: each template below runs for minutes or
//! takes gigabytes without its bound, and must fail at once with an error naming the
//! template and the bound.

use serde_json::{Value, json};

use crate::profile_format::{ErrorKind, ProfileFormat, TemplateError};

fn role() -> Value {
    json!({"AccountAlias": "Prod Account", "AccountName": "Production", "RoleName": "Admin"})
}

fn render_err(template: &str) -> TemplateError {
    let pf = ProfileFormat::compile(template).unwrap_or_else(|e| panic!("{template}: {e}"));
    let err = match pf.render(&role()) {
        Ok(out) => panic!("{template} rendered {} bytes", out.len()),
        Err(e) => e,
    };
    assert_eq!(err.kind(), ErrorKind::Exec, "{err}");
    let shown = err.to_string();
    assert!(
        shown.starts_with(&format!("ProfileFormat '{template}': ")),
        "{shown}"
    );
    err
}

#[track_caller]
fn refused(template: &str, because: &str) {
    let err = render_err(template);
    assert!(err.message().contains(because), "{template}: {err}");
}

#[test]
fn output_longer_than_a_profile_name_is_refused() {
    let err = render_err(r#"{{ repeat 5000 "x" }}"#);
    assert_eq!(
        err.message(),
        "output exceeds 4096 bytes; a profile name must be shorter"
    );
    // Output written piece by piece is stopped too.
    refused(
        r#"{{ range until 5000 }}x{{ end }}"#,
        "output exceeds 4096 bytes",
    );
}

#[test]
fn list_building_functions_refuse_huge_counts() {
    refused(
        "{{ range $i := until 10000000 }}x{{ end }}",
        "error calling until: the list would have 10000000 items, over the limit of 65536",
    );
    refused(
        "{{ untilStep 0 9223372036854775807 1 }}",
        "error calling untilStep: the list would have 9223372036854775807 items",
    );
    refused(
        "{{ untilStep 9223372036854775807 -9223372036854775808 -1 }}",
        "error calling untilStep: the list would have",
    );
    refused(
        "{{ $a := concat (until 30000) (until 30000) }}",
        "error calling concat: the result is over the limit of 65536 bytes or items",
    );
}

#[test]
fn string_growing_functions_refuse_before_allocating() {
    refused(
        r#"{{ repeat 1000000000 "xyz" }}"#,
        "error calling repeat: the result would be 3000000000 bytes",
    );
    refused(r#"{{ indent 1000000000 "a" }}"#, "error calling indent:");
    refused(r#"{{ nindent 1000000000 "a" }}"#, "error calling nindent:");
    refused(
        r#"{{ wrapWith 1 (repeat 1000 "-") (repeat 60000 "x") }}"#,
        "error calling wrapWith: the result would be",
    );
    refused(
        r#"{{ replace "x" (repeat 60000 "y") (repeat 60000 "x") }}"#,
        "error calling replace: the result would be",
    );
    refused(
        r#"{{ replace "" (repeat 60000 "y") "abc" }}"#,
        "error calling replace:",
    );
    refused(
        r#"{{ StringReplace "x" (repeat 60000 "y") (repeat 60000 "x") }}"#,
        "error calling StringReplace:",
    );
    refused(
        r#"{{ join (repeat 60000 "-") (until 30000) }}"#,
        "error calling join: the result would be",
    );
}

#[test]
fn printf_widths_and_precisions_are_bounded() {
    refused(
        r#"{{ printf "%0999999999d" 1 }}"#,
        "error calling printf: printf width 999999999 is over the limit of 65536",
    );
    refused(
        r#"{{ printf "%.999999999f" 1.5 }}"#,
        "printf precision 999999999 is over the limit",
    );
    refused(
        r#"{{ printf "%*d" 999999999 1 }}"#,
        "printf width 999999999 is over the limit",
    );
    refused(
        r#"{{ printf "%60000v" (until 1000) }}"#,
        "error calling printf: the result would be",
    );
}

#[test]
fn loops_are_bounded_across_nesting() {
    refused(
        "{{ range 10000000 }}{{ end }}",
        "range: more than 10000 iterations for one profile name",
    );
    refused(
        "{{ range until 5000 }}{{ range until 5000 }}{{ end }}{{ end }}",
        "range: more than 10000 iterations",
    );
}

#[test]
fn the_work_of_one_render_is_bounded() {
    // Each value is within bounds, together they are not.
    refused(
        r#"{{ range until 10000 }}{{ $x := repeat 60000 "x" }}{{ end }}"#,
        "made more than 16 MiB of values for one profile name",
    );
}

#[test]
fn ordinary_templates_and_the_next_render_are_unaffected() {
    let pf = ProfileFormat::compile(
        r#"{{ range $i, $e := until 3 }}{{ $e }}{{ end }}-{{ printf "%05d" 42 }}-{{ repeat 2 "ab" }}-{{ len (uniq (concat (until 20000) (until 10000))) }}"#,
    )
    .unwrap();
    for _ in 0..3 {
        assert_eq!(pf.render(&role()).unwrap(), "012-00042-abab-20000");
    }
    // A render that hit a bound leaves nothing behind for the next one.
    let big = ProfileFormat::compile("{{ range until 9000 }}{{ end }}ok").unwrap();
    assert!(
        render_err("{{ range until 5000 }}{{ range until 5 }}{{ end }}{{ end }}")
            .message()
            .contains("range")
    );
    assert_eq!(big.render(&role()).unwrap(), "ok");
    assert_eq!(big.render(&role()).unwrap(), "ok");
}
