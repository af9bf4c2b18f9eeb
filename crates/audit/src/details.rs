//! An event's detail fields, kept flat: every key and every scalar value
//! (string, number, boolean, null) is written once, in canonical JSON, into
//! one buffer as it is added. Queueing an event then copies bytes instead of
//! walking, re-serializing and freeing a tree of small allocations.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use serde_json::{Map, Value};

use crate::record::{push_u64, write_str, write_text, write_value};
use crate::redact::Redactor;

/// A value accepted as an event detail: text, a number, a boolean, `()` or
/// an `Option` of one (`None` and `()` are JSON null), a `Vec` or slice of
/// JSON values, or any JSON value.
///
/// ```
/// use supreme_audit::{Event, EventType};
/// let e = Event::new(EventType::OrderSent)
///     .detail("symbol", "BTCUSDT")
///     .detail("qty", 3u32)
///     .detail("post_only", false)
///     .detail("note", None::<&str>)
///     .detail("legs", serde_json::json!([1, 2]));
/// assert_eq!(e.event_type().as_str(), "ORDER_SENT");
/// ```
pub trait DetailValue {
    /// The value as the event stores it.
    #[doc(hidden)]
    fn into_detail<'a>(self) -> Detail<'a>
    where
        Self: 'a;
}

/// A detail value on its way into an event (see [`DetailValue`]).
#[doc(hidden)]
#[derive(Debug)]
pub enum Detail<'a> {
    /// Text, written as a JSON string.
    Str(&'a str),
    /// Owned text, written as a JSON string.
    String(String),
    /// An unsigned integer.
    Unsigned(u64),
    /// A signed integer.
    Signed(i64),
    /// A boolean.
    Bool(bool),
    /// A JSON value, kept as a tree until the event is queued when it is
    /// an object or array.
    Tree(Value),
}

/// How a field's value is held.
#[derive(Clone, Debug)]
enum Held {
    /// Canonical JSON in the buffer.
    Text(Range<usize>),
    /// An object or array: redacted at every depth when queued.
    Tree(Value),
}

#[derive(Clone, Debug)]
struct Field {
    key: Range<usize>,
    value: Held,
}

/// The detail fields of one event, sorted by key, each key once.
#[derive(Clone, Default)]
pub(crate) struct Details {
    fields: Vec<Field>,
    /// Keys (raw UTF-8) and canonical scalar values, back to back.
    buf: Vec<u8>,
}

impl Details {
    fn key(&self, f: &Field) -> &[u8] {
        self.buf.get(f.key.clone()).unwrap_or_default()
    }

    /// Sets `key` to a value (a later value for the same key wins).
    pub(crate) fn insert(&mut self, key: &str, value: Detail<'_>) {
        if self.buf.capacity() == 0 {
            self.buf.reserve(128);
            self.fields.reserve(8);
        }
        let start = self.buf.len();
        self.buf.extend_from_slice(key.as_bytes());
        let key_range = start..self.buf.len();
        let held = match value {
            Detail::Tree(v @ (Value::Object(_) | Value::Array(_))) => Held::Tree(v),
            other => {
                let at = self.buf.len();
                let out = &mut self.buf;
                match other {
                    Detail::Str(s) => write_str(out, s),
                    Detail::String(s) => write_str(out, &s),
                    Detail::Unsigned(n) => push_u64(out, n),
                    Detail::Signed(n) => {
                        if n < 0 {
                            out.push(b'-');
                        }
                        push_u64(out, n.unsigned_abs());
                    }
                    Detail::Bool(b) => out.extend_from_slice(if b { b"true" } else { b"false" }),
                    Detail::Tree(v) => write_value(out, &v, None),
                }
                Held::Text(at..self.buf.len())
            }
        };
        let field = Field {
            key: key_range,
            value: held,
        };
        match self
            .fields
            .binary_search_by(|f| self.key(f).cmp(key.as_bytes()))
        {
            Ok(i) => self.fields[i] = field,
            Err(i) => self.fields.insert(i, field),
        }
    }

    /// Adds every field of a JSON object.
    pub(crate) fn extend(&mut self, map: Map<String, Value>) {
        for (k, v) in map {
            self.insert(&k, Detail::Tree(v));
        }
    }

