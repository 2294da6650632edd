//! What went wrong and where.
//!
//! [`Problem`] says *what* went wrong: one variant per user mistake, each with a stable code
//! (`E001`), a kebab-case name, its wording and a hint. [`Diagnostic`] adds *where*: the file, the
//! line and column (counted in characters, 1-based) and the source line, so every rendering can
//! show `path:line:col`, the line and a caret. Three renderings share one list: human (rustc-like,
//! through annotate-snippets), JSON and GitHub workflow commands.
//!
//! Keeping the two apart (as `just` does) means a test can match on the `Problem` and the wording
//! lives in one place.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;

/// How bad a diagnostic is. Errors fail `build` and `check`; warnings fail only `check --strict`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// Every diagnostic's stable code and name, in order. Codes are never reused or renumbered.
pub const CODES: [(&str, &str); 40] = [
    ("E001", "missing-field"),
    ("E002", "unknown-field"),
    ("E003", "invalid-value"),
    ("E004", "duplicate-key"),
    ("E005", "no-front-matter"),
    ("E006", "unclosed-front-matter"),
    ("E007", "not-a-mapping"),
    ("E008", "yaml-syntax"),
    ("E009", "empty-value"),
    ("E010", "bad-date"),
    ("E011", "future-date"),
    ("E012", "bad-url"),
    ("E013", "url-collision"),
    ("E014", "unknown-related"),
    ("E015", "broken-link"),
    ("E016", "broken-anchor"),
    ("E017", "bad-file-name"),
    ("E018", "not-utf8"),
    ("E019", "outside-tool-folder"),
    ("E020", "missing-section-file"),
    ("E021", "template-error"),
    ("E022", "io-error"),
    ("E023", "resource-limit"),
    ("E024", "missing-source-note"),
    ("E025", "outside-site"),
    ("E026", "not-a-file"),
    ("E027", "control-character"),
    ("E028", "output-conflict"),
    ("E029", "front-matter-closed-early"),
    ("E030", "bad-placeholder"),
    ("E031", "bad-quote"),
    ("W001", "summary-too-long"),
    ("W002", "stale-entry"),
    ("W003", "repeated-sentence"),
    ("W004", "placeholder"),
    ("W005", "duplicate-signature"),
    ("W006", "shared-sentence"),
    ("W007", "source-dead"),
    ("W008", "source-moved"),
    ("W009", "quote-missing"),
];

