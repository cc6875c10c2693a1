; calls.scm — marks every call. Captures: @call, @call.callee (the called expression), @call.args.
; Which calls matter is decided by the rules in rules/, after names are resolved through imports.

(call
  function: (_) @call.callee
  arguments: (_) @call.args) @call
