//! Generates oxido's SDK code from the vendored OpenAPI description.
//!
//! `cargo run -p oxido-codegen` rewrites the generated files; `cargo run -p oxido-codegen -- --check` writes
//! nothing and exits 1 naming every file whose committed content differs.

mod defects;
mod doc;
mod emit_cli;
mod emit_docs;
mod emit_rust;
mod emit_tests;
mod honest;
mod ir;
mod lower;
mod naming;
mod tidy;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

const FEATURES_BEGIN: &str = "# BEGIN generated features (cargo run -p oxido-codegen)\n";
const FEATURES_END: &str = "# END generated features\n";

fn main() -> ExitCode {
    // The spec nests deeply; lowering recurses along it.
    std::thread::Builder::new()
        .stack_size(256 * 1024 * 1024)
        .spawn(run)
        .expect("spawn the generator thread")
        .join()
        .unwrap_or(ExitCode::from(3))
}

fn run() -> ExitCode {
    let check = std::env::args().skip(1).any(|a| a == "--check");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let spec_path = root.join("spec/digitalocean-openapi.json");
    let spec: serde_json::Value = match std::fs::read(&spec_path)
        .map_err(|e| e.to_string())
        .and_then(|bytes| serde_json::from_slice(&bytes).map_err(|e| e.to_string()))
    {
        Ok(spec) => spec,
        Err(err) => {
            eprintln!("oxido-codegen: cannot read {}: {err}", spec_path.display());
            return ExitCode::from(2);
        }
    };
    let mut spec = spec;
    defects::patch_spec(&mut spec);
    let api = lower::lower(&spec);
    report(&api);

    let mut outputs: Vec<(PathBuf, String)> = Vec::new();
    let generated = root.join("crates/oxido/src/generated");
    for (name, source) in emit_rust::emit(&api) {
        outputs.push((generated.join(name), source));
    }
    for (name, source) in emit_tests::emit(&api, &spec) {
        outputs.push((root.join("crates/oxido/tests").join(name), source));
    }
    outputs.extend(
        emit_cli::emit(&api, &spec)
            .into_iter()
            .map(|(path, source)| (root.join(path), source)),
    );
    let mut formatted = Vec::new();
    for (path, source) in outputs {
        match rustfmt(&root, &source) {
            Ok(text) => formatted.push((path, doc::rewrap_source(&text))),
            Err(err) => {
                eprintln!("oxido-codegen: rustfmt failed on {}: {err}", path.display());
                let _ = std::fs::create_dir_all(std::env::temp_dir().join("oxido-codegen"));
                let dump = std::env::temp_dir()
                    .join("oxido-codegen")
                    .join(path.file_name().unwrap_or_default());
                let _ = std::fs::write(&dump, &source);
                eprintln!(
                    "oxido-codegen: unformatted source left in {}",
                    dump.display()
                );
                return ExitCode::from(2);
            }
        }
    }
    formatted.push((root.join("docs/operations.md"), emit_docs::emit(&api)));
    let type_report = tidy::report(&api);
    formatted.push((
        root.join("docs/sdk-types.md"),
        types_doc(&type_report, &api),
    ));
    let over = over_thresholds(&type_report);
    formatted.push((root.join("docs/cli.md"), emit_cli::docs(&api, &spec)));
    let manifest = root.join("crates/oxido/Cargo.toml");
    match std::fs::read_to_string(&manifest) {
        Ok(text) => formatted.push((manifest, with_features(&text, &api))),
        Err(err) => {
            eprintln!("oxido-codegen: cannot read {}: {err}", manifest.display());
            return ExitCode::from(2);
        }
    }

    let mut differing = Vec::new();
    let stale = stale_files(&generated, &formatted);
    for (path, text) in &formatted {
        let same = std::fs::read_to_string(path).is_ok_and(|old| &old == text);
        if same {
            continue;
        }
        if check {
            differing.push(path.clone());
        } else {
            if let Some(parent) = path.parent() {
                let _ = std::fs::create_dir_all(parent);
            }
            if let Err(err) = std::fs::write(path, text) {
                eprintln!("oxido-codegen: cannot write {}: {err}", path.display());
                return ExitCode::from(2);
            }
        }
    }
    for path in stale {
        if check {
            differing.push(path);
        } else {
            let _ = std::fs::remove_file(&path);
        }
    }
    if !over.is_empty() {
        eprintln!("oxido-codegen: the generated types regressed past the report's thresholds:");
        for line in &over {
            eprintln!("  {line}");
        }
        return ExitCode::from(1);
    }
    if check && !differing.is_empty() {
        eprintln!(
            "oxido-codegen: the committed generated code differs from the spec's; run `cargo run -p oxido-codegen`:"
        );
        for path in &differing {
            eprintln!("  {}", path.strip_prefix(&root).unwrap_or(path).display());
        }
        return ExitCode::from(1);
    }
    eprintln!(
        "oxido-codegen: {} files {}",
        formatted.len(),
        if check { "up to date" } else { "written" }
    );
    ExitCode::SUCCESS
}