/// One user mistake: the wording and the hint. `Display` is the one-line message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("missing required field `{field}`")]
    MissingField { field: String },
    #[error("unknown field `{field}`")]
    UnknownField {
        field: String,
        suggestion: Option<String>,
    },
    #[error("invalid value: {detail}")]
    InvalidValue { detail: String, hint: String },
    #[error("duplicate key `{key}`")]
    DuplicateKey { key: String },
    #[error("no front matter: the file must start with a `---` line")]
    NoFrontMatter,
    #[error("unclosed front matter: no closing `---` line")]
    UnclosedFrontMatter,
    #[error("front matter is not a mapping of `key: value` pairs")]
    NotAMapping,
    #[error("YAML syntax error: {detail}")]
    YamlSyntax { detail: String },
    #[error("`{field}` is empty")]
    EmptyValue { field: String },
    #[error("`{value}` is not a valid date: {detail}")]
    BadDate { value: String, detail: String },
    #[error("`{field}` date {date} is in the future (today is {today})")]
    FutureDate {
        field: String,
        date: String,
        today: String,
    },
    #[error("link `{url}` is not allowed: {detail}")]
    BadUrl { url: String, detail: String },
    #[error("URL `{url}` is already taken (by {other})")]
    UrlCollision { url: String, other: String },
    #[error("related entry `{id}` does not exist")]
    UnknownRelated {
        id: String,
        suggestion: Option<String>,
    },
    #[error("link `{target}` leads nowhere: no entry `{id}`")]
    BrokenLink {
        target: String,
        id: String,
        suggestion: Option<String>,
    },
    #[error("link `{target}` points at `#{anchor}`, which is not on `{page}`")]
    BrokenAnchor {
        target: String,
        anchor: String,
        page: String,
        available: Vec<String>,
    },
    #[error("name `{name}` is not lowercase `a-z0-9-`")]
    BadFileName { name: String, suggestion: String },
    #[error("file is not valid UTF-8: byte 0x{byte:02x} at offset {offset}")]
    NotUtf8 { byte: u8, offset: usize },
    #[error("entry file is not inside a tool folder")]
    OutsideToolFolder,
    #[error("tool folder `{tool}` has no `_section.yaml`")]
    MissingSectionFile { tool: String },
    #[error("template error: {detail}")]
    Template { detail: String },
    #[error("cannot read: {detail}")]
    Io { detail: String },
    #[error("front matter too large or too deeply nested: {detail}")]
    ResourceLimit { detail: String },
    #[error("source has no evidence `note`")]
    MissingSourceNote,
    #[error("symbolic link leads outside the site (to `{target}`)")]
    OutsideSite { target: String },
    #[error("not a regular file (a FIFO, socket or device)")]
    NotAFile,
    #[error("`{field}` contains the control character U+{code:04X}")]
    ControlCharacter { field: String, code: u32 },
    #[error("two outputs need the path `{path}`: {detail}")]
    OutputConflict { path: String, detail: String },
    #[error(
        "this `---` line closes the front matter, but fields follow it (`{field}` on line {line})"
    )]
    ClosedEarly { field: String, line: usize },
    #[error("`{field}` has a bad placeholder: {detail}")]
    BadPlaceholder { field: String, detail: String },
    #[error("bad source quote: {detail}")]
    BadQuote { detail: String },
    #[error("summary is {chars} characters long (at most 160 read well in search results)")]
    SummaryTooLong { chars: usize },
    #[error("entry was last updated {days} days ago (stale after {limit})")]
    StaleEntry { days: i64, limit: i64 },
    #[error("this sentence is repeated {times} times in the entry")]
    RepeatedSentence { times: usize },
    #[error("`{field}` still holds the placeholder text of `errdex new`")]
    Placeholder { field: String },
    #[error("entry has the same `signature` as `{other}`")]
    DuplicateSignature { other: String },
    #[error("this sentence is in {entries} entries; also in {others}")]
    SharedSentence { entries: usize, others: String },
    #[error("source `{url}` was dead when verified on {verified}: {cause}")]
    SourceDead {
        url: String,
        cause: String,
        verified: String,
    },
    #[error("source `{url}` has moved permanently to `{to}`")]
    SourceMoved { url: String, to: String },
    #[error("the page at `{url}` no longer holds the quote \"{quote}\" (verified on {verified})")]
    QuoteMissing {
        url: String,
        quote: String,
        verified: String,
    },
}

impl Problem {
    /// Stable code and name, listed in docs/diagnostics.md.
    pub fn code(&self) -> (&'static str, &'static str) {
        CODES[self.index()]
    }

    /// This problem's row in [`CODES`].
    fn index(&self) -> usize {
        use Problem::*;
        match self {
            MissingField { .. } => 0,
            UnknownField { .. } => 1,
            InvalidValue { .. } => 2,
            DuplicateKey { .. } => 3,
            NoFrontMatter => 4,
            UnclosedFrontMatter => 5,
            NotAMapping => 6,
            YamlSyntax { .. } => 7,
            EmptyValue { .. } => 8,
            BadDate { .. } => 9,
            FutureDate { .. } => 10,
            BadUrl { .. } => 11,
            UrlCollision { .. } => 12,
            UnknownRelated { .. } => 13,
            BrokenLink { .. } => 14,
            BrokenAnchor { .. } => 15,
            BadFileName { .. } => 16,
            NotUtf8 { .. } => 17,
            OutsideToolFolder => 18,
            MissingSectionFile { .. } => 19,
            Template { .. } => 20,
            Io { .. } => 21,
            ResourceLimit { .. } => 22,
            MissingSourceNote => 23,
            OutsideSite { .. } => 24,
            NotAFile => 25,
            ControlCharacter { .. } => 26,
            OutputConflict { .. } => 27,
            ClosedEarly { .. } => 28,
            BadPlaceholder { .. } => 29,
            BadQuote { .. } => 30,
            SummaryTooLong { .. } => 31,
            StaleEntry { .. } => 32,
            RepeatedSentence { .. } => 33,
            Placeholder { .. } => 34,
            DuplicateSignature { .. } => 35,
            SharedSentence { .. } => 36,
            SourceDead { .. } => 37,
            SourceMoved { .. } => 38,
            QuoteMissing { .. } => 39,
        }
    }

