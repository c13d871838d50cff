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
$_LANG['err_server_connect'] = 'The email service cannot be reached right now. Please try again in a few minutes.';
$_LANG['err_domain_not_ready'] = 'This email service is not activated yet. Please come back shortly.';
$_LANG['err_csrf'] = 'Your session expired. Reload the page and try again.';
$_LANG['smartermail_mailboxes'] = 'Mailboxes';
$_LANG['smartermail_redirects'] = 'Redirects';
$_LANG['smartermail_domain_aliases'] = 'Domain aliases';
$_LANG['smartermail_not_ready'] = 'This email service is being set up.';
$_LANG['smartermail_save'] = 'Save';
$_LANG['smartermail_add_mailbox'] = 'Add a mailbox';
$_LANG['smartermail_mailbox_name'] = 'Mailbox name';
$_LANG['smartermail_password'] = 'Password';
$_LANG['smartermail_size_mb'] = 'Size (MB, 0 = no limit)';
$_LANG['err_domain_exists'] = 'Error: Domain "%s" already exists in SmarterMail. Remove it there or order another domain.';
$_LANG['err_domain_duplicate'] = 'Error: SmarterMail already uses the name "%s" (a domain or a domain alias).';
$_LANG['err_create_domain'] = 'Error creating the domain in SmarterMail: %s';
$_LANG['err_config_domain'] = 'Error configuring the new domain in SmarterMail (domain deleted): %s';
$_LANG['inv_usage_prefix'] = '» ';
$_LANG['inv_usage_label'] = '%1$s GB used · %2$d Tier(s) of %3$d GB × $%4$s';