fn report(api: &ir::Api) {
    let operations: usize = api.services.iter().map(|s| s.operations.len()).sum();
    let generated: usize = api
        .services
        .iter()
        .filter(|s| !s.hand_written)
        .map(|s| s.operations.len())
        .sum();
    let types = api
        .types
        .iter()
        .filter(|t| tidy::live(t) && !t.features.is_empty())
        .count();
    let unreached = api
        .types
        .iter()
        .filter(|t| t.features.is_empty() && tidy::live(t))
        .count();
    eprintln!(
        "oxido-codegen: {} handlers, {operations} operations ({generated} generated), {types} types ({unreached} unreached by any operation), {} of {} fields fall back to serde_json::Value ({:.2}%)",
        api.services.len(),
        api.value_fields,
        api.total_fields,
        100.0 * api.value_fields as f64 / api.total_fields.max(1) as f64
    );
}

/// The most the generated types may have of each defect the report counts (issue 17): CI fails past them.
const MAX_LONG_NAMES: usize = 0;
const MAX_NUMBERED_NAMES: usize = 0;
const MAX_DUPLICATE_GROUPS: usize = 0;
/// Names that mention another service (`FloatingIp` for a reserved IP, `Database` for an add-on's name).
const MAX_FOREIGN_NAMES: usize = 0;
/// `CustomModelActiveDeployment`'s two (their examples, `example string` and a bare date, give no format)
/// and `AccessPointResponse.updated_at` (sent as `""`, see `STRING_TIMES` in `lower.rs`).
const MAX_STRING_TIMESTAMPS: usize = 3;
/// Per mille of struct fields that are `Option`. 768, up from 763 when the tags a variant implies left their
/// payloads (26 required fields fewer; the count of `Option` fields did not grow).
const MAX_OPTIONAL_PER_MILLE: usize = 768;

fn over_thresholds(r: &tidy::Report) -> Vec<String> {
    let mut out = Vec::new();
    let per_mille = 1000 * r.optional_fields / r.fields.max(1);
    let none: &[String] = &[];
    for (what, count, max, names) in [
        (
            "names over 40 characters",
            r.long_names.len(),
            MAX_LONG_NAMES,
            &r.long_names[..],
        ),
        (
            "`VariantN` names",
            r.numbered.len(),
            MAX_NUMBERED_NAMES,
            &r.numbered[..],
        ),
        (
            "names that mention another service",
            r.foreign_names.len(),
            MAX_FOREIGN_NAMES,
            &r.foreign_names[..],
        ),
        (
            "groups of identical types",
            r.duplicate_groups,
            MAX_DUPLICATE_GROUPS,
            none,
        ),
        (
            "`*_at` fields typed `String`",
            r.string_timestamps.len(),
            MAX_STRING_TIMESTAMPS,
            &r.string_timestamps[..],
        ),
        (
            "optional fields, per mille",
            per_mille,
            MAX_OPTIONAL_PER_MILLE,
            none,
        ),
    ] {
        if count > max {
            out.push(format!(
                "{what}: {count} (at most {max}) {}",
                names.join(", ")
            ));
        }
    }
    out
}