    /// Warnings start with `W`; everything else is an error.
    pub fn severity(&self) -> Severity {
        if self.code().0.starts_with('W') {
            Severity::Warning
        } else {
            Severity::Error
        }
    }

    /// How to fix it, in one sentence.
    pub fn help(&self) -> String {
        use Problem::*;
        match self {
            MissingField { field } => format!("add `{field}: ...` (see docs/authoring.md)"),
            UnknownField { suggestion: Some(s), .. } => format!("did you mean `{s}`?"),
            UnknownField { .. } => "remove it, or see docs/authoring.md for the fields an entry takes".into(),
            InvalidValue { hint, .. } => hint.clone(),
            DuplicateKey { .. } => "keep one of them: a key may appear only once in a mapping".into(),
            NoFrontMatter => "start the file with `---`, the YAML fields, then `---` and the Markdown body".into(),
            UnclosedFrontMatter => "add a line holding only `---` after the last field".into(),
            NotAMapping => "write the front matter as `key: value` lines, e.g. `title: ...`".into(),
            YamlSyntax { .. } => "check quoting and indentation; quote values that contain `: ` or start with `{`, `[`, `*` or `` ` ``".into(),
            EmptyValue { .. } => "fill it in, or remove the field if it is optional".into(),
            BadDate { .. } => "write dates as YYYY-MM-DD, e.g. `2026-11-20`".into(),
            FutureDate { .. } => "use the date the entry was actually written or checked".into(),
            BadUrl { .. } => "use an absolute `https://` URL (links in Markdown may also be site paths such as `/my-tool/timeout-error/`; an alias is a page path such as `/old/path/`)".into(),
            UrlCollision { .. } => "give each entry and alias its own URL".into(),
            UnknownRelated { suggestion: Some(s), .. } => format!("did you mean `{s}`?"),
            UnknownRelated { .. } => "use an entry id: the path under content/ without `.md`".into(),
            BrokenLink { suggestion: Some(s), .. } => format!("did you mean `/{s}/`?"),
            BrokenLink { .. } => "link to an entry as `/<tool>/<slug>/`".into(),
            BrokenAnchor { available, .. } if !available.is_empty() => {
                format!("anchors on that page: {}", available.iter().map(|a| format!("#{a}")).collect::<Vec<_>>().join(", "))
            }
            BrokenAnchor { .. } => "that page has no headings to link to".into(),
            BadFileName { suggestion, .. } => format!("rename it to `{suggestion}`"),
            NotUtf8 { .. } => "save the file as UTF-8".into(),
            OutsideToolFolder => "move it into `content/<tool>/` (or move every entry directly into `content/`: a site about one product needs no tool folders)".into(),
            MissingSectionFile { tool } => format!("create `content/{tool}/_section.yaml` with at least `title:`"),
            Template { .. } => "fix the template at the position shown".into(),
            Io { .. } => "check that the path exists and is readable".into(),
            ResourceLimit { .. } => "front matter holds short fields; move long text into the Markdown body".into(),
            MissingSourceNote => "add `note:` saying what this source shows".into(),
            OutsideSite { .. } => "errdex reads nothing outside the site's folder: copy the file into the site, or point the link at a file inside it".into(),
            NotAFile => "remove it: errdex reads only regular files and folders".into(),
            ControlCharacter { .. } => "remove it: YAML escapes such as `\\x01` or `\\0` write characters that HTML and XML cannot hold".into(),
            OutputConflict { .. } => "give the alias a path that no page, folder or static file of the site uses".into(),
            ClosedEarly { .. } => "a line of only `---` ends the front matter: inside a `|` or `>` block, indent it like the rest of the block; elsewhere, remove it".into(),
            BadPlaceholder { .. } => "write a changing part as `{{name}}`: a letter, then letters, digits, `_` or `-` (`{{server}}`, `{{count}}`); keep the message's own words around it".into(),
            BadQuote { .. } => "quote a few words of the page, exactly as it writes them (1 to 5 quotes of at most 300 characters each); say the rest in your own words in `note`".into(),
            SummaryTooLong { .. } => "shorten the summary to one sentence of at most 160 characters".into(),
            StaleEntry { .. } => "re-check the sources and bump `updated`".into(),
            RepeatedSentence { .. } => "say it once; repeated text reads as filler".into(),
            Placeholder { .. } => "replace the placeholder with real, sourced text".into(),
            DuplicateSignature { .. } => "merge the two entries, or make one signature more specific".into(),
            SourceDead { .. } => "find where the page went (its title in a search), or cite another page that shows the same; then run `errdex sources` again".into(),
            SourceMoved { to, .. } => format!("write `url: {to}`"),
            QuoteMissing { .. } => "read the page again: if it still supports the entry, quote its current words; if not, correct the entry".into(),
            SharedSentence { .. } => "say it once, on the page where it belongs, and link there from the others: the same text on many pages reads as filler".into(),
        }
    }
}

