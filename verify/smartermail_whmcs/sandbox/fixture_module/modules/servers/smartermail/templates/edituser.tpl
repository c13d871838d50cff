{* Mailbox settings form (fixture module); posts customAction=saveuser. *}
<form method="post" action="clientarea.php?action=productdetails&amp;id={$serviceid}">
    <input type="hidden" name="customAction" value="saveuser">
    <input type="hidden" name="token" value="{$token}">
    <input type="hidden" name="selectuser" value="{$userName|escape}">
    <p>{$email|escape}: {$bytesUsed} / {$maxMailboxSize} bytes</p>
    <input type="text" name="fullname" value="{$fullName|escape}">
    {foreach $aliases as $alias}<input type="hidden" name="orig_aliases[]" value="{$alias|escape}">
        <input type="text" name="aliases[]" value="{$alias|escape}">{/foreach}
    {if $easManaged}<label><input type="checkbox" name="enable_eas"{if $eas} checked{/if}> ActiveSync</label>{/if}
    {if $mapiManaged}<label><input type="checkbox" name="enable_mapi"{if $mapi} checked{/if}> MAPI/EWS</label>{/if}
    <button type="submit">{$LANG.smartermail_save}</button>
</form>
