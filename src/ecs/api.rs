//! The ECS server's wire format (docs/ecs-protocol.md, "HTTP API"): the JSON documents it sends and accepts, in
//! aws-sso-cli's key names and order, and [`Reply`], a status plus a JSON body ending in `\n`.

use serde::{Deserialize, Serialize};

use crate::catalog::remaining_text;
use crate::credentials::exports::rfc3339_local;
use crate::store::{RoleCredentials, Secret};

/// Every reply is JSON with this content type.
pub const CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// `GET /` and `GET /slot/<profile>`: what the SDKs' container credential provider reads.
/// Keys are alphabetical, as aws-sso-cli sends them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialsReply {
    #[serde(rename = "AccessKeyId")]
    pub access_key_id: String,
    /// RFC 3339 in the server's local time zone.
    #[serde(rename = "Expiration")]
    pub expiration: String,
    #[serde(rename = "RoleArn")]
    pub role_arn: String,
    #[serde(rename = "SecretAccessKey")]
    pub secret_access_key: Secret,
    #[serde(rename = "Token")]
    pub token: Secret,
}

impl CredentialsReply {
    pub fn new(creds: &RoleCredentials) -> CredentialsReply {
        CredentialsReply {
            access_key_id: creds.access_key_id.clone(),
            expiration: rfc3339_local(creds.expires_at_secs()),
            role_arn: crate::role::role_arn(creds.account_id, &creds.role_name),
            secret_access_key: creds.secret_access_key.clone(),
            token: creds.session_token.clone(),
        }
    }
}

/// `GET /profile` and the entries of `GET /slot`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileReply {
    #[serde(rename = "ProfileName")]
    pub profile_name: String,
    /// Twelve digits.
    #[serde(rename = "AccountId")]
    pub account_id: String,
    #[serde(rename = "RoleName")]
    pub role_name: String,
    /// Unix seconds.
    #[serde(rename = "Expiration")]
    pub expiration: i64,
    /// Time left as `list` shows it (`45m`, `1h  5m`).
    #[serde(rename = "Expires")]
    pub expires: String,
}

impl ProfileReply {
    pub fn new(profile: &str, creds: &RoleCredentials, now: i64) -> ProfileReply {
        ProfileReply {
            profile_name: profile.to_string(),
            account_id: creds.account_id_padded(),
            role_name: creds.role_name.clone(),
            expiration: creds.expires_at_secs(),
            expires: remaining_text(creds.expires_at_secs(), now),
        }
    }
}

/// Errors and acknowledgements: `{"code":"404","message":"Credentials expired"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ack {
    pub code: String,
    pub message: String,
}

/// `GET /healthcheck` (and `/healthcheck/slot/<profile>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

/// The body of `PUT /` and `PUT /slot/<profile>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadRequest {
    #[serde(rename = "Creds")]
    pub creds: RoleCredentials,
    #[serde(rename = "ProfileName")]
    pub profile_name: String,
    /// Beyond aws-sso-cli (whose server ignores unknown keys): the SSO instance the role
    /// belongs to, so a server logged in to another instance does not try to renew it.
    #[serde(rename = "SSO", default, skip_serializing_if = "Option::is_none")]
    pub sso: Option<String>,
}

impl LoadRequest {
    /// aws-sso-cli's checks, in its order; the message becomes a 400 reply.
    pub fn validate(&self) -> Result<(), String> {
        let c = &self.creds;
        let missing = [
            ("ProfileName", self.profile_name.is_empty()),
            ("roleName", c.role_name.is_empty()),
            ("accessKeyId", c.access_key_id.is_empty()),
            ("secretAccessKey", c.secret_access_key.is_empty()),
            ("accountId", c.account_id == 0),
            ("sessionToken", c.session_token.is_empty()),
            ("expiration", c.expiration == 0),
        ];
        match missing.iter().find(|(_, absent)| *absent) {
            Some((field, _)) => Err(format!("missing {field}")),
            None => Ok(()),
        }
    }
}

