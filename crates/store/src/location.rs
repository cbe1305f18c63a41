//! Where the journal lives: `--db PATH_OR_URL`, else `CLOSER_DB`, else a file in the platform's
//! local (non-roaming) data directory. Owner-only permissions: the folder 0700, the files 0600.

use crate::Error;
use std::path::{Path, PathBuf};

/// A SQLite file or a PostgreSQL URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Location {
    /// `postgres://…` or `postgresql://…` is PostgreSQL; `sqlite://PATH` or anything else is a
    /// SQLite file path.
    pub fn parse(s: &str) -> Location {
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            Location::Postgres(s.to_string())
        } else if let Some(p) = s.strip_prefix("sqlite://") {
            Location::Sqlite(PathBuf::from(p))
        } else {
            Location::Sqlite(PathBuf::from(s))
        }
    }

    /// The flag, else `CLOSER_DB`, else the default file.
    pub fn resolve(flag: Option<&str>) -> Result<Location, Error> {
        if let Some(f) = flag.filter(|f| !f.is_empty()) {
            return Ok(Location::parse(f));
        }
        if let Ok(env) = std::env::var("CLOSER_DB")
            && !env.is_empty()
        {
            return Ok(Location::parse(&env));
        }
        Ok(Location::Sqlite(default_path()?))
    }

    /// A description without secrets (a URL's password is never shown).
    pub fn describe(&self) -> String {
        match self {
            Location::Sqlite(p) => p.display().to_string(),
            Location::Postgres(url) => match url.split_once('@') {
                Some((_, host)) => format!("postgres://…@{host}"),
                None => url.clone(),
            },
        }
    }
}

/// `<local data dir>/closer/journal.db` (on Linux `$XDG_DATA_HOME/closer`, on macOS
/// `~/Library/Application Support/closer`, on Windows the local, non-roaming AppData).
pub fn default_path() -> Result<PathBuf, Error> {
    let dirs = directories::ProjectDirs::from("", "", "closer").ok_or_else(|| {
        Error::Invalid(
            "no home folder was found for the journal: give --db PATH or set CLOSER_DB".into(),
        )
    })?;
    Ok(dirs.data_local_dir().join("journal.db"))
}

/// Creates the file (and any missing folders, 0700) with mode 0600 before SQLite opens it.
pub(crate) fn create_private_file(path: &Path) -> Result<(), Error> {
    let io = |e| Error::Io(path.display().to_string(), e);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.exists()
    {
        let mut b = std::fs::DirBuilder::new();
        b.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            b.mode(0o700);
        }
        b.create(dir).map_err(io)?;
    }
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path).map_err(io)?;
    Ok(())
}

/// Sets 0600 on the database and its `-wal`/`-shm` files (SQLite copies the database file's mode
/// to them; this makes sure of it).
pub(crate) fn restrict_sqlite_files(path: &Path) -> Result<(), Error> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for suffix in ["", "-wal", "-shm"] {
            let f = PathBuf::from(format!("{}{suffix}", path.display()));
            if f.exists() {
                std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600))
                    .map_err(|e| Error::Io(f.display().to_string(), e))?;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Overwrites a file with zeros, syncs, and removes it. (On a journaling or copy-on-write file
/// system or an SSD the old blocks may survive anyway; `forget` says so.)
pub(crate) fn overwrite_and_remove(path: &Path) -> Result<(), Error> {
    use std::io::Write;
    let io = |e| Error::Io(path.display().to_string(), e);
    let len = std::fs::metadata(path).map_err(io)?.len();
    {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(io)?;
        let zeros = vec![0u8; 64 * 1024];
        let mut left = len;
        while left > 0 {
            let n = usize::try_from(left).map_or(zeros.len(), |l| l.min(zeros.len()));
            f.write_all(&zeros[..n]).map_err(io)?;
            left -= n as u64;
        }
        f.sync_all().map_err(io)?;
    }
    std::fs::remove_file(path).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_paths_are_told_apart_and_passwords_never_shown() {
        assert_eq!(
            Location::parse("postgres://app:secret@127.0.0.1:5432/x"),
            Location::Postgres("postgres://app:secret@127.0.0.1:5432/x".into())
        );
        assert_eq!(
            Location::parse("postgres://app:secret@127.0.0.1:5432/x").describe(),
            "postgres://…@127.0.0.1:5432/x"
        );
        assert_eq!(
            Location::parse("sqlite:///tmp/j.db"),
            Location::Sqlite("/tmp/j.db".into())
        );
        assert_eq!(Location::parse("j.db"), Location::Sqlite("j.db".into()));
    }
}
