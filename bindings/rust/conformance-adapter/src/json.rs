//! Just enough JSON for the adapter protocol (std only: the crate builds
//! offline). Numbers are kept as integers when they are integers: epochs use
//! all 61 bits.
use std::collections::BTreeMap;
use std::fmt::Write;

#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Array(Vec<Json>),
    Object(BTreeMap<String, Json>),
}

impl Json {
    pub fn get(&self, field: &str) -> Option<&Json> {
        match self {
            Json::Object(m) => m.get(field),
            _ => None,
        }
    }
}

pub fn parse(text: &str) -> Result<Json, String> {
    let mut p = Parser { s: text.as_bytes(), i: 0 };
    let v = p.value()?;
    p.ws();
    if p.i != p.s.len() {
        return Err(format!("trailing characters at {}", p.i));
    }
    Ok(v)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn expect(&mut self, c: u8) -> Result<(), String> {
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err(format!("expected '{}' at {}", c as char, self.i))
        }
    }

    fn literal(&mut self, word: &str, v: Json) -> Result<Json, String> {
        if self.s[self.i..].starts_with(word.as_bytes()) {
            self.i += word.len();
            Ok(v)
        } else {
            Err(format!("bad literal at {}", self.i))
        }
    }

    fn value(&mut self) -> Result<Json, String> {
        self.ws();
        match self.peek() {
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"') => self.string().map(Json::Str),
            Some(b't') => self.literal("true", Json::Bool(true)),
            Some(b'f') => self.literal("false", Json::Bool(false)),
            Some(b'n') => self.literal("null", Json::Null),
            Some(c) if c == b'-' || c.is_ascii_digit() => self.number(),
            _ => Err(format!("unexpected input at {}", self.i)),
        }
    }

    fn object(&mut self) -> Result<Json, String> {
        self.expect(b'{')?;
        let mut m = BTreeMap::new();
        self.ws();
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Ok(Json::Object(m));
        }
        loop {
            self.ws();
            let k = self.string()?;
            self.ws();
            self.expect(b':')?;
            let v = self.value()?;
            m.insert(k, v);
            self.ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(Json::Object(m));
                }
                _ => return Err(format!("expected ',' or '}}' at {}", self.i)),
            }
        }
    }

    fn array(&mut self) -> Result<Json, String> {
        self.expect(b'[')?;
        let mut a = Vec::new();
        self.ws();
        if self.peek() == Some(b']') {
            self.i += 1;
            return Ok(Json::Array(a));
        }
        loop {
            a.push(self.value()?);
            self.ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(Json::Array(a));
                }
                _ => return Err(format!("expected ',' or ']' at {}", self.i)),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let h = self.s.get(self.i..self.i + 4).ok_or("short \\u escape")?;
        let h = std::str::from_utf8(h).map_err(|_| "bad \\u escape")?;
        let v = u32::from_str_radix(h, 16).map_err(|_| "bad \\u escape")?;
        self.i += 4;
        Ok(v)
    }

    fn string(&mut self) -> Result<String, String> {
        self.expect(b'"')?;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let c = self.peek().ok_or("unterminated string")?;
            self.i += 1;
            match c {
                b'"' => return String::from_utf8(out).map_err(|_| "string is not UTF-8".to_string()),
                b'\\' => {
                    let e = self.peek().ok_or("unterminated escape")?;
                    self.i += 1;
                    let ch = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xd800..0xdc00).contains(&hi) {
                                // A surrogate pair.
                                if self.s[self.i..].starts_with(b"\\u") {
                                    self.i += 2;
                                    let lo = self.hex4()?;
                                    if !(0xdc00..0xe000).contains(&lo) {
                                        return Err("unpaired surrogate".into());
                                    }
                                    0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00)
                                } else {
                                    return Err("unpaired surrogate".into());
                                }
                            } else {
                                hi
                            };
                            char::from_u32(code).ok_or("bad \\u escape")?
                        }
                        _ => return Err(format!("bad escape at {}", self.i)),
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                c => out.push(c),
            }
        }
    }

    fn number(&mut self) -> Result<Json, String> {
        let start = self.i;
        while self.i < self.s.len() && matches!(self.s[self.i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
            self.i += 1;
        }
        let text = std::str::from_utf8(&self.s[start..self.i]).map_err(|_| "bad number")?;
        if let Ok(n) = text.parse::<i128>() {
            return Ok(Json::Int(n));
        }
        text.parse::<f64>().map(Json::Float).map_err(|_| format!("bad number {}", text))
    }
}

/// An object under construction, written in insertion order.
#[derive(Default)]
pub struct Out {
    fields: Vec<(String, String)>,
}

impl Out {
    pub fn new() -> Out {
        Out::default()
    }
    /// Sets a field to already-encoded JSON (replacing an earlier value).
    pub fn raw(&mut self, k: &str, json: String) -> &mut Out {
        self.fields.retain(|(f, _)| f != k);
        self.fields.push((k.to_string(), json));
        self
    }
    pub fn str(&mut self, k: &str, v: &str) -> &mut Out {
        self.raw(k, quote(v))
    }
    pub fn num<N: std::fmt::Display>(&mut self, k: &str, v: N) -> &mut Out {
        self.raw(k, v.to_string())
    }
    pub fn has(&self, k: &str) -> bool {
        self.fields.iter().any(|(f, _)| f == k)
    }
    pub fn finish(&self) -> String {
        let mut s = String::from("{");
        for (i, (k, v)) in self.fields.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            s.push_str(&quote(k));
            s.push(':');
            s.push_str(v);
        }
        s.push('}');
        s
    }
}

pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Encodes a parsed value again (to echo a request's id).
pub fn encode(v: &Json) -> String {
    match v {
        Json::Null => "null".into(),
        Json::Bool(b) => b.to_string(),
        Json::Int(n) => n.to_string(),
        Json::Float(f) => f.to_string(),
        Json::Str(s) => quote(s),
        Json::Array(a) => format!("[{}]", a.iter().map(encode).collect::<Vec<_>>().join(",")),
        Json::Object(m) => {
            let parts: Vec<String> = m.iter().map(|(k, v)| format!("{}:{}", quote(k), encode(v))).collect();
            format!("{{{}}}", parts.join(","))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_request_with_escapes_and_big_integers() {
        let v = parse(r#"{"id":7,"op":"set","key":"k\u00e9\ud83d\ude00\n","since":2305843009213693951,"t":-1}"#)
            .unwrap();
        assert_eq!(v.get("id"), Some(&Json::Int(7)));
        assert_eq!(v.get("key"), Some(&Json::Str("k\u{e9}\u{1f600}\n".into())));
        assert_eq!(v.get("since"), Some(&Json::Int((1 << 61) - 1)));
        assert_eq!(v.get("t"), Some(&Json::Int(-1)));
    }

    #[test]
    fn refuses_malformed_input() {
        for bad in [r#"{"a":}"#, r#"{"a":1"#, r#""\ud800""#, "[1,]", "{} x"] {
            assert!(parse(bad).is_err(), "{}", bad);
        }
    }

    #[test]
    fn writes_fields_in_order_and_escapes_strings() {
        let mut o = Out::new();
        o.str("status", "OK").num("epoch", 3u64).str("detail", "a\"b\\\u{1}");
        assert_eq!(o.finish(), r#"{"status":"OK","epoch":3,"detail":"a\"b\\\u0001"}"#);
        assert_eq!(encode(&parse(r#"{"b":[1,"x",null,true]}"#).unwrap()), r#"{"b":[1,"x",null,true]}"#);
    }
}