/// A position in a file: 1-based line and column, columns counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Where a problem is: a range in one file plus the text of its first line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub start: Position,
    pub end: Position,
    /// The text of the start line (no line ending). The human rendering trims a long line to a
    /// window around the position, as rustc does.
    pub source_line: String,
}

/// Line starts of one text, so that many locations in a large file cost a binary search each
/// rather than a scan from the top.
pub struct LineIndex<'a> {
    text: &'a str,
    /// Where each line starts, found the first time a position is asked for: most files have
    /// nothing to report.
    starts: std::cell::OnceCell<Vec<usize>>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        LineIndex {
            text,
            starts: std::cell::OnceCell::new(),
        }
    }

    fn starts(&self) -> &[usize] {
        self.starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1));
            starts
        })
    }

    fn position(&self, at: usize) -> Position {
        let starts = self.starts();
        let line = starts.partition_point(|&s| s <= at).max(1);
        let line_start = starts[line - 1];
        Position {
            line,
            column: self.text[line_start..at].chars().count() + 1,
        }
    }

    /// The location of `text[range]`, where `range` is a byte range.
    pub fn location(&self, range: std::ops::Range<usize>) -> Location {
        let text = self.text;
        let start = clamp_to_char(text, range.start);
        let end = clamp_to_char(text, range.end.max(start));
        let start_pos = self.position(start);
        let end_pos = self.position(end);
        let line_start = self.starts()[start_pos.line - 1];
        Location::with_line(text, start, line_start, start_pos, end_pos)
    }
}

impl Location {
    /// The location of `text[range]`, where `range` is a byte range. For many locations in one
    /// large text, use a [`LineIndex`].
    pub fn from_bytes(text: &str, range: std::ops::Range<usize>) -> Self {
        LineIndex::new(text).location(range)
    }

    fn with_line(
        text: &str,
        start: usize,
        line_start: usize,
        start_pos: Position,
        end_pos: Position,
    ) -> Self {
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let source_line = text[line_start..line_end]
            .trim_end_matches('\r')
            .to_string();
        Location {
            start: start_pos,
            end: end_pos,
            source_line,
        }
    }
}

fn clamp_to_char(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The byte offset in `text` of a 1-based line and column (columns counted in characters), as
/// parsers report positions; clamped to the text.
pub fn byte_at(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let start = start.min(text.len());
    start
        + text[start..]
            .chars()
            .take(column.saturating_sub(1))
            .map(char::len_utf8)
            .sum::<usize>()
}

/// A problem in a file, at a place in it when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub problem: Box<Problem>,
    /// The file, relative to the site root where possible.
    pub path: PathBuf,
    pub location: Option<Box<Location>>,
}

impl Diagnostic {
    pub fn new(problem: Problem, path: impl Into<PathBuf>, location: Option<Location>) -> Self {
        Diagnostic {
            problem: Box::new(problem),
            path: path.into(),
            location: location.map(Box::new),
        }
    }

    /// A diagnostic at `text[range]` of the file `path`.
    pub fn at(problem: Problem, path: &Path, text: &str, range: std::ops::Range<usize>) -> Self {
        Diagnostic::new(problem, path, Some(Location::from_bytes(text, range)))
    }