/// `docs/sdk-types.md`: the generator report.
fn types_doc(r: &tidy::Report, api: &ir::Api) -> String {
    let mut out = String::from(
        "# The generated types: report\n\nGenerated by `cargo run -p oxido-codegen`; `-- --check` fails when a count passes its threshold\n(the constants in `crates/oxido-codegen/src/main.rs`).\n\n| measure | count | at most |\n|---|---:|---:|\n",
    );
    let per_mille = 1000 * r.optional_fields / r.fields.max(1);
    out.push_str(&format!("| types emitted | {} | |\n", r.types));
    out.push_str(&format!(
        "| names over {} characters | {} | {MAX_LONG_NAMES} |\n",
        tidy::MAX_NAME,
        r.long_names.len()
    ));
    out.push_str(&format!(
        "| `VariantN` type or variant names | {} | {MAX_NUMBERED_NAMES} |\n",
        r.numbered.len()
    ));
    out.push_str(&format!(
        "| names that mention another service (a service's noun on a type another service shares or owns alone) | {} | {MAX_FOREIGN_NAMES} |\n",
        r.foreign_names.len()
    ));
    out.push_str(&format!(
        "| groups of structurally identical types | {} | {MAX_DUPLICATE_GROUPS} |\n",
        r.duplicate_groups
    ));
    out.push_str(&format!(
        "| groups of identical branch types of one union, kept apart (`VolumesExt4`/`VolumesXfs`) | {} | |\n",
        r.sibling_groups
    ));
    out.push_str(&format!(
        "| `*_at` fields typed `String` | {} | {MAX_STRING_TIMESTAMPS} |\n",
        r.string_timestamps.len()
    ));
    out.push_str(&format!(
        "| struct fields that are `Option` | {} of {} ({}.{}%) | {}.{}% |\n",
        r.optional_fields,
        r.fields,
        per_mille / 10,
        per_mille % 10,
        MAX_OPTIONAL_PER_MILLE / 10,
        MAX_OPTIONAL_PER_MILLE % 10
    ));
    for (title, list) in [
        ("Names over the limit", &r.long_names),
        ("`VariantN` names", &r.numbered),
        ("Names that mention another service", &r.foreign_names),
        ("`*_at` fields typed `String`", &r.string_timestamps),
    ] {
        if !list.is_empty() {
            out.push_str(&format!("\n## {title}\n\n"));
            for name in list {
                out.push_str(&format!("- `{name}`\n"));
            }
        }
    }
    out.push_str(SHAPE_RULES);
    let name = |i: usize| {
        let def = &api.types[i];
        (tidy::live(def) && !def.features.is_empty()).then(|| format!("`{}`", def.name))
    };
    let list = |pairs: &[(usize, String)]| -> String {
        let mut items: Vec<String> = pairs
            .iter()
            .filter_map(|(i, field)| name(*i).map(|n| format!("{n} (`{field}`)")))
            .collect();
        items.sort();
        items.dedup();
        if items.is_empty() {
            "none".to_owned()
        } else {
            items.join(", ")
        }
    };
    out.push_str(&format!(
        "\n## Constructors that cannot lie\n\n- Unions whose identical branches are now tagged by the field that tells them apart: {}.\n- Payloads without the tag their variant implies (the union sends it): {}.\n- Payloads that keep it, being used on their own too: {}.\n",
        list(&api.honest.told_apart),
        list(&api.honest.implied_tags),
        list(&api.honest.kept_tags)
    ));
    out.push_str("\n## Fields the API always sends\n\nNot `Option` in the answer types although the spec leaves them out of `required` (the table is\n`crates/oxido-codegen/always_sent.tsv`; a row that no longer applies fails the generator). Request bodies\nfollow the spec's `required` alone.\n\n| field | type | evidence |\n|---|---|---|\n");
    for (schema, field, evidence) in lower::always_sent() {
        let types: Vec<String> = api
            .types
            .iter()
            .filter(|t| tidy::live(t) && !t.features.is_empty() && !t.is_body)
            .filter(|t| t.schema.as_deref() == Some(schema))
            .map(|t| format!("`{}`", t.name))
            .collect();
        let types = if types.is_empty() {
            "(merged into an identical type above)".to_owned()
        } else {
            types.join(", ")
        };
        out.push_str(&format!(
            "| `{schema}.{field}` | {types} | {} |\n",
            evidence.replace('|', "\\|")
        ));
    }
    out
}

