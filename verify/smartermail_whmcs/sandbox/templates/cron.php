<?php
/**
 * WHMCS sandbox stand-in for crons/cron.php (the WHMCS Automation Task Utility).
 *
 * Behaves like the WHMCS 8.x cron where the toolkit can observe it:
 *   php -q crons/cron.php [all] [--force|-F] [-v]   every run stamps lastCronInvocationTime and
 *                                                   cronTimeZone; a daily run (forced, or the first
 *                                                   run in DailyCronExecutionHour today) also stamps
 *                                                   lastDailyCronInvocationTime/EndTime and runs
 *                                                   the daily tasks
 *   php -q crons/cron.php do --UpdateServerUsage    runs that task now (do implies --force) without
 *                                                   the daily bookkeeping
 *   php -q crons/cron.php skip --UpdateServerUsage  like all, minus the named tasks
 *   php -q crons/cron.php list | help | --version
 * The only task implemented is UpdateServerUsage (module UsageUpdate for every enabled server).
 * Exit codes: 0 done (a module's own failure is logged as WHMCS does, not fatal), 1 bad usage,
 * missing init.php or database error.
 */

const WHMCS_SANDBOX_CRON_TASKS = ['UpdateServerUsage' => 'WHMCS\\Cron\\Task\\UpdateServerUsage'];

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

exit(whmcs_cron_main(array_slice($argv, 1)));


/** Parse argv into [command, force, verbosity, task names, help, version] or throw on bad usage. */
function whmcs_cron_parse(array $args)
{
    $parsed = ['command' => 'all', 'force' => false, 'verbose' => 0, 'tasks' => [], 'help' => false,
        'version' => false];
    if ($args && $args[0] !== '' && $args[0][0] !== '-') {
        $parsed['command'] = array_shift($args);
    }
    if (!in_array($parsed['command'], ['all', 'do', 'skip', 'list', 'help'], true)) {
        throw new InvalidArgumentException('Command "' . $parsed['command'] . '" is not defined. '
            . 'Commands: all, do, skip, list, help.');
    }
    foreach ($args as $arg) {
        if ($arg === '--force' || $arg === '-F') {
            $parsed['force'] = true;
        } elseif (preg_match('/^-(v{1,3})$/', $arg, $m)) {
            $parsed['verbose'] = max($parsed['verbose'], strlen($m[1]));
        } elseif ($arg === '--verbose') {
            $parsed['verbose'] = max($parsed['verbose'], 1);
        } elseif ($arg === '-q' || $arg === '--quiet' || strpos($arg, '--email-report') === 0) {
            continue;
        } elseif ($arg === '--help' || $arg === '-h') {
            $parsed['help'] = true;
        } elseif ($arg === '--version' || $arg === '-V') {
            $parsed['version'] = true;
        } elseif (strpos($arg, '--') === 0 && in_array($parsed['command'], ['do', 'skip'], true)) {
            $task = substr($arg, 2);
            if (!array_key_exists($task, WHMCS_SANDBOX_CRON_TASKS)) {
                throw new InvalidArgumentException('Unknown task "' . $task . '". The sandbox cron knows: '
                    . implode(', ', array_keys(WHMCS_SANDBOX_CRON_TASKS)) . '.');
            }
            $parsed['tasks'][] = $task;
        } else {
            throw new InvalidArgumentException('Unknown option "' . $arg . '" for command "'
                . $parsed['command'] . '".');
        }
    }
    if ($parsed['command'] === 'do' && !$parsed['tasks'] && !$parsed['help']) {
        throw new InvalidArgumentException('The do command needs at least one task option, '
            . 'e.g. do --UpdateServerUsage.');
    }
    return $parsed;
}

