<?php
/**
 * A client's service as client-area pages show it: the variables WHMCS assigns on the product
 * details page (decoded WHMCS 8.x clientarea.php, MEDIUM: id, serviceid, pid, producttype, type,
 * regdate, module, domain, groupname, product, status, rawstatus, username, password, billing and
 * due dates, amounts, payment method) and the row of the services list.
 */

namespace WHMCS\Sandbox\ClientArea;

use WHMCS\Database\Capsule;
use WHMCS\Sandbox\Billing\DateFormat;

class ServiceView
{
    /** The client's service with this id, joined with its product and group; null when not theirs. */
    public static function find($serviceId, $clientId)
    {
        return self::query($clientId)->where('tblhosting.id', (int) $serviceId)->first();
    }

    /** Every service of the client, newest first. */
    public static function all($clientId)
    {
        return self::query($clientId)->orderBy('tblhosting.id', 'desc')->get()->all();
    }

    public static function pageVars($service)
    {
        $status = (string) $service->domainstatus;
        return [
            'id' => (int) $service->id,
            'serviceid' => (int) $service->id,
            'pid' => (int) $service->packageid,
            'producttype' => (string) $service->type,
            'type' => (string) $service->type,
            'regdate' => DateFormat::display((string) $service->regdate),
            'modulename' => (string) $service->servertype,
            'module' => (string) $service->servertype,
            'domain' => (string) $service->domain,
            'groupname' => (string) $service->groupname,
            'product' => (string) $service->productname,
            'status' => Lang::trans('clientarea' . strtolower($status)) === 'clientarea' . strtolower($status)
                ? $status : Lang::trans('clientarea' . strtolower($status)),
            'systemStatus' => $status,
            'rawstatus' => strtolower($status),
            'username' => (string) $service->username,
            'password' => decrypt((string) $service->password),
            'billingcycle' => (string) $service->billingcycle,
            'nextduedate' => DateFormat::display((string) $service->nextduedate),
            'firstpaymentamount' => self::money($service->firstpaymentamount, $service),
            'recurringamount' => self::money($service->amount, $service),
            'paymentmethod' => (string) ($service->paymentmethodname ?: $service->paymentmethod),
            'suspendreason' => (string) $service->suspendreason,
        ];
    }

    /** One line of the services list. */
    public static function listRow($service)
    {
        return [
            'id' => (int) $service->id,
            'product' => (string) $service->productname,
            'group' => (string) $service->groupname,
            'domain' => (string) $service->domain,
            'status' => (string) $service->domainstatus,
            'rawstatus' => strtolower((string) $service->domainstatus),
            'nextduedate' => DateFormat::display((string) $service->nextduedate),
            'amount' => self::money($service->amount, $service),
        ];
    }

    private static function query($clientId)
    {
        return Capsule::table('tblhosting')
            ->join('tblproducts', 'tblproducts.id', '=', 'tblhosting.packageid')
            ->leftJoin('tblproductgroups', 'tblproductgroups.id', '=', 'tblproducts.gid')
            ->leftJoin('tblclients', 'tblclients.id', '=', 'tblhosting.userid')
            ->leftJoin('tblcurrencies', 'tblcurrencies.id', '=', 'tblclients.currency')
            ->leftJoin('tblpaymentgateways', function ($join) {
                $join->on('tblpaymentgateways.gateway', '=', 'tblhosting.paymentmethod')
                    ->where('tblpaymentgateways.setting', '=', 'name');
            })
            ->where('tblhosting.userid', (int) $clientId)
            ->select([
                'tblhosting.*', 'tblproducts.name as productname', 'tblproducts.type', 'tblproducts.servertype',
                'tblproductgroups.name as groupname', 'tblcurrencies.prefix as currencyprefix',
                'tblcurrencies.suffix as currencysuffix', 'tblpaymentgateways.value as paymentmethodname',
            ]);
    }

    private static function money($amount, $service)
    {
        return (string) $service->currencyprefix . number_format((float) $amount, 2, '.', '')
            . (string) $service->currencysuffix;
    }
}
