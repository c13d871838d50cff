<?php
/**
 * The username and password WHMCS fills in before a module's Create runs, when the service has
 * none (whmcs-runtime.md (b); docs/whmcs-standin-facts.md (e) step 2):
 *  - username: the last string an OverrideModuleUsernameGeneration hook returns; otherwise the
 *    domain in lower case with everything but letters removed, cut to 8 characters, and on a
 *    clash a counter replacing its tail (<first 7>1, ...); with GenerateRandomUsername on, 8 random
 *    lower-case letters; nothing when there is no domain;
 *  - password: 10 characters of digits, lower- and upper-case letters (4 + 4 + 2, shuffled;
 *    mix as in decoded 5.x/7.x copies, MEDIUM);
 *  - both written to tblhosting (password with encrypt()) before the module runs, unless the
 *    module's MetaData says AutoGenerateUsernameAndPassword => false.
 */

namespace WHMCS\Sandbox\Provisioning;

use WHMCS\Config\Setting;
use WHMCS\Database\Capsule;
use WHMCS\Sandbox\ServerModule;

class ServiceCredentials
{
    const LOWER = 'abcdefghijklmnopqrstuvwxyz';
    const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    const DIGITS = '0123456789';

    /** Fill an empty username and password of the service from its module parameters. */
    public static function fillBeforeCreate($serviceId, array $params, ServerModule $module)
    {
        $meta = $module->metaData();
        if (array_key_exists('AutoGenerateUsernameAndPassword', $meta) && $meta['AutoGenerateUsernameAndPassword'] === false) {
            return;
        }
        $update = [];
        if ((string) $params['username'] === '') {
            $username = self::usernameFromHooks($params);
            if ($username === '') {
                $username = self::username((string) $params['domain']);
            }
            $update['username'] = $username;
        }
        if ((string) $params['password'] === '') {
            $update['password'] = encrypt(self::password());
        }
        if ($update) {
            Capsule::table('tblhosting')->where('id', $serviceId)->update($update);
        }
    }

    private static function usernameFromHooks(array $params)
    {
        $username = '';
        foreach (run_hook('OverrideModuleUsernameGeneration', $params) as $result) {
            if (is_string($result)) {
                $username = $result;
            }
        }
        return $username;
    }

    /** A username no other service has, derived from the domain (or random, per GenerateRandomUsername). */
    public static function username($domain)
    {
        $random = in_array((string) Setting::getValue('GenerateRandomUsername'), ['on', '1'], true);
        if (!$random) {
            $base = substr((string) preg_replace('/[^a-z]/', '', strtolower($domain)), 0, 8);
            if ($base === '') {
                return '';
            }
            $username = $base;
            for ($suffix = 1; self::taken($username); $suffix++) {
                $username = substr($base, 0, 8 - strlen((string) $suffix)) . $suffix;
            }
            return $username;
        }
        do {
            $username = self::randomFrom(self::LOWER, 8);
        } while (self::taken($username));
        return $username;
    }

    public static function password()
    {
        $characters = str_split(self::randomFrom(self::DIGITS, 4) . self::randomFrom(self::LOWER, 4)
            . self::randomFrom(self::UPPER, 2));
        for ($i = count($characters) - 1; $i > 0; $i--) {
            $j = random_int(0, $i);
            [$characters[$i], $characters[$j]] = [$characters[$j], $characters[$i]];
        }
        return implode('', $characters);
    }

    private static function taken($username)
    {
        return Capsule::table('tblhosting')->where('username', $username)->exists();
    }

    private static function randomFrom($alphabet, $length)
    {
        $out = '';
        for ($i = 0; $i < $length; $i++) {
            $out .= $alphabet[random_int(0, strlen($alphabet) - 1)];
        }
        return $out;
    }
}