    /// Appends the fields as one canonical JSON object, with the value of
    /// every field `redactor` marks secret (at any depth) replaced, and the
    /// secrets inside string values too.
    pub(crate) fn write_canonical(&self, out: &mut Vec<u8>, redactor: &Redactor) {
        out.push(b'{');
        for (i, f) in self.fields.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            let key = self.key(f);
            write_text(out, key);
            out.push(b':');
            if redactor.is_secret_name(key) {
                write_str(out, crate::event::REDACTED);
                continue;
            }
            match &f.value {
                Held::Text(r) => {
                    redactor.write_scalar(out, self.buf.get(r.clone()).unwrap_or_default());
                }
                Held::Tree(v) => write_value(out, v, Some(redactor)),
            }
        }
        out.push(b'}');
    }

    /// The fields as (key, canonical JSON of the value), unredacted.
    fn entries(&self) -> impl Iterator<Item = (Cow<'_, str>, Cow<'_, [u8]>)> {
        self.fields.iter().map(|f| {
            let key = String::from_utf8_lossy(self.key(f));
            let value = match &f.value {
                Held::Text(r) => Cow::Borrowed(self.buf.get(r.clone()).unwrap_or_default()),
                Held::Tree(v) => {
                    let mut out = Vec::new();
                    write_value(&mut out, v, None);
                    Cow::Owned(out)
                }
            };
            (key, value)
        })
    }
}

impl PartialEq for Details {
    fn eq(&self, other: &Self) -> bool {
        self.fields.len() == other.fields.len() && self.entries().eq(other.entries())
    }
}

/// Debug output shows the fields as the default redactor would write them:
/// a field named like a secret prints as `"[REDACTED]"`, not its value.
/// (Markers a log adds to its own redactor are not known here: such fields
/// are redacted in the log, not in `{:?}`.)
impl fmt::Debug for Details {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        static DEFAULT: std::sync::LazyLock<Redactor> = std::sync::LazyLock::new(Redactor::default);
        let mut out = Vec::new();
        self.write_canonical(&mut out, &DEFAULT);
        f.write_str(&String::from_utf8_lossy(&out))
    }
}

impl DetailValue for &str {
    fn into_detail<'a>(self) -> Detail<'a>
    where
        Self: 'a,
    {
        Detail::Str(self)
    }
}

impl DetailValue for &String {
    fn into_detail<'a>(self) -> Detail<'a>
    where
        Self: 'a,
    {
        Detail::Str(self)
    }
}

impl DetailValue for Cow<'_, str> {
    fn into_detail<'a>(self) -> Detail<'a>
    where
        Self: 'a,
    {
        match self {
            Cow::Borrowed(s) => Detail::Str(s),
            Cow::Owned(s) => Detail::String(s),
        }
    }
}

macro_rules! detail_values {
    ($($t:ty => |$v:ident| $e:expr;)*) => {$(
        impl DetailValue for $t {
            fn into_detail<'a>(self) -> Detail<'a>
            where
                Self: 'a,
            {
                let $v = self;
                $e
            }
        }
    )*};
}

detail_values! {
    String => |s| Detail::String(s);
    bool => |b| Detail::Bool(b);
    u8 => |n| Detail::Unsigned(n.into());
    u16 => |n| Detail::Unsigned(n.into());
    u32 => |n| Detail::Unsigned(n.into());
    u64 => |n| Detail::Unsigned(n);
    usize => |n| Detail::Unsigned(u64::try_from(n).unwrap_or(u64::MAX));
    i8 => |n| Detail::Signed(n.into());
    i16 => |n| Detail::Signed(n.into());
    i32 => |n| Detail::Signed(n.into());
    i64 => |n| Detail::Signed(n);
    isize => |n| Detail::Signed(i64::try_from(n).unwrap_or(i64::MAX));
    f32 => |x| Detail::Tree(Value::from(x));
    f64 => |x| Detail::Tree(Value::from(x));
    Value => |v| Detail::Tree(v);
    Map<String, Value> => |m| Detail::Tree(Value::Object(m));
}

impl<T: Into<Value>> DetailValue for Vec<T> {
    fn into_detail<'a>(self) -> Detail<'a>
    where
        Self: 'a,
    {
        Detail::Tree(Value::from(self))
    }
}

impl<T: Clone + Into<Value>> DetailValue for &[T] {
    fn into_detail<'a>(self) -> Detail<'a>
    where
        Self: 'a,
    {
        Detail::Tree(Value::from(self))
    }
}

impl DetailValue for serde_json::Number {
    fn into_detail<'a>(self) -> Detail<'a>
    where
        Self: 'a,
    {
        Detail::Tree(Value::Number(self))
    }
}

impl DetailValue for () {
    fn into_detail<'a>(self) -> Detail<'a>
    where
        Self: 'a,
    {
        Detail::Tree(Value::Null)
    }
}

impl<T: DetailValue> DetailValue for Option<T> {
    fn into_detail<'a>(self) -> Detail<'a>
    where
        Self: 'a,
    {
        match self {
            Some(v) => v.into_detail(),
            None => Detail::Tree(Value::Null),
        }
    }
}

#[cfg(test)]
mod tests;
