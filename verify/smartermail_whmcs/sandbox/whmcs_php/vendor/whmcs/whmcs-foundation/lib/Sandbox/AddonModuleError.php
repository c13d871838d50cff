<?php

namespace WHMCS\Sandbox;

/** An addon could not be activated or deactivated; the message is what the admin area shows. */
class AddonModuleError extends \RuntimeException
{
}
