//! `build --relative-urls`: the rendered pages, each URL of their attributes written relative to
//! the page, so that the output works opened from disk (`file://`) or unpacked from a zip.
//!
//! A stage after `render`, before `output`: pages are rendered exactly as for a server, then each
//! HTML file is streamed once through lol_html, which rewrites the attributes that hold a URL and
//! leaves every other byte as it was. So no template needs to know about the mode, and a site's
//! own templates work as they are. What a URL becomes is [`crate::urls::RelativeUrls`]'s rule;
//! the search index's files are written as scripts ([`crate::search::Form::Script`]).

use std::borrow::Cow;

use lol_html::html_content::Element;
use lol_html::{ElementContentHandlers, HtmlRewriter, Selector, Settings};

use crate::render::Page;
use crate::urls::RelativeUrls;

/// Attributes whose value is one URL, on whatever element holds them.
const URL_ATTRIBUTES: [&str; 7] = [
    "href",
    "src",
    "action",
    "formaction",
    "poster",
    "cite",
    "data",
];

/// The elements [`Rewriter`] looks at: those with a URL attribute, a `srcset`, a
/// `<meta http-equiv>` (a refresh's `content` holds a URL) and the search script.
const SELECTOR: &str = "[href], [src], [action], [formaction], [poster], [cite], object[data], \
                        [srcset], meta[http-equiv], script[data-index]";

/// Rewrites the URLs of a site's HTML pages relative to each page.
pub struct Rewriter {
    urls: RelativeUrls,
    selector: Selector,
}

impl Rewriter {
    pub fn new(urls: RelativeUrls) -> Result<Rewriter, String> {
        let selector = SELECTOR.parse().map_err(|e| format!("{SELECTOR}: {e}"))?;
        Ok(Rewriter { urls, selector })
    }

    /// `page` with its URLs rewritten when it is an HTML file; any other file as it is.
    pub fn page(&self, page: Page) -> Result<Page, String> {
        if !page.path.ends_with(".html") {
            return Ok(page);
        }
        let mut out = Vec::with_capacity(page.content.len() + page.content.len() / 16);
        let handlers = ElementContentHandlers::default()
            .element(|el: &mut Element<'_, '_>| self.element(&page.path, el));
        let settings = Settings::new()
            .append_element_content_handler((Cow::Borrowed(&self.selector), handlers));
        let mut rewriter = HtmlRewriter::new(settings, |chunk: &[u8]| out.extend_from_slice(chunk));
        rewriter
            .write(&page.content)
            .and_then(|()| rewriter.end())
            .map_err(|e| format!("cannot make the links of `{}` relative: {e}", page.path))?;
        Ok(Page {
            path: page.path,
            content: out,
        })
    }

    fn element(&self, page: &str, el: &mut Element<'_, '_>) -> lol_html::HandlerResult {
        let url = |value: &str| self.urls.url(page, value);
        for name in URL_ATTRIBUTES {
            rewrite(el, name, url)?;
        }
        rewrite(el, "srcset", |value| {
            // Candidates `url [descriptor]`, comma-separated; a `data:` URL may hold commas.
            if value.contains("data:") {
                return None;
            }
            let candidates: Vec<String> = value
                .split(',')
                .map(|c| {
                    let c = c.trim();
                    let (u, descriptor) =
                        c.split_at(c.find(char::is_whitespace).unwrap_or(c.len()));
                    format!("{}{descriptor}", url(u).unwrap_or_else(|| u.to_string()))
                })
                .collect();
            Some(candidates.join(", "))
        })?;
        if el.tag_name() == "meta"
            && el
                .get_attribute("http-equiv")
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("refresh"))
        {
            rewrite(el, "content", |value| refresh(value, url))?;
        }
        if el.tag_name() == "script" && el.has_attribute("data-index") {
            // The search script (docs/templates.md): its index is a script to load, its base
            // the way to the output's root, and it is told so.
            rewrite(el, "data-index", url)?;
            rewrite(el, "data-base", |_| Some(RelativeUrls::root_of(page)))?;
            el.set_attribute("data-relative-urls", "")?;
        }
        Ok(())
    }
}

/// Rewrites attribute `name` of `el` with `f` (given its value with entities decoded; `None`
/// leaves it as it is). A value with a named character reference other than the five of XML
/// is left as it is.
fn rewrite(
    el: &mut Element<'_, '_>,
    name: &str,
    f: impl Fn(&str) -> Option<String>,
) -> lol_html::HandlerResult {
    let Some(raw) = el.get_attribute(name) else {
        return Ok(());
    };
    let Some(value) = decode(&raw) else {
        return Ok(());
    };
    if let Some(new) = f(&value) {
        el.set_attribute(name, &encode(&new))?;
    }
    Ok(())
}

/// A `<meta http-equiv="refresh">`'s `content` (`0; url=/x/`) with its URL rewritten by `f`.
fn refresh(content: &str, f: impl Fn(&str) -> Option<String>) -> Option<String> {
    let at = content.find([';', ','])?;
    let after = content[at + 1..].trim_start();
    let mut start = content.len() - after.len();
    if after.len() >= 3 && after[..3].eq_ignore_ascii_case("url") {
        let rest = after[3..].trim_start();
        let rest = rest.strip_prefix('=')?.trim_start();
        start = content.len() - rest.len();
    }
    let rest = &content[start..];
    let (quote, url) = match rest.chars().next() {
        Some(q @ ('\'' | '"')) => (Some(q), &rest[1..]),
        _ => (None, rest),
    };
    let end = quote.and_then(|q| url.find(q)).unwrap_or(url.len());
    let new = f(&url[..end])?;
    let open = &content[..start + usize::from(quote.is_some())];
    Some(format!("{open}{new}{}", &url[end..]))
}

