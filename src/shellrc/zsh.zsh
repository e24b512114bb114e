# aws-sso shell helpers for zsh (`aws-sso setup completions`; remove with `-U`).
# AWS_SSO_HELPER_ARGS replaces the arguments given to aws-sso before the command
# (default: -L error --no-config-check). Completion of aws-sso-profile needs compinit
# (`autoload -Uz compinit && compinit`) before this block.

aws-sso-profile() {
    local -a _args _sso
    _args=(${=AWS_SSO_HELPER_ARGS:--L error --no-config-check})
    if [[ -n "${AWS_PROFILE:-}" ]]; then
        echo "Unable to assume a role while AWS_PROFILE is set" >&2
        return 1
    fi
    if [[ "${1:-}" == "-S" || "${1:-}" == "--sso" ]]; then
        _sso=(-S "${2:-}")
        shift 2 2>/dev/null || set --
    fi
    if [[ $# -ne 1 || -z "$1" || ( ${#_sso} -gt 0 && -z "${_sso[2]}" ) ]]; then
        echo "Usage: aws-sso-profile [-S|--sso <sso-instance>] <profile>" >&2
        return 1
    fi
    local _out
    _out="$(@EXE@ "${_args[@]}" "${_sso[@]}" eval --shell zsh -p "$1")" || return 1
    eval "$_out"
    [[ "${AWS_SSO_PROFILE:-}" == "$1" ]]
}

aws-sso-clear() {
    local -a _args
    _args=(${=AWS_SSO_HELPER_ARGS:--L error --no-config-check})
    if [[ -z "${AWS_SSO_PROFILE:-}" ]]; then
        echo "AWS_SSO_PROFILE is not set" >&2
        return 1
    fi
    local _out
    _out="$(@EXE@ "${_args[@]}" eval --shell zsh -c)" || return 1
    eval "$_out"
}

__aws_sso_profile_complete() {
    local -a _args _profiles
    _args=(${=AWS_SSO_HELPER_ARGS:--L error --no-config-check})
    _profiles=(${(f)"$(@EXE@ "${_args[@]}" list --csv Profile 2>/dev/null)"})
    _multi_parts : _profiles
}
(( $+functions[compdef] )) && compdef __aws_sso_profile_complete aws-sso-profile

# @KEY_HELP@ opens the aws-sso picker; the chosen role's credentials land in this shell.
__aws_sso_picker() {
    if [[ -n "${AWS_PROFILE:-}" ]]; then
        zle -M "Unable to assume a role while AWS_PROFILE is set"
        return 1
    fi
    local -a _args
    _args=(${=AWS_SSO_HELPER_ARGS:--L error --no-config-check})
    local _out
    if _out="$(@EXE@ "${_args[@]}" eval --shell zsh </dev/tty)"; then
        eval "$_out"
    fi
    zle reset-prompt
}
if [[ -o interactive ]]; then
    zle -N __aws_sso_picker
    bindkey '@KEY@' __aws_sso_picker
fi

# Tab completion of aws-sso's commands, flags and values (profiles, ARNs, accounts, roles),
# answered by aws-sso itself from its cache (COMP_LINE protocol through bashcompinit).
if [[ -o interactive ]]; then
    (( $+functions[compdef] )) || { autoload -Uz compinit && compinit -i; }
    (( $+functions[complete] )) || { autoload -U +X bashcompinit && bashcompinit; }
    complete -o default -C @EXE@ aws-sso
fi
