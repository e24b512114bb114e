#!/usr/bin/env python3
"""boto3 conformance check of the aws-sso IAM Identity Center emulator.

Usage: python3 boto3_conformance.py http://127.0.0.1:PORT

Drives every emulated operation (SSO portal, SSO OIDC, STS, the /authorize and /device browser
steps, console federation) and every error class with botocore's own models, so a pass means
botocore parses the emulator's replies exactly as it parses AWS's. Each check prints one line;
the last line is "N passed, M failed"; the exit status is non-zero when anything failed.

The emulator must run with (tests/emulator_boto3.rs does this; CLI flags in brackets):
  250 accounts with at least 2 roles each        [--accounts 250 --roles 3]
  device poll interval 1 s                       [--poll-interval 1]
  device code lifetime 3 s                       [--device-code-lifetime 3]
  a portal rate limit it can exhaust quickly     [--rate 20 --burst 40]
  default refresh-token policy (scoped clients) and rotation.
Only the Python standard library and boto3 are used; no AWS credentials are needed.
"""

import base64
import hashlib
import json
import os
import sys
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request

# Stay on loopback whatever the environment says, and never read the user's AWS config.
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
os.environ["AWS_CONFIG_FILE"] = os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
for var in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
    os.environ.pop(var, None)

try:
    import boto3
    from botocore.config import Config
    from botocore.exceptions import ClientError
except ImportError:
    print("boto3 is missing: run `python3 -m pip install boto3`")
    print("0 passed, 1 failed")
    sys.exit(2)

if len(sys.argv) != 2:
    sys.exit("usage: boto3_conformance.py http://127.0.0.1:PORT")
URL = sys.argv[1].rstrip("/")
START_URL = "https://d-1234567890.awsapps.com/start"
DEVICE = "urn:ietf:params:oauth:grant-type:device_code"
CFG = Config(retries={"total_max_attempts": 1})

oidc = boto3.client("sso-oidc", region_name="us-east-1", endpoint_url=URL, config=CFG)
sso = boto3.client("sso", region_name="us-east-1", endpoint_url=URL, config=CFG)

passed = 0
failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"PASS {name}")
    else:
        failed += 1
        print(f"FAIL {name}{': ' + str(detail) if detail else ''}")
    return ok


def raises(name, exc, fn, **kwargs):
    """Calls fn(**kwargs) and checks it raises exc; returns the exception (or None)."""
    try:
        fn(**kwargs)
    except exc as e:
        check(name, True)
        return e
    except Exception as e:  # noqa: BLE001 - report whatever came instead
        check(name, False, f"got {type(e).__name__}: {e}")
        return None
    check(name, False, "no error raised")
    return None


def status_of(e):
    return e.response["ResponseMetadata"]["HTTPStatusCode"] if e is not None else None


def sts_client(creds):
    return boto3.client(
        "sts", region_name="us-east-1", endpoint_url=URL, config=CFG,
        aws_access_key_id=creds[0], aws_secret_access_key=creds[1], aws_session_token=creds[2],
    )


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirect())


def http_get(path):
    """GET URL+path (or an absolute URL) without following redirects: (status, headers, body)."""
    target = path if path.startswith("http") else URL + path
    try:
        with OPENER.open(target, timeout=10) as r:
            return r.status, r.headers, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode()


def section(fn, *args):
    """Runs one group of checks; an unexpected exception counts as one failure."""
    try:
        return fn(*args)
    except Exception as e:  # noqa: BLE001
        check(f"{fn.__name__} ran to the end", False, f"{type(e).__name__}: {e}\n{traceback.format_exc()}")
        return None


