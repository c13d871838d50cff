<?php
/**
 * Smarty 3.1.47 (Debian's smarty3) declares SmartyCompilerException::$line again as an untyped
 * public property, which PHP 8.1+ refuses when the class loads: every template syntax error would
 * end in a fatal error instead of the exception WHMCS reports. Smarty 3.1.48, the release WHMCS 8
 * ships a fork of (whmcs-runtime.md (d)), dropped that property; this class is the same fix,
 * defined before Smarty's autoloader would load its own. The compiler still sets ->line from
 * outside, which __set routes to Exception's own property.
 */

class SmartyCompilerException extends SmartyException
{
    /** @var string|null the template line that failed */
    public $source = null;
    /** @var string|null the raw error text */
    public $desc = null;
    /** @var string|null the template's file name */
    public $template = null;

    public function __set($name, $value)
    {
        if ($name === 'line') {
            $this->line = (int) $value;
        }
    }

    public function __toString()
    {
        return ' --> Smarty Compiler: ' . $this->message . ' <-- ';
    }
}
