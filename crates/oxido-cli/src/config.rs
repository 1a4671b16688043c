//! The config file: named contexts, each holding a token, and which one is current.
//!
//! Lives at `<user config dir>/oxido/config.toml` (`$OXIDO_CONFIG_DIR/config.toml` when that
//! variable is set, which tests use). It holds secrets, so it is written with mode 0600 in a
//! 0700 directory, through a temporary file renamed over the old one so a crash never leaves
//! half a file. A symlinked `config.toml` (dotfile managers) is written through: the new
//! file replaces the link's target and the link stays.

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::stdio;

/// Overrides the config directory.
pub const CONFIG_DIR_ENV: &str = "OXIDO_CONFIG_DIR";

/// The context used when none was ever named.
pub const DEFAULT_CONTEXT: &str = "default";

const FILE_NAME: &str = "config.toml";

/// The parsed config file.
#[derive(Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Config {
    /// The context used when `--context` is absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_context: Option<String>,
    /// Contexts by name.
    #[serde(default)]
    pub contexts: BTreeMap<String, Context>,
}

/// One named context.
#[derive(Serialize, Deserialize, PartialEq, Eq, Clone)]
pub struct Context {
    /// The API token.
    pub token: String,
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("token", &"<redacted>")
            .finish()
    }
}

/// A config file that could not be read, parsed or written.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// Neither `OXIDO_CONFIG_DIR` nor a user config directory is available.
    #[error("no config directory: set {CONFIG_DIR_ENV} or HOME")]
    NoDirectory,
    /// Reading or writing failed.
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The underlying failure.
        source: io::Error,
    },
    /// The file is not valid TOML of the expected shape.
    #[error("{path} is not a valid config file{}: {message}", Position(*.position))]
    Parse {
        /// The file.
        path: PathBuf,
        /// Line and column (from 1) of the problem, when the parser knows it.
        position: Option<(usize, usize)>,
        /// What the parser reported.
        message: String,
    },
}

/// Where the config file lives.
pub fn config_path() -> Result<PathBuf, ConfigError> {
    let dir = match std::env::var_os(CONFIG_DIR_ENV) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => dirs::config_dir()
            .ok_or(ConfigError::NoDirectory)?
            .join("oxido"),
    };
    Ok(dir.join(FILE_NAME))
}

impl Config {
    /// Reads the file; a missing file is an empty config.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = match fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(source) => {
                return Err(ConfigError::Io {
                    action: "reading",
                    path: path.to_owned(),
                    source,
                });
            }
        };
        if let Some(warning) = permission_warning(path) {
            stdio::err_line(&warning);
        }
        // toml's messages quote the offending line, which could hold a token: keep only
        // the position and the reason.
        toml::from_str(&text).map_err(|e| ConfigError::Parse {
            path: path.to_owned(),
            position: e.span().map(|span| line_and_column(&text, span.start)),
            message: e.message().trim_end().to_owned(),
        })
    }

    /// Writes the file with owner-only permissions.
    pub fn save(&self, path: &Path) -> Result<(), ConfigError> {
        let io_err = |action: &'static str, path: &Path| {
            let path = path.to_owned();
            move |source| ConfigError::Io {
                action,
                path,
                source,
            }
        };
        let dir = path.parent().unwrap_or(Path::new("."));
        create_private_dir(dir).map_err(io_err("creating", dir))?;

        let text = toml::to_string_pretty(self).map_err(|e| ConfigError::Parse {
            path: path.to_owned(),
            position: None,
            message: e.to_string(),
        })?;
        let target = link_target(path).map_err(io_err("following the link", path))?;
        let mut temp_name = target.file_name().unwrap_or_default().to_os_string();
        temp_name.push(".tmp");
        let temp = target.with_file_name(temp_name);
        write_private_file(&temp, text.as_bytes()).map_err(io_err("writing", &temp))?;
        fs::rename(&temp, &target).map_err(io_err("replacing", &target))
    }

    /// The name of the context to use: `--context`, else the current one, else `default`.
    pub fn context_name<'a>(&'a self, requested: Option<&'a str>) -> &'a str {
        requested
            .or(self.current_context.as_deref())
            .unwrap_or(DEFAULT_CONTEXT)
    }

    /// The error text for a context name that is not stored, listing the stored ones.
    pub fn unknown_context(&self, name: &str) -> String {
        if self.contexts.is_empty() {
            return format!(
                "no context named `{name}`; none is stored yet (run `oxido auth init`)"
            );
        }
        let known: Vec<&str> = self.contexts.keys().map(String::as_str).collect();
        format!(
            "no context named `{name}`; stored contexts: {}",
            known.join(", ")
        )
    }
}

