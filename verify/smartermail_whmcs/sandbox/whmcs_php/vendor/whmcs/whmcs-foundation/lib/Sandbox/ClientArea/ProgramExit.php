<?php
/** WHMCS\Exception\ProgramExit's role: a request that must stop with a message (no page). */

namespace WHMCS\Sandbox\ClientArea;

class ProgramExit extends \RuntimeException
{
}
