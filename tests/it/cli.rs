//! The `tshoot` binary: exit codes, output formats, stdout versus stderr.

use std::process::Command;

use crate::harness::{fixture, repo, shared};

fn tshoot() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tshoot"));
    cmd.env_remove("TSHOOT_CONTENT").env("NO_COLOR", "1");
    cmd
}

#[test]
fn check_bundled_content_exits_zero() {
    let out = tshoot().args(["check", "--color", "never"]).arg(repo("content")).output().expect("run tshoot");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("0 errors"), "{stdout}");
}

#[test]
fn check_exits_one_on_errors_and_prints_located_diagnostics() {
    let dir = fixture("bad");
    let out = tshoot().args(["check", "--color", "never"]).arg(dir.path()).output().expect("run tshoot");
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("broken-yaml.md:4:"), "{stdout}");
    assert!(stdout.contains("error[front-matter-yaml]"), "{stdout}");
    assert!(stdout.contains("= help:"), "{stdout}");
    // The last line counts them by kind.
    let last = stdout.lines().last().unwrap_or_default();
    assert!(last.contains(" errors, ") && last.contains("front-matter-yaml 1"), "{last}");
}

#[test]
fn check_json_has_summary_and_diagnostics() {
    let dir = fixture("bad");
    let out = tshoot().args(["check", "--format", "json"]).arg(dir.path()).output().expect("run tshoot");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("check --format json prints JSON");
    assert!(doc["summary"]["articles"].as_u64().is_some_and(|n| n >= 2), "{doc}");
    let diags = doc["diagnostics"].as_array().expect("diagnostics list");
    let yaml = diags
        .iter()
        .find(|d| d["code"] == "front-matter-yaml" && d["file"].as_str().is_some_and(|f| f.ends_with("broken-yaml.md")))
        .expect("yaml diagnostic");
    for key in ["file", "line", "column", "severity", "code", "message", "hint"] {
        assert!(yaml.get(key).is_some(), "missing {key}: {yaml}");
    }
    assert_eq!(yaml["severity"], "error");
}

#[test]
fn missing_folder_exits_two_with_a_message() {
    let out = tshoot().args(["check", "/no/such/folder"]).output().expect("run tshoot");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("/no/such/folder") && stderr.contains("does not exist"), "{stderr}");
}

#[test]
fn dump_prints_json_lines_with_the_documented_keys() {
    let Some(seeds) = shared("seeds") else { return };
    let out = tshoot().args(["dump", "--locale", "pl-PL"]).arg(seeds).output().expect("run tshoot");
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), 11);
    let keys = [
        "schema",
        "id",
        "article",
        "kind",
        "locale",
        "fallback_from",
        "title",
        "markdown",
        "text",
        "refs",
        "unresolved_refs",
        "causes",
        "solutions",
        "service",
        "error_codes",
        "translation",
        "source",
    ];
    for line in &lines {
        for key in keys {
            assert!(line.get(key).is_some(), "missing {key}: {line}");
        }
        assert_eq!(line["locale"], "pl-pl");
        assert_eq!(line["schema"], 1);
    }
    let solution1 =
        lines.iter().find(|l| l["id"] == "404104-deviceconnectionclosedremotely#solution-1").expect("solution-1");
    assert_eq!(solution1["unresolved_refs"][0], "iot-hub-troubleshoot-error-401003-iothubunauthorized#solution-1");
    assert_eq!(solution1["translation"]["type"], "machine");
    assert_eq!(solution1["translation"]["freshness"], "unknown");
}

#[test]
fn hash_prints_the_crlf_sha1_the_seeds_carry() {
    let Some(source) =
        shared("corpus/iot-hub/en-us/iot-hub-troubleshoot-error-404104-deviceconnectionclosedremotely.md")
    else {
        return;
    };
    let out = tshoot().arg("hash").arg(source).output().expect("run tshoot");
    assert!(out.status.success());
    // The de-DE and zh-CN seeds were translated from this very file.
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "c8cb91aa0c7ce1610320d4107db282d3c34407ba");
}

#[test]
fn a_config_file_supplies_settings_and_typos_are_errors() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("settings.yaml");
    std::fs::write(&file, format!("content:\n  - {}\ndefault_locale: de-DE\n", repo("content").display()))
        .expect("write");
    let out = tshoot().arg("--config").arg(&file).args(["check", "--format", "json"]).output().expect("run tshoot");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["summary"]["articles"], 9, "content came from the config file");

    std::fs::write(&file, "contnet: [x]\n").expect("write");
    let out = tshoot().arg("--config").arg(&file).arg("check").output().expect("run tshoot");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown field `contnet`"));
}

#[test]
fn export_writes_a_site_and_reports_what_it_wrote() {
    let out = tempfile::tempdir().expect("temp dir");
    let site = out.path().join("site");
    let run = tshoot()
        .args(["export", "--locale", "de-de", "--locale", "en-us", "--out"])
        .arg(&site)
        .arg(repo("content"))
        .output()
        .expect("run tshoot");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(stderr.contains("exported 2 locale(s) (en-us, de-de)"), "{stderr}");
    assert!(site.join("index.html").is_file() && site.join("de-de/search.html").is_file());
    assert!(!site.join("zh-cn").exists(), "only the locales asked for");

    let run = tshoot().args(["export", "--locale", "xx-yy", "--out"]).arg(&site).arg(repo("content")).output();
    let run = run.expect("run tshoot");
    assert_eq!(run.status.code(), Some(2), "an unknown locale is a usage error");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("xx-yy"), "{stderr}");
    assert!(site.join("de-de/index.html").is_file(), "a failed export leaves the earlier site alone");
}
