//! The site's URL scheme and reserved names, in one place that imports nothing from the project:
//! which names may be URL segments, the fixed anchors of an entry page, the prefixes of the list
//! pages, how a link written in an entry resolves to another entry's page, and how parameters are
//! added to an external address's query.
//!
//! `entry` (relinking `.md` links, heading ids), `site` (link and alias checks) and `render`
//! (page paths) all read it, so the scheme cannot drift between checking and rendering.

/// The anchor ids of an entry page's fixed sections after the body, in the reference page's
/// order. Their titles are the renderer's (`render::entry_page`).
pub const SECTION_IDS: [&str; 8] = [
    "causes",
    "quick-fixes",
    "checks",
    "steps",
    "prevention",
    "sources",
    "related",
    "faq",
];

/// Ids an entry page uses besides its sections: the facts box, the main region, the table of
/// contents.
const PAGE_IDS: [&str; 3] = ["facts", "main", "toc"];

/// Ids reserved on every entry page (the facts box and the fixed sections): a body heading
/// with one of these names gets another id.
pub fn reserved_ids() -> Vec<String> {
    SECTION_IDS
        .iter()
        .chain(&PAGE_IDS)
        .map(|id| id.to_string())
        .collect()
}

/// The first URL segment of each kind of list page (`/category/<slug>/`, ...).
pub mod prefix {
    pub const CATEGORY: &str = "category";
    pub const CODE: &str = "code";
    pub const KIND: &str = "kind";
    pub const TAG: &str = "tag";
    /// The search page (`/search/`), and the folder of the search index.
    pub const SEARCH: &str = "search";
}

/// Top-level URL segments that are not tool folders: a link starting with one never names an
/// entry.
const NOT_TOOLS: [&str; 5] = [
    prefix::CATEGORY,
    prefix::CODE,
    prefix::KIND,
    prefix::TAG,
    prefix::SEARCH,
];

/// An entry's id (and its page's path): `<tool>/<slug>`, or `<slug>` for an entry directly in
/// `content/` (tool `""`).
pub fn entry_id(tool: &str, slug: &str) -> String {
    if tool.is_empty() {
        slug.to_string()
    } else {
        format!("{tool}/{slug}")
    }
}

/// What errdex's own pages use `/<name>/` for, when they do: a tool folder or an entry directly
/// in `content/` cannot have that name.
pub fn reserved_segment(name: &str) -> Option<&'static str> {
    Some(match name {
        prefix::CATEGORY => "the category pages",
        prefix::CODE => "the code pages",
        prefix::KIND => "the kind pages",
        prefix::TAG => "the tag pages",
        prefix::SEARCH => "the search page and index",
        _ => return None,
    })
}

/// True for a name that may be a tool folder, an entry's file stem or an id part: lowercase
/// ASCII letters, digits and `-`, not empty.
pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Resolves an internal link written in an entry to `(entry id, anchor)`: the id the link would
/// name, which may not exist (`/<tool>/` names a tool page on a site with tool folders). Returns
/// `None` for external links and links to other site paths (the home page, list pages).
pub fn resolve_link(from_id: &str, url: &str) -> Option<(String, Option<String>)> {
    let url = url.trim();
    if NOT_TOOLS.iter().any(|p| {
        url.strip_prefix('/')
            .and_then(|u| u.strip_prefix(p))
            .is_some_and(|u| u.starts_with('/'))
    }) {
        return None;
    }
    if url.contains("://") || url.starts_with("mailto:") || url.starts_with('#') {
        return None;
    }
    let (path, anchor) = match url.split_once('#') {
        Some((p, a)) => (p, Some(a.to_string())),
        None => (url, None),
    };
    let path = path.split('?').next().unwrap_or(path);
    let id = if let Some(rest) = path.strip_prefix('/') {
        let trimmed = rest.trim_end_matches('/').trim_end_matches("/index.html");
        // `/<tool>/<slug>/`, or `/<slug>/` on a site without tool folders; `check` knows which
        // ids exist.
        let segments = trimmed.matches('/').count() + 1;
        // One segment is an entry only if it could be a slug: `/diagram.svg` is a file.
        if segments > 2 || (segments == 1 && !is_valid_name(trimmed.trim_end_matches(".md"))) {
            return None;
        }
        trimmed.trim_end_matches(".md").to_string()
    } else if path.ends_with(".md") {
        // Relative to the entry's own file: `content/<tool>/<slug>.md` or `content/<slug>.md`.
        let mut parts: Vec<String> = from_id
            .rsplit_once('/')
            .map(|(tool, _)| tool.to_string())
            .into_iter()
            .collect();
        for seg in path.trim_end_matches(".md").split('/') {
            match seg {
                "." | "" => {}
                ".." => {
                    parts.pop();
                }
                s => parts.push(s.to_string()),
            }
        }
        parts.join("/")
    } else {
        return None;
    };
    Some((id, anchor))
}