def device_flow():
    reg = oidc.register_client(clientName="aws-sso-cli", clientType="public")
    check("RegisterClient returns id, secret and epoch-second expiry",
          reg["clientId"] and reg["clientSecret"] and reg["clientSecretExpiresAt"] > time.time() + 3600)
    check("RegisterClient returns the endpoints", reg.get("tokenEndpoint") == URL + "/token"
          and reg.get("authorizationEndpoint") == URL + "/authorize")
    cid, secret = reg["clientId"], reg["clientSecret"]
    sda = oidc.start_device_authorization(clientId=cid, clientSecret=secret, startUrl=START_URL)
    check("StartDeviceAuthorization fields", all(k in sda for k in (
        "deviceCode", "userCode", "verificationUri", "verificationUriComplete", "expiresIn", "interval")), sda.keys())
    poll = dict(clientId=cid, clientSecret=secret, grantType=DEVICE, deviceCode=sda["deviceCode"])
    e = raises("CreateToken before approval -> AuthorizationPendingException",
               oidc.exceptions.AuthorizationPendingException, oidc.create_token, **poll)
    if e is not None:
        check("OAuth error body is exposed", e.response.get("error") == "authorization_pending", e.response)
        check("error_description becomes the message", e.response["Error"]["Message"] != "", e.response["Error"])
    raises("polling faster than interval -> SlowDownException",
           oidc.exceptions.SlowDownException, oidc.create_token, **poll)
    check("verificationUriComplete points at the emulator", sda["verificationUriComplete"].startswith(URL + "/"))
    status, _, body = http_get(sda["verificationUriComplete"])
    check("GET verificationUriComplete approves", status == 200 and "approved" in body, (status, body))
    time.sleep(sda["interval"])
    tok = oidc.create_token(**poll)
    check("CreateToken after approval returns a bearer token",
          tok["accessToken"] and tok["tokenType"] == "Bearer" and tok["expiresIn"] > 0)
    check("no refresh token for a client registered without scopes", "refreshToken" not in tok)
    raises("device code is single use -> InvalidGrantException",
           oidc.exceptions.InvalidGrantException, oidc.create_token, **poll)

    denied = oidc.start_device_authorization(clientId=cid, clientSecret=secret, startUrl=START_URL)
    status, _, _ = http_get(f"/device?user_code={denied['userCode']}&action=deny")
    check("GET /device?action=deny answers 200", status == 200)
    raises("denied device code -> AccessDeniedException", oidc.exceptions.AccessDeniedException,
           oidc.create_token, **dict(poll, deviceCode=denied["deviceCode"]))

    bad = oidc.start_device_authorization(clientId=cid, clientSecret=secret, startUrl=START_URL)
    e = raises("wrong client secret -> InvalidClientException", oidc.exceptions.InvalidClientException,
               oidc.create_token, **dict(poll, clientSecret="wrong", deviceCode=bad["deviceCode"]))
    check("InvalidClientException is HTTP 401", status_of(e) == 401, status_of(e))
    raises("unknown grant type -> UnsupportedGrantTypeException", oidc.exceptions.UnsupportedGrantTypeException,
           oidc.create_token, clientId=cid, clientSecret=secret, grantType="password")
    raises("missing deviceCode -> InvalidRequestException", oidc.exceptions.InvalidRequestException,
           oidc.create_token, clientId=cid, clientSecret=secret, grantType=DEVICE)
    raises("authorization_code on a device client -> UnauthorizedClientException",
           oidc.exceptions.UnauthorizedClientException, oidc.create_token,
           clientId=cid, clientSecret=secret, grantType="authorization_code", code="x",
           redirectUri="http://127.0.0.1/", codeVerifier="v" * 43)
    time.sleep(bad["expiresIn"] + 0.3)
    raises("device code past expiresIn -> ExpiredTokenException", oidc.exceptions.ExpiredTokenException,
           oidc.create_token, **dict(poll, deviceCode=bad["deviceCode"]))


def registration_errors():
    raises("clientType other than public -> InvalidClientMetadataException",
           oidc.exceptions.InvalidClientMetadataException, oidc.register_client,
           clientName="x", clientType="confidential")
    raises("non-loopback http redirect -> InvalidRedirectUriException",
           oidc.exceptions.InvalidRedirectUriException, oidc.register_client, clientName="x",
           clientType="public", grantTypes=["authorization_code"], redirectUris=["http://example.com/cb"])
    raises("unknown grant type at registration -> UnsupportedGrantTypeException",
           oidc.exceptions.UnsupportedGrantTypeException, oidc.register_client,
           clientName="x", clientType="public", grantTypes=["password"])


