<?php
/**
 * Command-line stand-in for the admin-area steps that change what WHMCS loads:
 *
 *   php sandbox/admin.php save-product-module-settings <product id>
 *       what clicking Save Changes on a product's Module Settings tab does to hook detection:
 *       rebuild the ModuleHooks list (whmcs-runtime.md (a)); prints the list as JSON.
 *
 * Exit 0 on success, 1 with a message on stderr otherwise.
 */

require_once dirname(__DIR__) . '/init.php';

use WHMCS\Database\Capsule;

$command = $argv[1] ?? '';
if ($command !== 'save-product-module-settings' || !ctype_digit((string) ($argv[2] ?? ''))) {
    fwrite(STDERR, "usage: php sandbox/admin.php save-product-module-settings <product id>\n");
    exit(1);
}
if (!Capsule::table('tblproducts')->where('id', (int) $argv[2])->exists()) {
    fwrite(STDERR, 'error: product ID ' . $argv[2] . " not found\n");
    exit(1);
}
echo json_encode(['ModuleHooks' => WHMCS\Sandbox\ModuleHooks::rebuild()]), "\n";