/// The root-relative URL of the page a link to an entry's file leads to (`../npm/x.md#why` →
/// `/npm/x/#why`, from an entry of `from_id`); `None` for any other link, left as written.
pub fn md_link_url(from_id: &str, url: &str) -> Option<String> {
    if !url.contains(".md") {
        return None;
    }
    let (id, anchor) = resolve_link(from_id, url)?;
    Some(match anchor {
        Some(a) => format!("/{id}/#{a}"),
        None => format!("/{id}/"),
    })
}

/// A source must be an absolute http(s) URL with a host.
pub fn check_external_url(url: &str) -> Result<(), String> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| "it must be an http(s) URL".to_string())?;
    if rest.is_empty() || rest.starts_with('/') {
        return Err("the URL has no host".into());
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("the URL contains spaces".into());
    }
    Ok(())
}

/// What a query parameter's name or value keeps unescaped: letters, digits and `-._~` (RFC
/// 3986's unreserved characters). Everything else, spaces and newlines included, is `%XX`.
const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `url` with `params` added to its query, each name and value percent-encoded as UTF-8: after
/// the query it already has (`?labels=docs` stays), before its fragment.
pub fn with_query(url: &str, params: &[(&str, &str)]) -> String {
    let (base, fragment) = url
        .split_once('#')
        .map_or((url, None), |(b, f)| (b, Some(f)));
    let mut out = base.to_string();
    for (name, value) in params {
        let separator = match out.split_once('?') {
            None => "?",
            Some((_, query)) if query.is_empty() || query.ends_with('&') => "",
            Some(_) => "&",
        };
        let name = percent_encoding::utf8_percent_encode(name, QUERY_VALUE);
        let value = percent_encoding::utf8_percent_encode(value, QUERY_VALUE);
        out.push_str(&format!("{separator}{name}={value}"));
    }
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// The site's `base_url`: an absolute http(s) URL with a host, and a path under which every
/// page and asset is addressed (so no query, fragment, `.` or `..` segment).
pub fn check_base_url(url: &str) -> Result<(), String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| "must be an absolute http(s) URL".to_string())?;
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("must not contain spaces".into());
    }
    if url.contains(['?', '#']) {
        return Err(
            "must not have a query (`?`) or a fragment (`#`): every page's URL is \
             its path appended to it"
                .into(),
        );
    }
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    if !host_ok {
        return Err(format!(
            "has no valid host (`{host}`): write it as `https://example.org/`"
        ));
    }
    if path.split('/').any(|seg| seg == "." || seg == "..") {
        return Err("must not have `.` or `..` path segments".into());
    }
    Ok(())
}

/// The longest alias errdex writes (in bytes), and the longest segment of one: file systems
/// refuse names over 255 bytes, and the output folder's own path comes before it.
const MAX_ALIAS_LEN: usize = 1024;
const MAX_SEGMENT_LEN: usize = 200;

