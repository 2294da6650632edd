//! Property tests over hostile input ("fuzzing" on stable Rust, with proptest): entry files,
//! `_section.yaml`, search queries and log lines never panic, every diagnostic points inside its
//! file, and an entry's body never carries a NUL or a script link into the page.
//!
//! Inputs are mostly structure-aware (front matter built from the real field names with values of
//! random types and shapes, Markdown bodies full of links, HTML and fences), partly raw bytes, and
//! partly structured files mutated byte by byte. Every diagnostic produced goes through the three
//! renderings. See tests/README.md for the budget (`ERRDEX_FUZZ_CASES`) and the regression files.

use std::path::Path;
use std::sync::OnceLock;
use std::time::Instant;

use errdex::diagnostic::{Diagnostic, Summary, render_github, render_human, render_json};
use errdex::entry::{Defaults, FIELDS, PLACEHOLDER, ParseContext, parse, parse_defaults};
use errdex::search::{Matcher, rank};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, FileFailurePersistence, TestCaseError, TestRunner};

/// Cases per target when `ERRDEX_FUZZ_CASES` is not set: the whole file stays well under 30 s
/// in a debug build on two cores.
const DEFAULT_CASES: u32 = 256;

const TODAY: &str = "2026-11-28";
const ENTRY_PATH: &str = "content/t/e.md";
const ENTRY_ID: &str = "t/e";
const SECTION_PATH: &str = "content/t/_section.yaml";

/// Where a target's failing seeds are saved (and replayed from on every run).
macro_rules! regressions {
    ($name:literal) => {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fuzz-regressions/",
            $name,
            ".txt"
        )
    };
}

fn cases() -> u32 {
    std::env::var("ERRDEX_FUZZ_CASES")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

/// Runs `test` on `cases()` inputs of `strategy` (after replaying the target's saved seeds) and
/// fails with the shrunk input when the property breaks.
fn run<S: Strategy>(
    name: &str,
    seeds: &'static str,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) {
    let config = Config {
        cases: cases(),
        source_file: Some(file!()),
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(seeds))),
        // A failure is reported within a minute even when each run of a shrunk input is slow.
        max_shrink_time: 60_000,
        ..Config::default()
    };
    let started = Instant::now();
    let mut runner = TestRunner::new(config);
    let result = runner.run(&strategy, test);
    eprintln!(
        "fuzz {name}: {} cases in {:.1?}",
        cases(),
        started.elapsed()
    );
    if let Err(e) = result {
        panic!("fuzz {name}: {e}");
    }
}

/// What a target's inputs reached: how many files parsed into an entry and how often each
/// diagnostic code came up, printed after the run so that a generator that stops reaching the
/// validation (or the body) shows.
#[derive(Default)]
struct Reached {
    entries: std::sync::atomic::AtomicUsize,
    codes: std::sync::Mutex<std::collections::BTreeMap<&'static str, usize>>,
}

impl Reached {
    fn saw(&self, diagnostics: &[Diagnostic]) {
        if let Ok(mut codes) = self.codes.lock() {
            for d in diagnostics {
                *codes.entry(d.problem.code().0).or_default() += 1;
            }
        }
    }

