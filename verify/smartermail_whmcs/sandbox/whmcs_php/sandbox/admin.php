<?php
/**
 * Command-line stand-in for admin-area steps:
 *
 *   php sandbox/admin.php save-product-module-settings <product id>
 *       what clicking Save Changes on a product's Module Settings tab does to hook detection:
 *       rebuild the ModuleHooks list (whmcs-runtime.md (a)); prints the list as JSON.
 *
 *   php sandbox/admin.php refresh-usage <service id>
 *       the service page's "Refresh Now" under Metric Statistics: the module's MetricProvider is
 *       asked tenantUsage(tenant) and the answer stored in tblserver_tenants / tbltenant_stats
 *       (WHMCS\Sandbox\Metrics\ServiceUsageRefresh); prints {"success": true, "tenant",
 *       "server_id", "provider", "metrics": {name: value}} as JSON.
 *
 *   php sandbox/admin.php activate-addon <name> [--access <role ids>]
 *       Setup > Addon Modules: Activate (runs <name>_activate() inside WHMCS), then the addon's
 *       Access Control boxes and Save Changes, then the page display (upgrade check, hook and
 *       permission lists). --access takes tbladminroles ids, comma-separated ('' for none);
 *       without it the recorded access is kept, or Full Administrator (1) is given. An active
 *       addon is not activated again (WHMCS disables the button): "changed" tells whether
 *       anything was written. Prints the result as JSON (WHMCS\Sandbox\AddonModules).
 *
 *   php sandbox/admin.php deactivate-addon <name>
 *       Deactivate: <name>_deactivate(), then the addon's tbladdonmodules rows and list entries
 *       go (its own tables stay unless _deactivate drops them). Prints JSON.
 *
 *   php sandbox/admin.php addon-modules
 *       Opening Setup > Addon Modules: runs the upgrade of every active addon whose version
 *       changed and rebuilds AddonModulesHooks / AddonModulesPerms. Prints JSON.
 *
 * Exit 0 on success, 1 with a message on stderr otherwise (an addon's own error message, for
 * an _activate / _deactivate that returned status error).
 */

require_once dirname(__DIR__) . '/init.php';

use WHMCS\Database\Capsule;

const WHMCS_SANDBOX_ADMIN_USAGE = "usage: php sandbox/admin.php save-product-module-settings <product id>\n"
    . "       php sandbox/admin.php refresh-usage <service id>\n"
    . "       php sandbox/admin.php activate-addon <name> [--access <role ids>]\n"
    . "       php sandbox/admin.php deactivate-addon <name>\n"
    . "       php sandbox/admin.php addon-modules\n";

$command = $argv[1] ?? '';
if (in_array($command, ['activate-addon', 'deactivate-addon', 'addon-modules'], true)) {
    require __DIR__ . '/admin_addons.php';
    exit(whmcs_sandbox_admin_addons($command, array_slice($argv, 2)));
}
$id = (string) ($argv[2] ?? '');
if (!in_array($command, ['save-product-module-settings', 'refresh-usage'], true) || !ctype_digit($id)) {
    fwrite(STDERR, WHMCS_SANDBOX_ADMIN_USAGE);
    exit(1);
}

if ($command === 'refresh-usage') {
    try {
        $result = WHMCS\Sandbox\Metrics\ServiceUsageRefresh::refresh((int) $id);
    } catch (Exception $e) {  // what the admin page shows as {"success": false, "error": ...}
        fwrite(STDERR, 'error: service ID ' . $id . ': ' . $e->getMessage() . "\n");
        exit(1);
    }
    $result['metrics'] = (object) $result['metrics'];  // {} rather than [] when nothing was reported
    echo json_encode(['success' => true] + $result), "\n";
    exit(0);
}

if (!Capsule::table('tblproducts')->where('id', (int) $id)->exists()) {
    fwrite(STDERR, 'error: product ID ' . $id . " not found\n");
    exit(1);
}
echo json_encode(['ModuleHooks' => WHMCS\Sandbox\ModuleHooks::rebuild()]), "\n";
