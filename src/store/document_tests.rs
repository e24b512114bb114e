//! Tests of the document shapes against fixtures in aws-sso-cli's own layouts.

use super::*;

/// The keyring shape as aws-sso-cli writes it: compact JSON, Go field order.
const KEYRING_FIXTURE: &str = concat!(
    r#"{"RegisterClientData":{"client-data:Default":{"authorizationEndpoint":"http://127.0.0.1:4000/authorize","#,
    r#""clientId":"cid-1","clientIdIssuedAt":1735689600,"clientSecret":"csecret-1","clientSecretExpiresAt":1743465600,"#,
    r#""tokenEndpoint":"http://127.0.0.1:4000/token","grantTypes":["authorization_code","refresh_token"]}},"#,
    r#""CreateTokenResponse":{"token-response:Default":{"accessToken":"atok-1","expiresIn":28800,"expiresAt":1735718400,"#,
    r#""IdToken":"","RefreshToken":"rtok-1","tokenType":"Bearer"}},"#,
    r#""RoleCredentials":{"arn:aws:iam::000001111111:role/AdministratorAccess":{"roleName":"AdministratorAccess","#,
    r#""accountId":1111111,"accessKeyId":"ASIAEXAMPLE","secretAccessKey":"sak-1","sessionToken":"stok-1","#,
    r#""expiration":1735693200000,"roleChaining":false}},"#,
    r#""StaticCredentials":{},"EcsBearerToken":"","EcsPrivateKey":"","EcsCertChain":""}"#
);

/// aws-sso-cli's `store.json`: unprefixed keys, omitempty top level, 2-space indent.
const JSON_STORE_FIXTURE: &str = r#"{
  "RegisterClient": {
    "Default": {
      "clientId": "cid-1",
      "clientIdIssuedAt": 1735689600,
      "clientSecret": "csecret-1",
      "clientSecretExpiresAt": 1743465600
    }
  },
  "StartDeviceAuth": {
    "Default": {
      "deviceCode": "dc",
      "expiresIn": 600,
      "interval": 5,
      "userCode": "ABCD-EFGH",
      "verificationUri": "https://device.sso.us-east-1.amazonaws.com/",
      "verificationUriComplete": "https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH"
    }
  },
  "CreateTokenResponse": {
    "Default": {
      "accessToken": "atok-1",
      "expiresIn": 28800,
      "expiresAt": 1735718400,
      "IdToken": "",
      "RefreshToken": "",
      "tokenType": "Bearer"
    }
  },
  "RoleCredentials": {
    "arn:aws:iam::000001111111:role/AdministratorAccess": {
      "roleName": "AdministratorAccess",
      "accountId": 1111111,
      "accessKeyId": "ASIAEXAMPLE",
      "secretAccessKey": "sak-1",
      "sessionToken": "stok-1",
      "expiration": 1735693200000,
      "roleChaining": true
    }
  },
  "EcsBearerToken": "Bearer xyz"
}"#;

#[test]
fn keyring_shape_round_trips_byte_for_byte() {
    let doc = Document::decode(KEYRING_FIXTURE.as_bytes(), Shape::Keyring, "fixture").unwrap();
    let reg = &doc.registrations["Default"];
    assert_eq!(reg.client_id, "cid-1");
    assert_eq!(reg.client_secret.expose(), "csecret-1");
    assert_eq!(reg.grant_types, ["authorization_code", "refresh_token"]);
    assert_eq!(doc.tokens["Default"].refresh_token.expose(), "rtok-1");
    let rc = &doc.role_credentials["arn:aws:iam::000001111111:role/AdministratorAccess"];
    assert_eq!(rc.account_id_padded(), "000001111111");
    assert_eq!(rc.expires_at_secs(), 1_735_693_200);
    let out = doc.encode(Shape::Keyring).unwrap();
    assert_eq!(std::str::from_utf8(&out).unwrap(), KEYRING_FIXTURE);
}

#[test]
fn json_store_shape_round_trips_byte_for_byte() {
    let doc = Document::decode(JSON_STORE_FIXTURE.as_bytes(), Shape::JsonStore, "f").unwrap();
    assert_eq!(
        doc.registrations["Default"].client_secret.expose(),
        "csecret-1"
    );
    assert_eq!(doc.registrations["Default"].authorization_endpoint, None);
    assert_eq!(doc.tokens["Default"].access_token.expose(), "atok-1");
    assert!(doc.role_credentials.values().all(|c| c.role_chaining));
    assert_eq!(doc.ecs_bearer_token.expose(), "Bearer xyz");
    assert!(doc.extra.contains_key("StartDeviceAuth"));
    let out = doc.encode(Shape::JsonStore).unwrap();
    assert_eq!(std::str::from_utf8(&out).unwrap(), JSON_STORE_FIXTURE);
}