/// A status code and a JSON body (with its trailing newline).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json<T: Serialize>(status: u16, value: &T) -> Reply {
        let mut body = serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec());
        body.push(b'\n');
        Reply { status, body }
    }

    /// `{"code":"<status>","message":"<message>"}`.
    pub fn ack(status: u16, message: &str) -> Reply {
        Reply::json(
            status,
            &Ack {
                code: status.to_string(),
                message: message.to_string(),
            },
        )
    }

    pub fn ok() -> Reply {
        Reply::ack(200, "OK")
    }

    pub fn bad_request() -> Reply {
        Reply::ack(400, "Bad request")
    }

    pub fn forbidden() -> Reply {
        Reply::ack(403, "Invalid authorization token")
    }

    pub fn expired() -> Reply {
        Reply::ack(404, "Credentials expired")
    }

    pub fn unavailable() -> Reply {
        Reply::ack(404, "Credentials unavailable")
    }

    pub fn health(status: u16, health: &Health) -> Reply {
        Reply::json(status, health)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds() -> RoleCredentials {
        RoleCredentials {
            role_name: "Admin".into(),
            account_id: 1_111_111,
            access_key_id: "ASIAX".into(),
            secret_access_key: "sek".into(),
            session_token: "tok".into(),
            expiration: 1_735_693_200_000,
            role_chaining: false,
        }
    }

    #[test]
    fn credentials_reply_has_the_sdk_keys_in_alphabetical_order() {
        let json = serde_json::to_string(&CredentialsReply::new(&creds())).unwrap();
        let keys: Vec<&str> = json
            .split(',')
            .map(|kv| kv.trim_start_matches('{').split('"').nth(1).unwrap())
            .collect();
        assert_eq!(
            keys,
            [
                "AccessKeyId",
                "Expiration",
                "RoleArn",
                "SecretAccessKey",
                "Token"
            ]
        );
        assert!(json.contains(r#""RoleArn":"arn:aws:iam::000001111111:role/Admin""#));
        assert!(json.contains(r#""SecretAccessKey":"sek""#) && json.contains(r#""Token":"tok""#));
        let exp = serde_json::from_str::<CredentialsReply>(&json)
            .unwrap()
            .expiration;
        let t = chrono::DateTime::parse_from_rfc3339(&exp).unwrap();
        assert_eq!(t.timestamp(), 1_735_693_200);
    }

    #[test]
    fn acks_and_health_have_string_codes_and_a_newline() {
        let r = Reply::forbidden();
        assert_eq!(r.status, 403);
        assert_eq!(
            String::from_utf8(r.body).unwrap(),
            "{\"code\":\"403\",\"message\":\"Invalid authorization token\"}\n"
        );
        let h = Reply::health(
            503,
            &Health {
                status: "no credentials loaded".into(),
                profile: None,
                expires: None,
            },
        );
        assert_eq!(h.body, b"{\"status\":\"no credentials loaded\"}\n");
    }

    #[test]
    fn profile_reply_pads_the_account() {
        let p = ProfileReply::new("dev", &creds(), 1_735_693_200 - 3900);
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(
            json,
            r#"{"ProfileName":"dev","AccountId":"000001111111","RoleName":"Admin","Expiration":1735693200,"Expires":"1h  5m"}"#
        );
    }

    #[test]
    fn load_requests_round_trip_and_validate_in_order() {
        let req = LoadRequest {
            creds: creds(),
            profile_name: "dev".into(),
            sso: None,
        };
        let json = serde_json::to_string(&req).unwrap();
        assert!(json.starts_with(r#"{"Creds":{"roleName":"Admin","accountId":1111111,"#));
        assert!(!json.contains("SSO"));
        let back: LoadRequest = serde_json::from_str(&json).unwrap();
        assert_eq!(back, req);
        assert_eq!(req.validate(), Ok(()));
        let mut bad = req.clone();
        bad.creds.session_token = Secret::default();
        bad.creds.account_id = 0;
        assert_eq!(bad.validate(), Err("missing accountId".into()));
        bad.profile_name.clear();
        assert_eq!(bad.validate(), Err("missing ProfileName".into()));
    }
}
