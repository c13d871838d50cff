<?php
/**
 * SmarterMail REST API v1 client of the fixture module (curl, JSON, Bearer token).
 *
 * Two ways to call:
 *  - login()/get()/post(): the fixture's own strict style for TestConnection and UsageUpdate; they
 *    throw on a non-2xx status or a body with success:false.
 *  - call(): the way the Astral 360 module's transport behaves (module-api-calls.md section 1):
 *    never throws, a token per call, POST bodies are json_encode($data) (so an empty PHP array
 *    goes out as "[]"), null sends no body at all, and success is judged by the HTTP status
 *    alone: a 200 with success:false counts as a success, as in the real module.
 * Error messages name the request and the HTTP status, never the credentials.
 * Every request, whichever way it was made, goes to WHMCS's module log (logModuleCall, when WHMCS
 * provides it) with the passwords and tokens it carried listed for masking.
 */

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

class SmarterMailFixtureApiClient
{
    const CONNECT_TIMEOUT_SECONDS = 10;
    const TOTAL_TIMEOUT_SECONDS = 30;

    /** @var string */
    private $baseUrl;
    /** @var string */
    private $token = '';

    public function __construct($host, $port, $secure)
    {
        $scheme = $secure ? 'https' : 'http';
        $defaultPort = $secure ? 443 : 80;
        $authority = ((int) $port === $defaultPort) ? $host : $host . ':' . (int) $port;
        $this->baseUrl = $scheme . '://' . $authority . '/api/v1/';
    }

    public function login($username, $password)
    {
        $body = $this->request('POST', 'auth/authenticate-user', ['username' => $username, 'password' => $password]);
        if (empty($body['accessToken'])) {
            throw new RuntimeException('SmarterMail login failed: no access token in the answer');
        }
        $this->token = (string) $body['accessToken'];
    }

    public function get($path)
    {
        return $this->request('GET', $path, null);
    }

    public function post($path, array $payload)
    {
        return $this->request('POST', $path, $payload);
    }

    /**
     * One call as the module makes it: ['ok' => 2xx, 'status' => int (0 on a network error),
     * 'data' => decoded body or null, 'error' => body.message, else "HTTP <status>", else the curl error].
     */
    public function call($method, $path, $data = [], $token = '')
    {
        $body = ($method === 'POST' && $data !== null) ? json_encode($data) : null;
        $answer = $this->transfer($method, $path, $body, $token);
        if ($answer['raw'] === false) {
            return ['ok' => false, 'status' => 0, 'data' => null, 'error' => 'cURL network error: ' . $answer['curlError']];
        }
        $decoded = json_decode((string) $answer['raw'], true);
        $decoded = is_array($decoded) ? $decoded : null;
        $ok = $answer['status'] >= 200 && $answer['status'] < 300;
        $error = '';
        if (!$ok) {
            $error = !empty($decoded['message']) ? (string) $decoded['message'] : 'HTTP ' . $answer['status'];
        }
        return ['ok' => $ok, 'status' => $answer['status'], 'data' => $decoded, 'error' => $error];
    }

    private function request($method, $path, $payload)
    {
        $body = $method === 'POST' ? json_encode($payload === null ? new stdClass() : $payload) : null;
        $answer = $this->transfer($method, $path, $body, $this->token);
        $url = $this->baseUrl . ltrim($path, '/');
        if ($answer['raw'] === false) {
            throw new RuntimeException($method . ' ' . $url . ' failed: ' . $answer['curlError']);
        }
        $decoded = json_decode((string) $answer['raw'], true);
        $decoded = is_array($decoded) ? $decoded : [];
        $status = $answer['status'];
        if ($status < 200 || $status >= 300 || (isset($decoded['success']) && $decoded['success'] === false)) {
            $reason = isset($decoded['message']) && $decoded['message'] !== '' ? (string) $decoded['message'] : 'no message';
            throw new RuntimeException($method . ' ' . $url . ' answered HTTP ' . $status . ': ' . $reason);
        }
        return $decoded;
    }

    /** @return array{raw: string|false, status: int, curlError: string} */
    private function transfer($method, $path, $body, $token)
    {
        $url = $this->baseUrl . ltrim($path, '/');
        $headers = ['Accept: application/json', 'Content-Type: application/json'];
        if ($token !== '') {
            $headers[] = 'Authorization: Bearer ' . $token;
        }
        $curl = curl_init($url);
        curl_setopt($curl, CURLOPT_RETURNTRANSFER, true);
        curl_setopt($curl, CURLOPT_CONNECTTIMEOUT, self::CONNECT_TIMEOUT_SECONDS);
        curl_setopt($curl, CURLOPT_TIMEOUT, self::TOTAL_TIMEOUT_SECONDS);
        curl_setopt($curl, CURLOPT_SSL_VERIFYPEER, true);
        curl_setopt($curl, CURLOPT_SSL_VERIFYHOST, 2);
        // No CA of its own: curl trusts what the host's PHP trusts (openssl.cafile / curl.cainfo,
        // else the system store), as the real module does; a TLS sandbox's PHP trusts its CA.
        if ($method === 'POST') {
            curl_setopt($curl, CURLOPT_POST, true);
            // null: a truly empty body with Content-Length: 0 (the module's domain-alias-put).
            curl_setopt($curl, CURLOPT_POSTFIELDS, $body === null ? '' : $body);
            $headers[] = 'Content-Length: ' . strlen((string) $body);
        }
        curl_setopt($curl, CURLOPT_HTTPHEADER, $headers);

        $raw = curl_exec($curl);
        $status = (int) curl_getinfo($curl, CURLINFO_RESPONSE_CODE);
        $curlError = curl_error($curl);
        curl_close($curl);
        self::logCall($method, $url, $path, $body, $token, $raw, $status, $curlError);
        return ['raw' => $raw, 'status' => $status, 'curlError' => $curlError];
    }

    /**
     * One module-log entry per request: logModuleCall(module, action, request, response, processed,
     * strings to mask) as WHMCS documents it (developers.whmcs.com/advanced/logging). Skipped where
     * WHMCS is not around (the function is missing), so the module still runs there.
     */
    private static function logCall($method, $url, $path, $body, $token, $raw, $status, $curlError)
    {
        if (!function_exists('logModuleCall')) {
            return;
        }
        $sent = $body === null ? null : json_decode($body, true);
        $received = $raw === false ? null : json_decode((string) $raw, true);
        $secrets = array_merge([(string) $token], self::secretsIn($sent), self::secretsIn($received));
        logModuleCall(
            'smartermail',
            $method . ' ' . ltrim($path, '/'),
            $method . ' ' . $url . ($body === null ? '' : "\n" . $body),
            $raw === false ? 'cURL error: ' . $curlError : 'HTTP ' . $status . "\n" . $raw,
            is_array($received) ? $received : null,
            array_values(array_unique(array_filter($secrets, 'strlen')))
        );
    }

    /** The string values of keys naming a password or a token, at any depth of a decoded body. */
    private static function secretsIn($data)
    {
        $found = [];
        foreach (is_array($data) ? $data : [] as $key => $value) {
            if (is_array($value)) {
                $found = array_merge($found, self::secretsIn($value));
            } elseif (is_string($value) && preg_match('/password|token/i', (string) $key)) {
                $found[] = $value;
            }
        }
        return $found;
    }
}
