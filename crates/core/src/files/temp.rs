//! Private temporary files: created 0600 in a directory the policy accepts
//! (0700, ours), removed when dropped.

use std::fs::File;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use super::error::{Error, Result};
use super::policy::check_private_dir;

/// A temporary file only we can read, in a private directory, removed on
/// drop (as Python's `NamedTemporaryFile` in a private directory). Built on
/// the `tempfile` crate.
///
/// ```
/// use std::io::Write;
/// use std::os::unix::fs::PermissionsExt;
/// use supreme_core::files::{Error, PrivateTempFile};
///
/// let dir = tempfile::tempdir()?;
/// std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700))?;
/// let mut tmp = PrivateTempFile::new_in(dir.path())?;
/// tmp.as_file_mut().write_all(b"export")?;
/// let path = tmp.path().to_path_buf();
/// assert_eq!(std::fs::metadata(&path)?.permissions().mode() & 0o777, 0o600);
/// drop(tmp);
/// assert!(!path.exists());
///
/// std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))?;
/// assert!(matches!(PrivateTempFile::new_in(dir.path()), Err(Error::Unsafe { .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct PrivateTempFile(tempfile::NamedTempFile);

impl PrivateTempFile {
    /// A new empty file in `dir`, which must pass
    /// [`check_private_dir`](super::check_private_dir).
    pub fn new_in(dir: &Path) -> Result<Self> {
        check_private_dir(dir)?;
        tempfile::Builder::new()
            .prefix(".private-")
            .permissions(std::fs::Permissions::from_mode(0o600))
            .tempfile_in(dir)
            .map(Self)
            .map_err(|e| Error::io("create temporary file", dir, e))
    }

    /// Its path (valid until drop).
    pub fn path(&self) -> &Path {
        self.0.path()
    }

    /// The open file.
    pub fn as_file(&self) -> &File {
        self.0.as_file()
    }

    /// The open file, to write.
    pub fn as_file_mut(&mut self) -> &mut File {
        self.0.as_file_mut()
    }
}
