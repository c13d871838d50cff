<?php
/** English strings of the fixture SmarterMail module. */

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

$_LANG['smartermail_overview_title'] = 'Email hosting';
$_LANG['smartermail_disk_usage'] = 'Disk space used';
$_LANG['smartermail_megabytes'] = 'MB';
$_LANG['smartermail_webmail'] = 'Open webmail';
$_LANG['smartermail_error_title'] = 'The mail service could not be reached';
