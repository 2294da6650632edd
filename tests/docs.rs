//! The docs stay true: every front-matter field, `site.yaml` key, template variable and
//! diagnostic code is documented, and the JSON Schema accepts every entry of the repo's own site.

use std::path::Path;

use crate::harness::SiteTest;

fn repo_file(rel: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn every_front_matter_field_is_in_the_authoring_guide() {
    let guide = repo_file("docs/authoring.md");
    for field in errdex::entry::FIELDS {
        assert!(
            guide.contains(&format!("`{field}`")),
            "docs/authoring.md does not describe `{field}`"
        );
    }
}

#[test]
fn every_site_yaml_key_is_in_the_authoring_guide() {
    let guide = repo_file("docs/authoring.md");
    let table = guide
        .split("## site.yaml")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("a `## site.yaml` section");
    for key in errdex::config::KEYS {
        assert!(
            table.contains(&format!("| `{key}` |")),
            "docs/authoring.md's site.yaml table has no row for `{key}`"
        );
    }
}

#[test]
fn every_label_is_in_the_authoring_guide() {
    let guide = repo_file("docs/authoring.md");
    let table = guide
        .split("### Labels: the pages' own words")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("a `### Labels` section");
    for (key, default, _) in errdex::labels::LABELS {
        assert!(
            table.contains(&format!("| `{key}` | {default} |")),
            "docs/authoring.md's labels table has no row for `{key}` with its default"
        );
    }
    assert!(table.contains("| `months` |"));
}

/// The part of docs/templates.md under `### <heading>`, up to the next heading.
fn templates_guide_section(guide: &str, heading: &str) -> String {
    guide
        .split(&format!("\n### {heading}\n"))
        .nth(1)
        .and_then(|s| s.split("\n#").next())
        .unwrap_or_else(|| panic!("docs/templates.md has no `### {heading}`"))
        .to_string()
}

#[test]
fn every_entry_page_variable_is_in_the_templates_guide() {
    // An entry.html that prints the name of every field it is given.
    let site = SiteTest::fixture("basic");
    site.write(
        "templates/entry.html",
        "{% for k, v in entry %}EntryView {{ k }}\n{% endfor %}\
         {% for k, v in site %}SiteView {{ k }}\n{% endfor %}\
         {% for k, v in page %}PageMeta {{ k }}\n{% endfor %}",
    );
    site.build_ok();
    let guide = repo_file("docs/templates.md");
    let listed = site.read("public/tool-a/full-entry/index.html");
    let mut seen = 0;
    for line in listed.lines() {
        let (heading, field) = line.split_once(' ').expect("struct field");
        assert!(
            templates_guide_section(&guide, heading).contains(&format!("| `{field}` |")),
            "docs/templates.md's {heading} table has no row for `{field}`"
        );
        seen += 1;
    }
    assert!(seen > 40, "{listed}");
}

#[test]
fn every_diagnostic_code_is_in_the_diagnostics_guide() {
    let guide = repo_file("docs/diagnostics.md");
    for (code, name) in errdex::diagnostic::CODES {
        assert!(
            guide.contains(&format!("## {code} {name}")),
            "docs/diagnostics.md has no `## {code} {name}`"
        );
    }
}

#[test]
fn the_schema_accepts_every_repo_entry_and_rejects_a_bad_one() {
    let site = SiteTest::repo_site();
    let run = site.run(&["schema"]);
    assert_eq!(run.code, 0);
    let schema: serde_json::Value = serde_json::from_str(&run.stdout).expect("schema is JSON");
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let mut checked = 0;
    for item in walkdir::WalkDir::new(site.path("content")) {
        let item = item.expect("walk");
        if item.path().extension().is_none_or(|e| e != "md") {
            continue;
        }
        let text = std::fs::read_to_string(item.path()).expect("read");
        let yaml = text
            .split("\n---\n")
            .next()
            .and_then(|s| s.strip_prefix("---\n"))
            .expect("front matter");
        let value: serde_json::Value = serde_saphyr::from_str(yaml).expect("yaml");
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", item.path().display());
        checked += 1;
    }
    assert!(checked >= 12);
    let bad = serde_json::json!({"title": "t", "sumary": "typo"});
    assert!(!validator.is_valid(&bad));
}
