<?php
/**
 * Boot of the sandbox's WHMCS stand-in, in the order WHMCS's init.php boots: contain the process
 * (DNS answered locally; with TLS, the simulator's CA as PHP's default trust store), class
 * autoloading (Illuminate, WHMCS classes, modules' lib/ folders), global functions, the database
 * (Capsule), the settings ($CONFIG), then the hook files WHMCS would load.
 */

require_once __DIR__ . '/containment.php';
whmcs_sandbox_contain();

require_once 'Illuminate/Database/autoload.php'; // Debian's php-illuminate-database, on include_path

spl_autoload_register(function ($className) {
    if (strpos($className, 'WHMCS\\') !== 0) {
        return;
    }
    $file = ROOTDIR . '/vendor/whmcs/whmcs-foundation/lib/' . str_replace('\\', '/', substr($className, 6)) . '.php';
    if (is_file($file)) {
        require_once $file;
    }
});
WHMCS\Sandbox\ModuleAutoloader::register();

require_once ROOTDIR . '/includes/functions.php';
require_once __DIR__ . '/logging.php';
require_once __DIR__ . '/hooks.php';
require_once __DIR__ . '/api.php';
require_once __DIR__ . '/csrf.php';

/**
 * Connect, load the settings and the detected hook files (server modules', then addons'). A
 * database that cannot be reached ends a CLI run with one line on stderr and exit code 1 (WHMCS
 * stops with a critical error page; the password is never part of the message).
 */
function whmcs_sandbox_boot()
{
    $config = whmcs_sandbox_config();
    try {
        WHMCS\Database\Capsule::bootFromConfiguration($config);
        $GLOBALS['CONFIG'] = WHMCS\Config\Setting::allAsArray();
    } catch (PDOException $e) {
        $message = 'WHMCS database ' . $config['db_name'] . ' on ' . $config['db_host'] . ':' . $config['db_port']
            . ' failed: ' . ($e->getPrevious() ? $e->getPrevious()->getMessage() : $e->getMessage());
        if (PHP_SAPI !== 'cli') {
            throw new RuntimeException($message, 0, $e);
        }
        fwrite(STDERR, 'error: ' . $message . "\n");
        exit(1);
    }
    WHMCS\Sandbox\ModuleHooks::load();
    WHMCS\Sandbox\AddonModuleHooks::load();
}

whmcs_sandbox_boot();