/// How the generator shapes fields, for the report.
const SHAPE_RULES: &str = "
## Shapes

| what | answer types | request bodies |
|---|---|---|
| a field the spec marks `required` (not nullable), or listed below | plain `T` | plain `T`, a `new(…)` argument |
| any other field | `Option<T>` | `Option<T>`, a setter |
| a list that is not required | `Vec<T>`, empty when absent or `null`, left out when empty | `Option<Vec<T>>`: `Some(vec![])` sends `[]` (an update may clear with it), `None` sends nothing |
| a `readOnly` property | decoded | never present: a schema with one (at any depth) gets a `…Request` type of its own |
| derives | `Debug, Clone, PartialEq` (`Eq` unless an `f64` is inside), serde | the same |
";

/// Generated files on disk that this run would not write (a removed service or type group).
fn stale_files(generated: &Path, outputs: &[(PathBuf, String)]) -> Vec<PathBuf> {
    let mut stale = Vec::new();
    for dir in [generated.to_path_buf(), generated.join("types")] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "rs")
                && !outputs.iter().any(|(p, _)| p == &path)
            {
                stale.push(path);
            }
        }
    }
    stale
}

fn rustfmt(root: &Path, source: &str) -> Result<String, String> {
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout", "--quiet"])
        .current_dir(root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start rustfmt: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    let input = source.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().map_err(|e| e.to_string())?;
    let _ = writer.join();
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr)
            .chars()
            .take(4000)
            .collect());
    }
    String::from_utf8(output.stdout).map_err(|e| e.to_string())
}

/// Features of the transport rather than of a service: name, what it enables, and why it is optional.
const TRANSPORT_FEATURES: &[(&str, &str, &str)] = &[(
    "http2",
    "reqwest/http2",
    "HTTP/2 when the server offers it. Without it, HTTP/1.1 only, and h2 is not compiled.",
)];

/// The manifest with its generated `[features]` table replaced.
fn with_features(manifest: &str, api: &ir::Api) -> String {
    let services: Vec<&str> = api
        .services
        .iter()
        .filter(|s| !s.hand_written)
        .map(|s| s.handler.as_str())
        .collect();
    let mut table = String::from(FEATURES_BEGIN);
    table.push_str("[features]\n");
    table.push_str("default = [\n");
    for (name, _, _) in TRANSPORT_FEATURES {
        table.push_str(&format!("    \"{name}\",\n"));
    }
    for s in &services {
        table.push_str(&format!("    \"{s}\",\n"));
    }
    table.push_str("]\n");
    for (name, enables, why) in TRANSPORT_FEATURES {
        table.push_str(&format!("# {why}\n{name} = [\"{enables}\"]\n"));
    }
    for s in &services {
        table.push_str(&format!("{s} = []\n"));
    }
    table.push_str(FEATURES_END);
    match (manifest.find(FEATURES_BEGIN), manifest.find(FEATURES_END)) {
        (Some(start), Some(end)) => format!(
            "{}{table}{}",
            &manifest[..start],
            &manifest[end + FEATURES_END.len()..]
        ),
        _ => format!("{}\n{table}", manifest.trim_end()),
    }
}