struct Position(Option<(usize, usize)>);

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some((line, column)) => write!(f, " (line {line}, column {column})"),
            None => Ok(()),
        }
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.matches('\n').count() + 1;
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Where writing `path` must land: the file itself, or the end of its symlink chain.
fn link_target(path: &Path) -> io::Result<PathBuf> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => match fs::canonicalize(path) {
            Ok(target) => Ok(target),
            // A dangling link: write where it points.
            Err(_) => {
                let link = fs::read_link(path)?;
                Ok(path.parent().unwrap_or(Path::new(".")).join(link))
            }
        },
        _ => Ok(path.to_owned()),
    }
}

/// A warning when other users may read the file (it holds tokens).
#[cfg(unix)]
pub fn permission_warning(path: &Path) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(path).ok()?.permissions().mode() & 0o777;
    (mode & 0o077 != 0).then(|| {
        format!(
            "Warning: {} holds API tokens but other users may read it (mode {mode:03o}); \
             run `chmod 600 {}`",
            path.display(),
            path.display()
        )
    })
}

/// A warning when other users may read the file (it holds tokens).
#[cfg(not(unix))]
pub fn permission_warning(_path: &Path) -> Option<String> {
    None
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)
}

fn write_private_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let mut file = options.open(path)?;
        // A leftover temp file keeps its old mode when reopened; force it.
        file.set_permissions(fs::Permissions::from_mode(0o600))?;
        file.write_all(bytes)?;
        file.sync_all()
    }
    #[cfg(not(unix))]
    {
        let mut file = options.open(path)?;
        file.write_all(bytes)?;
        file.sync_all()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Config {
        let mut config = Config {
            current_context: Some("work".to_owned()),
            ..Config::default()
        };
        config.contexts.insert(
            "work".to_owned(),
            Context {
                token: "dop_v1_secret".to_owned(),
            },
        );
        config
    }

    #[test]
    fn round_trips_through_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested").join(FILE_NAME);
        sample().save(&path).unwrap();
        assert_eq!(Config::load(&path).unwrap(), sample());
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cfg").join(FILE_NAME);
        sample().save(&path).unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let dir_mode = fs::metadata(path.parent().unwrap())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(dir_mode & 0o777, 0o700);
    }

    #[test]
    fn a_missing_file_is_an_empty_config() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::load(&dir.path().join(FILE_NAME)).unwrap();
        assert_eq!(config, Config::default());
        assert_eq!(config.context_name(None), DEFAULT_CONTEXT);
    }

    #[test]
    fn parse_errors_do_not_echo_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        fs::write(&path, "[contexts.work]\ntoken = dop_v1_secret_unquoted\n").unwrap();
        let err = Config::load(&path).unwrap_err().to_string();
        assert!(!err.contains("dop_v1_secret"), "{err}");
    }

    #[test]
    fn parse_errors_name_the_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        fs::write(
            &path,
            "current_context = \"work\"\n[contexts.work]\ntoken = oops\n",
        )
        .unwrap();
        let err = Config::load(&path).unwrap_err().to_string();
        assert!(err.contains("(line 3, column 9)"), "{err}");
        assert_eq!(line_and_column("ab\ncd", 4), (2, 2));
        assert_eq!(line_and_column("é", 2), (1, 2));
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_file_is_written_through_and_the_link_kept() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("dotfiles").join("oxido.toml");
        fs::create_dir_all(real.parent().unwrap()).unwrap();
        fs::write(&real, "").unwrap();
        let link = dir.path().join("cfg").join(FILE_NAME);
        fs::create_dir_all(link.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        sample().save(&link).unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(Config::load(&real).unwrap(), sample());
        // A dangling link is written through too.
        fs::remove_file(&real).unwrap();
        sample().save(&link).unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(Config::load(&real).unwrap(), sample());
    }

    #[cfg(unix)]
    #[test]
    fn a_file_others_can_read_is_warned_about() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        sample().save(&path).unwrap();
        assert_eq!(permission_warning(&path), None);
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        let warning = permission_warning(&path).unwrap();
        assert!(warning.contains("mode 644"), "{warning}");
        assert!(warning.contains("chmod 600"), "{warning}");
    }

    #[test]
    fn debug_redacts_tokens() {
        let text = format!("{:?}", sample());
        assert!(!text.contains("dop_v1_secret"), "{text}");
    }

    #[test]
    fn the_requested_context_wins_over_the_current_one() {
        let config = sample();
        assert_eq!(config.context_name(Some("other")), "other");
        assert_eq!(config.context_name(None), "work");
    }
}
