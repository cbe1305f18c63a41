//! No user help points to files that are not shipped: no string in the code of any crate
//! (`crates/*/src`, comments aside) and no content or data file (TOML and JSON string values;
//! the text of every other file a crate ships) names a `docs/` path or `DESIGN.md`. A message
//! says what it needs to say in place, or names the flag to use.

use std::path::{Path, PathBuf};

/// The names a person's help must not point to.
const NOT_SHIPPED: [&str; 2] = ["docs/", "DESIGN.md"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn files(dir: &Path, acc: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, acc);
        } else {
            acc.push(p);
        }
    }
}

/// The string literals of Rust source (plain, byte and raw), with the line each starts on;
/// comments, character literals and lifetimes are skipped.
fn literals(src: &str) -> Vec<(usize, String)> {
    let b = src.as_bytes();
    let line = |i: usize| src[..i].matches('\n').count() + 1;
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let rest = &src[i..];
        if rest.starts_with("//") {
            i += rest.find('\n').unwrap_or(rest.len());
        } else if rest.starts_with("/*") {
            let (mut depth, mut j) = (1, i + 2);
            while j < b.len() && depth > 0 {
                if src[j..].starts_with("/*") {
                    depth += 1;
                    j += 2;
                } else if src[j..].starts_with("*/") {
                    depth -= 1;
                    j += 2;
                } else {
                    j += 1;
                }
            }
            i = j;
        } else if let Some(open) = raw_opening(src, i) {
            let hashes = open - i - 2 - usize::from(b[i] == b'b');
            let close = format!("\"{}", "#".repeat(hashes));
            let end = open + src[open..].find(&close).expect("a closed raw string");
            out.push((line(i), src[open..end].to_string()));
            i = end + close.len();
        } else if b[i] == b'"' {
            let mut j = i + 1;
            while b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            out.push((line(i), src[i + 1..j].to_string()));
            i = j + 1;
        } else if b[i] == b'\'' {
            // A character literal ('x', '\n', '\u{..}', '"'), or a lifetime (skip the quote).
            let close = if b.get(i + 1) == Some(&b'\\') {
                src[i + 2..].find('\'').map(|k| i + 2 + k)
            } else {
                src[i + 1..]
                    .char_indices()
                    .nth(1)
                    .filter(|&(_, c)| c == '\'')
                    .map(|(k, _)| i + 1 + k)
            };
            i = close.map_or(i + 1, |c| c + 1);
        } else {
            i += 1;
        }
    }
    out
}

/// Where a raw string (`r"`, `r#"`, `br"`, …) starting at `i` opens its text, if one does.
fn raw_opening(src: &str, i: usize) -> Option<usize> {
    let b = src.as_bytes();
    if i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_') {
        return None;
    }
    let mut j = i + usize::from(b[i] == b'b');
    if b.get(j) != Some(&b'r') {
        return None;
    }
    j += 1;
    while b.get(j) == Some(&b'#') {
        j += 1;
    }
    (b.get(j) == Some(&b'"')).then_some(j + 1)
}

fn toml_strings(v: &toml::Value, acc: &mut Vec<String>) {
    match v {
        toml::Value::String(s) => acc.push(s.clone()),
        toml::Value::Array(a) => a.iter().for_each(|x| toml_strings(x, acc)),
        toml::Value::Table(t) => t.iter().for_each(|(k, x)| {
            acc.push(k.clone());
            toml_strings(x, acc);
        }),
        _ => {}
    }
}

fn json_strings(v: &serde_json::Value, acc: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => acc.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| json_strings(x, acc)),
        serde_json::Value::Object(o) => o.iter().for_each(|(k, x)| {
            acc.push(k.clone());
            json_strings(x, acc);
        }),
        _ => {}
    }
}

/// Every (file, where, text) that names a file that is not shipped.
fn pointers_to_unshipped_files() -> Vec<(String, String, String)> {
    let root = root();
    let mut found = Vec::new();
    let mut hit = |file: &Path, at: String, text: &str| {
        if NOT_SHIPPED.iter().any(|n| text.contains(n)) {
            let rel = file.strip_prefix(&root).unwrap_or(file);
            found.push((rel.display().to_string(), at, text.to_string()));
        }
    };
    let mut crates: Vec<PathBuf> = std::fs::read_dir(root.join("crates"))
        .expect("crates/")
        .flatten()
        .map(|e| e.path())
        .collect();
    crates.sort();
    assert!(crates.len() >= 10, "{crates:?}");
    let mut sources = 0;
    for krate in &crates {
        let mut src = Vec::new();
        files(&krate.join("src"), &mut src);
        for f in src
            .iter()
            .filter(|f| f.extension().is_some_and(|e| e == "rs"))
        {
            sources += 1;
            let text = std::fs::read_to_string(f).expect("read source");
            for (line, lit) in literals(&text) {
                hit(f, format!("line {line}"), &lit);
            }
        }
        let mut shipped = Vec::new();
        for dir in ["content", "data", "static"] {
            files(&krate.join(dir), &mut shipped);
        }
        for f in &shipped {
            let name = f.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let text = std::fs::read_to_string(f).expect("read content");
            let mut strings = Vec::new();
            match f.extension().and_then(|e| e.to_str()) {
                // A README beside the data is for whoever edits it, not shipped words.
                _ if name == "README.md" => continue,
                Some("toml") => toml_strings(
                    &text
                        .parse::<toml::Table>()
                        .map(toml::Value::Table)
                        .expect("TOML"),
                    &mut strings,
                ),
                Some("json") => {
                    json_strings(&serde_json::from_str(&text).expect("JSON"), &mut strings)
                }
                _ => strings.push(text),
            }
            for s in strings {
                hit(f, "a string".into(), &s);
            }
        }
    }
    assert!(sources > 100, "only {sources} source files found");
    found
}

#[test]
fn no_user_facing_string_names_docs_or_design() {
    let found = pointers_to_unshipped_files();
    let wrong: Vec<String> = found
        .iter()
        .map(|(file, at, text)| {
            format!(
                "{file}, {at}: {}",
                text.chars().take(160).collect::<String>()
            )
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "strings naming files a person does not have:\n{}",
        wrong.join("\n")
    );
}

/// The scanner itself: literals of every kind are seen, comments and lifetimes are not.
#[test]
fn the_scanner_reads_literals_and_skips_comments() {
    let src = "// see docs/a.md\n/* docs/b.md /* nested */ */\nfn f<'a>(x: &'a str) -> char {\n    let _ = \"see \\\"docs/c.md\\\"\";\n    let _ = r#\"DESIGN.md \"quoted\"\"#;\n    let _ = b\"x\";\n    '\"'\n}\n";
    let lits: Vec<(usize, String)> = literals(src);
    assert_eq!(
        lits,
        [
            (4, "see \\\"docs/c.md\\\"".to_string()),
            (5, "DESIGN.md \"quoted\"".to_string()),
            (6, "x".to_string()),
        ]
    );
}
