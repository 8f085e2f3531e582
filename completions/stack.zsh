#compdef stack

autoload -U is-at-least

_stack() {
    typeset -A opt_args
    typeset -a _arguments_options
    local ret=1

    if is-at-least 5.2; then
        _arguments_options=(-s -S -C)
    else
        _arguments_options=(-s -C)
    fi

    local context curcontext="$curcontext" state line
    _arguments "${_arguments_options[@]}" : \
'-C+[Run as if stack was started in DIR]:DIR:_files' \
'--vault=[Where slot values live \[default\: keychain, or \`vault\` in ~/.config/stack/config.toml\]]:VAULT:(keychain file bao env)' \
'--color=[When to use colours]:WHEN:(auto always never)' \
'(-v --verbose)-q[Print only errors and warnings]' \
'(-v --verbose)--quiet[Print only errors and warnings]' \
'*-v[Say more about what happens]' \
'*--verbose[Say more about what happens]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_stack_commands" \
"*::: :->stack" \
&& ret=0
    case $state in
    (stack)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:stack-command-$line[1]:"
        case $line[1] in
            (add)
_arguments "${_arguments_options[@]}" : \
'*--with=[Also store this optional slot (repeatable; offered interactively on a terminal)]:SLOT:_default' \
'--env=[Environment to store the slots for]:ENV:_default' \
'-C+[Run as if stack was started in DIR]:DIR:_files' \
'--vault=[Where slot values live \[default\: keychain, or \`vault\` in ~/.config/stack/config.toml\]]:VAULT:(keychain file bao env)' \
'--color=[When to use colours]:WHEN:(auto always never)' \
'(--stdin)--from-env[Read each slot from the environment variable of the same name]' \
'--stdin[Read NAME=value lines from standard input]' \
'--no-verify[Store without asking the provider whether the credentials work]' \
'--force[Ask again and replace the slots even if the service is already added and healthy]' \
'-y[Replace a plaintext value already in .env with the reference]' \
'--yes[Replace a plaintext value already in .env with the reference]' \
'(-v --verbose)-q[Print only errors and warnings]' \
'(-v --verbose)--quiet[Print only errors and warnings]' \
'*-v[Say more about what happens]' \
'*--verbose[Say more about what happens]' \
'-h[Print help]' \
'--help[Print help]' \
':provider -- The provider to add (see `stack providers`):(anthropic auth0 aws braintrust clerk cloudflare convex datadog deepseek digitalocean firebase fly gcp github grafana hetzner launchdarkly linear mailgun mixpanel modal neon openai plausible posthog postmark railway render replicate resend sendgrid sentry stripe stytch supabase turso upstash vercel workos xai)' \
&& ret=0
;;
(remove)
_arguments "${_arguments_options[@]}" : \
'-C+[Run as if stack was started in DIR]:DIR:_files' \
'--vault=[Where slot values live \[default\: keychain, or \`vault\` in ~/.config/stack/config.toml\]]:VAULT:(keychain file bao env)' \
'--color=[When to use colours]:WHEN:(auto always never)' \
'-y[Do not ask for confirmation]' \
'--yes[Do not ask for confirmation]' \
'--keep-secrets[Leave the slots in the vault]' \
'(-v --verbose)-q[Print only errors and warnings]' \
'(-v --verbose)--quiet[Print only errors and warnings]' \
'*-v[Say more about what happens]' \
'*--verbose[Say more about what happens]' \
'-h[Print help]' \
'--help[Print help]' \
':service -- The service to remove (see `stack list`):_default' \
&& ret=0
;;
(doctor)
_arguments "${_arguments_options[@]}" : \
'--env=[Environment to check]:ENV:_default' \
'-C+[Run as if stack was started in DIR]:DIR:_files' \
'--vault=[Where slot values live \[default\: keychain, or \`vault\` in ~/.config/stack/config.toml\]]:VAULT:(keychain file bao env)' \
'--color=[When to use colours]:WHEN:(auto always never)' \
'--fix[Ask for missing or rejected values (or read them from the environment without a terminal), verify, store, and repair the files]' \
'--json[Print one JSON document]' \
'(-v --verbose)-q[Print only errors and warnings]' \
'(-v --verbose)--quiet[Print only errors and warnings]' \
'*-v[Say more about what happens]' \
'*--verbose[Say more about what happens]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(exec)
_arguments "${_arguments_options[@]}" : \
'*--only=[Inject only this service'\''s slots (repeatable)]:SERVICE:_default' \
'*--env-file=[Load variables from a dotenv file (repeatable); \`stack\://\` references in it resolve]:F:_files' \
'--env=[Environment whose slots to inject]:ENV:_default' \
'-C+[Run as if stack was started in DIR]:DIR:_files' \
'--vault=[Where slot values live \[default\: keychain, or \`vault\` in ~/.config/stack/config.toml\]]:VAULT:(keychain file bao env)' \
'--color=[When to use colours]:WHEN:(auto always never)' \
'--mask[Hide injected secrets in the command'\''s output \[default\: when stdout or stderr is not a terminal, or in CI\]]' \
'(--mask)--no-mask[Pass the command'\''s output through untouched, even in CI or to a file]' \
'--pass-vault-credentials[Leave the vault'\''s own credentials (STACK_AGE_IDENTITY, STACK_VAULT_PASSPHRASE, VAULT_TOKEN, BAO_TOKEN) in the command'\''s environment\: for a command that is itself \`stack\`. They are masked in its output all the same]' \
'(-v --verbose)-q[Print only errors and warnings]' \
'(-v --verbose)--quiet[Print only errors and warnings]' \
'*-v[Say more about what happens]' \
'*--verbose[Say more about what happens]' \
'-h[Print help]' \
'--help[Print help]' \
'*::command -- The command and its arguments, passed through byte for byte:_default' \
&& ret=0
;;
(list)
_arguments "${_arguments_options[@]}" : \
'--env=[Environment whose slots to look for]:ENV:_default' \
'-C+[Run as if stack was started in DIR]:DIR:_files' \
'--vault=[Where slot values live \[default\: keychain, or \`vault\` in ~/.config/stack/config.toml\]]:VAULT:(keychain file bao env)' \
'--color=[When to use colours]:WHEN:(auto always never)' \
'--json[Print one JSON document]' \
'(-v --verbose)-q[Print only errors and warnings]' \
'(-v --verbose)--quiet[Print only errors and warnings]' \
'*-v[Say more about what happens]' \
'*--verbose[Say more about what happens]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(env)
_arguments "${_arguments_options[@]}" : \
'--env=[Environment whose slots to show]:ENV:_default' \
'-C+[Run as if stack was started in DIR]:DIR:_files' \
'--vault=[Where slot values live \[default\: keychain, or \`vault\` in ~/.config/stack/config.toml\]]:VAULT:(keychain file bao env)' \
'--color=[When to use colours]:WHEN:(auto always never)' \
'--json[Print one JSON document]' \
'--reveal[Print the values themselves (only on a terminal, after a confirmation)]' \
'(-v --verbose)-q[Print only errors and warnings]' \
'(-v --verbose)--quiet[Print only errors and warnings]' \
'*-v[Say more about what happens]' \
'*--verbose[Say more about what happens]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(import)
_arguments "${_arguments_options[@]}" : \
'--env=[Environment to store the slots for]:ENV:_default' \
'-C+[Run as if stack was started in DIR]:DIR:_files' \
'--vault=[Where slot values live \[default\: keychain, or \`vault\` in ~/.config/stack/config.toml\]]:VAULT:(keychain file bao env)' \
'--color=[When to use colours]:WHEN:(auto always never)' \
'-y[Import without asking (required when there is no terminal)]' \
'--yes[Import without asking (required when there is no terminal)]' \
'--dry-run[Show what would be imported and change nothing]' \
'--no-verify[Store without asking the providers whether the credentials work]' \
'(-v --verbose)-q[Print only errors and warnings]' \
'(-v --verbose)--quiet[Print only errors and warnings]' \
'*-v[Say more about what happens]' \
'*--verbose[Say more about what happens]' \
'-h[Print help]' \
'--help[Print help]' \
'::file -- The dotenv file to import from:_files' \
&& ret=0
;;
(completion)
_arguments "${_arguments_options[@]}" : \
'-C+[Run as if stack was started in DIR]:DIR:_files' \
'--vault=[Where slot values live \[default\: keychain, or \`vault\` in ~/.config/stack/config.toml\]]:VAULT:(keychain file bao env)' \
'--color=[When to use colours]:WHEN:(auto always never)' \
'(-v --verbose)-q[Print only errors and warnings]' \
'(-v --verbose)--quiet[Print only errors and warnings]' \
'*-v[Say more about what happens]' \
'*--verbose[Say more about what happens]' \
'-h[Print help]' \
'--help[Print help]' \
':shell -- The shell to complete for:(bash elvish fish powershell zsh)' \
&& ret=0
;;
(vault)
_arguments "${_arguments_options[@]}" : \
'-C+[Run as if stack was started in DIR]:DIR:_files' \
'--vault=[Where slot values live \[default\: keychain, or \`vault\` in ~/.config/stack/config.toml\]]:VAULT:(keychain file bao env)' \
'--color=[When to use colours]:WHEN:(auto always never)' \
'(-v --verbose)-q[Print only errors and warnings]' \
'(-v --verbose)--quiet[Print only errors and warnings]' \
'*-v[Say more about what happens]' \
'*--verbose[Say more about what happens]' \
'-h[Print help]' \
'--help[Print help]' \
":: :_stack__subcmd__vault_commands" \
"*::: :->vault" \
&& ret=0

    case $state in
    (vault)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:stack-vault-command-$line[1]:"
        case $line[1] in
            (status)
_arguments "${_arguments_options[@]}" : \
'-C+[Run as if stack was started in DIR]:DIR:_files' \
'--vault=[Where slot values live \[default\: keychain, or \`vault\` in ~/.config/stack/config.toml\]]:VAULT:(keychain file bao env)' \
'--color=[When to use colours]:WHEN:(auto always never)' \
'--json[Print one JSON document]' \
'(-v --verbose)-q[Print only errors and warnings]' \
'(-v --verbose)--quiet[Print only errors and warnings]' \
'*-v[Say more about what happens]' \
'*--verbose[Say more about what happens]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(copy)
_arguments "${_arguments_options[@]}" : \
'--to=[The destination vault]:VAULT:(keychain file bao env)' \
'--env=[Only this environment (default\: every environment the services were added to)]:ENV:_default' \
'-C+[Run as if stack was started in DIR]:DIR:_files' \
'--vault=[Where slot values live \[default\: keychain, or \`vault\` in ~/.config/stack/config.toml\]]:VAULT:(keychain file bao env)' \
'--color=[When to use colours]:WHEN:(auto always never)' \
'(-v --verbose)-q[Print only errors and warnings]' \
'(-v --verbose)--quiet[Print only errors and warnings]' \
'*-v[Say more about what happens]' \
'*--verbose[Say more about what happens]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_stack__subcmd__vault__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:stack-vault-help-command-$line[1]:"
        case $line[1] in
            (status)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(copy)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(ci)
_arguments "${_arguments_options[@]}" : \
'-C+[Run as if stack was started in DIR]:DIR:_files' \
'--vault=[Where slot values live \[default\: keychain, or \`vault\` in ~/.config/stack/config.toml\]]:VAULT:(keychain file bao env)' \
'--color=[When to use colours]:WHEN:(auto always never)' \
'(-v --verbose)-q[Print only errors and warnings]' \
'(-v --verbose)--quiet[Print only errors and warnings]' \
'*-v[Say more about what happens]' \
'*--verbose[Say more about what happens]' \
'-h[Print help]' \
'--help[Print help]' \
":: :_stack__subcmd__ci_commands" \
"*::: :->ci" \
&& ret=0

    case $state in
    (ci)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:stack-ci-command-$line[1]:"
        case $line[1] in
            (github)
_arguments "${_arguments_options[@]}" : \
'--vault=[Where CI reads the slots from]:VAULT:(env bao file)' \
'--run=[The command to run with the secrets injected]:CMD:_default' \
'-C+[Run as if stack was started in DIR]:DIR:_files' \
'--color=[When to use colours]:WHEN:(auto always never)' \
'(-v --verbose)-q[Print only errors and warnings]' \
'(-v --verbose)--quiet[Print only errors and warnings]' \
'*-v[Say more about what happens]' \
'*--verbose[Say more about what happens]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(mask)
_arguments "${_arguments_options[@]}" : \
'--env=[Environment whose slots to register]:ENV:_default' \
'-C+[Run as if stack was started in DIR]:DIR:_files' \
'--vault=[Where slot values live \[default\: keychain, or \`vault\` in ~/.config/stack/config.toml\]]:VAULT:(keychain file bao env)' \
'--color=[When to use colours]:WHEN:(auto always never)' \
'(-v --verbose)-q[Print only errors and warnings]' \
'(-v --verbose)--quiet[Print only errors and warnings]' \
'*-v[Say more about what happens]' \
'*--verbose[Say more about what happens]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_stack__subcmd__ci__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:stack-ci-help-command-$line[1]:"
        case $line[1] in
            (github)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(mask)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(providers)
_arguments "${_arguments_options[@]}" : \
'--category=[Only this category (auth, database, ai, …; any case)]:CATEGORY:_default' \
'-C+[Run as if stack was started in DIR]:DIR:_files' \
'--vault=[Where slot values live \[default\: keychain, or \`vault\` in ~/.config/stack/config.toml\]]:VAULT:(keychain file bao env)' \
'--color=[When to use colours]:WHEN:(auto always never)' \
'--json[Print one JSON document]' \
'(-v --verbose)-q[Print only errors and warnings]' \
'(-v --verbose)--quiet[Print only errors and warnings]' \
'*-v[Say more about what happens]' \
'*--verbose[Say more about what happens]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(recommend)
_arguments "${_arguments_options[@]}" : \
'--k=[How many providers to show]:K:_default' \
'--category=[Only this category (any case)]:CATEGORY:_default' \
'-C+[Run as if stack was started in DIR]:DIR:_files' \
'--vault=[Where slot values live \[default\: keychain, or \`vault\` in ~/.config/stack/config.toml\]]:VAULT:(keychain file bao env)' \
'--color=[When to use colours]:WHEN:(auto always never)' \
'--json[Print one JSON document]' \
'(-v --verbose)-q[Print only errors and warnings]' \
'(-v --verbose)--quiet[Print only errors and warnings]' \
'*-v[Say more about what happens]' \
'*--verbose[Say more about what happens]' \
'-h[Print help]' \
'--help[Print help]' \
':brief -- What you are building, in your own words:_default' \
&& ret=0
;;
(trust)
_arguments "${_arguments_options[@]}" : \
'--vault=[Where slot values live \[default\: keychain, or \`vault\` in ~/.config/stack/config.toml\]]:VAULT:(keychain file bao env)' \
'--color=[When to use colours]:WHEN:(auto always never)' \
'(-v --verbose)-q[Print only errors and warnings]' \
'(-v --verbose)--quiet[Print only errors and warnings]' \
'*-v[Say more about what happens]' \
'*--verbose[Say more about what happens]' \
'-h[Print help]' \
'--help[Print help]' \
'::dir -- A directory of the project \[default\: the current one\]:_files -/' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_stack__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:stack-help-command-$line[1]:"
        case $line[1] in
            (add)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(remove)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(doctor)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(exec)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(list)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(env)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(import)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(completion)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(vault)
_arguments "${_arguments_options[@]}" : \
":: :_stack__subcmd__help__subcmd__vault_commands" \
"*::: :->vault" \
&& ret=0

    case $state in
    (vault)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:stack-help-vault-command-$line[1]:"
        case $line[1] in
            (status)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(copy)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(ci)
_arguments "${_arguments_options[@]}" : \
":: :_stack__subcmd__help__subcmd__ci_commands" \
"*::: :->ci" \
&& ret=0

    case $state in
    (ci)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:stack-help-ci-command-$line[1]:"
        case $line[1] in
            (github)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(mask)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(providers)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(recommend)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(trust)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
}

(( $+functions[_stack_commands] )) ||
_stack_commands() {
    local commands; commands=(
'add:Add a provider'\''s credentials to this project' \
'remove:Remove a service\: its slots, .env references, .mcp.json entry and .stack.toml table' \
'doctor:Check every service\: slots present, credentials accepted, files consistent' \
'exec:Run a command with this project'\''s secrets in its environment' \
'list:List this project'\''s services and their slots' \
'env:Show this project'\''s slots for an environment, masked' \
'import:Move the plaintext credentials of a .env file into the vault' \
'completion:Print a shell completion script' \
'vault:Inspect the vault, or move this project'\''s slots to another one' \
'ci:Print a CI workflow for this project, or register its secrets with the CI'\''s masking' \
'providers:List the provider catalog' \
'recommend:Rank catalog providers for a plain-language brief' \
'trust:Let the project at DIR use the secrets of its project id (and a .stack.toml you do not own)' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'stack commands' commands "$@"
}
(( $+functions[_stack__subcmd__add_commands] )) ||
_stack__subcmd__add_commands() {
    local commands; commands=()
    _describe -t commands 'stack add commands' commands "$@"
}
(( $+functions[_stack__subcmd__ci_commands] )) ||
_stack__subcmd__ci_commands() {
    local commands; commands=(
'github:A GitHub Actions workflow (save it as .github/workflows/stack.yml)' \
'mask:On GitHub Actions, register every secret slot with the runner'\''s masking (\:\:add-mask\:\:) for the job'\''s later steps; its output must not be redirected' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'stack ci commands' commands "$@"
}
(( $+functions[_stack__subcmd__ci__subcmd__github_commands] )) ||
_stack__subcmd__ci__subcmd__github_commands() {
    local commands; commands=()
    _describe -t commands 'stack ci github commands' commands "$@"
}
(( $+functions[_stack__subcmd__ci__subcmd__help_commands] )) ||
_stack__subcmd__ci__subcmd__help_commands() {
    local commands; commands=(
'github:A GitHub Actions workflow (save it as .github/workflows/stack.yml)' \
'mask:On GitHub Actions, register every secret slot with the runner'\''s masking (\:\:add-mask\:\:) for the job'\''s later steps; its output must not be redirected' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'stack ci help commands' commands "$@"
}
(( $+functions[_stack__subcmd__ci__subcmd__help__subcmd__github_commands] )) ||
_stack__subcmd__ci__subcmd__help__subcmd__github_commands() {
    local commands; commands=()
    _describe -t commands 'stack ci help github commands' commands "$@"
}
(( $+functions[_stack__subcmd__ci__subcmd__help__subcmd__help_commands] )) ||
_stack__subcmd__ci__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'stack ci help help commands' commands "$@"
}
(( $+functions[_stack__subcmd__ci__subcmd__help__subcmd__mask_commands] )) ||
_stack__subcmd__ci__subcmd__help__subcmd__mask_commands() {
    local commands; commands=()
    _describe -t commands 'stack ci help mask commands' commands "$@"
}
(( $+functions[_stack__subcmd__ci__subcmd__mask_commands] )) ||
_stack__subcmd__ci__subcmd__mask_commands() {
    local commands; commands=()
    _describe -t commands 'stack ci mask commands' commands "$@"
}
(( $+functions[_stack__subcmd__completion_commands] )) ||
_stack__subcmd__completion_commands() {
    local commands; commands=()
    _describe -t commands 'stack completion commands' commands "$@"
}
(( $+functions[_stack__subcmd__doctor_commands] )) ||
_stack__subcmd__doctor_commands() {
    local commands; commands=()
    _describe -t commands 'stack doctor commands' commands "$@"
}
(( $+functions[_stack__subcmd__env_commands] )) ||
_stack__subcmd__env_commands() {
    local commands; commands=()
    _describe -t commands 'stack env commands' commands "$@"
}
(( $+functions[_stack__subcmd__exec_commands] )) ||
_stack__subcmd__exec_commands() {
    local commands; commands=()
    _describe -t commands 'stack exec commands' commands "$@"
}
(( $+functions[_stack__subcmd__help_commands] )) ||
_stack__subcmd__help_commands() {
    local commands; commands=(
'add:Add a provider'\''s credentials to this project' \
'remove:Remove a service\: its slots, .env references, .mcp.json entry and .stack.toml table' \
'doctor:Check every service\: slots present, credentials accepted, files consistent' \
'exec:Run a command with this project'\''s secrets in its environment' \
'list:List this project'\''s services and their slots' \
'env:Show this project'\''s slots for an environment, masked' \
'import:Move the plaintext credentials of a .env file into the vault' \
'completion:Print a shell completion script' \
'vault:Inspect the vault, or move this project'\''s slots to another one' \
'ci:Print a CI workflow for this project, or register its secrets with the CI'\''s masking' \
'providers:List the provider catalog' \
'recommend:Rank catalog providers for a plain-language brief' \
'trust:Let the project at DIR use the secrets of its project id (and a .stack.toml you do not own)' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'stack help commands' commands "$@"
}
(( $+functions[_stack__subcmd__help__subcmd__add_commands] )) ||
_stack__subcmd__help__subcmd__add_commands() {
    local commands; commands=()
    _describe -t commands 'stack help add commands' commands "$@"
}
(( $+functions[_stack__subcmd__help__subcmd__ci_commands] )) ||
_stack__subcmd__help__subcmd__ci_commands() {
    local commands; commands=(
'github:A GitHub Actions workflow (save it as .github/workflows/stack.yml)' \
'mask:On GitHub Actions, register every secret slot with the runner'\''s masking (\:\:add-mask\:\:) for the job'\''s later steps; its output must not be redirected' \
    )
    _describe -t commands 'stack help ci commands' commands "$@"
}
(( $+functions[_stack__subcmd__help__subcmd__ci__subcmd__github_commands] )) ||
_stack__subcmd__help__subcmd__ci__subcmd__github_commands() {
    local commands; commands=()
    _describe -t commands 'stack help ci github commands' commands "$@"
}
(( $+functions[_stack__subcmd__help__subcmd__ci__subcmd__mask_commands] )) ||
_stack__subcmd__help__subcmd__ci__subcmd__mask_commands() {
    local commands; commands=()
    _describe -t commands 'stack help ci mask commands' commands "$@"
}
(( $+functions[_stack__subcmd__help__subcmd__completion_commands] )) ||
_stack__subcmd__help__subcmd__completion_commands() {
    local commands; commands=()
    _describe -t commands 'stack help completion commands' commands "$@"
}
(( $+functions[_stack__subcmd__help__subcmd__doctor_commands] )) ||
_stack__subcmd__help__subcmd__doctor_commands() {
    local commands; commands=()
    _describe -t commands 'stack help doctor commands' commands "$@"
}
(( $+functions[_stack__subcmd__help__subcmd__env_commands] )) ||
_stack__subcmd__help__subcmd__env_commands() {
    local commands; commands=()
    _describe -t commands 'stack help env commands' commands "$@"
}
(( $+functions[_stack__subcmd__help__subcmd__exec_commands] )) ||
_stack__subcmd__help__subcmd__exec_commands() {
    local commands; commands=()
    _describe -t commands 'stack help exec commands' commands "$@"
}
(( $+functions[_stack__subcmd__help__subcmd__help_commands] )) ||
_stack__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'stack help help commands' commands "$@"
}
(( $+functions[_stack__subcmd__help__subcmd__import_commands] )) ||
_stack__subcmd__help__subcmd__import_commands() {
    local commands; commands=()
    _describe -t commands 'stack help import commands' commands "$@"
}
(( $+functions[_stack__subcmd__help__subcmd__list_commands] )) ||
_stack__subcmd__help__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'stack help list commands' commands "$@"
}
(( $+functions[_stack__subcmd__help__subcmd__providers_commands] )) ||
_stack__subcmd__help__subcmd__providers_commands() {
    local commands; commands=()
    _describe -t commands 'stack help providers commands' commands "$@"
}
(( $+functions[_stack__subcmd__help__subcmd__recommend_commands] )) ||
_stack__subcmd__help__subcmd__recommend_commands() {
    local commands; commands=()
    _describe -t commands 'stack help recommend commands' commands "$@"
}
(( $+functions[_stack__subcmd__help__subcmd__remove_commands] )) ||
_stack__subcmd__help__subcmd__remove_commands() {
    local commands; commands=()
    _describe -t commands 'stack help remove commands' commands "$@"
}
(( $+functions[_stack__subcmd__help__subcmd__trust_commands] )) ||
_stack__subcmd__help__subcmd__trust_commands() {
    local commands; commands=()
    _describe -t commands 'stack help trust commands' commands "$@"
}
(( $+functions[_stack__subcmd__help__subcmd__vault_commands] )) ||
_stack__subcmd__help__subcmd__vault_commands() {
    local commands; commands=(
'status:Which vault is in use, whether it can be reached, and which slots it holds' \
'copy:Copy this project'\''s slots to another vault and confirm them there' \
    )
    _describe -t commands 'stack help vault commands' commands "$@"
}
(( $+functions[_stack__subcmd__help__subcmd__vault__subcmd__copy_commands] )) ||
_stack__subcmd__help__subcmd__vault__subcmd__copy_commands() {
    local commands; commands=()
    _describe -t commands 'stack help vault copy commands' commands "$@"
}
(( $+functions[_stack__subcmd__help__subcmd__vault__subcmd__status_commands] )) ||
_stack__subcmd__help__subcmd__vault__subcmd__status_commands() {
    local commands; commands=()
    _describe -t commands 'stack help vault status commands' commands "$@"
}
(( $+functions[_stack__subcmd__import_commands] )) ||
_stack__subcmd__import_commands() {
    local commands; commands=()
    _describe -t commands 'stack import commands' commands "$@"
}
(( $+functions[_stack__subcmd__list_commands] )) ||
_stack__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'stack list commands' commands "$@"
}
(( $+functions[_stack__subcmd__providers_commands] )) ||
_stack__subcmd__providers_commands() {
    local commands; commands=()
    _describe -t commands 'stack providers commands' commands "$@"
}
(( $+functions[_stack__subcmd__recommend_commands] )) ||
_stack__subcmd__recommend_commands() {
    local commands; commands=()
    _describe -t commands 'stack recommend commands' commands "$@"
}
(( $+functions[_stack__subcmd__remove_commands] )) ||
_stack__subcmd__remove_commands() {
    local commands; commands=()
    _describe -t commands 'stack remove commands' commands "$@"
}
(( $+functions[_stack__subcmd__trust_commands] )) ||
_stack__subcmd__trust_commands() {
    local commands; commands=()
    _describe -t commands 'stack trust commands' commands "$@"
}
(( $+functions[_stack__subcmd__vault_commands] )) ||
_stack__subcmd__vault_commands() {
    local commands; commands=(
'status:Which vault is in use, whether it can be reached, and which slots it holds' \
'copy:Copy this project'\''s slots to another vault and confirm them there' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'stack vault commands' commands "$@"
}
(( $+functions[_stack__subcmd__vault__subcmd__copy_commands] )) ||
_stack__subcmd__vault__subcmd__copy_commands() {
    local commands; commands=()
    _describe -t commands 'stack vault copy commands' commands "$@"
}
(( $+functions[_stack__subcmd__vault__subcmd__help_commands] )) ||
_stack__subcmd__vault__subcmd__help_commands() {
    local commands; commands=(
'status:Which vault is in use, whether it can be reached, and which slots it holds' \
'copy:Copy this project'\''s slots to another vault and confirm them there' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'stack vault help commands' commands "$@"
}
(( $+functions[_stack__subcmd__vault__subcmd__help__subcmd__copy_commands] )) ||
_stack__subcmd__vault__subcmd__help__subcmd__copy_commands() {
    local commands; commands=()
    _describe -t commands 'stack vault help copy commands' commands "$@"
}
(( $+functions[_stack__subcmd__vault__subcmd__help__subcmd__help_commands] )) ||
_stack__subcmd__vault__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'stack vault help help commands' commands "$@"
}
(( $+functions[_stack__subcmd__vault__subcmd__help__subcmd__status_commands] )) ||
_stack__subcmd__vault__subcmd__help__subcmd__status_commands() {
    local commands; commands=()
    _describe -t commands 'stack vault help status commands' commands "$@"
}
(( $+functions[_stack__subcmd__vault__subcmd__status_commands] )) ||
_stack__subcmd__vault__subcmd__status_commands() {
    local commands; commands=()
    _describe -t commands 'stack vault status commands' commands "$@"
}

if [ "$funcstack[1]" = "_stack" ]; then
    _stack "$@"
else
    compdef _stack stack
fi
