//! Where the files of submissions are kept: a [`Storage`] trait, so that a deployment can put
//! them elsewhere, and [`LocalDirectory`], the implementation every deployment starts with.

use std::io;
use std::path::{Path, PathBuf};

/// A place to keep bytes under a key. Keys are made by Lanyard (`city/submission/file.ext`),
/// never taken from a request.
pub trait Storage: Send + Sync {
    fn put(&self, key: &str, bytes: &[u8]) -> io::Result<()>;
    /// The bytes under `key`, or `None` when nothing is kept there.
    fn get(&self, key: &str) -> io::Result<Option<Vec<u8>>>;
    fn delete(&self, key: &str) -> io::Result<()>;
}

/// Files in a folder on this machine, one per key.
pub struct LocalDirectory {
    root: PathBuf,
}

impl LocalDirectory {
    /// Keeps files under `root`, creating it when missing.
    pub fn new(root: impl Into<PathBuf>) -> io::Result<LocalDirectory> {
        let root = root.into();
        std::fs::create_dir_all(&root)?;
        Ok(LocalDirectory { root })
    }

    fn path_of(&self, key: &str) -> io::Result<PathBuf> {
        let sound = !key.is_empty()
            && key.split('/').all(|part| {
                !part.is_empty()
                    && !part.starts_with('.')
                    && part
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_')
            });
        if !sound {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "unsound storage key",
            ));
        }
        Ok(self.root.join(Path::new(key)))
    }
}

impl Storage for LocalDirectory {
    fn put(&self, key: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.path_of(key)?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        // Written aside and renamed, so a reader never sees half a file.
        let partial = path.with_extension("partial");
        std::fs::write(&partial, bytes)?;
        std::fs::rename(&partial, &path)
    }

    fn get(&self, key: &str) -> io::Result<Option<Vec<u8>>> {
        match std::fs::read(self.path_of(key)?) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn delete(&self, key: &str) -> io::Result<()> {
        match std::fs::remove_file(self.path_of(key)?) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_reads_and_deletes_under_sound_keys_only() {
        let dir = std::env::temp_dir().join(format!("lanyard-storage-{}", uuid::Uuid::new_v4()));
        let store = LocalDirectory::new(&dir).expect("folder");
        store.put("1/abc/photo.png", b"png").expect("put");
        assert_eq!(
            store.get("1/abc/photo.png").expect("get"),
            Some(b"png".to_vec())
        );
        store.delete("1/abc/photo.png").expect("delete");
        assert_eq!(store.get("1/abc/photo.png").expect("get"), None);
        for bad in [
            "",
            "../x",
            "a/../b",
            "/etc/passwd",
            "a//b",
            ".hidden",
            "a/b c",
        ] {
            assert!(store.put(bad, b"x").is_err(), "{bad:?} must be refused");
        }
        let _ = std::fs::remove_dir_all(dir);
    }
}
