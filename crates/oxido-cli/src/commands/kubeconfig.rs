//! `oxido kubernetes kubeconfig save CLUSTER_ID`: merge a cluster's kubeconfig into kubectl's.
//!
//! The target is the first path of `$KUBECONFIG`, else `~/.kube/config` (created 0600). The
//! cluster's `clusters`, `users` and `contexts` entries replace those of the same name; the old
//! file is kept as `<file>.bak`, and the new one is written to a temp file in the same directory
//! and renamed over it, so kubectl never sees half a file.

use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::error::CliError;
use crate::output::write_stdout;
use crate::session::Session;

/// The lists merged entry by entry, keyed by `name`.
const NAMED_LISTS: [&str; 3] = ["clusters", "users", "contexts"];

/// Fetches the kubeconfig and merges it into the local one.
pub async fn save(
    session: &Session,
    cluster_id: &str,
    set_current_context: bool,
) -> Result<(), CliError> {
    let path = target_path()?;
    // Read before fetching: an unreadable local file stops the command before any request.
    let existing = read_existing(&path)?;
    let fetched = session
        .client
        .kubernetes()
        .get_kubeconfig(cluster_id)
        .await?;
    let incoming: Value = serde_saphyr::from_str(&fetched).map_err(|e| {
        CliError::Unexpected(format!("the API's kubeconfig is not valid YAML: {e}"))
    })?;
    let context = first_context(&incoming)
        .ok_or_else(|| CliError::Unexpected("the API's kubeconfig names no context".to_owned()))?;
    let existed = existing.is_some();
    let mut merged = existing.unwrap_or_else(empty);
    merge(&mut merged, &incoming, set_current_context).ok_or_else(|| {
        CliError::Unexpected("the local kubeconfig is not a YAML mapping".to_owned())
    })?;
    let text = serde_saphyr::to_string(&merged).map_err(|e| {
        CliError::Unexpected(format!("could not write the kubeconfig as YAML: {e}"))
    })?;
    write_atomically(&path, text.as_bytes(), existed)?;
    let current = if set_current_context {
        format!("; current context is now {context}")
    } else {
        String::new()
    };
    write_stdout(&format!(
        "Saved context {context} to {}{current}\n",
        path.display()
    ))
    .map_err(CliError::Io)
}

/// `$KUBECONFIG`'s first path, else `$HOME/.kube/config`.
fn target_path() -> Result<PathBuf, CliError> {
    if let Some(list) = std::env::var_os("KUBECONFIG")
        && let Some(first) = std::env::split_paths(&list).find(|p| !p.as_os_str().is_empty())
    {
        return Ok(first);
    }
    let home = std::env::var_os("HOME")
        .filter(|home| !home.is_empty())
        .ok_or_else(|| {
            CliError::Usage(
                "neither KUBECONFIG nor HOME is set, so there is no kubeconfig to save into"
                    .to_owned(),
            )
        })?;
    Ok(Path::new(&home).join(".kube").join("config"))
}

/// The local kubeconfig as a mapping, `None` when the file does not exist or is empty.
fn read_existing(path: &Path) -> Result<Option<Value>, CliError> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(CliError::Io(io::Error::new(
                e.kind(),
                format!("could not read {}: {e}", path.display()),
            )));
        }
    };
    if text.trim().is_empty() {
        return Ok(None);
    }
    match serde_saphyr::from_str::<Value>(&text) {
        Ok(value @ Value::Object(_)) => Ok(Some(value)),
        Ok(_) => Err(CliError::Usage(format!(
            "{} is not a kubeconfig (not a YAML mapping); left unchanged",
            path.display()
        ))),
        Err(e) => Err(CliError::Usage(format!(
            "{} is not valid YAML, left unchanged: {e}",
            path.display()
        ))),
    }
}

fn empty() -> Value {
    let mut map = Map::new();
    map.insert("apiVersion".into(), Value::from("v1"));
    map.insert("kind".into(), Value::from("Config"));
    map.insert("preferences".into(), Value::Object(Map::new()));
    Value::Object(map)
}

/// The name of the first context in `config`.
fn first_context(config: &Value) -> Option<String> {
    config
        .get("contexts")?
        .as_array()?
        .iter()
        .find_map(|c| c.get("name")?.as_str().map(str::to_owned))
}

/// Puts `incoming`'s named entries into `base`, replacing those with the same name; sets
/// `current-context` when asked. `None` when `base` is not a mapping.
fn merge(base: &mut Value, incoming: &Value, set_current_context: bool) -> Option<()> {
    let base = base.as_object_mut()?;
    for list in NAMED_LISTS {
        let Some(new_entries) = incoming.get(list).and_then(Value::as_array) else {
            continue;
        };
        let entries = base.entry(list).or_insert_with(|| Value::Array(Vec::new()));
        if !entries.is_array() {
            *entries = Value::Array(Vec::new());
        }
        let entries = entries.as_array_mut()?;
        for entry in new_entries {
            let name = entry.get("name");
            entries.retain(|old| name.is_none() || old.get("name") != name);
            entries.push(entry.clone());
        }
    }
    if set_current_context && let Some(context) = first_context(incoming) {
        base.insert("current-context".into(), Value::from(context));
    }
    Some(())
}

/// Backs up the old file, then writes `bytes` to a temp file beside `path` and renames it over.
fn write_atomically(path: &Path, bytes: &[u8], existed: bool) -> Result<(), CliError> {
    let io_error = |what: &str, e: io::Error| {
        CliError::Io(io::Error::new(
            e.kind(),
            format!("could not {what} {}: {e}", path.display()),
        ))
    };
    let dir = path
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    create_private_dir(dir).map_err(|e| io_error("create the directory of", e))?;
    if existed {
        let mut backup = path.as_os_str().to_owned();
        backup.push(".bak");
        fs::copy(path, &backup).map_err(|e| io_error("back up", e))?;
    }
    let file_name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "config".to_owned());
    let temp = dir.join(format!(".{file_name}.oxido-{}.tmp", std::process::id()));
    let written = write_private(&temp, bytes).and_then(|()| fs::rename(&temp, path));
    if let Err(e) = written {
        let _ = fs::remove_file(&temp);
        return Err(io_error("write", e));
    }
    Ok(())
}

/// Creates `dir` (and its parents) if missing, 0700 on Unix: it holds credentials.
fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Writes a new file readable by its owner only (0600 on Unix), synced before the rename.
fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_of_the_same_name_are_replaced_and_others_kept() {
        let mut base = serde_json::json!({
            "clusters": [{"name": "a", "cluster": {"server": "old"}}, {"name": "keep"}],
            "users": [{"name": "u", "user": {"token": "old"}}],
            "contexts": [{"name": "ctx-a"}],
            "current-context": "ctx-a"
        });
        let incoming = serde_json::json!({
            "clusters": [{"name": "a", "cluster": {"server": "new"}}],
            "users": [{"name": "u", "user": {"token": "new"}}],
            "contexts": [{"name": "do-ctx"}],
            "current-context": "do-ctx"
        });
        merge(&mut base, &incoming, false).expect("a mapping");
        assert_eq!(base["clusters"][0]["name"], "keep");
        assert_eq!(base["clusters"][1]["cluster"]["server"], "new");
        assert_eq!(base["users"].as_array().map(Vec::len), Some(1));
        assert_eq!(base["current-context"], "ctx-a");
        merge(&mut base, &incoming, true).expect("a mapping");
        assert_eq!(base["current-context"], "do-ctx");
        assert_eq!(base["contexts"].as_array().map(Vec::len), Some(2));
    }
}