    fn report(&self, name: &str) {
        let codes = self.codes.lock().map(|c| c.clone()).unwrap_or_default();
        let codes: Vec<String> = codes.iter().map(|(c, n)| format!("{c}×{n}")).collect();
        eprintln!(
            "fuzz {name}: {} parsed into an entry; diagnostics {}",
            self.entries.load(std::sync::atomic::Ordering::Relaxed),
            codes.join(" ")
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Properties

fn today() -> jiff::civil::Date {
    TODAY.parse().expect("a date")
}

/// Every location points inside `text` (the file as parsed, BOM removed): lines and columns are
/// 1-based, the line exists, the column is on it (or just past its end), the end is not before
/// the start, and the quoted source line is that line.
fn check_locations(text: &str, diagnostics: &[Diagnostic]) -> Result<(), TestCaseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.split('\n').collect();
    for d in diagnostics {
        let Some(loc) = &d.location else { continue };
        let what = format!("{} at {:?}", d.problem.code().0, loc);
        for p in [loc.start, loc.end] {
            prop_assert!(p.line >= 1 && p.column >= 1, "0-based position: {what}");
            prop_assert!(
                p.line <= text.lines().count() + 1,
                "line past the end of the file ({} lines): {what}",
                text.lines().count()
            );
            let line = lines.get(p.line - 1).copied().unwrap_or_default();
            prop_assert!(
                p.column <= line.chars().count() + 1,
                "column past the end of line {} ({:?}): {what}",
                p.line,
                line
            );
        }
        prop_assert!(loc.end >= loc.start, "end before start: {what}");
        let line = lines.get(loc.start.line - 1).copied().unwrap_or_default();
        prop_assert_eq!(
            loc.source_line.as_str(),
            line.trim_end_matches('\r'),
            "source line is not line {}: {}",
            loc.start.line,
            what
        );
    }
    Ok(())
}

/// Every rendering of every diagnostic completes.
fn render_all(diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        let _ = render_human(d, false);
        let _ = render_human(d, true);
        let _ = render_github(d);
    }
    let _ = render_json(diagnostics, Summary::of(diagnostics, 1));
}

/// A URL scheme a browser would run or load as a document, after the clean-up browsers do
/// (control characters and spaces trimmed, tabs and newlines removed, any case).
fn is_script_url(url: &str) -> bool {
    let cleaned: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:"]
        .iter()
        .any(|s| cleaned.starts_with(s))
}

/// Whether a NUL in the body must not reach the page. On since the body's control characters
/// are blanked before it is rendered (the input that found it: `entry/nul-in-body.md`).
const CHECK_NUL: bool = true;

/// The body HTML has no NUL (when `nul`) and no element whose link runs script.
fn check_body_html(html: &str, nul: bool) -> Result<(), TestCaseError> {
    prop_assert!(!nul || !html.contains('\0'), "NUL in body_html: {html:?}");
    let doc = scraper::Html::parse_fragment(html);
    for el in doc
        .root_element()
        .descendants()
        .filter_map(scraper::ElementRef::wrap)
    {
        for (name, value) in el.value().attrs() {
            if matches!(
                name,
                "href" | "src" | "action" | "formaction" | "xlink:href"
            ) {
                prop_assert!(
                    !is_script_url(value),
                    "script URL in {name}={value:?} in body_html: {html:?}"
                );
            }
        }
    }
    Ok(())
}

/// The kinds of a site that declares none.
fn kinds() -> Vec<String> {
    errdex::config::DEFAULT_KINDS
        .iter()
        .map(|(k, _)| (*k).to_string())
        .collect()
}

fn parse_entry(
    text: &str,
    defaults: &Defaults,
    reached: &Reached,
    nul: bool,
) -> Result<(), TestCaseError> {
    let kinds = kinds();
    let cx = ParseContext {
        defaults,
        kinds: &kinds,
        today: today(),
        stale_after_days: 180,
        base_path: "/",
    };
    let parsed = parse(Path::new(ENTRY_PATH), ENTRY_ID, text, &cx);
    reached.saw(&parsed.diagnostics);
    render_all(&parsed.diagnostics);
    check_locations(text, &parsed.diagnostics)?;
    if let Some(entry) = &parsed.entry {
        reached
            .entries
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        check_body_html(&entry.body_html, nul)?;
    }
    Ok(())
}

/// The entry property: parsing never panics, diagnostics are in the file, the body is safe.
fn check_entry(text: &str, reached: &Reached) -> Result<(), TestCaseError> {
    parse_entry(text, &Defaults::default(), reached, CHECK_NUL)
}

/// The section property: parsing never panics and diagnostics are in the file; defaults that
/// parse are then used for an entry.
fn check_section(section: &str, entry: &str, reached: &Reached) -> Result<(), TestCaseError> {
    match parse_defaults(Path::new(SECTION_PATH), section, today(), &kinds()) {
        Ok((_meta, defaults)) => parse_entry(entry, &defaults, reached, CHECK_NUL),
        Err(diagnostics) => {
            reached.saw(&diagnostics);
            render_all(&diagnostics);
            check_locations(section, &diagnostics)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Text

fn weird_char() -> impl Strategy<Value = char> {
    prop_oneof![
        8 => proptest::char::range('a', 'z'),
        2 => Just(' '),
        3 => select(vec![
            ':', '#', '-', '\'', '"', '\\', '[', ']', '{', '}', ',', '&', '*', '!', '|', '>', '%',
            '@', '`', '?', '<', '=', '~', '.', '/', '(', ')', '_',
        ]),
        2 => select(vec![
            '\0', '\x01', '\x07', '\x08', '\x0b', '\x0c', '\x1b', '\x7f', '\u{85}', '\u{a0}',
            '\u{2028}', '\u{2029}', '\u{feff}', '\u{200b}', '\u{202e}', '\u{fffd}', 'İ', 'ß', 'é',
            'ﬁ', 'Σ', '中', '😀', '\u{301}', '\t', '\r', '\n',
        ]),
        1 => any::<char>(),
    ]
}

fn weird_string(max: usize) -> impl Strategy<Value = String> {
    vec(weird_char(), 0..max).prop_map(String::from_iter)
}

/// A string without line breaks (for places where one would end the construct anyway).
fn weird_line(max: usize) -> impl Strategy<Value = String> {
    weird_string(max).prop_map(|s| s.replace(['\n', '\r'], " "))
}

/// Arbitrary bytes, read as the loader reads a file that is not UTF-8 (lossily).
fn lossy_bytes(max: usize) -> impl Strategy<Value = String> {
    vec(any::<u8>(), 0..max).prop_map(|b| String::from_utf8_lossy(&b).into_owned())
}

// ---------------------------------------------------------------------------------------------
// YAML

/// A YAML value of any type and shape, rendered by [`render_value`].
#[derive(Debug, Clone)]
enum Node {
    /// Already written as YAML (plain, quoted, a number, a date, a flow collection...).
    Scalar(String),
    /// `|` or `>` with its indicators and lines.
    Block(String, Vec<String>),
    Seq(Vec<Node>, bool),
    Map(Vec<(String, Node)>, bool),
    Anchored(String, Box<Node>),
    Alias(String),
    Tagged(String, Box<Node>),
    /// `depth` nested sequences, flow (`[[[x]]]`) or block.
    Deep(usize, bool),
}

fn anchor_name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => select(vec!["a", "b", "x"]).prop_map(String::from),
        1 => weird_line(8),
    ]
}

fn plain_scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => weird_line(24),
        2 => weird_string(24),
        2 => weird_string(24).prop_map(|s| format!("'{}'", s.replace('\'', "''"))),
        2 => vec(
            prop_oneof![
                4 => weird_char().prop_map(|c| match c {
                    '"' | '\\' => format!("\\{c}"),
                    c => c.to_string(),
                }),
                1 => select(vec![
                    "\\0", "\\x01", "\\x7f", "\\xff", "\\u2028", "\\uD800", "\\U0001F600",
                    "\\U00110000", "\\t", "\\n", "\\\"", "\\e", "\\N", "\\_", "\\L", "\\q", "\\",
                ])
                .prop_map(String::from),
            ],
            0..16,
        )
        .prop_map(|parts| format!("\"{}\"", parts.concat())),
        1 => select(vec![
            "0", "-1", "1e400", "-1e-400", ".nan", "-.inf", ".Inf", "0x1F", "0o17", "0b101",
            "1_000", "9223372036854775808", "-9223372036854775809", "+12.5", "012", "1:20",
            "340282366920938463463374607431768211456",
        ])
        .prop_map(String::from),
        1 => select(vec![
            "true", "False", "yes", "No", "on", "~", "null", "Null", "", "''", "\"\"",
        ])
        .prop_map(String::from),
        2 => date().prop_map(String::from),
        1 => select(vec![
            "---", "...", "- ", "-", "? x", ": x", "!!str", "!!binary aGVsbG8=", "!!int x",
            "!!float", "!custom x", "!<tag:yaml.org,2002:str> x", "<<", "<<: *a", "|", ">",
            "|-", ">+", "&", "*", "*undefined", "@x", "`x`", "%YAML 1.2", "#comment", "a #b",
            "a: b", "a:b", "[", "]", "{", "}", "{a", "[a,", "'unclosed", "\"unclosed", "x\ty",
        ])
        .prop_map(String::from),
        1 => (select(vec!["x", "é", "ab ", "😀", "-", "\\"]), 1usize..20_000)
            .prop_map(|(s, n)| s.repeat(n)),
    ]
}

