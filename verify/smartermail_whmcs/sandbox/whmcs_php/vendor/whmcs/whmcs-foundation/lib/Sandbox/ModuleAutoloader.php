<?php
/**
 * WHMCS registers each module's namespace for autoloading: WHMCS\Module\<Type>\<Name>\<Class>
 * loads from modules/<type>s/<name>/lib/<Class>.php ("automatically registered for autoloading
 * classes within a lib sub-directory relative to your module directory",
 * developers.whmcs.com/provisioning-modules/usage-metrics). How WHMCS turns the capitalised
 * <Name> into the directory name is not documented; the sandbox tries the lower-cased name, then
 * the name split at capitals with underscores (MyModule -> mymodule, my_module): a GUESS.
 */

namespace WHMCS\Sandbox;

class ModuleAutoloader
{
    const TYPES = ['Server' => 'servers', 'Registrar' => 'registrars', 'Addon' => 'addons', 'Gateway' => 'gateways'];

    public static function register()
    {
        spl_autoload_register([self::class, 'load']);
    }

    public static function load($className)
    {
        $parts = explode('\\', ltrim((string) $className, '\\'));
        if (count($parts) < 5 || $parts[0] !== 'WHMCS' || $parts[1] !== 'Module' || !isset(self::TYPES[$parts[2]])) {
            return;
        }
        $relative = implode('/', array_slice($parts, 4)) . '.php';
        foreach (self::directoryNames($parts[3]) as $directory) {
            $file = ROOTDIR . '/modules/' . self::TYPES[$parts[2]] . '/' . $directory . '/lib/' . $relative;
            if (is_file($file)) {
                require_once $file;
                return;
            }
        }
    }

    /** Candidate directory names for a module namespace segment. */
    public static function directoryNames($segment)
    {
        $snake = strtolower((string) preg_replace('/(?<=[a-z0-9])([A-Z])/', '_$1', $segment));
        return array_values(array_unique([strtolower($segment), $snake]));
    }
}
