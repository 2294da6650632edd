//! The command line: parse arguments, call the library, print diagnostics, choose the exit code.
//! Exit codes: 0 success, 1 content errors, 2 usage or system failure.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand, ValueEnum};
use errdex::diagnostic::{self, Diagnostic};
use errdex::progress::Progress;
use errdex::site::LoadOptions;
use errdex::{BuildOptions, Outcome};

/// mimalloc: a build makes many small, short-lived strings on every core; glibc's allocator
/// spent about a tenth of a 10,000-entry build in malloc and free.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Prints a line on standard output. A reader that has gone away (`errdex schema | head -1`)
/// ends the program quietly with status 0, as it would a Unix tool; another write error is
/// reported, status 2.
macro_rules! out {
    ($($arg:tt)*) => {
        emit(format_args!($($arg)*))
    };
}

fn emit(line: std::fmt::Arguments) {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_fmt(line)
        .and_then(|()| stdout.write_all(b"\n"))
    {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write the output: {e}");
        std::process::exit(2);
    }
}

#[derive(Parser)]
#[command(
    name = "errdex",
    version,
    about = "A static-site generator for troubleshooting sites: one Markdown file per error.",
    after_help = "Examples:\n  errdex build                      build ./ into ./public\n  errdex build --root site --output out --base-url https://example.com/errors/\n  errdex check --format github      report problems as GitHub annotations"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Colours in diagnostics: `auto` (on a terminal, unless NO_COLOR is set), `always`, `never`.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// Print only errors and the output asked for: no warnings, summaries or progress.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Also print how long each stage took.
    #[arg(long, short, global = true)]
    verbose: bool,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// How much to print, and in colour or not: set once from the command line.
#[derive(Clone, Copy)]
struct Ui {
    color: bool,
    quiet: bool,
}

static UI: std::sync::OnceLock<Ui> = std::sync::OnceLock::new();

fn ui() -> Ui {
    UI.get().copied().unwrap_or(Ui {
        color: false,
        quiet: false,
    })
}

