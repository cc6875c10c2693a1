; tasks.scm — marks where a call's value goes, which decides whether a spawned task is kept:
; @discarded.call — a call that is the whole expression statement (its value is thrown away);
; @awaited.call   — a call directly under `await`;
; @argument.call  — a call passed as an argument to another call (the @argument).
; RUF006 and the other orphan-task rules combine these with the names resolved by the rule engine.

(expression_statement . (call) @discarded.call .) @discarded
(await (call) @awaited.call) @awaited
(call arguments: (argument_list (call) @argument.call)) @argument
(call arguments: (argument_list (keyword_argument value: (call) @argument.call))) @argument
