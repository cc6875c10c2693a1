; structure.scm — statements the structural rules look at (ASYNC100, ASYNC110, ASYNC119, ASYNC109):
; @with (+ .async .body)   — `with` / `async with` statements; their items are read from the node;
; @sleeploop (+ .body)     — a `while` loop; those whose body is one `await <call>` statement are kept;
; @yield                   — every yield;
; @checkpoint              — what lets the event loop run: await, `async for`, `async with`, an async
;                            comprehension (`[x async for x in it]`);
; @decorator (+ .expr .function) — a decorator and the function it decorates;
; @try (+ .body)           — a try statement; the exception names of its handlers are read from the node;
; @typecheck (+ .cond)     — an if statement; the branches of `if isinstance(...)` / `if not isinstance(...)`
;                            (what runs there depends on the type of an argument; ASC108 does not follow
;                            blocking calls in it) are read from the node.

(with_statement "async"? @with.async body: (block) @with.body) @with

; `while` loops are captured with their body (@sleeploop.body); facts.c keeps those whose body is one statement
; awaiting calls (on_sleeploop: the pattern with anchors that said so took ~27 M instructions to compile).
(while_statement body: (block) @sleeploop.body) @sleeploop

(yield) @yield

(await) @checkpoint
(for_statement "async" @checkpoint.async) @checkpoint
(with_statement "async" @checkpoint.async) @checkpoint
(for_in_clause "async" @checkpoint.async) @checkpoint

(decorated_definition
  (decorator (_) @decorator.expr)
  definition: (function_definition) @decorator.function) @decorator

(try_statement body: (block) @try.body) @try

; `if` statements are captured with their condition (@typecheck.cond); facts.c keeps the branches of those whose
; condition is `isinstance(...)` or `not isinstance(...)` (on_typecheck): two patterns spelling that out, one
; for the body and one for the else branch, took ~44 M of the ~280 M instructions the queries compiled in.
(if_statement condition: (_) @typecheck.cond) @typecheck
