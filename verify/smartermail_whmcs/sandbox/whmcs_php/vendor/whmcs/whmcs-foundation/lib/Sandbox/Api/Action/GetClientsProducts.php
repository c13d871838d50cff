<?php

namespace WHMCS\Sandbox\Api\Action;

use WHMCS\Database\Capsule;
use WHMCS\Sandbox\Api\Input;
use WHMCS\Sandbox\Billing\PaymentGateways;

/**
 * GetClientsProducts (api-reference/getclientsproducts): services filtered by clientid,
 * serviceid, pid, domain and username2, limitstart / limitnum (25), in id order. Field names and
 * string values follow the documented example; the password comes back decrypted; configurable
 * options are not supported by the sandbox (always an empty list).
 */
class GetClientsProducts
{
    const FILTERS = ['clientid' => 'userid', 'serviceid' => 'id', 'pid' => 'packageid', 'domain' => 'domain',
        'username2' => 'username'];

    public static function run(array $values)
    {
        $query = Capsule::table('tblhosting');
        foreach (self::FILTERS as $param => $column) {
            if (Input::string($values, $param) !== '') {
                $query->where('tblhosting.' . $column, Input::string($values, $param));
            }
        }
        $total = (clone $query)->count();
        $start = max(0, Input::int($values, 'limitstart'));
        $limit = Input::has($values, 'limitnum') ? max(0, Input::int($values, 'limitnum')) : 25;
        $rows = $query->leftJoin('tblproducts', 'tblproducts.id', '=', 'tblhosting.packageid')
            ->leftJoin('tblproductgroups', 'tblproductgroups.id', '=', 'tblproducts.gid')
            ->leftJoin('tblservers', 'tblservers.id', '=', 'tblhosting.server')
            ->leftJoin('tblorders', 'tblorders.id', '=', 'tblhosting.orderid')
            ->orderBy('tblhosting.id')->offset($start)->limit($limit)
            ->get(['tblhosting.*', 'tblproducts.name as productname', 'tblproductgroups.name as groupname',
                'tblservers.name as servername', 'tblservers.ipaddress as serverip',
                'tblservers.hostname as serverhostname', 'tblorders.ordernum']);
        $gateways = PaymentGateways::active();
        $products = [];
        foreach ($rows as $row) {
            $products[] = self::product($row, $gateways);
        }
        $echo = function ($name) use ($values) {
            return Input::has($values, $name) ? (string) $values[$name] : null;
        };
        return [
            'clientid' => $echo('clientid'),
            'serviceid' => $echo('serviceid'),
            'pid' => $echo('pid'),
            'domain' => $echo('domain'),
            'totalresults' => (string) $total,
            'startnumber' => $start,
            'numreturned' => count($products),
            'products' => ['product' => $products],
        ];
    }

    private static function product($row, array $gateways)
    {
        $text = function ($value) {
            return $value === null ? '' : (string) $value;
        };
        return [
            'id' => $text($row->id),
            'qty' => $text($row->qty),
            'clientid' => $text($row->userid),
            'orderid' => $text($row->orderid),
            'ordernumber' => $text($row->ordernum),
            'pid' => $text($row->packageid),
            'regdate' => $text($row->regdate),
            'name' => $text($row->productname),
            'translated_name' => $text($row->productname),
            'groupname' => $text($row->groupname),
            'translated_groupname' => $text($row->groupname),
            'domain' => $text($row->domain),
            'dedicatedip' => $text($row->dedicatedip),
            'serverid' => $text($row->server),
            'servername' => $text($row->servername),
            'serverip' => $text($row->serverip),
            'serverhostname' => $text($row->serverhostname),
            'suspensionreason' => $text($row->suspendreason),
            'firstpaymentamount' => $text($row->firstpaymentamount),
            'recurringamount' => $text($row->amount),
            'paymentmethod' => $text($row->paymentmethod),
            'paymentmethodname' => $gateways[(string) $row->paymentmethod] ?? '',
            'billingcycle' => $text($row->billingcycle),
            'nextduedate' => $row->nextduedate === null ? '0000-00-00' : (string) $row->nextduedate,
            'status' => $text($row->domainstatus),
            'username' => $text($row->username),
            'password' => decrypt((string) $row->password),
            'subscriptionid' => $text($row->subscriptionid),
            'promoid' => $text($row->promoid),
            'overideautosuspend' => (int) $row->overideautosuspend ? '1' : '',
            'overidesuspenduntil' => $text($row->overidesuspenduntil),
            'ns1' => $text($row->ns1),
            'ns2' => $text($row->ns2),
            'assignedips' => $text($row->assignedips),
            'notes' => $text($row->notes),
            'diskusage' => $text($row->diskusage),
            'disklimit' => $text($row->disklimit),
            'bwusage' => $text($row->bwusage),
            'bwlimit' => $text($row->bwlimit),
            'lastupdate' => $text($row->lastupdate),
            'customfields' => ['customfield' => self::customFields($row)],
            'configoptions' => ['configoption' => []],
        ];
    }

    private static function customFields($row)
    {
        if (!Capsule::schema()->hasTable('tblcustomfields')) {
            return [];
        }
        $fields = [];
        $rows = Capsule::table('tblcustomfields')
            ->leftJoin('tblcustomfieldsvalues', function ($join) use ($row) {
                $join->on('tblcustomfieldsvalues.fieldid', '=', 'tblcustomfields.id')
                    ->where('tblcustomfieldsvalues.relid', '=', (int) $row->id);
            })
            ->where('tblcustomfields.type', 'product')->where('tblcustomfields.relid', $row->packageid)
            ->orderBy('tblcustomfields.sortorder')->orderBy('tblcustomfields.id')
            ->get(['tblcustomfields.id', 'tblcustomfields.fieldname', 'tblcustomfieldsvalues.value']);
        foreach ($rows as $field) {
            $name = trim(explode('|', (string) $field->fieldname)[0]);
            $fields[] = ['id' => (string) $field->id, 'name' => $name, 'translated_name' => $name,
                'value' => (string) $field->value];
        }
        return $fields;
    }
}