/// An alias as the page path it redirects from (`/old/path` → `/old/path/`), or why it cannot
/// be one: a site path of plain segments, each a folder of the output. Exactly what `build`
/// writes: no `..` or `.` segment (nothing outside the output folder), no hidden folder, no
/// query, fragment, percent-escape or backslash (a server would not map them to the folder),
/// no file name as its last segment, no control character, bounded length.
pub fn check_alias(alias: &str) -> Result<String, String> {
    const FORM: &str = "an alias is a page path such as `/old/path/`";
    let alias = alias.trim();
    if !alias.starts_with('/') || alias.contains("://") {
        return Err(FORM.into());
    }
    if alias.len() > MAX_ALIAS_LEN {
        return Err(format!("{FORM}, at most {MAX_ALIAS_LEN} bytes long"));
    }
    let url = normalize_site_path(alias);
    if url == "/" {
        return Err(format!("{FORM}; `/` is the home page"));
    }
    let segments: Vec<&str> = url.trim_matches('/').split('/').collect();
    for (i, seg) in segments.iter().enumerate() {
        let allowed = |c: char| {
            c.is_ascii_alphanumeric()
                || matches!(
                    c,
                    '-' | '_' | '.' | '~' | '+' | '@' | '!' | ',' | ';' | '=' | '(' | ')'
                )
        };
        let problem = if seg.is_empty() {
            Some("an empty segment (`//`)".to_string())
        } else if *seg == "." || *seg == ".." {
            Some(format!("a `{seg}` segment"))
        } else if seg.starts_with('.') {
            Some(format!("a hidden folder `{seg}`"))
        } else if seg.len() > MAX_SEGMENT_LEN {
            Some(format!("a segment over {MAX_SEGMENT_LEN} bytes"))
        } else if let Some(c) = seg.chars().find(|&c| !allowed(c)) {
            Some(format!("the character `{}`", c.escape_default()))
        } else if i + 1 == segments.len() && seg.contains('.') {
            Some(format!("a file name `{seg}` as its last segment"))
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(format!(
                "{FORM}, of letters, digits and `-_.~+@!,;=()`; this one has {problem}"
            ));
        }
    }
    Ok(url)
}

/// True for a path errdex may write under its output folder: relative, `/`-separated, every
/// segment a plain name (no `..`, `.`, empty segment, backslash or control character). Every
/// page passes this before it is written, whatever made its path.
pub fn is_safe_output_path(path: &str) -> bool {
    !path.is_empty()
        && path.split('/').all(|seg| {
            !seg.is_empty()
                && seg != "."
                && seg != ".."
                && !seg.contains('\\')
                && !seg.chars().any(char::is_control)
        })
}

/// The path of a link, without its `#anchor` or `?query`.
pub fn link_path(url: &str) -> &str {
    url.split(['#', '?']).next().unwrap_or(url)
}

/// `/old/path` and `/old/path/index.html` both mean `/old/path/`.
pub fn normalize_site_path(path: &str) -> String {
    let p = path.trim().trim_end_matches("index.html").trim_matches('/');
    if p.is_empty() {
        "/".into()
    } else {
        format!("/{p}/")
    }
}

/// How the pages of a site built with `--relative-urls` write the URLs of their links and files:
/// relative to the page, every folder as its `index.html`, so that the site works opened from
/// disk (`file://`, where no server maps `/` to the site's folder or a folder to its index).
pub struct RelativeUrls {
    /// What the site's own URLs start with: `/` or `/errors/` (`Config::base_path`).
    base_path: String,
    /// `https://example.org`: put before a root-relative URL outside the base path, which
    /// leads out of the site.
    origin: String,
    /// The output's files whose last segment has no `.` (a site's own static files, such as
    /// `CNAME`): every other such path is a folder.
    files: std::collections::HashSet<String>,
}

impl RelativeUrls {
    /// `base_url` is the site's (checked by [`check_base_url`]); `files` the output paths of its
    /// static files.
    pub fn new(base_url: &str, files: impl IntoIterator<Item = String>) -> RelativeUrls {
        let (scheme, rest) = base_url.split_once("://").unwrap_or(("https", base_url));
        let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let path = path.trim_matches('/');
        RelativeUrls {
            base_path: if path.is_empty() {
                "/".into()
            } else {
                format!("/{path}/")
            },
            origin: format!("{scheme}://{host}"),
            files: files
                .into_iter()
                .filter(|f| !last_segment(f).contains('.'))
                .collect(),
        }
    }

    /// The way from the page at output path `page` (`tool/x/index.html`) up to the output's
    /// root: `../../`, or `./` for a page at the root.
    pub fn root_of(page: &str) -> String {
        match page.matches('/').count() {
            0 => "./".into(),
            n => "../".repeat(n),
        }
    }