/// `s` as a YAML double-quoted scalar: every character reaches the value, control characters
/// through escapes.
fn double_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() || c == '\u{feff}' => {
                out.push_str(&format!("\\u{:04X}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A text as YAML, quoted most often (so that the YAML stays valid and the text reaches the
/// field's checks), with hostile contents.
fn text_scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => weird_string(40).prop_map(|s| {
            let s = s.replace(|c: char| c.is_control() && !matches!(c, '\t' | '\n'), "");
            format!("'{}'", s.replace('\'', "''"))
        }),
        3 => weird_string(40).prop_map(|s| double_quoted(&s)),
        2 => "[a-zA-Z][a-zA-Z0-9 .]{0,30}",
        1 => plain_scalar(),
        1 => weird_line(20).prop_map(|s| format!("'{PLACEHOLDER} {}'", s.replace('\'', "''"))),
    ]
}

fn date() -> impl Strategy<Value = &'static str> {
    select(vec![
        "2026-11-20",
        "2026-11-28",
        "2026-11-29",
        "2025-01-01",
        "2026-02-30",
        "2026-13-01",
        "2024-02-29",
        "2023-02-29",
        "0000-01-01",
        "9999-12-31",
        "10000-01-01",
        "-0001-01-01",
        "+002026-01-01",
        "2026-11-20T10:00:00Z",
        "2026-11-20 10:00",
        "2026-1-1",
        "20261120",
        "'2026-11-20'",
        "\"2026-11-20\"",
        "2026-11-2x",
        "2026-11-20 ",
        "2026-11-20\t",
        "2026-11-20\u{0}",
        "２０２６-１１-２０",
    ])
}

fn block_scalar() -> impl Strategy<Value = Node> {
    (
        select(vec![
            "|", ">", "|-", ">+", "|2", ">1-", "|+9", "|0", "| #c", "|x",
        ]),
        vec(weird_line(40), 0..5),
    )
        .prop_map(|(h, lines)| Node::Block(h.to_string(), lines))
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => select(FIELDS.to_vec()).prop_map(String::from),
        2 => select(vec![
            "url", "title", "note", "checked", "q", "a", "<<", "defaults", "description",
            "homepage", "tittle", "sumary", "Title", "title ", "? x", "\"title\"", "'title'",
            "&a k", "*a", "",
        ])
        .prop_map(String::from),
        1 => weird_line(12),
    ]
}

