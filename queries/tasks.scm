; tasks.scm — marks where a call's value goes, which decides whether a spawned task is kept:
; @discarded.call — a call that is the whole expression statement (its value is thrown away).
; The calls directly under `await` and those passed as arguments to another call are read by facts.c from
; what structure.scm (@checkpoint) and calls.scm (@call) capture anyway: the three patterns that said so took
; ~26 M of the ~147 M instructions the queries compiled in.
; RUF006 and the other orphan-task rules combine these with the names resolved by the rule engine.

(expression_statement . (call) @discarded.call .) @discarded
