<?php
/**
 * Single sign-on tokens (CreateSsoToken, api-reference/createssotoken, HIGH): single use, valid
 * 60 seconds, redeemed at oauth/singlesignon.php?access_token=<token>, which logs the user in and
 * redirects to the destination. WHMCS keeps them in its OAuth tables; the stand-in keeps each in
 * tbltransientdata (name "SsoToken.<token>", expires = Unix time), removed when redeemed.
 */

namespace WHMCS\Sandbox\ClientArea;

use WHMCS\Database\Capsule;

class SsoTokens
{
    const LIFETIME = 60;
    const PREFIX = 'SsoToken.';

    /** Destinations the stand-in knows (the SSO developer guide lists more), with their pages. */
    const DESTINATIONS = [
        'clientarea:homepage' => 'clientarea.php',
        'clientarea:services' => 'clientarea.php?action=services',
        'clientarea:product_details' => 'clientarea.php?action=productdetails&id={service_id}',
        'clientarea:profile' => 'clientarea.php?action=details',
        'clientarea:invoices' => 'clientarea.php?action=invoices',
        'clientarea:domains' => 'clientarea.php?action=domains',
        'clientarea:domain_details' => 'clientarea.php?action=domaindetails&id={domain_id}',
        'clientarea:emails' => 'clientarea.php?action=emails',
        'sso:custom_redirect' => '{sso_redirect_path}',
    ];

    public static function isDestination($destination)
    {
        return isset(self::DESTINATIONS[$destination]);
    }

    /** Store a new token for this login and target; the token (40 hex digits). */
    public static function issue(array $login)
    {
        $token = bin2hex(random_bytes(20));
        Capsule::table('tbltransientdata')->insert([
            'name' => self::PREFIX . $token,
            'data' => json_encode($login),
            'expires' => time() + self::LIFETIME,
        ]);
        return $token;
    }

    /**
     * Take a token out of the store: its login data, or 'invalid' / 'expired'. A token is used at
     * most once: the row is deleted before it is honoured, and only one request can delete it.
     */
    public static function redeem($token)
    {
        $token = (string) $token;
        if (!preg_match('/^[0-9a-f]{40}$/', $token)) {
            return 'invalid';
        }
        $row = Capsule::table('tbltransientdata')->where('name', self::PREFIX . $token)->first();
        if ($row === null || Capsule::table('tbltransientdata')->where('id', $row->id)->delete() !== 1) {
            return 'invalid';
        }
        if ((int) $row->expires < time()) {
            return 'expired';
        }
        $login = json_decode((string) $row->data, true);
        return is_array($login) ? $login : 'invalid';
    }

    /** The page a redeemed token leads to, under the web root. */
    public static function destinationPath(array $login)
    {
        $pattern = self::DESTINATIONS[$login['destination'] ?? ''] ?? self::DESTINATIONS['clientarea:homepage'];
        return strtr($pattern, [
            '{service_id}' => (string) (int) ($login['service_id'] ?? 0),
            '{domain_id}' => (string) (int) ($login['domain_id'] ?? 0),
            '{sso_redirect_path}' => ltrim((string) ($login['sso_redirect_path'] ?? ''), '/'),
        ]);
    }
}
