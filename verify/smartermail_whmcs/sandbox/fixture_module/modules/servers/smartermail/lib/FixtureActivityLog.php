<?php
/**
 * The activity-log lines the module writes where it notes a step or swallows a failure. WHMCS's
 * logActivity(message, clientId) (developers.whmcs.com/advanced/logging) is used when WHMCS provides
 * it; elsewhere the line is dropped, so the module still runs outside WHMCS.
 */

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

function smartermail_fixtureLogActivity($message)
{
    if (function_exists('logActivity')) {
        logActivity('SmarterMail: ' . $message);
    }
}
