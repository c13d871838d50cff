<?php
/**
 * Hooks of the fixture SmarterMail module, loaded by WHMCS only once it has detected this file
 * (module activation or a product's Module Settings saved; whmcs-runtime.md a).
 *  - InvoiceCreation, priority 1, as the real module registers it (its documentation says
 *    InvoiceCreated): storage tiers and protocol lines on each smartermail hosting line
 *    (lib/FixtureInvoiceBilling.php).
 *  - DailyCronJob: one activity-log line. The real module ages its protocol-billing rows and purges
 *    its DNS cache there; the fixture keeps neither.
 */

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

require_once __DIR__ . '/lib/FixtureApiClient.php';
require_once __DIR__ . '/lib/FixtureActivityLog.php';
require_once __DIR__ . '/lib/FixtureSession.php';
require_once __DIR__ . '/lib/FixtureDomainReads.php';
require_once __DIR__ . '/lib/FixtureInvoiceBilling.php';

if (function_exists('add_hook')) {
    add_hook('InvoiceCreation', 1, function (array $vars) {
        smartermail_fixtureBillInvoice($vars['invoiceid'] ?? 0);
    });
    add_hook('DailyCronJob', 1, function (array $vars) {
        smartermail_fixtureLogActivity('daily maintenance: nothing to do (the fixture keeps no protocol-billing rows or DNS cache)');
    });
}
