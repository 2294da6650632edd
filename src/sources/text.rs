//! A fetched page as the words a reader sees: decoded from its charset, HTML reduced to its
//! visible text, Markdown to its rendered words; normalised so that a quote is found whatever
//! the page's case, spacing or typographic quotes.

use std::sync::LazyLock;

use regex::Regex;

/// Whether a page is HTML, Markdown or other text, from its media type and URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Html,
    Markdown,
    Text,
}

impl Kind {
    pub fn of(content_type: Option<&str>, url: &str) -> Kind {
        let mime = content_type
            .and_then(|c| c.split(';').next())
            .map(|m| m.trim().to_ascii_lowercase())
            .unwrap_or_default();
        let path = url
            .split(['?', '#'])
            .next()
            .unwrap_or(url)
            .to_ascii_lowercase();
        match mime.as_str() {
            "text/html" | "application/xhtml+xml" => Kind::Html,
            "text/markdown" | "text/x-markdown" => Kind::Markdown,
            "text/plain" if path.ends_with(".md") || path.ends_with(".markdown") => Kind::Markdown,
            "" if path.ends_with(".md") => Kind::Markdown,
            "" => Kind::Html,
            _ => Kind::Text,
        }
    }
}

/// The page's bytes as text: the charset of `Content-Type`, else (for HTML) of a `<meta>` in
/// its first kilobyte, else a byte order mark, else UTF-8; bytes that do not decode become U+FFFD.
pub fn decode(body: &[u8], content_type: Option<&str>, kind: Kind) -> String {
    let label = content_type
        .and_then(charset_param)
        .or_else(|| (kind == Kind::Html).then(|| meta_charset(body)).flatten());
    let encoding = label
        .and_then(|l| encoding_rs::Encoding::for_label(l.as_bytes()))
        .unwrap_or(encoding_rs::UTF_8);
    // `decode` honours a byte order mark over the label, as browsers do.
    encoding.decode(body).0.into_owned()
}

fn charset_param(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches('"').to_string())
    })
}

static META_CHARSET: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"(?i)<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_:.-]+)"#).ok());

fn meta_charset(body: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(&body[..body.len().min(1024)]);
    let re = META_CHARSET.as_ref()?;
    re.captures(&head)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().to_string())
}

/// The words a reader sees: for HTML, the text of the body outside scripts, styles and
/// templates, with block elements apart; for Markdown, the text without its inline markup.
pub fn visible_text(text: &str, kind: Kind) -> String {
    match kind {
        Kind::Html => html_text(text),
        Kind::Markdown => markdown_text(text),
        Kind::Text => text.to_string(),
    }
}

/// Elements whose text a reader never sees.
const HIDDEN: [&str; 7] = [
    "script", "style", "noscript", "template", "head", "svg", "iframe",
];

/// Elements that start a new block: their text is kept apart from their neighbours'.
const BLOCKS: [&str; 30] = [
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "td",
];

fn html_text(html: &str) -> String {
    use scraper::node::Node;
    let doc = scraper::Html::parse_document(html);
    let mut out = String::with_capacity(html.len() / 3);
    // Depth-first, without recursion (a page may nest deeply).
    let mut stack = vec![(doc.tree.root(), false)];
    while let Some((node, leaving)) = stack.pop() {
        match node.value() {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) => {
                let name = e.name();
                let block = BLOCKS.contains(&name) || matches!(name, "th" | "tr" | "table" | "ul");
                if block {
                    out.push(' ');
                }
                if leaving || HIDDEN.contains(&name) {
                    continue;
                }
                stack.push((node, true));
                let children: Vec<_> = node.children().collect();
                stack.extend(children.into_iter().rev().map(|c| (c, false)));
            }
            Node::Document | Node::Fragment => {
                let children: Vec<_> = node.children().collect();
                stack.extend(children.into_iter().rev().map(|c| (c, false)));
            }
            _ => {}
        }
    }
    out
}

static MD_LINK: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"!?\[([^\]]*)\]\([^)]*\)").ok());

fn markdown_text(md: &str) -> String {
    let linked = match MD_LINK.as_ref() {
        Some(re) => re.replace_all(md, "$1").into_owned(),
        None => md.to_string(),
    };
    linked.replace(['`', '*'], "").replace("__", "")
}

/// Text as quotes are compared: lower-cased, typographic quotes and dashes as ASCII, no-break
/// and other spaces as one space.
pub fn normalize(text: &str) -> String {
    let mapped: String = text
        .chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{2032}' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201F}' | '\u{2033}' => '"',
            '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
            c => c,
        })
        .collect();
    mapped
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A fingerprint of a page's normalised text: whether it changed since the last run.
pub fn fingerprint(normalized: &str) -> String {
    format!("{:016x}", crate::search::fnv1a64(normalized.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_text_is_what_a_reader_sees() {
        let html = r#"<html><head><title>T</title><style>p{}</style></head><body>
            <script>var hidden = 1;</script><p>The API is <b>temporarily</b>
            overloaded.</p><p>Next</p><noscript>no</noscript><ul><li>a</li><li>b</li></ul></body></html>"#;
        let text = normalize(&visible_text(html, Kind::Html));
        assert_eq!(text, "the api is temporarily overloaded. next a b");
    }

    #[test]
    fn charsets_are_honoured() {
        let latin1 = b"<meta charset=\"iso-8859-1\"><p>Caf\xe9</p>";
        assert!(decode(latin1, Some("text/html"), Kind::Html).contains("Café"));
        let header = b"<p>Caf\xe9</p>";
        assert!(
            decode(header, Some("text/html; charset=windows-1252"), Kind::Html).contains("Café")
        );
        assert!(decode(b"plain \xff", Some("text/plain"), Kind::Text).contains('\u{fffd}'));
    }

    #[test]
    fn markdown_loses_its_inline_markup() {
        let md = "* 529 - `overloaded_error`: The API is **temporarily** overloaded. See [rate limits](https://x).";
        assert_eq!(
            normalize(&visible_text(md, Kind::Markdown)),
            "529 - overloaded_error: the api is temporarily overloaded. see rate limits."
        );
    }

    #[test]
    fn normalising_ignores_case_spacing_and_typography() {
        assert_eq!(
            normalize("It\u{2019}s  A\u{a0}\u{2014}\nquote"),
            "it's a - quote"
        );
    }
}