fn node() -> impl Strategy<Value = Node> {
    let leaf = prop_oneof![
        10 => plain_scalar().prop_map(Node::Scalar),
        2 => block_scalar(),
        2 => anchor_name().prop_map(Node::Alias),
        1 => (
            prop_oneof![3 => 1usize..40, 1 => 40usize..400, 1 => 400usize..3_000],
            any::<bool>()
        )
            .prop_map(|(d, flow)| Node::Deep(d, flow)),
    ];
    leaf.prop_recursive(5, 48, 5, |inner| {
        prop_oneof![
            3 => (vec(inner.clone(), 0..5), any::<bool>()).prop_map(|(v, f)| Node::Seq(v, f)),
            3 => (vec((key(), inner.clone()), 0..5), any::<bool>())
                .prop_map(|(v, f)| Node::Map(v, f)),
            1 => (anchor_name(), inner.clone()).prop_map(|(a, n)| Node::Anchored(a, Box::new(n))),
            1 => (
                select(vec!["!!str", "!!seq", "!!map", "!!binary", "!!null", "!x", "!<u>", "!"]),
                inner
            )
                .prop_map(|(t, n)| Node::Tagged(t.to_string(), Box::new(n))),
        ]
    })
}

/// The value of a key or a sequence item, written right after `key:` or `-` (so it starts with
/// a space or a line break), ending with a line break; nested lines are indented by `indent`.
fn render_value(node: &Node, indent: usize) -> String {
    let pad = " ".repeat(indent);
    match node {
        Node::Scalar(s) => format!(" {s}\n"),
        Node::Block(header, lines) => {
            let mut out = format!(" {header}\n");
            for l in lines {
                out.push_str(&pad);
                out.push_str(l);
                out.push('\n');
            }
            out
        }
        Node::Seq(items, false) if !items.is_empty() => {
            let mut out = String::from("\n");
            for item in items {
                out.push_str(&pad);
                out.push('-');
                out.push_str(&render_value(item, indent + 2));
            }
            out
        }
        Node::Map(entries, false) if !entries.is_empty() => {
            let mut out = String::from("\n");
            for (k, v) in entries {
                out.push_str(&pad);
                out.push_str(k);
                out.push(':');
                out.push_str(&render_value(v, indent + 2));
            }
            out
        }
        Node::Anchored(name, inner) => format!(" &{name}{}", render_value(inner, indent)),
        Node::Tagged(tag, inner) => format!(" {tag}{}", render_value(inner, indent)),
        Node::Deep(depth, false) => {
            let mut out = String::from("\n");
            for level in 0..*depth {
                out.push_str(&" ".repeat(indent + level));
                out.push_str("-\n");
            }
            out.push_str(&" ".repeat(indent + depth));
            out.push_str("x\n");
            out
        }
        Node::Alias(_) | Node::Seq(..) | Node::Map(..) | Node::Deep(_, true) => {
            format!(" {}\n", render_flow(node))
        }
    }
}

/// A value written on one line (flow style).
fn render_flow(node: &Node) -> String {
    match node {
        Node::Scalar(s) => s.clone(),
        Node::Block(header, _) => header.clone(),
        Node::Seq(items, _) => {
            let items: Vec<String> = items.iter().map(render_flow).collect();
            format!("[{}]", items.join(", "))
        }
        Node::Map(entries, _) => {
            let entries: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{k}: {}", render_flow(v)))
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
        Node::Anchored(name, inner) => format!("&{name} {}", render_flow(inner)),
        Node::Alias(name) => format!("*{name}"),
        Node::Tagged(tag, inner) => format!("{tag} {}", render_flow(inner)),
        Node::Deep(depth, _) => format!("{}x{}", "[".repeat(*depth), "]".repeat(*depth)),
    }
}

fn render_mapping(entries: &[(String, Node)]) -> String {
    entries
        .iter()
        .map(|(k, v)| format!("{k}:{}", render_value(v, 2)))
        .collect()
}

/// A value a field accepts, written as YAML.
fn valid_value(field: &str) -> &'static str {
    match field {
        "title" => "Login fails",
        "summary" => "The sign-in token expired.",
        "signature" => "'Error: x'",
        "variants" => "['Error: y', \"x\"]",
        "code" => "'401'",
        "kind" => "auth",
        "category" => "AI Coding Tools",
        "quick_fix" => "Run `login` again; see [the docs](https://example.com/).",
        "updated" => "2026-11-20",
        "causes" | "quick_fixes" | "checks" | "steps" | "prevention" | "applies_to" | "tags" => {
            "[a, '**b** [c](../t/x.md#y)']"
        }
        "sources" => {
            "[{url: 'https://example.com/', title: Ex, note: shows it, checked: 2026-11-01}]"
        }
        "related" => "[t/x]",
        "faq" => "[{q: Why?, a: Because.}]",
        "aliases" => "[/old/path/]",
        "draft" => "false",
        _ => "x",
    }
}