function whmcs_cron_main(array $args)
{
    try {
        $options = whmcs_cron_parse($args);
    } catch (InvalidArgumentException $e) {
        fwrite(STDERR, 'error: ' . $e->getMessage() . "\n");
        return 1;
    }
    if ($options['version']) {
        echo 'WHMCS Automation Task Utility ' . WHMCS_SANDBOX_VERSION . " (sandbox stand-in)\n";
        return 0;
    }
    if ($options['help'] || $options['command'] === 'help') {
        echo "Usage: php -q cron.php [all|do|skip|list] [--force] [--<Task>] [-v]\n";
        return 0;
    }
    if ($options['command'] === 'list') {
        foreach (WHMCS_SANDBOX_CRON_TASKS as $task => $class) {
            echo $task . '  ' . $class . "\n";
        }
        return 0;
    }

    try {
        $pdo = WHMCS\Database\Capsule::connection()->getPdo();
        return whmcs_cron_run($pdo, $options);
    } catch (PDOException $e) {
        $config = whmcs_sandbox_config();
        fwrite(STDERR, 'error: WHMCS database ' . $config['db_name'] . ' on ' . $config['db_host'] . ':'
            . $config['db_port'] . ' failed: ' . $e->getMessage() . "\n");
        return 1;
    } catch (RuntimeException $e) {
        fwrite(STDERR, 'error: ' . $e->getMessage() . "\n");
        return 1;
    }
}

function whmcs_cron_run(PDO $pdo, array $options)
{
    $started = date('Y-m-d H:i:s');
    whmcs_cron_set_setting($pdo, 'lastCronInvocationTime', $started);
    whmcs_cron_set_setting($pdo, 'cronTimeZone', date_default_timezone_get());

    $daily = false;
    $tasks = [];
    if ($options['command'] === 'do') {
        $tasks = $options['tasks'];
    } else {
        $daily = $options['force'] || whmcs_cron_daily_is_due($pdo);
        if ($daily) {
            $tasks = array_diff(array_keys(WHMCS_SANDBOX_CRON_TASKS), $options['tasks']);
        }
    }
    if ($daily) {
        whmcs_cron_set_setting($pdo, 'lastDailyCronInvocationTime', $started);
    }
    foreach ($tasks as $task) {
        $function = 'whmcs_cron_task_' . $task;
        $function($pdo, $options['verbose']);
        whmcs_cron_mark_task_run($pdo, WHMCS_SANDBOX_CRON_TASKS[$task]);
    }
    if ($daily) {
        whmcs_cron_set_setting($pdo, 'lastDailyCronEndTime', date('Y-m-d H:i:s'));
    }
    if ($options['verbose']) {
        echo 'Cron run at ' . $started . ($daily ? ' (daily run)' : '') . ': '
            . ($tasks ? implode(', ', $tasks) : 'no task due') . "\n";
    }
    return 0;
}

function whmcs_cron_get_setting(PDO $pdo, $name)
{
    $query = $pdo->prepare('SELECT value FROM tblconfiguration WHERE setting = ?');
    $query->execute([$name]);
    $value = $query->fetchColumn();
    return $value === false ? null : (string) $value;
}

function whmcs_cron_set_setting(PDO $pdo, $name, $value)
{
    if (whmcs_cron_get_setting($pdo, $name) === null) {
        $pdo->prepare('INSERT INTO tblconfiguration (setting, value, created_at, updated_at) VALUES (?, ?, NOW(), NOW())')
            ->execute([$name, $value]);
    } else {
        $pdo->prepare('UPDATE tblconfiguration SET value = ?, updated_at = NOW() WHERE setting = ?')
            ->execute([$value, $name]);
    }
}

/** The daily run happens on the first cron call in DailyCronExecutionHour, once a day. */
function whmcs_cron_daily_is_due(PDO $pdo)
{
    $hour = whmcs_cron_get_setting($pdo, 'DailyCronExecutionHour');
    $hour = ($hour === null || $hour === '') ? 9 : (int) $hour;
    if ((int) date('G') !== $hour) {
        return false;
    }
    $last = (string) whmcs_cron_get_setting($pdo, 'lastDailyCronInvocationTime');
    return substr($last, 0, 10) !== date('Y-m-d');
}

function whmcs_cron_table_exists(PDO $pdo, $table)
{
    $query = $pdo->prepare('SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?');
    $query->execute([$table]);
    return (int) $query->fetchColumn() > 0;
}

