{* Shown when the module cannot talk to SmarterMail (fixture module). *}
<div class="alert alert-danger">
    <strong>{$LANG.smartermail_error_title}</strong>
    <p>{$errorMessage|escape}</p>
</div>