    /// `url`, as a page of the site has it, written for the page at output path `page`; `None`
    /// when it stays as it is. The site's own root-relative URLs become relative (`/tool/y/#faq`
    /// → `../../tool/y/index.html#faq` from `tool/x/index.html`); other root-relative ones,
    /// which leave the site, absolute from the base URL's origin; a relative URL to a folder gets
    /// its `index.html`. Absolute URLs, fragments and queries of the page stay.
    pub fn url(&self, page: &str, url: &str) -> Option<String> {
        // Browsers ignore the spaces around a URL in an attribute.
        let url = url.trim_matches(|c: char| c.is_ascii_whitespace());
        if url.is_empty() || url.starts_with(['#', '?']) || url.starts_with("//") || has_scheme(url)
        {
            return None;
        }
        let (path, rest) = url.split_at(url.find(['?', '#']).unwrap_or(url.len()));
        if !path.starts_with('/') {
            return match last_segment(path) {
                "" => Some(format!("{path}index.html{rest}")),
                "." | ".." => Some(format!("{path}/index.html{rest}")),
                _ => None,
            };
        }
        let path = remove_dot_segments(path);
        let site = if path == self.base_path.trim_end_matches('/') {
            ""
        } else if let Some(site) = path.strip_prefix(&self.base_path) {
            site.trim_start_matches('/')
        } else {
            return Some(format!("{}{path}{rest}", self.origin));
        };
        let file = if site.is_empty() || site.ends_with('/') {
            format!("{site}index.html")
        } else if last_segment(site).contains('.') || self.files.contains(site) {
            site.to_string()
        } else {
            format!("{site}/index.html")
        };
        let mut up = Self::root_of(page);
        // `./` only where it is needed: before a first segment that would read as a scheme.
        if up == "./" && !file.split('/').next().is_some_and(|s| s.contains(':')) {
            up.clear();
        }
        Some(format!("{up}{file}{rest}"))
    }
}

