//! The file's text and name, to turn byte spans into line:column, and the
//! collector that validation reports into.

use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::located::{At, Located};
use crate::{Error, Location};

/// A configuration file's name and text.
#[derive(Debug, Clone)]
pub struct Source {
    path: PathBuf,
    text: String,
}

impl Source {
    /// The file `path` holding `text`.
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            text: text.into(),
        }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file's text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The directory relative paths in the file are resolved against.
    pub fn dir(&self) -> &Path {
        supreme_core::files::parent_of(&self.path)
    }

    /// Line and column (1-based, columns in characters) of a byte offset.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let mut end = offset.min(self.text.len());
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let before = &self.text[..end];
        let line = before.bytes().filter(|b| *b == b'\n').count() + 1;
        let start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, before[start..].chars().count() + 1)
    }

    /// The location of a span.
    pub fn locate_span(&self, span: Option<Range<usize>>) -> Location {
        match span {
            Some(r) => {
                let (line, column) = self.line_column(r.start);
                Location::File {
                    file: self.path.clone(),
                    line,
                    column,
                }
            }
            None => Location::Whole {
                file: self.path.clone(),
            },
        }
    }

    /// The location of a setting.
    pub fn locate(&self, at: &At) -> Location {
        match at {
            At::Span(r) => self.locate_span(Some(r.clone())),
            At::Env(var) => Location::Env { var },
        }
    }
}

/// Collects validation errors, so one run reports all of them.
#[derive(Debug)]
pub struct Check<'a> {
    src: &'a Source,
    errors: Vec<Error>,
}

impl<'a> Check<'a> {
    /// A collector for errors in `src`.
    pub fn new(src: &'a Source) -> Self {
        Self {
            src,
            errors: Vec::new(),
        }
    }

    /// The file.
    pub fn source(&self) -> &'a Source {
        self.src
    }

    /// Records an error at `at`.
    pub fn invalid(&mut self, at: &At, message: impl Into<String>, fix: impl Into<String>) {
        self.errors.push(Error::Invalid {
            at: self.src.locate(at),
            message: message.into(),
            fix: fix.into(),
        });
    }

    /// `Some(v)` or records the error and gives `None`.
    pub fn ok<T, E: std::fmt::Display>(
        &mut self,
        at: &At,
        result: Result<T, E>,
        fix: &str,
    ) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.invalid(at, e.to_string(), fix);
                None
            }
        }
    }

    /// A path setting resolved (a relative path in the file against the
    /// file's directory, one from the environment as given), its directory
    /// checked as a private file's is ([`check_parent`]: no directory above
    /// it that another user could write in).
    ///
    /// [`check_parent`]: supreme_core::files::check_parent
    pub fn path(&mut self, what: &str, setting: &Located<PathBuf>) -> PathBuf {
        let path = self.resolve(setting);
        self.check_dir_of(what, setting, &path, &path);
        path
    }

    /// A directory setting, resolved as [`Check::path`] does, checked as the
    /// directory of the files it will hold.
    pub fn dir(&mut self, what: &str, setting: &Located<PathBuf>) -> PathBuf {
        let path = self.resolve(setting);
        self.check_dir_of(what, setting, &path.join("file"), &path);
        path
    }

    fn resolve(&self, setting: &Located<PathBuf>) -> PathBuf {
        match setting.at {
            At::Env(_) => setting.value.clone(),
            At::Span(_) => self.src.dir().join(&setting.value),
        }
    }

    fn check_dir_of(&mut self, what: &str, setting: &Located<PathBuf>, file: &Path, path: &Path) {
        if let Err(e) = supreme_core::files::check_parent(file) {
            let dir = supreme_core::files::parent_of(file).display().to_string();
            let (message, fix) = match e {
                supreme_core::files::Error::Unsafe {
                    path: p,
                    problem,
                    fix,
                } => (
                    format!("{what} {}: {} {problem}", path.display(), p.display()),
                    fix,
                ),
                other => (
                    format!("{what} {}: {other}", path.display()),
                    format!("create the directory: mkdir -p -m 700 {dir}"),
                ),
            };
            self.invalid(&setting.at, message, fix);
        }
    }

    /// Whether nothing was recorded.
    pub fn is_clean(&self) -> bool {
        self.errors.is_empty()
    }

    /// The errors recorded.
    pub fn into_errors(self) -> Vec<Error> {
        self.errors
    }

    /// `Ok(value)` if nothing was recorded (and `value` is some), else the errors.
    pub fn finish<T>(self, value: Option<T>) -> Result<T, crate::Errors> {
        match value {
            Some(v) if self.errors.is_empty() => Ok(v),
            _ if self.errors.is_empty() => Err(crate::Errors::new(vec![Error::Invalid {
                at: Location::Whole {
                    file: self.src.path.clone(),
                },
                message: "the section could not be built".into(),
                fix: "see the other errors".into(),
            }])),
            _ => Err(crate::Errors::new(self.errors)),
        }
    }
}

#[cfg(test)]
mod tests;
