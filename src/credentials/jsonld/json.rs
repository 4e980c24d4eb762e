//! The JSON Canonicalization Scheme (RFC 8785) for `@json` literals, limited to numbers every
//! implementation prints the same way (safe integers); anything else is refused.

use serde_json::Value;

/// `None` when `value` holds a number outside the safe-integer range or with a fraction, or is
/// nested more than 128 deep.
pub(crate) fn canonical_json(value: &Value) -> Option<String> {
    let mut out = String::new();
    write(value, &mut out, 0)?;
    Some(out)
}

fn write(value: &Value, out: &mut String, depth: usize) -> Option<()> {
    const MAX_SAFE: f64 = 9_007_199_254_740_991.0;
    if depth > 128 {
        return None;
    }
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
        Value::Number(number) => {
            let float = number.as_f64()?;
            if float.fract() != 0.0 || float.abs() > MAX_SAFE {
                return None;
            }
            out.push_str(&format!("{:.0}", float + 0.0));
        }
        Value::String(text) => write_string(text, out),
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write(item, out, depth + 1)?;
            }
            out.push(']');
        }
        Value::Object(map) => {
            // RFC 8785 orders keys by their UTF-16 code units.
            let mut entries: Vec<(Vec<u16>, &String, &Value)> = map
                .iter()
                .map(|(k, v)| (k.encode_utf16().collect(), k, v))
                .collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            out.push('{');
            for (index, (_, key, item)) in entries.into_iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_string(key, out);
                out.push(':');
                write(item, out, depth + 1)?;
            }
            out.push('}');
        }
    }
    Some(())
}

fn write_string(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{C}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{0}'..='\u{1F}' => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            _ => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_literals_use_rfc_8785_key_order_and_escapes() {
        let value = serde_json::json!({"b": [1, true, null], "a": "x\"\n\u{1}", "\u{e9}": 2.0});
        assert_eq!(
            canonical_json(&value).unwrap(),
            "{\"a\":\"x\\\"\\n\\u0001\",\"b\":[1,true,null],\"\u{e9}\":2}"
        );
        assert_eq!(canonical_json(&serde_json::json!(1.5)), None);
    }
}