/// `mailto:`, `https:`, `javascript:`: a URL that names its scheme is never the site's.
fn has_scheme(url: &str) -> bool {
    let end = url.find([':', '/', '?', '#']);
    end.is_some_and(|i| {
        url.as_bytes()[i] == b':'
            && url[..i].starts_with(|c: char| c.is_ascii_alphabetic())
            && url[..i]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

fn last_segment(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// An absolute path with its `.` and `..` segments resolved as a browser does (`/a/../b/` →
/// `/b/`; `..` at the root stays at the root).
fn remove_dot_segments(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    for (i, seg) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        match *seg {
            "." | ".." => {
                if *seg == ".." {
                    out.pop();
                }
                if last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    format!("/{}", out.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_resolve_to_ids() {
        let r = |u| resolve_link("claude-code/a", u);
        assert_eq!(r("/claude-code/b/"), Some(("claude-code/b".into(), None)));
        assert_eq!(
            r("/claude-code/b/#faq"),
            Some(("claude-code/b".into(), Some("faq".into())))
        );
        assert_eq!(r("b.md"), Some(("claude-code/b".into(), None)));
        assert_eq!(r("../x/y.md#z"), Some(("x/y".into(), Some("z".into()))));
        assert_eq!(r("https://example.com/a/b/"), None);
        // A tool page, or an entry of a site without tool folders: `check` knows which.
        assert_eq!(r("/claude-code/"), Some(("claude-code".into(), None)));
        assert_eq!(r("/code/401/"), None);
        assert_eq!(r("/"), None);
        // From an entry directly in content/.
        let top = |u| resolve_link("a", u);
        assert_eq!(top("b.md#c"), Some(("b".into(), Some("c".into()))));
        assert_eq!(top("/b/"), Some(("b".into(), None)));
        assert_eq!(top("/diagram.svg"), None);
    }

    #[test]
    fn query_parameters_are_encoded_and_appended() {
        let params = [
            ("title", "401: a & b"),
            ("body", "line 1\nl\u{e9}ne 2 = `x`?"),
        ];
        let encoded = "title=401%3A%20a%20%26%20b&body=line%201%0Al%C3%A9ne%202%20%3D%20%60x%60%3F";
        let q = |url| with_query(url, &params);
        assert_eq!(
            q("https://h.example/new"),
            format!("https://h.example/new?{encoded}")
        );
        assert_eq!(
            q("https://h.example/new?"),
            format!("https://h.example/new?{encoded}")
        );
        assert_eq!(
            q("https://h.example/new?labels=docs"),
            format!("https://h.example/new?labels=docs&{encoded}")
        );
        assert_eq!(
            q("https://h.example/new?a=1&"),
            format!("https://h.example/new?a=1&{encoded}")
        );
        assert_eq!(
            q("https://h.example/new#top"),
            format!("https://h.example/new?{encoded}#top")
        );
        assert_eq!(with_query("https://h.example/", &[]), "https://h.example/");
    }

    #[test]
    fn aliases_are_plain_page_paths() {
        assert_eq!(check_alias("/old/path"), Ok("/old/path/".into()));
        assert_eq!(check_alias("/v1.2/old-page/"), Ok("/v1.2/old-page/".into()));
        assert_eq!(check_alias("/old/index.html"), Ok("/old/".into()));
        for bad in [
            "/../../../../../../../../srv/victim/",
            "/a/../../b/",
            "/./x/",
            "/q?x=1/",
            "/h#frag/",
            "/caf%C3%A9/",
            "/a\\b/",
            "/a b/",
            "/.git/",
            "/x//y/",
            "/old.html",
            "/",
            "old/path/",
            "https://example.org/x/",
            "/a\u{1}b/",
        ] {
            assert!(check_alias(bad).is_err(), "{bad:?} passed");
        }
        assert!(check_alias(&format!("/{}/", "a".repeat(5000))).is_err());
        assert!(check_alias(&format!("/{}/", "a".repeat(MAX_SEGMENT_LEN))).is_ok());
    }

    #[test]
    fn output_paths_stay_inside() {
        assert!(is_safe_output_path("claude-code/x/index.html"));
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a//b",
            "a/./b",
            "a\\..\\b",
            "a/\u{0}/b",
        ] {
            assert!(!is_safe_output_path(bad), "{bad:?}");
        }
    }

    #[test]
    fn names_are_lowercase_ascii_words() {
        assert!(is_valid_name("claude-code"));
        assert!(is_valid_name("401-oauth"));
        assert!(!is_valid_name(""));
        assert!(!is_valid_name("Bad Name"));
        assert!(!is_valid_name("über"));
    }

    #[test]
    fn relative_urls_lead_from_the_page_to_the_file() {
        let r = RelativeUrls::new("https://h.example/errors/", ["CNAME".to_string()]);
        let from = |page, url| r.url(page, url);
        let entry = "tool/x/index.html";
        assert_eq!(from(entry, "/errors/").as_deref(), Some("../../index.html"));
        assert_eq!(from(entry, "/errors").as_deref(), Some("../../index.html"));
        assert_eq!(
            from(entry, "/errors/tool/y/#faq").as_deref(),
            Some("../../tool/y/index.html#faq")
        );
        assert_eq!(
            from(entry, "/errors/search/?q=a&b=c").as_deref(),
            Some("../../search/index.html?q=a&b=c")
        );
        assert_eq!(
            from(entry, "/errors/style.0a1b2c3d.css").as_deref(),
            Some("../../style.0a1b2c3d.css")
        );
        // A folder written without its slash; a static file without a dot is a file.
        assert_eq!(
            from(entry, "/errors/tool/y").as_deref(),
            Some("../../tool/y/index.html")
        );
        assert_eq!(from(entry, "/errors/CNAME").as_deref(), Some("../../CNAME"));
        // From the root, no `./` unless a segment would read as a scheme.
        assert_eq!(
            from("index.html", "/errors/tool/").as_deref(),
            Some("tool/index.html")
        );
        assert_eq!(from("404.html", "/errors/").as_deref(), Some("index.html"));
        assert_eq!(
            from("index.html", "/errors/a:b/").as_deref(),
            Some("./a:b/index.html")
        );
        // Out of the base path: absolute, as a server would have it.
        assert_eq!(
            from(entry, "/other/").as_deref(),
            Some("https://h.example/other/")
        );
        assert_eq!(
            from(entry, "/errors/../x/").as_deref(),
            Some("https://h.example/x/")
        );
        assert_eq!(
            from(entry, "/errorsx/").as_deref(),
            Some("https://h.example/errorsx/")
        );
        // Relative folders get their index; the rest stays.
        assert_eq!(from(entry, "../y/").as_deref(), Some("../y/index.html"));
        assert_eq!(from(entry, "..#top").as_deref(), Some("../index.html#top"));
        for same in [
            "",
            "#main",
            "?q=1",
            "y.png",
            "https://h.example/errors/",
            "//cdn.example/x.js",
            "mailto:a@h.example",
            "data:text/plain,x",
        ] {
            assert_eq!(from(entry, same), None, "{same:?}");
        }
        let root = RelativeUrls::new("https://h.example", []);
        assert_eq!(root.url(entry, "/").as_deref(), Some("../../index.html"));
        assert_eq!(root.url(entry, "//x/"), None);
        assert_eq!(
            root.url(entry, "/a/./b/../").as_deref(),
            Some("../../a/index.html")
        );
        assert_eq!(RelativeUrls::root_of("index.html"), "./");
        assert_eq!(RelativeUrls::root_of("a/b/index.html"), "../../");
    }
}
