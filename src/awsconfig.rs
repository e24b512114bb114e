//! The `~/.aws/config` managed block of `aws-sso setup profiles` (spec §3.5): one block per
//! SSO instance between `# BEGIN_AWS_SSO_CLI[_<Name>]` and `# END_AWS_SSO_CLI[_<Name>]`,
//! rendered from the cached roles and spliced into the file so that everything outside the
//! block stays byte for byte (comments, odd spacing, CRLF, a missing final newline, other
//! instances' blocks). A damaged block (no END, two BEGINs, a stray END) is an error naming
//! the line; the file is then left alone. Writes are atomic, keep the file's mode and leave a
//! backup of the previous version.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::fsutil;

/// One generated profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub name: String,
    pub arn: String,
    pub credential_process: String,
    /// Only when the role has a (role/account/instance) default region.
    pub region: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BlockError {
    #[error(
        "line {line} has `{begin}` but no `{end}` follows: add `{end}` after the last aws-sso profile or delete the partial block"
    )]
    MissingEnd {
        line: usize,
        begin: String,
        end: String,
    },
    #[error("`{begin}` appears twice (lines {first} and {second}): delete one of the blocks")]
    DuplicateBegin {
        begin: String,
        first: usize,
        second: usize,
    },
    #[error(
        "line {line} has `{end}` without a `{begin}` before it: delete that line or add `{begin}` where the block starts"
    )]
    EndWithoutBegin {
        line: usize,
        begin: String,
        end: String,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum AwsConfigError {
    #[error("{path}: {source}")]
    Block { path: PathBuf, source: BlockError },
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: io::Error },
    #[error("{0} is not UTF-8 text: fix or move it, then run `aws-sso setup profiles` again")]
    NotUtf8(PathBuf),
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
    #[error("{0} changed while aws-sso was updating it: run `aws-sso setup profiles` again")]
    Changed(PathBuf),
}

/// The markers of `instance`'s block.
pub fn markers(instance: &str) -> (String, String) {
    if instance == "Default" {
        ("# BEGIN_AWS_SSO_CLI".into(), "# END_AWS_SSO_CLI".into())
    } else {
        (
            format!("# BEGIN_AWS_SSO_CLI_{instance}"),
            format!("# END_AWS_SSO_CLI_{instance}"),
        )
    }
}

/// The block (LF endings, markers included): profiles by ARN, variables by key.
pub fn render_block(
    instance: &str,
    profiles: &[Profile],
    variables: &[(String, String)],
) -> String {
    let (begin, end) = markers(instance);
    let mut sorted: Vec<&Profile> = profiles.iter().collect();
    sorted.sort_by(|a, b| a.arn.cmp(&b.arn));
    let mut vars: Vec<&(String, String)> = variables.iter().collect();
    vars.sort();
    let mut out = format!("{begin}\n");
    for p in sorted {
        out.push_str(&format!("\n[profile {}]\n", p.name));
        out.push_str(&format!("credential_process = {}\n", p.credential_process));
        if let Some(r) = &p.region {
            out.push_str(&format!("region = {r}\n"));
        }
        for (k, v) in &vars {
            out.push_str(&format!("{k} = {v}\n"));
        }
    }
    out.push_str(&format!("\n{end}\n"));
    out
}