def pkce_pair(seed):
    verifier = base64.urlsafe_b64encode(bytes([seed]) * 48).rstrip(b"=").decode()
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize(cid, redirect, challenge, state, scope_key="scope"):
    q = urllib.parse.urlencode({
        "client_id": cid, "code_challenge": challenge, "code_challenge_method": "S256",
        "redirect_uri": redirect, "response_type": "code", scope_key: "sso:account:access", "state": state,
    })
    return http_get("/authorize?" + q)


def pkce_flow():
    """Returns (client id, secret, access token, refresh token) of a PKCE sign-in."""
    reg = oidc.register_client(clientName="aws-sso", clientType="public", scopes=["sso:account:access"],
                               redirectUris=["http://127.0.0.1"], grantTypes=["authorization_code", "refresh_token"],
                               issuerUrl=START_URL)
    cid, secret = reg["clientId"], reg["clientSecret"]
    redirect = "http://127.0.0.1:49152/"
    verifier, challenge = pkce_pair(9)
    status, headers, _ = authorize(cid, redirect, challenge, "s1")
    loc = headers.get("Location", "")
    params = urllib.parse.parse_qs(urllib.parse.urlsplit(loc).query)
    check("/authorize 302-redirects to the loopback port with code and state",
          status == 302 and loc.startswith(redirect) and params.get("state") == ["s1"] and "code" in params, (status, loc))
    exchange = dict(clientId=cid, clientSecret=secret, grantType="authorization_code", redirectUri=redirect)
    wrong, _ = pkce_pair(10)
    raises("wrong code verifier -> InvalidGrantException", oidc.exceptions.InvalidGrantException,
           oidc.create_token, **dict(exchange, code=params["code"][0], codeVerifier=wrong))
    raises("spent code -> InvalidGrantException", oidc.exceptions.InvalidGrantException,
           oidc.create_token, **dict(exchange, code=params["code"][0], codeVerifier=verifier))
    status, headers, _ = authorize(cid, redirect, challenge, "s2", scope_key="scopes")
    code = urllib.parse.parse_qs(urllib.parse.urlsplit(headers.get("Location", "")).query)["code"][0]
    tok = oidc.create_token(**dict(exchange, code=code, codeVerifier=verifier))
    check("authorization_code + PKCE returns access and refresh tokens", tok["accessToken"] and tok.get("refreshToken"))

    status, _, _ = authorize(cid, "http://127.0.0.1:49152/elsewhere", challenge, "s3")
    check("/authorize refuses an unregistered redirect path with 400", status == 400, status)
    status, headers, _ = authorize(cid, redirect, "", "s4")
    loc = headers.get("Location", "")
    check("/authorize without a PKCE challenge redirects with error=invalid_request",
          status == 302 and "error=invalid_request" in loc and "state=s4" in loc, (status, loc))

    refresh = dict(clientId=cid, clientSecret=secret, grantType="refresh_token")
    new = oidc.create_token(**dict(refresh, refreshToken=tok["refreshToken"]))
    check("refresh_token grant returns a new access token and a rotated refresh token",
          new["accessToken"] != tok["accessToken"] and new.get("refreshToken") not in (None, tok["refreshToken"]))
    raises("rotated-out refresh token -> InvalidGrantException", oidc.exceptions.InvalidGrantException,
           oidc.create_token, **dict(refresh, refreshToken=tok["refreshToken"]))
    raises("refresh asking for a new scope -> InvalidScopeException", oidc.exceptions.InvalidScopeException,
           oidc.create_token, **dict(refresh, refreshToken=new["refreshToken"], scope=["other:scope"]))
    return cid, secret, new["accessToken"], new["refreshToken"]


