<?php
/**
 * WHMCS's CSRF token globals (whmcs-runtime.md (d); docs/sandbox.md, client area):
 * generate_token('plain' | 'link' | 'form') gives the session's token as a value, a query-string
 * part or a hidden form field; check_token() accepts the request's `token` field or, in the
 * client area, ends the session and sends the visitor to the login page, as WHMCS does.
 */

function generate_token($type = 'form')
{
    return WHMCS\Sandbox\ClientArea\CsrfToken::generate((string) $type);
}

function check_token($namespace = 'WHMCS.default')
{
    return WHMCS\Sandbox\ClientArea\CsrfToken::check((string) $namespace);
}
