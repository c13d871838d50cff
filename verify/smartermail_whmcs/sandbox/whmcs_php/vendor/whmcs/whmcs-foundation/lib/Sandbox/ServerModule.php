<?php
/**
 * Loading a server (provisioning) module and calling its functions the way WHMCS does:
 * modules/servers/<name>/<name>.php, functions named <name>_<Function>, an absent function
 * reported as WHMCS reports it, an exception thrown by the module turned into its message.
 */

namespace WHMCS\Sandbox;

class ServerModule
{
    const NOT_SUPPORTED = 'Function Not Supported by Module';

    /** @var string */
    private $name;

    public function __construct($name)
    {
        $name = (string) $name;
        if (!self::isValidName($name)) {
            throw new ModuleException('Invalid module name "' . $name . '"');
        }
        $file = self::directory($name) . '/' . $name . '.php';
        if (!is_file($file)) {
            throw new ModuleException('Module "' . $name . '" is not installed: ' . $file . ' not found');
        }
        require_once $file;
        $this->name = $name;
    }

    public static function isValidName($name)
    {
        return (bool) preg_match('/^[a-z0-9_]+$/i', (string) $name);
    }

    public static function directory($name)
    {
        return ROOTDIR . '/modules/servers/' . $name;
    }

    public function name()
    {
        return $this->name;
    }

    public function functionName($function)
    {
        return $this->name . '_' . $function;
    }

    public function hasFunction($function)
    {
        return function_exists($this->functionName($function));
    }

    /** <name>_MetaData(), or [] when the module has none. */
    public function metaData()
    {
        return $this->hasFunction('MetaData') ? (array) $this->call('MetaData', []) : [];
    }

    /** <name>_ConfigOptions() in declaration order (configoption1..N follow it). */
    public function configOptions()
    {
        return $this->hasFunction('ConfigOptions') ? (array) $this->call('ConfigOptions', []) : [];
    }

    /** Call <name>_<Function>($params) and return what it returned. */
    public function call($function, array $params)
    {
        if (!$this->hasFunction($function)) {
            throw new ModuleException(self::NOT_SUPPORTED);
        }
        return call_user_func($this->functionName($function), $params);
    }

    /**
     * A service action (Create, Suspend, ...): 'success' or the error text WHMCS would show.
     * Exceptions thrown by the module become their message, as WHMCS reports them.
     */
    public function callAction($function, array $params)
    {
        try {
            $result = $this->call($function, $params);
        } catch (ModuleException $e) {
            return $e->getMessage();
        } catch (\Throwable $e) {
            return $e->getMessage() !== '' ? $e->getMessage() : get_class($e);
        }
        if ($result === 'success') {
            return 'success';
        }
        if (is_array($result)) {
            return (string) ($result['error'] ?? 'An unknown error occurred');
        }
        return $result === null || $result === '' ? 'An unknown error occurred' : (string) $result;
    }
}
