<?php
/**
 * Command-line entry to the sandbox WHMCS's localAPI(), for Python and shell callers:
 *
 *   echo '{"action": "GetClientsProducts", "params": {"clientid": 1}}' | php sandbox/localapi.php
 *
 * Prints the result array as JSON on stdout (exit 0, also when the result is an API error);
 * unreadable input or a broken installation: a message on stderr and exit 1.
 */

require_once dirname(__DIR__) . '/init.php';

$request = json_decode((string) stream_get_contents(STDIN), true);
if (!is_array($request) || !is_string($request['action'] ?? null)) {
    fwrite(STDERR, "error: expected a JSON object {\"action\": ..., \"params\": {...}} on stdin\n");
    exit(1);
}
$params = $request['params'] ?? [];
if (!is_array($params)) {
    fwrite(STDERR, "error: \"params\" must be a JSON object\n");
    exit(1);
}
echo json_encode(localAPI($request['action'], $params, (string) ($request['admin'] ?? '')),
    JSON_UNESCAPED_SLASHES | JSON_PRESERVE_ZERO_FRACTION), "\n";
