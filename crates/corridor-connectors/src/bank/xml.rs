//! A small element tree over `quick-xml`, for reading bank files, and an
//! escaping writer for producing them.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// Why a file could not be read as XML.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct XmlError(pub String);

/// An element: local name, attributes, children and text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Element {
    /// Local name (no prefix).
    pub name: String,
    /// Attributes by qualified name (`xmlns`, `Ccy`, ...).
    pub attributes: Vec<(String, String)>,
    /// Child elements, in order.
    pub children: Vec<Element>,
    /// Concatenated text content.
    pub text: String,
}

impl Element {
    fn from_start(e: &BytesStart<'_>) -> Result<Element, XmlError> {
        let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
        let mut attributes = Vec::new();
        for attr in e.attributes() {
            let attr = attr.map_err(|err| XmlError(format!("bad attribute: {err}")))?;
            let key = String::from_utf8_lossy(attr.key.as_ref()).into_owned();
            let value = attr
                .unescape_value()
                .map_err(|err| XmlError(format!("bad attribute value: {err}")))?
                .into_owned();
            attributes.push((key, value));
        }
        Ok(Element {
            name,
            attributes,
            ..Element::default()
        })
    }

    /// An attribute's value.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first child with a local name.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child with a local name.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The element at a path of local names below this one.
    pub fn at(&self, path: &[&str]) -> Option<&Element> {
        path.iter().try_fold(self, |e, name| e.child(name))
    }

    /// The trimmed text at a path, if present and not empty.
    pub fn text_at(&self, path: &[&str]) -> Option<String> {
        self.at(path)
            .map(|e| e.text.trim().to_string())
            .filter(|t| !t.is_empty())
    }
}

/// Parses a document into its root element. Refuses DTDs, several roots,
/// unclosed or mismatched tags.
pub fn parse(text: &str) -> Result<Element, XmlError> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().trim_text(true);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut attach = |stack: &mut Vec<Element>, el: Element| -> Result<(), XmlError> {
        match stack.last_mut() {
            Some(parent) => {
                parent.children.push(el);
                Ok(())
            }
            None if root.is_none() => {
                root = Some(el);
                Ok(())
            }
            None => Err(XmlError("more than one root element".into())),
        }
    };
    loop {
        let at = reader.buffer_position();
        match reader.read_event() {
            Ok(Event::Start(e)) => stack.push(Element::from_start(&e)?),
            Ok(Event::Empty(e)) => {
                let el = Element::from_start(&e)?;
                attach(&mut stack, el)?;
            }
            Ok(Event::End(_)) => {
                let el = stack
                    .pop()
                    .ok_or_else(|| XmlError(format!("unexpected end tag at byte {at}")))?;
                attach(&mut stack, el)?;
            }
            Ok(Event::Text(t)) => {
                let text = t
                    .unescape()
                    .map_err(|e| XmlError(format!("bad text at byte {at}: {e}")))?;
                match stack.last_mut() {
                    Some(top) => top.text.push_str(&text),
                    None => return Err(XmlError(format!("text outside the root at byte {at}"))),
                }
            }
            Ok(Event::CData(c)) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&String::from_utf8_lossy(&c));
                }
            }
            Ok(Event::DocType(_)) => return Err(XmlError("DTDs are not accepted".into())),
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(XmlError(format!("malformed XML at byte {at}: {e}"))),
        }
    }
    if let Some(open) = stack.last() {
        return Err(XmlError(format!("element <{}> is never closed", open.name)));
    }
    root.ok_or_else(|| XmlError("no root element".into()))
}

/// Builds indented XML with escaped text.
#[derive(Debug, Default)]
pub struct XmlOut {
    out: String,
    depth: usize,
}