/// Lines with their endings kept (the last one may lack one).
fn lines_with_endings(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

fn is_marker(line: &str, marker: &str) -> bool {
    line.trim_end() == marker
}

/// True when most lines end in CRLF.
fn uses_crlf(text: &str) -> bool {
    let lf = text.matches('\n').count();
    let crlf = text.matches("\r\n").count();
    crlf > 0 && crlf * 2 >= lf
}

/// Replace (or append) `instance`'s block in `existing`.
pub fn splice(existing: &str, instance: &str, block: &str) -> Result<String, BlockError> {
    let (begin, end) = markers(instance);
    let lines = lines_with_endings(existing);
    let mut start: Option<usize> = None;
    let mut span: Option<(usize, usize)> = None;
    for (i, line) in lines.iter().enumerate() {
        if is_marker(line, &begin) {
            if let Some(first) = start.or(span.map(|s| s.0)) {
                return Err(BlockError::DuplicateBegin {
                    begin,
                    first: first + 1,
                    second: i + 1,
                });
            }
            start = Some(i);
        } else if is_marker(line, &end) {
            match start.take() {
                Some(s) => span = Some((s, i)),
                None => {
                    return Err(BlockError::EndWithoutBegin {
                        line: i + 1,
                        begin,
                        end,
                    });
                }
            }
        }
    }
    if let Some(s) = start {
        return Err(BlockError::MissingEnd {
            line: s + 1,
            begin,
            end,
        });
    }
    let eol = if uses_crlf(existing) { "\r\n" } else { "\n" };
    let block: String = if eol == "\n" {
        block.to_string()
    } else {
        block.replace('\n', "\r\n")
    };
    let mut out = String::with_capacity(existing.len() + block.len());
    match span {
        Some((s, e)) => {
            for line in &lines[..s] {
                out.push_str(line);
            }
            out.push_str(&block);
            let rest = &lines[e + 1..];
            // The old END line lacked a newline and nothing followed: keep it that way.
            let last_had_none = !lines[e].ends_with('\n');
            if rest.is_empty() && last_had_none {
                out.truncate(out.len() - eol.len());
            }
            for line in rest {
                out.push_str(line);
            }
        }
        None => {
            out.push_str(existing);
            if !existing.is_empty() && !existing.ends_with('\n') {
                out.push_str(eol);
            }
            if !existing.is_empty() {
                out.push_str(eol);
            }
            out.push_str(&block);
        }
    }
    Ok(out)
}

/// A unified diff of `old` → `new` (3 lines of context), empty when they are equal.
pub fn unified_diff(label: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(label, &format!("{label}.new"))
        .to_string()
}

/// What an update would do to a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    pub path: PathBuf,
    /// `None` when the file does not exist yet.
    pub old: Option<String>,
    pub new: String,
}

fn read_text(path: &Path) -> Result<Option<String>, AwsConfigError> {
    match fs::read(path) {
        Ok(bytes) => String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| AwsConfigError::NotUtf8(path.to_path_buf())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(AwsConfigError::Read {
            path: path.to_path_buf(),
            source,
        }),
    }
}

impl Update {
    /// Read `path` (missing: empty) and splice `block` in.
    pub fn plan(path: &Path, instance: &str, block: &str) -> Result<Update, AwsConfigError> {
        let old = read_text(path)?;
        let new = splice(old.as_deref().unwrap_or(""), instance, block).map_err(|source| {
            AwsConfigError::Block {
                path: path.to_path_buf(),
                source,
            }
        })?;
        Ok(Update {
            path: path.to_path_buf(),
            old,
            new,
        })
    }

    pub fn is_noop(&self) -> bool {
        self.old.as_deref() == Some(self.new.as_str())
    }

    pub fn diff(&self) -> String {
        unified_diff(
            &self.path.display().to_string(),
            self.old.as_deref().unwrap_or(""),
            &self.new,
        )
    }

    /// Write the new text atomically, keeping the file's mode (new files: 0600) and its
    /// previous content in `<file>.aws-sso.bak`. Refuses when the file changed since
    /// [`Update::plan`] read it. Returns the backup's path, if one was written.
    pub fn apply(&self) -> Result<Option<PathBuf>, AwsConfigError> {
        let write_err = |source| AwsConfigError::Write {
            path: self.path.clone(),
            source,
        };
        if read_text(&self.path)? != self.old {
            return Err(AwsConfigError::Changed(self.path.clone()));
        }
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty())
            && !dir.exists()
        {
            fsutil::create_private_dir_all(dir).map_err(write_err)?;
        }
        let mode = file_mode(&self.path).unwrap_or(fsutil::MODE_PRIVATE);
        let backup = match &self.old {
            Some(old) => {
                let mut name = self.path.as_os_str().to_owned();
                name.push(".aws-sso.bak");
                let backup = PathBuf::from(name);
                fsutil::write_atomic(&backup, old.as_bytes(), mode).map_err(write_err)?;
                Some(backup)
            }
            None => None,
        };
        fsutil::write_atomic(&self.path, self.new.as_bytes(), mode).map_err(write_err)?;
        Ok(backup)
    }
}

