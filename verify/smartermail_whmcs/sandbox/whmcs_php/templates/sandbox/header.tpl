{* The stand-in's client-area theme: page head and navigation (WHMCS themes split pages the same way). *}
<!DOCTYPE html>
<html lang="en">
<head>
    <meta charset="{$charset}">
    <title>{$displayTitle|escape} - {$companyname|default:'WHMCS sandbox'|escape}</title>
    <link rel="stylesheet" href="{$WEB_ROOT}/templates/{$template}/css/sandbox.css">
    <script src="{$BASE_PATH_JS}/jquery.min.js"></script>
</head>
<body>
<header class="topbar">
    <a class="brand" href="{$WEB_ROOT}/clientarea.php">{$companyname|default:'WHMCS sandbox'|escape}</a>
    {if $loggedin}
        <span class="who">{$clientsdetails.fullname|escape} &lt;{$clientsdetails.email|escape}&gt;</span>
        <a href="{$WEB_ROOT}/clientarea.php?action=services">{$LANG.clientareaproducts}</a>
        <a href="{$WEB_ROOT}/logout.php">{$LANG.logouttitle}</a>
    {/if}
</header>
<main class="page">
<h1>{$displayTitle|escape}</h1>
