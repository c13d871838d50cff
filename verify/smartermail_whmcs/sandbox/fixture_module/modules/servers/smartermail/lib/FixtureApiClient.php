<?php
/**
 * Minimal SmarterMail REST API v1 client for the fixture module (curl, JSON, Bearer token).
 * Error messages name the request and the HTTP status, never the credentials.
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

    private function request($method, $path, $payload)
    {
        $url = $this->baseUrl . ltrim($path, '/');
        $headers = ['Accept: application/json'];
        if ($this->token !== '') {
            $headers[] = 'Authorization: Bearer ' . $this->token;
        }
        $curl = curl_init($url);
        curl_setopt($curl, CURLOPT_RETURNTRANSFER, true);
        curl_setopt($curl, CURLOPT_CONNECTTIMEOUT, self::CONNECT_TIMEOUT_SECONDS);
        curl_setopt($curl, CURLOPT_TIMEOUT, self::TOTAL_TIMEOUT_SECONDS);
        curl_setopt($curl, CURLOPT_SSL_VERIFYPEER, true);
        curl_setopt($curl, CURLOPT_SSL_VERIFYHOST, 2);
        // The sandbox's init.php names its throwaway CA; a real WHMCS host uses the system store.
        if (defined('WHMCS_SANDBOX_CA_FILE') && WHMCS_SANDBOX_CA_FILE !== '') {
            curl_setopt($curl, CURLOPT_CAINFO, WHMCS_SANDBOX_CA_FILE);
        }
        if ($method === 'POST') {
            $headers[] = 'Content-Type: application/json';
            curl_setopt($curl, CURLOPT_POST, true);
            curl_setopt($curl, CURLOPT_POSTFIELDS, json_encode($payload === null ? new stdClass() : $payload));
        }
        curl_setopt($curl, CURLOPT_HTTPHEADER, $headers);

        $raw = curl_exec($curl);
        $status = (int) curl_getinfo($curl, CURLINFO_RESPONSE_CODE);
        $curlError = curl_error($curl);
        curl_close($curl);

        if ($raw === false) {
            throw new RuntimeException($method . ' ' . $url . ' failed: ' . $curlError);
        }
        $body = json_decode((string) $raw, true);
        if (!is_array($body)) {
            $body = [];
        }
        if ($status < 200 || $status >= 300 || (isset($body['success']) && $body['success'] === false)) {
            $reason = isset($body['message']) && $body['message'] !== '' ? (string) $body['message'] : 'no message';
            throw new RuntimeException($method . ' ' . $url . ' answered HTTP ' . $status . ': ' . $reason);
        }
        return $body;
    }
}
