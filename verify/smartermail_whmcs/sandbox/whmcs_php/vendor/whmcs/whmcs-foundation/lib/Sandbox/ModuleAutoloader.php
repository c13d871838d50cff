<?php
/**
 * WHMCS registers each module's namespace for autoloading: WHMCS\Module\<Type>\<Name>\<Class>
 * loads from modules/<type>s/<name>/lib/<Class>.php ("automatically registered for autoloading
 * classes within a lib sub-directory relative to your module directory",
 * developers.whmcs.com/provisioning-modules/usage-metrics). Directory candidates for <Name>, in
 * order: as written, lower case, split before capitals and joined with '_' lower-cased, the same
 * keeping case; the rest of the class name becomes sub-directories of lib/
 * (docs/whmcs-standin-facts.md (b), MEDIUM).
 */

namespace WHMCS\Sandbox;

class ModuleAutoloader
{
    const TYPES = [
        'Addon' => 'addons', 'Fraud' => 'fraud', 'Gateway' => 'gateways', 'Mail' => 'mail',
        'Notification' => 'notifications', 'Registrar' => 'registrars', 'Report' => 'reports',
        'Security' => 'security', 'Server' => 'servers', 'Social' => 'social', 'Support' => 'support',
    ];

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
        $split = (string) preg_replace('/(?<=.)([A-Z])/', '_$1', $segment);
        return array_values(array_unique([$segment, strtolower($segment), strtolower($split), $split]));
    }
}