/// A value of the field's own type and shape, with hostile contents.
fn typed_value(field: &'static str) -> BoxedStrategy<Node> {
    let text = || text_scalar().prop_map(Node::Scalar);
    let list = move || vec(text(), 0..4).prop_map(|v| Node::Seq(v, false));
    match field {
        "updated" => date().prop_map(|d| Node::Scalar(d.into())).boxed(),
        "kind" => select(vec![
            "auth", "Auth", "AUTH", "quota", "install", "network ", "authx", "", "~", "[auth]",
        ])
        .prop_map(|k| Node::Scalar(k.into()))
        .boxed(),
        "draft" => select(vec!["true", "false", "yes", "1", "'true'", "~", "[]"])
            .prop_map(|d| Node::Scalar(d.into()))
            .boxed(),
        "related" | "aliases" => vec(
            prop_oneof![
                3 => select(vec![
                    "t/x", "t/e", "/old/", "/a/../b/", "..", "../x", "/../../etc/passwd",
                    "//host/x", "/t/e/", "/", "", "x", "/search/", "/kind/auth/", "/a//b/",
                    "/%2e%2e/", "/a/b/c/", "C:\\x", "/tag/x/", "/é/", "t/x#a", "/a?b",
                ])
                .prop_map(|s| Node::Scalar(format!("'{s}'"))),
                1 => text(),
            ],
            0..4,
        )
        .prop_map(|v| Node::Seq(v, false))
        .boxed(),
        "sources" => vec(
            (
                prop_oneof![
                    2 => Just("https://example.com/".to_string()),
                    3 => url().prop_map(|u| format!("'{}'", u.replace('\'', "''"))),
                    1 => plain_scalar(),
                ],
                plain_scalar(),
                prop::option::of(plain_scalar()),
                prop::option::of(date()),
                prop::option::of((key(), plain_scalar())),
            )
                .prop_map(|(url, title, note, checked, extra)| {
                    let mut m = vec![
                        ("url".to_string(), Node::Scalar(url)),
                        ("title".to_string(), Node::Scalar(title)),
                    ];
                    m.extend(note.map(|n| ("note".to_string(), Node::Scalar(n))));
                    m.extend(checked.map(|c| ("checked".to_string(), Node::Scalar(c.into()))));
                    m.extend(extra.map(|(k, v)| (k, Node::Scalar(v))));
                    Node::Map(m, false)
                }),
            0..3,
        )
        .prop_map(|v| Node::Seq(v, false))
        .boxed(),
        "faq" => vec(
            (plain_scalar(), prop_oneof![plain_scalar(), markdown_line()]).prop_map(|(q, a)| {
                Node::Map(
                    vec![
                        ("q".to_string(), Node::Scalar(q)),
                        (
                            "a".to_string(),
                            Node::Scalar(format!("'{}'", a.replace('\'', "''"))),
                        ),
                    ],
                    false,
                )
            }),
            0..3,
        )
        .prop_map(|v| Node::Seq(v, false))
        .boxed(),
        "causes" | "quick_fixes" | "checks" | "steps" | "prevention" | "applies_to" | "tags"
        | "variants" => prop_oneof![
            3 => list(),
            1 => vec(markdown_line(), 0..3).prop_map(|v| Node::Seq(
                v.into_iter()
                    .map(|s| Node::Scalar(format!("'{}'", s.replace('\'', "''"))))
                    .collect(),
                true,
            )),
        ]
        .boxed(),
        _ => prop_oneof![
            3 => text(),
            1 => markdown_line().prop_map(|s| Node::Scalar(format!("'{}'", s.replace('\'', "''")))),
            1 => block_scalar(),
        ]
        .boxed(),
    }
}

/// One field: its valid value, left out, a hostile value of its type, or any value, weighted.
fn field(name: &'static str, weights: [u32; 4]) -> impl Strategy<Value = Option<(String, Node)>> {
    let [valid, drop, typed, any] = weights;
    prop_oneof![
        valid => Just(Some((name.to_string(), Node::Scalar(valid_value(name).into())))),
        drop => Just(None),
        typed => typed_value(name).prop_map(move |n| Some((name.to_string(), n))),
        any => node().prop_map(move |n| Some((name.to_string(), n))),
    ]
}

/// Every field in turn, each drawn with `weights` (see [`field`]).
fn fields(weights: [u32; 4]) -> impl Strategy<Value = Vec<(String, Node)>> {
    let fields: Vec<_> = FIELDS.iter().map(|f| field(f, weights)).collect();
    fields.prop_map(|f| f.into_iter().flatten().collect())
}

/// The fields of a front matter: all valid (so that the body is rendered and checked), a few
/// odd, or many odd; sometimes with extra keys, sometimes shuffled.
fn front_matter() -> impl Strategy<Value = Vec<(String, Node)>> {
    (
        prop_oneof![
            2 => fields([1, 0, 0, 0]),
            4 => fields([60, 1, 4, 2]),
            1 => fields([6, 1, 3, 2]),
        ],
        prop_oneof![4 => Just(Vec::new()), 1 => vec((key(), node()), 1..3)],
        prop_oneof![5 => Just(false), 1 => Just(true)],
        any::<prop::sample::Index>(),
    )
        .prop_flat_map(|(mut all, extra, shuffle, at)| {
            let i = at.index(all.len() + 1);
            for (n, e) in extra.into_iter().enumerate() {
                all.insert((i + n).min(all.len()), e);
            }
            if shuffle {
                Just(all).prop_shuffle().boxed()
            } else {
                Just(all).boxed()
            }
        })
}

// ---------------------------------------------------------------------------------------------
// Markdown