#[cfg(unix)]
fn file_mode(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt as _;
    fs::metadata(path)
        .ok()
        .map(|m| m.permissions().mode() & 0o7777)
}

#[cfg(not(unix))]
fn file_mode(_path: &Path) -> Option<u32> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(instance: &str, names: &[&str]) -> String {
        let profiles: Vec<Profile> = names
            .iter()
            .enumerate()
            .map(|(i, n)| Profile {
                name: n.to_string(),
                arn: format!("arn:aws:iam::00000000000{i}:role/R"),
                credential_process: format!("/bin/aws-sso -S \"{instance}\" process --arn x{i}"),
                region: (i == 0).then(|| "eu-west-1".to_string()),
            })
            .collect();
        render_block(instance, &profiles, &[("output".into(), "json".into())])
    }

    #[test]
    fn block_layout_matches_aws_sso_cli() {
        assert_eq!(
            block("Default", &["a", "b"]),
            "# BEGIN_AWS_SSO_CLI\n\n[profile a]\ncredential_process = /bin/aws-sso -S \"Default\" process --arn x0\nregion = eu-west-1\noutput = json\n\n[profile b]\ncredential_process = /bin/aws-sso -S \"Default\" process --arn x1\noutput = json\n\n# END_AWS_SSO_CLI\n"
        );
        assert!(block("Prod", &[]).starts_with("# BEGIN_AWS_SSO_CLI_Prod\n"));
    }

    #[test]
    fn splice_keeps_everything_else_and_is_idempotent() {
        let b = block("Default", &["a"]);
        let file = "[default]\r\nregion = x\r\n# BEGIN_AWS_SSO_CLI_Prod\r\n[profile p]\r\n# END_AWS_SSO_CLI_Prod\r\n# tail";
        let once = splice(file, "Default", &b).unwrap();
        assert!(once.starts_with(file), "{once:?}");
        assert!(once.contains("\r\n# BEGIN_AWS_SSO_CLI\r\n"), "{once:?}");
        assert_eq!(splice(&once, "Default", &b).unwrap(), once);
        let b2 = block("Default", &["z"]);
        let twice = splice(&once, "Default", &b2).unwrap();
        assert!(
            twice.starts_with(file)
                && twice.contains("[profile z]")
                && !twice.contains("[profile a]")
        );
        assert_eq!(splice("", "Default", &b).unwrap(), b);
    }

    #[test]
    fn damaged_blocks_name_the_line() {
        let b = block("Default", &["a"]);
        let e = splice("x\n# BEGIN_AWS_SSO_CLI\n[profile a]\n", "Default", &b).unwrap_err();
        assert!(matches!(e, BlockError::MissingEnd { line: 2, .. }), "{e}");
        let e = splice(
            "# BEGIN_AWS_SSO_CLI\n# END_AWS_SSO_CLI\n# BEGIN_AWS_SSO_CLI\n# END_AWS_SSO_CLI\n",
            "Default",
            &b,
        )
        .unwrap_err();
        assert!(
            matches!(
                e,
                BlockError::DuplicateBegin {
                    first: 1,
                    second: 3,
                    ..
                }
            ),
            "{e}"
        );
        let e = splice("a\n# END_AWS_SSO_CLI\n", "Default", &b).unwrap_err();
        assert!(
            matches!(e, BlockError::EndWithoutBegin { line: 2, .. }),
            "{e}"
        );
        // Another instance's markers are not ours.
        assert!(splice("# BEGIN_AWS_SSO_CLI_Prod\n", "Default", &b).is_ok());
    }
}
