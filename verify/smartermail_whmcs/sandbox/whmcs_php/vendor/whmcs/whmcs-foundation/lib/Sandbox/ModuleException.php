<?php

namespace WHMCS\Sandbox;

/** A module could not be loaded or lacks the function WHMCS wanted to call. */
class ModuleException extends \RuntimeException
{
}
