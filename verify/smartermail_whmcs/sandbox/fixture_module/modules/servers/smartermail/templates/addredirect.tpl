{* New redirect form (fixture module); posts customAction=createredirect. *}
<form method="post" action="clientarea.php?action=productdetails&amp;id={$serviceid}">
    <input type="hidden" name="customAction" value="createredirect">
    <input type="hidden" name="token" value="{$token}">
    <input type="text" name="aliasname" required> @{$domain|escape}
    <input type="email" name="targets[]" required>
    <button type="submit">{$LANG.smartermail_save}</button>
</form>