/** Keep tbltask_status in step, as WHMCS does, when the task tables exist. */
function whmcs_cron_mark_task_run(PDO $pdo, $className)
{
    if (!whmcs_cron_table_exists($pdo, 'tbltask') || !whmcs_cron_table_exists($pdo, 'tbltask_status')) {
        return;
    }
    $task = $pdo->prepare('SELECT id, frequency FROM tbltask WHERE class_name = ?');
    $task->execute([$className]);
    $row = $task->fetch(PDO::FETCH_ASSOC);
    if (!$row) {
        return;
    }
    $nextDue = date('Y-m-d H:i:s', time() + 60 * (int) $row['frequency']);
    $existing = $pdo->prepare('SELECT id FROM tbltask_status WHERE task_id = ?');
    $existing->execute([$row['id']]);
    if ($existing->fetchColumn() === false) {
        $pdo->prepare('INSERT INTO tbltask_status (task_id, in_progress, last_run, next_due, created_at, updated_at) '
            . 'VALUES (?, 0, NOW(), ?, NOW(), NOW())')->execute([$row['id'], $nextDue]);
    } else {
        $pdo->prepare('UPDATE tbltask_status SET in_progress = 0, last_run = NOW(), next_due = ?, updated_at = NOW() '
            . 'WHERE task_id = ?')->execute([$nextDue, $row['id']]);
    }
}

function whmcs_cron_log_activity(PDO $pdo, $description)
{
    if (!whmcs_cron_table_exists($pdo, 'tblactivitylog')) {
        return;
    }
    $pdo->prepare("INSERT INTO tblactivitylog (date, description, user, ipaddr) VALUES (NOW(), ?, 'System', '')")
        ->execute([$description]);
}

/** Server params as WHMCS builds them for UsageUpdate: server fields only, password decrypted. */
function whmcs_cron_server_params(array $server, array $metaData)
{
    $secure = (string) $server['secure'] === 'on' || (string) $server['secure'] === '1';
    $port = $server['port'];
    if ($port === null || (int) $port === 0) {
        $port = $secure ? ($metaData['DefaultSSLPort'] ?? '') : ($metaData['DefaultNonSSLPort'] ?? '');
    }
    return [
        'serverid' => (int) $server['id'],
        'server' => true,
        'serverip' => (string) $server['ipaddress'],
        'serverhostname' => (string) $server['hostname'],
        'serverusername' => (string) $server['username'],
        'serverpassword' => html_entity_decode(decrypt($server['password']), ENT_QUOTES),
        'serveraccesshash' => (string) $server['accesshash'],
        'serversecure' => $secure,
        'serverhttpprefix' => $secure ? 'https' : 'http',
        'serverport' => (string) $port,
    ];
}

function whmcs_cron_task_UpdateServerUsage(PDO $pdo, $verbose)
{
    if (whmcs_cron_get_setting($pdo, 'UpdateStatsAuto') !== 'on') {
        if ($verbose) {
            echo "UpdateServerUsage: skipped, UpdateStatsAuto is off\n";
        }
        return;
    }
    $servers = $pdo->query('SELECT * FROM tblservers WHERE disabled = 0 ORDER BY name')->fetchAll(PDO::FETCH_ASSOC);
    foreach ($servers as $server) {
        $type = (string) $server['type'];
        $moduleFile = ROOTDIR . '/modules/servers/' . $type . '/' . $type . '.php';
        if (!preg_match('/^[a-z][a-z0-9]*$/', $type) || !is_file($moduleFile)) {
            fwrite(STDERR, 'warning: server ID ' . $server['id'] . ': module "' . $type . '" is not installed under '
                . ROOTDIR . "/modules/servers\n");
            continue;
        }
        require_once $moduleFile;
        $usageUpdate = $type . '_UsageUpdate';
        if (!function_exists($usageUpdate)) {
            continue;
        }
        $metaFunction = $type . '_MetaData';
        $metaData = function_exists($metaFunction) ? (array) $metaFunction() : [];
        try {
            $response = $usageUpdate(whmcs_cron_server_params($server, $metaData));
        } catch (Throwable $e) {
            $response = get_class($e) . ': ' . $e->getMessage();
        }
        if ($response !== null && $response !== '' && $response !== 'success') {
            $message = 'Server Usage Update Failed: ' . (is_string($response) ? $response : json_encode($response))
                . ' - Server ID: ' . $server['id'];
            whmcs_cron_log_activity($pdo, $message);
            fwrite(STDERR, 'warning: ' . $message . "\n");
        } elseif ($verbose) {
            echo 'UpdateServerUsage: server "' . $server['name'] . '" (ID ' . $server['id'] . "): success\n";
        }
    }
}
