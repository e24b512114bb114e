# aws-sso shell helpers for bash (`aws-sso setup completions`; remove with `-U`).
# AWS_SSO_HELPER_ARGS replaces the arguments given to aws-sso before the command
# (default: -L error --no-config-check).

aws-sso-profile() {
    local -a _args _sso=()
    read -r -a _args <<<"${AWS_SSO_HELPER_ARGS:--L error --no-config-check}"
    if [ -n "${AWS_PROFILE:-}" ]; then
        echo "Unable to assume a role while AWS_PROFILE is set" >&2
        return 1
    fi
    if [ "${1:-}" = "-S" ] || [ "${1:-}" = "--sso" ]; then
        _sso=(-S "${2:-}")
        shift 2 2>/dev/null || set --
    fi
    if [ $# -ne 1 ] || [ -z "$1" ] || [ "${_sso[1]-x}" = "" ]; then
        echo "Usage: aws-sso-profile [-S|--sso <sso-instance>] <profile>" >&2
        return 1
    fi
    local _out
    _out="$(@EXE@ "${_args[@]}" "${_sso[@]}" eval --shell bash -p "$1")" || return 1
    eval "$_out"
    [ "${AWS_SSO_PROFILE:-}" = "$1" ]
}

aws-sso-clear() {
    local -a _args
    read -r -a _args <<<"${AWS_SSO_HELPER_ARGS:--L error --no-config-check}"
    if [ -z "${AWS_SSO_PROFILE:-}" ]; then
        echo "AWS_SSO_PROFILE is not set" >&2
        return 1
    fi
    local _out
    _out="$(@EXE@ "${_args[@]}" eval --shell bash -c)" || return 1
    eval "$_out"
}

__aws_sso_profile_complete() {
    local -a _args
    read -r -a _args <<<"${AWS_SSO_HELPER_ARGS:--L error --no-config-check}"
    # The word being completed, colons included (readline splits words at ':').
    local _cur="${COMP_LINE:0:COMP_POINT}"
    _cur="${_cur##*[[:space:]]}"
    local IFS=$'\n'
    COMPREPLY=($(compgen -W "$(@EXE@ "${_args[@]}" list --csv -P "Profile=$_cur" Profile 2>/dev/null)" -- "$_cur"))
    if [[ "$_cur" == *:* && "$COMP_WORDBREAKS" == *:* ]]; then
        local _pre="${_cur%"${_cur##*:}"}"
        COMPREPLY=("${COMPREPLY[@]#"$_pre"}")
    fi
}
complete -o nosort -F __aws_sso_profile_complete aws-sso-profile

# @KEY_HELP@ opens the aws-sso picker; the chosen role's credentials land in this shell.
__aws_sso_picker() {
    if [ -n "${AWS_PROFILE:-}" ]; then
        echo "Unable to assume a role while AWS_PROFILE is set" >&2
        return 1
    fi
    local -a _args
    read -r -a _args <<<"${AWS_SSO_HELPER_ARGS:--L error --no-config-check}"
    local _out
    _out="$(@EXE@ "${_args[@]}" eval --shell bash </dev/tty)" && eval "$_out"
}
if [[ $- == *i* ]]; then
    bind -x '"@KEY@": __aws_sso_picker'
fi

# Tab completion of aws-sso's commands, flags and values (profiles, ARNs, accounts, roles),
# answered by aws-sso itself from its cache (COMP_LINE protocol; never asks for a password).
complete -o default -C @EXE@ aws-sso
