<?php
/**
 * The command-line front of the cron stand-in (crons/cron.php): usage errors, --version, help,
 * list, then one Runner run. Exit codes: 0 done (a module's own failure is logged, as WHMCS logs
 * it, not fatal), 1 bad usage or a database error.
 */

namespace WHMCS\Sandbox\Cron;

class Console
{
    const APP = 'WHMCS Automation Task Utility';

    public static function main(array $args)
    {
        try {
            $options = Options::parse($args);
        } catch (\InvalidArgumentException $e) {
            fwrite(STDERR, 'error: ' . $e->getMessage() . "\n");
            return 1;
        }
        if ($options->version) {
            echo self::APP, ' ', WHMCS_SANDBOX_VERSION, " (sandbox stand-in)\n";
            return 0;
        }
        if ($options->help || $options->command === 'help') {
            echo "Usage: php -q cron.php [all|do|skip|list] [--force] [--<Task> ...] [-v]\n",
                'Tasks: ', implode(', ', Tasks::names()), "\n";
            return 0;
        }
        if ($options->command === 'list') {
            foreach (Tasks::ALL as $name => $class) {
                echo $name, '  ', $class::className(), '  every ', $class::FREQUENCY, ' min',
                    $class::SKIP_DAILY_CRON ? ', not in the daily run' : '', '  ', $class::DESCRIPTION, "\n";
            }
            return 0;
        }
        try {
            return (new Runner($options))->run();
        } catch (\PDOException $e) {
            $config = whmcs_sandbox_config();
            fwrite(STDERR, 'error: WHMCS database ' . $config['db_name'] . ' on ' . $config['db_host'] . ':'
                . $config['db_port'] . ' failed: ' . $e->getMessage() . "\n");
            return 1;
        } catch (\RuntimeException $e) {
            fwrite(STDERR, 'error: ' . $e->getMessage() . "\n");
            return 1;
        }
    }
}
