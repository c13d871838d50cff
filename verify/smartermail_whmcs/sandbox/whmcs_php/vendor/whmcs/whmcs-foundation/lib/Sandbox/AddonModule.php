<?php
/**
 * One addon module as WHMCS loads it: modules/addons/<name>/<name>.php, whose <name>_config()
 * describes it (name, description, version, author, fields) and whose optional <name>_activate(),
 * <name>_deactivate() and <name>_upgrade($vars) WHMCS's Addon Modules page calls
 * (docs/whmcs-standin-facts.md, addon modules).
 */

namespace WHMCS\Sandbox;

class AddonModule
{
    /** Version recorded when _config() names none (WHMCS\Module\Addon::activate's fallback). */
    const DEFAULT_VERSION = '1.0';

    /** @var string */
    private $name;

    /** @var array */
    private $config;

    /** Load an installed addon; ModuleException when the name is not one (WHMCS: "Invalid Module Name"). */
    public function __construct($name)
    {
        $name = (string) $name;
        if (!ServerModule::isValidName($name) || !is_file(self::file($name))) {
            throw new ModuleException('Invalid Module Name. Please Try Again.');
        }
        require_once self::file($name);
        $config = function_exists($name . '_config') ? call_user_func($name . '_config') : null;
        if (!is_array($config) || !$config) {
            throw new ModuleException('Could not activate ' . $name . ' due to invalid return from config method');
        }
        $this->name = $name;
        $this->config = $config;
    }

    public static function directory($name)
    {
        return ROOTDIR . '/modules/addons/' . $name;
    }

    public static function file($name)
    {
        return self::directory($name) . '/' . $name . '.php';
    }

    /** Every folder of modules/addons holding <folder>/<folder>.php, sorted as the page lists them. */
    public static function installed()
    {
        $names = [];
        foreach ((array) glob(ROOTDIR . '/modules/addons/*', GLOB_ONLYDIR) as $folder) {
            $name = basename((string) $folder);
            if (ServerModule::isValidName($name) && is_file(self::file($name))) {
                $names[] = $name;
            }
        }
        sort($names);
        return $names;
    }

    public function name()
    {
        return $this->name;
    }

    /** The display name ('name' of _config()), which AddonModulesPerms records. */
    public function displayName()
    {
        return isset($this->config['name']) ? (string) $this->config['name'] : $this->name;
    }

    public function version()
    {
        $version = isset($this->config['version']) ? (string) $this->config['version'] : '';
        return $version !== '' ? $version : self::DEFAULT_VERSION;
    }

    /** The config fields: key => field definition (FriendlyName, Type, Default, ...). */
    public function fields()
    {
        return isset($this->config['fields']) && is_array($this->config['fields']) ? $this->config['fields'] : [];
    }

    public function hasHooks()
    {
        return is_file(self::directory($this->name) . '/hooks.php');
    }

    public function hasFunction($function)
    {
        return function_exists($this->name . '_' . $function);
    }

    /**
     * Call _activate() or _deactivate() as the page does (no arguments). Returns
     * [bool ok, string status, string description]: ok for no function, a falsy return or status
     * success/info; an exception thrown by the addon is an error with its message.
     */
    public function callLifecycle($function)
    {
        if (!$this->hasFunction($function)) {
            return [true, 'success', ''];
        }
        try {
            $response = call_user_func($this->name . '_' . $function);
        } catch (\Throwable $e) {
            return [false, 'error', $e->getMessage()];
        }
        if (!$response) {
            return [true, 'success', ''];
        }
        $status = is_array($response) && isset($response['status']) ? (string) $response['status'] : '';
        $description = is_array($response) && isset($response['description']) ? (string) $response['description'] : '';
        if ($status === 'success' || $status === 'info') {
            return [true, $status, $description];
        }
        return [false, 'error', $description !== '' ? $description : 'An unknown error occurred'];
    }

    /** <name>_upgrade($vars), $vars being the addon's stored settings (version = the old one). */
    public function upgrade(array $storedSettings)
    {
        if ($this->hasFunction('upgrade')) {
            call_user_func($this->name . '_upgrade', $storedSettings);
        }
    }
}
