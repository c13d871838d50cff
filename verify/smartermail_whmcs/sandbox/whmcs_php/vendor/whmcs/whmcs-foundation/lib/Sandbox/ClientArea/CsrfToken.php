<?php
/**
 * The client area's CSRF token: one value per session (40 hex digits), sent back by forms as the
 * `token` field. A wrong or missing token in the client area destroys the session and redirects to
 * the login page; elsewhere (admin, CLI) the request ends with "Invalid CSRF Protection Token".
 * Behaviour from decoded WHMCS 8.7 (WHMCS\TokenManager), MEDIUM; the value's derivation is ours.
 */

namespace WHMCS\Sandbox\ClientArea;

class CsrfToken
{
    const INVALID = 'Invalid CSRF Protection Token';

    /** @var string|null a process-wide token when no session runs (CLI) */
    private static $withoutSession = null;

    public static function value()
    {
        if (session_status() !== PHP_SESSION_ACTIVE) {
            if (self::$withoutSession === null) {
                self::$withoutSession = bin2hex(random_bytes(20));
            }
            return self::$withoutSession;
        }
        if (!is_string($_SESSION['tkval'] ?? null) || $_SESSION['tkval'] === '') {
            $_SESSION['tkval'] = bin2hex(random_bytes(16));
        }
        return sha1($_SESSION['tkval'] . ':' . session_id());
    }

    public static function generate($type)
    {
        $token = self::value();
        if ($type === 'plain') {
            return $token;
        }
        if ($type === 'link') {
            return '&token=' . $token;
        }
        return '<input type="hidden" name="token" value="' . $token . '" />';
    }

    /** The `token` field of the request (POST first, then the query string). */
    public static function sent()
    {
        $sent = $_POST['token'] ?? $_GET['token'] ?? '';
        return is_string($sent) ? $sent : '';
    }

    public static function isValid($sent)
    {
        return hash_equals(self::value(), (string) $sent);
    }

    public static function check($namespace)
    {
        if (self::isValid(self::sent())) {
            return true;
        }
        if (defined('CLIENTAREA')) {
            Session::destroy();
            Response::redirect(Urls::login());
        }
        throw new ProgramExit(self::INVALID);
    }
}