#[derive(Subcommand)]
enum Command {
    /// Check every entry and build the site into the output folder.
    #[command(
        after_help = "Examples:\n  errdex build\n  errdex build --root docs/errors --output dist\n  errdex build --drafts --base-url http://localhost:8000/\n  errdex build --relative-urls --output offline   # then open offline/index.html, or zip it"
    )]
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Where the site is written: a new path, an empty folder or an earlier output (it has
        /// .errdex-output); replaced atomically on success.
        #[arg(long, short, default_value = "public")]
        output: PathBuf,
        /// Diagnostics format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Write every link relative to its page (folders as their index.html) and the search
        /// index as scripts, so that the site works opened from disk or a zip, with no server.
        /// Canonical, feed and sitemap URLs stay absolute from base_url.
        #[arg(long)]
        relative_urls: bool,
        /// Render and write every file, reusing nothing of the previous output (by default,
        /// unchanged files are taken from it: see the output's .errdex-cache).
        #[arg(long)]
        full: bool,
    },
    /// Check every entry and template, report every problem, write nothing.
    #[command(
        after_help = "Examples:\n  errdex check\n  errdex check --strict --format github\n  errdex check --format json | jq '.summary'"
    )]
    Check {
        #[command(flatten)]
        site: SiteArgs,
        /// Diagnostics format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Fail on warnings too.
        #[arg(long)]
        strict: bool,
    },
    /// Start a new site: site.yaml, a tool folder with an example entry, .gitignore and a GitHub
    /// workflow that checks pull requests and publishes main with GitHub Pages.
    #[command(
        after_help = "Right after init, `errdex check --strict`, `errdex build` and `errdex serve` work in the new folder.\n\nExamples:\n  errdex init my-errors\n  errdex init --force    # add what is missing to the current folder; nothing is overwritten"
    )]
    Init {
        /// The folder for the new site (created if missing; must be empty unless --force).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Use a folder that is not empty: write only the starter files that are missing.
        #[arg(long)]
        force: bool,
    },
    /// Write a new entry with every field, ready to fill in.
    #[command(
        after_help = "Examples:\n  errdex new my-tool/disk-full\n  errdex new my-tool/timeout-error --title \"My Tool: request timed out\"\n  errdex new disk-full              (a site whose entries are directly in content/)"
    )]
    New {
        /// The entry id: `<tool>/<slug>`, or `<slug>` on a site whose entries are directly in
        /// `content/`; lowercase a-z0-9-.
        id: String,
        /// The entry's title (otherwise a placeholder).
        #[arg(long)]
        title: Option<String>,
        /// The site's folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Rank the site's pages for a query or a pasted error line (no build needed).
    #[command(
        after_help = "Each result says whether it is confident: the page holds the query's error as a phrase of its\nsignature (or a variant) and leads the next page clearly (docs/search.md). When none is, the\nclosest pages are listed under \"No known error matches this confidently\".\n\nExit status: 0 when a result is confident, 1 when none is.\n\nExamples:\n  errdex search 'Error: connect ECONNREFUSED 127.0.0.1:5432'\n  errdex search --limit 3 --format json \"$(tail -1 build.log)\""
    )]
    Search {
        /// The query: words or a whole pasted error line (it may start with `-`, as
        /// `-bash: mytool: command not found` does).
        #[arg(allow_hyphen_values = true)]
        query: String,
        /// How many results.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Output format.
        #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
        format: OutputFormat,
        /// The site's folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Find known errors in a log (a file or - for standard input) and print their fixes.
    #[command(
        after_help = "A line matches an entry when it holds most of the words of its signature, one of its signature's\nlines or a variant; a message wrapped over two or three lines is matched joined. ANSI colours,\nJSON escapes and carriage returns are undone first. Short variants and `context` lines never\nmatch alone (docs/search.md says exactly what makes a match).\n\nThe log may be UTF-8 or, when it starts with a byte order mark, UTF-16 (as Windows PowerShell\nwrites). Each line is matched on its first 64 KiB; the rest of a longer line is read and\nskipped, so a log of any size takes little memory.\n\nExit status: 0 when a known error was found, 1 when none was.\n\nExamples:\n  npm test 2>&1 | errdex match -\n  errdex match ci.log --format json"
    )]
    Match {
        /// The log file, or - for standard input.
        #[arg(default_value = "-")]
        log: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
        format: OutputFormat,
        /// The site's folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Serve the site on this machine, rebuilding and reloading the browser as files change.
    #[command(
        after_help = "Examples:\n  errdex serve\n  errdex serve --port 8080 --open\n  errdex serve --bind 0.0.0.0   # reachable from the network: only on a trusted one"
    )]
    Serve {
        /// The site's folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The first port to try (the next few are tried when it is taken).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// The address to listen on; anything but loopback makes the site reachable from the network.
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        /// Include entries marked `draft: true`.
        #[arg(long)]
        drafts: bool,
    },
    /// Fetch every source URL the site cites and report dead, moved and quote-missing ones;
    /// record what was found in sources.lock (the build never fetches anything).
    #[command(
        after_help = "`errdex sources` writes sources.lock in the site's folder (commit it: the pages take their\n\"Verified\" dates from it, and `errdex check` warns about what it marks dead or missing);\n`errdex sources check` reports and writes nothing. See docs/sources.md.\n\nExit status: 0 when no source is dead and no quote is missing, 1 otherwise, 2 on usage errors.\n\nExamples:\n  errdex sources\n  errdex sources check --format github --max-age 7d\n  errdex sources --only 'https://code.claude.com/*'"
    )]
    Sources {
        /// `check`: verify and report only, write no lock file.
        #[arg(value_enum)]
        action: Option<SourcesAction>,
        /// The site's folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Skip URLs the lock file says were verified this recently (with the same quotes),
        /// e.g. `7d`, `2w`.
        #[arg(long, value_parser = parse_days)]
        max_age: Option<i64>,
        /// Only URLs matching this glob (`*` matches anything).
        #[arg(long, value_parser = parse_glob)]
        only: Option<glob::Pattern>,
        /// One request's time limit, e.g. `20s`.
        #[arg(long, value_parser = parse_duration, default_value = "20s")]
        timeout: std::time::Duration,
        /// The whole run's time limit; URLs not reached by then keep their old record.
        #[arg(long, value_parser = parse_duration, default_value = "10m")]
        budget: std::time::Duration,
    },
    /// Print the JSON Schema of an entry's front matter, for editors.
    #[command(
        after_help = "Examples:\n  errdex schema > errdex.schema.json\n  # then, first line of an entry: # yaml-language-server: $schema=../../errdex.schema.json"
    )]
    Schema {
        /// The site whose kinds (`kinds` in site.yaml) the schema lists; without a site.yaml
        /// there, the default kinds.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

#[derive(clap::Args)]
struct SiteArgs {
    /// The site's folder (holding site.yaml and content/).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Overrides base_url from site.yaml.
    #[arg(long)]
    base_url: Option<String>,
    /// Include entries marked `draft: true`.
    #[arg(long)]
    drafts: bool,
}

impl SiteArgs {
    /// How to load the site, with a progress bar where one is wanted (the caller finishes it).
    fn load_options(&self) -> LoadOptions {
        LoadOptions {
            drafts: self.drafts,
            base_url: self.base_url.clone(),
            today: None,
            progress: progress(),
        }
    }
}

/// A progress bar on standard error for a long command: on a terminal only, not with --quiet,
/// in CI or with TERM=dumb, and shown only after a second (src/progress.rs).
fn progress() -> Progress {
    let wanted = errdex::progress::wanted(
        std::io::stderr().is_terminal(),
        ui().quiet,
        std::env::var_os("CI").as_deref(),
        std::env::var_os("TERM").as_deref(),
    );
    if wanted {
        Progress::on_stderr()
    } else {
        Progress::hidden()
    }
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum SourcesAction {
    /// Verify and report only.
    Check,
}

/// A duration such as `20s`, `10m`, `1h` or `7d` (jiff's friendly format).
fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let span: jiff::Span = s
        .parse()
        .map_err(|e| format!("`{s}` is not a duration such as 20s, 10m or 7d: {e}"))?;
    let seconds = span
        .total((
            jiff::Unit::Second,
            jiff::SpanRelativeTo::days_are_24_hours(),
        ))
        .map_err(|e| e.to_string())?;
    if seconds <= 0.0 {
        return Err(format!("`{s}` is not a positive duration"));
    }
    Ok(std::time::Duration::from_secs_f64(seconds))
}

/// A duration in whole days, such as `7d` or `2w`.
fn parse_days(s: &str) -> Result<i64, String> {
    let d = parse_duration(s)?;
    Ok((d.as_secs() / 86_400) as i64)
}

fn parse_glob(s: &str) -> Result<glob::Pattern, String> {
    glob::Pattern::new(s).map_err(|e| format!("`{s}` is not a glob: {e}"))
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum OutputFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Human,
    Json,
    Github,
}

impl Command {
    /// The site folder a command works on, when it needs one (it must hold site.yaml).
    fn site_root(&self) -> Option<&std::path::Path> {
        match self {
            Command::Build { site, .. } | Command::Check { site, .. } => Some(&site.root),
            Command::Search { root, .. }
            | Command::Match { root, .. }
            | Command::Sources { root, .. }
            | Command::Serve { root, .. } => Some(root),
            Command::New { .. } | Command::Init { .. } | Command::Schema { .. } => None,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stderr().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let _ = UI.set(Ui {
        color,
        quiet: cli.quiet,
    });
    if cli.verbose {
        errdex::timing::enable();
    }
    if let Some(root) = cli.command.site_root()
        && !root.join("site.yaml").is_file()
    {
        eprintln!(
            "error: {} has no site.yaml; run errdex in a site's folder or pass --root",
            root.display()
        );
        return ExitCode::from(2);
    }
    match cli.command {
        Command::Build {
            site,
            output,
            format,
            relative_urls,
            full,
        } => build(&site, output, format, relative_urls, full),
        Command::Check {
            site,
            format,
            strict,
        } => {
            let load = site.load_options();
            let outcome = errdex::check(&site.root, &load);
            load.progress.finish();
            report(&outcome, format, Listing::Check);
            exit_code(errdex::fails(&outcome.diagnostics, strict))
        }
        Command::Init { dir, force } => {
            match errdex::init::init(&dir, force, errdex::entry::today()) {
                Ok(created) => {
                    for path in &created.written {
                        out!("{}", dir.join(path).display());
                    }
                    for path in &created.kept {
                        eprintln!("kept {} (it was already there)", dir.join(path).display());
                    }
                    if !ui().quiet {
                        let cd = if dir == std::path::Path::new(".") {
                            String::new()
                        } else {
                            format!("cd {} && ", dir.display())
                        };
                        eprintln!(
                            "A new site. Next: {cd}errdex serve --open, then errdex new <tool>/<slug> for your first error."
                        );
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::New { id, title, root } => match errdex::new_entry(&root, &id, title.as_deref()) {
            Ok(created) => {
                if let Some(section) = &created.section {
                    eprintln!("Created {}", section.display());
                }
                out!("{}", created.path.display());
                eprintln!("Fill in the TODO: placeholders, then run `errdex check`.");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        },
        Command::Search {
            query,
            limit,
            format,
            root,
        } => search(&root, &query, limit, format),
        Command::Match { log, format, root } => match_log(&root, &log, format),
        Command::Serve {
            root,
            port,
            bind,
            open,
            drafts,
        } => serve(root, port, bind, open, drafts),
        Command::Sources {
            action,
            root,
            format,
            max_age,
            only,
            timeout,
            budget,
        } => {
            let options = errdex::sources::Options {
                only,
                max_age_days: max_age,
                polite: errdex::sources::fetch::Politeness {
                    timeout,
                    budget,
                    ..Default::default()
                },
                today: errdex::entry::today(),
            };
            sources(&root, &options, action.is_none(), format)
        }
        Command::Schema { root } => {
            let project = errdex::config::Project::new(&root);
            let kinds: Vec<String> = if project.config_file().is_file() {
                match project.load_config() {
                    Ok(config) => config.kinds.into_iter().map(|k| k.id).collect(),
                    Err(diagnostics) => {
                        for d in &diagnostics {
                            eprintln!("{}\n", diagnostic::render_human(d, ui().color));
                        }
                        return ExitCode::from(2);
                    }
                }
            } else {
                errdex::config::DEFAULT_KINDS
                    .iter()
                    .map(|(id, _)| (*id).to_string())
                    .collect()
            };
            print_json(&errdex::entry::schema(&kinds));
            ExitCode::SUCCESS
        }
    }
}

fn sources(
    root: &std::path::Path,
    options: &errdex::sources::Options,
    write_lock: bool,
    format: Format,
) -> ExitCode {
    let quiet = ui().quiet;
    let progress = progress();
    let outcome = errdex::verify_sources(root, options, write_lock, &progress);
    progress.finish();
    let outcome = match outcome {
        Ok(o) => o,
        Err(diagnostics) => {
            for d in &diagnostics {
                eprintln!("{}\n", diagnostic::render_human(d, false));
            }
            return ExitCode::from(2);
        }
    };
    let summary = outcome.run.summary;
    match format {
        Format::Human => {
            for d in &outcome.diagnostics {
                eprintln!("{}\n", diagnostic::render_human(d, ui().color));
            }
            for c in outcome.run.sources.iter().filter(|_| !quiet) {
                let mark = match c.skipped {
                    Some(why) => format!("skipped ({why})"),
                    None => c.record.verdict.as_str().to_string(),
                };
                let changed = if c.changed { ", changed" } else { "" };
                out!("{mark:<14} {}{changed}", c.url);
            }
            if !quiet {
                eprintln!("{}", summary.line());
            }
        }
        Format::Json => print_json(&outcome.run),
        Format::Github => {
            for d in &outcome.diagnostics {
                out!("{}", diagnostic::render_github(d));
            }
            out!("{}", summary.line());
        }
    }
    if outcome.content_errors > 0 {
        eprintln!(
            "note: {} problem(s) in the content; entries with errors were left out (run errdex check)",
            outcome.content_errors
        );
    }
    match &outcome.lock_written {
        Ok(true) if !quiet => eprintln!("wrote {}", errdex::sources::lock::LOCK_FILE),
        Ok(_) => {}
        Err(e) => {
            eprintln!(
                "error: cannot write {}: {e}",
                errdex::sources::lock::LOCK_FILE
            );
            return ExitCode::from(2);
        }
    }
    exit_code(!summary.passed())
}

fn build(
    site: &SiteArgs,
    output: PathBuf,
    format: Format,
    relative_urls: bool,
    full: bool,
) -> ExitCode {
    let started = Instant::now();
    let options = BuildOptions {
        root: site.root.clone(),
        output: output.clone(),
        load: site.load_options(),
        relative_urls,
        full,
    };
    let outcome = errdex::build(&options);
    options.load.progress.finish();
    match outcome {
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
        Ok(outcome) => {
            report(&outcome, format, Listing::Build);
            if outcome.has_errors() {
                eprintln!("Build failed; {} left unchanged.", output.display());
                return ExitCode::from(1);
            }
            if format == Format::Human && !ui().quiet {
                eprintln!(
                    "Built {} pages in {:.2} s → {}",
                    outcome.files,
                    started.elapsed().as_secs_f64(),
                    output.display()
                );
            }
            ExitCode::SUCCESS
        }
    }
}

fn load_searchable(root: &std::path::Path) -> Option<errdex::Searchable> {
    let s = errdex::searchable(root, &LoadOptions::default())?;
    let errors = s
        .diagnostics
        .iter()
        .filter(|d| d.severity() == diagnostic::Severity::Error)
        .count();
    if errors > 0 {
        eprintln!(
            "note: {errors} problem(s) in the content; entries with errors are left out (run errdex check)"
        );
    }
    Some(s)
}

#[derive(serde::Serialize)]
struct SearchResult<'a> {
    rank: usize,
    score: f64,
    id: &'a str,
    title: &'a str,
    url: String,
    /// Whether the page explains the query well enough to be its answer (docs/search.md).
    confident: bool,
    matched: &'a [String],
}

fn search(root: &std::path::Path, query: &str, limit: usize, format: OutputFormat) -> ExitCode {
    let Some(s) = load_searchable(root) else {
        return ExitCode::from(2);
    };
    let hits = errdex::search::rank(&s.index, query, limit);
    let results: Vec<SearchResult> = hits
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let doc = &s.index.docs[h.doc];
            SearchResult {
                rank: i + 1,
                score: h.score,
                id: &doc.id,
                title: &doc.title,
                url: format!("{}{}", s.origin, doc.url),
                confident: h.confident,
                matched: &h.matched,
            }
        })
        .collect();
    match format {
        OutputFormat::Json => print_json(&results),
        OutputFormat::Human => {
            if results.is_empty() {
                eprintln!(
                    "No page matches. Try the error code or the most specific words of the message."
                );
            } else if !results.iter().any(|r| r.confident) {
                out!("No known error matches this confidently. The closest pages:");
            }
            for r in &results {
                let mark = if r.confident { "  (confident)" } else { "" };
                out!(
                    "{:>2}. {:>7.3}  {}  {}{mark}\n             {}",
                    r.rank,
                    r.score,
                    r.id,
                    r.title,
                    r.url
                );
            }
        }
    }
    exit_code(!results.iter().any(|r| r.confident))
}

#[derive(serde::Serialize)]
struct MatchResult<'a> {
    line: usize,
    count: usize,
    id: &'a str,
    title: &'a str,
    url: String,
    quick_fix: &'a str,
}

fn match_log(root: &std::path::Path, log: &std::path::Path, format: OutputFormat) -> ExitCode {
    let Some(s) = load_searchable(root) else {
        return ExitCode::from(2);
    };
    let matcher = errdex::search::Matcher::new(&s.index);
    let found = if log == std::path::Path::new("-") {
        matcher.scan(std::io::stdin().lock())
    } else {
        match std::fs::File::open(log) {
            Ok(f) => matcher.scan(f),
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", log.display());
                return ExitCode::from(2);
            }
        }
    };
    let found = match found {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: reading the log: {e}");
            return ExitCode::from(2);
        }
    };
    let results: Vec<MatchResult> = found
        .iter()
        .map(|m| {
            let doc = &s.index.docs[m.doc];
            MatchResult {
                line: m.line,
                count: m.count,
                id: &doc.id,
                title: &doc.title,
                url: format!("{}{}", s.origin, doc.url),
                quick_fix: &doc.quick_fix,
            }
        })
        .collect();
    match format {
        OutputFormat::Json => print_json(&results),
        OutputFormat::Human => {
            for r in &results {
                let more = if r.count > 1 {
                    format!(" (and {} more lines)", r.count - 1)
                } else {
                    String::new()
                };
                out!(
                    "line {}{more}: {}\n  {}\n  Quick fix: {}\n",
                    r.line,
                    r.title,
                    r.url,
                    errdex::markdown::plain_text(r.quick_fix)
                );
            }
            if results.is_empty() {
                eprintln!("No known error found.");
            }
        }
    }
    exit_code(results.is_empty())
}

fn serve(root: PathBuf, port: u16, bind: String, open: bool, drafts: bool) -> ExitCode {
    let loopback = bind
        .parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
        || bind == "localhost";
    let options = errdex::serve::ServeOptions {
        root,
        bind,
        port,
        drafts,
    };
    // Ctrl-C (or a terminal's hang-up) ends the server with a word and status 0: nothing is
    // left to save, since serve writes nothing to disk.
    let _ = ctrlc::set_handler(|| {
        eprintln!("\nStopped serving. Bye.");
        std::process::exit(0);
    });
    let on_start = |url: &str| {
        eprintln!("Serving on {url}  (Ctrl-C to stop)");
        if !loopback {
            eprintln!(
                "warning: listening on a non-loopback address: the site is reachable from the network"
            );
        }
        if open && let Err(e) = opener::open(url) {
            eprintln!("warning: could not open a browser: {e}");
        }
    };
    match errdex::serve::serve(&options, &on_start) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn exit_code(failed: bool) -> ExitCode {
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// How a command lists what it found (in the human format; JSON and GitHub get everything).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Listing {
    /// `check`: every diagnostic, and always the summary line.
    Check,
    /// `build`: every error, the first [`BUILD_WARNINGS`] warnings, then a count per warning code;
    /// the summary only when something was found.
    Build,
}

/// How many warnings `build` prints in full before it counts the rest by code.
const BUILD_WARNINGS: usize = 20;

fn report(outcome: &Outcome, format: Format, listing: Listing) {
    let Ui { color, quiet } = ui();
    let always_summarize = listing == Listing::Check;
    // `--quiet`: errors only, and no summary unless something failed.
    let shown: Vec<&Diagnostic> = outcome
        .diagnostics
        .iter()
        .filter(|d| !quiet || d.severity() == diagnostic::Severity::Error)
        .collect();
    match format {
        Format::Human => {
            // Rendered on every core and written in one buffered stream: a large site can have
            // thousands of warnings, and each rendering lays out its snippet.
            use rayon::prelude::*;
            use std::io::Write as _;
            // `build` keeps its log readable: the errors and the first warnings in full, the
            // other warnings counted by code.
            let any = !shown.is_empty();
            let (full, counted) = match listing {
                Listing::Check => (shown, Vec::new()),
                Listing::Build => split_warnings(shown, BUILD_WARNINGS),
            };
            let rendered: Vec<String> = full
                .par_iter()
                .map(|d| diagnostic::render_human(d, color))
                .collect();
            let mut err = std::io::BufWriter::new(std::io::stderr().lock());
            for text in rendered {
                let _ = writeln!(err, "{text}\n");
            }
            if !counted.is_empty() {
                let _ = writeln!(
                    err,
                    "{} more warnings, not shown (`errdex check` lists them all):",
                    counted.iter().map(|(_, n)| n).sum::<usize>()
                );
                for ((code, name), n) in counted {
                    let _ = writeln!(err, "  {code} {name}: {n}");
                }
                let _ = writeln!(err);
            }
            let summarize = any || (always_summarize && !quiet);
            if summarize {
                let _ = writeln!(err, "{}", outcome.summary.line());
            }
        }
        Format::Json => out!(
            "{}",
            diagnostic::render_json(&outcome.diagnostics, outcome.summary)
        ),
        Format::Github => {
            for d in shown {
                out!("{}", diagnostic::render_github(d));
            }
        }
    }
}

/// A diagnostic's code and name (`W002`, `stale-entry`) with how many were not shown.
type Counted = ((&'static str, &'static str), usize);

/// The diagnostics to print in full (every error, and the first `keep` warnings, in order) and
/// the other warnings counted by code.
fn split_warnings(shown: Vec<&Diagnostic>, keep: usize) -> (Vec<&Diagnostic>, Vec<Counted>) {
    let mut full = Vec::with_capacity(shown.len().min(keep + 64));
    let mut counted: std::collections::BTreeMap<(&'static str, &'static str), usize> =
        std::collections::BTreeMap::new();
    let mut warnings = 0;
    for d in shown {
        if d.severity() == diagnostic::Severity::Error {
            full.push(d);
        } else if warnings < keep {
            warnings += 1;
            full.push(d);
        } else {
            *counted.entry(d.problem.code()).or_default() += 1;
        }
    }
    (full, counted.into_iter().collect())
}

/// Prints a value as indented JSON on standard output.
fn print_json(value: &impl serde::Serialize) {
    out!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}
