<?php
/**
 * The addon hook files WHMCS loads on every request: for each name in
 * tblconfiguration.AddonModulesHooks, ROOTDIR/modules/addons/<name>/hooks.php when it exists,
 * after the server modules' (ModuleHooks). ActiveAddonModules is not read here: an addon marked
 * active whose name is missing from AddonModulesHooks runs without hooks, as in WHMCS
 * (docs/whmcs-standin-facts.md, addon modules).
 */

namespace WHMCS\Sandbox;

use WHMCS\Config\Setting;

class AddonModuleHooks
{
    /** Include the listed addons' hooks.php files; returns the files loaded. */
    public static function load()
    {
        $loaded = [];
        foreach (explode(',', (string) Setting::getValue(AddonModules::HOOKS)) as $name) {
            $name = trim($name);
            if (!ServerModule::isValidName($name)) {
                continue;
            }
            $file = AddonModule::directory($name) . '/hooks.php';
            if (is_file($file)) {
                include_once $file;
                $loaded[] = $file;
            }
        }
        return $loaded;
    }
}