#[test]
fn the_two_shapes_hold_the_same_content() {
    let doc = Document::decode(KEYRING_FIXTURE.as_bytes(), Shape::Keyring, "f").unwrap();
    let as_json = doc.encode(Shape::JsonStore).unwrap();
    let text = std::str::from_utf8(&as_json).unwrap();
    assert!(
        text.contains("\"RegisterClient\": {\n    \"Default\""),
        "{text}"
    );
    assert!(!text.contains("client-data:"));
    assert!(!text.contains("StaticCredentials"), "omitempty: {text}");
    let back = Document::decode(&as_json, Shape::JsonStore, "f").unwrap();
    assert_eq!(back, doc);
}

#[test]
fn empty_document_shapes() {
    let empty = Document::default();
    assert_eq!(&*empty.encode(Shape::JsonStore).unwrap(), b"{}");
    assert_eq!(
        std::str::from_utf8(&empty.encode(Shape::Keyring).unwrap()).unwrap(),
        r#"{"RegisterClientData":{},"CreateTokenResponse":{},"RoleCredentials":{},"StaticCredentials":{},"EcsBearerToken":"","EcsPrivateKey":"","EcsCertChain":""}"#
    );
    assert!(
        Document::decode(b"  \n", Shape::Keyring, "f")
            .unwrap()
            .is_empty()
    );
}

#[test]
fn go_nil_maps_and_string_account_ids_are_accepted() {
    let text = r#"{"RegisterClientData":null,"CreateTokenResponse":null,"RoleCredentials":{"arn:x":{"accountId":"000011112222","expiration":5}},"StaticCredentials":{"arn:u":{"accountId":12,"Tags":null}},"EcsBearerToken":null}"#;
    let doc = Document::decode(text.as_bytes(), Shape::Keyring, "f").unwrap();
    assert_eq!(doc.role_credentials["arn:x"].account_id, 11_112_222);
    assert_eq!(doc.static_credentials["arn:u"].account_id, 12);
    assert!(doc.registrations.is_empty());
}

#[test]
fn corrupt_input_is_an_error_without_secrets() {
    let text = r#"{"RoleCredentials":{"arn:x":{"expiration":"sekrit-value"}}}"#;
    let err = Document::decode(text.as_bytes(), Shape::Keyring, "item").unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("item"), "{msg}");
    assert!(!msg.contains("sekrit"), "{msg}");
    let truncated = &KEYRING_FIXTURE.as_bytes()[..100];
    let msg = Document::decode(truncated, Shape::Keyring, "item")
        .unwrap_err()
        .to_string();
    assert!(msg.contains("truncated JSON"), "{msg}");
}

#[test]
fn debug_output_has_no_secrets() {
    let doc = Document::decode(KEYRING_FIXTURE.as_bytes(), Shape::Keyring, "f").unwrap();
    let dbg = format!("{doc:?} {:?}", doc.role_credentials);
    for secret in ["csecret-1", "atok-1", "rtok-1", "sak-1", "stok-1"] {
        assert!(!dbg.contains(secret), "{secret} leaked: {dbg}");
    }
    assert!(dbg.contains("Default"));
}

#[test]
fn registration_and_expiry_helpers() {
    let mut reg = RegisterClientData::default();
    assert_eq!(reg.effective_grant_types(), [LEGACY_GRANT_TYPE]);
    reg.grant_types = vec!["a".into(), "b".into(), "c".into()];
    assert!(reg.has_too_many_grant_types());
    reg.client_secret_expires_at = 100;
    assert!(reg.is_expired(100) && !reg.is_expired(99));

    let mut doc = Document::default();
    for (arn, exp_ms) in [("old", 1_000_000), ("new", 3_000_000)] {
        let c = RoleCredentials {
            expiration: exp_ms,
            ..Default::default()
        };
        doc.role_credentials.insert(arn.into(), c);
    }
    assert!(doc.role_credentials["new"].is_valid_for(2_000, 60));
    assert!(!doc.role_credentials["new"].is_valid_for(2_950, 60));
    assert_eq!(doc.prune_expired_role_credentials(2_000), 1);
    assert_eq!(doc.role_credentials.keys().collect::<Vec<_>>(), ["new"]);
}
