//! Search: the quality set (pasted errors with noise must find their page first), the same
//! ranking in Rust and in static/search.js, and `errdex search` / `errdex match` from the terminal.

use std::path::Path;
use std::process::Command;

use crate::harness::SiteTest;

#[derive(serde::Deserialize)]
struct QuerySet {
    queries: Vec<Query>,
}

#[derive(serde::Deserialize)]
struct Query {
    q: String,
    expect: String,
    #[serde(default)]
    note: String,
}

fn queries() -> Vec<Query> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/search/queries.yaml");
    let text = std::fs::read_to_string(path).expect("queries.yaml");
    serde_saphyr::from_str::<QuerySet>(&text)
        .expect("queries.yaml parses")
        .queries
}

fn repo_searchable() -> errdex::Searchable {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    errdex::searchable(root, &errdex::site::LoadOptions::default()).expect("repo site loads")
}

fn top_ids(s: &errdex::Searchable, q: &str, n: usize) -> Vec<String> {
    errdex::search::rank(&s.index, q, n)
        .iter()
        .map(|h| s.index.docs[h.doc].id.clone())
        .collect()
}

#[test]
fn pasted_errors_find_their_page_first() {
    let s = repo_searchable();
    let queries = queries();
    assert!(queries.len() >= 40);
    let mut first = 0;
    let mut misses = Vec::new();
    let mut margin = 0.0;
    for q in &queries {
        let hits = errdex::search::rank(&s.index, &q.q, 2);
        if let [a, b] = hits.as_slice() {
            margin += (a.score - b.score) / a.score;
        } else {
            margin += 1.0;
        }
        let top = top_ids(&s, &q.q, 3);
        if top.first() == Some(&q.expect) {
            first += 1;
        } else {
            misses.push(format!("{} ({}) → {:?}", q.expect, q.note, top));
        }
        assert!(
            top.contains(&q.expect),
            "not in the top 3: {} for {:?} → {:?}",
            q.expect,
            q.q,
            top
        );
    }
    let share = first as f64 / queries.len() as f64;
    eprintln!(
        "search quality: top-1 {first}/{} ({:.1}%), mean margin over the second result {:.3}",
        queries.len(),
        share * 100.0,
        margin / queries.len() as f64
    );
    assert!(
        share >= 0.95,
        "top-1 {first}/{}; misses:\n{}",
        queries.len(),
        misses.join("\n")
    );
}

#[test]
fn the_browser_ranks_exactly_like_the_terminal() {
    let site = SiteTest::repo_site();
    site.build_ok();
    // The quality set and the real pastes.
    let mut list: Vec<String> = queries().into_iter().map(|q| q.q).collect();
    list.extend(real_pastes().into_iter().map(|r| r.paste));
    // Typing (a prefix in a short query), and typos (the neighbours one edit away of a word no
    // page has), which the browser finds in the word lists.
    list.extend(
        [
            "oauth expi",
            "claude 529",
            "codex usage lim",
            "overlaoded",
            "authentcation eror ",
            "API Error: 529 Overloded",
            "rate limit exceded",
        ]
        .map(String::from),
    );
    site.write("queries.json", &serde_json::to_string(&list).expect("json"));
    let script = r#"
        const fs = require('fs'), path = require('path');
        const [js, out, qfile] = process.argv.slice(1);
        const s = require(js);
        const html = fs.readFileSync(path.join(out, 'index.html'), 'utf8');
        const manifest = html.match(/data-index="\/([^"]+)"/)[1];
        const indexPath = JSON.parse(fs.readFileSync(path.join(out, manifest), 'utf8')).index;
        const read = rel => JSON.parse(fs.readFileSync(path.join(out, rel), 'utf8'));
        const index = s.prepare(read(indexPath));
        // The browser's way: only the files the query needs, each fetched by its path.
        const get = rel => Promise.resolve(read(rel));
        const qs = JSON.parse(fs.readFileSync(qfile, 'utf8'));
        (async () => {
          const all = [];
          for (const q of qs) {
            const { hits, rows } = await s.searchIndex(index, get, q, 5);
            all.push(hits.map(h => [rows.get(h.doc)[0], h.confident, h.score]));
          }
          console.log(JSON.stringify(all));
        })();
    "#;
    let js = Path::new(env!("CARGO_MANIFEST_DIR")).join("static/search.js");
    let output = Command::new("node")
        .args(["-e", script])
        .arg(&js)
        .arg(site.path("public"))
        .arg(site.path("queries.json"))
        .output()
        .expect("node runs (Node.js is part of the toolchain this project needs)");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let from_js: Vec<Vec<(String, bool, f64)>> =
        serde_json::from_slice(&output.stdout).expect("node printed JSON");
    let s = errdex::searchable(site.root(), &errdex::site::LoadOptions::default()).expect("site");
    assert_eq!(from_js.len(), list.len());
    for (q, js_top) in list.iter().zip(&from_js) {
        let rust: Vec<(String, bool, f64)> = errdex::search::rank(&s.index, q, 5)
            .into_iter()
            .map(|h| (s.index.docs[h.doc].id.clone(), h.confident, h.score))
            .collect();
        assert_eq!(&rust, js_top, "Rust and search.js differ for {q:?}");
    }
    // Prefix while typing: the same in both.
    assert_eq!(
        top_ids(&s, "oauth expi", 1),
        ["claude-code/401-oauth-token-expired"]
    );
}

