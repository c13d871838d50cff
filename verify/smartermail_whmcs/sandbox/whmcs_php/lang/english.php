<?php
/**
 * Client-area strings of the WHMCS stand-in: the keys its own pages use, named as WHMCS names
 * them so that {$LANG.key} works in templates; the wording is the stand-in's own (only
 * loginincorrect is WHMCS's text, from its login error).
 */

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

$_LANG['clientareatitle'] = 'Client Area';
$_LANG['clientareaproducts'] = 'My Products & Services';
$_LANG['clientareaproductdetails'] = 'Product Details';
$_LANG['manageproduct'] = 'Manage Product';
$_LANG['login'] = 'Login';
$_LANG['logouttitle'] = 'Logout';
$_LANG['loginemail'] = 'Email Address';
$_LANG['loginpassword'] = 'Password';
$_LANG['loginbutton'] = 'Login';
$_LANG['loginincorrect'] = 'Login Details Incorrect. Please try again.';
$_LANG['orderproduct'] = 'Product/Service';
$_LANG['orderdomain'] = 'Domain';
$_LANG['clientareastatus'] = 'Status';
$_LANG['clientareahostingregdate'] = 'Registration Date';
$_LANG['orderbillingcycle'] = 'Billing Cycle';
$_LANG['recurringamount'] = 'Recurring Amount';
$_LANG['clientareahostingnextduedate'] = 'Next Due Date';
$_LANG['orderpaymentmethod'] = 'Payment Method';
$_LANG['moduleactionsuccess'] = 'Action Completed Successfully!';
$_LANG['moduleactionfailed'] = 'Action Failed:';
$_LANG['productMustBeActiveForModuleCmds'] = 'The product must be active to perform this action.';
$_LANG['clientareaactive'] = 'Active';
$_LANG['clientareapending'] = 'Pending';
$_LANG['clientareasuspended'] = 'Suspended';
$_LANG['clientareaterminated'] = 'Terminated';
$_LANG['clientareacancelled'] = 'Cancelled';
$_LANG['clientareanoaddons'] = 'No services yet.';
$_LANG['actions'] = 'Actions';
$_LANG['overview'] = 'Overview';
$_LANG['pagenotfound'] = 'Page Not Found';
