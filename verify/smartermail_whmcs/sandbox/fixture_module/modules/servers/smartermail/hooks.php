<?php
/**
 * Hooks of the fixture SmarterMail module. The real module bills storage tranches on
 * InvoiceCreated; the fixture only registers a no-op so that the file layout matches.
 */

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

if (function_exists('add_hook')) {
    add_hook('InvoiceCreated', 1, function (array $vars) {
        return null;
    });
}
