<?php
/**
 * The invoice rewrite of the module's InvoiceCreation hook (module-api-calls.md 3.13 and 4), for
 * each 'Hosting' line of a smartermail service:
 *  - storage: tiers = max(1, ceil(disk GB / option 1)), the GB read from WHMCS's usage metrics
 *    (tblserver_tenants server_id + tenant = domain, newest tbltenant_stats 'disk_gb' row); the line
 *    is deleted and inserted again at tiers x its amount, its description extended;
 *  - protocols: with an EAS or MAPI price, the domain's ActiveSync and MAPI/EWS mailboxes read live
 *    and billed as one line per kind (both / EAS only / MAPI only), count x price;
 *  - the invoice total set to the sum of its lines.
 * The real module first bills its own protocol-activation rows (mod_sm_proto_usage, when option 16
 * is 1 or more) and leaves those mailboxes out of the live step; the fixture keeps no such table,
 * so it bills every mailbox in the live step.
 */

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

use WHMCS\Database\Capsule;

const SMARTERMAIL_FIXTURE_PROTOCOL_HEADERS = [
    'combined' => 'EAS + MAPI/Exchange:',
    'eas' => 'ActiveSync (EAS):',
    'mapi' => 'MAPI/Exchange:',
];

/** Rewrite the invoice's smartermail hosting lines; a failing line is logged and the others go on. */
function smartermail_fixtureBillInvoice($invoiceId)
{
    $invoiceId = (int) $invoiceId;
    $items = Capsule::table('tblinvoiceitems')->where('invoiceid', $invoiceId)->where('type', 'Hosting')->get();
    foreach ($items as $item) {
        try {
            smartermail_fixtureBillHostingLine($item);
        } catch (\Throwable $e) {
            smartermail_fixtureLogActivity("invoice #{$invoiceId} line #{$item->id}: " . $e->getMessage());
        }
    }
}

/** The service behind a hosting line, when it is a smartermail product on a server; else null. */
function smartermail_fixtureBilledService($serviceId)
{
    return Capsule::table('tblhosting')
        ->join('tblproducts', 'tblproducts.id', '=', 'tblhosting.packageid')
        ->join('tblservers', 'tblservers.id', '=', 'tblhosting.server')
        ->where('tblhosting.id', (int) $serviceId)
        ->where('tblproducts.servertype', 'smartermail')
        ->select(
            'tblhosting.domain', 'tblhosting.server',
            'tblproducts.configoption1', 'tblproducts.configoption2', 'tblproducts.configoption3',
            'tblproducts.configoption4', 'tblproducts.configoption16',
            'tblservers.hostname', 'tblservers.secure', 'tblservers.port',
            'tblservers.username as serverusername', 'tblservers.password as serverpassword'
        )
        ->first();
}

/**
 * SA login and a domain-admin token from the server row, as the hook opens them. Unlike the
 * module functions, an empty port means 443 or 80 here, not WHMCS's default port (9998).
 */
function smartermail_fixtureHookSession($service)
{
    $secure = (bool) $service->secure;
    $api = new SmarterMailFixtureApiClient((string) $service->hostname, (int) ($service->port ?: ($secure ? 443 : 80)), $secure);
    $session = new SmarterMailFixtureSession($api, [
        'serverusername' => (string) $service->serverusername,
        'serverpassword' => decrypt((string) $service->serverpassword),
        'domain' => (string) $service->domain,
    ]);
    if ($session->loginSysadmin()) {
        $session->daToken = $session->impersonateDomain()['token'];
    }
    return $session;
}

/** The newest disk_gb value WHMCS's metrics task stored for this tenant, 0 without one. */
function smartermail_fixtureStoredDiskGb($serverId, $domain)
{
    $tenantId = Capsule::table('tblserver_tenants')
        ->where('server_id', (int) $serverId)->where('tenant', (string) $domain)->value('id');
    if ($tenantId === null) {
        return 0.0;
    }
    $value = Capsule::table('tbltenant_stats')
        ->where('tenant_id', $tenantId)->where('metric', 'disk_gb')->orderBy('id', 'desc')->value('value');
    return $value === null ? 0.0 : (float) $value;
}

/** A string of the invoice language: WHMCS's Language setting, else French, else English (as the module). */
function smartermail_fixtureInvoiceText($key)
{
    $configured = strtolower((string) ($GLOBALS['CONFIG']['Language'] ?? ''));
    foreach ([$configured, 'french', 'english'] as $language) {
        $file = __DIR__ . '/../lang/' . $language . '.php';
        if (preg_match('/^[a-z]+$/', $language) && is_file($file)) {
            $_LANG = [];
            include $file;
            if (isset($_LANG[$key])) {
                return $_LANG[$key];
            }
        }
    }
    return $key;
}

