//! Markdown → HTML with pulldown-cmark; pure functions.
//!
//! Bodies become HTML with stable ids on their headings (for the table of contents and links to
//! `#anchors`); inline fields (a cause, a quick fix) become HTML without the wrapping paragraph.
//! Content is trusted to the site's authors but not beyond: raw HTML is escaped, not passed
//! through, and only http(s), `mailto:`, site-relative and `#anchor` links survive; any other
//! scheme (`javascript:`, `data:`) is rendered as plain text. Root-relative links get the site's
//! base path, so a site published under `/errors/` keeps working.

use std::collections::VecDeque;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

/// A heading of a body, as it appears in the table of contents.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// A rendered body: its HTML, its headings (for the table of contents and `#anchor` checks) and
/// its links as written, with their byte ranges (for the link checks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub html: String,
    pub headings: Vec<Heading>,
    pub links: Vec<(String, Range<usize>)>,
}

/// Rewrites a link's destination before it is rendered (a link to another entry's file becomes
/// that page's URL); `None` leaves it as written.
pub type Relink<'r> = &'r dyn Fn(&str) -> Option<String>;

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// True for the links errdex lets through: http(s), mailto, `/site/paths`, relative paths and
/// `#anchors`. Anything with another scheme is refused.
pub fn is_allowed_link(url: &str) -> bool {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:")
    {
        return true;
    }
    // No scheme: a colon may only appear after a `/`, `?` or `#`.
    match url.find([':', '/', '?', '#']) {
        Some(i) => !url[i..].starts_with(':'),
        None => true,
    }
}

/// Rewrites a root-relative link (`/claude-code/x/`) under the base path (`/errors/`).
fn with_base(url: &str, base_path: &str) -> String {
    match url.strip_prefix('/') {
        Some(rest) if !url.starts_with("//") => format!("{base_path}{rest}"),
        _ => url.to_string(),
    }
}

/// The id of a heading (and the slug of a category, code or tag): the text transliterated to
/// ASCII (deunicode), then lowercase letters and digits joined by single hyphens; `section`
/// when nothing is left.
pub fn slugify(text: &str) -> String {
    // Non-ASCII letters are transliterated first (`Überprüfung` → `uberprufung`, `Ошибка` →
    // `oshibka`), so an id or a slug keeps its words instead of losing them.
    let ascii = deunicode::deunicode(text);
    let mut out = String::with_capacity(ascii.len());
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() {
        "section".into()
    } else {
        trimmed.to_string()
    }
}

/// Makes ids unique within a page: the second `causes` becomes `causes-2`.
pub fn unique_id(base: String, taken: &mut Vec<String>) -> String {
    let mut id = base.clone();
    let mut n = 2;
    while taken.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    taken.push(id.clone());
    id
}

/// Events with links relinked, raw HTML escaped and disallowed links turned into text.
fn safe_events<'a>(
    events: impl Iterator<Item = Event<'a>>,
    base_path: &str,
    relink: Relink,
) -> impl Iterator<Item = Event<'a>> {
    let mut refused_depth = 0usize;
    let mut refused_images = 0usize;
    events.filter_map(move |event| match event {
        Event::Html(h) | Event::InlineHtml(h) => Some(Event::Text(h)),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let dest_url = relink(&dest_url).map_or(dest_url, CowStr::from);
            if is_allowed_link(&dest_url) {
                let dest_url = CowStr::from(with_base(&dest_url, base_path));
                Some(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }))
            } else {
                refused_depth += 1;
                None
            }
        }
        Event::End(TagEnd::Link) if refused_depth > 0 => {
            refused_depth -= 1;
            None
        }
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) if is_allowed_link(&dest_url) => Some(Event::Start(Tag::Image {
            link_type,
            dest_url: CowStr::from(with_base(&dest_url, base_path)),
            title,
            id,
        })),
        // A refused image keeps its description as text, like a refused link its words.
        Event::Start(Tag::Image { .. }) => {
            refused_images += 1;
            None
        }
        Event::End(TagEnd::Image) if refused_images > 0 => {
            refused_images -= 1;
            None
        }
        other => Some(other),
    })
}

