<?php
/** French strings of the fixture SmarterMail module. */

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

$_LANG['smartermail_overview_title'] = 'Hébergement courriel';
$_LANG['smartermail_disk_usage'] = 'Espace disque utilisé';
$_LANG['smartermail_megabytes'] = 'Mo';
$_LANG['smartermail_webmail'] = 'Ouvrir le webmail';
$_LANG['smartermail_error_title'] = 'Le service de courriel est injoignable';
