<?php
/**
 * Which server modules' hooks.php files WHMCS loads, and how that list is rebuilt
 * (reference: whmcs-runtime.md (a); docs/sandbox.md).
 *
 * WHMCS keeps the detected list in tblconfiguration.ModuleHooks (comma-separated module
 * directory names) and includes ROOTDIR/modules/servers/<name>/hooks.php for each listed name on
 * every request. The list is rebuilt only when a module is activated or a product's Module
 * Settings are saved in the admin area; it then holds every module that is the server type of
 * some product and ships a hooks.php. A product written straight into the database therefore
 * runs without its module's hooks, exactly as it does in WHMCS.
 */

namespace WHMCS\Sandbox;

use WHMCS\Config\Setting;
use WHMCS\Database\Capsule;

class ModuleHooks
{
    const SETTING = 'ModuleHooks';

    /** Module names recorded in ModuleHooks, in their order, without blanks or repeats. */
    public static function recorded()
    {
        $names = array_map('trim', explode(',', (string) Setting::getValue(self::SETTING)));
        return array_values(array_unique(array_filter($names, 'strlen')));
    }

    /** Include the hooks.php of every recorded module that has one; returns the files loaded. */
    public static function load()
    {
        $loaded = [];
        foreach (self::recorded() as $name) {
            if (!ServerModule::isValidName($name)) {
                continue;
            }
            $file = ServerModule::directory($name) . '/hooks.php';
            if (is_file($file)) {
                include_once $file;
                $loaded[] = $file;
            }
        }
        return $loaded;
    }

    /**
     * What saving a product's Module Settings does: record every module used by a product that
     * ships a hooks.php. Returns the new list.
     */
    public static function rebuild()
    {
        $names = [];
        $types = Capsule::table('tblproducts')->where('servertype', '!=', '')->distinct()->orderBy('servertype')
            ->pluck('servertype');
        foreach ($types as $type) {
            $type = (string) $type;
            if (ServerModule::isValidName($type) && is_file(ServerModule::directory($type) . '/hooks.php')) {
                $names[] = $type;
            }
        }
        Setting::setValue(self::SETTING, implode(',', $names));
        return $names;
    }
}