/// Renders a body in one parse: headings get ids (`## Why this happens` → `why-this-happens`),
/// unique within the page given the ids already `taken` by the page's own sections; links are
/// collected as written, then relinked.
pub fn render_body(
    markdown: &str,
    base_path: &str,
    taken: &mut Vec<String>,
    relink: Relink,
) -> Rendered {
    let mut links = Vec::new();
    let parsed = Parser::new_ext(markdown, options())
        .into_offset_iter()
        .map(|(event, range)| {
            links.extend(written_link(&event, range));
            event
        });
    let mut headings = Vec::new();
    let mut html_out = String::with_capacity(markdown.len() * 3 / 2);
    let mut events = safe_events(parsed, base_path, relink);
    // Events pass straight to the HTML writer; a heading's are held until its end, when its
    // text (and so its id) is known, then queued after its start tag with the id, followed by
    // a link to itself (so a section can be shared).
    let mut queue: VecDeque<Event> = VecDeque::new();
    let stream = std::iter::from_fn(|| {
        if let Some(event) = queue.pop_front() {
            return Some(event);
        }
        let event = events.next()?;
        let Event::Start(Tag::Heading {
            level,
            classes,
            attrs,
            ..
        }) = event
        else {
            return Some(event);
        };
        let inner: Vec<Event> = events
            .by_ref()
            .take_while(|e| !matches!(e, Event::End(TagEnd::Heading(_))))
            .collect();
        let text = plain_of(&inner);
        let id = unique_id(slugify(&text), taken);
        queue.extend(inner);
        queue.push_back(Event::InlineHtml(CowStr::from(format!(
            r##" <a class="anchor" href="#{id}" aria-label="Link to this section">#</a>"##
        ))));
        queue.push_back(Event::End(TagEnd::Heading(level)));
        headings.push(Heading {
            level: heading_number(level),
            id: id.clone(),
            text,
        });
        Some(Event::Start(Tag::Heading {
            level,
            id: Some(CowStr::from(id)),
            classes,
            attrs,
        }))
    });
    html::push_html(&mut html_out, stream);
    drop(events); // which holds `links`
    Rendered {
        html: html_out,
        headings,
        links,
    }
}

fn heading_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn plain_of(events: &[Event]) -> String {
    let mut s = String::new();
    for e in events {
        match e {
            Event::Text(t) | Event::Code(t) => s.push_str(t),
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            _ => {}
        }
    }
    s
}

/// The links in some Markdown and their byte ranges (of the whole link), for link checks.
pub fn links(markdown: &str) -> Vec<(String, Range<usize>)> {
    // Every link starts with `[` (inline, reference) or `<` (autolink): most inline fields
    // have neither and need no parse.
    if !markdown.contains(['[', '<']) {
        return Vec::new();
    }
    Parser::new_ext(markdown, options())
        .into_offset_iter()
        .filter_map(|(event, range)| written_link(&event, range))
        .collect()
}

/// A link's destination as written and the byte range of the whole link, when `event` starts one.
fn written_link(event: &Event, range: Range<usize>) -> Option<(String, Range<usize>)> {
    match event {
        Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
            Some((dest_url.to_string(), range))
        }
        _ => None,
    }
}

/// True when some Markdown is one line of plain words that renders as itself: it starts with a
/// letter (no list, heading, quote or indented code can begin there) and holds no character that
/// starts inline markup (`` ` * _ [ ] ! < > & \ ~ | ``) or a new line. Most inline fields are
/// like this, and rendering them needs no parse (the test `plain_text_renders_as_itself`
/// compares both ways).
fn is_plain(markdown: &str) -> bool {
    // Looked up byte by byte (all of them are ASCII): this runs on every inline field.
    const MARKUP: [bool; 256] = {
        let mut markup = [false; 256];
        let chars = b"`*_[]!<>&\\~|\n\r";
        let mut i = 0;
        while i < chars.len() {
            markup[chars[i] as usize] = true;
            i += 1;
        }
        markup
    };
    markdown.chars().next().is_some_and(char::is_alphabetic)
        && !markdown.bytes().any(|b| MARKUP[usize::from(b)])
}

