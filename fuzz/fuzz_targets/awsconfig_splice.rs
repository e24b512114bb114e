//! The `~/.aws/config` managed-block splicer (and its shell-rc twin).
//!
//! Input: the first line is the SSO instance name, the rest the existing file. When a splice
//! succeeds, splicing the same block again changes nothing, and removing the block leaves a
//! file without it (the original itself when there was no block and it ended in a line
//! break).
#![no_main]

use aws_sso::awsconfig::{Profile, remove, render_block, splice, splice_text};
use libfuzzer_sys::fuzz_target;

fn profiles(instance: &str) -> Vec<Profile> {
    ["000011112222:Admin", "000033334444:ReadOnly"]
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let arn = format!("arn:aws:iam::00001111222{i}:role/R{i}");
            Profile {
                name: (*name).to_owned(),
                credential_process: format!("aws-sso -S \"{instance}\" process --arn {arn}"),
                arn,
                region: (i == 0).then(|| "eu-west-1".to_owned()),
            }
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (instance, existing) = text.split_once('\n').unwrap_or((text, ""));
    let vars = [("output".to_owned(), "json".to_owned())];
    let Ok(block) = render_block(instance, &profiles(instance), &vars) else {
        return;
    };
    let had_no_block = remove(existing, instance).is_ok_and(|r| r == existing);
    type SpliceFn = fn(&str, &str, &str) -> Result<String, aws_sso::awsconfig::BlockError>;
    for splice_fn in [splice as SpliceFn, splice_text as SpliceFn] {
        let Ok(once) = splice_fn(existing, instance, &block) else {
            continue;
        };
        let twice = splice_fn(&once, instance, &block);
        assert_eq!(
            twice.as_deref(),
            Ok(once.as_str()),
            "splicing twice differs from once, input {existing:?}"
        );
        let removed = remove(&once, instance).expect("our own block can be removed");
        assert_eq!(remove(&removed, instance).as_deref(), Ok(removed.as_str()));
        if had_no_block && (existing.is_empty() || existing.ends_with('\n')) {
            assert_eq!(removed, existing, "remove did not undo the append");
        }
    }
});
