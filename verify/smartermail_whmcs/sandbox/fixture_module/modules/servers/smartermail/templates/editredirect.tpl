{* Redirect targets form (fixture module); posts customAction=saveredirect. *}
<form method="post" action="clientarea.php?action=productdetails&amp;id={$serviceid}">
    <input type="hidden" name="customAction" value="saveredirect">
    <input type="hidden" name="token" value="{$token}">
    <input type="hidden" name="aliasname" value="{$aliasName|escape}">
    {foreach $targets as $target}<input type="email" name="targets[]" value="{$target|escape}">{/foreach}
    <input type="email" name="targets[]">
    <button type="submit">{$LANG.smartermail_save}</button>
</form>