impl XmlOut {
    /// A document with the XML declaration.
    pub fn document() -> Self {
        XmlOut {
            out: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
            depth: 0,
        }
    }

    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }

    /// Opens an element with attributes.
    pub fn open_with(&mut self, name: &str, attributes: &[(&str, &str)]) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        for (k, v) in attributes {
            self.out.push(' ');
            self.out.push_str(k);
            self.out.push_str("=\"");
            self.out.push_str(&quick_xml::escape::escape(*v));
            self.out.push('"');
        }
        self.out.push_str(">\n");
        self.depth += 1;
    }

    /// Opens an element.
    pub fn open(&mut self, name: &str) {
        self.open_with(name, &[]);
    }

    /// Closes an element.
    pub fn close(&mut self, name: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.indent();
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    /// An element with text and attributes.
    pub fn leaf_with(&mut self, name: &str, attributes: &[(&str, &str)], text: &str) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        for (k, v) in attributes {
            self.out.push(' ');
            self.out.push_str(k);
            self.out.push_str("=\"");
            self.out.push_str(&quick_xml::escape::escape(*v));
            self.out.push('"');
        }
        self.out.push('>');
        self.out.push_str(&quick_xml::escape::escape(text));
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    /// An element with text.
    pub fn leaf(&mut self, name: &str, text: &str) {
        self.leaf_with(name, &[], text);
    }

    /// The document.
    pub fn finish(self) -> String {
        self.out
    }
}

/// Minor units as an ISO 20022 decimal amount (`1234` with exponent 2 is `12.34`).
pub fn decimal(minor: i64, exponent: u32) -> String {
    if exponent == 0 {
        return minor.to_string();
    }
    let scale = 10_i64.pow(exponent);
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    let scale_u = scale.unsigned_abs();
    format!(
        "{sign}{}.{:0width$}",
        abs / scale_u,
        abs % scale_u,
        width = exponent as usize
    )
}

/// Parses an ISO 20022 decimal amount into minor units; refuses more
/// fraction digits than the currency has (no silent rounding).
pub fn parse_decimal(text: &str, exponent: u32) -> Option<i64> {
    let (whole, fraction) = match text.split_once('.') {
        Some((w, f)) => (w, f),
        None => (text, ""),
    };
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let exp = exponent as usize;
    let trimmed = fraction.trim_end_matches('0');
    if trimmed.len() > exp {
        return None;
    }
    let padded = format!("{trimmed:0<exp$}");
    let scale = 10_i64.checked_pow(exponent)?;
    let w: i64 = whole.parse().ok()?;
    let f: i64 = if padded.is_empty() {
        0
    } else {
        padded.parse().ok()?
    };
    w.checked_mul(scale)?.checked_add(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_tree_and_refuses_broken_xml() {
        let root = parse("<?xml version=\"1.0\"?><A xmlns=\"urn:x\"><B>one &amp; two</B><B/><C Ccy=\"EUR\">1.50</C></A>").unwrap();
        assert_eq!(root.attribute("xmlns"), Some("urn:x"));
        assert_eq!(root.text_at(&["B"]).as_deref(), Some("one & two"));
        assert_eq!(root.children_named("B").count(), 2);
        assert_eq!(root.at(&["C"]).unwrap().attribute("Ccy"), Some("EUR"));
        assert!(parse("<A><B></A>").is_err());
        assert!(parse("<A>").is_err());
        assert!(parse("not xml").is_err());
        assert!(parse("<A/><B/>").is_err());
        assert!(parse("<!DOCTYPE A [<!ENTITY x \"y\">]><A>&x;</A>").is_err());
    }

    #[test]
    fn decimals_round_trip_exactly() {
        assert_eq!(decimal(123_456, 2), "1234.56");
        assert_eq!(decimal(5, 2), "0.05");
        assert_eq!(decimal(700, 0), "700");
        assert_eq!(parse_decimal("1234.56", 2), Some(123_456));
        assert_eq!(parse_decimal("0.5", 2), Some(50));
        assert_eq!(parse_decimal("12.345", 2), None);
        assert_eq!(parse_decimal("700", 0), Some(700));
        assert_eq!(parse_decimal("-1", 2), None);
    }
}
