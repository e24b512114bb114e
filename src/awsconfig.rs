//! The managed block of `~/.aws/config` behind `aws-sso setup profiles` (and, with the same
//! markers and guarantees, of the shell rc files behind `setup completions`): aws-sso-cli's
//! `# BEGIN_AWS_SSO_CLI[_<instance>]` … `# END_AWS_SSO_CLI[_<instance>]` section, one per SSO
//! instance. This module owns rendering a block ([`render_block`]), splicing it into a file's
//! text while leaving every byte outside it alone ([`splice`]), the diff shown for review
//! ([`unified_diff`]) and the atomic, backed-up write ([`Update`]). It never prints; callers
//! show the diff and the errors.

mod error;
mod render;
mod splice;
mod update;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod update_tests;

pub use error::{AwsConfigError, BlockError};
pub use render::{Profile, markers, profile_name_problem, render_block};
pub use splice::{remove, splice, splice_text};
pub use update::{Update, backup_path};

/// Unified diff of `old` → `new` with 3 lines of context under `--- <label>` /
/// `+++ <label>.new` headers, like aws-sso-cli's review prompt; empty when they are equal.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_has_headers_context_and_is_empty_when_equal() {
        assert_eq!(unified_diff("f", "a\n", "a\n"), "");
        let old = "1\n2\n3\n4\n5\n6\n7\n8\n";
        let new = "1\n2\n3\n4\nfive\n6\n7\n8\n";
        assert_eq!(
            unified_diff("/h/.aws/config", old, new),
            "--- /h/.aws/config\n+++ /h/.aws/config.new\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n"
        );
    }

    #[test]
    fn diff_marks_a_missing_final_newline() {
        let d = unified_diff("f", "a", "a\nb\n");
        assert!(d.contains("No newline at end of file"), "{d}");
    }
}
