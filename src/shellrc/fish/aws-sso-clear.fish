# aws-sso-clear for fish (`aws-sso setup completions`; remove with `-U`).
function aws-sso-clear --description 'Forget the AWS SSO role credentials of this shell'
    set -l args -L error --no-config-check
    set -q AWS_SSO_HELPER_ARGS; and set args (string split -n ' ' -- $AWS_SSO_HELPER_ARGS)
    if not set -q AWS_SSO_PROFILE
        echo "AWS_SSO_PROFILE is not set" >&2
        return 1
    end
    set -l out (@EXE@ $args eval --shell fish -c); or return 1
    eval (string join ' ' -- $out)
end
