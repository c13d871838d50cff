{* Login form: posts WHMCS 8's login fields (username = e-mail address, password, token) to the login route. *}
{if $incorrect}<div class="alert alert-danger" id="login-error">{$LANG.loginincorrect}</div>{/if}
<form method="post" action="{$WEB_ROOT}/index.php?rp=/login" class="login">
    <input type="hidden" name="token" value="{$token}">
    <label>{$LANG.loginemail} <input type="email" name="username" id="inputEmail" value="{$username|escape}" required></label>
    <label>{$LANG.loginpassword} <input type="password" name="password" id="inputPassword" required></label>
    <button type="submit" id="login">{$LANG.loginbutton}</button>
</form>
