//! `errdex check`: every mistake, at its file:line:col, with a fix; in one run; three formats.

use crate::harness::{SiteTest, fixtures};

const ENTRY: &str = "content/tool-a/minimal-entry.md";

fn minimal() -> String {
    std::fs::read_to_string(fixtures().join("basic").join(ENTRY)).expect("fixture")
}

/// One bad input: what to write, and the diagnostic it must give.
struct Case {
    name: &'static str,
    files: Vec<(&'static str, Vec<u8>)>,
    code: &'static str,
    path: &'static str,
    /// `Some((line, column))` when the diagnostic has a position.
    at: Option<(u64, u64)>,
    /// Text the message or help must contain.
    says: &'static str,
}

fn case(
    name: &'static str,
    text: String,
    code: &'static str,
    at: (u64, u64),
    says: &'static str,
) -> Case {
    Case {
        name,
        files: vec![(ENTRY, text.into_bytes())],
        code,
        path: ENTRY,
        at: Some(at),
        says,
    }
}

fn site_yaml() -> String {
    std::fs::read_to_string(fixtures().join("basic/site.yaml")).expect("fixture")
}

fn append_fields(extra: &str) -> String {
    minimal().replacen(
        "    note: Shows the minimal error.\n",
        &format!("    note: Shows the minimal error.\n{extra}"),
        1,
    )
}

fn cases() -> Vec<Case> {
    let m = minimal();
    let repeated = "A minimal error happens when the example tool cannot reach its server at all.";
    let full_signature = r#"signature: 'Error: 401 {"type":"authentication_error"}'"#;
    vec![
        case("no_front_matter", "just text\n".into(), "E005", (1, 1), "start the file with `---`"),
        case("unclosed_front_matter", "---\ntitle: x\n".into(), "E006", (1, 1), "closing `---`"),
        case("not_a_mapping", "---\n- a\n- b\n---\n".into(), "E007", (2, 1), "key: value"),
        case("missing_field", m.replace("summary: Only the required fields.\n", ""), "E001", (2, 1), "`summary`"),
        case("wrong_type", m.replace("causes:\n  - Something went wrong.", "causes: {a: 1}"), "E003", (7, 9), "expected"),
        case("unknown_key", m.replace("summary:", "sumary:"), "E002", (3, 1), "did you mean `summary`?"),
        case("duplicate_key", m.replace("title: Tool A minimal entry\n", "title: Tool A minimal entry\ntitle: again\n"), "E004", (3, 1), "`title`"),
        case("empty_string", m.replace("summary: Only the required fields.", "summary: \"\""), "E009", (3, 10), "`summary` is empty"),
        case("empty_list", m.replace("causes:\n  - Something went wrong.", "causes: []"), "E009", (7, 9), "`causes` is empty"),
        case("bad_date", m.replace("2026-11-01", "2026-13-01"), "E010", (6, 10), "YYYY-MM-DD"),
        case("impossible_date", m.replace("2026-11-01", "2026-02-30"), "E010", (6, 10), "2026-02-30"),
        case("updated_in_future", m.replace("2026-11-01", "2027-01-01"), "E011", (6, 10), "in the future"),
        case("alias_collision", append_fields("aliases:\n  - /tool-a/full-entry/\n"), "E013", (16, 5), "already taken"),
        case("duplicate_signature", m.replace("signature: \"Error: minimal\"", full_signature), "W005", (4, 12), "tool-a/full-entry"),
        case("unknown_related", append_fields("related:\n  - tool-a/ful-entry\n"), "E014", (16, 5), "did you mean `tool-a/full-entry`?"),
        case("broken_link", m.replace("A minimal error.", "See [x](/tool-a/nope/)."), "E015", (19, 5), "leads nowhere"),
        case("broken_anchor", m.replace("A minimal error.", "See [x](/tool-a/full-entry/#nope)."), "E016", (19, 5), "#what-this-error-means"),
        case("source_not_http", m.replace("https://example.org/docs/minimal", "ftp://example.org/docs/minimal"), "E012", (12, 10), "http(s)"),
        case("source_without_note", m.replace("    note: Shows the minimal error.\n", ""), "E024", (12, 5), "add `note:`"),
        case("source_checked_in_future", append_fields("    checked: 2027-01-01\n"), "E011", (15, 14), "`checked`"),
        case("summary_too_long", m.replace("Only the required fields.", &"word ".repeat(40)), "W001", (3, 10), "160"),
        case("stale_entry", m.replace("2026-11-01", "2025-01-01"), "W002", (6, 10), "bump `updated`"),
        case("repeated_sentence", m.replace("A minimal error.", &format!("{repeated} {repeated}")), "W003", (19, 79), "say it once"),
        case("placeholder", m.replace("quick_fix: Try again.", "quick_fix: 'TODO: the first thing to try'"), "W004", (5, 13), "placeholder"),
        case("crlf_and_bom_are_fine_but_errors_still_point_right", format!("\u{feff}{}", m.replace("2026-11-01", "2026-13-01").replace('\n', "\r\n")), "E010", (6, 10), "YYYY-MM-DD"),
        case("columns_count_characters", m.replace("title: Tool A minimal entry", "title: Tööl Ä").replace("summary:", "sümmary:"), "E002", (3, 1), "sümmary"),
        Case {
            name: "bad_file_name",
            files: vec![("content/tool-a/Bad_Name.md", m.clone().into_bytes())],
            code: "E017",
            path: "content/tool-a/Bad_Name.md",
            at: None,
            says: "rename it to `bad-name.md`",
        },
        Case {
            name: "not_utf8",
            files: vec![(ENTRY, b"---\ntitle: caf\xe9\n---\n".to_vec())],
            code: "E018",
            path: ENTRY,
            at: Some((2, 11)),
            says: "byte 0xe9",
        },
        Case {
            name: "md_outside_tool_folder",
            files: vec![("content/stray.md", m.clone().into_bytes())],
            code: "E019",
            path: "content/stray.md",
            at: None,
            says: "content/<tool>/",
        },
        Case {
            name: "tool_folder_without_section",
            files: vec![("content/tool-b/an-entry.md", m.clone().into_bytes())],
            code: "E020",
            path: "content/tool-b",
            at: None,
            says: "_section.yaml",
        },
        Case {
            name: "unknown_key_in_section_defaults",
            files: vec![("content/tool-a/_section.yaml", b"title: Tool A\ndefaults:\n  categroy: Test Tools\n".to_vec())],
            code: "E002",
            path: "content/tool-a/_section.yaml",
            at: Some((3, 3)),
            says: "did you mean `category`?",
        },
        Case {
            name: "bad_report_url",
            files: vec![("site.yaml", format!("{}report_url: github.com/team/errors/issues/new\n", site_yaml()).into_bytes())],
            code: "E012",
            path: "site.yaml",
            at: Some((5, 13)),
            says: "`report_url` must be an absolute http(s) URL",
        },
        Case {
            name: "template_error",
            files: vec![("templates/list.html", b"{% extends \"base.html\" %}\n{% block content %}\n{{ heading | nosuchfilter }}\n{% endblock %}\n".to_vec())],
            code: "E021",
            path: "templates/list.html",
            at: Some((3, 14)),
            says: "nosuchfilter",
        },
    ]
}

fn find<'a>(json: &'a serde_json::Value, code: &str, path: &str) -> Option<&'a serde_json::Value> {
    json["diagnostics"]
        .as_array()?
        .iter()
        .find(|d| d["code"] == code && d["path"] == path)
}

