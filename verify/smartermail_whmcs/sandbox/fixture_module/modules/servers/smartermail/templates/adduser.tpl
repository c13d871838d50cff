{* New mailbox form (fixture module); posts customAction=createuser. *}
<form method="post" action="clientarea.php?action=productdetails&amp;id={$serviceid}">
    <input type="hidden" name="customAction" value="createuser">
    <input type="hidden" name="token" value="{$token}">
    <input type="text" name="username" required> @{$domain|escape}
    <input type="password" name="password" minlength="{$passwordMinimum}" required>
    <input type="number" name="mailboxsize_mb" min="0" value="0">
    {if $easManaged}<label><input type="checkbox" name="enable_eas"> ActiveSync</label>{/if}
    {if $mapiManaged}<label><input type="checkbox" name="enable_mapi"> MAPI/EWS</label>{/if}
    <button type="submit">{$LANG.smartermail_save}</button>
</form>
