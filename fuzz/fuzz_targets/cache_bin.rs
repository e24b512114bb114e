//! The cache.bin (snapshot) decoder: any bytes decode to a catalog or give "damaged"; never a
//! panic or an allocation the input did not pay for. The fingerprint check (which cache.json
//! the snapshot belongs to) is skipped so that random input reaches the decoder.
#![no_main]

use aws_sso::cache::{Text, decode_snapshot};
use aws_sso::catalog::instance_roles;
use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: {
        // The first string table a process reads becomes the interner's storage for good (a
        // start-up shortcut, kept even when it holds nothing: LeakSanitizer reports that as a
        // leak). Interning one string first sends every input down the same, general path.
        let _ = Text::new("fuzz");
    },
    |data: &[u8]| {
        let Ok(file) = decode_snapshot(data) else {
            return;
        };
        for (name, instance) in &file.sso {
            let _ = instance.rendered_template();
            for (id, role) in instance_roles(name, instance).iter().enumerate() {
                let _ = role.template_value(id, 1_767_225_600);
            }
        }
    }
);