def portal(token):
    pages = list(sso.get_paginator("list_accounts").paginate(accessToken=token, PaginationConfig={"PageSize": 100}))
    accounts = [a for p in pages for a in p["accountList"]]
    check("ListAccounts paginates 250 accounts as 100+100+50",
          [len(p["accountList"]) for p in pages] == [100, 100, 50] and len({a["accountId"] for a in accounts}) == 250,
          [len(p["accountList"]) for p in pages])
    check("account fields", all(a["accountId"].isdigit() and len(a["accountId"]) == 12 and a["accountName"]
                                and a["emailAddress"].endswith("@example.com") for a in accounts))
    first = sso.list_accounts(accessToken=token, maxResults=100)
    check("ListAccounts returns nextToken when more remain", "nextToken" in first)
    e = raises("maxResults=101 -> InvalidRequestException", sso.exceptions.InvalidRequestException,
               sso.list_accounts, accessToken=token, maxResults=101)
    check("InvalidRequestException is HTTP 400", status_of(e) == 400)
    acct = accounts[0]["accountId"]
    roles = sso.list_account_roles(accessToken=token, accountId=acct, maxResults=1)
    check("ListAccountRoles pages roles", len(roles["roleList"]) == 1 and "nextToken" in roles
          and roles["roleList"][0]["accountId"] == acct)
    role = roles["roleList"][0]["roleName"]
    raises("ListAccountRoles unknown account -> ResourceNotFoundException",
           sso.exceptions.ResourceNotFoundException, sso.list_account_roles, accessToken=token, accountId="999999999999")
    rc = sso.get_role_credentials(accessToken=token, accountId=acct, roleName=role)["roleCredentials"]
    now_ms = time.time() * 1000
    check("GetRoleCredentials expiration is epoch milliseconds about 1 h ahead",
          abs(rc["expiration"] - (now_ms + 3600_000)) < 60_000, rc["expiration"])
    check("access key id looks like ASIA...", rc["accessKeyId"].startswith("ASIA") and len(rc["accessKeyId"]) == 20)
    e = raises("GetRoleCredentials unknown role -> ResourceNotFoundException", sso.exceptions.ResourceNotFoundException,
               sso.get_role_credentials, accessToken=token, accountId=acct, roleName="NoSuchRole")
    check("ResourceNotFoundException is HTTP 404", status_of(e) == 404)
    e = raises("bad bearer token -> UnauthorizedException", sso.exceptions.UnauthorizedException,
               sso.list_accounts, accessToken="not-a-token")
    check("UnauthorizedException is HTTP 401", status_of(e) == 401)
    return acct, (rc["accessKeyId"], rc["secretAccessKey"], rc["sessionToken"])


def throttling(token):
    for _ in range(500):
        try:
            sso.list_accounts(accessToken=token, maxResults=1)
        except sso.exceptions.TooManyRequestsException as e:
            check("bursting the portal -> TooManyRequestsException", True)
            check("429 carries Retry-After", status_of(e) == 429
                  and e.response["ResponseMetadata"]["HTTPHeaders"].get("retry-after", "").isdigit(), e.response)
            time.sleep(int(e.response["ResponseMetadata"]["HTTPHeaders"].get("retry-after", "1")))
            return
    check("bursting the portal -> TooManyRequestsException", False, "500 calls without a 429; is a rate limit set?")