fn url() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => select(vec![
            "../a.md#b", "a.md", "./a.md", "../t/x.md", "../t/e.md#causes", "../../x.md", "/t/x.md",
            ".md", "x.md#", "../a.md?x#y", "../x/y/z.md", "..\\a.md", "../a.MD", "javascript:alert(1)",
            "JaVaScRiPt:alert(1)", " javascript:alert(1)", "\u{1}javascript:alert(1)",
            "java\tscript:alert(1)", "javascript&colon;alert(1)", "&#106;avascript:alert(1)",
            "&#x6A;avascript:alert(1)", "java%0ascript:alert(1)", "javascript:alert('.md')",
            "javascript:a.md#x", "javascript://%0aalert(1)//a.md", "javascript:/a.md",
            "vbscript:msgbox(1)", "data:text/html,<script>alert(1)</script>", "//evil.example/x",
            "///x", "\\\\evil", "/\\evil", "http://x", "https://example.com/a b", "mailto:a@b",
            "mailto:javascript:alert(1)", "#", "#frag", "#causes", "/", "/t/x/", "/t/x/#y", "?q",
            "x:y", "a/b:c", "%", "\0", "https://", "HTTPS://X", "http:", "file:///etc/passwd",
            "<javascript:alert(1)>", "", " ", "\u{2028}javascript:x", "javascript\0:x",
        ])
        .prop_map(String::from),
        1 => weird_line(20),
    ]
}

fn inline() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => weird_line(30),
        3 => (weird_line(8), url()).prop_map(|(t, u)| format!("[{t}]({u})")),
        1 => (weird_line(8), url()).prop_map(|(t, u)| format!("[{t}](<{u}>)")),
        1 => (weird_line(8), url(), weird_line(8))
            .prop_map(|(t, u, title)| format!("[{t}]({u} \"{title}\")")),
        1 => (weird_line(8), url()).prop_map(|(t, u)| format!("![{t}]({u})")),
        1 => url().prop_map(|u| format!("<{u}>")),
        1 => (weird_line(8), select(vec!["r", "R", "x"]))
            .prop_map(|(t, r)| format!("[{t}][{r}]")),
        1 => select(vec![
            "<a href=\"javascript:alert(1)\">x</a>", "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>", "<iframe src=\"javascript:x\">", "<!-- c -->",
            "&#0;", "&#x0;", "&#106;", "&amp;", "&nbsp;", "`code`", "``a`b``", "**b**", "*i*",
            "~~s~~", "\\[x](y)", "[x]", "[r]", "[^1]", "<http://x>", "<mailto:a@b>",
            "https://auto.link/", "\0", "\x01",
        ])
        .prop_map(String::from),
    ]
}

fn markdown_line() -> impl Strategy<Value = String> {
    vec(inline(), 1..5).prop_map(|v| v.join(" "))
}

fn markdown_block() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => (1usize..8, markdown_line()).prop_map(|(n, t)| format!("{} {t}", "#".repeat(n))),
        1 => select(vec![
            "## What this error means", "## Causes", "## causes", "# ", "##", "## #", "Title\n===",
        ])
        .prop_map(String::from),
        5 => markdown_line(),
        1 => (
            select(vec!["```", "~~~", "````", "```rust", "```\u{0}", "``` ```"]),
            vec(weird_line(30), 0..4),
            any::<bool>()
        )
            .prop_map(|(fence, lines, close)| {
                let mut s = format!("{fence}\n{}", lines.join("\n"));
                if close {
                    s.push_str("\n```");
                }
                s
            }),
        1 => vec(weird_line(20), 1..4).prop_map(|v| v
            .iter()
            .map(|l| format!("    {l}"))
            .collect::<Vec<_>>()
            .join("\n")),
        1 => select(vec![
            "<div>\n<a href=\"javascript:alert(1)\">x</a>\n</div>",
            "<script>\nalert(1)\n</script>",
            "<style>*{}</style>",
            "<!--\n---\n-->",
            "<?php x ?>",
            "<![CDATA[x]]>",
            "| a | b |\n|---|---|\n| [x](javascript:y) | ![i](javascript:z) |",
            "---",
            "***",
            "- a\n  - b\n    - [c](../a.md#b)",
            "1. x\n2. y",
            "> quote [x](javascript:y)",
            "[r]: javascript:alert(1)",
            "[R]: ../a.md#b \"t\"",
            "[x]: //evil",
            "[^1]: note",
        ])
        .prop_map(String::from),
        1 => url().prop_map(|u| format!("[r]: {u}")),
        1 => Just(format!("{PLACEHOLDER} explain.")),
        1 => "[A-Z][a-z ]{30,60}".prop_map(|s| format!("{s}. {s}. {s}.")),
        1 => weird_string(60),
    ]
}

fn body() -> impl Strategy<Value = String> {
    (
        vec(markdown_block(), 0..10),
        select(vec!["\n\n", "\n", "\r\n\r\n"]),
    )
        .prop_map(|(blocks, sep)| blocks.join(sep))
}

// ---------------------------------------------------------------------------------------------
// Files

/// An entry file: `---`, the front matter, `---`, the body, with variations of the fences and
/// line endings.
fn structured_entry() -> impl Strategy<Value = String> {
    (
        prop_oneof![30 => Just(""), 1 => Just("\u{feff}"), 1 => Just("\n")],
        prop_oneof![
            30 => Just("---\n"),
            1 => Just("--- \n"),
            1 => Just("---\r\n"),
            1 => Just("---")
        ],
        front_matter(),
        prop_oneof![
            40 => Just("---\n"),
            1 => Just("---"),
            1 => Just("--- \t\n"),
            1 => Just("...\n"),
            1 => Just(""),
            1 => Just("----\n"),
        ],
        body(),
        prop_oneof![6 => Just(false), 1 => Just(true)],
    )
        .prop_map(|(bom, open, fields, close, body, crlf)| {
            let text = format!("{bom}{open}{}{close}{body}", render_mapping(&fields));
            if crlf {
                text.replace('\n', "\r\n")
            } else {
                text
            }
        })
}