    pub fn severity(&self) -> Severity {
        self.problem.severity()
    }

    fn sort_key(&self) -> (PathBuf, Position, &'static str) {
        let pos = self
            .location
            .as_ref()
            .map_or(Position { line: 0, column: 0 }, |l| l.start);
        (self.path.clone(), pos, self.problem.code().0)
    }

    fn path_display(&self) -> String {
        self.path.display().to_string().replace('\\', "/")
    }
}

/// True when any diagnostic is an error (warnings let a build through).
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.severity() == Severity::Error)
}

/// Sorts by path, line, column, code: the order every rendering uses.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by_key(|d| d.sort_key());
}

/// Counts of errors and warnings, for the summary line and the exit code.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub entries: usize,
}

impl Summary {
    pub fn of(diagnostics: &[Diagnostic], entries: usize) -> Self {
        let errors = diagnostics
            .iter()
            .filter(|d| d.severity() == Severity::Error)
            .count();
        Summary {
            errors,
            warnings: diagnostics.len() - errors,
            entries,
        }
    }

    /// `2 errors, 1 warning in 14 entries`
    pub fn line(&self) -> String {
        format!(
            "{}, {} in {}",
            plural(self.errors, "error"),
            plural(self.warnings, "warning"),
            plural(self.entries, "entry"),
        )
    }
}

fn plural(n: usize, word: &str) -> String {
    match (n, word) {
        (1, _) => format!("1 {word}"),
        (_, "entry") => format!("{n} entries"),
        _ => format!("{n} {word}s"),
    }
}

/// rustc-style: `error[E001]: message`, `--> path:line:col`, the line, a caret, `help:`.
pub fn render_human(diagnostic: &Diagnostic, color: bool) -> String {
    if !color && let Some(text) = render_plain_common(diagnostic) {
        return text;
    }
    render_snippet(diagnostic, color)
}

/// The longest source line [`render_plain_common`] lays out itself: annotate-snippets trims
/// longer ones to a window around the caret.
const COMMON_LINE_MAX: usize = 100;