const OAUTH_LINE: &str = r#"2026-03-14T09:12:44.123Z [claude] API Error: 401 {"type":"error","error":{"type":"authentication_error","message":"OAuth token has expired. Please obtain a new token or refresh your existing token."},"request_id":"req_011CZoxfN7gfaRaHPMWyHxLq"} · Please run /login"#;

#[test]
fn search_and_match_from_the_terminal_agree() {
    let site = SiteTest::repo_site();
    let line = OAUTH_LINE;
    let run = site.run(&["search", "--format", "json", "--limit", "3", line]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let results: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(results[0]["id"], "claude-code/401-oauth-token-expired");
    assert_eq!(results[0]["rank"], 1);
    assert!(
        results[0]["url"]
            .as_str()
            .unwrap_or("")
            .starts_with("https://")
    );

    let log = format!("npm test\n> build ok\n{line}\nretrying\n\u{fffd}\u{1b}[31m{line}\n");
    site.write_bytes(
        "ci.log",
        &[log.as_bytes(), b"\xff\xfe broken utf-8 line\n"].concat(),
    );
    let run = site.run(&["match", "ci.log", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let found: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(found.as_array().map(Vec::len), Some(1), "{found:#}");
    assert_eq!(found[0]["id"], "claude-code/401-oauth-token-expired");
    assert_eq!(found[0]["line"], 3);
    assert_eq!(found[0]["count"], 2);

    site.write("clean.log", "all good\nnothing to see\n");
    assert_eq!(site.run(&["match", "clean.log"]).code, 1);
    let human = site.run(&["match", "ci.log"]);
    assert!(
        human
            .stdout
            .contains("line 3 (and 1 more lines): Claude Code API Error 401"),
        "{}",
        human.stdout
    );
    assert!(human.stdout.contains("Quick fix: "), "{}", human.stdout);
}

/// What `errdex match --format json` printed: (id, line, count) for each known error.
fn matches(run: &crate::harness::Run) -> Vec<(String, u64, u64)> {
    let found: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    found
        .as_array()
        .expect("an array")
        .iter()
        .map(|m| {
            (
                m["id"].as_str().unwrap_or("").to_string(),
                m["line"].as_u64().unwrap_or(0),
                m["count"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

#[test]
fn match_reads_utf16_logs_by_their_byte_order_mark() {
    // Windows PowerShell's `>` and `Out-File` write UTF-16LE with a BOM and CRLF line ends.
    let site = SiteTest::repo_site();
    let text = format!("PS C:\\work> claude\r\nstarting\r\n{OAUTH_LINE}\r\ndone\r\n");
    let expected = vec![("claude-code/401-oauth-token-expired".to_string(), 3, 1)];
    let le: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    site.write_bytes("ps.log", &le);
    let run = site.run(&["match", "ps.log", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(matches(&run), expected);

    // UTF-16BE, from standard input.
    let be: Vec<u8> = [0xFE, 0xFF]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
        .collect();
    let (run, _) = site.run_stdin_peak(&["match", "-", "--format", "json"], be);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(matches(&run), expected);

    // A UTF-8 BOM is skipped.
    site.write_bytes("bom.log", &[b"\xEF\xBB\xBF", text.as_bytes()].concat());
    let run = site.run(&["match", "bom.log", "--format", "json"]);
    assert_eq!(matches(&run), expected);
}

#[test]
fn a_huge_line_is_matched_on_its_start_in_bounded_memory() {
    let site = SiteTest::repo_site();
    // The baseline: the same error in 2 MB of short lines (more than a pipe buffer, so that the
    // peak is read after the site is loaded and the lines matched).
    let mut short = format!("{OAUTH_LINE}\n").into_bytes();
    short.extend(b"retrying in 5 seconds\n".repeat(100_000));
    let (run, base_kib) = site.run_stdin_peak(&["match", "-", "--format", "json"], short);
    assert_eq!(run.code, 0, "{}", run.stderr);

    // A 48 MB line of binary garbage and invalid UTF-8 with the error at its start, then two
    // ordinary lines, then 8 MB without a final newline.
    let garbage: Vec<u8> = b"\xff\xfe\x00\x1b[31m\xc3 garbage "
        .iter()
        .copied()
        .cycle()
        .take(48 << 20)
        .collect();
    let mut log = format!("{OAUTH_LINE} ").into_bytes();
    log.extend_from_slice(&garbage);
    log.extend_from_slice(format!("\nretrying\n{OAUTH_LINE}\n").as_bytes());
    log.extend_from_slice(&garbage[..8 << 20]);
    drop(garbage);
    let (run, peak_kib) = site.run_stdin_peak(&["match", "-", "--format", "json"], log);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        matches(&run),
        [("claude-code/401-oauth-token-expired".to_string(), 1, 2)]
    );
    // Buffering the line would take 48 MB more; streaming it takes a few pages.
    assert!(
        peak_kib < base_kib + 16 * 1024,
        "peak {peak_kib} KiB for a 48 MB line, {base_kib} KiB for short lines"
    );
}

/// One row of tests/search/real.tsv: an error text as a user pasted it in a public thread, the
/// entry it is about (`none` for an error the site does not cover) and the thread.
struct RealPaste {
    paste: String,
    expect: String,
    source: String,
}

fn real_pastes() -> Vec<RealPaste> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/search/real.tsv");
    let text = std::fs::read_to_string(path).expect("real.tsv");
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(cols.len(), 3, "three columns: {l:?}");
            RealPaste {
                // Multi-line pastes are stored on one line, their lines joined by " ⏎ ".
                paste: cols[0].replace(" ⏎ ", "\n"),
                expect: cols[1].to_string(),
                source: cols[2].to_string(),
            }
        })
        .collect()
}

/// Issue 16's targets on tests/search/real.tsv (2026-12-02: top-1 174/175 = 99.4%, top-3
/// 175/175, no empty result; 170 of the covered pastes answered confidently and right, none
/// confidently wrong; 3 of 38 uncovered pastes answered confidently).
const TOP1_FLOOR: f64 = 0.97;
const TOP3_FLOOR: f64 = 1.0;
/// At most this share of the pastes of errors no page covers may get a confident answer...
const UNCOVERED_CONFIDENT_CEILING: f64 = 0.2;
/// ...while at least this share of the covered ones get a confident, right one...
const CONFIDENT_RIGHT_FLOOR: f64 = 0.9;
/// ...and at most this many a confident, wrong one.
const CONFIDENT_WRONG_CEILING: usize = 2;

/// The real-world set: texts pasted by users in public threads, each with its thread.
#[test]
fn real_pastes_find_their_page() {
    let s = repo_searchable();
    let rows = real_pastes();
    let ids: Vec<&str> = s.index.docs.iter().map(|d| d.id.as_str()).collect();
    let (covered, uncovered): (Vec<&RealPaste>, Vec<&RealPaste>) =
        rows.iter().partition(|r| r.expect != "none");
    assert!(covered.len() >= 60, "{} covered pastes", covered.len());
    assert!(
        uncovered.len() >= 15,
        "{} uncovered pastes",
        uncovered.len()
    );
    let (mut first, mut top3, mut empty, mut right, mut wrong) = (0, 0, 0, 0, 0);
    let mut misses = Vec::new();
    for r in &covered {
        assert!(r.source.starts_with("https://"), "{}", r.source);
        assert!(ids.contains(&r.expect.as_str()), "no entry {}", r.expect);
        let hits = errdex::search::rank(&s.index, &r.paste, 3);
        let top: Vec<&str> = hits.iter().map(|h| ids[h.doc]).collect();
        empty += usize::from(top.is_empty());
        if top.first() == Some(&r.expect.as_str()) {
            first += 1;
        } else {
            misses.push(format!("{} → {:?} ({})", r.expect, top, r.source));
        }
        top3 += usize::from(top.contains(&r.expect.as_str()));
        for h in hits.iter().filter(|h| h.confident) {
            if ids[h.doc] == r.expect {
                right += 1;
            } else {
                wrong += 1;
                misses.push(format!(
                    "confidently wrong: {} for {}",
                    ids[h.doc], r.expect
                ));
            }
        }
    }
    let mut answered = Vec::new();
    for r in &uncovered {
        let hits = errdex::search::rank(&s.index, &r.paste, 5);
        assert!(
            !hits.is_empty(),
            "the closest pages are listed: {}",
            r.source
        );
        if let Some(h) = hits.iter().find(|h| h.confident) {
            answered.push(format!("{} ({})", ids[h.doc], r.source));
        }
    }
    let n = covered.len() as f64;
    eprintln!(
        "real pastes: top-1 {first}/{} ({:.1}%), top-3 {top3}/{} ({:.1}%), empty {empty}; \
         confident and right {right}, confident and wrong {wrong}; uncovered answered \
         confidently {}/{}\nmisses:\n{}\nuncovered answered:\n{}",
        covered.len(),
        100.0 * first as f64 / n,
        covered.len(),
        100.0 * top3 as f64 / n,
        answered.len(),
        uncovered.len(),
        misses.join("\n"),
        answered.join("\n")
    );
    assert_eq!(empty, 0, "a covered paste found nothing");
    assert!(
        first as f64 / n >= TOP1_FLOOR,
        "top-1 {first}/{}",
        covered.len()
    );
    assert!(
        top3 as f64 / n >= TOP3_FLOOR,
        "top-3 {top3}/{}",
        covered.len()
    );
    assert!(
        right as f64 / n >= CONFIDENT_RIGHT_FLOOR,
        "confident and right: {right}"
    );
    assert!(
        wrong <= CONFIDENT_WRONG_CEILING,
        "confident and wrong: {wrong}"
    );
    assert!(
        answered.len() as f64 / uncovered.len() as f64 <= UNCOVERED_CONFIDENT_CEILING,
        "uncovered answered confidently: {}",
        answered.len()
    );
}

#[test]
fn a_pasted_line_may_start_with_a_hyphen() {
    let site = SiteTest::repo_site();
    let run = site.run(&["search", "-bash: claude: command not found"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("claude-code/install-npm-eacces-command-not-found"),
        "{}",
        run.stdout
    );
}

/// Writes the evidence behind each first result of the quality set and the real-world set to
/// `$ERRDEX_EVIDENCE` (a TSV), for tuning the confidence rule: `ERRDEX_EVIDENCE=/tmp/e.tsv cargo
/// test --test main search::evidence -- --ignored`.
#[test]
#[ignore]
fn evidence() {
    use std::fmt::Write as _;
    let s = repo_searchable();
    let mut out = String::from(
        "set\texpect\trank\tat\ttop\tconfident\tphrase\trun\tline_words\texplained\tcoverage\tmargin\n",
    );
    let rows = real_pastes()
        .into_iter()
        .map(|r| ("real", r.paste, r.expect))
        .chain(queries().into_iter().map(|q| ("quality", q.q, q.expect)));
    for (set, q, expect) in rows {
        let hits = errdex::search::rank(&s.index, &q, 5);
        let at = hits
            .iter()
            .position(|h| s.index.docs[h.doc].id == expect)
            .map_or(0, |i| i + 1);
        if hits.is_empty() {
            writeln!(out, "{set}\t{expect}\t0\t1\t-\tfalse\t0\t0\t0\t0\t0\t0").unwrap();
        }
        for (i, h) in hits.iter().take(3).enumerate() {
            let e = h.evidence;
            writeln!(
                out,
                "{set}\t{expect}\t{at}\t{}\t{}\t{}\t{:.3}\t{}\t{}\t{:.3}\t{:.3}\t{:.3}",
                i + 1,
                s.index.docs[h.doc].id,
                h.confident,
                e.phrase,
                e.run,
                e.line_words,
                e.explained,
                e.coverage,
                e.margin
            )
            .unwrap();
        }
    }
    std::fs::write(
        std::env::var("ERRDEX_EVIDENCE").expect("ERRDEX_EVIDENCE"),
        out,
    )
    .unwrap();
}

/// `errdex match` on the multi-line real pastes (issue 16's targets: the right page found in at
/// least 90% of those the site covers, a wrong page named in at most 2 of all of them).
#[test]
fn match_finds_the_errors_in_multi_line_pastes() {
    let s = repo_searchable();
    let matcher = errdex::search::Matcher::new(&s.index);
    let ids: Vec<&str> = s.index.docs.iter().map(|d| d.id.as_str()).collect();
    let (mut covered, mut found, mut wrong) = (0, 0, Vec::new());
    let mut missed = Vec::new();
    for r in real_pastes().iter().filter(|r| r.paste.contains('\n')) {
        let matches = matcher.scan(r.paste.as_bytes()).expect("scan");
        let named: Vec<&str> = matches.iter().map(|m| ids[m.doc]).collect();
        if r.expect != "none" {
            covered += 1;
            if named.contains(&r.expect.as_str()) {
                found += 1;
            } else {
                missed.push(format!("{} → {named:?} ({})", r.expect, r.source));
            }
        }
        if named.iter().any(|id| *id != r.expect) {
            wrong.push(format!("{} named {named:?} ({})", r.expect, r.source));
        }
    }
    eprintln!(
        "match on multi-line pastes: right page {found}/{covered} ({:.1}%), a wrong page named in {}\nmissed:\n{}\nwrong:\n{}",
        100.0 * found as f64 / covered as f64,
        wrong.len(),
        missed.join("\n"),
        wrong.join("\n")
    );
    assert!(found as f64 / covered as f64 >= 0.9, "{found}/{covered}");
    assert!(wrong.len() <= 2, "{wrong:#?}");
}