/// A byte-level edit: insert, overwrite or delete at a position.
#[derive(Debug, Clone)]
enum Edit {
    Insert(prop::sample::Index, Vec<u8>),
    Overwrite(prop::sample::Index, u8),
    Delete(prop::sample::Index, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (
            any::<prop::sample::Index>(),
            prop_oneof![
                vec(any::<u8>(), 1..4),
                select(vec![
                    "\n---\n", "---", "\n", "\r", "\0", ": ", "- ", "[", "{", "'", "\"", "&a ",
                    "*a", "#", "\t", "\u{feff}", "\u{2028}", "\u{0}", " ", "\\",
                ])
                .prop_map(|s| s.as_bytes().to_vec()),
            ]
        )
            .prop_map(|(i, b)| Edit::Insert(i, b)),
        (any::<prop::sample::Index>(), any::<u8>()).prop_map(|(i, b)| Edit::Overwrite(i, b)),
        (any::<prop::sample::Index>(), 1usize..16).prop_map(|(i, n)| Edit::Delete(i, n)),
    ]
}

fn mutate(text: &str, edits: &[Edit]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for e in edits {
        match e {
            Edit::Insert(i, b) => {
                let at = i.index(bytes.len() + 1);
                bytes.splice(at..at, b.iter().copied());
            }
            Edit::Overwrite(i, b) if !bytes.is_empty() => {
                let at = i.index(bytes.len());
                bytes[at] = *b;
            }
            Edit::Delete(i, n) if !bytes.is_empty() => {
                let at = i.index(bytes.len());
                bytes.drain(at..(at + n).min(bytes.len()));
            }
            _ => {}
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn entry_text() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => structured_entry(),
        3 => (structured_entry(), vec(edit(), 1..6)).prop_map(|(t, e)| mutate(&t, &e)),
        1 => lossy_bytes(2048),
        1 => lossy_bytes(1024).prop_map(|s| format!("---\n{s}")),
        1 => (lossy_bytes(512), lossy_bytes(512)).prop_map(|(a, b)| format!("---\n{a}\n---\n{b}")),
    ]
}

fn section_text() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => structured_section().boxed(),
        2 => (structured_section(), vec(edit(), 1..6))
            .prop_map(|(t, e)| mutate(&t, &e))
            .boxed(),
        1 => lossy_bytes(1024).boxed(),
    ]
}

/// A `_section.yaml`: its own fields and `defaults` (an entry's fields), any of them odd.
fn structured_section() -> impl Strategy<Value = String> {
    (
        prop_oneof![
            8 => Just(Some(("title".to_string(), Node::Scalar("Tool".into())))),
            1 => Just(None),
            1 => node().prop_map(|n| Some(("title".to_string(), n))),
        ],
        prop_oneof![
            6 => Just(Some(Node::Scalar("About the tool.".into()))),
            2 => Just(None),
            1 => node().prop_map(Some),
        ],
        prop_oneof![
            4 => Just(Some(Node::Scalar("https://example.com/".into()))),
            2 => Just(None),
            2 => url().prop_map(|u| Some(Node::Scalar(format!("'{}'", u.replace('\'', "''"))))),
            1 => node().prop_map(Some),
        ],
        prop_oneof![
            6 => front_matter().prop_map(|f| Some(Node::Map(f, false))),
            1 => Just(None),
            1 => node().prop_map(Some),
        ],
        prop_oneof![5 => Just(Vec::new()), 1 => vec((key(), node()), 1..3)],
        prop_oneof![9 => Just(false), 1 => Just(true)],
    )
        .prop_map(|(title, description, homepage, defaults, extra, bom)| {
            let mut m: Vec<(String, Node)> = title.into_iter().collect();
            m.extend(description.map(|d| ("description".to_string(), d)));
            m.extend(homepage.map(|h| ("homepage".to_string(), h)));
            m.extend(defaults.map(|d| ("defaults".to_string(), d)));
            m.extend(extra);
            let text = render_mapping(&m);
            if bom { format!("\u{feff}{text}") } else { text }
        })
}

// ---------------------------------------------------------------------------------------------
// Search

fn searchable() -> &'static errdex::Searchable {
    static SITE: OnceLock<errdex::Searchable> = OnceLock::new();
    SITE.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        errdex::searchable(root, &errdex::site::LoadOptions::default()).expect("repo site loads")
    })
}

/// Words the index knows, as written, with typos, or in other cases.
fn known_word() -> impl Strategy<Value = String> {
    let s = searchable();
    let mut words: Vec<String> = s.index.terms.keys().cloned().collect();
    words.extend(s.index.docs.iter().flat_map(|d| d.patterns.iter().cloned()));
    (
        select(words),
        0u8..6,
        any::<prop::sample::Index>(),
        weird_char(),
    )
        .prop_map(|(w, how, at, c)| {
            let mut chars: Vec<char> = w.chars().collect();
            let i = at.index(chars.len() + 1);
            match how {
                0 => chars.insert(i, c),
                1 if i < chars.len() => {
                    chars.remove(i);
                }
                2 if i < chars.len() => chars[i] = c,
                3 => return w.to_uppercase(),
                _ => {}
            }
            chars.into_iter().collect()
        })
}

