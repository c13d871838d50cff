<?php

namespace WHMCS\Sandbox\Api\Action;

use WHMCS\Database\Capsule;
use WHMCS\Sandbox\Api\ApiError;
use WHMCS\Sandbox\Api\Input;

/**
 * AddClient (api-reference/addclient): a tblclients row with every NOT NULL column, and since
 * WHMCS 8 its login: a tblusers row (password2 hashed) linked as owner in tblusers_clients, or an
 * existing user named by owner_user_id. Errors are the documented validation texts; a taken email
 * is "A user already exists with that email address" (whmcs-runtime.md (f)). Hook ClientAdd;
 * activity log "Created Client <first> <last> - User ID: <client id>" (decoded 7.x/8.x, MEDIUM).
 */
class AddClient
{
    /** Required field => error text when it is missing (skipvalidation skips them). */
    const REQUIRED = [
        'firstname' => 'You did not enter your first name',
        'lastname' => 'You did not enter your last name',
        'email' => 'You did not enter your email address',
        'address1' => 'You did not enter your address line 1',
        'city' => 'You did not enter your city',
        'state' => 'You did not enter your state',
        'postcode' => 'You did not enter your postcode',
        'country' => 'You did not enter your country',
        'phonenumber' => 'You did not enter your phone number',
    ];

    public static function run(array $values)
    {
        $ownerId = Input::int($values, 'owner_user_id');
        self::validate($values, $ownerId);
        $email = Input::string($values, 'email');
        $now = date('Y-m-d H:i:s');
        $clientId = (int) Capsule::table('tblclients')->insertGetId(self::clientRow($values, $now));
        if ($ownerId === 0) {
            $ownerId = (int) Capsule::table('tblusers')->insertGetId([
                'first_name' => Input::string($values, 'firstname'),
                'last_name' => Input::string($values, 'lastname'),
                'email' => $email,
                'password' => password_hash(Input::raw($values, 'password2'), PASSWORD_DEFAULT),
                'language' => Input::string($values, 'language'),
                'created_at' => $now,
                'updated_at' => $now,
            ]);
        }
        Capsule::table('tblusers_clients')->insert([
            'auth_user_id' => $ownerId, 'client_id' => $clientId, 'owner' => 1, 'created_at' => $now, 'updated_at' => $now,
        ]);
        logActivity('Created Client ' . Input::string($values, 'firstname') . ' ' . Input::string($values, 'lastname')
            . ' - User ID: ' . $clientId, $clientId);
        run_hook('ClientAdd', array_merge(self::hookFields($values), ['client_id' => $clientId, 'userid' => $clientId,
            'user_id' => $ownerId]));
        return ['clientid' => (string) $clientId];
    }

    private static function validate(array $values, $ownerId)
    {
        if (!Input::flag($values, 'skipvalidation')) {
            foreach (self::REQUIRED as $field => $message) {
                if (Input::string($values, $field) === '') {
                    throw new ApiError($message);
                }
            }
        }
        $email = Input::string($values, 'email');
        if ($email !== '' && filter_var($email, FILTER_VALIDATE_EMAIL) === false) {
            throw new ApiError('The email address you entered was not valid');
        }
        if ($ownerId !== 0) {
            if (!Capsule::table('tblusers')->where('id', $ownerId)->exists()) {
                throw new ApiError('Invalid owner_user_id'); // GUESS: exact text not documented
            }
            return;
        }
        if (Input::raw($values, 'password2') === '') {
            throw new ApiError('You did not enter a password'); // GUESS: required, text not documented
        }
        if ($email !== '' && (Capsule::table('tblusers')->where('email', $email)->exists()
            || Capsule::table('tblclients')->where('email', $email)->exists())) {
            throw new ApiError('A user already exists with that email address');
        }
    }

    private static function clientRow(array $values, $now)
    {
        $currency = Input::int($values, 'currency');
        if ($currency === 0) {
            $currency = (int) Capsule::table('tblcurrencies')->where('default', 1)->value('id');
        }
        $row = [];
        foreach (['firstname', 'lastname', 'companyname', 'email', 'address1', 'address2', 'city', 'state',
            'postcode', 'phonenumber', 'tax_id', 'notes', 'language'] as $field) {
            $row[$field] = Input::string($values, $field);
        }
        $row['country'] = strtoupper(Input::string($values, 'country'));
        foreach (['password', 'authmodule', 'authdata', 'defaultgateway', 'securityqans', 'cardlastfour', 'cardnum',
            'startdate', 'expdate', 'issuenumber', 'bankname', 'banktype', 'bankcode', 'bankacct', 'gatewayid',
            'host', 'pwresetkey'] as $empty) {
            $row[$empty] = '';
        }
        foreach (['taxexempt', 'latefeeoveride', 'overideduenotices', 'separateinvoices', 'disableautocc',
            'billingcid', 'emailoptout', 'overrideautoclose'] as $zero) {
            $row[$zero] = 0;
        }
        return array_merge($row, [
            'currency' => $currency,
            'credit' => 0,
            'datecreated' => date('Y-m-d'),
            'securityqid' => Input::int($values, 'securityqid'),
            'groupid' => Input::int($values, 'groupid'),
            'ip' => Input::string($values, 'clientip'),
            'status' => 'Active',
            'marketing_emails_opt_in' => Input::flag($values, 'marketingoptin') ? 1 : 0,
            'created_at' => $now,
            'updated_at' => $now,
        ]);
    }

    private static function hookFields(array $values)
    {
        $fields = [];
        foreach (array_keys(self::REQUIRED) as $field) {
            $fields[$field] = Input::string($values, $field);
        }
        $fields['companyname'] = Input::string($values, 'companyname');
        $fields['password'] = Input::raw($values, 'password2');
        return $fields;
    }
}
