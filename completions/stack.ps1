
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'stack' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'stack'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'stack' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if stack was started in DIR')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a provider''s credentials to this project')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a service: its slots, .env references, .mcp.json entry and .stack.toml table')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check every service: slots present, credentials accepted, files consistent')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run a command with this project''s secrets in its environment')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List this project''s services and their slots')
            [CompletionResult]::new('env', 'env', [CompletionResultType]::ParameterValue, 'Show this project''s slots for an environment, masked')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Move the plaintext credentials of a .env file into the vault')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('vault', 'vault', [CompletionResultType]::ParameterValue, 'Inspect the vault, or move this project''s slots to another one')
            [CompletionResult]::new('ci', 'ci', [CompletionResultType]::ParameterValue, 'Print a CI workflow for this project, or register its secrets with the CI''s masking')
            [CompletionResult]::new('providers', 'providers', [CompletionResultType]::ParameterValue, 'List the provider catalog')
            [CompletionResult]::new('recommend', 'recommend', [CompletionResultType]::ParameterValue, 'Rank catalog providers for a plain-language brief')
            [CompletionResult]::new('trust', 'trust', [CompletionResultType]::ParameterValue, 'Let the project at DIR use the secrets of its project id (and a .stack.toml you do not own)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'stack;add' {
            [CompletionResult]::new('--with', '--with', [CompletionResultType]::ParameterName, 'Also store this optional slot (repeatable; offered interactively on a terminal)')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment to store the slots for')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if stack was started in DIR')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('--from-env', '--from-env', [CompletionResultType]::ParameterName, 'Read each slot from the environment variable of the same name')
            [CompletionResult]::new('--stdin', '--stdin', [CompletionResultType]::ParameterName, 'Read NAME=value lines from standard input')
            [CompletionResult]::new('--no-verify', '--no-verify', [CompletionResultType]::ParameterName, 'Store without asking the provider whether the credentials work')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Ask again and replace the slots even if the service is already added and healthy')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Replace a plaintext value already in .env with the reference')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Replace a plaintext value already in .env with the reference')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'stack;remove' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if stack was started in DIR')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--keep-secrets', '--keep-secrets', [CompletionResultType]::ParameterName, 'Leave the slots in the vault')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'stack;doctor' {
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment to check')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if stack was started in DIR')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('--fix', '--fix', [CompletionResultType]::ParameterName, 'Ask for missing or rejected values (or read them from the environment without a terminal), verify, store, and repair the files')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'stack;exec' {
            [CompletionResult]::new('--only', '--only', [CompletionResultType]::ParameterName, 'Inject only this service''s slots (repeatable)')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Load variables from a dotenv file (repeatable); `stack://` references in it resolve')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment whose slots to inject')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if stack was started in DIR')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('--mask', '--mask', [CompletionResultType]::ParameterName, 'Hide injected secrets in the command''s output [default: when stdout or stderr is not a terminal, or in CI]')
            [CompletionResult]::new('--no-mask', '--no-mask', [CompletionResultType]::ParameterName, 'Pass the command''s output through untouched, even in CI or to a file')
            [CompletionResult]::new('--pass-vault-credentials', '--pass-vault-credentials', [CompletionResultType]::ParameterName, 'Leave the vault''s own credentials (STACK_AGE_IDENTITY, STACK_VAULT_PASSPHRASE, VAULT_TOKEN, BAO_TOKEN) in the command''s environment: for a command that is itself `stack`. They are masked in its output all the same')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'stack;list' {
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment whose slots to look for')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if stack was started in DIR')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'stack;env' {
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment whose slots to show')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if stack was started in DIR')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document')
            [CompletionResult]::new('--reveal', '--reveal', [CompletionResultType]::ParameterName, 'Print the values themselves (only on a terminal, after a confirmation)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'stack;import' {
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment to store the slots for')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if stack was started in DIR')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Import without asking (required when there is no terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Import without asking (required when there is no terminal)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be imported and change nothing')
            [CompletionResult]::new('--no-verify', '--no-verify', [CompletionResultType]::ParameterName, 'Store without asking the providers whether the credentials work')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'stack;completion' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if stack was started in DIR')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'stack;vault' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if stack was started in DIR')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Which vault is in use, whether it can be reached, and which slots it holds')
            [CompletionResult]::new('copy', 'copy', [CompletionResultType]::ParameterValue, 'Copy this project''s slots to another vault and confirm them there')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'stack;vault;status' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if stack was started in DIR')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'stack;vault;copy' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The destination vault')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Only this environment (default: every environment the services were added to)')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if stack was started in DIR')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'stack;vault;help' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Which vault is in use, whether it can be reached, and which slots it holds')
            [CompletionResult]::new('copy', 'copy', [CompletionResultType]::ParameterValue, 'Copy this project''s slots to another vault and confirm them there')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'stack;vault;help;status' {
            break
        }
        'stack;vault;help;copy' {
            break
        }
        'stack;vault;help;help' {
            break
        }
        'stack;ci' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if stack was started in DIR')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('github', 'github', [CompletionResultType]::ParameterValue, 'A GitHub Actions workflow (save it as .github/workflows/stack.yml)')
            [CompletionResult]::new('mask', 'mask', [CompletionResultType]::ParameterValue, 'On GitHub Actions, register every secret slot with the runner''s masking (::add-mask::) for the job''s later steps; its output must not be redirected')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'stack;ci;github' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Where CI reads the slots from')
            [CompletionResult]::new('--run', '--run', [CompletionResultType]::ParameterName, 'The command to run with the secrets injected')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if stack was started in DIR')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'stack;ci;mask' {
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment whose slots to register')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if stack was started in DIR')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'stack;ci;help' {
            [CompletionResult]::new('github', 'github', [CompletionResultType]::ParameterValue, 'A GitHub Actions workflow (save it as .github/workflows/stack.yml)')
            [CompletionResult]::new('mask', 'mask', [CompletionResultType]::ParameterValue, 'On GitHub Actions, register every secret slot with the runner''s masking (::add-mask::) for the job''s later steps; its output must not be redirected')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'stack;ci;help;github' {
            break
        }
        'stack;ci;help;mask' {
            break
        }
        'stack;ci;help;help' {
            break
        }
        'stack;providers' {
            [CompletionResult]::new('--category', '--category', [CompletionResultType]::ParameterName, 'Only this category (auth, database, ai, …; any case)')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if stack was started in DIR')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'stack;recommend' {
            [CompletionResult]::new('--k', '--k', [CompletionResultType]::ParameterName, 'How many providers to show')
            [CompletionResult]::new('--category', '--category', [CompletionResultType]::ParameterName, 'Only this category (any case)')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if stack was started in DIR')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'stack;trust' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'stack;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a provider''s credentials to this project')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a service: its slots, .env references, .mcp.json entry and .stack.toml table')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check every service: slots present, credentials accepted, files consistent')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run a command with this project''s secrets in its environment')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List this project''s services and their slots')
            [CompletionResult]::new('env', 'env', [CompletionResultType]::ParameterValue, 'Show this project''s slots for an environment, masked')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Move the plaintext credentials of a .env file into the vault')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('vault', 'vault', [CompletionResultType]::ParameterValue, 'Inspect the vault, or move this project''s slots to another one')
            [CompletionResult]::new('ci', 'ci', [CompletionResultType]::ParameterValue, 'Print a CI workflow for this project, or register its secrets with the CI''s masking')
            [CompletionResult]::new('providers', 'providers', [CompletionResultType]::ParameterValue, 'List the provider catalog')
            [CompletionResult]::new('recommend', 'recommend', [CompletionResultType]::ParameterValue, 'Rank catalog providers for a plain-language brief')
            [CompletionResult]::new('trust', 'trust', [CompletionResultType]::ParameterValue, 'Let the project at DIR use the secrets of its project id (and a .stack.toml you do not own)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'stack;help;add' {
            break
        }
        'stack;help;remove' {
            break
        }
        'stack;help;doctor' {
            break
        }
        'stack;help;exec' {
            break
        }
        'stack;help;list' {
            break
        }
        'stack;help;env' {
            break
        }
        'stack;help;import' {
            break
        }
        'stack;help;completion' {
            break
        }
        'stack;help;vault' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Which vault is in use, whether it can be reached, and which slots it holds')
            [CompletionResult]::new('copy', 'copy', [CompletionResultType]::ParameterValue, 'Copy this project''s slots to another vault and confirm them there')
            break
        }
        'stack;help;vault;status' {
            break
        }
        'stack;help;vault;copy' {
            break
        }
        'stack;help;ci' {
            [CompletionResult]::new('github', 'github', [CompletionResultType]::ParameterValue, 'A GitHub Actions workflow (save it as .github/workflows/stack.yml)')
            [CompletionResult]::new('mask', 'mask', [CompletionResultType]::ParameterValue, 'On GitHub Actions, register every secret slot with the runner''s masking (::add-mask::) for the job''s later steps; its output must not be redirected')
            break
        }
        'stack;help;ci;github' {
            break
        }
        'stack;help;ci;mask' {
            break
        }
        'stack;help;providers' {
            break
        }
        'stack;help;recommend' {
            break
        }
        'stack;help;trust' {
            break
        }
        'stack;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