fn query() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => vec(known_word(), 0..8).prop_map(|w| w.join(" ")),
        2 => any::<String>(),
        2 => weird_string(60),
        1 => vec(
            select(vec![
                '.', '-', '_', '/', ':', '"', '\'', '!', '?', '*', '(', ')', '[', ']', ' ', '\t',
                '\n', '#', '@', '…', '—', '。',
            ]),
            0..40
        )
        .prop_map(String::from_iter),
        1 => select(vec!["", " ", "\u{0}", "İ", "ǅ", "ﬁ", "ß", "a", "e", "-", "--", "...", "1"])
            .prop_map(String::from),
        1 => (prop_oneof![known_word(), weird_string(8)], 1usize..5_000)
            .prop_map(|(w, n)| format!("{w} ").repeat(n)),
        1 => (weird_char(), 1usize..60_000).prop_map(|(c, n)| c.to_string().repeat(n)),
    ]
}

/// A log line: a known signature in log noise, two of them, or anything.
fn log_line() -> impl Strategy<Value = String> {
    let sigs: Vec<String> = searchable()
        .index
        .docs
        .iter()
        .flat_map(|d| d.patterns.iter().cloned())
        .collect();
    let sig = move || select(sigs.clone());
    prop_oneof![
        3 => (weird_line(20), sig(), weird_line(20)).prop_map(|(a, s, b)| format!("{a}{s}{b}")),
        2 => (sig(), sig()).prop_map(|(a, b)| format!("{a} {b}")),
        2 => (sig(), vec(edit(), 1..4)).prop_map(|(s, e)| mutate(&s, &e)),
        2 => query(),
        1 => lossy_bytes(512),
    ]
}

// ---------------------------------------------------------------------------------------------
// Targets

#[test]
fn entry_files_never_panic_and_point_inside_the_file() {
    let reached = Reached::default();
    run("entry", regressions!("entry"), entry_text(), |text| {
        check_entry(&text, &reached)
    });
    reached.report("entry");
}

#[test]
fn section_files_never_panic_and_point_inside_the_file() {
    let reached = Reached::default();
    run(
        "section",
        regressions!("section"),
        (section_text(), entry_text()),
        |(section, entry)| check_section(&section, &entry, &reached),
    );
    reached.report("section");
}

#[test]
fn search_ranks_any_query() {
    let s = searchable();
    run(
        "search",
        regressions!("search"),
        (query(), prop_oneof![Just(usize::MAX), 0usize..20]),
        |(q, limit)| {
            let hits = rank(&s.index, &q, limit);
            prop_assert!(hits.len() <= limit);
            prop_assert!(hits.iter().all(|h| h.doc < s.index.docs.len()));
            Ok(())
        },
    );
}

#[test]
fn match_reads_any_log() {
    let s = searchable();
    let matcher = Matcher::new(&s.index);
    run(
        "match",
        regressions!("match"),
        vec(log_line(), 1..4),
        |lines| {
            for line in &lines {
                if let Some(doc) = matcher.match_line(line) {
                    prop_assert!(doc < s.index.docs.len());
                }
            }
            let log = lines.join("\n");
            let found = matcher
                .scan(log.as_bytes())
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert!(found.iter().all(|m| m.doc < s.index.docs.len()));
            Ok(())
        },
    );
}

/// The saved inputs under `tests/fuzz-regressions/` (`entry/*`, `section/*`: files that once
/// broke a property, or that reach far), replayed as they are, whatever the generators have
/// become since.
#[test]
fn saved_inputs_still_pass() {
    let reached = Reached::default();
    let n = replay("entry", |text| check_entry(text, &reached))
        + replay("section", |text| check_section(text, "", &reached));
    assert!(n > 0, "no saved inputs found");
}

/// Inputs that break a property today, saved under `tests/fuzz-regressions/open/` (see
/// [`CHECK_NUL`]). `cargo test fuzz::open -- --ignored` says whether a fix holds.
#[test]
#[ignore = "open findings fail until fixed: tests/fuzz-regressions/open/"]
fn open_findings_are_fixed() {
    let reached = Reached::default();
    replay("open", |text| {
        parse_entry(text, &Defaults::default(), &reached, true)
    });
}

/// Checks every file of `tests/fuzz-regressions/<sub>/`, read as the loader reads it; returns
/// how many.
fn replay(sub: &str, check: impl Fn(&str) -> Result<(), TestCaseError>) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz-regressions")
        .join(sub);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(|f| f.ok().map(|f| f.path())).collect())
        .unwrap_or_default();
    files.sort();
    let failures: Vec<String> = files
        .iter()
        .filter_map(|path| {
            let bytes = std::fs::read(path).expect("a saved input");
            check(&String::from_utf8_lossy(&bytes))
                .err()
                .map(|e| format!("{}: {e}", path.display()))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    files.len()
}