def sts_and_console(acct, creds):
    sts = sts_client(creds)
    me = sts.get_caller_identity()
    check("GetCallerIdentity with SSO role credentials", me["Account"] == acct
          and f":assumed-role/AWSReservedSSO_" in me["Arn"] and ":" in me["UserId"], me)
    target = "arn:aws:iam::000111222333:role/Deploy"
    out = sts.assume_role(RoleArn=target, RoleSessionName="Role@" + acct, ExternalId="ext-1",
                          SourceIdentity="jane", DurationSeconds=900)
    arn = f"arn:aws:sts::000111222333:assumed-role/Deploy/Role@{acct}"
    check("AssumeRole returns the assumed-role ARN and credentials",
          out["AssumedRoleUser"]["Arn"] == arn and out["Credentials"]["AccessKeyId"].startswith("ASIA")
          and out.get("SourceIdentity") == "jane", out["AssumedRoleUser"])
    c = out["Credentials"]
    chained = (c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
    me2 = sts_client(chained).get_caller_identity()
    check("chained GetCallerIdentity reports the assumed role", me2["Arn"] == arn and me2["Account"] == "000111222333", me2)
    e = raises("AssumeRole over the chaining limit -> ValidationError", ClientError, sts.assume_role,
               RoleArn=target, RoleSessionName="s1", DurationSeconds=7200)
    check("ValidationError code", e is not None and e.response["Error"]["Code"] == "ValidationError")
    e = raises("unknown access key -> InvalidClientTokenId", ClientError,
               sts_client(("ASIAUNKNOWN000000000", "x", "y")).get_caller_identity)
    check("InvalidClientTokenId code and 403", e is not None and e.response["Error"]["Code"] == "InvalidClientTokenId"
          and status_of(e) == 403)

    def session(cr):
        return urllib.parse.quote(json.dumps({"sessionId": cr[0], "sessionKey": cr[1], "sessionToken": cr[2]}))

    status, headers, body = http_get(f"/federation?Action=getSigninToken&SessionDuration=3600&Session={session(creds)}")
    token = json.loads(body).get("SigninToken") if status == 200 else None
    check("getSigninToken with SSO credentials and SessionDuration",
          token and headers.get("Content-Type") == "application/json", (status, body[:200]))
    status, _, _ = http_get(f"/federation?Action=getSigninToken&SessionDuration=3600&Session={session(chained)}")
    check("getSigninToken refuses SessionDuration for AssumeRole credentials", status == 400, status)
    status, _, _ = http_get(f"/federation?Action=getSigninToken&Session={session(chained)}")
    check("getSigninToken accepts AssumeRole credentials without SessionDuration", status == 200, status)
    dest = urllib.parse.quote("https://console.aws.amazon.com/console/home?region=us-east-1", safe="")
    status, _, _ = http_get(f"/federation?Action=login&Issuer=x&Destination={dest}&SigninToken={token}")
    check("login with the sign-in token", status == 200, status)
    status, _, _ = http_get(f"/federation?Action=login&Issuer=x&Destination={dest}&SigninToken=forged")
    check("login with a forged token is refused", status == 400, status)

    req = urllib.request.Request(URL + "/", data=b"Action=GetCallerIdentity&Version=2011-06-15", method="POST")
    try:
        OPENER.open(req, timeout=10)
        check("unsigned STS call -> MissingAuthenticationToken", False, "no error")
    except urllib.error.HTTPError as e:
        body = e.read().decode()
        check("unsigned STS call -> MissingAuthenticationToken XML",
              e.code == 403 and "<Code>MissingAuthenticationToken</Code>" in body and "<RequestId>" in body, body)


def logout(cid, secret, token, refresh):
    sso.logout(accessToken=token)
    check("Logout succeeds", True)
    raises("token after Logout -> UnauthorizedException", sso.exceptions.UnauthorizedException,
           sso.list_accounts, accessToken=token)
    raises("refresh token of a logged-out session -> InvalidGrantException", oidc.exceptions.InvalidGrantException,
           oidc.create_token, clientId=cid, clientSecret=secret, grantType="refresh_token", refreshToken=refresh)


def main():
    section(device_flow)
    section(registration_errors)
    signed_in = section(pkce_flow)
    if signed_in is None:
        check("PKCE sign-in needed for the remaining checks", False)
    else:
        cid, secret, token, refresh = signed_in
        portal_out = section(portal, token)
        if portal_out is not None:
            section(sts_and_console, *portal_out)
        section(throttling, token)
        section(logout, cid, secret, token, refresh)
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
