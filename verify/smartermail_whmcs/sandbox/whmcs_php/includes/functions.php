<?php
/**
 * WHMCS sandbox stand-in for includes/functions.php: the encrypt()/decrypt() pair WHMCS uses
 * for tblservers.password and tblhosting.password, written from the algorithm's description.
 *
 * key = sha1_raw(md5(md5(H)) . md5(H)) with H = $cc_encryption_hash. A 20-byte random IV is
 * stored XORed with the key; each byte is XORed with a keystream block that starts as the IV
 * and becomes sha1_raw(previous block . previous 20 plaintext bytes) every 20 bytes.
 */

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

function whmcs_sandbox_hash_key()
{
    $config = whmcs_sandbox_config();
    $digest = md5((string) $config['cc_encryption_hash']);
    return sha1(md5($digest) . $digest, true);
}

function encrypt($plain)
{
    $plain = (string) $plain;
    $iv = random_bytes(20);
    $out = $iv ^ whmcs_sandbox_hash_key();
    $block = $iv;
    $length = strlen($plain);
    for ($c = 0; $c < $length; $c++) {
        if ($c !== 0 && $c % 20 === 0) {
            $block = sha1($block . substr($plain, $c - 20, 20), true);
        }
        $out .= $plain[$c] ^ $block[$c % 20];
    }
    return base64_encode($out);
}

function decrypt($encrypted)
{
    $raw = base64_decode((string) $encrypted);
    if ($raw === false || strlen($raw) < 20) {
        return '';
    }
    $block = substr($raw, 0, 20) ^ whmcs_sandbox_hash_key();
    $cipher = substr($raw, 20);
    $out = '';
    $length = strlen($cipher);
    for ($c = 0; $c < $length; $c++) {
        if ($c !== 0 && $c % 20 === 0) {
            $block = sha1($block . substr($out, $c - 20, 20), true);
        }
        $out .= $cipher[$c] ^ $block[$c % 20];
    }
    return $out;
}
