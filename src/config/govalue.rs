//! Render YAML values the way Go's `fmt` `%v` prints what `yaml.v3` decoded, so
//! `ConfigVariables` lines and numeric map keys read exactly as aws-sso-cli writes them.

use serde_yaml_ng::Value;

/// Go `%v` of a float64: shortest digits, `%e` form when the exponent is < -4 or ≥ 6
/// (`1.2e+10`, `1e-05`), plain otherwise (`1.5`, `123456`).
pub fn go_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    // Rust's `{:e}` gives the shortest round-trip digits, e.g. `1.2e10`, `-1e-5`.
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..6).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    } else {
        // Plain notation with the same shortest digits.
        format!("{f}")
    }
}

/// Go `%v` of a decoded YAML value: `<nil>`, `true`, `42`, `1.5`, `[a b]`,
/// `map[k:v]` (keys sorted, as Go prints maps).
pub fn go_value_string(value: &Value) -> String {
    match value {
        Value::Null => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => number_string(n),
        Value::String(s) => s.clone(),
        Value::Sequence(items) => {
            let parts: Vec<String> = items.iter().map(go_value_string).collect();
            format!("[{}]", parts.join(" "))
        }
        Value::Mapping(map) => {
            let mut parts: Vec<(String, String)> = map
                .iter()
                .map(|(k, v)| (go_value_string(k), go_value_string(v)))
                .collect();
            parts.sort();
            let parts: Vec<String> = parts.into_iter().map(|(k, v)| format!("{k}:{v}")).collect();
            format!("map[{}]", parts.join(" "))
        }
        Value::Tagged(tagged) => go_value_string(&tagged.value),
    }
}

fn number_string(n: &serde_yaml_ng::Number) -> String {
    if let Some(u) = n.as_u64() {
        u.to_string()
    } else if let Some(i) = n.as_i64() {
        i.to_string()
    } else {
        go_float(n.as_f64().unwrap_or(f64::NAN))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_match_go_percent_v() {
        assert_eq!(go_float(1.2e10), "1.2e+10");
        assert_eq!(go_float(1.5), "1.5");
        assert_eq!(go_float(123456.0), "123456");
        assert_eq!(go_float(1234567.0), "1.234567e+06");
        assert_eq!(go_float(1e8), "1e+08");
        assert_eq!(go_float(0.0001), "0.0001");
        assert_eq!(go_float(0.00001), "1e-05");
        assert_eq!(go_float(-2.5e-7), "-2.5e-07");
        assert_eq!(go_float(1e100), "1e+100");
        assert_eq!(go_float(0.0), "0");
    }

    #[test]
    fn values_match_go_percent_v() {
        let v: Value =
            serde_yaml_ng::from_str("[1, 2.5, true, null, x, {b: 1, a: [y, z]}]").unwrap();
        assert_eq!(go_value_string(&v), "[1 2.5 true <nil> x map[a:[y z] b:1]]");
        let n: Value = serde_yaml_ng::from_str("-7").unwrap();
        assert_eq!(go_value_string(&n), "-7");
    }
}