/// Renders an inline field (one line of Markdown) without the wrapping `<p>`.
pub fn render_inline(markdown: &str, base_path: &str, relink: Relink) -> String {
    if is_plain(markdown) {
        return markdown.trim_end().to_string();
    }
    parse_inline(markdown, base_path, relink)
}

fn parse_inline(markdown: &str, base_path: &str, relink: Relink) -> String {
    let parsed = Parser::new_ext(markdown, options());
    let events = safe_events(parsed, base_path, relink).filter(|e| {
        !matches!(
            e,
            Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph)
        )
    });
    let mut out = String::with_capacity(markdown.len() + 16);
    html::push_html(&mut out, events);
    out.trim_end().to_string()
}

/// The text of some Markdown with the markup removed (for meta descriptions and search).
pub fn plain_text(markdown: &str) -> String {
    if is_plain(markdown) {
        return markdown.trim().to_string();
    }
    parse_plain_text(markdown)
}

fn parse_plain_text(markdown: &str) -> String {
    let mut s = String::new();
    for e in Parser::new_ext(markdown, options()) {
        match e {
            Event::Text(t) | Event::Code(t) => s.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::End(_)
                if !s.ends_with(' ') && !s.is_empty() && !is_inline_end(&e) =>
            {
                s.push(' ');
            }
            _ => {}
        }
    }
    s.trim().to_string()
}

fn is_inline_end(e: &Event) -> bool {
    matches!(
        e,
        Event::End(
            TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
                | TagEnd::Image
                | TagEnd::Superscript
                | TagEnd::Subscript
        )
    )
}