#[test]
fn every_bad_input_gives_its_diagnostic_at_its_place() {
    for case in cases() {
        let site = SiteTest::fixture("basic");
        for (path, bytes) in &case.files {
            site.write_bytes(path, bytes);
        }
        let (code, json) = site.check_json(&["--strict"]);
        assert_eq!(code, 1, "{}: exit code", case.name);
        let d = find(&json, case.code, case.path).unwrap_or_else(|| {
            panic!("{}: no {} in {}: {json:#}", case.name, case.code, case.path)
        });
        if let Some((line, col)) = case.at {
            assert_eq!(
                (d["line"].as_u64(), d["column"].as_u64()),
                (Some(line), Some(col)),
                "{}: {d:#}",
                case.name
            );
        }
        let text = format!("{} {}", d["message"], d["help"]);
        assert!(text.contains(case.says), "{}: {text}", case.name);

        // The human rendering, pinned: code, message, path:line:col, the line, the caret, help.
        let human = site.run(&["check"]);
        assert!(!human.stderr.contains("panicked"));
        insta::assert_snapshot!(format!("human_{}", case.name), human.stderr);
    }
}

#[test]
fn five_broken_files_give_five_diagnostics_in_one_run_in_order() {
    let site = SiteTest::fixture("basic");
    let m = minimal();
    let sig = |s: &str, n: &str| s.replace("Error: minimal", &format!("Error: {n}"));
    site.write(
        "content/tool-a/a-one.md",
        &sig(&m.replace("summary:", "sumary:"), "one"),
    );
    site.write(
        "content/tool-a/b-two.md",
        &sig(&m.replace("2026-11-01", "2026-02-30"), "two"),
    );
    site.write("content/tool-a/c-three.md", "no front matter\n");
    site.write(
        "content/tool-a/d-four.md",
        &sig(&append_fields("related:\n  - tool-a/nope\n"), "four"),
    );
    site.write(
        "content/tool-a/e-five.md",
        &sig(
            &m.replace("https://example.org/docs/minimal", "javascript:alert(1)"),
            "five",
        ),
    );
    let (code, json) = site.check_json(&[]);
    assert_eq!(code, 1);
    let got: Vec<(String, String)> = json["diagnostics"]
        .as_array()
        .expect("list")
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap_or("").to_string(),
                d["code"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = [
        ("a-one", "E002"),
        ("b-two", "E010"),
        ("c-three", "E005"),
        ("d-four", "E014"),
        ("e-five", "E012"),
    ]
    .iter()
    .map(|(f, c)| (format!("content/tool-a/{f}.md"), c.to_string()))
    .collect();
    assert_eq!(got, expected);
    assert_eq!(json["summary"]["errors"], 5);
    assert_eq!(json["summary"]["entries"], 7);
}

#[test]
fn json_output_has_every_field() {
    let site = SiteTest::fixture("basic");
    site.write(ENTRY, &minimal().replace("summary:", "sumary:"));
    let (_, json) = site.check_json(&[]);
    let d = &json["diagnostics"][0];
    for key in [
        "code",
        "severity",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "message",
        "help",
    ] {
        assert!(d.get(key).is_some(), "missing {key} in {d:#}");
    }
    assert_eq!(d["severity"], "error");
    assert_eq!(d["end_column"], 7, "the span covers the key `sumary`");
    assert_eq!(
        json["summary"],
        serde_json::json!({"errors": 1, "warnings": 0, "entries": 2})
    );
}

#[test]
fn github_output_annotates_the_line() {
    let site = SiteTest::fixture("basic");
    site.write(ENTRY, &minimal().replace("summary:", "sumary:"));
    let run = site.run(&["check", "--format", "github"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout.trim(),
        "::error file=content/tool-a/minimal-entry.md,line=3,col=1,endLine=3,endColumn=7,title=E002 unknown-field::unknown field `sumary` (help: did you mean `summary`?)"
    );
}

#[test]
fn exit_codes() {
    let site = SiteTest::fixture("basic");
    let clean = site.run(&["check"]);
    assert_eq!(clean.code, 0, "{}", clean.stderr);
    assert!(
        clean.stderr.contains("0 errors, 0 warnings in 2 entries"),
        "{}",
        clean.stderr
    );
    site.write(ENTRY, &minimal().replace("2026-11-01", "2025-01-01"));
    assert_eq!(site.run(&["check"]).code, 0, "warnings alone pass");
    assert!(!site.path("public").exists(), "check writes nothing");
    assert_eq!(
        site.run(&["check", "--strict"]).code,
        1,
        "--strict fails on warnings"
    );
    assert_eq!(site.run(&["build"]).code, 0, "build allows warnings");
    site.write(ENTRY, "broken\n");
    assert_eq!(site.run(&["check"]).code, 1);
    assert_eq!(site.run(&["check", "--no-such-flag"]).code, 2);
    assert_eq!(site.run(&["check", "--root", "does-not-exist"]).code, 2);
}

#[test]
fn human_output_is_plain_without_a_terminal_and_ends_with_a_summary() {
    let site = SiteTest::fixture("basic");
    site.write(ENTRY, &minimal().replace("summary:", "sumary:"));
    let run = site.run_env(&["check"], &[("NO_COLOR", "")]);
    assert!(
        !run.stderr.contains('\u{1b}'),
        "colour codes written to a pipe"
    );
    assert!(
        run.stderr
            .trim_end()
            .ends_with("1 error, 0 warnings in 2 entries"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_symlink_loop_is_a_diagnostic_not_a_hang() {
    let site = SiteTest::fixture("basic");
    #[cfg(unix)]
    std::os::unix::fs::symlink("..", site.path("content/tool-a/loop")).expect("symlink");
    let (code, json) = site.check_json(&[]);
    assert_eq!(code, 1);
    let d = find(&json, "E022", "content/tool-a/loop").unwrap_or_else(|| panic!("{json:#}"));
    assert!(
        d["message"]
            .as_str()
            .unwrap_or("")
            .contains("symbolic link loop")
    );
}

#[test]
fn a_file_with_errors_still_has_its_links_checked_in_the_same_run() {
    let site = SiteTest::fixture("basic");
    let text =
        append_fields("related:\n  - tool-a/ful-entry\n").replace("2026-11-01", "2026-02-30");
    site.write(ENTRY, &text);
    let (code, json) = site.check_json(&[]);
    assert_eq!(code, 1);
    assert!(find(&json, "E010", ENTRY).is_some(), "{json:#}");
    let related = find(&json, "E014", ENTRY).unwrap_or_else(|| panic!("{json:#}"));
    assert_eq!(related["help"], "did you mean `tool-a/full-entry`?");
}

#[test]
fn a_sentence_in_more_than_two_entries_is_a_warning_naming_the_others() {
    let site = SiteTest::fixture("basic");
    let filler = "Keep one credential source per shell so the tool never picks the wrong one.";
    let entry = |n: &str, shared: &str| {
        format!(
            "---\ntitle: Entry {n}\nsummary: Summary {n}.\nsignature: 'Error: {n}'\nquick_fix: Fix {n}.\nupdated: 2026-11-01\ncauses:\n  - {shared}\nquick_fixes: [Retry {n}.]\nsources:\n  - url: https://example.org/{n}\n    title: Doc {n}\n    note: Shows {n}.\n---\n\nBody {n}.\n"
        )
    };
    site.write("content/tool-a/shared-a.md", &entry("a", filler))
        .write("content/tool-a/shared-b.md", &entry("b", filler));
    // Two entries may share a sentence.
    let run = site.run(&["check", "--strict"]);
    assert!(!run.stderr.contains("W006"), "{}", run.stderr);
    site.write("content/tool-a/shared-c.md", &entry("c", filler));
    let run = site.run(&["check", "--strict"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let w006: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("warning[W006]"))
        .collect();
    assert_eq!(w006.len(), 1, "{}", run.stderr);
    assert!(
        w006[0].contains("in 3 entries")
            && w006[0].contains("content/tool-a/shared-b.md")
            && w006[0].contains("content/tool-a/shared-c.md"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("--> content/tool-a/shared-a.md:8:5"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(filler), "{}", run.stderr);
}

/// `errdex schema | head -1`, `errdex search … | head`: a reader that has gone away ends the
/// output quietly, with status 0 and no panic.
#[test]
fn a_closed_reader_ends_the_output_quietly() {
    let site = SiteTest::fixture("basic");
    for args in [
        &["schema"][..],
        &["check", "--format", "json"][..],
        &["search", "--format", "json", "error"][..],
    ] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_errdex"))
            .args(args)
            .current_dir(site.root())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
        // Close the read end before errdex writes: its first write meets a broken pipe.
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    }
}

/// `--quiet` keeps errors and drops warnings and summaries; `--color` overrides the terminal
/// test and NO_COLOR; `--verbose` adds the stage timings.
#[test]
fn quiet_verbose_and_color_flags() {
    let site = SiteTest::fixture("basic");
    let path = "content/tool-a/minimal-entry.md";
    let long = "A summary that goes on and on. ".repeat(8);
    site.write(
        path,
        &site
            .read(path)
            .replace("Only the required fields.", long.trim()),
    );
    // Warnings only: quiet prints nothing at all.
    let quiet = site.run(&["check", "--quiet"]);
    assert_eq!(quiet.code, 0);
    assert_eq!(quiet.stderr, "", "{}", quiet.stderr);
    let loud = site.run(&["check"]);
    assert!(loud.stderr.contains("warning[W001]"), "{}", loud.stderr);
    // An error is still shown, with the summary.
    site.write("content/tool-a/broken.md", "---\ntitle: Broken\n---\n");
    let quiet = site.run(&["check", "-q"]);
    assert_eq!(quiet.code, 1);
    assert!(quiet.stderr.contains("error[E001]"), "{}", quiet.stderr);
    assert!(!quiet.stderr.contains("warning["), "{}", quiet.stderr);
    assert!(quiet.stderr.contains(" errors, "), "{}", quiet.stderr);
    // Colour: the harness sets NO_COLOR; the flag wins over it.
    assert!(
        site.run(&["check", "--color", "always"])
            .stderr
            .contains("\u{1b}[")
    );
    assert!(
        !site
            .run(&["check", "--color", "never"])
            .stderr
            .contains("\u{1b}[")
    );
    assert!(!site.run(&["check"]).stderr.contains("\u{1b}["));
    // Verbose: the stage timings.
    assert!(
        site.run(&["check", "--verbose"])
            .stderr
            .contains("timing: discover:")
    );
    assert_eq!(
        site.run(&["check", "-q", "-v"]).code,
        2,
        "quiet and verbose conflict"
    );
}

#[test]
fn build_prints_the_first_warnings_and_counts_the_rest_check_lists_them_all() {
    let site = SiteTest::fixture("basic");
    // 25 stale entries: 25 W002 warnings, and no error.
    for i in 0..25 {
        let text = minimal()
            .replace("updated: 2026-11-01", "updated: 2024-01-01")
            .replace("Error: minimal", &format!("Error: minimal number {i}"));
        site.write(&format!("content/tool-a/stale-{i:02}.md"), &text);
    }
    let build = site.run(&["build"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    let full = build.stderr.matches("warning[W002]").count();
    assert_eq!(full, 20, "{}", build.stderr);
    assert!(
        build.stderr.contains(
            "5 more warnings, not shown (`errdex check` lists them all):\n  W002 stale-entry: 5\n"
        ),
        "{}",
        build.stderr
    );
    assert!(build.stderr.contains("0 errors, 25 warnings in 27 entries"));
    let check = site.run(&["check"]);
    assert_eq!(check.stderr.matches("warning[W002]").count(), 25);
    assert!(!check.stderr.contains("not shown"));
    // Machine formats always carry everything.
    let github = site.run(&["build", "--format", "github"]);
    assert_eq!(
        github.stdout.matches("::warning ").count(),
        25,
        "{}",
        github.stdout
    );
}
