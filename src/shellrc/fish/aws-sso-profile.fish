# aws-sso-profile for fish (`aws-sso setup completions`; remove with `-U`).
function aws-sso-profile --description 'Use an AWS SSO role (by profile name) in this shell'
    set -l args -L error --no-config-check
    set -q AWS_SSO_HELPER_ARGS; and set args (string split -n ' ' -- $AWS_SSO_HELPER_ARGS)
    if set -q AWS_PROFILE
        echo "Unable to assume a role while AWS_PROFILE is set" >&2
        return 1
    end
    if not argparse -n aws-sso-profile 'S/sso=' -- $argv 2>/dev/null; or test (count $argv) -ne 1
        echo "Usage: aws-sso-profile [-S|--sso <sso-instance>] <profile>" >&2
        return 1
    end
    set -l sso
    set -q _flag_sso; and set sso -S $_flag_sso
    set -l out (@EXE@ $args $sso eval --shell fish -p $argv[1]); or return 1
    eval (string join ' ' -- $out)
    test "$AWS_SSO_PROFILE" = "$argv[1]"
end