/// An attribute's value with its character references decoded: numeric ones and `&amp;`,
/// `&lt;`, `&gt;`, `&quot;`, `&apos;`. `None` when it holds another named one (errdex writes
/// none; a template's would be left alone). A `&` that starts no reference is itself.
fn decode(raw: &str) -> Option<Cow<'_, str>> {
    if !raw.contains('&') {
        return Some(Cow::Borrowed(raw));
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[1..]
            .find(|c: char| !c.is_ascii_alphanumeric() && c != '#')
            .map(|e| e + 1);
        let Some(end) = end.filter(|&e| rest[e..].starts_with(';') && e > 1) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..end];
        let c = match name {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let number = name.strip_prefix('#')?;
                let code = match number.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                    None => number.parse().ok()?,
                };
                char::from_u32(code)?
            }
        };
        out.push(c);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Some(Cow::Owned(out))
}

/// A value for a double-quoted attribute: `&`, `<`, `>` and `"` as references.
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(path: &str, html: &str) -> String {
        let urls = RelativeUrls::new("https://h.example/errors/", []);
        let page = Page {
            path: path.into(),
            content: html.as_bytes().to_vec(),
        };
        let out = Rewriter::new(urls)
            .and_then(|r| r.page(page))
            .map(|p| p.content);
        String::from_utf8(out.unwrap_or_default()).unwrap_or_default()
    }

    #[test]
    fn the_selector_parses() {
        assert!(SELECTOR.parse::<Selector>().is_ok());
    }

    #[test]
    fn attribute_urls_become_relative_and_the_rest_stays_byte_for_byte() {
        let html = concat!(
            "<!doctype html><html><head><link rel=\"canonical\" href=\"https://h.example/errors/t/x/\">",
            "<link rel=stylesheet href='/errors/style.1.css'><meta http-equiv=\"refresh\" content=\"0; url=/errors/t/y/\">",
            "<meta property=\"og:url\" content=\"/errors/t/x/\"></head><body>",
            "<a href=\"/errors/search/?q=a&amp;tool=b#r\">s</a> <a href=\"#main\">m</a> <a href=\"/errors/t/&#x79;/\">y</a>",
            "<a href=\"/errors/&copy;/\">c</a><img src=\"/errors/i.png\" srcset=\"/errors/i.png 1x, /errors/i2.png 2x\" alt=\"\">",
            "<form action=\"/errors/search/\"><button formaction=\"/other/\">b</button></form>",
            "<script src=\"/errors/search.1.js\" data-index=\"/errors/search/manifest.js\" data-base=\"/errors/\" defer></script>",
            "<p>/errors/t/x/ stays in text</p></body></html>"
        );
        let out = rewritten("t/x/index.html", html);
        let expected = concat!(
            "<!doctype html><html><head><link rel=\"canonical\" href=\"https://h.example/errors/t/x/\">",
            "<link rel=stylesheet href=\"../../style.1.css\"><meta http-equiv=\"refresh\" content=\"0; url=../../t/y/index.html\">",
            "<meta property=\"og:url\" content=\"/errors/t/x/\"></head><body>",
            "<a href=\"../../search/index.html?q=a&amp;tool=b#r\">s</a> <a href=\"#main\">m</a> <a href=\"../../t/y/index.html\">y</a>",
            "<a href=\"/errors/&copy;/\">c</a><img src=\"../../i.png\" srcset=\"../../i.png 1x, ../../i2.png 2x\" alt=\"\">",
            "<form action=\"../../search/index.html\"><button formaction=\"https://h.example/other/\">b</button></form>",
            "<script src=\"../../search.1.js\" data-index=\"../../search/manifest.js\" data-base=\"../../\" defer data-relative-urls=\"\"></script>",
            "<p>/errors/t/x/ stays in text</p></body></html>"
        );
        assert_eq!(out, expected);
        // Not HTML: as it was.
        let urls = RelativeUrls::new("https://h.example/", []);
        let xml = Page {
            path: "sitemap.xml".into(),
            content: b"<a href=\"/x/\">".to_vec(),
        };
        assert_eq!(
            Rewriter::new(urls).and_then(|r| r.page(xml.clone())),
            Ok(xml)
        );
    }

    #[test]
    fn a_rewritten_value_is_escaped_again() {
        let html = "<a href=\"/errors/x/?q=&quot;&gt;&lt;script&gt;&amp;\">x</a>";
        assert_eq!(
            rewritten("index.html", html),
            "<a href=\"x/index.html?q=&quot;&gt;&lt;script&gt;&amp;\">x</a>"
        );
    }

    #[test]
    fn a_refresh_keeps_its_form() {
        let f = |u: &str| Some(format!("<{u}>"));
        assert_eq!(refresh("0; url=/a/", f).as_deref(), Some("0; url=</a/>"));
        assert_eq!(
            refresh("5;URL = '/a/' ", f).as_deref(),
            Some("5;URL = '</a/>' ")
        );
        assert_eq!(refresh("0, /a/", f).as_deref(), Some("0, </a/>"));
        assert_eq!(refresh("0", f), None);
    }

    #[test]
    fn references_decode_and_encode() {
        assert_eq!(decode("a&amp;b&#x2F;&#47;&lt;").as_deref(), Some("a&b//<"));
        assert_eq!(decode("a&b=1&;").as_deref(), Some("a&b=1&;"));
        assert_eq!(decode("&copy;"), None);
        assert_eq!(encode("a&b\"<>"), "a&amp;b&quot;&lt;&gt;");
    }
}
