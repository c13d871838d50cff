<?php
/**
 * The addon commands of sandbox/admin.php (activate-addon, deactivate-addon, addon-modules):
 * arguments parsed, WHMCS\Sandbox\AddonModules run, the result printed as JSON on stdout, or
 * "error: ..." on stderr. Returns the exit code.
 */

use WHMCS\Sandbox\AddonModuleError;
use WHMCS\Sandbox\AddonModules;
use WHMCS\Sandbox\ModuleException;

function whmcs_sandbox_admin_addons($command, array $args)
{
    $usage = function () {
        fwrite(STDERR, WHMCS_SANDBOX_ADMIN_USAGE);
        return 1;
    };
    $name = null;
    $access = null;
    while ($args) {
        $arg = (string) array_shift($args);
        if ($arg === '--access' && $command === 'activate-addon' && $args) {
            $value = trim((string) array_shift($args));
            $access = $value === '' ? [] : explode(',', $value);
        } elseif ($name === null && $command !== 'addon-modules' && substr($arg, 0, 2) !== '--') {
            $name = $arg;
        } else {
            return $usage();
        }
    }
    if ($name === null && $command !== 'addon-modules') {
        return $usage();
    }
    try {
        if ($command === 'activate-addon') {
            $result = AddonModules::activate($name, $access);
        } elseif ($command === 'deactivate-addon') {
            $result = AddonModules::deactivate($name);
        } else {
            $result = AddonModules::display();
        }
    } catch (AddonModuleError $e) {
        $verb = $command === 'activate-addon' ? 'activating' : 'deactivating';
        fwrite(STDERR, 'error: ' . $verb . ' addon ' . $name . ': ' . $e->getMessage() . "\n");
        return 1;
    } catch (ModuleException $e) {
        fwrite(STDERR, 'error: addon ' . $name . ': ' . $e->getMessage() . "\n");
        return 1;
    } catch (Throwable $e) {  // e.g. an addon's _upgrade() failing: WHMCS shows an error page
        fwrite(STDERR, 'error: ' . $command . ': ' . get_class($e) . ': ' . $e->getMessage() . "\n");
        return 1;
    }
    echo json_encode($result, JSON_UNESCAPED_SLASHES), "\n";
    return 0;
}
