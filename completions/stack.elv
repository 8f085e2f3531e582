
use builtin;
use str;

set edit:completion:arg-completer[stack] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'stack'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'stack'= {
            cand -C 'Run as if stack was started in DIR'
            cand --vault 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]'
            cand --color 'When to use colours'
            cand -q 'Print only errors and warnings'
            cand --quiet 'Print only errors and warnings'
            cand -v 'Say more about what happens'
            cand --verbose 'Say more about what happens'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand add 'Add a provider''s credentials to this project'
            cand remove 'Remove a service: its slots, .env references, .mcp.json entry and .stack.toml table'
            cand doctor 'Check every service: slots present, credentials accepted, files consistent'
            cand exec 'Run a command with this project''s secrets in its environment'
            cand list 'List this project''s services and their slots'
            cand env 'Show this project''s slots for an environment, masked'
            cand import 'Move the plaintext credentials of a .env file into the vault'
            cand completion 'Print a shell completion script'
            cand vault 'Inspect the vault, or move this project''s slots to another one'
            cand ci 'Print a CI workflow for this project, or register its secrets with the CI''s masking'
            cand providers 'List the provider catalog'
            cand recommend 'Rank catalog providers for a plain-language brief'
            cand trust 'Let the project at DIR use the secrets of its project id (and a .stack.toml you do not own)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'stack;add'= {
            cand --with 'Also store this optional slot (repeatable; offered interactively on a terminal)'
            cand --env 'Environment to store the slots for'
            cand -C 'Run as if stack was started in DIR'
            cand --vault 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]'
            cand --color 'When to use colours'
            cand --from-env 'Read each slot from the environment variable of the same name'
            cand --stdin 'Read NAME=value lines from standard input'
            cand --no-verify 'Store without asking the provider whether the credentials work'
            cand --force 'Ask again and replace the slots even if the service is already added and healthy'
            cand -y 'Replace a plaintext value already in .env with the reference'
            cand --yes 'Replace a plaintext value already in .env with the reference'
            cand -q 'Print only errors and warnings'
            cand --quiet 'Print only errors and warnings'
            cand -v 'Say more about what happens'
            cand --verbose 'Say more about what happens'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'stack;remove'= {
            cand -C 'Run as if stack was started in DIR'
            cand --vault 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]'
            cand --color 'When to use colours'
            cand -y 'Do not ask for confirmation'
            cand --yes 'Do not ask for confirmation'
            cand --keep-secrets 'Leave the slots in the vault'
            cand -q 'Print only errors and warnings'
            cand --quiet 'Print only errors and warnings'
            cand -v 'Say more about what happens'
            cand --verbose 'Say more about what happens'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'stack;doctor'= {
            cand --env 'Environment to check'
            cand -C 'Run as if stack was started in DIR'
            cand --vault 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]'
            cand --color 'When to use colours'
            cand --fix 'Ask for missing or rejected values (or read them from the environment without a terminal), verify, store, and repair the files'
            cand --json 'Print one JSON document'
            cand -q 'Print only errors and warnings'
            cand --quiet 'Print only errors and warnings'
            cand -v 'Say more about what happens'
            cand --verbose 'Say more about what happens'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'stack;exec'= {
            cand --only 'Inject only this service''s slots (repeatable)'
            cand --env-file 'Load variables from a dotenv file (repeatable); `stack://` references in it resolve'
            cand --env 'Environment whose slots to inject'
            cand -C 'Run as if stack was started in DIR'
            cand --vault 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]'
            cand --color 'When to use colours'
            cand --mask 'Hide injected secrets in the command''s output [default: when stdout or stderr is not a terminal, or in CI]'
            cand --no-mask 'Pass the command''s output through untouched, even in CI or to a file'
            cand --pass-vault-credentials 'Leave the vault''s own credentials (STACK_AGE_IDENTITY, STACK_VAULT_PASSPHRASE, VAULT_TOKEN, BAO_TOKEN) in the command''s environment: for a command that is itself `stack`. They are masked in its output all the same'
            cand -q 'Print only errors and warnings'
            cand --quiet 'Print only errors and warnings'
            cand -v 'Say more about what happens'
            cand --verbose 'Say more about what happens'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'stack;list'= {
            cand --env 'Environment whose slots to look for'
            cand -C 'Run as if stack was started in DIR'
            cand --vault 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]'
            cand --color 'When to use colours'
            cand --json 'Print one JSON document'
            cand -q 'Print only errors and warnings'
            cand --quiet 'Print only errors and warnings'
            cand -v 'Say more about what happens'
            cand --verbose 'Say more about what happens'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'stack;env'= {
            cand --env 'Environment whose slots to show'
            cand -C 'Run as if stack was started in DIR'
            cand --vault 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]'
            cand --color 'When to use colours'
            cand --json 'Print one JSON document'
            cand --reveal 'Print the values themselves (only on a terminal, after a confirmation)'
            cand -q 'Print only errors and warnings'
            cand --quiet 'Print only errors and warnings'
            cand -v 'Say more about what happens'
            cand --verbose 'Say more about what happens'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'stack;import'= {
            cand --env 'Environment to store the slots for'
            cand -C 'Run as if stack was started in DIR'
            cand --vault 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]'
            cand --color 'When to use colours'
            cand -y 'Import without asking (required when there is no terminal)'
            cand --yes 'Import without asking (required when there is no terminal)'
            cand --dry-run 'Show what would be imported and change nothing'
            cand --no-verify 'Store without asking the providers whether the credentials work'
            cand -q 'Print only errors and warnings'
            cand --quiet 'Print only errors and warnings'
            cand -v 'Say more about what happens'
            cand --verbose 'Say more about what happens'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'stack;completion'= {
            cand -C 'Run as if stack was started in DIR'
            cand --vault 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]'
            cand --color 'When to use colours'
            cand -q 'Print only errors and warnings'
            cand --quiet 'Print only errors and warnings'
            cand -v 'Say more about what happens'
            cand --verbose 'Say more about what happens'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'stack;vault'= {
            cand -C 'Run as if stack was started in DIR'
            cand --vault 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]'
            cand --color 'When to use colours'
            cand -q 'Print only errors and warnings'
            cand --quiet 'Print only errors and warnings'
            cand -v 'Say more about what happens'
            cand --verbose 'Say more about what happens'
            cand -h 'Print help'
            cand --help 'Print help'
            cand status 'Which vault is in use, whether it can be reached, and which slots it holds'
            cand copy 'Copy this project''s slots to another vault and confirm them there'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'stack;vault;status'= {
            cand -C 'Run as if stack was started in DIR'
            cand --vault 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]'
            cand --color 'When to use colours'
            cand --json 'Print one JSON document'
            cand -q 'Print only errors and warnings'
            cand --quiet 'Print only errors and warnings'
            cand -v 'Say more about what happens'
            cand --verbose 'Say more about what happens'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'stack;vault;copy'= {
            cand --to 'The destination vault'
            cand --env 'Only this environment (default: every environment the services were added to)'
            cand -C 'Run as if stack was started in DIR'
            cand --vault 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]'
            cand --color 'When to use colours'
            cand -q 'Print only errors and warnings'
            cand --quiet 'Print only errors and warnings'
            cand -v 'Say more about what happens'
            cand --verbose 'Say more about what happens'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'stack;vault;help'= {
            cand status 'Which vault is in use, whether it can be reached, and which slots it holds'
            cand copy 'Copy this project''s slots to another vault and confirm them there'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'stack;vault;help;status'= {
        }
        &'stack;vault;help;copy'= {
        }
        &'stack;vault;help;help'= {
        }
        &'stack;ci'= {
            cand -C 'Run as if stack was started in DIR'
            cand --vault 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]'
            cand --color 'When to use colours'
            cand -q 'Print only errors and warnings'
            cand --quiet 'Print only errors and warnings'
            cand -v 'Say more about what happens'
            cand --verbose 'Say more about what happens'
            cand -h 'Print help'
            cand --help 'Print help'
            cand github 'A GitHub Actions workflow (save it as .github/workflows/stack.yml)'
            cand mask 'On GitHub Actions, register every secret slot with the runner''s masking (::add-mask::) for the job''s later steps; its output must not be redirected'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'stack;ci;github'= {
            cand --vault 'Where CI reads the slots from'
            cand --run 'The command to run with the secrets injected'
            cand -C 'Run as if stack was started in DIR'
            cand --color 'When to use colours'
            cand -q 'Print only errors and warnings'
            cand --quiet 'Print only errors and warnings'
            cand -v 'Say more about what happens'
            cand --verbose 'Say more about what happens'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'stack;ci;mask'= {
            cand --env 'Environment whose slots to register'
            cand -C 'Run as if stack was started in DIR'
            cand --vault 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]'
            cand --color 'When to use colours'
            cand -q 'Print only errors and warnings'
            cand --quiet 'Print only errors and warnings'
            cand -v 'Say more about what happens'
            cand --verbose 'Say more about what happens'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'stack;ci;help'= {
            cand github 'A GitHub Actions workflow (save it as .github/workflows/stack.yml)'
            cand mask 'On GitHub Actions, register every secret slot with the runner''s masking (::add-mask::) for the job''s later steps; its output must not be redirected'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'stack;ci;help;github'= {
        }
        &'stack;ci;help;mask'= {
        }
        &'stack;ci;help;help'= {
        }
        &'stack;providers'= {
            cand --category 'Only this category (auth, database, ai, …; any case)'
            cand -C 'Run as if stack was started in DIR'
            cand --vault 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]'
            cand --color 'When to use colours'
            cand --json 'Print one JSON document'
            cand -q 'Print only errors and warnings'
            cand --quiet 'Print only errors and warnings'
            cand -v 'Say more about what happens'
            cand --verbose 'Say more about what happens'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'stack;recommend'= {
            cand --k 'How many providers to show'
            cand --category 'Only this category (any case)'
            cand -C 'Run as if stack was started in DIR'
            cand --vault 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]'
            cand --color 'When to use colours'
            cand --json 'Print one JSON document'
            cand -q 'Print only errors and warnings'
            cand --quiet 'Print only errors and warnings'
            cand -v 'Say more about what happens'
            cand --verbose 'Say more about what happens'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'stack;trust'= {
            cand --vault 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]'
            cand --color 'When to use colours'
            cand -q 'Print only errors and warnings'
            cand --quiet 'Print only errors and warnings'
            cand -v 'Say more about what happens'
            cand --verbose 'Say more about what happens'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'stack;help'= {
            cand add 'Add a provider''s credentials to this project'
            cand remove 'Remove a service: its slots, .env references, .mcp.json entry and .stack.toml table'
            cand doctor 'Check every service: slots present, credentials accepted, files consistent'
            cand exec 'Run a command with this project''s secrets in its environment'
            cand list 'List this project''s services and their slots'
            cand env 'Show this project''s slots for an environment, masked'
            cand import 'Move the plaintext credentials of a .env file into the vault'
            cand completion 'Print a shell completion script'
            cand vault 'Inspect the vault, or move this project''s slots to another one'
            cand ci 'Print a CI workflow for this project, or register its secrets with the CI''s masking'
            cand providers 'List the provider catalog'
            cand recommend 'Rank catalog providers for a plain-language brief'
            cand trust 'Let the project at DIR use the secrets of its project id (and a .stack.toml you do not own)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'stack;help;add'= {
        }
        &'stack;help;remove'= {
        }
        &'stack;help;doctor'= {
        }
        &'stack;help;exec'= {
        }
        &'stack;help;list'= {
        }
        &'stack;help;env'= {
        }
        &'stack;help;import'= {
        }
        &'stack;help;completion'= {
        }
        &'stack;help;vault'= {
            cand status 'Which vault is in use, whether it can be reached, and which slots it holds'
            cand copy 'Copy this project''s slots to another vault and confirm them there'
        }
        &'stack;help;vault;status'= {
        }
        &'stack;help;vault;copy'= {
        }
        &'stack;help;ci'= {
            cand github 'A GitHub Actions workflow (save it as .github/workflows/stack.yml)'
            cand mask 'On GitHub Actions, register every secret slot with the runner''s masking (::add-mask::) for the job''s later steps; its output must not be redirected'
        }
        &'stack;help;ci;github'= {
        }
        &'stack;help;ci;mask'= {
        }
        &'stack;help;providers'= {
        }
        &'stack;help;recommend'= {
        }
        &'stack;help;trust'= {
        }
        &'stack;help;help'= {
        }
    ]
    $completions[$command]
}
