# aws-sso picker key binding for fish (`aws-sso setup completions`; remove with `-U`).
# @KEY_HELP@ opens the aws-sso picker; the chosen role's credentials land in this shell.
function __aws_sso_picker --description 'Pick an AWS SSO role for this shell'
    if set -q AWS_PROFILE
        echo "Unable to assume a role while AWS_PROFILE is set" >&2
        commandline -f repaint
        return 1
    end
    set -l args -L error --no-config-check
    set -q AWS_SSO_HELPER_ARGS; and set args (string split -n ' ' -- $AWS_SSO_HELPER_ARGS)
    set -l out (@EXE@ $args eval --shell fish </dev/tty)
    and eval (string join ' ' -- $out)
    commandline -f repaint
end
if status is-interactive
    bind @KEY@ __aws_sso_picker
    bind -M insert @KEY@ __aws_sso_picker
end

# Tab completion of aws-sso's commands, flags and values (profiles, ARNs, accounts, roles),
# answered by aws-sso itself from its cache (COMP_LINE protocol).
function __aws_sso_complete
    env COMP_LINE=(commandline -cp) @EXE@ 2>/dev/null
end
complete -c aws-sso -e
complete -c aws-sso -f -a '(__aws_sso_complete)'
