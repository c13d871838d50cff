<?php
/**
 * The command line of crons/cron.php, as WHMCS's console reads it (whmcs.md §5):
 *   [all|do|skip|list|help] [--force|-F] [-v|-vv|-vvv|--verbose] [--<Task> ...] [-q] [--email-report=0|1]
 * Task options (--UpdateServerUsage, ...) belong to do and skip; do needs at least one.
 */

namespace WHMCS\Sandbox\Cron;

class Options
{
    const COMMANDS = ['all', 'do', 'skip', 'list', 'help'];

    /** @var string */
    public $command = 'all';
    /** @var bool */
    public $force = false;
    /** @var int */
    public $verbosity = 0;
    /** @var string[] task system names given as --<Task> */
    public $tasks = [];
    /** @var bool */
    public $help = false;
    /** @var bool */
    public $version = false;

    /** Parse $args (argv without the script); throws InvalidArgumentException on bad usage. */
    public static function parse(array $args)
    {
        $options = new self();
        if ($args && $args[0] !== '' && $args[0][0] !== '-') {
            $options->command = array_shift($args);
        }
        if (!in_array($options->command, self::COMMANDS, true)) {
            throw new \InvalidArgumentException('Command "' . $options->command . '" is not defined. '
                . 'Commands: ' . implode(', ', self::COMMANDS) . '.');
        }
        foreach ($args as $arg) {
            $options->take((string) $arg);
        }
        if ($options->command === 'do' && !$options->tasks && !$options->help) {
            throw new \InvalidArgumentException('The do command needs at least one task option, '
                . 'e.g. do --UpdateServerUsage.');
        }
        return $options;
    }

    private function take($arg)
    {
        if ($arg === '--force' || $arg === '-F') {
            $this->force = true;
        } elseif (preg_match('/^-(v{1,3})$/', $arg, $match)) {
            $this->verbosity = max($this->verbosity, strlen($match[1]));
        } elseif ($arg === '--verbose') {
            $this->verbosity = max($this->verbosity, 1);
        } elseif ($arg === '-q' || $arg === '--quiet' || strpos($arg, '--email-report') === 0) {
            return;  // no output is printed unless asked, and the stand-in sends no e-mail
        } elseif ($arg === '--help' || $arg === '-h') {
            $this->help = true;
        } elseif ($arg === '--version' || $arg === '-V') {
            $this->version = true;
        } elseif (strpos($arg, '--') === 0 && in_array($this->command, ['do', 'skip'], true)) {
            $task = substr($arg, 2);
            if (!Tasks::exists($task)) {
                throw new \InvalidArgumentException('Unknown task "' . $task . '". The sandbox cron knows: '
                    . implode(', ', Tasks::names()) . '.');
            }
            $this->tasks[] = $task;
        } else {
            throw new \InvalidArgumentException('Unknown option "' . $arg . '" for command "'
                . $this->command . '".');
        }
    }

    /** do always forces: the named tasks run whether due or not (whmcs.md §5). */
    public function isForced()
    {
        return $this->force || $this->command === 'do';
    }
}