/**
 * Insert an invoice line with only the columns the module fills. WHMCS's tblinvoiceitems also has
 * userid, paymentmethod and notes, NOT NULL without a default: this insert passes only where the
 * connection is not in strict SQL mode, which is what it is here to show of the WHMCS stand-in.
 */
function smartermail_fixtureInsertLine($item, $type, $relid, $description, $amount)
{
    Capsule::table('tblinvoiceitems')->insert([
        'invoiceid' => $item->invoiceid,
        'type' => $type,
        'relid' => $relid,
        'description' => $description,
        'amount' => $amount,
        'taxed' => $item->taxed,
        'duedate' => $item->duedate,
    ]);
}

function smartermail_fixtureBillHostingLine($item)
{
    $service = smartermail_fixtureBilledService($item->relid);
    if ($service === null) {
        return;
    }
    $gbPerTier = max(1, (int) ($service->configoption1 ?: 10));
    $easPrice = (float) ($service->configoption2 ?: 0);
    $mapiPrice = (float) ($service->configoption3 ?: 0);
    $combinedPrice = (float) ($service->configoption4 ?: 0);
    $session = smartermail_fixtureHookSession($service);

    $usageGb = smartermail_fixtureStoredDiskGb($service->server, $service->domain);
    $tiers = max(1, (int) ceil($usageGb / $gbPerTier));
    $unitPrice = (float) $item->amount;
    $label = sprintf(smartermail_fixtureInvoiceText('inv_usage_label'), number_format($usageGb, 2), $tiers, $gbPerTier, $unitPrice);
    Capsule::table('tblinvoiceitems')->where('id', $item->id)->delete();
    smartermail_fixtureInsertLine($item, $item->type, $item->relid,
        $item->description . "\n" . smartermail_fixtureInvoiceText('inv_usage_prefix') . $label,
        round($tiers * $unitPrice, 2));

    if ($easPrice <= 0 && $mapiPrice <= 0) {
        smartermail_fixtureUpdateInvoiceTotal($item->invoiceid);
        return;
    }
    if ($session->daToken === '') {
        smartermail_fixtureLogActivity("invoice #{$item->invoiceid}: no domain-admin token for {$service->domain}, protocols not billed");
        smartermail_fixtureUpdateInvoiceTotal($item->invoiceid);
        return;
    }
    $lines = smartermail_fixtureProtocolLines(
        smartermail_fixtureBillableEmails($session, 'active-sync'),
        smartermail_fixtureBillableEmails($session, 'mapi-ews'),
        $easPrice, $mapiPrice, $combinedPrice
    );
    foreach ($lines as [$kind, $emails, $price]) {
        $description = SMARTERMAIL_FIXTURE_PROTOCOL_HEADERS[$kind] . "\n- " . implode("\n- ", $emails);
        smartermail_fixtureInsertLine($item, '', 0, $description, round(count($emails) * $price, 2));
    }
    smartermail_fixtureUpdateInvoiceTotal($item->invoiceid);
}

/** The protocol's mailbox addresses, lower-case, valid ones only, in the server's order. */
function smartermail_fixtureBillableEmails(SmarterMailFixtureSession $session, $protocol)
{
    $emails = [];
    foreach (array_keys(smartermail_fixtureProtocolEmails($session, $protocol)) as $email) {
        if (filter_var($email, FILTER_VALIDATE_EMAIL) !== false) {
            $emails[$email] = true;
        }
    }
    return $emails;
}

/**
 * [kind, emails, unit price] per line: mailboxes with both protocols on the combined line when it
 * has a price, else counted on both other lines; an EAS or MAPI line only with its own price.
 */
function smartermail_fixtureProtocolLines(array $eas, array $mapi, $easPrice, $mapiPrice, $combinedPrice)
{
    $both = array_keys(array_intersect_key($eas, $mapi));
    $easOnly = array_keys(array_diff_key($eas, $mapi));
    $mapiOnly = array_keys(array_diff_key($mapi, $eas));
    $lines = [];
    if ($combinedPrice > 0) {
        if ($both) {
            $lines[] = ['combined', $both, $combinedPrice];
        }
    } else {
        $easOnly = array_merge($easOnly, $both);
        $mapiOnly = array_merge($mapiOnly, $both);
    }
    if ($easPrice > 0 && $easOnly) {
        $lines[] = ['eas', $easOnly, $easPrice];
    }
    if ($mapiPrice > 0 && $mapiOnly) {
        $lines[] = ['mapi', $mapiOnly, $mapiPrice];
    }
    return $lines;
}

/** tblinvoices.total = the sum of the lines, rounded to cents (no tax, no credit, as the module). */
function smartermail_fixtureUpdateInvoiceTotal($invoiceId)
{
    $sum = (float) Capsule::table('tblinvoiceitems')->where('invoiceid', (int) $invoiceId)->sum('amount');
    Capsule::table('tblinvoices')->where('id', (int) $invoiceId)->update(['total' => round($sum, 2)]);
}
