# Completion of aws-sso-profile for fish (`aws-sso setup completions`; remove with `-U`).
function __aws_sso_profile_names
    set -l args -L error --no-config-check
    set -q AWS_SSO_HELPER_ARGS; and set args (string split -n ' ' -- $AWS_SSO_HELPER_ARGS)
    @EXE@ $args list --csv -P Profile=(commandline -ct) Profile 2>/dev/null
end
complete -c aws-sso-profile -f -s S -l sso -r -d 'SSO instance'
complete -c aws-sso-profile -f -a '(__aws_sso_profile_names)'