/// The plain rendering of the common case — a one-line message and help, a located diagnostic
/// whose source line is printable ASCII of at most [`COMMON_LINE_MAX`] characters — laid out
/// exactly as annotate-snippets lays it out (a test renders generated diagnostics both ways and
/// requires the same text), in a single pass: `check` on a large imported site prints tens of
/// thousands of warnings, and the library's general layout (a styled character grid) costs
/// several times more each. `None` for everything else, which the library renders.
fn render_plain_common(diagnostic: &Diagnostic) -> Option<String> {
    use std::fmt::Write as _;
    let loc = diagnostic.location.as_ref()?;
    let line = loc.source_line.as_str();
    let printable = |t: &str| t.bytes().all(|b| (0x20..0x7f).contains(&b));
    if line.len() > COMMON_LINE_MAX || !printable(line) {
        return None;
    }
    let problem = &diagnostic.problem;
    let message = problem.to_string();
    let help = problem.help();
    let path = diagnostic.path_display();
    if [message.as_str(), help.as_str(), path.as_str()]
        .iter()
        .any(|t| t.contains(['\n', '\r', '\t']) || t.chars().any(char::is_control))
    {
        return None;
    }
    let span = caret_span(loc);
    let shown = line;
    if shown.is_empty() || span.start >= shown.len() {
        return None;
    }
    let (code, _) = problem.code();
    let level = match problem.severity() {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let number = loc.start.line.to_string();
    let pad = " ".repeat(number.len());
    let caret_end = span.end.min(shown.len()).max(span.start + 1);
    let mut out =
        String::with_capacity(message.len() + help.len() + path.len() + 2 * shown.len() + 64);
    let _ = write!(
        out,
        "{level}[{code}]: {message}\n{pad}--> {path}:{}:{}\n{pad} |\n{number} | {shown}\n{pad} | {}{}\n{pad} |\nhelp: {help}",
        loc.start.line,
        span.start + 1,
        " ".repeat(span.start),
        "^".repeat(caret_end - span.start),
    );
    Some(out)
}

/// Any diagnostic, laid out by annotate-snippets.
fn render_snippet(diagnostic: &Diagnostic, color: bool) -> String {
    let problem = &diagnostic.problem;
    let (code, _) = problem.code();
    let level = match problem.severity() {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let message = problem.to_string();
    let help = problem.help();
    let path = diagnostic.path_display();
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let title = level.primary_title(message.as_str()).id(code);
    let report = match &diagnostic.location {
        Some(loc) => {
            let span = caret_span(loc);
            let snippet = Snippet::source(loc.source_line.as_str())
                .line_start(loc.start.line)
                .path(path.as_str())
                .annotation(AnnotationKind::Primary.span(span));
            vec![
                Group::with_title(title).element(snippet),
                Group::with_title(Level::HELP.secondary_title(help.as_str())),
            ]
        }
        None => vec![
            Group::with_title(title).element(annotate_snippets::Origin::path(path.as_str())),
            Group::with_title(Level::HELP.secondary_title(help.as_str())),
        ],
    };
    renderer.render(&report)
}

/// The byte range within the source line that the caret underlines: the span's start to its end
/// when it ends on the same line, else to the end of the line; at least one character.
fn caret_span(loc: &Location) -> std::ops::Range<usize> {
    let line = &loc.source_line;
    let byte_at = |col: usize| {
        line.char_indices()
            .nth(col.saturating_sub(1))
            .map_or(line.len(), |(i, _)| i)
    };
    let start = byte_at(loc.start.column);
    let end = if loc.end.line == loc.start.line && loc.end.column > loc.start.column {
        byte_at(loc.end.column)
    } else if loc.end.line > loc.start.line {
        line.len()
    } else {
        start
    };
    if end > start {
        start..end
    } else {
        let next = line[start..].chars().next().map_or(0, char::len_utf8);
        start..start + next
    }
}

#[derive(Serialize)]
struct JsonDiagnostic {
    code: &'static str,
    name: &'static str,
    severity: Severity,
    path: String,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    message: String,
    help: String,
}

#[derive(Serialize)]
struct JsonReport {
    diagnostics: Vec<JsonDiagnostic>,
    summary: Summary,
}

/// One JSON document: `{"diagnostics": [...], "summary": {...}}`.
pub fn render_json(diagnostics: &[Diagnostic], summary: Summary) -> String {
    let diagnostics = diagnostics
        .iter()
        .map(|d| {
            let (code, name) = d.problem.code();
            JsonDiagnostic {
                code,
                name,
                severity: d.severity(),
                path: d.path_display(),
                line: d.location.as_ref().map(|l| l.start.line),
                column: d.location.as_ref().map(|l| l.start.column),
                end_line: d.location.as_ref().map(|l| l.end.line),
                end_column: d.location.as_ref().map(|l| l.end.column),
                message: d.problem.to_string(),
                help: d.problem.help(),
            }
        })
        .collect();
    let report = JsonReport {
        diagnostics,
        summary,
    };
    serde_json::to_string_pretty(&report).unwrap_or_default()
}

/// GitHub Actions workflow commands, one line per diagnostic, so CI annotates the pull request.
pub fn render_github(diagnostic: &Diagnostic) -> String {
    let command = match diagnostic.severity() {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let (code, name) = diagnostic.problem.code();
    let mut out = format!(
        "::{command} file={}",
        escape_property(&diagnostic.path_display())
    );
    if let Some(loc) = &diagnostic.location {
        let _ = write!(
            out,
            ",line={},col={},endLine={},endColumn={}",
            loc.start.line, loc.start.column, loc.end.line, loc.end.column
        );
    }
    let title = format!("{code} {name}");
    let message = format!(
        "{} (help: {})",
        diagnostic.problem,
        diagnostic.problem.help()
    );
    let _ = write!(
        out,
        ",title={}::{}",
        escape_property(&title),
        escape_data(&message)
    );
    out
}

// GitHub's escaping rules for workflow commands.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The closest candidate to `word`, if one is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How much faster the common plain layout is than the library's, on 78,000 warnings shaped
    /// like a large imported site's (long messages, long lines). A measurement, not a check:
    /// `cargo test --release --lib -- --ignored --nocapture plain_layout_speed`.
    #[test]
    #[ignore = "a measurement"]
    fn plain_layout_speed() {
        let line = "  - \"A second, quieter cause is a lockfile that points at an old certificate bundle.\"";
        let ds: Vec<Diagnostic> = (0..78_000)
            .map(|i| {
                let location = Location {
                    start: Position {
                        line: 9 + i % 300,
                        column: 5,
                    },
                    end: Position {
                        line: 9 + i % 300,
                        column: 86,
                    },
                    source_line: line.into(),
                };
                let problem = Problem::InvalidValue {
                    detail: format!(
                        "this sentence is in {i} entries; also in {}",
                        "content/x/y.md, ".repeat(5)
                    ),
                    hint:
                        "say it once, on the page where it belongs, and link there from the others"
                            .into(),
                };
                Diagnostic::new(problem, format!("content/t/e-{i}.md"), Some(location))
            })
            .collect();
        let time = |f: &dyn Fn(&Diagnostic) -> String| {
            let started = std::time::Instant::now();
            let bytes: usize = ds.iter().map(|d| f(d).len()).sum();
            (started.elapsed(), bytes)
        };
        let (library, a) = time(&|d| render_snippet(d, false));
        let (common, b) = time(&|d| render_human(d, false));
        assert_eq!(a, b);
        println!(
            "78,000 warnings, one core: annotate-snippets {library:?}, common layout {common:?}: {:.1}x",
            library.as_secs_f64() / common.as_secs_f64()
        );
    }

    /// The common case laid out by hand is what annotate-snippets lays out, for any line,
    /// span, line number, message and help in its domain.
    #[test]
    fn the_common_plain_layout_is_the_librarys() {
        use proptest::prelude::*;
        let line = "[ -~]{0,110}";
        let text = "[ -~]{1,600}";
        // A fixed seed: the same 2,000 cases on every run.
        use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
        let config = Config {
            cases: 2000,
            failure_persistence: None,
            ..Config::default()
        };
        let rng = TestRng::deterministic_rng(RngAlgorithm::ChaCha);
        let mut runner = TestRunner::new_with_rng(config, rng);
        let strategy = (
            line,
            text,
            text,
            1usize..120,
            0usize..40,
            1usize..30_000,
            any::<bool>(),
        );
        let checked = std::cell::Cell::new(0);
        let result = runner.run(
            &strategy,
            |(line, detail, hint, col, len, number, multi)| {
                let location = Location {
                    start: Position {
                        line: number,
                        column: col,
                    },
                    end: Position {
                        line: if multi { number + 1 } else { number },
                        column: col + len,
                    },
                    source_line: line.clone(),
                };
                let problem = Problem::InvalidValue { detail, hint };
                let d = Diagnostic::new(problem, "content/t/e.md", Some(location));
                if let Some(fast) = render_plain_common(&d) {
                    checked.set(checked.get() + 1);
                    prop_assert_eq!(fast, render_snippet(&d, false), "line {:?}", line);
                }
                Ok(())
            },
        );
        assert!(result.is_ok(), "{result:?}");
        assert!(
            checked.get() > 500,
            "only {} cases in the common domain",
            checked.get()
        );
    }

    #[test]
    fn positions_count_characters_not_bytes() {
        let text = "a: é\nbé: x\n";
        let at = text.find('x').unwrap_or(0);
        let loc = Location::from_bytes(text, at..at + 1);
        assert_eq!(loc.start, Position { line: 2, column: 5 });
        assert_eq!(loc.source_line, "bé: x");
    }

    #[test]
    fn codes_are_unique_and_ordered() {
        let mut sorted = CODES.to_vec();
        sorted.sort();
        sorted.dedup_by_key(|c| c.0);
        assert_eq!(sorted, CODES.to_vec());
    }

    #[test]
    fn did_you_mean_finds_typos() {
        let fields = ["summary", "signature", "title"];
        assert_eq!(did_you_mean("sumary", fields), Some("summary".into()));
        assert_eq!(did_you_mean("zzz", fields), None);
    }

    #[test]
    fn github_escapes_properties() {
        let d = Diagnostic::new(Problem::NoFrontMatter, "a,b:c.md", None);
        assert!(
            render_github(&d).starts_with("::error file=a%2Cb%3Ac.md,title=E005 no-front-matter::")
        );
    }
}
