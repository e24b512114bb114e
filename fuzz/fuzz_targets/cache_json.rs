//! The cache.json reader: any bytes give a catalog or an empty cache marked with a problem
//! (never a panic), and a catalog read back from what it serialises to is the same catalog.
#![no_main]

use std::path::Path;

use aws_sso::cache::Cache;
use aws_sso::catalog::instance_roles;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = Path::new("/nonexistent/cache.json");
    let cache = Cache::from_bytes(path, data);
    if cache.problem.is_some() {
        return;
    }
    for (name, instance) in &cache.file.sso {
        let _ = cache.is_expired(name, 24, 0, 1_767_225_600);
        for (id, role) in instance_roles(name, instance).iter().enumerate() {
            let _ = role.template_value(id, 1_767_225_600);
            let _ = instance.role(role.arn());
        }
    }
    let json = serde_json::to_vec(&cache.file).expect("a catalog serialises");
    let back = Cache::from_bytes(path, &json);
    assert_eq!(back.problem, None, "{}", String::from_utf8_lossy(&json));
    assert_eq!(back.file, cache.file);
});
