{* New mailbox form (fixture module); posts customAction=createuser with WHMCS's CSRF token. *}
<form method="post" action="clientarea.php?action=productdetails&amp;id={$serviceid}" class="smartermail-adduser">
    <input type="hidden" name="customAction" value="createuser">
    <input type="hidden" name="token" value="{$token}">
    <label>{$LANG.smartermail_mailbox_name} <input type="text" name="username" required> @{$domain|escape}</label>
    <label>{$LANG.smartermail_password} <input type="password" name="password" minlength="{$passwordMinimum}" required></label>
    <label>{$LANG.smartermail_size_mb} <input type="number" name="mailboxsize_mb" min="0" value="0"></label>
    {if $easManaged}<label><input type="checkbox" name="enable_eas"> ActiveSync</label>{/if}
    {if $mapiManaged}<label><input type="checkbox" name="enable_mapi"> MAPI/EWS</label>{/if}
    <button type="submit">{$LANG.smartermail_save}</button>
</form>
