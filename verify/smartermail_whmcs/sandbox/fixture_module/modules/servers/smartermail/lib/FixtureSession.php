<?php
/**
 * The tokens the Astral 360 module works with, obtained the way it obtains them
 * (module-api-calls.md section 1, "Tokens"):
 *  - SA: the sysadmin login from the server fields;
 *  - DA-imp: SA + POST settings/sysadmin/manage-domain/{domain} -> impersonateAccessToken;
 *  - DA-direct: a login as <hidden admin>@<domain>, then as the bare name.
 * openDomainAdmin() is the module's _sm_initDomainAdmin: always SA first, then DA-direct when the
 * service has a username and password, else DA-imp.
 */

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

class SmarterMailFixtureSession
{
    const NOT_READY = 'err_domain_not_ready';
    const UNREACHABLE = 'err_server_connect';

    /** @var SmarterMailFixtureApiClient */
    public $api;
    /** @var array */
    public $params;
    /** @var string */
    public $domain;
    /** @var string */
    public $saToken = '';
    /** @var string */
    public $daToken = '';

    public function __construct(SmarterMailFixtureApiClient $api, array $params)
    {
        $this->api = $api;
        $this->params = $params;
        $this->domain = strtolower(trim((string) ($params['domain'] ?? '')));
    }

    /** POST auth/authenticate-user as the server's sysadmin; true when an access token came back. */
    public function loginSysadmin()
    {
        $this->saToken = $this->login((string) ($this->params['serverusername'] ?? ''), (string) ($this->params['serverpassword'] ?? ''));
        return $this->saToken !== '';
    }

    /** The domain-admin token manage-domain gives the sysadmin: ['token', 'status', 'error']. */
    public function impersonateDomain()
    {
        $answer = $this->api->call('POST', 'settings/sysadmin/manage-domain/' . urlencode($this->domain), [], $this->saToken);
        $token = (string) ($answer['data']['impersonateAccessToken'] ?? '');
        return ['token' => $answer['ok'] ? $token : '', 'status' => $answer['status'], 'error' => $answer['error']];
    }

    /** '' when the SA and DA tokens are ready, else the language key the module shows instead. */
    public function openDomainAdmin()
    {
        if (!$this->loginSysadmin()) {
            return self::UNREACHABLE;
        }
        $user = strtolower(trim((string) ($this->params['username'] ?? '')));
        $password = trim((string) ($this->params['password'] ?? ''));
        if ($user !== '' && $password !== '') {
            $this->daToken = $this->login($user . '@' . $this->domain, $password);
            if ($this->daToken === '') {
                $this->daToken = $this->login($user, $password);
            }
            return $this->daToken === '' ? self::NOT_READY : '';
        }
        $imp = $this->impersonateDomain();
        $this->daToken = $imp['token'];
        if ($this->daToken !== '') {
            return '';
        }
        $missing = $imp['status'] === 404 || ($imp['status'] === 400 && strpos($imp['error'], 'INVALID_PERMISSIONS') !== false);
        return $missing ? self::NOT_READY : self::UNREACHABLE;
    }

    /** A call with the domain-admin token (or the one given). */
    public function call($method, $path, $data = [], $token = null)
    {
        return $this->api->call($method, $path, $data, $token === null ? $this->daToken : $token);
    }

    /** The body of a successful read, or [] (the module cannot tell "failed" from "empty" either). */
    public function read($method, $path, $data = [], $token = null)
    {
        $answer = $this->call($method, $path, $data, $token);
        return ($answer['ok'] && is_array($answer['data'])) ? $answer['data'] : [];
    }

    public function email($user)
    {
        return strtolower(trim((string) $user)) . '@' . $this->domain;
    }

    private function login($username, $password)
    {
        $answer = $this->api->call('POST', 'auth/authenticate-user', ['username' => $username, 'password' => $password]);
        return $answer['ok'] ? (string) ($answer['data']['accessToken'] ?? '') : '';
    }
}