/// The text of HTML that errdex rendered itself (an entry's body): its tags and character
/// references become spaces. For counting words, not for display.
pub fn html_words(html: &str) -> impl Iterator<Item = &str> {
    let mut in_tag = false;
    html.split(move |c: char| match c {
        '<' => {
            in_tag = true;
            true
        }
        '>' => {
            in_tag = false;
            true
        }
        _ => in_tag,
    })
    .flat_map(|text| text.split('&').enumerate())
    .map(|(i, part)| {
        // After a `&`, skip the reference up to its `;`.
        if i == 0 {
            part
        } else {
            part.split_once(';').map_or(part, |(_, rest)| rest)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_words_drop_tags_and_references() {
        let html = r##"<h2 id="why">Why <a class="anchor" href="#why">#</a></h2><p>Tom &amp; Jerry&#39;s <code>unattended</code> runs</p>"##;
        let text: String = html_words(html).collect::<Vec<_>>().join("|");
        assert_eq!(
            text.replace('|', " ")
                .split_whitespace()
                .collect::<Vec<_>>(),
            ["Why", "#", "Tom", "Jerry", "s", "unattended", "runs"]
        );
    }

    /// A [`Relink`] that leaves every link as written.
    fn as_written(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn headings_get_stable_unique_ids() {
        let mut taken = vec!["faq".to_string()];
        let r = render_body(
            "## What this error means\n\ntext\n\n## FAQ\n",
            "/",
            &mut taken,
            &as_written,
        );
        assert!(r.html.contains(r#"<h2 id="what-this-error-means">"#));
        assert!(r.html.contains(r#"<h2 id="faq-2">"#));
        assert_eq!(r.headings[0].text, "What this error means");
        // Letters outside ASCII are left out of ids (as before the ASCII fast path).
        assert_eq!(slugify("Ünïcode É 401: `x_y`"), "unicode-e-401-x-y");
        assert_eq!(
            slugify("Überprüfung der Verbindung"),
            "uberprufung-der-verbindung"
        );
        assert_eq!(slugify("Ошибка сети"), "oshibka-seti");
        assert_eq!(slugify("接続エラー"), "jie-sok-era");
        assert_eq!(slugify("🚀"), "rocket");
        assert_eq!(slugify("--"), "section");
    }

    #[test]
    fn links_are_collected_as_written_and_rendered_relinked() {
        let md = "See [the other](../npm/x.md#why) and [ref][r].\n\n[r]: y.md\n";
        let relink = |url: &str| url.contains(".md").then(|| format!("/moved/{url}/"));
        let r = render_body(md, "/errors/", &mut Vec::new(), &relink);
        let written: Vec<&str> = r.links.iter().map(|(url, _)| url.as_str()).collect();
        assert_eq!(written, ["../npm/x.md#why", "y.md"]);
        assert_eq!(&md[r.links[0].1.clone()], "[the other](../npm/x.md#why)");
        assert!(
            r.html
                .contains(r#"<a href="/errors/moved/../npm/x.md#why/">the other</a>"#)
        );
        assert!(r.html.contains(r#"<a href="/errors/moved/y.md/">ref</a>"#));
        assert_eq!(links(md), r.links);
    }

    #[test]
    fn raw_html_is_escaped_and_bad_links_dropped() {
        let r = render_inline("<script>x</script>", "/", &as_written);
        assert_eq!(r, "&lt;script&gt;x&lt;/script&gt;");
        let r = render_inline(
            "a <b onclick=x>bold</b> [a](javascript:alert(1)) [b](/x/)",
            "/errors/",
            &as_written,
        );
        assert!(!r.contains("<b "), "{r}");
        assert!(!r.contains("javascript:"), "{r}");
        assert!(r.contains(r#"<a href="/errors/x/">b</a>"#));
        assert!(!r.starts_with("<p>"));
        // A refused image keeps its description, not its address; `check` reports it (E012).
        let r = render_inline(
            "see ![the chart](javascript:alert(1)) here",
            "/",
            &as_written,
        );
        assert_eq!(r, "see the chart here");
        assert_eq!(links("![c](javascript:x)")[0].0, "javascript:x");
    }

    #[test]
    fn plain_text_renders_as_itself() {
        let mut samples: Vec<String> = [
            "Run the command again",
            "Übersicht of the proxy settings  ",
            "Set the key in the shell's profile \"quoted\" (and retry)",
            "Check the file at ~/.config or C:\\Users",
            "A 1. B - C + D # E = F: G; H? I/ J% K$ L^ M{ N} O@ P'",
            "Use *this* or `that`",
            "see [x](/a/) now",
            "a < b & c > d",
            "two\nlines",
            "strike ~~this~~",
            "a | b",
            "trailing spaces   ",
            "x_y_z",
            "",
            "1. a list",
            "- a list",
            "# heading",
            "    code",
            "> quote",
            "Ends with a backslash \\",
        ]
        .map(String::from)
        .to_vec();
        // And every inline field of the repo's own entries.
        for entry in walkdir::WalkDir::new(concat!(env!("CARGO_MANIFEST_DIR"), "/content")) {
            let Ok(entry) = entry else { continue };
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            samples.extend(
                text.lines()
                    .filter_map(|l| l.trim_start().strip_prefix("- "))
                    .map(|l| l.trim_matches(['\'', '"']).to_string()),
            );
        }
        assert!(samples.len() > 100, "{}", samples.len());
        let mut plain = 0;
        for s in &samples {
            if is_plain(s) {
                plain += 1;
                assert_eq!(
                    render_inline(s, "/", &as_written),
                    parse_inline(s, "/", &as_written),
                    "{s:?}"
                );
                assert_eq!(plain_text(s), parse_plain_text(s), "{s:?}");
            }
        }
        assert!(plain > 50, "{plain}");
    }

    #[test]
    fn allowed_links() {
        for ok in [
            "https://a.b/",
            "http://a",
            "/x/",
            "../y.md",
            "#top",
            "mailto:a@b",
            "x/y?a=b:c",
        ] {
            assert!(is_allowed_link(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "data:text/html,x",
            "JavaScript:x",
            "vbscript:x",
        ] {
            assert!(!is_allowed_link(bad), "{bad}");
        }
    }

    #[test]
    fn links_have_ranges() {
        let md = "see [x](/a/b/) now";
        let l = links(md);
        assert_eq!(l[0].0, "/a/b/");
        assert_eq!(&md[l[0].1.clone()], "[x](/a/b/)");
    }
}
