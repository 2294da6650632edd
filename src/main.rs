//! The command line: parse arguments, call the library, print diagnostics, choose the exit code.
//! Exit codes: 0 success, 1 content errors, 2 usage or system failure.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand, ValueEnum};
use errdex::diagnostic::{self, Diagnostic};
use errdex::site::LoadOptions;
use errdex::{BuildOptions, Outcome};

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
}

#[derive(Subcommand)]
enum Command {
    /// Check every entry and build the site into the output folder.
    #[command(
        after_help = "Examples:\n  errdex build\n  errdex build --root docs/errors --output dist\n  errdex build --drafts --base-url http://localhost:8000/"
    )]
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Where the site is written; replaced atomically on success.
        #[arg(long, short, default_value = "public")]
        output: PathBuf,
        /// Diagnostics format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
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
    /// Write a new entry with every field, ready to fill in.
    #[command(
        after_help = "Examples:\n  errdex new claude-code/test-entry\n  errdex new my-tool/timeout-error --title \"My Tool: request timed out\""
    )]
    New {
        /// The entry id: `<tool>/<slug>`, lowercase a-z0-9-.
        id: String,
        /// The entry's title (otherwise a placeholder).
        #[arg(long)]
        title: Option<String>,
        /// The site's folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Print the JSON Schema of an entry's front matter, for editors.
    #[command(
        after_help = "Examples:\n  errdex schema > errdex.schema.json\n  # then, first line of an entry: # yaml-language-server: $schema=../../errdex.schema.json"
    )]
    Schema,
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
    fn load_options(&self) -> LoadOptions {
        LoadOptions {
            drafts: self.drafts,
            base_url: self.base_url.clone(),
            today: None,
        }
    }
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Human,
    Json,
    Github,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Build { site, .. } | Command::Check { site, .. } = &cli.command
        && !site.root.join("site.yaml").is_file()
    {
        eprintln!(
            "error: {} has no site.yaml; run errdex in a site's folder or pass --root",
            site.root.display()
        );
        return ExitCode::from(2);
    }
    match cli.command {
        Command::Build {
            site,
            output,
            format,
        } => build(&site, output, format),
        Command::Check {
            site,
            format,
            strict,
        } => {
            let outcome = errdex::check(&site.root, &site.load_options());
            report(&outcome, format, true);
            exit_code(errdex::fails(&outcome.diagnostics, strict))
        }
        Command::New { id, title, root } => match errdex::new_entry(&root, &id, title.as_deref()) {
            Ok(created) => {
                if let Some(section) = &created.section {
                    eprintln!("Created {}", section.display());
                }
                println!("{}", created.path.display());
                eprintln!("Fill in the TODO: placeholders, then run `errdex check`.");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        },
        Command::Schema => {
            let schema = errdex::entry::schema();
            println!(
                "{}",
                serde_json::to_string_pretty(&schema).unwrap_or_default()
            );
            ExitCode::SUCCESS
        }
    }
}

fn build(site: &SiteArgs, output: PathBuf, format: Format) -> ExitCode {
    let started = Instant::now();
    let options = BuildOptions {
        root: site.root.clone(),
        output: output.clone(),
        load: site.load_options(),
    };
    match errdex::build(&options) {
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
        Ok(outcome) => {
            report(&outcome, format, false);
            if outcome.has_errors() {
                eprintln!("Build failed; {} left unchanged.", output.display());
                return ExitCode::from(1);
            }
            if format == Format::Human {
                eprintln!(
                    "Built {} pages in {:.2} s → {}",
                    outcome.pages.len(),
                    started.elapsed().as_secs_f64(),
                    output.display()
                );
            }
            ExitCode::SUCCESS
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

fn report(outcome: &Outcome, format: Format, always_summarize: bool) {
    let diagnostics: &[Diagnostic] = &outcome.diagnostics;
    match format {
        Format::Human => {
            let color = std::io::stderr().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            for d in diagnostics {
                eprintln!("{}\n", diagnostic::render_human(d, color));
            }
            if !diagnostics.is_empty() || always_summarize {
                eprintln!("{}", outcome.summary.line());
            }
        }
        Format::Json => println!("{}", diagnostic::render_json(diagnostics, outcome.summary)),
        Format::Github => {
            for d in diagnostics {
                println!("{}", diagnostic::render_github(d));
            }
        }
    }
}
