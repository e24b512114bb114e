//! The errors of the managed-block code: [`BlockError`] for what is wrong with the inputs or
//! with the text of a config file (line numbers are 1-based file lines), [`AwsConfigError`]
//! for reading and writing the file itself. Every message is one line and says how to fix it.

use std::io;
use std::path::PathBuf;

/// Why a block cannot be rendered or spliced. Nothing is written when one of these is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BlockError {
    #[error(
        "line {line} has `{begin}` but no `{end}` follows it; add `{end}` after line {line} or delete the partial block"
    )]
    Unterminated {
        line: usize,
        begin: String,
        end: String,
    },
    #[error(
        "lines {first} and {second} both start a `{begin}` block; delete one of the two blocks (through its `{end}`)"
    )]
    DuplicateBegin {
        first: usize,
        second: usize,
        begin: String,
        end: String,
    },
    #[error(
        "line {line} has `{end}` without a `{begin}` before it; delete line {line} or add `{begin}` where the block starts"
    )]
    EndWithoutBegin {
        line: usize,
        begin: String,
        end: String,
    },
    #[error(
        "line {line}: `{marker}` is inside the `{begin}` block of lines {begin_line}-{end_line}; move that other block out of it"
    )]
    ForeignMarkerInside {
        line: usize,
        marker: String,
        begin: String,
        begin_line: usize,
        end_line: usize,
    },
    #[error(
        "line {line} already has `[{section}]`, which aws-sso generates too (a duplicate section breaks the AWS CLI and boto3); rename or delete that section"
    )]
    SectionConflict { line: usize, section: String },
    #[error(
        "SSO instance name {name:?} cannot be used in a config-file marker; use a name without line breaks and without leading or trailing spaces"
    )]
    InvalidInstance { name: String },
    #[error("{what} {value:?} cannot be written to an AWS config file: {why}")]
    InvalidField {
        what: &'static str,
        value: String,
        why: &'static str,
    },
    #[error(
        "two roles both map to profile {name:?}; change ProfileFormat so profile names are unique"
    )]
    DuplicateProfile { name: String },
    #[error(
        "ConfigVariables has {key:?} twice (keys are case-insensitive in AWS config files); keep one"
    )]
    DuplicateVariable { key: String },
    #[error(
        "ConfigVariables cannot set {key:?}: aws-sso writes that key itself; remove it from ConfigVariables"
    )]
    ReservedVariable { key: String },
    #[error(
        "the generated block for {instance:?} is malformed (it must start with `{begin}`, end with `{end}` and hold no other marker)"
    )]
    MalformedBlock {
        instance: String,
        begin: String,
        end: String,
    },
}

/// Why a config file could not be planned or updated. The file is untouched in every case.
#[derive(Debug, thiserror::Error)]
pub enum AwsConfigError {
    #[error("cannot read {path}: {source} (check its permissions)")]
    Read { path: PathBuf, source: io::Error },
    #[error(
        "{path} is not valid UTF-8 (first bad byte on line {line}); fix that line, aws-sso left the file untouched"
    )]
    NotUtf8 { path: PathBuf, line: usize },
    #[error("{path}: {source}")]
    Block { path: PathBuf, source: BlockError },
    #[error(
        "{path} changed on disk after it was read; nothing was written, run the command again to see the new changes"
    )]
    Changed { path: PathBuf },
    #[error("cannot write backup {path}: {source}; nothing was changed")]
    Backup { path: PathBuf, source: io::Error },
    #[error("cannot write {path}: {source}; the file was left as it was")]
    Write { path: PathBuf, source: io::Error },
}
