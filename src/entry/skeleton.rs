//! What `errdex new` writes: an entry with every field and placeholders that `check` flags
//! until they are replaced, and a tool folder's first `_section.yaml`. Pure text; `lib.rs`
//! writes the files.

use jiff::civil::Date;

use super::quality::PLACEHOLDER;

/// The text `errdex new` writes: every field, placeholders that `check` flags until replaced.
pub fn skeleton(title: Option<&str>, today: Date) -> String {
    let title = match title {
        Some(t) => yaml_quote(t),
        None => {
            format!("'{PLACEHOLDER} the error in a few words, e.g. My Tool: request timed out'")
        }
    };
    format!(
        r#"---
title: {title}
summary: '{p} one plain sentence (160 characters at most): what failed and why.'
signature: '{p} the exact error text, copied verbatim; write parts that change as {{{{name}}}}'
variants:
  - '{p} another wording of the same error, or delete this list'
# context:      # lines printed with the error that are not the error (a hint, the suggested fix)
#   - 'git push --set-upstream origin {{{{branch}}}}'
code: '{p} the code the tool prints (a status, errno or error id), or delete this line'
# kind: auth    # one of: auth, quota, model, runtime, config, network, install
quick_fix: '{p} the first thing to try, in one line'
updated: {today}
causes:
  - '{p} a common cause'
quick_fixes:
  - '{p} a fix, with the command in `backticks`'
checks:
  - '{p} a platform- or tool-specific check, or delete this list'
steps:
  - '{p} the first troubleshooting step, or delete this list'
prevention:
  - '{p} how to keep it from happening again, or delete this list'
sources:
  - url: '{p} https://the page that shows it'
    title: '{p} the page title'
    note: '{p} what this source shows'
    checked: {today}
# related:      # ids of other entries, e.g. my-tool/other-error
#   - tool/slug
faq:
  - q: '{p} a question readers ask'
    a: '{p} its answer'
# applies_to: [Tool 2.x, macOS]
# tags: [login]
# aliases: [/old/path/]
draft: false
---

## What this error means

{p} explain the error in plain words.

## Why this happens

{p} explain the causes, citing the sources.
"#,
        p = PLACEHOLDER,
    )
}

/// A YAML single-quoted scalar.
fn yaml_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The `_section.yaml` for a new tool folder named `tool` (`claude-code` → `Claude Code`).
pub fn section_text(tool: &str) -> String {
    let title = tool
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ");
    format!(
        "title: {title}\ndescription: ''\n# homepage: https://the tool's documentation\ndefaults:\n  category: {title}\n"
    )
}
