# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_stack_global_optspecs
    string join \n C= vault= color= q/quiet v/verbose h/help V/version
end

function __fish_stack_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_stack_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_stack_using_subcommand
    set -l cmd (__fish_stack_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c stack -n "__fish_stack_needs_command" -s C -d 'Run as if stack was started in DIR' -r -F
complete -c stack -n "__fish_stack_needs_command" -l vault -d 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]' -r -f -a "keychain\t''
file\t''
bao\t''
env\t''"
complete -c stack -n "__fish_stack_needs_command" -l color -d 'When to use colours' -r -f -a "auto\t''
always\t''
never\t''"
complete -c stack -n "__fish_stack_needs_command" -s q -l quiet -d 'Print only errors and warnings'
complete -c stack -n "__fish_stack_needs_command" -s v -l verbose -d 'Say more about what happens'
complete -c stack -n "__fish_stack_needs_command" -s h -l help -d 'Print help'
complete -c stack -n "__fish_stack_needs_command" -s V -l version -d 'Print version'
complete -c stack -n "__fish_stack_needs_command" -f -a "add" -d 'Add a provider\'s credentials to this project'
complete -c stack -n "__fish_stack_needs_command" -f -a "remove" -d 'Remove a service: its slots, .env references, .mcp.json entry and .stack.toml table'
complete -c stack -n "__fish_stack_needs_command" -f -a "doctor" -d 'Check every service: slots present, credentials accepted, files consistent'
complete -c stack -n "__fish_stack_needs_command" -f -a "exec" -d 'Run a command with this project\'s secrets in its environment'
complete -c stack -n "__fish_stack_needs_command" -f -a "list" -d 'List this project\'s services and their slots'
complete -c stack -n "__fish_stack_needs_command" -f -a "env" -d 'Show this project\'s slots for an environment, masked'
complete -c stack -n "__fish_stack_needs_command" -f -a "import" -d 'Move the plaintext credentials of a .env file into the vault'
complete -c stack -n "__fish_stack_needs_command" -f -a "completion" -d 'Print a shell completion script'
complete -c stack -n "__fish_stack_needs_command" -f -a "vault" -d 'Inspect the vault, or move this project\'s slots to another one'
complete -c stack -n "__fish_stack_needs_command" -f -a "ci" -d 'Print a CI workflow for this project, or register its secrets with the CI\'s masking'
complete -c stack -n "__fish_stack_needs_command" -f -a "providers" -d 'List the provider catalog'
complete -c stack -n "__fish_stack_needs_command" -f -a "recommend" -d 'Rank catalog providers for a plain-language brief'
complete -c stack -n "__fish_stack_needs_command" -f -a "trust" -d 'Let the project at DIR use the secrets of its project id (and a .stack.toml you do not own)'
complete -c stack -n "__fish_stack_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c stack -n "__fish_stack_using_subcommand add" -l with -d 'Also store this optional slot (repeatable; offered interactively on a terminal)' -r
complete -c stack -n "__fish_stack_using_subcommand add" -l env -d 'Environment to store the slots for' -r
complete -c stack -n "__fish_stack_using_subcommand add" -s C -d 'Run as if stack was started in DIR' -r -F
complete -c stack -n "__fish_stack_using_subcommand add" -l vault -d 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]' -r -f -a "keychain\t''
file\t''
bao\t''
env\t''"
complete -c stack -n "__fish_stack_using_subcommand add" -l color -d 'When to use colours' -r -f -a "auto\t''
always\t''
never\t''"
complete -c stack -n "__fish_stack_using_subcommand add" -l from-env -d 'Read each slot from the environment variable of the same name'
complete -c stack -n "__fish_stack_using_subcommand add" -l stdin -d 'Read NAME=value lines from standard input'
complete -c stack -n "__fish_stack_using_subcommand add" -l no-verify -d 'Store without asking the provider whether the credentials work'
complete -c stack -n "__fish_stack_using_subcommand add" -l force -d 'Ask again and replace the slots even if the service is already added and healthy'
complete -c stack -n "__fish_stack_using_subcommand add" -s y -l yes -d 'Replace a plaintext value already in .env with the reference'
complete -c stack -n "__fish_stack_using_subcommand add" -s q -l quiet -d 'Print only errors and warnings'
complete -c stack -n "__fish_stack_using_subcommand add" -s v -l verbose -d 'Say more about what happens'
complete -c stack -n "__fish_stack_using_subcommand add" -s h -l help -d 'Print help'
complete -c stack -n "__fish_stack_using_subcommand remove" -s C -d 'Run as if stack was started in DIR' -r -F
complete -c stack -n "__fish_stack_using_subcommand remove" -l vault -d 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]' -r -f -a "keychain\t''
file\t''
bao\t''
env\t''"
complete -c stack -n "__fish_stack_using_subcommand remove" -l color -d 'When to use colours' -r -f -a "auto\t''
always\t''
never\t''"
complete -c stack -n "__fish_stack_using_subcommand remove" -s y -l yes -d 'Do not ask for confirmation'
complete -c stack -n "__fish_stack_using_subcommand remove" -l keep-secrets -d 'Leave the slots in the vault'
complete -c stack -n "__fish_stack_using_subcommand remove" -s q -l quiet -d 'Print only errors and warnings'
complete -c stack -n "__fish_stack_using_subcommand remove" -s v -l verbose -d 'Say more about what happens'
complete -c stack -n "__fish_stack_using_subcommand remove" -s h -l help -d 'Print help'
complete -c stack -n "__fish_stack_using_subcommand doctor" -l env -d 'Environment to check' -r
complete -c stack -n "__fish_stack_using_subcommand doctor" -s C -d 'Run as if stack was started in DIR' -r -F
complete -c stack -n "__fish_stack_using_subcommand doctor" -l vault -d 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]' -r -f -a "keychain\t''
file\t''
bao\t''
env\t''"
complete -c stack -n "__fish_stack_using_subcommand doctor" -l color -d 'When to use colours' -r -f -a "auto\t''
always\t''
never\t''"
complete -c stack -n "__fish_stack_using_subcommand doctor" -l fix -d 'Ask for missing or rejected values (or read them from the environment without a terminal), verify, store, and repair the files'
complete -c stack -n "__fish_stack_using_subcommand doctor" -l json -d 'Print one JSON document'
complete -c stack -n "__fish_stack_using_subcommand doctor" -s q -l quiet -d 'Print only errors and warnings'
complete -c stack -n "__fish_stack_using_subcommand doctor" -s v -l verbose -d 'Say more about what happens'
complete -c stack -n "__fish_stack_using_subcommand doctor" -s h -l help -d 'Print help'
complete -c stack -n "__fish_stack_using_subcommand exec" -l only -d 'Inject only this service\'s slots (repeatable)' -r
complete -c stack -n "__fish_stack_using_subcommand exec" -l env-file -d 'Load variables from a dotenv file (repeatable); `stack://` references in it resolve' -r -F
complete -c stack -n "__fish_stack_using_subcommand exec" -l env -d 'Environment whose slots to inject' -r
complete -c stack -n "__fish_stack_using_subcommand exec" -s C -d 'Run as if stack was started in DIR' -r -F
complete -c stack -n "__fish_stack_using_subcommand exec" -l vault -d 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]' -r -f -a "keychain\t''
file\t''
bao\t''
env\t''"
complete -c stack -n "__fish_stack_using_subcommand exec" -l color -d 'When to use colours' -r -f -a "auto\t''
always\t''
never\t''"
complete -c stack -n "__fish_stack_using_subcommand exec" -l mask -d 'Hide injected secrets in the command\'s output [default: when stdout or stderr is not a terminal, or in CI]'
complete -c stack -n "__fish_stack_using_subcommand exec" -l no-mask -d 'Pass the command\'s output through untouched, even in CI or to a file'
complete -c stack -n "__fish_stack_using_subcommand exec" -l pass-vault-credentials -d 'Leave the vault\'s own credentials (STACK_AGE_IDENTITY, STACK_VAULT_PASSPHRASE, VAULT_TOKEN, BAO_TOKEN) in the command\'s environment: for a command that is itself `stack`. They are masked in its output all the same'
complete -c stack -n "__fish_stack_using_subcommand exec" -s q -l quiet -d 'Print only errors and warnings'
complete -c stack -n "__fish_stack_using_subcommand exec" -s v -l verbose -d 'Say more about what happens'
complete -c stack -n "__fish_stack_using_subcommand exec" -s h -l help -d 'Print help'
complete -c stack -n "__fish_stack_using_subcommand list" -l env -d 'Environment whose slots to look for' -r
complete -c stack -n "__fish_stack_using_subcommand list" -s C -d 'Run as if stack was started in DIR' -r -F
complete -c stack -n "__fish_stack_using_subcommand list" -l vault -d 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]' -r -f -a "keychain\t''
file\t''
bao\t''
env\t''"
complete -c stack -n "__fish_stack_using_subcommand list" -l color -d 'When to use colours' -r -f -a "auto\t''
always\t''
never\t''"
complete -c stack -n "__fish_stack_using_subcommand list" -l json -d 'Print one JSON document'
complete -c stack -n "__fish_stack_using_subcommand list" -s q -l quiet -d 'Print only errors and warnings'
complete -c stack -n "__fish_stack_using_subcommand list" -s v -l verbose -d 'Say more about what happens'
complete -c stack -n "__fish_stack_using_subcommand list" -s h -l help -d 'Print help'
complete -c stack -n "__fish_stack_using_subcommand env" -l env -d 'Environment whose slots to show' -r
complete -c stack -n "__fish_stack_using_subcommand env" -s C -d 'Run as if stack was started in DIR' -r -F
complete -c stack -n "__fish_stack_using_subcommand env" -l vault -d 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]' -r -f -a "keychain\t''
file\t''
bao\t''
env\t''"
complete -c stack -n "__fish_stack_using_subcommand env" -l color -d 'When to use colours' -r -f -a "auto\t''
always\t''
never\t''"
complete -c stack -n "__fish_stack_using_subcommand env" -l json -d 'Print one JSON document'
complete -c stack -n "__fish_stack_using_subcommand env" -l reveal -d 'Print the values themselves (only on a terminal, after a confirmation)'
complete -c stack -n "__fish_stack_using_subcommand env" -s q -l quiet -d 'Print only errors and warnings'
complete -c stack -n "__fish_stack_using_subcommand env" -s v -l verbose -d 'Say more about what happens'
complete -c stack -n "__fish_stack_using_subcommand env" -s h -l help -d 'Print help'
complete -c stack -n "__fish_stack_using_subcommand import" -l env -d 'Environment to store the slots for' -r
complete -c stack -n "__fish_stack_using_subcommand import" -s C -d 'Run as if stack was started in DIR' -r -F
complete -c stack -n "__fish_stack_using_subcommand import" -l vault -d 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]' -r -f -a "keychain\t''
file\t''
bao\t''
env\t''"
complete -c stack -n "__fish_stack_using_subcommand import" -l color -d 'When to use colours' -r -f -a "auto\t''
always\t''
never\t''"
complete -c stack -n "__fish_stack_using_subcommand import" -s y -l yes -d 'Import without asking (required when there is no terminal)'
complete -c stack -n "__fish_stack_using_subcommand import" -l dry-run -d 'Show what would be imported and change nothing'
complete -c stack -n "__fish_stack_using_subcommand import" -l no-verify -d 'Store without asking the providers whether the credentials work'
complete -c stack -n "__fish_stack_using_subcommand import" -s q -l quiet -d 'Print only errors and warnings'
complete -c stack -n "__fish_stack_using_subcommand import" -s v -l verbose -d 'Say more about what happens'
complete -c stack -n "__fish_stack_using_subcommand import" -s h -l help -d 'Print help'
complete -c stack -n "__fish_stack_using_subcommand completion" -s C -d 'Run as if stack was started in DIR' -r -F
complete -c stack -n "__fish_stack_using_subcommand completion" -l vault -d 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]' -r -f -a "keychain\t''
file\t''
bao\t''
env\t''"
complete -c stack -n "__fish_stack_using_subcommand completion" -l color -d 'When to use colours' -r -f -a "auto\t''
always\t''
never\t''"
complete -c stack -n "__fish_stack_using_subcommand completion" -s q -l quiet -d 'Print only errors and warnings'
complete -c stack -n "__fish_stack_using_subcommand completion" -s v -l verbose -d 'Say more about what happens'
complete -c stack -n "__fish_stack_using_subcommand completion" -s h -l help -d 'Print help'
complete -c stack -n "__fish_stack_using_subcommand vault; and not __fish_seen_subcommand_from status copy help" -s C -d 'Run as if stack was started in DIR' -r -F
complete -c stack -n "__fish_stack_using_subcommand vault; and not __fish_seen_subcommand_from status copy help" -l vault -d 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]' -r -f -a "keychain\t''
file\t''
bao\t''
env\t''"
complete -c stack -n "__fish_stack_using_subcommand vault; and not __fish_seen_subcommand_from status copy help" -l color -d 'When to use colours' -r -f -a "auto\t''
always\t''
never\t''"
complete -c stack -n "__fish_stack_using_subcommand vault; and not __fish_seen_subcommand_from status copy help" -s q -l quiet -d 'Print only errors and warnings'
complete -c stack -n "__fish_stack_using_subcommand vault; and not __fish_seen_subcommand_from status copy help" -s v -l verbose -d 'Say more about what happens'
complete -c stack -n "__fish_stack_using_subcommand vault; and not __fish_seen_subcommand_from status copy help" -s h -l help -d 'Print help'
complete -c stack -n "__fish_stack_using_subcommand vault; and not __fish_seen_subcommand_from status copy help" -f -a "status" -d 'Which vault is in use, whether it can be reached, and which slots it holds'
complete -c stack -n "__fish_stack_using_subcommand vault; and not __fish_seen_subcommand_from status copy help" -f -a "copy" -d 'Copy this project\'s slots to another vault and confirm them there'
complete -c stack -n "__fish_stack_using_subcommand vault; and not __fish_seen_subcommand_from status copy help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c stack -n "__fish_stack_using_subcommand vault; and __fish_seen_subcommand_from status" -s C -d 'Run as if stack was started in DIR' -r -F
complete -c stack -n "__fish_stack_using_subcommand vault; and __fish_seen_subcommand_from status" -l vault -d 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]' -r -f -a "keychain\t''
file\t''
bao\t''
env\t''"
complete -c stack -n "__fish_stack_using_subcommand vault; and __fish_seen_subcommand_from status" -l color -d 'When to use colours' -r -f -a "auto\t''
always\t''
never\t''"
complete -c stack -n "__fish_stack_using_subcommand vault; and __fish_seen_subcommand_from status" -l json -d 'Print one JSON document'
complete -c stack -n "__fish_stack_using_subcommand vault; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Print only errors and warnings'
complete -c stack -n "__fish_stack_using_subcommand vault; and __fish_seen_subcommand_from status" -s v -l verbose -d 'Say more about what happens'
complete -c stack -n "__fish_stack_using_subcommand vault; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c stack -n "__fish_stack_using_subcommand vault; and __fish_seen_subcommand_from copy" -l to -d 'The destination vault' -r -f -a "keychain\t''
file\t''
bao\t''
env\t''"
complete -c stack -n "__fish_stack_using_subcommand vault; and __fish_seen_subcommand_from copy" -l env -d 'Only this environment (default: every environment the services were added to)' -r
complete -c stack -n "__fish_stack_using_subcommand vault; and __fish_seen_subcommand_from copy" -s C -d 'Run as if stack was started in DIR' -r -F
complete -c stack -n "__fish_stack_using_subcommand vault; and __fish_seen_subcommand_from copy" -l vault -d 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]' -r -f -a "keychain\t''
file\t''
bao\t''
env\t''"
complete -c stack -n "__fish_stack_using_subcommand vault; and __fish_seen_subcommand_from copy" -l color -d 'When to use colours' -r -f -a "auto\t''
always\t''
never\t''"
complete -c stack -n "__fish_stack_using_subcommand vault; and __fish_seen_subcommand_from copy" -s q -l quiet -d 'Print only errors and warnings'
complete -c stack -n "__fish_stack_using_subcommand vault; and __fish_seen_subcommand_from copy" -s v -l verbose -d 'Say more about what happens'
complete -c stack -n "__fish_stack_using_subcommand vault; and __fish_seen_subcommand_from copy" -s h -l help -d 'Print help'
complete -c stack -n "__fish_stack_using_subcommand vault; and __fish_seen_subcommand_from help" -f -a "status" -d 'Which vault is in use, whether it can be reached, and which slots it holds'
complete -c stack -n "__fish_stack_using_subcommand vault; and __fish_seen_subcommand_from help" -f -a "copy" -d 'Copy this project\'s slots to another vault and confirm them there'
complete -c stack -n "__fish_stack_using_subcommand vault; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c stack -n "__fish_stack_using_subcommand ci; and not __fish_seen_subcommand_from github mask help" -s C -d 'Run as if stack was started in DIR' -r -F
complete -c stack -n "__fish_stack_using_subcommand ci; and not __fish_seen_subcommand_from github mask help" -l vault -d 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]' -r -f -a "keychain\t''
file\t''
bao\t''
env\t''"
complete -c stack -n "__fish_stack_using_subcommand ci; and not __fish_seen_subcommand_from github mask help" -l color -d 'When to use colours' -r -f -a "auto\t''
always\t''
never\t''"
complete -c stack -n "__fish_stack_using_subcommand ci; and not __fish_seen_subcommand_from github mask help" -s q -l quiet -d 'Print only errors and warnings'
complete -c stack -n "__fish_stack_using_subcommand ci; and not __fish_seen_subcommand_from github mask help" -s v -l verbose -d 'Say more about what happens'
complete -c stack -n "__fish_stack_using_subcommand ci; and not __fish_seen_subcommand_from github mask help" -s h -l help -d 'Print help'
complete -c stack -n "__fish_stack_using_subcommand ci; and not __fish_seen_subcommand_from github mask help" -f -a "github" -d 'A GitHub Actions workflow (save it as .github/workflows/stack.yml)'
complete -c stack -n "__fish_stack_using_subcommand ci; and not __fish_seen_subcommand_from github mask help" -f -a "mask" -d 'On GitHub Actions, register every secret slot with the runner\'s masking (::add-mask::) for the job\'s later steps; its output must not be redirected'
complete -c stack -n "__fish_stack_using_subcommand ci; and not __fish_seen_subcommand_from github mask help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c stack -n "__fish_stack_using_subcommand ci; and __fish_seen_subcommand_from github" -l vault -d 'Where CI reads the slots from' -r -f -a "env\t''
bao\t''
file\t''"
complete -c stack -n "__fish_stack_using_subcommand ci; and __fish_seen_subcommand_from github" -l run -d 'The command to run with the secrets injected' -r
complete -c stack -n "__fish_stack_using_subcommand ci; and __fish_seen_subcommand_from github" -s C -d 'Run as if stack was started in DIR' -r -F
complete -c stack -n "__fish_stack_using_subcommand ci; and __fish_seen_subcommand_from github" -l color -d 'When to use colours' -r -f -a "auto\t''
always\t''
never\t''"
complete -c stack -n "__fish_stack_using_subcommand ci; and __fish_seen_subcommand_from github" -s q -l quiet -d 'Print only errors and warnings'
complete -c stack -n "__fish_stack_using_subcommand ci; and __fish_seen_subcommand_from github" -s v -l verbose -d 'Say more about what happens'
complete -c stack -n "__fish_stack_using_subcommand ci; and __fish_seen_subcommand_from github" -s h -l help -d 'Print help'
complete -c stack -n "__fish_stack_using_subcommand ci; and __fish_seen_subcommand_from mask" -l env -d 'Environment whose slots to register' -r
complete -c stack -n "__fish_stack_using_subcommand ci; and __fish_seen_subcommand_from mask" -s C -d 'Run as if stack was started in DIR' -r -F
complete -c stack -n "__fish_stack_using_subcommand ci; and __fish_seen_subcommand_from mask" -l vault -d 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]' -r -f -a "keychain\t''
file\t''
bao\t''
env\t''"
complete -c stack -n "__fish_stack_using_subcommand ci; and __fish_seen_subcommand_from mask" -l color -d 'When to use colours' -r -f -a "auto\t''
always\t''
never\t''"
complete -c stack -n "__fish_stack_using_subcommand ci; and __fish_seen_subcommand_from mask" -s q -l quiet -d 'Print only errors and warnings'
complete -c stack -n "__fish_stack_using_subcommand ci; and __fish_seen_subcommand_from mask" -s v -l verbose -d 'Say more about what happens'
complete -c stack -n "__fish_stack_using_subcommand ci; and __fish_seen_subcommand_from mask" -s h -l help -d 'Print help'
complete -c stack -n "__fish_stack_using_subcommand ci; and __fish_seen_subcommand_from help" -f -a "github" -d 'A GitHub Actions workflow (save it as .github/workflows/stack.yml)'
complete -c stack -n "__fish_stack_using_subcommand ci; and __fish_seen_subcommand_from help" -f -a "mask" -d 'On GitHub Actions, register every secret slot with the runner\'s masking (::add-mask::) for the job\'s later steps; its output must not be redirected'
complete -c stack -n "__fish_stack_using_subcommand ci; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c stack -n "__fish_stack_using_subcommand providers" -l category -d 'Only this category (auth, database, ai, …; any case)' -r
complete -c stack -n "__fish_stack_using_subcommand providers" -s C -d 'Run as if stack was started in DIR' -r -F
complete -c stack -n "__fish_stack_using_subcommand providers" -l vault -d 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]' -r -f -a "keychain\t''
file\t''
bao\t''
env\t''"
complete -c stack -n "__fish_stack_using_subcommand providers" -l color -d 'When to use colours' -r -f -a "auto\t''
always\t''
never\t''"
complete -c stack -n "__fish_stack_using_subcommand providers" -l json -d 'Print one JSON document'
complete -c stack -n "__fish_stack_using_subcommand providers" -s q -l quiet -d 'Print only errors and warnings'
complete -c stack -n "__fish_stack_using_subcommand providers" -s v -l verbose -d 'Say more about what happens'
complete -c stack -n "__fish_stack_using_subcommand providers" -s h -l help -d 'Print help'
complete -c stack -n "__fish_stack_using_subcommand recommend" -l k -d 'How many providers to show' -r
complete -c stack -n "__fish_stack_using_subcommand recommend" -l category -d 'Only this category (any case)' -r
complete -c stack -n "__fish_stack_using_subcommand recommend" -s C -d 'Run as if stack was started in DIR' -r -F
complete -c stack -n "__fish_stack_using_subcommand recommend" -l vault -d 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]' -r -f -a "keychain\t''
file\t''
bao\t''
env\t''"
complete -c stack -n "__fish_stack_using_subcommand recommend" -l color -d 'When to use colours' -r -f -a "auto\t''
always\t''
never\t''"
complete -c stack -n "__fish_stack_using_subcommand recommend" -l json -d 'Print one JSON document'
complete -c stack -n "__fish_stack_using_subcommand recommend" -s q -l quiet -d 'Print only errors and warnings'
complete -c stack -n "__fish_stack_using_subcommand recommend" -s v -l verbose -d 'Say more about what happens'
complete -c stack -n "__fish_stack_using_subcommand recommend" -s h -l help -d 'Print help'
complete -c stack -n "__fish_stack_using_subcommand trust" -l vault -d 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]' -r -f -a "keychain\t''
file\t''
bao\t''
env\t''"
complete -c stack -n "__fish_stack_using_subcommand trust" -l color -d 'When to use colours' -r -f -a "auto\t''
always\t''
never\t''"
complete -c stack -n "__fish_stack_using_subcommand trust" -s q -l quiet -d 'Print only errors and warnings'
complete -c stack -n "__fish_stack_using_subcommand trust" -s v -l verbose -d 'Say more about what happens'
complete -c stack -n "__fish_stack_using_subcommand trust" -s h -l help -d 'Print help'
complete -c stack -n "__fish_stack_using_subcommand help; and not __fish_seen_subcommand_from add remove doctor exec list env import completion vault ci providers recommend trust help" -f -a "add" -d 'Add a provider\'s credentials to this project'
complete -c stack -n "__fish_stack_using_subcommand help; and not __fish_seen_subcommand_from add remove doctor exec list env import completion vault ci providers recommend trust help" -f -a "remove" -d 'Remove a service: its slots, .env references, .mcp.json entry and .stack.toml table'
complete -c stack -n "__fish_stack_using_subcommand help; and not __fish_seen_subcommand_from add remove doctor exec list env import completion vault ci providers recommend trust help" -f -a "doctor" -d 'Check every service: slots present, credentials accepted, files consistent'
complete -c stack -n "__fish_stack_using_subcommand help; and not __fish_seen_subcommand_from add remove doctor exec list env import completion vault ci providers recommend trust help" -f -a "exec" -d 'Run a command with this project\'s secrets in its environment'
complete -c stack -n "__fish_stack_using_subcommand help; and not __fish_seen_subcommand_from add remove doctor exec list env import completion vault ci providers recommend trust help" -f -a "list" -d 'List this project\'s services and their slots'
complete -c stack -n "__fish_stack_using_subcommand help; and not __fish_seen_subcommand_from add remove doctor exec list env import completion vault ci providers recommend trust help" -f -a "env" -d 'Show this project\'s slots for an environment, masked'
complete -c stack -n "__fish_stack_using_subcommand help; and not __fish_seen_subcommand_from add remove doctor exec list env import completion vault ci providers recommend trust help" -f -a "import" -d 'Move the plaintext credentials of a .env file into the vault'
complete -c stack -n "__fish_stack_using_subcommand help; and not __fish_seen_subcommand_from add remove doctor exec list env import completion vault ci providers recommend trust help" -f -a "completion" -d 'Print a shell completion script'
complete -c stack -n "__fish_stack_using_subcommand help; and not __fish_seen_subcommand_from add remove doctor exec list env import completion vault ci providers recommend trust help" -f -a "vault" -d 'Inspect the vault, or move this project\'s slots to another one'
complete -c stack -n "__fish_stack_using_subcommand help; and not __fish_seen_subcommand_from add remove doctor exec list env import completion vault ci providers recommend trust help" -f -a "ci" -d 'Print a CI workflow for this project, or register its secrets with the CI\'s masking'
complete -c stack -n "__fish_stack_using_subcommand help; and not __fish_seen_subcommand_from add remove doctor exec list env import completion vault ci providers recommend trust help" -f -a "providers" -d 'List the provider catalog'
complete -c stack -n "__fish_stack_using_subcommand help; and not __fish_seen_subcommand_from add remove doctor exec list env import completion vault ci providers recommend trust help" -f -a "recommend" -d 'Rank catalog providers for a plain-language brief'
complete -c stack -n "__fish_stack_using_subcommand help; and not __fish_seen_subcommand_from add remove doctor exec list env import completion vault ci providers recommend trust help" -f -a "trust" -d 'Let the project at DIR use the secrets of its project id (and a .stack.toml you do not own)'
complete -c stack -n "__fish_stack_using_subcommand help; and not __fish_seen_subcommand_from add remove doctor exec list env import completion vault ci providers recommend trust help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c stack -n "__fish_stack_using_subcommand help; and __fish_seen_subcommand_from vault" -f -a "status" -d 'Which vault is in use, whether it can be reached, and which slots it holds'
complete -c stack -n "__fish_stack_using_subcommand help; and __fish_seen_subcommand_from vault" -f -a "copy" -d 'Copy this project\'s slots to another vault and confirm them there'
complete -c stack -n "__fish_stack_using_subcommand help; and __fish_seen_subcommand_from ci" -f -a "github" -d 'A GitHub Actions workflow (save it as .github/workflows/stack.yml)'
complete -c stack -n "__fish_stack_using_subcommand help; and __fish_seen_subcommand_from ci" -f -a "mask" -d 'On GitHub Actions, register every secret slot with the runner\'s masking (::add-mask::) for the job\'s later steps; its output must not be redirected'
