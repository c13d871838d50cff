<?php
/**
 * WHMCS sandbox stand-in for crons/cron.php (the WHMCS Automation Task Utility).
 *
 *   php -q crons/cron.php [all] [--force|-F] [-v]   every run stamps lastCronInvocationTime and
 *                                                   cronTimeZone and runs the tasks that are due; a
 *                                                   daily run (forced, or the first run in
 *                                                   DailyCronExecutionHour today) runs the daily
 *                                                   tasks with the daily bookkeeping and hooks
 *   php -q crons/cron.php do --TenantUsageMetrics   runs the named tasks now (do implies --force)
 *                                                   without the daily bookkeeping
 *   php -q crons/cron.php skip --CreateInvoices     like all, minus the named tasks
 *   php -q crons/cron.php list | help | --version
 * Tasks: UpdateServerUsage, TenantUsageMetrics, CreateInvoices. The rules (which tasks run when,
 * hook order, sources) are in vendor/whmcs/whmcs-foundation/lib/Sandbox/Cron/Runner.php.
 * Exit codes: 0 done (a module's own failure is logged as WHMCS logs it, not fatal), 1 bad usage,
 * missing init.php or database error.
 */

// Like WHMCS: the WHMCS root is the crons folder's parent unless crons/config.php says otherwise.
$whmcspath = '';
if (is_file(__DIR__ . '/config.php')) {
    include __DIR__ . '/config.php';
}
if ((string) $whmcspath === '') {
    $whmcspath = dirname(__DIR__);
}
$whmcsInit = rtrim((string) $whmcspath, '/\\') . '/init.php';
if (!is_file($whmcsInit)) {
    fwrite(STDERR, "error: WHMCS init.php not found at {$whmcsInit}; set \$whmcspath in "
        . __DIR__ . "/config.php\n");
    exit(1);
}
require_once $whmcsInit;

exit(WHMCS\Sandbox\Cron\Console::main(array_slice($argv, 1)));
