//! ProfileFormat parsing: any text either compiles (Go template → handlebars) or gives a
//! one-line error naming the template; never a panic.
#![no_main]

use aws_sso::profile_format::ProfileFormat;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // config.yaml is read as UTF-8, so a template always is.
    let Ok(template) = std::str::from_utf8(data) else {
        return;
    };
    match ProfileFormat::compile(template) {
        Ok(format) => assert_eq!(format.source(), template),
        Err(e) => {
            let message = e.to_string();
            assert!(
                !message.contains('\n'),
                "error on more than one line: {message:?}"
            );
        }
    }
});
